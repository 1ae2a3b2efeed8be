"""The project's Qobj encoder: the same documents as qiskit 0.46's ``assemble``, and back.

On qiskit 0.46 a differential test holds :func:`ibmqjob._qobj.encode_circuits` to qiskit's
``assemble`` (given the same backend and the run options ``backend.run`` builds) for
hand-picked circuits and for random ones (hypothesis): the two Qobjs are equal once encoded
as JSON, apart from the ``qobj_id`` and the copy-counter suffix qiskit 0.46 adds to the names
of circuits it binds. On every line, :func:`ibmqjob._qobj.decode_circuits` rebuilds circuits
that encode to the same Qobj again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from qiskit import QuantumCircuit
from qiskit.circuit import ClassicalRegister, Parameter, QuantumRegister

from conformance.specs import load_openapi, schema_problems
from ibmqjob import _qiskit
from ibmqjob._api.codec import encode_qobj
from ibmqjob._qobj import encode_circuits
from ibmqjob._qobjdecode import decode_circuits
from ibmqjob._runinput import assemble_qobj, run_options
from ibmqjob.backend import IBMQBackend
from ibmqjob.exceptions import IBMQBackendValueError

OPENAPI = load_openapi()

legacy_only = pytest.mark.skipif(
    not _qiskit.LEGACY, reason="qiskit's assemble, the reference, exists on qiskit 0.46 only"
)

SIMULATOR_CONFIGURATION: dict[str, Any] = {
    "backend_name": "ibmq_qasm_simulator",
    "backend_version": "0.1.547",
    "n_qubits": 32,
    "basis_gates": ["u1", "u2", "u3", "cx", "id", "x", "h", "rz", "sx", "rx", "swap", "ccx"],
    "gates": [{"name": "cx", "parameters": [], "qasm_def": "gate cx q1,q2 { CX q1,q2; }"}],
    "local": False,
    "simulator": True,
    "conditional": True,
    "open_pulse": False,
    "memory": True,
    "max_shots": 100000,
    "max_experiments": 300,
    "coupling_map": None,
    "simulation_method": "automatic",
}


def _backend(configuration: dict[str, Any]) -> IBMQBackend:
    return IBMQBackend(_qiskit.configuration_from_dict(configuration), None, None)  # type: ignore[arg-type]


def _device_configuration() -> dict[str, Any]:
    """ibmq_manila's configuration, as qiskit 0.46 ships it (a pulse device)."""
    from qiskit.providers.fake_provider import FakeManila

    document: dict[str, Any] = json.loads(
        json.dumps(FakeManila().configuration().to_dict(), default=_json_default)
    )
    return document


def _json_default(value: Any) -> Any:
    if isinstance(value, complex):
        return [value.real, value.imag]
    return str(value)


def _normal(qobj: Any) -> dict[str, Any]:
    """The Qobj as JSON would carry it, without its volatile fields."""
    document: dict[str, Any] = json.loads(encode_qobj(qobj))
    document.pop("qobj_id")
    for experiment in document["experiments"]:
        header = experiment["header"]
        header["name"] = re.sub(r"-\d+$", "", header["name"])
    return document


