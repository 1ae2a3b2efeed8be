"""`scripts/regenerate` says what changed in the API and gates breaking changes.

Every test works on a temporary copy of the spec, edited through YAML, with names that the
real spec does not use (checked), so that a maintainer's change to the spec cannot collide.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from conformance.specdiff import Change, acknowledgement_problems, diff_specs

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "spec" / "openapi.yaml"
HGP = "/Network/{hub}/Groups/{group}/Projects/{project}"
CANCEL = HGP + "/Jobs/{job_id}/cancel"
Spec = dict[str, Any]


def _regenerate() -> ModuleType:
    script = ROOT / "scripts" / "regenerate.py"
    loaded = importlib.util.spec_from_file_location("regenerate", script)
    assert loaded is not None and loaded.loader is not None
    module = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(module)
    return module


REGENERATE = _regenerate()


@pytest.fixture(scope="module")
def base() -> Spec:
    data: Spec = yaml.safe_load(SPEC.read_text())
    return data


def fresh_name(spec: Spec, stem: str) -> str:
    """A field name the spec does not use anywhere."""
    name = f"{stem}{uuid.uuid4().hex[:8]}"
    assert name not in json.dumps(spec)
    return name


def rules(changes: list[Change]) -> set[tuple[str, str]]:
    return {(c.rule, c.level) for c in changes}


def edited(base: Spec, edit: Callable[[Spec], None]) -> Spec:
    revision = copy.deepcopy(base)
    edit(revision)
    return revision


# --- the differ on its own ----------------------------------------------------------------


def test_the_same_spec_has_no_changes(base: Spec) -> None:
    diff = diff_specs(base, copy.deepcopy(base))
    assert diff.changes == []
    assert diff.summary() == ["no API changes"]


def test_an_optional_response_field_is_compatible_once_per_schema(base: Spec) -> None:
    name = fresh_name(base, "probe")
    revision = edited(
        base, lambda s: s["components"]["schemas"]["Job"]["properties"].update({name: {}})
    )
    diff = diff_specs(base, revision)
    assert rules(diff.changes) == {("response-optional-property-added", "INFO")}
    assert diff.breaking == []
    assert {c.operation_id for c in diff.changes} >= {"getJob", "createJob", "listJobs"}
    # The summary names the change once, with every operation it affects.
    (line,) = [line for line in diff.summary() if name in line]
    assert line.split()[0] == "compatible" and f"Job.{name}" in line and "getJob" in line


def test_a_removed_path_is_breaking(base: Spec) -> None:
    diff = diff_specs(base, edited(base, lambda s: s["paths"].pop(CANCEL)))
    (change,) = diff.changes
    assert (change.rule, change.operation_id, change.breaking) == (
        "api-path-removed-without-deprecation",
        "cancelJob",
        True,
    )


def test_a_renamed_path_is_reported_as_moved(base: Spec) -> None:
    def rename(spec: Spec) -> None:
        spec["paths"][CANCEL.replace("/cancel", "/abort")] = spec["paths"].pop(CANCEL)

    diff = diff_specs(base, edited(base, rename))
    (change,) = diff.changes
    assert change.rule == "api-path-removed-without-deprecation" and change.breaking
    assert "moved to POST" in change.text and change.text.endswith("/abort")


def test_a_renamed_path_parameter_is_no_change(base: Spec) -> None:
    def rename(spec: Spec) -> None:
        item = spec["paths"].pop(CANCEL)
        spec["paths"][CANCEL.replace("{job_id}", "{id}")] = item
        shared = spec["components"]["parameters"]
        renamed = 0
        for params in (item.get("parameters", []), item["post"].get("parameters", [])):
            for i, param in enumerate(params):
                inline = shared[param["$ref"].rsplit("/", 1)[1]] if "$ref" in param else param
                if inline["name"] == "job_id":
                    params[i] = {**inline, "name": "id"}
                    renamed += 1
        assert renamed == 1

    assert diff_specs(base, edited(base, rename)).changes == []


def test_request_changes(base: Spec) -> None:
    new = fresh_name(base, "mode")

    def edit(spec: Spec) -> None:
        creation = spec["components"]["schemas"]["JobCreateRequest"]
        creation["properties"][new] = {"type": "string"}
        creation["required"] = [*creation.get("required", []), new]
        creation["properties"]["name"] = {"type": "integer"}

    diff = diff_specs(base, edited(base, edit))
    assert rules(diff.changes) == {
        ("new-required-request-property", "ERR"),
        ("request-property-type-changed", "ERR"),
    }
    assert all(c.operation_id == "createJob" for c in diff.changes)


def test_response_field_removed_type_changed_and_made_optional(base: Spec) -> None:
    def edit(spec: Spec) -> None:
        job = spec["components"]["schemas"]["Job"]
        del job["properties"]["name"]
        job["properties"]["shots"] = {"type": "string"}
        job["required"].remove("creationDate")

    diff = diff_specs(base, edited(base, edit))
    assert rules(diff.changes) == {
        ("response-optional-property-removed", "WARN"),
        ("response-property-type-changed", "ERR"),
        ("response-property-became-optional", "ERR"),
    }
    assert all(c.breaking for c in diff.changes)


def test_parameters_response_codes_and_values(base: Spec) -> None:
    def edit(spec: Spec) -> None:
        operation = spec["paths"][HGP + "/Jobs/status/v/1"]["get"]
        operation["parameters"] = [
            *operation.get("parameters", []),
            {"name": "region", "in": "query", "required": True, "schema": {"type": "string"}},
            {"name": "verbose", "in": "query", "schema": {"type": "boolean"}},
        ]
        del operation["responses"]["200"]
        operation["responses"]["429"] = {"description": "slow down"}
        status = spec["components"]["schemas"]["ApiJobStatus"]
        status["description"] = status["description"].replace("RUNNING,", "RUNNING, PAUSED,")

    diff = diff_specs(base, edited(base, edit))
    listing = {c.rule for c in diff.changes if c.operation_id == "listJobs"}
    assert {
        "new-required-request-parameter",
        "new-optional-request-parameter",
        "response-success-status-removed",
        "response-non-success-status-added",
    } <= listing
    added = [c for c in diff.changes if c.rule == "documented-value-added"]
    assert added and not any(c.breaking for c in added)
    assert all("ApiJobStatus: documented value PAUSED added" in c.text for c in added)


def test_enum_values(base: Spec) -> None:
    def with_enum(*values: str) -> Callable[[Spec], None]:
        def edit(spec: Spec) -> None:
            schemas = spec["components"]["schemas"]
            schemas["JobCreateRequest"]["properties"]["experimentTag"]["enum"] = list(values)
            schemas["Job"]["properties"]["kind"] = {"type": "string", "enum": list(values)}

        return edit

    old, new = edited(base, with_enum("a", "b")), edited(base, with_enum("a", "c"))
    found = {(c.rule, c.text, c.breaking) for c in diff_specs(old, new).changes}
    tag = "JobCreateRequest.experimentTag"
    assert found == {
        ("request-property-enum-value-added", f"{tag}: value 'c' added", False),
        ("request-property-enum-value-removed", f"{tag}: value 'b' removed", True),
        ("response-property-enum-value-added", "Job.kind: value 'c' added", True),
        ("response-property-enum-value-removed", "Job.kind: value 'b' removed", False),
    }


def test_json_document(base: Spec) -> None:
    diff = diff_specs(base, edited(base, lambda s: s["paths"].pop(CANCEL)))
    document = json.loads(json.dumps(diff.to_json()))
    assert document["breaking"] == 1 and document["compatible"] == 0
    assert document["changes"][0]["rule"] == "api-path-removed-without-deprecation"


# --- acknowledgement ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "changelog", "reason"),
    [
        ("1.0.0", "## 1.0.0\nfirst\n", "still 1.0.0"),
        ("0.9.0", "## 0.9.0\nback\n", "must increase"),
        ("2.0.0", None, "CHANGES.md is missing"),
        ("2.0.0", "## 1.0.0\nfirst\n", "no section `## 2.0.0`"),
        ("2.0.0", "## 2.0.0\n\n## 1.0.0\nfirst\n", "no section `## 2.0.0`"),
        ("2.0.0", "## 2.0.0\nCancel moved to /abort.\n", None),
        ("2.0.0", "## [v2.0.0] - 2026-12-07\n- Cancel moved.\n", None),
    ],
)
def test_acknowledgement(
    base: Spec, version: str, changelog: str | None, reason: str | None
) -> None:
    def edit(spec: Spec) -> None:
        spec["paths"].pop(CANCEL)
        spec["info"]["version"] = version

    problems = acknowledgement_problems(diff_specs(base, edited(base, edit)), changelog)
    if reason is None:
        assert problems == []
    else:
        assert len(problems) == 1 and reason in problems[0]


# --- scripts/regenerate on temporary copies -----------------------------------------------


def copy_project(tmp_path: Path, with_generated: bool = False) -> Path:
    root = tmp_path / "project"
    names = ("spec", "generated") if with_generated else ("spec",)
    for name in names:
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def write_spec(root: Path, spec: Spec) -> None:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    (root / "spec" / "openapi.yaml").write_text(yaml.dump(spec, Dumper=dumper, sort_keys=False))


def acknowledge(root: Path, spec: Spec, version: str, text: str) -> None:
    spec["info"]["version"] = version
    write_spec(root, spec)
    changelog = root / "spec" / "CHANGES.md"
    changelog.write_text(changelog.read_text() + f"\n## {version}\n\n{text}\n")


def check_api(root: Path, *extra: str) -> int:
    code: int = REGENERATE.main(
        ["--check", "--api-only", "--root", str(root), "--base", str(SPEC), *extra]
    )
    return code


def add_required_request_field(spec: Spec) -> None:
    creation = spec["components"]["schemas"]["JobCreateRequest"]
    name = fresh_name(spec, "mode")
    creation["properties"][name] = {"type": "string"}
    creation["required"] = [*creation.get("required", []), name]


def remove_response_field(spec: Spec) -> None:
    del spec["components"]["schemas"]["Job"]["properties"]["name"]


def change_a_type(spec: Spec) -> None:
    spec["components"]["schemas"]["Job"]["properties"]["shots"] = {"type": "string"}


def rename_a_path(spec: Spec) -> None:
    spec["paths"][CANCEL.replace("/cancel", "/abort")] = spec["paths"].pop(CANCEL)


def remove_a_path(spec: Spec) -> None:
    spec["paths"].pop(CANCEL)


@pytest.mark.parametrize(
    ("edit", "rule"),
    [
        (remove_a_path, "api-path-removed-without-deprecation"),
        (rename_a_path, "api-path-removed-without-deprecation"),
        (add_required_request_field, "new-required-request-property"),
        (remove_response_field, "response-optional-property-removed"),
        (change_a_type, "response-property-type-changed"),
    ],
)
def test_a_breaking_change_fails_the_check_until_acknowledged(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    base: Spec,
    edit: Callable[[Spec], None],
    rule: str,
) -> None:
    root = copy_project(tmp_path)
    revision = edited(base, edit)
    write_spec(root, revision)
    assert check_api(root) == 1
    out, err = capsys.readouterr()
    assert f"breaking   ERR  {rule}" in out or f"breaking   WARN {rule}" in out
    assert "breaking change not acknowledged: info.version is still 1.0.0" in err

    acknowledge(root, revision, "2.0.0", "A breaking change for the test.")
    assert check_api(root) == 0
    out, err = capsys.readouterr()
    assert rule in out and "1.0.0 -> 2.0.0" in out and err == ""

    assert check_api(root, "--json") == 0
    document = json.loads(capsys.readouterr().out)
    assert document["unacknowledged"] == [] and document["breaking"] >= 1
    assert rule in {c["rule"] for c in document["changes"] if c["breaking"]}


@pytest.mark.slow
def test_an_added_optional_field_regenerates_and_passes_the_check(
    tmp_path: Path, base: Spec
) -> None:
    root = copy_project(tmp_path, with_generated=True)
    name = fresh_name(base, "probe")
    write_spec(
        root,
        edited(
            base,
            lambda s: s["components"]["schemas"]["Job"]["properties"].update(
                {name: {"type": "integer"}}
            ),
        ),
    )
    script = ROOT / "scripts" / "regenerate.py"
    common = ["--root", str(root), "--base", str(SPEC)]
    run = [sys.executable, str(script), *common]
    written = subprocess.run(run, capture_output=True, text=True, timeout=180)
    assert written.returncode == 0, written.stderr
    assert f"compatible INFO response-optional-property-added: field `Job.{name}` added" in (
        written.stdout
    )
    checked = subprocess.run([*run, "--check"], capture_output=True, text=True, timeout=180)
    assert checked.returncode == 0, checked.stderr
    assert (
        "  0 breaking and 1 compatible change(s)" in checked.stdout
        and "generated/ matches" in checked.stdout
    )
    model = root / "generated" / "ibmq_api_client" / "models" / "job.py"
    assert name in model.read_text()


@pytest.mark.slow
def test_a_regenerated_breaking_change_still_fails_the_check_until_acknowledged(
    tmp_path: Path, base: Spec
) -> None:
    root = copy_project(tmp_path, with_generated=True)
    revision = edited(base, rename_a_path)
    write_spec(root, revision)
    run = [sys.executable, str(ROOT / "scripts" / "regenerate.py"), "--root", str(root)]
    run += ["--base", str(SPEC)]
    written = subprocess.run(run, capture_output=True, text=True, timeout=180)
    # Regenerating is allowed (the maintainer is mid-change) but says what is missing.
    assert written.returncode == 0, written.stderr
    assert "breaking change not acknowledged" in written.stderr
    checked = subprocess.run([*run, "--check"], capture_output=True, text=True, timeout=180)
    assert checked.returncode == 1
    assert "generated/ matches" in checked.stdout and "not acknowledged" in checked.stderr
    acknowledge(root, revision, "2.0.0", "Cancel is POST .../abort.")
    subprocess.run(run, capture_output=True, text=True, timeout=180, check=True)
    checked = subprocess.run([*run, "--check"], capture_output=True, text=True, timeout=180)
    assert checked.returncode == 0, checked.stderr
    assert "(info.version 1.0.0 -> 2.0.0)" in checked.stdout


def test_the_committed_spec_is_the_default_base(tmp_path: Path, base: Spec) -> None:
    git = shutil.which("git")
    if git is None:
        pytest.skip("git is not installed")
    root = copy_project(tmp_path)
    quiet = {"capture_output": True, "check": True, "timeout": 60}
    identity = ["-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([git, "init", "-q", str(root)], **quiet)  # type: ignore[call-overload]
    subprocess.run([git, "-C", str(root), "add", "."], **quiet)  # type: ignore[call-overload]
    subprocess.run(  # type: ignore[call-overload]
        [git, "-C", str(root), *identity, "commit", "-qm", "spec"], **quiet
    )
    args = ["--check", "--api-only", "--root", str(root)]
    # A fresh clone: the working spec is the committed one.
    assert REGENERATE.main(args) == 0
    write_spec(root, edited(base, remove_a_path))
    assert REGENERATE.main(args) == 1
    with pytest.raises(SystemExit, match=r"cannot read spec/openapi\.yaml at 'no-such-ref'"):
        REGENERATE.main([*args, "--base", "no-such-ref"])


def test_without_a_committed_spec_the_comparison_is_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], base: Spec
) -> None:
    root = copy_project(tmp_path)
    write_spec(root, edited(base, remove_a_path))
    assert REGENERATE.main(["--check", "--api-only", "--root", str(root)]) == 0
    assert "no committed spec to compare with" in capsys.readouterr().err


def test_the_readme_example_is_what_regenerate_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], base: Spec
) -> None:
    section = (ROOT / "README.md").read_text().split("## When the API changes", 1)[1]
    block = re.search(r"```text\n(.*?)```", section, re.S)
    assert block is not None, "the README shows no example output"
    expected = [line for line in block.group(1).splitlines() if not line.startswith("$ ")]
    job = base["components"]["schemas"]["Job"]["properties"]
    assert "runTimeEstimate" not in job, "the README example's field is real now"

    def edit(spec: Spec) -> None:
        rename_a_path(spec)
        spec["components"]["schemas"]["Job"]["properties"]["runTimeEstimate"] = {"type": "integer"}

    root = copy_project(tmp_path)
    write_spec(root, edited(base, edit))
    assert check_api(root) == 1
    out, err = capsys.readouterr()
    shown = (out + err).replace(f"against {SPEC}:", "against HEAD:spec/openapi.yaml:")
    assert shown.splitlines() == expected
