"""Retries of the HTTP transport: bounded, backed off, ``Retry-After``, no duplicate jobs."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import httpx
import pytest

from ibmqjob._api.http import CLIENT_APPLICATION, RetryTransport, build_client, close_response
from ibmqjob.exceptions import RequestsApiError
from ibmqjob.settings import HttpSettings, RetryPolicy
from tests.http.fake_api import ACCESS_TOKEN, HGP, JOB_ID, SIGNATURE, FakeApi, connect, envelope

JOB = f"{HGP}/Jobs/{JOB_ID}"


def test_transient_server_errors_are_retried_with_doubling_backoff() -> None:
    h = connect()
    h.fake.queue("GET", f"{JOB}/status/v/1", httpx.Response(502), httpx.Response(524))
    h.fake.queue("GET", f"{JOB}/status/v/1", httpx.Response(520))

    assert h.project.job_status(JOB_ID).status == "RUNNING"

    assert len(h.fake.calls("GET", f"{JOB}/status/v/1")) == 4
    assert h.sleeps == [0.5, 1.0, 2.0]


def test_connection_failures_are_retried_within_the_connect_budget() -> None:
    h = connect()
    refused = httpx.ConnectError("Connection refused")
    h.fake.queue("GET", f"{JOB}/v/1", refused, refused)

    assert h.project.job_get(JOB_ID).status == "COMPLETED"
    assert h.sleeps == [0.5, 1.0]


def test_retry_after_is_honoured_and_capped() -> None:
    h = connect(policy=RetryPolicy(retry_after_max=30.0))
    h.fake.queue(
        "GET",
        f"{JOB}/status/v/1",
        httpx.Response(429, headers={"Retry-After": "3"}),
        httpx.Response(503, headers={"Retry-After": "3600"}),
    )

    h.project.job_status(JOB_ID)

    assert h.sleeps == [3.0, 30.0]


def test_exhausted_retries_give_a_clear_error_with_the_status() -> None:
    h = connect(policy=RetryPolicy(total=3))
    h.fake.queue("GET", f"{JOB}/v/1", *[envelope(500, "database down", 5000)] * 4)

    with pytest.raises(RequestsApiError) as info:
        h.project.job_get(JOB_ID)

    err = info.value
    assert err.status_code == 500
    assert err.code == 5000
    assert "500 Server Error" in err.message
    assert "database down, Error code: 5000." in err.message
    assert "gave up after 4 attempts" in err.message
    assert h.sleeps == [0.5, 1.0, 2.0]


def test_exhausted_connection_retries_give_status_minus_one() -> None:
    h = connect(policy=RetryPolicy(connect=2))
    h.fake.queue("GET", f"{JOB}/v/1", *[httpx.ConnectTimeout("timed out")] * 3)

    with pytest.raises(RequestsApiError) as info:
        h.project.job_get(JOB_ID)

    assert info.value.status_code == -1
    assert "no response from the server (ConnectTimeout: timed out)" in info.value.message
    assert "gave up after 3 attempts" in info.value.message


def test_client_errors_are_not_retried() -> None:
    h = connect()
    h.fake.queue("GET", f"{JOB}/v/1", envelope(404, "Job not found", 3250))

    with pytest.raises(RequestsApiError) as info:
        h.project.job_get(JOB_ID)

    assert info.value.status_code == 404
    assert info.value.code == 3250
    assert len(h.fake.calls("GET", f"{JOB}/v/1")) == 1
    assert h.sleeps == []


@pytest.mark.parametrize("status", [500, 502, 503, 504, 520, 522, 524])
def test_job_creation_is_never_repeated_after_the_server_may_have_seen_it(status: int) -> None:
    h = connect()
    h.fake.queue("POST", f"{HGP}/Jobs$", httpx.Response(status))

    with pytest.raises(RequestsApiError) as info:
        h.project.job_submit("sim", {"qobj_id": "q"})

    assert info.value.status_code == status
    assert len(h.fake.calls("POST", f"{HGP}/Jobs$")) == 1
    assert h.fake.uploads == []


def test_job_creation_is_not_repeated_after_a_dropped_response() -> None:
    h = connect()
    h.fake.queue("POST", f"{HGP}/Jobs$", httpx.ReadTimeout("no answer"))

    with pytest.raises(RequestsApiError) as info:
        h.project.job_submit("sim", {"qobj_id": "q"})

    assert info.value.status_code == -1
    assert len(h.fake.calls("POST", f"{HGP}/Jobs$")) == 1


def test_job_creation_is_repeated_when_it_surely_did_not_reach_the_server() -> None:
    h = connect()
    h.fake.queue(
        "POST",
        f"{HGP}/Jobs$",
        httpx.ConnectError("Connection refused"),
        httpx.Response(429, headers={"Retry-After": "2"}),
    )

    record = h.project.job_submit("sim", {"qobj_id": "q"})

    assert record.job_id == JOB_ID
    assert len(h.fake.calls("POST", f"{HGP}/Jobs$")) == 3
    assert h.sleeps == [0.5, 2.0]


def test_other_posts_are_retried_on_server_errors() -> None:
    h = connect()
    h.fake.queue("POST", f"{JOB}/cancel", httpx.Response(504))

    assert h.project.job_cancel(JOB_ID) is True
    assert len(h.fake.calls("POST", f"{JOB}/cancel")) == 2


def test_every_call_carries_the_static_headers() -> None:
    h = connect()
    h.project.job_status(JOB_ID)

    login, *rest = h.fake.requests[1:]
    assert "X-Access-Token" not in login.headers
    assert rest and all(r.headers["X-Access-Token"] == ACCESS_TOKEN for r in rest)
    assert all(r.headers["X-Qx-Client-Application"] == CLIENT_APPLICATION for r in rest)
    assert CLIENT_APPLICATION.startswith("ibmqjob/")


def test_signed_storage_urls_are_used_as_given_and_without_the_token() -> None:
    h = connect()
    h.project.job_submit("sim", {"qobj_id": "q"})
    h.project.job_result(JOB_ID)

    put, get = h.fake.calls("PUT", "/put/"), h.fake.calls("GET", "/get/")
    for request in put + get:
        assert request.url.host == "storage.test"
        assert request.url.params["signature"] == SIGNATURE
        assert "X-Access-Token" not in request.headers
    assert put[0].headers["Content-Type"] == "application/json"


def test_storage_downloads_are_retried() -> None:
    fake = FakeApi(result=b'{"success": true, "results": [], "job_id": "x"}')
    h = connect(fake)
    h.fake.queue("GET", "/get/", httpx.Response(503), httpx.ReadError("reset"))

    assert h.project.job_result(JOB_ID)["job_id"] == "x"
    assert len(h.fake.calls("GET", "/get/")) == 3


class _OneShot(httpx.SyncByteStream):
    """A body that can be iterated once, as a network stream."""

    def __init__(self, body: bytes) -> None:
        self.body: bytes | None = body

    def __iter__(self) -> Iterator[bytes]:
        if self.body is None:
            raise httpx.ReadError("the stream was read already")
        body, self.body = self.body, None
        yield body


class _ReadingTransport(httpx.BaseTransport):
    """A transport that reads each response before returning it (as an auditing wrapper)."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = httpx.Response(200, stream=_OneShot(b'{"ok": true}'), request=request)
        response.read()
        return response