def _both(
    circuits: list[QuantumCircuit], backend: IBMQBackend, given: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    from qiskit.compiler import assemble

    options = dict(backend.options.items())
    ours = assemble_qobj(circuits, backend.configuration(), backend, options, given)
    config = run_options(backend.configuration(), options, given)
    theirs = assemble(circuits, backend, **config).to_dict()
    return _normal(ours), _normal(theirs)


# ------------------------------------------------------------------ hand-picked corpus


def _bell() -> QuantumCircuit:
    circuit = QuantumCircuit(2, 2, name="bell")
    circuit.h(0)
    circuit.cx(0, 1)
    circuit.measure([0, 1], [0, 1])
    return circuit


def _registers_and_conditions() -> QuantumCircuit:
    q, r = QuantumRegister(2, "q"), QuantumRegister(1, "r")
    c, d = ClassicalRegister(2, "c"), ClassicalRegister(1, "d")
    circuit = QuantumCircuit(q, r, c, d, name="conditions", global_phase=0.25)
    circuit.metadata = {"experiment": 7}
    circuit.h(q[0])
    circuit.barrier()
    circuit.measure(q[0], c[0])
    circuit.reset(r[0])
    circuit.x(q[1]).c_if(c, 1)
    circuit.rz(0.5, r[0]).c_if(d[0], 1)
    circuit.delay(32, q[1])
    circuit.u(0.1, 0.2, 0.3, q[1])
    circuit.measure(q[1], d[0])
    circuit.measure(r[0], c[1])
    return circuit


def _parametrized() -> QuantumCircuit:
    theta, phi = Parameter("theta"), Parameter("phi")
    circuit = QuantumCircuit(2, 1, name="angles")
    circuit.rx(theta, 0)
    circuit.rzz(phi + theta, 0, 1)
    circuit.measure(1, 0)
    return circuit


def _labelled_unitary() -> QuantumCircuit:
    circuit = QuantumCircuit(1, 1, name="labels")
    circuit.x(0, label="flip")
    circuit.unitary([[0, 1], [1, 0]], [0], label="u-x")
    circuit.measure(0, 0)
    return circuit


def _binds(circuit: QuantumCircuit, *values: tuple[float, float]) -> list[dict[Parameter, float]]:
    params = sorted(circuit.parameters, key=str)
    return [dict(zip(params, pair, strict=True)) for pair in values]


_ANGLES = _parametrized()

CORPUS: list[tuple[str, Callable[[], list[QuantumCircuit]], dict[str, Any]]] = [
    ("bell, defaults", lambda: [_bell()], {}),
    ("bell, run options", lambda: [_bell()], {"shots": 123, "seed_simulator": 42, "memory": True}),
    ("header and extra options", lambda: [_bell()], {"header": {"note": "x"}, "foo": [1, 2]}),
    ("registers, conditions, barriers", lambda: [_registers_and_conditions()], {"shots": 10}),
    ("several circuits", lambda: [_bell(), _registers_and_conditions()], {"memory": True}),
    (
        "parameter binds",
        lambda: [_ANGLES],
        {"parameter_binds": _binds(_ANGLES, (0.1, 0.2), (1.5, -2.0))},
    ),
    ("labels and unitary", lambda: [_labelled_unitary()], {"init_qubits": False}),
    ("kerneled", lambda: [_bell()], {"meas_level": 1, "meas_return": "single"}),
    ("qobj id", lambda: [_bell()], {"qobj_id": "mine"}),
]


@legacy_only
@pytest.mark.parametrize(
    ("circuits", "given"), [(c, g) for _, c, g in CORPUS], ids=[n for n, _, _ in CORPUS]
)
def test_the_encoder_writes_what_assemble_wrote_for_the_simulator(
    circuits: Callable[[], list[QuantumCircuit]], given: dict[str, Any]
) -> None:
    ours, theirs = _both(circuits(), _backend(SIMULATOR_CONFIGURATION), given)
    assert ours == theirs


@legacy_only
@pytest.mark.parametrize(
    "given",
    [{}, {"shots": 1000, "rep_delay": 0.0002}, {"memory": True}, {"meas_level": 1}],
    ids=["defaults", "rep delay", "memory", "kerneled"],
)
def test_the_encoder_writes_what_assemble_wrote_for_a_device(given: dict[str, Any]) -> None:
    circuit = QuantumCircuit(5, 5, name="device")
    circuit.sx(0)
    circuit.rz(0.3, 1)
    circuit.cx(0, 1)
    circuit.measure(range(5), range(5))
    ours, theirs = _both([circuit], _backend(_device_configuration()), given)
    assert ours == theirs
    assert ours["config"]["rep_delay"] == pytest.approx(given.get("rep_delay", 0.00025) * 1e6)


@legacy_only
@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"shots": 10**6}, "exceeds max_shots"),
        ({"shots": 2.5}, "shots needs to be a positive integer"),
        ({"rep_delay": 5.0}, "not in the supported backend range"),
    ],
)
def test_the_encoder_refuses_what_assemble_refused(given: dict[str, Any], message: str) -> None:
    from qiskit.exceptions import QiskitError

    backend = _backend(_device_configuration())
    with pytest.raises(IBMQBackendValueError, match=message):
        _both([_bell()], backend, given)
    config = run_options(backend.configuration(), dict(backend.options.items()), given)
    with pytest.raises(QiskitError):
        from qiskit.compiler import assemble

        assemble([_bell()], backend, **config)


