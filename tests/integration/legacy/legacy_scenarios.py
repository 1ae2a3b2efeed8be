"""Scenarios run by ``legacy_driver`` with the original client (inside ``.venv-legacy``).

Written against the original client's API only; ``legacy_driver --client ibmqjob`` runs the
same source with ibmqjob (see ``client_shim``), for the side-by-side comparison.

Each scenario takes a ``Context`` and a dict it fills with observations: plain JSON data
(statuses as ``JobStatus`` names, counts, ids, messages, exception descriptions). A scenario
records what the original client did and saw; the judging is done by the pytest tests in the
main virtualenv, so an observation is recorded even when it is surprising. A scenario raises
only when it cannot go on; the driver then reports the exception and its traceback.

Jobs created by a scenario carry the tag ``<run id>-<scenario>`` and names starting with the
same prefix, so scenarios sharing a server never see each other's jobs in their listings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from legacy_common import (
    Context,
    expect_error,
    job_summary,
    jsonable,
    poll_until,
    wait_final,
)
from legacy_listing import listing
from legacy_queue import job_limit, queue_cancel, wait_callback
from qiskit import IBMQ, QuantumCircuit

try:  # qiskit 0.46 (both clients there); qiskit 1 and 2 have no assembler
    from qiskit import assemble
except ImportError:
    assemble = None
from qiskit.providers import JobStatus
from qiskit.providers.ibmq.ibmqfactory import IBMQFactory

Observations = dict[str, Any]


def account(ctx: Context, obs: Observations) -> None:
    """Providers, URLs and backends seen after enable_account."""
    obs["active_account_url"] = IBMQ.active_account()["url"]
    obs["providers"] = [
        [p.credentials.hub, p.credentials.group, p.credentials.project] for p in IBMQ.providers()
    ]
    provider = ctx.provider()
    obs["default_provider"] = [
        provider.credentials.hub,
        provider.credentials.group,
        provider.credentials.project,
    ]
    obs["api_url"] = provider.credentials.base_url
    obs["websockets_url"] = provider.credentials.websockets_url
    obs["backends"] = [_backend_view(b) for b in provider.backends()]
    obs["simulator"] = ctx.simulator().name()
    obs["device"] = ctx.device().name()
    obs["operational_backends"] = [b.name() for b in provider.backends(operational=True)]
    obs["simulator_only"] = [b.name() for b in provider.backends(simulator=True)]


def _backend_view(backend: Any) -> dict[str, Any]:
    config = backend.configuration()
    status = backend.status()
    return {
        "name": backend.name(),
        "class": type(backend).__name__,
        "simulator": bool(config.simulator),
        "n_qubits": config.n_qubits,
        "max_shots": config.max_shots,
        "basis_gates": list(config.basis_gates),
        "status": {
            "operational": status.operational,
            "pending_jobs": status.pending_jobs,
            "status_msg": status.status_msg,
            "backend_version": status.backend_version,
        },
    }


def bad_login(ctx: Context, obs: Observations) -> None:
    """enable_account with a wrong token and with a wrong URL (a fresh IBMQ factory)."""
    obs["wrong_token"] = expect_error(
        lambda: IBMQFactory().enable_account("not-a-valid-token", url=ctx.url)
    )
    obs["wrong_url"] = expect_error(
        lambda: IBMQFactory().enable_account(ctx.token, url=ctx.url.rstrip("/") + "/missing")
    )


def bell(ctx: Context, obs: Observations) -> None:
    """Run a Bell circuit on the simulator: counts, statuses, result and cached result."""
    backend = ctx.simulator()
    job = ctx.run_bell(backend, "bell")
    obs["job_id"] = job.job_id()
    obs["submitted"] = job_summary(job)
    obs["statuses_polled"] = poll_until(job, (), ctx.timeout)
    result = job.result(timeout=ctx.timeout, wait=0.2)
    obs["result"] = {
        "success": result.success,
        "job_id": result.job_id,
        "backend_name": result.backend_name,
        "counts": result.get_counts(),
        "shots": result.results[0].shots,
        "n_experiments": len(result.results),
    }
    obs["status"] = job.status().name
    obs["done"] = job.done()
    obs["queue_position_final"] = job.queue_position(refresh=True)
    obs["time_per_step"] = sorted((job.time_per_step() or {}).keys())
    obs["client_version"] = job.client_version
    obs["error_message"] = job.error_message()
    refreshed = job.result(refresh=True)
    obs["refreshed_counts"] = refreshed.get_counts()
    again = ctx.run_bell(backend, "bell", job_name=f"{ctx.tag('bell')}-again")
    obs["same_seed_counts"] = again.result(timeout=ctx.timeout, wait=0.2).get_counts()
    other = ctx.run_bell(backend, "bell", job_name=f"{ctx.tag('bell')}-seed", seed_simulator=7)
    obs["other_seed_counts"] = other.result(timeout=ctx.timeout, wait=0.2).get_counts()


def retrieve(ctx: Context, obs: Observations) -> None:
    """retrieve_job by provider and by backend; unknown and foreign ids; Qobj download."""
    provider = ctx.provider()
    backend = ctx.simulator(provider)
    job = ctx.run_bell(backend, "retrieve", job_tags=["retrieve-extra"])
    counts = job.result(timeout=ctx.timeout, wait=0.2).get_counts()
    obs["original"] = job_summary(job)
    obs["original_counts"] = counts

    by_provider = provider.backend.retrieve_job(job.job_id())
    obs["by_provider"] = job_summary(by_provider)
    obs["by_provider_counts"] = by_provider.result(timeout=ctx.timeout).get_counts()
    by_backend = backend.retrieve_job(job.job_id())
    obs["by_backend"] = job_summary(by_backend)
    circuits = by_backend.circuits()
    obs["downloaded_circuits"] = [c.name for c in circuits]
    obs["downloaded_header"] = jsonable(by_backend.header())
    obs["backend_options"] = jsonable(by_backend.backend_options())
    obs["time_per_step"] = sorted((by_backend.time_per_step() or {}).keys())

    obs["unknown_id"] = expect_error(lambda: provider.backend.retrieve_job("0" * 24))
    device = ctx.device(provider)
    obs["wrong_backend"] = expect_error(lambda: device.retrieve_job(job.job_id()))
    secondary = ctx.provider(ctx.param("secondary_project", "secondary"))
    obs["other_project"] = expect_error(lambda: secondary.backend.retrieve_job(job.job_id()))


def isolation(ctx: Context, obs: Observations) -> None:
    """Another user's jobs are invisible (needs --param other_token=TOKEN)."""
    other_factory = IBMQFactory()
    other_factory.enable_account(ctx.param("other_token", ""), url=ctx.url)
    other_provider = other_factory.get_provider()
    obs["other_provider"] = [
        other_provider.credentials.hub,
        other_provider.credentials.group,
        other_provider.credentials.project,
    ]
    other_backend = ctx.simulator(other_provider)
    other_job = other_backend.run(
        ctx.bell_for(other_backend), shots=100, job_tags=[ctx.tag("isolation")]
    )
    obs["other_job_status"] = wait_final(other_job, ctx.timeout)
    provider = ctx.provider()
    obs["demo_retrieves_other"] = expect_error(
        lambda: provider.backend.retrieve_job(other_job.job_id())
    )
    demo_listing = provider.backend.jobs(limit=None, job_tags=[ctx.tag("isolation")])
    obs["demo_lists_other"] = [j.job_id() for j in demo_listing]
    other_listing = other_provider.backend.jobs(limit=None, job_tags=[ctx.tag("isolation")])
    obs["other_lists_own"] = [j.job_id() for j in other_listing]
    obs["other_job_id"] = other_job.job_id()


