"""Regenerate the typed low-level client in ``generated/`` from ``spec/openapi.yaml``.

Usage::

    scripts/regenerate              # say what changed in the API, rewrite generated/
    scripts/regenerate --check      # exit 1 if generated/ is stale or a breaking API change
                                    # is not acknowledged (used by the tests)
    scripts/regenerate --base main  # compare with the spec of another git ref (or a file)
    scripts/regenerate --json       # the API changes as JSON on stdout
    scripts/regenerate --api-only   # only the API changes, no generation

The API changes are those between the spec as last committed (``git show HEAD:spec/openapi.yaml``)
and the working spec, as :mod:`conformance.specdiff` finds and classifies them. A breaking
change must be acknowledged in the spec itself: a higher ``info.version`` and a section for it
in ``spec/CHANGES.md``. Without git, or outside a checkout, there is no committed spec: the
comparison is skipped (and said so) unless ``--base`` names a file.

The generator runs in a temporary directory outside the repository so that no ruff
configuration of the project leaks into the formatting of its output: the same spec and
generator version always give the same bytes.
"""

from __future__ import annotations

import argparse
import filecmp
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from conformance.specdiff import SpecDiff, acknowledgement_problems, diff_specs

GENERATOR = "openapi-python-client"
GENERATOR_VERSION = "0.29.1"
PACKAGE = "ibmq_api_client"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _installed_generator_version() -> str:
    from importlib.metadata import version

    return version(GENERATOR)


def generate(spec: Path, config: Path, workdir: Path, templates: Path | None = None) -> Path:
    """Run the generator on ``spec`` into ``workdir`` and return the package directory.

    ``templates`` holds custom templates that replace the generator's of the same name.
    """
    bindir = Path(sys.executable).parent
    env = dict(os.environ)
    # The generator's formatting hooks call `ruff`; without it on PATH it silently skips them.
    env["PATH"] = f"{bindir}{os.pathsep}{env.get('PATH', '')}"
    command = [
        str(bindir / GENERATOR),
        "generate",
        "--path",
        str(spec),
        "--config",
        str(config),
        "--meta",
        "none",
        "--fail-on-warning",
    ]
    if templates is not None:
        command += ["--custom-template-path", str(templates)]
    proc = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"{GENERATOR} failed with exit code {proc.returncode}")
    package = workdir / PACKAGE
    shutil.rmtree(package / ".ruff_cache", ignore_errors=True)
    (package / "py.typed").write_text("")
    return package


def stamp(spec: Path, config: Path, package: Path) -> dict[str, str]:
    """The provenance record written next to the generated package."""
    return {
        "generator": GENERATOR,
        "generator_version": GENERATOR_VERSION,
        "spec": "spec/openapi.yaml",
        "spec_sha256": _sha256(spec),
        "config_sha256": _sha256(config),
        "output_sha256": _tree_digest(package),
    }


def _differences(expected: Path, actual: Path) -> list[str]:
    if not actual.is_dir():
        return [f"{actual} is missing"]
    found: list[str] = []

    def walk(cmp: filecmp.dircmp[str], prefix: str) -> None:
        found.extend(f"only in the fresh output: {prefix}{n}" for n in cmp.left_only)
        found.extend(f"not produced by the generator: {prefix}{n}" for n in cmp.right_only)
        found.extend(f"differs: {prefix}{n}" for n in cmp.diff_files)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(expected, actual, ignore=["__pycache__"]), f"{PACKAGE}/")
    return found