# ------------------------------------------------------------------ random circuits

_ONE_QUBIT = ["h", "x", "sx", "s", "t", "id"]
_ONE_QUBIT_ANGLE = ["rx", "ry", "rz", "p"]
_TWO_QUBIT = ["cx", "cz", "swap"]


@st.composite
def circuits(draw: st.DrawFn) -> QuantumCircuit:
    """A random circuit: registers, gates with parameters, barriers, resets, measures,
    delays and conditions."""
    qregs = [
        QuantumRegister(draw(st.integers(1, 3)), f"q{i}") for i in range(draw(st.integers(1, 2)))
    ]
    cregs = [
        ClassicalRegister(draw(st.integers(1, 3)), f"c{i}") for i in range(draw(st.integers(0, 2)))
    ]
    circuit = QuantumCircuit(*qregs, *cregs, name=draw(st.sampled_from(["a", "exp", "circuit"])))
    angles = st.floats(-6.3, 6.3, allow_nan=False)
    n, m = circuit.num_qubits, circuit.num_clbits
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(
            st.sampled_from(["1q", "angle", "2q", "u", "barrier", "reset", "measure", "delay"])
        )
        qubit = draw(st.integers(0, n - 1))
        if kind == "barrier":
            circuit.barrier(*sorted(draw(st.sets(st.integers(0, n - 1), min_size=1))))
        elif kind == "reset":
            circuit.reset(qubit)
        elif kind == "measure" and m:
            circuit.measure(qubit, draw(st.integers(0, m - 1)))
        elif kind == "delay":
            circuit.delay(draw(st.integers(0, 100)), qubit)
        elif kind in ("1q", "angle", "u") or (kind == "2q" and n > 1):
            _conditioned(
                circuit, _gate(draw, kind, qubit, n, angles), _draw_condition(draw, circuit)
            )
    return circuit


def _gate(
    draw: st.DrawFn, kind: str, qubit: int, n: int, angles: st.SearchStrategy[float]
) -> Callable[[QuantumCircuit], Any]:
    if kind == "1q":
        name = draw(st.sampled_from(_ONE_QUBIT))
        return lambda c: getattr(c, name)(qubit)
    if kind == "angle":
        name, angle = draw(st.sampled_from(_ONE_QUBIT_ANGLE)), draw(angles)
        return lambda c: getattr(c, name)(angle, qubit)
    if kind == "u":
        theta, phi, lam = draw(angles), draw(angles), draw(angles)
        return lambda c: c.u(theta, phi, lam, qubit)
    other = draw(st.integers(0, n - 1).filter(lambda q: q != qubit))
    name = draw(st.sampled_from(_TWO_QUBIT))
    return lambda c: getattr(c, name)(qubit, other)


def _draw_condition(draw: st.DrawFn, circuit: QuantumCircuit) -> tuple[Any, int] | None:
    if not circuit.num_clbits or not draw(st.booleans()):
        return None
    if draw(st.booleans()):
        creg = draw(st.sampled_from(circuit.cregs))
        return creg, draw(st.integers(0, 2**creg.size - 1))
    return circuit.clbits[draw(st.integers(0, circuit.num_clbits - 1))], draw(st.integers(0, 1))


