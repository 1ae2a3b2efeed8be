"""Outcomes of a conformance run and the reports made of them: a table, JUnit XML and JSON.

Every check (a scenario, or the schema checks of one operation) gets one :class:`Outcome`:
pass, fail (with the reason and the evidence) or skip (with why it could not be judged).
Reasons and evidence are never cut: the table prints them whole under the summary, and the
reports carry them whole. Every report starts with the facts of the run (:class:`RunFacts`).
The self-contained HTML report is :mod:`conformance.html_report`.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

__all__ = [
    "Outcome",
    "RunFacts",
    "Verdict",
    "exit_code",
    "format_failures",
    "format_table",
    "progress_line",
    "summary_line",
    "write_json",
    "write_junit",
]


class Verdict(StrEnum):
    """What a check concluded."""

    PASS = "pass"
    FAIL = "fail"
    SKIP = "skip"


@dataclass(frozen=True)
class Outcome:
    """The verdict on one operation (schema suite) or one scenario (scenario suite).

    Attributes:
        suite: ``schema``, ``scenario`` or ``setup``.
        name: The operation id or the scenario name.
        verdict: Pass, fail or skip.
        reason: Why, in full (empty for a plain pass).
        covers: The parts of the spec exercised (operation ids, AsyncAPI messages).
        details: The evidence: every distinct failure, the exchanges that show it, a curl line.
        seconds: Time spent.
        profile: The profile the check belongs to (``core``, ``websocket``, ...).
        sections: The sections of the API reference the check judges (``J7``, ``8.3``, ...).
    """

    suite: str
    name: str
    verdict: Verdict
    reason: str = ""
    covers: tuple[str, ...] = ()
    details: tuple[str, ...] = field(default=())
    seconds: float = 0.0
    profile: str = "core"
    sections: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        """Whether this outcome fails the run."""
        return self.verdict is Verdict.FAIL

    def as_json(self) -> dict[str, Any]:
        """The outcome as plain JSON values."""
        document = asdict(self)
        document.update(
            verdict=self.verdict.value,
            covers=list(self.covers),
            details=list(self.details),
            sections=list(self.sections),
        )
        return document


@dataclass(frozen=True)
class RunFacts:
    """What every report says about the run itself.

    Attributes:
        tool_version: The version of ``ibmqjob`` that judged.
        spec_sha256: SHA-256 of ``openapi.yaml`` followed by ``asyncapi.yaml``.
        server_version: What the server's ``GET /version`` answered (or why it did not).
        url: The server's API base.
        seed: The seed of the generated cases.
        profiles: The profiles run.
        certify: Whether the run was a certification (a skip fails it).
        started: When the run started, RFC 3339 in UTC.
        seconds: How long it took.
    """

    tool_version: str
    spec_sha256: str
    server_version: Any
    url: str
    seed: int
    profiles: tuple[str, ...]
    certify: bool
    started: str
    seconds: float = 0.0

    def properties(self) -> dict[str, str]:
        """The facts as flat strings (JUnit properties, HTML header)."""
        return {
            "tool_version": self.tool_version,
            "spec_sha256": self.spec_sha256,
            "server_version": json.dumps(self.server_version, sort_keys=True),
            "url": self.url,
            "seed": str(self.seed),
            "profile": ",".join(self.profiles),
            "certify": str(self.certify).lower(),
            "started": self.started,
            "seconds": f"{self.seconds:.3f}",
        }


def counts(outcomes: Iterable[Outcome]) -> dict[Verdict, int]:
    """How many outcomes have each verdict."""
    listed = list(outcomes)
    return {verdict: sum(o.verdict is verdict for o in listed) for verdict in Verdict}


def exit_code(outcomes: Iterable[Outcome], certify: bool = False) -> int:
    """Return 1 if any outcome failed (or, when certifying, was skipped), else 0."""
    found = counts(outcomes)
    return 1 if found[Verdict.FAIL] or (certify and found[Verdict.SKIP]) else 0


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def progress_line(index: int, total: int, outcome: Outcome) -> str:
    """One line for a finished check: ``[ 3/41] PASS  scenario result_download (1.2 s)``."""
    width = len(str(total))
    line = (
        f"[{index:>{width}}/{total}] {outcome.verdict.value.upper():<4}  {outcome.suite}"
        f" {outcome.name} ({outcome.seconds:.1f} s)"
    )
    reason = _first_line(outcome.reason)
    return f"{line}: {reason}" if reason and outcome.verdict is not Verdict.PASS else line


def summary_line(outcomes: Sequence[Outcome], seconds: float, certify: bool = False) -> str:
    """``41 passed, 0 failed, 0 skipped in 38.2 s: conformant``."""
    found = counts(outcomes)
    verdict = "conformant" if exit_code(outcomes, certify) == 0 else "NOT conformant"
    if certify and found[Verdict.SKIP] and not found[Verdict.FAIL]:
        verdict += " (a certified run fails on any skip)"
    return (
        f"{found[Verdict.PASS]} passed, {found[Verdict.FAIL]} failed,"
        f" {found[Verdict.SKIP]} skipped in {seconds:.1f} s: {verdict}"
    )


def format_table(outcomes: Sequence[Outcome]) -> str:
    """Render outcomes as a plain-text table, one row each; the reason's first line is shown.

    Reasons are never cut: a reason of several lines continues, indented, under its row, and
    :func:`format_failures` prints the evidence.

    Args:
        outcomes: The outcomes, in report order.

    Returns:
        The table.
    """
    rows = [("SUITE", "PROFILE", "NAME", "RESULT", "WHY")]
    rows += [
        (o.suite, o.profile, o.name, o.verdict.value.upper(), o.reason.strip()) for o in outcomes
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for row in rows:
        head = "  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True))
        reason_lines = row[4].splitlines() or [""]
        lines.append(f"{head}  {reason_lines[0]}".rstrip())
        indent = " " * (sum(widths) + 2 * 4)
        lines += [indent + extra for extra in reason_lines[1:]]
    found = counts(outcomes)
    lines.append(
        f"{found[Verdict.PASS]} passed, {found[Verdict.FAIL]} failed, {found[Verdict.SKIP]} skipped"
    )
    return "\n".join(lines)


def format_failures(outcomes: Sequence[Outcome]) -> str:
    """Every failure with its whole reason and evidence, for the terminal."""
    blocks = []
    for outcome in outcomes:
        if not outcome.failed:
            continue
        head = f"== FAIL {outcome.suite} {outcome.name}"
        if outcome.sections:
            head += f" (reference: {', '.join(outcome.sections)})"
        blocks.append("\n".join([head, outcome.reason, *outcome.details]))
    return "\n\n".join(blocks)


def write_junit(outcomes: Sequence[Outcome], path: Path, facts: RunFacts) -> None:
    """Write outcomes as JUnit XML: totals on the root, the run's facts as properties.

    Args:
        outcomes: The outcomes.
        path: The file to write.
        facts: The run's facts.
    """
    found = counts(outcomes)
    root = ET.Element(
        "testsuites",
        name="conformance",
        tests=str(len(outcomes)),
        failures=str(found[Verdict.FAIL]),
        errors="0",
        skipped=str(found[Verdict.SKIP]),
        time=f"{facts.seconds:.3f}",
        timestamp=facts.started,
    )
    for suite in dict.fromkeys(o.suite for o in outcomes):
        members = [o for o in outcomes if o.suite == suite]
        inner = counts(members)
        element = ET.SubElement(
            root,
            "testsuite",
            name=suite,
            tests=str(len(members)),
            failures=str(inner[Verdict.FAIL]),
            errors="0",
            skipped=str(inner[Verdict.SKIP]),
            time=f"{sum(o.seconds for o in members):.3f}",
            timestamp=facts.started,
        )
        properties = ET.SubElement(element, "properties")
        for name, value in facts.properties().items():
            ET.SubElement(properties, "property", name=name, value=value)
        for outcome in members:
            _junit_case(element, outcome)
    tree = ET.ElementTree(root)
    ET.indent(tree)
    path.parent.mkdir(parents=True, exist_ok=True)
    tree.write(path, encoding="utf-8", xml_declaration=True)


def _junit_case(parent: ET.Element, outcome: Outcome) -> None:
    case = ET.SubElement(
        parent,
        "testcase",
        classname=f"conformance.{outcome.suite}.{outcome.profile}",
        name=outcome.name,
        time=f"{outcome.seconds:.3f}",
    )
    text = "\n\n".join((outcome.reason, *outcome.details))
    if outcome.verdict is Verdict.FAIL:
        ET.SubElement(case, "failure", message=outcome.reason).text = text
    elif outcome.verdict is Verdict.SKIP:
        ET.SubElement(case, "skipped", message=outcome.reason)
    out = []
    if outcome.covers:
        out.append("covers: " + ", ".join(outcome.covers))
    if outcome.sections:
        out.append("reference: " + ", ".join(outcome.sections))
    if out:
        ET.SubElement(case, "system-out").text = "\n".join(out)


def write_json(outcomes: Sequence[Outcome], path: Path, facts: RunFacts) -> None:
    """Write the run's facts, totals and outcomes as JSON.

    Args:
        outcomes: The outcomes.
        path: The file to write.
        facts: The run's facts.
    """
    found = counts(outcomes)
    document = {
        "meta": {**asdict(facts), "profiles": list(facts.profiles)},
        "passed": exit_code(outcomes, facts.certify) == 0,
        "totals": {verdict.value: found[verdict] for verdict in Verdict},
        "outcomes": [outcome.as_json() for outcome in outcomes],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
