"""Scenarios of what the circuits determine: a server runs the circuits it is given.

Counts that only add up to the shots prove nothing. These checks use circuits whose outcomes
are known: a deterministic circuit has exactly one outcome (its bit order included); a Bell
pair gives only ``00`` and ``11`` on a noiseless simulator, in about equal numbers; a uniform
superposition spreads over every outcome; two runs with the same ``seed_simulator`` agree
count for count. Frequencies are judged with a tolerance of :data:`SIGMAS` standard deviations
of the binomial law (a false alarm is then rarer than one in a million runs); on a noisy
device only a lower bound on the expected outcomes' share is asked for.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from qiskit import QuantumCircuit
from qiskit.providers import JobStatus

from .base import ScenarioContext, expect
from .sdk import bell, connect, simulator, submit, wait_final

__all__ = [
    "NOISY_MIN_SHARE",
    "SIGMAS",
    "check_frequency",
    "check_noisy_share",
    "circuit_outcomes",
    "deterministic_circuit",
    "uniform_circuit",
]

SIGMAS = 5.0
NOISY_MIN_SHARE = 0.75
SEED = 1234
DETERMINISTIC_OUTCOME = "011"


def deterministic_circuit() -> QuantumCircuit:
    """X on qubits 0 and 1 of three: always ``011`` (qubit 0 is the rightmost bit)."""
    circuit = QuantumCircuit(3, 3, name="deterministic")
    circuit.x(0)
    circuit.x(1)
    circuit.measure(range(3), range(3))
    return circuit


def uniform_circuit() -> QuantumCircuit:
    """H on three qubits: the eight outcomes equally likely."""
    circuit = QuantumCircuit(3, 3, name="uniform")
    circuit.h(range(3))
    circuit.measure(range(3), range(3))
    return circuit


def check_frequency(counts: Mapping[str, int], outcome: str, probability: float, what: str) -> None:
    """Fail unless ``outcome``'s count is within :data:`SIGMAS` deviations of its expectation."""
    shots = sum(counts.values())
    expected = shots * probability
    spread = SIGMAS * math.sqrt(shots * probability * (1 - probability))
    got = counts.get(outcome, 0)
    expect(
        abs(got - expected) <= spread,
        f"{what}: outcome {outcome} came {got} times in {shots} shots; a probability of"
        f" {probability} gives {expected:.0f} +- {spread:.0f} ({SIGMAS:.0f} sigma)",
    )


def check_noisy_share(
    counts: Mapping[str, int], expected: Sequence[str], what: str, minimum: float = NOISY_MIN_SHARE
) -> None:
    """Fail unless the ``expected`` outcomes make at least ``minimum`` of the shots (noise)."""
    shots = sum(counts.values())
    share = sum(counts.get(key, 0) for key in expected) / max(shots, 1)
    expect(
        share >= minimum,
        f"{what}: outcomes {list(expected)} make {share:.2f} of {shots} shots, below"
        f" {minimum} even for a noisy device; counts {dict(counts)}",
    )


def _check_exact(counts: Mapping[str, int], shots: int) -> None:
    expect(
        dict(counts) == {DETERMINISTIC_OUTCOME: shots},
        f"a deterministic circuit (X on qubits 0 and 1 of 3, measured) must give"
        f" {{'{DETERMINISTIC_OUTCOME}': {shots}}}; got {dict(counts)}",
    )


def _check_bell(counts: Mapping[str, int]) -> None:
    stray = {key: value for key, value in counts.items() if key not in ("00", "11")}
    expect(
        not stray,
        f"a Bell pair on a noiseless simulator gave outcomes other than 00 and 11: {stray}"
        f" (all counts {dict(counts)})",
    )
    check_frequency(counts, "00", 0.5, "a Bell pair")


def _check_uniform(counts: Mapping[str, int]) -> None:
    for value in range(8):
        check_frequency(counts, format(value, "03b"), 1 / 8, "H on three qubits")


def circuit_outcomes(ctx: ScenarioContext) -> None:
    """Deterministic, Bell and uniform circuits give what they determine; seeded runs agree."""
    backend = simulator(connect(ctx, websocket=False))
    circuits = [deterministic_circuit(), bell(), uniform_circuit()]
    jobs = [
        submit(ctx, backend, circuits, seed_simulator=SEED, job_tags=[ctx.tag("outcomes")])
        for _ in range(2)
    ]
    runs = []
    for number, job in enumerate(jobs, start=1):
        final = wait_final(ctx, job)
        expect(final is JobStatus.DONE, f"run {number} ended {final.name}, not DONE")
        result = job.result()
        runs.append([dict(result.get_counts(index)) for index in range(len(circuits))])
    first, second = runs
    for counts in first:
        expect(
            sum(counts.values()) == ctx.shots,
            f"counts {counts} add up to {sum(counts.values())}, not the {ctx.shots} shots",
        )
    _check_exact(first[0], ctx.shots)
    _check_bell(first[1])
    _check_uniform(first[2])
    expect(
        first == second,
        f"two runs with seed_simulator={SEED} disagree: {first} and then {second}",
    )
    ctx.note(f"counts with seed {SEED}: {first}")
