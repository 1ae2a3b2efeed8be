"""The generated client is fresh, and its models keep what servers send."""

from __future__ import annotations

import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import yaml
from ibmq_api_client.models.error_envelope import ErrorEnvelope
from ibmq_api_client.models.job import Job
from ibmq_api_client.models.job_status_response import JobStatusResponse

ROOT = Path(__file__).resolve().parents[2]
REGENERATE = ROOT / "scripts" / "regenerate.py"


def _check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REGENERATE), "--check", "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_generated_client_matches_the_spec() -> None:
    proc = _check(ROOT)
    assert proc.returncode == 0, proc.stderr


def test_an_edit_to_the_spec_that_is_not_regenerated_is_caught(tmp_path: Path) -> None:
    for name in ("spec", "generated"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    assert _check(tmp_path).returncode == 0
    spec = tmp_path / "spec" / "openapi.yaml"
    text = spec.read_text()
    # A field name the spec cannot already hold, so a real new field never collides.
    probe = f"probe{uuid.uuid4().hex[:8]}"
    assert probe not in text
    document = yaml.safe_load(text)
    document["components"]["schemas"]["Job"]["properties"][probe] = {"type": "integer"}
    spec.write_text(yaml.safe_dump(document, sort_keys=False))
    proc = _check(tmp_path)
    assert proc.returncode == 1
    assert "stale" in proc.stderr


def test_a_hand_edit_of_the_generated_code_is_caught(tmp_path: Path) -> None:
    for name in ("spec", "generated"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    client = tmp_path / "generated" / "ibmq_api_client" / "client.py"
    client.write_text(client.read_text() + "\n# edited by hand\n")
    proc = _check(tmp_path)
    assert proc.returncode == 1
    assert "differs: ibmq_api_client/client.py" in proc.stderr


JOB_DOCUMENT = {
    "id": "5f0c8a7e3b2d1c0a9e8f7d6c",
    "creationDate": "2024-05-01T12:00:00.123Z",
    "status": "TRANSPILING_ON_A_NEW_STAGE",
    "kind": "q-object-external-storage",
    "backend": {"name": "ibmq_qasm_simulator", "id": "b1"},
    "name": "bell",
    "tags": ["a", "b"],
    "timePerStep": {"CREATING": "2024-05-01T12:00:00.123Z"},
    "infoQueue": {"status": "PENDING_IN_QUEUE", "position": 3, "hubPriority": 0.5},
    "error": {"message": "Bad shots. Error code: 1109.", "code": 1109},
    "summaryData": {"summary": {"qobj_config": {"n_qubits": 2}}},
    "futureField": {"nested": [1, 2, 3]},
    "anotherUnknown": None,
}


def test_job_document_round_trips_with_unknown_fields_and_status() -> None:
    job = Job.from_dict(JOB_DOCUMENT)
    assert job.status == "TRANSPILING_ON_A_NEW_STAGE"
    assert job.name == "bell"
    assert job["futureField"] == {"nested": [1, 2, 3]}
    again = job.to_dict()
    for key, value in JOB_DOCUMENT.items():
        if key in ("creationDate", "timePerStep"):
            continue
        assert again[key] == value, key
    # Dates are re-encoded as ISO 8601 with an explicit offset: the same instant.
    assert again["creationDate"].startswith("2024-05-01T12:00:00.123")
    assert Job.from_dict(again).to_dict() == again


def test_status_and_error_envelopes_decode() -> None:
    status = JobStatusResponse.from_dict({"status": "SOMETHING_NEW", "extra": 1})
    assert status.status == "SOMETHING_NEW"
    assert status["extra"] == 1
    numeric = ErrorEnvelope.from_dict({"error": {"message": "Job not found", "code": 3250}})
    symbolic = ErrorEnvelope.from_dict(
        {"error": {"message": "No", "code": "AUTHORIZATION_REQUIRED"}}
    )
    assert numeric.error.code == 3250
    assert symbolic.error.code == "AUTHORIZATION_REQUIRED"
