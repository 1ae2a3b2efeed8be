"""The ``ibmqjob`` command line: its own commands, and plug-ins found by entry points."""

from __future__ import annotations

import sys
import textwrap
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import ibmqjob.cli as cli

ROOT = Path(__file__).resolve().parents[2]


def _pyproject(tmp_path: Path, name: str, commands: dict[str, str]) -> Path:
    lines = "\n".join(f'{key} = "{value}"' for key, value in commands.items())
    text = f"""
        [project]
        name = "{name}"

        [project.entry-points."ibmqjob.commands"]
        {lines}
        """
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent(text))
    return tmp_path


@pytest.fixture
def plugin(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """A module with a ``configure`` adding the ``hello`` command."""
    module = ModuleType("ibmqjob_test_plugin")

    def configure(subparsers: Any) -> None:
        parser = subparsers.add_parser("hello", help="say hello")
        parser.set_defaults(func=lambda args: 7)

    module.configure = configure  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    return module


def test_this_source_tree_declares_serve_and_conformance() -> None:
    found = {ep.name: ep.value for ep in cli.command_entry_points(ROOT)}
    assert found["serve"] == "refserver.cli:configure"
    assert found["conformance"] == "conformance.cli:configure"
    parser = cli.build_parser()
    help_text = parser.format_help()
    for command in ("run", "status", "result", "cancel", "jobs", "serve", "conformance"):
        assert command in help_text


def test_the_source_tree_wins_over_installed_entry_points(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installed = [
        metadata.EntryPoint("serve", "old.module:configure", cli.COMMANDS_GROUP),
        metadata.EntryPoint("extra", "other.module:configure", cli.COMMANDS_GROUP),
    ]
    monkeypatch.setattr(metadata, "entry_points", lambda group: installed)
    tree = _pyproject(tmp_path, "ibmqjob", {"serve": "refserver.cli:configure"})
    found = {ep.name: ep.value for ep in cli.command_entry_points(tree)}
    assert found == {"serve": "refserver.cli:configure", "extra": "other.module:configure"}


def test_another_projects_pyproject_is_ignored(tmp_path: Path) -> None:
    tree = _pyproject(tmp_path, "something-else", {"hello": "x:configure"})
    assert "hello" not in {ep.name for ep in cli.command_entry_points(tree)}
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "pyproject.toml").write_text("[project\n")
    assert "hello" not in {ep.name for ep in cli.command_entry_points(broken)}


def test_a_plugin_command_runs(plugin: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    entry = metadata.EntryPoint("hello", f"{plugin.__name__}:configure", cli.COMMANDS_GROUP)
    monkeypatch.setattr(cli, "command_entry_points", lambda: [entry])
    assert cli.main(["hello"]) == 7


def test_a_plugin_missing_a_third_party_dependency_is_hidden(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entry = metadata.EntryPoint("gone", "no_such_dependency_xyz:configure", cli.COMMANDS_GROUP)
    monkeypatch.setattr(cli, "command_entry_points", lambda: [entry])
    assert "gone" not in cli.build_parser().format_help()


def test_a_plugin_missing_one_of_our_modules_is_a_bug(monkeypatch: pytest.MonkeyPatch) -> None:
    entry = metadata.EntryPoint("bad", "refserver.no_such_module:configure", cli.COMMANDS_GROUP)
    monkeypatch.setattr(cli, "command_entry_points", lambda: [entry])
    with pytest.raises(ImportError):
        cli.build_parser()


def test_no_command_prints_help_and_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == 2
    assert "usage: ibmqjob" in capsys.readouterr().err
