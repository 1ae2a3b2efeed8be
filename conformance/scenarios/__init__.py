"""The scenario suite: the contract exercised through the ``ibmqjob`` SDK, as a user would.

Each scenario says which parts of the spec it covers (OpenAPI operation ids, AsyncAPI
messages) and ends as pass, fail (with a reason naming the broken part) or skip.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable, Iterable, Sequence

from ..report import Outcome, Verdict
from .base import Scenario, ScenarioContext, ScenarioFailure, ScenarioSkip
from .registry import SCENARIOS, scenario_named

__all__ = [
    "SCENARIOS",
    "Scenario",
    "ScenarioContext",
    "run_scenario",
    "run_scenarios",
    "scenario_named",
]

logger = logging.getLogger(__name__)


def run_scenario(scenario: Scenario, ctx: ScenarioContext) -> Outcome:
    """Run one scenario and judge it.

    Args:
        scenario: The scenario.
        ctx: The context.

    Returns:
        Its outcome: an unexpected exception fails the scenario with the traceback as details.
    """
    if scenario.needs_other_user and not ctx.other_token:
        return _outcome(scenario, Verdict.SKIP, "needs a second user's token (--other-token)")
    if scenario.needs_websocket and not ctx.websocket:
        return _outcome(scenario, Verdict.SKIP, "needs the status websocket (disabled)")
    ctx.notes.clear()
    if ctx.exchanges is not None:
        ctx.exchanges.clear()
    audited = len(ctx.audit.problems) if ctx.audit else 0
    started = time.monotonic()
    details: tuple[str, ...] = ()
    try:
        scenario.run(ctx)
    except ScenarioFailure as failure:
        verdict, reason = Verdict.FAIL, str(failure)
    except ScenarioSkip as skip:
        verdict, reason = Verdict.SKIP, str(skip)
    except Exception as err:
        verdict, reason = Verdict.FAIL, f"{type(err).__name__}: {err}"
        details = (traceback.format_exc(),)
    else:
        verdict, reason = Verdict.PASS, ""
    finally:
        ctx.clean_up()
    wire = ctx.audit.problems[audited:] if ctx.audit else []
    if wire:
        details = (*details, *wire)
        if verdict is not Verdict.FAIL:
            verdict, reason = Verdict.FAIL, f"wire audit: {wire[0]}"
    if verdict is Verdict.FAIL and ctx.exchanges is not None:
        shown = ctx.exchanges.render()
        if shown:
            details = (*details, "the last HTTP exchanges before the failure:\n" + shown)
    logger.info("scenario %s: %s %s", scenario.name, verdict.value, reason)
    return _outcome(scenario, verdict, reason, (*details, *ctx.notes), time.monotonic() - started)


def _outcome(
    scenario: Scenario,
    verdict: Verdict,
    reason: str,
    details: tuple[str, ...] = (),
    seconds: float = 0.0,
) -> Outcome:
    return Outcome(
        "scenario",
        scenario.name,
        verdict,
        reason,
        scenario.covers,
        details,
        seconds,
        scenario.profile,
        scenario.sections,
    )


def run_scenarios(
    ctx: ScenarioContext,
    names: Iterable[str] | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Run scenarios (all of them by default), in registry order.

    Args:
        ctx: The context.
        names: The scenarios to run; all when ``None``.
        on_outcome: Called with each outcome as soon as it is known (progress).

    Returns:
        One outcome per scenario.

    Raises:
        KeyError: a name is not a scenario.
    """
    chosen: Sequence[Scenario] = (
        SCENARIOS if names is None else [scenario_named(name) for name in names]
    )
    outcomes = []
    for scenario in chosen:
        outcomes.append(run_scenario(scenario, ctx))
        if on_outcome is not None:
            on_outcome(outcomes[-1])
    return outcomes
