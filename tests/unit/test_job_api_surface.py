"""IBMQJob keeps the public API of the seed (``qiskit.providers.ibmq.job.IBMQJob`` 0.20.2).

The expected signatures are copied from the seed document (the API reference of
``qiskit.providers.ibmq.job.IBMQJob``: its constructor line and its table of 26 methods).
"""

from __future__ import annotations

import inspect

from qiskit.providers import JobV1

from ibmqjob.job import IBMQJob

E = inspect.Parameter.empty

# name -> the seed's parameters after self (name, default); "classmethod" marks from_dict.
SEED_METHODS: dict[str, list[tuple[str, object]]] = {
    "backend": [],
    "cancel": [],
    "cancelled": [],
    "creation_date": [],
    "done": [],
    "error_message": [],
    "from_dict": [("data", E)],
    "in_final_state": [],
    "job_id": [],
    "name": [],
    "properties": [],
    "qobj": [],
    "queue_info": [],
    "queue_position": [("refresh", False)],
    "refresh": [],
    "result": [("timeout", None), ("wait", 5), ("partial", False), ("refresh", False)],
    "running": [],
    "scheduling_mode": [],
    "status": [],
    "submit": [],
    "tags": [],
    "time_per_step": [],
    "to_dict": [],
    "update_name": [("name", E)],
    "update_tags": [
        ("replacement_tags", None),
        ("additional_tags", None),
        ("removal_tags", None),
    ],
    "wait_for_final_state": [("timeout", None), ("wait", None), ("callback", None)],
}

# Methods of 0.20.2 that the seed page does not list (reference section 11.12): the views of
# the job's Qobj. Scenarios written for the original client call them.
ORIGINAL_EXTRAS: dict[str, list[tuple[str, object]]] = {
    "backend_options": [],
    "circuits": [],
    "header": [],
}

SEED_CONSTRUCTOR = [
    ("backend", E),
    ("api", E),
    ("job_id", E),
    ("creation_date", E),
    ("status", E),
    ("kind", None),
    ("name", None),
    ("time_per_step", None),
    ("result", None),
    ("qobj", None),
    ("error", None),
    ("tags", None),
    ("run_mode", None),
]


def positional(signature: inspect.Signature) -> list[tuple[str, object]]:
    return [
        (p.name, p.default)
        for p in signature.parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.name not in ("self", "cls")
    ]


def test_exactly_the_26_public_methods_of_the_seed_and_the_qobj_views() -> None:
    public = {
        name
        for name, member in inspect.getmembers(IBMQJob)
        if not name.startswith("_") and callable(member)
    }
    assert len(SEED_METHODS) == 26
    assert public == set(SEED_METHODS) | set(ORIGINAL_EXTRAS)


def test_method_signatures_match_the_seed() -> None:
    for name, expected in {**SEED_METHODS, **ORIGINAL_EXTRAS}.items():
        signature = inspect.signature(getattr(IBMQJob, name))
        assert positional(signature) == expected, name
        # Anything beyond the seed must be optional and keyword-only (compatible additions).
        for param in signature.parameters.values():
            if param.kind is param.KEYWORD_ONLY:
                assert param.default is not E, (name, param.name)
            assert param.kind is not param.VAR_POSITIONAL, name


def test_from_dict_is_a_classmethod() -> None:
    assert isinstance(inspect.getattr_static(IBMQJob, "from_dict"), classmethod)


def test_constructor_matches_the_seed() -> None:
    signature = inspect.signature(IBMQJob.__init__)
    assert positional(signature) == SEED_CONSTRUCTOR
    assert list(signature.parameters.values())[-1].kind is inspect.Parameter.VAR_KEYWORD


def test_is_a_qiskit_job() -> None:
    assert issubclass(IBMQJob, JobV1)
