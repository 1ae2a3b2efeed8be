"""The protocols of the wire layer: the adapter and the fakes implement them."""

from __future__ import annotations

import inspect

from ibmqjob._api import JobApi, ProjectApi
from ibmqjob._api.operations import ProjectOperations


def test_fake_api_implements_the_protocol() -> None:
    from tests.unit.fake_job_api import FakeJobApi

    assert isinstance(FakeJobApi(), JobApi)


def test_the_api_adapter_implements_the_protocols() -> None:
    members = {name for name in vars(JobApi) if not name.startswith("_")}
    assert {"time", "job_get", "job_websocket"} <= members
    members |= {name for name in vars(ProjectApi) if not name.startswith("_")}
    assert {"ref", "job_submit", "jobs_page", "backend_job_limit"} <= members
    for name in sorted(members):
        assert hasattr(ProjectOperations, name) or name == "ref", name
        protocol = getattr(ProjectApi, name)
        if callable(protocol):
            ours = inspect.signature(protocol)
            theirs = inspect.signature(getattr(ProjectOperations, name))
            assert list(theirs.parameters) == list(ours.parameters), name
