"""Outcomes of a conformance run and the reports made of them: a table, JUnit XML and JSON.

Every operation of the spec and every scenario gets one :class:`Outcome`: pass, fail (with
the reason) or skip (with why it could not be judged). A run passes when nothing failed.
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
    "Verdict",
    "exit_code",
    "format_table",
    "write_json",
    "write_junit",
]

_REASON_WIDTH = 90


class Verdict(StrEnum):
    """What a check concluded."""

    PASS = "pass"
    FAIL = "fail"
    SKIP = "skip"


@dataclass(frozen=True)
class Outcome:
    """The verdict on one operation (schema suite) or one scenario (scenario suite).

    Attributes:
        suite: ``schema`` or ``scenario``.
        name: The operation id or the scenario name.
        verdict: Pass, fail or skip.
        reason: One line saying why (empty for a plain pass).
        covers: The parts of the spec exercised (operation ids, AsyncAPI messages).
        details: Longer explanations: every distinct failure, reproduction hints.
        seconds: Time spent.
    """

    suite: str
    name: str
    verdict: Verdict
    reason: str = ""
    covers: tuple[str, ...] = ()
    details: tuple[str, ...] = field(default=())
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        """Whether this outcome fails the run."""
        return self.verdict is Verdict.FAIL


def exit_code(outcomes: Iterable[Outcome]) -> int:
    """Return 1 if any outcome failed, else 0."""
    return 1 if any(outcome.failed for outcome in outcomes) else 0


def _one_line(text: str, width: int = _REASON_WIDTH) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 3] + "..."


def format_table(outcomes: Sequence[Outcome]) -> str:
    """Render outcomes as a plain-text table, one row each, with a summary line.

    Args:
        outcomes: The outcomes, in report order.

    Returns:
        The table.
    """
    rows = [("SUITE", "NAME", "RESULT", "WHY")]
    rows += [(o.suite, o.name, o.verdict.value.upper(), _one_line(o.reason)) for o in outcomes]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True))
        + "  "
        + row[3]
        for row in rows
    ]
    counts = {verdict: sum(o.verdict is verdict for o in outcomes) for verdict in Verdict}
    lines.append(
        f"{counts[Verdict.PASS]} passed, {counts[Verdict.FAIL]} failed,"
        f" {counts[Verdict.SKIP]} skipped"
    )
    return "\n".join(line.rstrip() for line in lines)


def write_junit(outcomes: Sequence[Outcome], path: Path) -> None:
    """Write outcomes as JUnit XML: one test suite per suite, one test case per outcome.

    Args:
        outcomes: The outcomes.
        path: The file to write.
    """
    root = ET.Element("testsuites", name="conformance")
    for suite in dict.fromkeys(o.suite for o in outcomes):
        members = [o for o in outcomes if o.suite == suite]
        element = ET.SubElement(
            root,
            "testsuite",
            name=suite,
            tests=str(len(members)),
            failures=str(sum(o.verdict is Verdict.FAIL for o in members)),
            skipped=str(sum(o.verdict is Verdict.SKIP for o in members)),
            time=f"{sum(o.seconds for o in members):.3f}",
        )
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
        classname=f"conformance.{outcome.suite}",
        name=outcome.name,
        time=f"{outcome.seconds:.3f}",
    )
    text = "\n\n".join(outcome.details) or outcome.reason
    if outcome.verdict is Verdict.FAIL:
        ET.SubElement(case, "failure", message=_one_line(outcome.reason, 300)).text = text
    elif outcome.verdict is Verdict.SKIP:
        ET.SubElement(case, "skipped", message=_one_line(outcome.reason, 300))
    if outcome.covers:
        ET.SubElement(case, "system-out").text = "covers: " + ", ".join(outcome.covers)


def write_json(outcomes: Sequence[Outcome], path: Path, meta: dict[str, Any]) -> None:
    """Write outcomes and run metadata as JSON.

    Args:
        outcomes: The outcomes.
        path: The file to write.
        meta: Facts about the run (server URL, options, timings); must be JSON-serialisable.
    """
    document = {
        "meta": meta,
        "passed": exit_code(outcomes) == 0,
        "outcomes": [
            {**asdict(o), "verdict": o.verdict.value, "covers": list(o.covers)} for o in outcomes
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