def test_a_body_read_by_a_wrapped_transport_is_kept_not_read_again() -> None:
    settings = HttpSettings(rand=lambda: 0.0)
    with httpx.Client(transport=RetryTransport(_ReadingTransport(), settings)) as client:
        response = client.get("http://127.0.0.1:9/api/version")
    assert response.json() == {"ok": True}


def _echo_cookies(request: httpx.Request) -> httpx.Response:
    headers = {"Set-Cookie": "affinity=node-7; Path=/"} if request.url.path.endswith("/a") else {}
    return httpx.Response(200, headers=headers, json={"cookie": request.headers.get("Cookie")})


def test_cookies_the_server_sets_are_sent_back() -> None:
    client = build_client(
        "http://api.test/api", settings=HttpSettings(transport=httpx.MockTransport(_echo_cookies))
    )
    with client:
        assert client.get("/b").json() == {"cookie": None}
        client.get("/a")
        assert client.get("/b").json() == {"cookie": "affinity=node-7"}
        assert client.cookies["affinity"] == "node-7"


@pytest.mark.parametrize(
    ("base_url", "path", "expected"),
    [
        ("http://api.test/api", "/Network/h/Jobs", "http://api.test/api/Network/h/Jobs"),
        ("http://api.test/api/", "/Jobs/a%20b?x=1", "http://api.test/api/Jobs/a%20b?x=1"),
        ("http://api.test:8443", "/version", "http://api.test:8443/version"),
        ("http://api.test/api", "http://storage.test/o?sig=1", "http://storage.test/o?sig=1"),
    ],
)
def test_paths_join_the_base_url_as_httpx_joins_them(
    base_url: str, path: str, expected: str
) -> None:
    ours = build_client(
        base_url, settings=HttpSettings(transport=httpx.MockTransport(_echo_cookies))
    )
    plain = httpx.Client(base_url=base_url)
    with ours, plain:
        built = ours.build_request(
            "GET", path, params={"filter": "{}"} if "?" not in path else None
        )
        reference = plain.build_request(
            "GET", path, params={"filter": "{}"} if "?" not in path else None
        )
        assert str(built.url) == str(reference.url)
        assert str(built.url).startswith(expected)
        ours.base_url = "http://moved.test/v2"  # a new base URL is followed
        assert str(ours.build_request("GET", "/x").url) == "http://moved.test/v2/x"


def test_a_closed_response_is_freed_without_the_cycle_collector() -> None:
    client = httpx.Client(transport=httpx.MockTransport(lambda _: httpx.Response(200, json={})))
    gc.disable()
    try:
        response = client.send(client.build_request("GET", "http://api.test/x"), stream=True)
        assert response.read() == b"{}"
        close_response(response)
        freed = weakref.ref(response)
        request = weakref.ref(response.request)
        del response
        assert freed() is None and request() is None
    finally:
        gc.enable()
        client.close()