def update(ctx: Context, obs: Observations) -> None:
    """update_name and the update_tags replace/add/remove matrix, then re-read from the server."""
    backend = ctx.simulator()
    job = ctx.run_bell(backend, "update", job_tags=["alpha", "ibmq_jobset_keep"])
    obs["initial_tags"] = sorted(job.tags())
    new_name = f"{ctx.tag('update')}-renamed"
    obs["update_name"] = job.update_name(new_name)
    obs["update_name_empty"] = expect_error(lambda: job.update_name(""))
    obs["update_name_back"] = job.update_name(new_name)
    obs["replace"] = sorted(job.update_tags(replacement_tags=[ctx.tag("update"), "beta"]))
    obs["add"] = sorted(job.update_tags(additional_tags=["gamma", "delta"]))
    obs["remove"] = sorted(job.update_tags(removal_tags=["beta", "not-there"]))
    obs["combined"] = sorted(
        job.update_tags(
            replacement_tags=[ctx.tag("update"), "one"],
            additional_tags=["two"],
            removal_tags=["one"],
        )
    )
    obs["no_arguments"] = expect_error(lambda: job.update_tags())
    obs["not_a_list"] = expect_error(lambda: job.update_tags(additional_tags="oops"))
    obs["status"] = wait_final(job, ctx.timeout)
    reread = ctx.provider().backend.retrieve_job(job.job_id())
    obs["reread"] = job_summary(reread)
    listed = backend.jobs(limit=None, job_name=f"^{ctx.tag('update')}-renamed$")
    obs["listed_by_new_name"] = [j.job_id() for j in listed]


def properties(ctx: Context, obs: Observations) -> None:
    """backend.properties() and job.properties() of a job run on the device."""
    device = ctx.device()
    backend_props = device.properties()
    obs["backend_properties"] = _properties_view(backend_props)
    job = ctx.run_bell(device, "properties", shots=256)
    result = job.result(timeout=ctx.timeout, wait=0.2)
    obs["counts"] = result.get_counts()
    obs["status"] = job.status().name
    obs["job_properties"] = _properties_view(job.properties())
    obs["transpiled_ops"] = sorted(ctx.bell_for(device).count_ops())


