"""Regenerate the typed low-level client in ``generated/`` from ``spec/openapi.yaml``.

Usage::

    scripts/regenerate          # rewrite generated/ibmq_api_client and generated/GENERATED.json
    scripts/regenerate --check  # exit 1 if generated/ does not match the spec (used by the tests)

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if generated/ is stale")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args(argv)
    root: Path = args.root.resolve()
    spec, config = root / "spec" / "openapi.yaml", root / "spec" / "codegen.yaml"
    target_dir = root / "generated"

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
            print("generated/ matches spec/openapi.yaml")
            return 0
        shutil.rmtree(target_dir / PACKAGE, ignore_errors=True)
        target_dir.mkdir(exist_ok=True)
        shutil.copytree(package, target_dir / PACKAGE)
        stamp_path.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    print(f"wrote {target_dir / PACKAGE} and {stamp_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
