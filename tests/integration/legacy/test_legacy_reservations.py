"""The original client agrees with the server's reservation endpoints and the qiskitrc format.

Each test runs a short script with the legacy interpreter (qiskit-ibmq-provider 0.20.2) and
compares what it reads with what ibmqjob reads from the same server or file.
"""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ibmqjob.account import QX_AUTH_URL, IBMQFactory
from ibmqjob.credentials import read_credentials
from refserver.runner import ServerThread
from refserver.testing import ApiSession

RESERVATIONS = """
reservations:
  - {id: mine, backend: ibmq_manila, start: "+1h", end: "+150m",
     hub: ibm-q, group: open, project: main, mode: dedicated}
  - {id: theirs, backend: ibmq_manila, start: "+3h", end: "+4h",
     hub: ibm-q-other, group: group0, project: project0}
"""


def _run_legacy(python: Path, script: str, home: Path, timeout: float = 180) -> Any:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QE_", "IBMQJOB_"))}
    env.update(HOME=str(home), PYTHONDONTWRITEBYTECODE="1", PYTHONPATH="")
    completed = subprocess.run(
        [str(python), "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=home,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_the_original_reads_reservations_and_unrun_job_properties(
    legacy_python: Path, server_factory: Callable[..., ServerThread], tmp_path: Path
) -> None:
    path = tmp_path / "reservations.yaml"
    path.write_text(RESERVATIONS)
    server = server_factory(reservations_file=path)
    assert server.demo_token is not None
    with ApiSession(server.auth_url, server.demo_token) as session:
        unrun = session.create(backend="ibmq_manila", name="not-run")["id"]
    legacy = _run_legacy(
        legacy_python,
        f"""
        import json, warnings
        warnings.simplefilter("ignore")
        from qiskit.providers.ibmq import IBMQ
        provider = IBMQ.enable_account({server.demo_token!r}, url={server.auth_url!r})
        backend = provider.get_backend("ibmq_manila")
        def dump(r):
            return [r.backend_name, r.start_datetime.isoformat(), r.end_datetime.isoformat(),
                    r.duration, r.mode, r.reservation_id, r.hub, r.group, r.project]
        properties = provider.backend.retrieve_job({unrun!r}).properties()
        simulator = provider.get_backend("ibmq_qasm_simulator")
        print(json.dumps({{
            "backend": [dump(r) for r in backend.reservations()],
            "mine": [dump(r) for r in provider.backend.my_reservations()],
            "simulator": [dump(r) for r in simulator.reservations()],
            "properties": [properties.backend_name, properties.last_update_date.isoformat()],
        }}))
        """,
        tmp_path,
    )
    assert [r[5] for r in legacy["backend"]] == ["mine", None]
    assert legacy["backend"][0][3] == 90 and legacy["backend"][0][6:] == ["ibm-q", "open", "main"]
    assert [r[5] for r in legacy["mine"]] == ["mine"]
    assert legacy["simulator"] == []
    assert legacy["properties"][0] == "ibmq_manila"

    factory = IBMQFactory()
    provider = factory.enable_account(server.demo_token, server.auth_url)
    try:
        ours = provider.get_backend("ibmq_manila").reservations()
        assert [
            [r.backend_name, r.start_datetime.isoformat(), r.end_datetime.isoformat(), r.duration]
            for r in ours
        ] == [r[:4] for r in legacy["backend"]]
        properties = provider.backend.retrieve_job(unrun).properties()
        assert properties is not None
        assert properties.last_update_date.isoformat() == legacy["properties"][1]
    finally:
        factory.disable_account()


def test_qiskitrc_written_by_either_client_is_read_by_the_other(
    legacy_python: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("IBMQJOB_TOKEN", "QE_TOKEN", "QE_URL"):
        monkeypatch.delenv(name, raising=False)
    # The original only stores IBM Quantum's URL.
    IBMQFactory.save_account("ours-token", QX_AUTH_URL, hub="h", group="g", project="p")
    seen = _run_legacy(
        legacy_python,
        """
        import json, warnings
        warnings.simplefilter("ignore")
        from qiskit.providers.ibmq import IBMQ
        from qiskit.providers.ibmq.credentials.configrc import read_credentials_from_qiskitrc
        (credentials,) = read_credentials_from_qiskitrc()[0].values()
        print(json.dumps([IBMQ.stored_account(), credentials.default_provider.to_tuple()]))
        """,
        tmp_path,
    )
    assert seen == [{"token": "ours-token", "url": QX_AUTH_URL}, ["h", "g", "p"]]

    _run_legacy(
        legacy_python,
        """
        import json, warnings
        warnings.simplefilter("ignore")
        from qiskit.providers.ibmq import IBMQ
        IBMQ.delete_account()
        IBMQ.save_account("legacy-token", hub="a", group="b", project="c")
        print("{}")
        """,
        tmp_path,
    )
    (stored,) = read_credentials()
    # The original writes `verify` only when true (it drops a false one): True by default.
    assert (stored.token, stored.url, stored.default_provider, stored.verify) == (
        "legacy-token",
        QX_AUTH_URL,
        ("a", "b", "c"),
        True,
    )
    assert IBMQFactory.stored_account() == {"token": "legacy-token", "url": QX_AUTH_URL}
