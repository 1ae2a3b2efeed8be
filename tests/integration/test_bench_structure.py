"""The structure figures (``benchmarks/structure.py``): read from the source, measured for real.

No timing is asserted: only that the figures describe this tree and the real way of a job
document, and that the script's small cassette reader reads what vcrpy wrote.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from benchmarks import structure
from tests.unit.test_layers import find_cycle, import_graph

ROOT = Path(__file__).resolve().parents[2]
CASSETTES = sorted((ROOT / "conformance" / "cassettes").glob("*.yaml"))


@pytest.mark.parametrize("cassette", CASSETTES, ids=[path.stem for path in CASSETTES])
def test_the_cassette_reader_reads_what_yaml_reads(cassette: Path) -> None:
    recorded = yaml.safe_load(cassette.read_text(encoding="utf-8"))["interactions"]
    read = structure.read_cassette(cassette)
    assert [(i["method"], i["uri"], i["status"], i.get("body", "")) for i in read] == [
        (
            i["request"]["method"],
            i["request"]["uri"],
            i["response"]["status"]["code"],
            i["response"]["body"]["string"],
        )
        for i in recorded
    ]


def test_the_source_figures_describe_this_tree() -> None:
    figures = structure.source_figures(ROOT)
    files = sorted((ROOT / "ibmqjob").rglob("*.py"))
    assert figures["modules"] == len(files)
    assert figures["lines"] == sum(len(path.read_text().splitlines()) for path in files)
    assert 0 < figures["code_lines"] < figures["lines"]
    assert sum(part["modules"] for part in figures["per_part"].values()) == len(files)
    # The same graph as the layer test's: no cycle, and the chain follows real imports.
    graph = import_graph()
    assert figures["cycles"] == [] and find_cycle(graph) is None
    chain = figures["longest_chain"]
    assert len(chain) == len(set(chain)) == figures["import_depth"] + 1 > 2
    assert all(target in graph[module] for module, target in itertools.pairwise(chain))
    assert figures["longest_chain_from_package"][0] == "ibmqjob"


def test_the_longest_chain_passes_no_module_twice() -> None:
    acyclic = {"a": {"b", "d"}, "b": {"c"}, "c": {"d"}, "d": set(), "e": {"a"}}
    assert structure.longest_chain(acyclic) == ["e", "a", "b", "c", "d"]
    assert structure.longest_chain(acyclic, "b") == ["b", "c", "d"]
    cyclic = {"a": {"b"}, "b": {"c"}, "c": {"b", "d"}, "d": set(), "e": {"a"}}
    assert structure.longest_chain(cyclic) == ["e", "a", "b", "c", "d"]
    assert structure.longest_chain(cyclic, "c") == ["c", "b"]  # not back to c, nor on to d
    assert [c for c in structure.strongly_connected(cyclic) if len(c) > 1] == [["b", "c"]]


def test_code_lines_leave_out_docstrings_comments_and_blank_lines() -> None:
    source = '"""Module.\n\nMore."""\n\n# comment\nx = 1  # counted\n\n\ndef f() -> str:\n'
    source += '    """Doc."""\n    return """a\nb"""\n'
    assert structure.code_lines(source) == 4  # x = 1, def, and the two lines of the return


def test_a_job_document_is_followed_from_the_wire_to_ibmqjob() -> None:
    script = str(ROOT / "benchmarks" / "structure.py")
    done = subprocess.run(
        [sys.executable, script, "--json", "--runs", "1", "--number", "2"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "generated")])},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    runtime = json.loads(done.stdout)["runtime"]
    assert Path(runtime["ibmqjob"]) == ROOT / "ibmqjob"
    forms = runtime["forms"]
    assert forms[0] == "JSON text" and forms[-1].startswith("IBMQJob (")
    assert "ibmqjob._api.records.JobRecord" in forms
    assert runtime["job_attributes"] > 0
    for figure in ("retrieve_job", "loopback_floor", "listing_per_job"):
        assert runtime[figure]["wall_us"] > 0 and runtime[figure]["cpu_us"] > 0, figure