def _properties_view(props: Any) -> dict[str, Any] | None:
    if props is None:
        return None
    return {
        "backend_name": props.backend_name,
        "backend_version": props.backend_version,
        "last_update_date": jsonable(props.last_update_date),
        "n_qubits": len(props.qubits),
        "n_gates": len(props.gates),
        "t1_q0": props.t1(0),
        "readout_error_q0": props.readout_error(0),
    }


def validation_error(ctx: Context, obs: Observations) -> None:
    """A Qobj with more shots than the backend allows: ERROR, error_message() and result().

    As in the original client's own integration tests, the Qobj is assembled first and its
    shots raised afterwards, because ``backend.run(circuits, shots=...)`` checks ``max_shots``
    on the client side and would never reach the server.
    """
    backend = ctx.simulator()
    max_shots = backend.configuration().max_shots
    if assemble is not None:
        qobj = assemble(ctx.bell_for(backend), backend=backend, shots=1)
    else:  # the Qobj of a valid job stands in for the assembled one
        qobj = backend.run(ctx.bell_for(backend), shots=1).qobj()
        # backend.run writes use_measure_esp, as the original's did; assemble did not.
        if hasattr(qobj.config, "use_measure_esp"):
            del qobj.config.use_measure_esp
    qobj.config.shots = int(ctx.param("invalid_shots", max_shots + 1))
    obs["shots_sent"] = qobj.config.shots
    obs["max_shots"] = max_shots
    tag = ctx.tag("validation_error")
    job = backend.run(qobj, job_name=f"{tag}-bad-shots", job_tags=[tag])
    obs["job_id"] = job.job_id()
    obs["statuses_polled"] = poll_until(job, (), ctx.timeout)
    obs["status"] = job.status().name
    obs["error_message"] = job.error_message()
    obs["result"] = expect_error(lambda: job.result(timeout=ctx.timeout))
    obs["result_partial"] = expect_error(lambda: job.result(timeout=ctx.timeout, partial=True))
    retrieved = ctx.provider().backend.retrieve_job(job.job_id())
    obs["retrieved_status"] = retrieved.status().name
    obs["retrieved_error_message"] = retrieved.error_message()
    listed = backend.jobs(limit=None, status=JobStatus.ERROR, job_tags=[tag])
    obs["listed_as_error"] = [j.job_id() for j in listed]


def partial(ctx: Context, obs: Observations) -> None:
    """A job in which one experiment fails: result(partial=True) and result().

    The failing experiment entangles ``partial_qubits`` (default 26) qubits after a T gate, so
    its statevector exceeds the reference server's per-experiment simulator memory budget;
    the Bell experiment beside it runs normally.
    """
    backend = ctx.simulator()
    good = ctx.bell_for(backend).copy(name="bell")
    width = int(ctx.param("partial_qubits", 26))
    bad = QuantumCircuit(width, width, name="too_wide")
    bad.h(0)
    bad.t(0)
    for qubit in range(1, width):
        bad.cx(0, qubit)
    bad.measure(range(width), range(width))
    job = backend.run(
        [good, bad],
        shots=int(ctx.param("shots", 1024)),
        seed_simulator=int(ctx.param("seed", 42)),
        job_name=f"{ctx.tag('partial')}-mixed",
        job_tags=[ctx.tag("partial")],
    )
    obs["job_id"] = job.job_id()
    obs["status"] = wait_final(job, ctx.timeout)
    obs["result"] = expect_error(lambda: job.result(timeout=ctx.timeout))
    result = job.result(timeout=ctx.timeout, partial=True)
    obs["partial_success"] = result.success
    obs["experiments"] = [
        {
            "name": _header_name(exp),
            "success": exp.success,
            "status": getattr(exp, "status", None),
        }
        for exp in result.results
    ]
    obs["good_counts"] = expect_error(lambda: result.get_counts("bell"))
    obs["bad_counts"] = expect_error(lambda: result.get_counts("too_wide"))
    obs["error_message"] = job.error_message()


SCENARIOS: dict[str, Callable[[Context, Observations], None]] = {
    func.__name__: func
    for func in (
        account,
        bad_login,
        bell,
        retrieve,
        isolation,
        update,
        properties,
        validation_error,
        partial,
        listing,
        queue_cancel,
        wait_callback,
        job_limit,
    )
}

# Scenarios that do not need the global IBMQ account (they log in by themselves).
WITHOUT_ACCOUNT = frozenset({"bad_login"})


def _header_name(experiment: Any) -> Any:
    """An experiment's name: qiskit 0.46's headers are objects, qiskit 1 and 2's dicts."""
    header = getattr(experiment, "header", None)
    return header.get("name") if isinstance(header, dict) else getattr(header, "name", None)
