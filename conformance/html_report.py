"""The conformance report as one self-contained HTML file (no external resource).

The facts of the run head the page; a table lists every check with its profile, verdict and
reason; each failure opens onto its whole evidence. A small inline script counts the verdicts
from the table (the test that opens the page in a headless browser reads what it wrote) and
offers a "failures only" switch.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from .report import Outcome, RunFacts, Verdict, counts, exit_code

__all__ = ["render_html", "write_html"]

_STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1b1b1b; }
h1 { font-size: 1.4em; } table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #ccc; padding: .3em .5em; text-align: left; vertical-align: top; }
.facts th { width: 12em; background: #f4f4f4; }
tr.pass td.verdict { background: #d8f3dc; } tr.fail td.verdict { background: #ffccd5; }
tr.skip td.verdict { background: #fff3bf; }
pre { white-space: pre-wrap; word-break: break-word; background: #f8f8f8; padding: .5em; }
.banner { padding: .6em; font-weight: bold; }
.banner.ok { background: #d8f3dc; } .banner.ko { background: #ffccd5; }
body.failures-only tr.pass, body.failures-only tr.skip { display: none; }
"""

_SCRIPT = """
(function () {
  var rows = document.querySelectorAll("#checks tbody tr.check");
  var found = {pass: 0, fail: 0, skip: 0};
  rows.forEach(function (row) { found[row.dataset.verdict] += 1; });
  var out = document.getElementById("computed-totals");
  out.textContent = found.pass + " passed, " + found.fail + " failed, " + found.skip + " skipped";
  out.dataset.ready = "yes";
  document.getElementById("failures-only").addEventListener("change", function (event) {
    document.body.classList.toggle("failures-only", event.target.checked);
  });
})();
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _facts(facts: RunFacts) -> str:
    rows = "".join(
        f"<tr><th>{_e(name)}</th><td><code>{_e(value)}</code></td></tr>"
        for name, value in facts.properties().items()
    )
    return f'<table class="facts">{rows}</table>'


def _row(outcome: Outcome) -> str:
    verdict = outcome.verdict.value
    reason = f"<pre>{_e(outcome.reason)}</pre>" if outcome.reason else ""
    evidence = ""
    if outcome.details:
        blocks = "".join(f"<pre>{_e(text)}</pre>" for text in outcome.details)
        label = "evidence" if outcome.failed else "notes"
        evidence = f"<details{' open' if outcome.failed else ''}><summary>{label}</summary>"
        evidence += f"{blocks}</details>"
    covers = _e(", ".join(outcome.covers))
    sections = _e(", ".join(outcome.sections))
    return (
        f'<tr class="check {verdict}" data-verdict="{verdict}" id="check-{_e(outcome.name)}">'
        f"<td>{_e(outcome.suite)}</td><td>{_e(outcome.profile)}</td>"
        f"<td><b>{_e(outcome.name)}</b><br><small>{covers}</small>"
        f"<br><small>{sections}</small></td>"
        f'<td class="verdict">{verdict.upper()}</td><td>{outcome.seconds:.1f} s</td>'
        f"<td>{reason}{evidence}</td></tr>"
    )


def render_html(outcomes: Sequence[Outcome], facts: RunFacts) -> str:
    """Return the report as one HTML document.

    Args:
        outcomes: The outcomes, in report order.
        facts: The run's facts.

    Returns:
        The HTML text.
    """
    found = counts(outcomes)
    conformant = exit_code(outcomes, facts.certify) == 0
    banner = "conformant" if conformant else "NOT conformant"
    totals = (
        f"{found[Verdict.PASS]} passed, {found[Verdict.FAIL]} failed, {found[Verdict.SKIP]} skipped"
    )
    rows = "".join(_row(outcome) for outcome in outcomes)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Conformance of {_e(facts.url)}: {banner}</title>"
        f"<style>{_STYLE}</style></head><body>"
        f"<h1>Conformance of {_e(facts.url)}</h1>"
        f'<p class="banner {"ok" if conformant else "ko"}" id="verdict">{banner}: {totals}'
        f" in {facts.seconds:.1f} s</p>"
        f'<p>Counted in the page: <span id="computed-totals" data-ready="no"></span>'
        ' <label><input type="checkbox" id="failures-only"> failures only</label></p>'
        f"{_facts(facts)}<h2>Checks</h2>"
        '<table id="checks"><thead><tr><th>suite</th><th>profile</th><th>check</th>'
        "<th>verdict</th><th>time</th><th>why and evidence</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        f"<script>{_SCRIPT}</script></body></html>\n"
    )


def write_html(outcomes: Sequence[Outcome], path: Path, facts: RunFacts) -> None:
    """Write :func:`render_html` to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(outcomes, facts), encoding="utf-8")
