"""Turn schemathesis engine events into one verdict per operation of the spec.

Failures are grouped per operation (stateful failures name the operation they happened on)
and deduplicated per check and failure kind; each distinct failure is kept with the response
that showed it and a ``curl`` line to reproduce it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from schemathesis.core.failures import Failure
from schemathesis.core.transport import Response
from schemathesis.engine import events

from .report import Outcome, Verdict
from .specs import Operation

__all__ = ["FindingsCollector", "is_interpreter_glitch"]

_BODY_SHOWN = 4000
RUN_OUTCOME_NAME = "schemathesis-run"


@dataclass
class _Problem:
    headline: str
    text: str


@dataclass
class _Findings:
    """What the events said about one operation."""

    cases: int = 0
    problems: dict[str, _Problem] = field(default_factory=dict)
    skipped: str | None = None

    def add(self, key: str, problem: _Problem) -> None:
        self.problems.setdefault(key, problem)


def _problem(failure: Failure, code_sample: str, response: Response | None) -> _Problem:
    headline = f"[{failure.code}] {failure.title}"
    text = headline + "\n" + str(failure.message).strip()
    if response is not None:
        headline += f" (HTTP {response.status_code})"
        body = response.content[:_BODY_SHOWN].decode("utf-8", "replace")
        if len(response.content) > _BODY_SHOWN:
            body += f"... ({len(response.content) - _BODY_SHOWN} more bytes not shown)"
        text += f"\nGot: HTTP {response.status_code} {body}"
    if code_sample:
        text += f"\nReproduce: {code_sample}"
    return _Problem(headline, text)


def is_interpreter_glitch(error: BaseException) -> bool:
    """Whether an error is CPython 3.11's AST race (gh-106905), not something the server did.

    Python before 3.11.9 shares the AST validator's recursion counter between threads; code
    generation in two threads at once (the engine's and a server's running in-process) then
    fails with this ``SystemError`` now and then.
    """
    return isinstance(error, SystemError) and "AST constructor recursion depth" in str(error)


class FindingsCollector:
    """Folds engine events into findings per operation label (``METHOD /path``).

    Attributes:
        findings: What was found, per operation label.
        fatal: Why the engine could not run at all, if it could not.
        glitches: Errors of the interpreter, not of the server (see
            :func:`is_interpreter_glitch`); the caller decides whether to run again.
    """

    def __init__(self) -> None:
        self.findings: dict[str, _Findings] = defaultdict(_Findings)
        self.fatal: str | None = None
        self.glitches: list[str] = []

    def feed(self, event: events.EngineEvent) -> None:
        """Take one engine event into account."""
        if isinstance(event, events.ScenarioFinished):
            self._scenario(event)
        elif isinstance(event, events.NonFatalError):
            text = f"{event.info.title}: {event.info}"
            if is_interpreter_glitch(event.value):
                self.glitches.append(f"{event.label}: {text}")
                return
            self.findings[event.label].add(text, _Problem(event.info.title, text))
        elif isinstance(event, events.FatalError):
            self.fatal = f"{type(event.exception).__name__}: {event.exception}"
        elif isinstance(event, events.EngineFinished):
            for failure in event.failures:
                problem = _problem(failure, "", None)
                self.findings[failure.operation or "run"].add(problem.headline, problem)

    def _scenario(self, event: events.ScenarioFinished) -> None:
        recorder = event.recorder
        if event.skip_reason and not recorder.cases:
            self.findings[recorder.label].skipped = event.skip_reason
        for node in recorder.cases.values():
            self.findings[node.value.operation.label].cases += 1
        for case_id, checks in recorder.checks.items():
            for check in checks:
                info = check.failure_info
                if info is None:
                    continue
                label = info.failure.operation or recorder.cases[case_id].value.operation.label
                interaction = recorder.interactions.get(case_id)
                response = interaction.response if interaction is not None else None
                self.findings[label].add(
                    f"{check.name}|{info.failure.code}|{info.failure.title}",
                    _problem(info.failure, info.code_sample, response),
                )

    def outcomes(self, selected: Sequence[Operation], seconds: float) -> list[Outcome]:
        """Judge every selected operation; add a run outcome for anything else that failed.

        Args:
            selected: The operations the run was asked to test, in report order.
            seconds: Duration of the run (shared evenly in the report).

        Returns:
            The outcomes.
        """
        share = seconds / max(len(selected), 1)
        outcomes = [_judge(op, self.findings.get(op.label), share) for op in selected]
        labels = {op.label for op in selected}
        stray = [
            f"{label}: {problem.text}"
            for label, findings in self.findings.items()
            if label not in labels
            for problem in findings.problems.values()
        ]
        stray += self.glitches
        if self.fatal or stray:
            reason = self.fatal or stray[0].splitlines()[0]
            outcomes.append(
                Outcome("schema", RUN_OUTCOME_NAME, Verdict.FAIL, reason, (), tuple(stray))
            )
        return outcomes


def _judge(operation: Operation, findings: _Findings | None, seconds: float) -> Outcome:
    covers = (operation.operation_id,)
    name = operation.operation_id
    sections = (f"openapi {operation.label}",)
    if findings is None or (findings.cases == 0 and not findings.problems):
        why = findings.skipped if findings and findings.skipped else "no request was generated"
        return Outcome("schema", name, Verdict.SKIP, why, covers, (), seconds, sections=sections)
    problems = list(findings.problems.values())
    if not problems:
        reason = f"{findings.cases} cases"
        return Outcome("schema", name, Verdict.PASS, reason, covers, (), seconds, sections=sections)
    reason = problems[0].headline
    if len(problems) > 1:
        reason += f" (and {len(problems) - 1} more)"
    details = tuple(p.text for p in problems)
    return Outcome(
        "schema", name, Verdict.FAIL, reason, covers, details, seconds, sections=sections
    )