def _conditioned(
    circuit: QuantumCircuit,
    gate: Callable[[QuantumCircuit], Any],
    condition: tuple[Any, int] | None,
) -> None:
    """Add a gate, under a classical condition if one is given: ``c_if`` where qiskit has it
    (0.46), an ``if_test`` block otherwise."""
    if condition is None:
        gate(circuit)
    elif _qiskit.LEGACY:
        gate(circuit).c_if(*condition)
    else:
        with circuit.if_test(condition):
            gate(circuit)


run_option_sets = st.fixed_dictionaries(
    {},
    optional={
        "shots": st.integers(1, 100000),
        "seed_simulator": st.integers(0, 2**31),
        "memory": st.booleans(),
        "init_qubits": st.booleans(),
        "header": st.dictionaries(st.sampled_from(["a", "b"]), st.integers(), max_size=2),
        "meas_level": st.sampled_from([1, 2]),
        "meas_return": st.sampled_from(["avg", "single"]),
        "qobj_id": st.text("abc123-", min_size=1, max_size=8),
        "noise_model": st.none(),
        "method": st.sampled_from(["statevector", "matrix_product_state"]),
    },
)


@legacy_only
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(circuits(), min_size=1, max_size=3), run_option_sets)
def test_random_circuits_encode_as_assemble_did(
    made: list[QuantumCircuit], given: dict[str, Any]
) -> None:
    ours, theirs = _both(made, _backend(SIMULATOR_CONFIGURATION), given)
    assert ours == theirs


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(circuits(), min_size=1, max_size=2), run_option_sets)
def test_encoded_circuits_follow_the_spec_and_decode_to_the_same_qobj(
    made: list[QuantumCircuit], given: dict[str, Any]
) -> None:
    backend = _backend(SIMULATOR_CONFIGURATION)
    config = run_options(backend.configuration(), dict(backend.options.items()), given)

    first = encode_circuits(made, backend.configuration(), dict(config))

    assert schema_problems(OPENAPI, "Qobj", json.loads(encode_qobj(first))) == []
    again = encode_circuits(decode_circuits(first), backend.configuration(), dict(config))
    assert _normal(again) == _normal(first)


def test_the_raw_benchmark_client_sends_the_encoders_bell_qobj() -> None:
    from benchmarks.rawclient import bell_qobj

    written = json.loads(bell_qobj(100))
    assert _normal(written) == _normal(encode_circuits([_bell()], object(), {"shots": 100}))


device_option_sets = st.fixed_dictionaries(
    {},
    optional={
        "shots": st.integers(1, 8192),  # ibmq_manila's max_shots
        "memory": st.booleans(),
        "rep_delay": st.floats(0.0, 0.0005),
        "meas_level": st.sampled_from([1, 2]),
        "meas_return": st.sampled_from(["avg", "single"]),
        "init_qubits": st.booleans(),
    },
)


@legacy_only
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(circuits(), min_size=1, max_size=2), device_option_sets)
def test_random_circuits_encode_as_assemble_did_for_a_device(
    made: list[QuantumCircuit], given: dict[str, Any]
) -> None:
    ours, theirs = _both(made, _backend(_device_configuration()), given)
    assert ours == theirs


class _DefaultsApi:
    """Answers the backend's question for its pulse defaults (ibmq_manila's)."""

    def backend_defaults(self, name: str) -> dict[str, Any]:
        from qiskit.providers.fake_provider import FakeManila

        defaults: dict[str, Any] = FakeManila().defaults().to_dict()
        return defaults


@legacy_only
def test_lo_frequencies_default_to_the_pulse_defaults_as_assemble_did() -> None:
    configuration = _qiskit.configuration_from_dict(_device_configuration())
    backend = IBMQBackend(configuration, None, _DefaultsApi())  # type: ignore[arg-type]
    given = {"qubit_lo_freq": [4.96e9, 5.17e9, 5.03e9, 5.1e9, 5.0e9]}

    ours, theirs = _both([_bell()], backend, given)

    assert ours == theirs
    assert ours["config"]["qubit_lo_freq"][1] == pytest.approx(5.17)
    assert len(ours["config"]["meas_lo_freq"]) == 5