def base_spec(root: Path, base: str | None) -> tuple[str, dict[str, Any] | None]:
    """The spec to compare with: ``(where it comes from, document)``.

    ``base`` is a file, a git ref, or None for ``HEAD`` when ``root`` is a git checkout. The
    document is None (and the first item says why) when there is no committed spec.

    Raises:
        SystemExit: ``base`` was given and cannot be read.
    """
    if base is not None and Path(base).is_file():
        return base, _load(Path(base).read_text(encoding="utf-8"), base)
    ref = base or "HEAD"
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), "show", f"{ref}:./spec/openapi.yaml"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except FileNotFoundError:
        proc = None
    if proc is not None and proc.returncode == 0:
        return f"{ref}:spec/openapi.yaml", _load(proc.stdout, ref)
    if proc is None:
        reason = "git is not installed"
    else:
        reason = (proc.stderr.strip().splitlines() or [f"git exited with {proc.returncode}"])[-1]
    if base is not None:
        raise SystemExit(f"cannot read spec/openapi.yaml at {base!r}: {reason}")
    return f"no committed spec to compare with ({reason}); API changes not checked", None


def _load(text: str, where: str) -> dict[str, Any]:
    try:
        # The C loader when PyYAML has it: the spec is read twice per run.
        document = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as err:
        raise SystemExit(f"{where}: not valid YAML: {err}") from None
    if not isinstance(document, dict):
        raise SystemExit(f"{where}: not an OpenAPI document")
    return document


def api_changes(root: Path, base: str | None, as_json: bool) -> tuple[SpecDiff | None, list[str]]:
    """Compare the working spec with the base, print the changes; return the diff and
    why its breaking changes are not acknowledged."""
    origin, old = base_spec(root, base)
    if old is None:
        print(origin, file=sys.stderr)
        return None, []
    spec = root / "spec" / "openapi.yaml"
    try:
        diff = diff_specs(old, _load(spec.read_text(encoding="utf-8"), str(spec)))
    except ValueError as err:
        raise SystemExit(f"cannot compare the specs: {err}") from None
    changelog = root / "spec" / "CHANGES.md"
    text = changelog.read_text(encoding="utf-8") if changelog.is_file() else None
    problems = acknowledgement_problems(diff, text)
    if as_json:
        document = {"base": origin, **diff.to_json(), "unacknowledged": problems}
        print(json.dumps(document, indent=2))
    else:
        print(f"API changes against {origin}:")
        for line in diff.summary():
            print(f"  {line}")
    return diff, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="fail if generated/ is stale or a breaking API change is not acknowledged",
    )
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument(
        "--base", metavar="REF|FILE", help="spec to compare with (default: git HEAD)"
    )
    parser.add_argument("--json", action="store_true", help="print the API changes as JSON")
    parser.add_argument(
        "--api-only", action="store_true", help="only compare the specs; do not generate"
    )
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()
    spec, config = root / "spec" / "openapi.yaml", root / "spec" / "codegen.yaml"
    target_dir = root / "generated"

    _, unacknowledged = api_changes(root, args.base, args.json)
    for problem in unacknowledged:
        print(f"breaking change not acknowledged: {problem}", file=sys.stderr)
    if args.api_only:
        return 1 if args.check and unacknowledged else 0

    installed = _installed_generator_version()
    if installed != GENERATOR_VERSION:
        raise SystemExit(f"{GENERATOR} {GENERATOR_VERSION} is required, {installed} is installed")

    with tempfile.TemporaryDirectory(prefix="ibmq-regenerate-") as tmp:
        package = generate(spec, config, Path(tmp), root / "spec" / "templates")
        record = stamp(spec, config, package)
        stamp_path = target_dir / "GENERATED.json"
        if args.check:
            problems = _differences(package, target_dir / PACKAGE)
            if not stamp_path.is_file() or json.loads(stamp_path.read_text()) != record:
                problems.append("generated/GENERATED.json does not match the spec and generator")
            if problems:
                print("generated/ is stale; run scripts/regenerate:", file=sys.stderr)
                for line in problems[:20]:
                    print(f"  {line}", file=sys.stderr)
                return 1
            print("generated/ matches spec/openapi.yaml", file=sys.stderr if args.json else None)
            return 1 if unacknowledged else 0
        shutil.rmtree(target_dir / PACKAGE, ignore_errors=True)
        target_dir.mkdir(exist_ok=True)
        shutil.copytree(package, target_dir / PACKAGE)
        stamp_path.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    print(f"wrote {target_dir / PACKAGE} and {stamp_path}", file=sys.stderr if args.json else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
