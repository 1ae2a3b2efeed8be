"""The wire layer under hostile answers: nesting, expired tokens, no server, secrets in logs."""

from __future__ import annotations

import logging

import httpx
import pytest

from ibmqjob._api.http import pool_limits
from ibmqjob._api.operations import login
from ibmqjob.exceptions import ApiIBMQProtocolError, RequestsApiError
from ibmqjob.settings import HttpSettings, RetryPolicy, TimeSource
from tests.http.fake_api import (
    ACCESS_TOKEN,
    API_TOKEN,
    AUTH_URL,
    HGP,
    JOB_ID,
    SIGNATURE,
    FakeApi,
    connect,
    envelope,
)

JOB = f"{HGP}/Jobs/{JOB_ID}"
DEEP = b"[" * 100_000 + b"]" * 100_000
EXPIRED = envelope(401, "Invalid or expired access token", 2408)


def test_a_body_nested_too_deeply_is_a_protocol_error() -> None:
    h = connect()
    h.fake.queue("GET", f"{JOB}/status/v/1", httpx.Response(200, content=DEEP))

    with pytest.raises(ApiIBMQProtocolError, match="nested too deeply"):
        h.project.job_status(JOB_ID)


def test_an_error_body_nested_too_deeply_keeps_its_status() -> None:
    h = connect(policy=RetryPolicy(total=0))
    h.fake.queue("GET", f"{JOB}/v/1", httpx.Response(500, content=DEEP))

    with pytest.raises(RequestsApiError) as info:
        h.project.job_get(JOB_ID)

    assert info.value.status_code == 500


def test_a_refused_access_token_logs_in_again_once() -> None:
    h = connect()
    h.fake.queue("GET", f"{JOB}/status/v/1", EXPIRED)

    assert h.project.job_status(JOB_ID).status == "RUNNING"

    assert len(h.fake.calls("POST", "/users/loginWithToken")) == 2
    assert len(h.fake.calls("GET", f"{JOB}/status/v/1")) == 2


def test_a_token_refused_again_after_a_new_login_is_an_error() -> None:
    h = connect()
    h.fake.queue("GET", f"{JOB}/status/v/1", EXPIRED, EXPIRED)

    with pytest.raises(RequestsApiError) as info:
        h.project.job_status(JOB_ID)

    assert info.value.status_code == 401
    assert len(h.fake.calls("POST", "/users/loginWithToken")) == 2  # once, not in a loop


def test_a_revoked_api_token_says_so() -> None:
    h = connect()
    h.fake.queue("GET", f"{JOB}/status/v/1", EXPIRED)
    h.fake.queue("POST", "/users/loginWithToken", envelope(401, "Invalid token", 2407))

    with pytest.raises(RequestsApiError) as info:
        h.project.job_status(JOB_ID)

    assert info.value.status_code == 401
    assert "the server rejected the API token" in info.value.message
    assert API_TOKEN not in info.value.message and ACCESS_TOKEN not in info.value.message


def test_a_server_that_does_not_answer_cannot_be_reached() -> None:
    fake = FakeApi()
    fake.queue("GET", "/api/version", *[httpx.ConnectError("Connection refused")] * 3)
    settings = HttpSettings(
        policy=RetryPolicy(total=2, connect=2),
        time=TimeSource(sleep=lambda seconds: None),
        transport=httpx.MockTransport(fake),
    )

    with pytest.raises(RequestsApiError) as info:
        login(AUTH_URL, API_TOKEN, settings)

    assert info.value.status_code == -1
    assert info.value.message.startswith(f"cannot reach {AUTH_URL}: ConnectError: Connection")
    assert "(after 3 attempts)" in info.value.message


def test_log_records_of_the_sdk_loggers_hold_no_secret(caplog: pytest.LogCaptureFixture) -> None:
    connect()  # installs the filter and registers the tokens
    url = f"http://storage.test/get/{JOB_ID}?expires=99&signature={SIGNATURE}&X-Amz-Credential=k"
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("httpx").info("HTTP Request: %s %s", "GET", httpx.URL(url))
        logging.getLogger("httpcore.http11").debug("token %s", ACCESS_TOKEN)
        logging.getLogger("ibmqjob._api.http").warning(f"login with {API_TOKEN}")
        try:
            raise ValueError(f"bad {url}")
        except ValueError:
            logging.getLogger("websockets.client").exception("failed")

    text = caplog.text + "".join(r.getMessage() for r in caplog.records)
    assert len(caplog.records) == 4
    for secret in (SIGNATURE, ACCESS_TOKEN, API_TOKEN, "X-Amz-Credential=k"):
        assert secret not in text
    assert "signature=..." in text and "X-Amz-Credential=..." in text


def test_the_pool_keeps_alive_every_connection_it_opens() -> None:
    # httpcore closes "surplus" idle connections, including one just handed to a waiting
    # thread (Bad file descriptor under many threads); none is surplus with these limits.
    for connections in (1, 20, 256):
        limits = pool_limits(connections)
        assert limits.max_keepalive_connections == limits.max_connections == connections
        assert limits.keepalive_expiry is not None and limits.keepalive_expiry < 5.0
