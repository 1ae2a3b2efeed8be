"""``provider.backend.job_ids()`` and ``provider.credentials`` over the mock transport."""

from __future__ import annotations

import json

import httpx
import pytest

from ibmqjob.account import IBMQFactory
from ibmqjob.exceptions import IBMQBackendApiError
from ibmqjob.provider import AccountProvider
from ibmqjob.settings import HttpSettings, TimeSource
from tests.http.fake_api import API_TOKEN, AUTH_URL, HGP, FakeApi, envelope

IDS_PATH = f"^{HGP}/Jobs/v/1$"


def _provider(fake: FakeApi) -> AccountProvider:
    settings = HttpSettings(
        time=TimeSource(sleep=lambda s: None), transport=httpx.MockTransport(fake)
    )
    return IBMQFactory().enable_account(API_TOKEN, AUTH_URL, http_settings=settings)


def _ids(*items: tuple[str, str]) -> httpx.Response:
    documents = [{"id": i, "creationDate": d, "liveDataEnabled": None} for i, d in items]
    return httpx.Response(200, json=documents)


def test_job_ids_pages_with_a_cursor_and_returns_the_documents() -> None:
    fake = FakeApi()
    first = [("a" * 24, "2024-05-01T12:00:03Z"), ("b" * 24, "2024-05-01T12:00:02Z")]
    fake.queue("GET", IDS_PATH, _ids(*first), _ids(("c" * 24, "2024-05-01T12:00:01Z")), _ids())

    documents = _provider(fake).backend.job_ids(limit=None, job_tags=["t"])

    assert [doc["id"] for doc in documents] == ["a" * 24, "b" * 24, "c" * 24]
    assert set(documents[0]) == {"id", "creationDate", "liveDataEnabled"}
    filters = [json.loads(r.url.params["filter"]) for r in fake.calls("GET", IDS_PATH)]
    assert len(filters) == 3
    assert filters[0]["fields"] == {"id": True, "liveDataEnabled": True, "creationDate": True}
    assert filters[0]["where"] == {"tags": {"inq": ["t"]}}
    assert filters[0]["order"] == "creationDate DESC"
    assert filters[1]["where"]["id"] == {"nin": ["b" * 24]}
    assert filters[1]["where"]["creationDate"]["lte"].startswith("2024-05-01T12:00:02")


def test_job_ids_failure_is_a_backend_api_error() -> None:
    fake = FakeApi()
    fake.queue("GET", IDS_PATH, envelope(400, "Bad filter", 1234))

    with pytest.raises(IBMQBackendApiError, match=r"Failed to get the job ids: .*Bad filter"):
        _provider(fake).backend.job_ids()


def test_credentials_name_the_providers_hub_group_and_project() -> None:
    credentials = _provider(FakeApi()).credentials
    assert (credentials.hub, credentials.group, credentials.project) == ("h", "g", "p")
    assert not hasattr(credentials, "token")
