"""The HTML report, opened in a real headless Chromium: it renders, counts, and stays inert.

The browser comes from Debian's ``chromium`` package (``scripts/install-chromium``). The page
is built from outcomes whose evidence holds markup, as a hostile server's answer would: it
must show as text and never run.
"""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conformance.html_report import write_html
from conformance.report import Outcome, RunFacts, Verdict

_BROWSERS = ("chromium", "chromium-browser", "google-chrome")
_HOSTILE = '<img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script>'


def _browser() -> str:
    for name in _BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("no headless Chromium: run scripts/install-chromium")


def _facts() -> RunFacts:
    return RunFacts(
        tool_version="0.1.0",
        spec_sha256="ab" * 32,
        server_version={"api-auth": "0.1"},
        url="http://127.0.0.1:1/api",
        seed=7,
        profiles=("core", "isolation"),
        certify=False,
        started="2026-12-07T16:00:00+00:00",
        seconds=12.5,
    )


def _outcomes() -> list[Outcome]:
    long_reason = "after deleteJob answered 200, getJob answered HTTP 200 " + "x" * 300
    return [
        Outcome("scenario", "circuit_outcomes", Verdict.PASS, "", ("createJob",), seconds=1.0),
        Outcome(
            "scenario",
            "operation_effects",
            Verdict.FAIL,
            long_reason,
            ("deleteJob",),
            ("exchange 1: DELETE /Jobs/abc -> HTTP 200\n  response body: " + _HOSTILE,),
            2.0,
            sections=("J15 delete",),
        ),
        Outcome("scenario", "isolation", Verdict.SKIP, "needs a second user's token", (), (), 0.0),
    ]


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: dict[str, dict[str, str | None]] = {}
        self.texts: dict[str, str] = {}
        self.title = ""
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        key = found.get("id") or tag
        self.ids[key] = found
        self._open.append(key)

    def handle_endtag(self, tag: str) -> None:
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if self._open:
            self.texts[self._open[-1]] = self.texts.get(self._open[-1], "") + data
            if self._open[-1] == "title":
                self.title += data


def test_html_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    page = tmp_path / "conformance.html"
    write_html(_outcomes(), page, _facts())
    source = page.read_text(encoding="utf-8")
    assert "http://" not in source.replace("http://127.0.0.1:1/api", "")  # self-contained
    assert "x" * 300 in source  # never cut
    profile = tmp_path / "profile"
    dumped = subprocess.run(
        [
            _browser(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=2000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    dom = _Text()
    dom.feed(dumped)
    # The page's own script ran in the browser and counted the rows.
    assert dom.ids["computed-totals"]["data-ready"] == "yes", dumped[:2000]
    assert dom.texts["computed-totals"] == "1 passed, 1 failed, 1 skipped"
    # The evidence is shown as text; its markup never ran.
    assert "pwned" not in dom.title
    assert "Conformance of http://127.0.0.1:1/api: NOT conformant" in dom.title
    assert _HOSTILE in dumped.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert dom.ids["check-operation_effects"]["data-verdict"] == "fail"
    assert "NOT conformant: 1 passed, 1 failed, 1 skipped" in dom.texts["verdict"]
