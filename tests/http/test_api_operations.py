"""How the adapter turns HTTP answers into records and errors, and keeps secrets out."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from ibmqjob._api.operations import login
from ibmqjob._api.records import JOB_LIST_FIELDS
from ibmqjob.exceptions import (
    ApiError,
    ApiIBMQProtocolError,
    AuthenticationLicenseError,
    IBMQAccountCredentialsInvalidUrl,
    RequestsApiError,
)
from ibmqjob.settings import HttpSettings, RetryPolicy, TimeSource
from tests.http.fake_api import (
    ACCESS_TOKEN,
    API_TOKEN,
    AUTH_URL,
    HGP,
    JOB_ID,
    SIGNATURE,
    FakeApi,
    VirtualClock,
    connect,
    envelope,
    job_document,
)

JOB = f"{HGP}/Jobs/{JOB_ID}"


@pytest.mark.parametrize("code", [3250, "JOB_NOT_FOUND"])
def test_error_envelope_with_integer_or_string_code(code: int | str) -> None:
    h = connect()
    h.fake.queue("GET", f"{JOB}/v/1", envelope(404, "Job not found", code))

    with pytest.raises(RequestsApiError) as info:
        h.project.job_get(JOB_ID)

    err = info.value
    assert (err.status_code, err.code, err.server_message) == (404, code, "Job not found")
    assert err.message == (
        f"404 Client Error: Not Found for url: http://api.test{JOB}/v/1. "
        f"Job not found, Error code: {code}."
    )


def test_error_without_envelope_keeps_the_body_text() -> None:
    h = connect()
    h.fake.queue("GET", f"{JOB}/v/1", httpx.Response(418, text="<html>teapot</html>"))

    with pytest.raises(RequestsApiError) as info:
        h.project.job_get(JOB_ID)

    assert info.value.code is None
    assert info.value.message.endswith(". <html>teapot</html>")


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, text="Too many requests, try later"),
        httpx.Response(200, json={"status": "RUNNING"}),
        httpx.Response(200, json=["not", "a", "job"]),
        httpx.Response(200, json={**job_document(), "creationDate": "yesterday"}),
    ],
    ids=["not-json", "no-id", "array", "bad-date"],
)
def test_malformed_job_documents_are_protocol_errors(answer: httpx.Response) -> None:
    h = connect()
    h.fake.queue("GET", f"{JOB}/v/1", answer)

    with pytest.raises(ApiIBMQProtocolError, match=r"GET /Jobs/[0-9a-f]+/v/1|creationDate"):
        h.project.job_get(JOB_ID)


def test_malformed_status_document_is_a_protocol_error() -> None:
    h = connect()
    h.fake.queue("GET", f"{JOB}/status/v/1", httpx.Response(200, json={"infoQueue": {}}))

    with pytest.raises(ApiIBMQProtocolError):
        h.project.job_status(JOB_ID)


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]"], ids=["not-json", "array"])
def test_malformed_result_download_is_a_protocol_error(body: bytes) -> None:
    h = connect(FakeApi(result=body))

    with pytest.raises(ApiIBMQProtocolError, match="result downloaded"):
        h.project.job_result(JOB_ID)


def test_a_bad_item_of_a_listing_is_skipped_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    h = connect()
    bad = {**job_document(), "id": "bad0", "timePerStep": {"QUEUED": "never"}}
    good = {**job_document("QUEUED"), "id": "good"}
    h.fake.queue("GET", f"{HGP}/Jobs/status/v/1", httpx.Response(200, json=[bad, good]))

    with caplog.at_level(logging.WARNING):
        records = h.project.jobs_page({"limit": 10})

    assert [record.job_id for record in records] == ["good"]
    assert "Skipping a job" in caplog.text


def test_job_listing_asks_for_the_listed_fields_and_marks_records_partial() -> None:
    h = connect()
    listed = {key: value for key, value in job_document("QUEUED").items() if key in JOB_LIST_FIELDS}
    h.fake.queue("GET", f"{HGP}/Jobs/status/v/1", httpx.Response(200, json=[listed]))

    records = h.project.jobs_page({"limit": 10, "order": "creationDate DESC"})

    [request] = h.fake.calls("GET", f"{HGP}/Jobs/status/v/1")
    sent = json.loads(request.url.params["filter"])
    assert sent == {"limit": 10, "order": "creationDate DESC", "fields": JOB_LIST_FIELDS}
    assert [(record.job_id, record.partial) for record in records] == [(JOB_ID, True)]


def test_a_server_ignoring_the_projection_gives_whole_records() -> None:
    h = connect()
    whole = job_document("COMPLETED", summaryData={"success": True}, userId="u1")
    h.fake.queue("GET", f"{HGP}/Jobs/status/v/1", httpx.Response(200, json=[whole]))

    [record] = h.project.jobs_page({"limit": 1})

    assert not record.partial
    assert record.extra == {"summaryData": {"success": True}, "userId": "u1"}


def test_a_job_document_is_never_partial() -> None:
    h = connect()
    h.fake.queue("GET", f"{JOB}/v/1", httpx.Response(200, json=job_document("COMPLETED")))

    assert not h.project.job_get(JOB_ID).partial


def test_upload_failure_cancels_the_job_and_raises() -> None:
    h = connect()
    h.fake.queue("PUT", "/put/", envelope(403, "Signature expired", "SIGNATURE"))

    with pytest.raises(RequestsApiError) as info:
        h.project.job_submit("sim", {"qobj_id": "q"})

    assert info.value.status_code == 403
    assert len(h.fake.calls("POST", f"{JOB}/cancel")) == 1
    assert h.fake.calls("POST", "jobDataUploaded") == []


@pytest.mark.parametrize(
    "answer",
    [envelope(409, "Not in CREATING", 3209), httpx.Response(200, json={"nojob": {}})],
    ids=["conflict", "no-job-key"],
)
def test_callback_refused_while_the_job_is_still_creating_cancels_it_and_raises(
    answer: httpx.Response, caplog: pytest.LogCaptureFixture
) -> None:
    h = connect()
    h.fake.queue("POST", "jobDataUploaded", answer)
    h.fake.queue("GET", f"{JOB}/status/v/1", httpx.Response(200, json={"status": "CREATING"}))
    h.fake.queue("POST", f"{JOB}/cancel", envelope(409, "cannot cancel", 3208))

    with pytest.raises((RequestsApiError, ApiIBMQProtocolError)) as info:
        with caplog.at_level(logging.WARNING):
            h.project.job_submit("sim", {"qobj_id": "q"})

    assert len(h.fake.calls("POST", f"{JOB}/cancel")) == 1
    assert f"Could not cancel job {JOB_ID}" in caplog.text
    assert f"Job {JOB_ID} was not accepted" in info.value.message
    assert f"POST /Jobs/{JOB_ID}/jobDataUploaded" in info.value.message or answer.status_code == 409


@pytest.mark.parametrize(
    "answer",
    [
        envelope(409, "Not in CREATING", 3209),
        httpx.Response(502, text="bad gateway"),
        httpx.RemoteProtocolError("peer closed connection without sending complete message body"),
    ],
    ids=["conflict-after-a-lost-answer", "bad-gateway", "cut"],
)
def test_a_job_the_server_accepted_is_returned_whatever_the_callback_answered(
    answer: httpx.Response | Exception,
) -> None:
    h = connect(policy=RetryPolicy(total=0))
    h.fake.queue("POST", "jobDataUploaded", answer)
    h.fake.queue("GET", f"{JOB}/status/v/1", httpx.Response(200, json={"status": "QUEUED"}))

    record = h.project.job_submit("sim", {"qobj_id": "q"})

    assert record.job_id == JOB_ID
    assert h.fake.calls("POST", f"{JOB}/cancel") == []


def test_a_callback_whose_outcome_stays_unknown_leaves_the_job_and_names_it() -> None:
    clock = VirtualClock()
    h = connect(clock=clock)
    # Within the submission's deadline the callback is retried, then the status asked,
    # until the deadlines: the server never answers either.
    h.fake.queue("POST", "jobDataUploaded", *[httpx.ReadError("connection reset")] * 200)
    h.fake.queue("GET", f"{JOB}/status/v/1", *[httpx.ConnectError("refused")] * 200)

    with pytest.raises(ApiError) as info:
        h.project.job_submit("sim", {"qobj_id": "q"})

    message = info.value.message
    assert f"POST /Jobs/{JOB_ID}/jobDataUploaded" in message and "{id}" not in message
    assert f"Job {JOB_ID} exists on the server" in message and "not cancelled" in message
    assert h.fake.calls("POST", f"{JOB}/cancel") == []
    # 300 s of submission, then 30 s to ask: retries span the deadlines, not a budget.
    assert 300 <= clock.now <= 300 + 30 + 1
    assert len(h.fake.calls("POST", "jobDataUploaded")) > 6


def test_a_creation_whose_answer_was_lost_says_a_job_may_exist() -> None:
    h = connect()
    h.fake.queue("POST", f"{HGP}/Jobs$", httpx.ReadError("connection reset by peer"))

    with pytest.raises(RequestsApiError) as info:
        h.project.job_submit("sim", {"qobj_id": "q"})

    assert "may have created a job" in info.value.message
    assert len(h.fake.calls("POST", f"{HGP}/Jobs$")) == 1


def test_a_refused_creation_says_no_job_was_created() -> None:
    h = connect()
    h.fake.queue("POST", f"{HGP}/Jobs$", envelope(400, "limit", 3458))

    with pytest.raises(RequestsApiError) as info:
        h.project.job_submit("sim", {"qobj_id": "q"})

    assert info.value.code == 3458 and "No job was created." in info.value.message


def test_submission_sends_the_legacy_creation_body_and_the_encoded_qobj() -> None:
    h = connect()
    record = h.project.job_submit(
        "sim", {"qobj_id": "q", "config": {"shots": 3}}, name="n", tags=["a"], experiment_id="e"
    )

    create = h.fake.calls("POST", f"{HGP}/Jobs$")[0]
    assert httpx.Response(200, content=create.content).json() == {
        "backend": {"name": "sim"},
        "allowObjectStorage": True,
        "liveDataEnabled": None,
        "name": "n",
        "tags": ["a"],
        "experimentTag": "e",
    }
    assert h.fake.uploads == [b'{"qobj_id":"q","config":{"shots":3}}']
    assert (record.job_id, record.status, record.backend_name) == (JOB_ID, "VALIDATING", "sim")


def test_an_unencodable_qobj_sends_nothing() -> None:
    h = connect()
    before = len(h.fake.requests)

    with pytest.raises(ValueError, match="cannot be encoded"):
        h.project.job_submit("sim", {"qobj_id": object()})

    assert len(h.fake.requests) == before


def test_tokens_never_appear_in_messages(caplog: pytest.LogCaptureFixture) -> None:
    h = connect()
    echo = f"token {ACCESS_TOKEN} or {API_TOKEN} is not allowed"
    h.fake.queue(
        "GET", f"{JOB}/v/1", envelope(400, echo, 1234), *[httpx.Response(502, text=echo)] * 6
    )

    with caplog.at_level(logging.DEBUG):
        with pytest.raises(RequestsApiError) as first:
            h.project.job_get(JOB_ID)
        with pytest.raises(RequestsApiError) as second:
            h.project.job_get(JOB_ID)

    for err in (first.value, second.value):
        for text in (err.message, str(err), err.server_message or ""):
            assert ACCESS_TOKEN not in text and API_TOKEN not in text
    assert "token ... or ... is not allowed" in first.value.message
    for secret in (ACCESS_TOKEN, API_TOKEN, SIGNATURE):
        assert secret not in caplog.text


def test_signatures_are_hidden_in_error_messages() -> None:
    h = connect()
    h.fake.queue("GET", "/get/", envelope(403, "expired", "SIGNATURE_EXPIRED"))

    with pytest.raises(RequestsApiError) as info:
        h.project.job_result(JOB_ID)

    assert SIGNATURE not in info.value.message
    assert "signature=..." in info.value.message


def test_a_rejected_api_token_is_a_401_without_the_token() -> None:
    fake = FakeApi()
    settings = HttpSettings(
        time=TimeSource(sleep=lambda s: None), transport=httpx.MockTransport(fake)
    )

    with pytest.raises(RequestsApiError) as info:
        login(AUTH_URL, "wrong-token-SECRET", settings)

    assert info.value.status_code == 401
    assert "wrong-token-SECRET" not in info.value.message


def test_a_license_to_accept_is_its_own_error() -> None:
    fake = FakeApi()
    license_error = {"error": {"name": "ACCEPT_LICENSE_REQUIRED", "message": "Accept it"}}
    fake.queue("POST", "loginWithToken", httpx.Response(401, json=license_error))
    settings = HttpSettings(
        time=TimeSource(sleep=lambda s: None), transport=httpx.MockTransport(fake)
    )

    with pytest.raises(AuthenticationLicenseError, match="Accept it"):
        login(AUTH_URL, API_TOKEN, settings)


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(404, text="Not Found"),
        httpx.Response(200, text="<html>legacy</html>"),
        httpx.Response(200, json={"version": "1"}),
    ],
    ids=["404", "html", "no-api-auth"],
)
def test_a_url_that_is_not_an_auth_service_is_rejected(answer: httpx.Response) -> None:
    fake = FakeApi()
    fake.queue("GET", "/api/version", answer)
    settings = HttpSettings(
        time=TimeSource(sleep=lambda s: None), transport=httpx.MockTransport(fake)
    )

    with pytest.raises(IBMQAccountCredentialsInvalidUrl, match="api-auth"):
        login(AUTH_URL, API_TOKEN, settings)
    assert fake.calls("POST", "loginWithToken") == []


def test_login_discovers_urls_and_projects() -> None:
    h = connect()

    assert h.session.urls.http == "http://api.test/api"
    assert [str(ref) for ref in h.session.network()] == ["h/g/p", "h/g/q"]
    target = h.project.job_websocket(JOB_ID)
    assert target is not None
    assert target.url == f"ws://api.test/ws/jobs/{JOB_ID}/status/v/1"
    assert ACCESS_TOKEN not in repr(target)


def test_the_project_api_is_the_protocol_that_backends_use() -> None:
    from ibmqjob._api import ProjectApi

    assert isinstance(connect().project, ProjectApi)


def test_every_request_is_sent_once_and_its_body_parsed_into_a_record() -> None:
    h = connect()
    before = len(h.fake.requests)

    record = h.project.job_get(JOB_ID)

    assert len(h.fake.requests) == before + 1
    assert (record.job_id, record.status, record.backend_name) == (JOB_ID, "COMPLETED", "sim")
    assert record.extra == {}


@pytest.mark.parametrize("status", [201, 204])
def test_an_undocumented_success_status_is_a_protocol_error(status: int) -> None:
    h = connect()
    h.fake.queue("GET", f"{JOB}/v/1", httpx.Response(status, json=job_document()))

    with pytest.raises(ApiIBMQProtocolError, match=f"undocumented status {status}"):
        h.project.job_get(JOB_ID)


@pytest.mark.parametrize(
    ("answer", "echoed"),
    [
        (job_document(tags=["a", "b"]), ["a", "b"]),
        (job_document(), None),
        (job_document(tags=None), None),
    ],
    ids=["echoed", "absent", "null"],
)
def test_the_tag_echo(answer: dict[str, object], echoed: list[str] | None) -> None:
    h = connect()
    h.fake.queue("PUT", JOB, httpx.Response(200, json=answer))

    assert h.project.job_update_tags(JOB_ID, ["a", "b"]) == echoed
    assert json.loads(h.fake.calls("PUT", JOB)[-1].content) == {"tags": ["a", "b"]}


def test_a_created_job_without_an_upload_url_is_cancelled() -> None:
    h = connect()
    h.fake.queue("POST", f"{HGP}/Jobs$", httpx.Response(200, json=job_document("CREATING")))

    with pytest.raises(ApiIBMQProtocolError, match=r"no objectStorageInfo\.uploadUrl"):
        h.project.job_submit("sim", {"qobj_id": "q"})

    assert len(h.fake.calls("POST", f"{JOB}/cancel")) == 1


def test_a_login_answer_without_a_token_is_a_protocol_error() -> None:
    fake = FakeApi()
    fake.queue("POST", "loginWithToken", httpx.Response(200, json={"ttl": 5}))

    with pytest.raises(ApiIBMQProtocolError, match="loginWithToken: The login answer has no"):
        connect(fake)
