"""Deferred work of an account (the ``resultDownloaded`` acknowledgement leaves the result
download's critical path and goes with the account's next request, or its close), and the
result URL a final websocket frame may carry."""

from __future__ import annotations

import pytest

from tests.http.fake_api import HGP, JOB_ID, FakeApi, connect, envelope

ACK = f"{HGP}/Jobs/{JOB_ID}/resultDownloaded"


def test_the_acknowledgement_waits_for_the_next_request() -> None:
    h = connect()
    h.project.job_result(JOB_ID)
    h.project.job_result_downloaded(JOB_ID)
    assert h.fake.calls("POST", ACK) == []
    h.project.job_status(JOB_ID)
    assert len(h.fake.calls("POST", ACK)) == 1
    # Sent before the request that carried it, once.
    paths = [r.url.path for r in h.fake.requests]
    assert paths.index(ACK) == len(paths) - 2
    h.project.job_status(JOB_ID)
    assert len(h.fake.calls("POST", ACK)) == 1


def test_a_result_download_never_does_deferred_work() -> None:
    h = connect()
    h.project.job_result_downloaded(JOB_ID)
    h.project.job_result(JOB_ID)
    assert h.fake.calls("POST", ACK) == []
    h.project.job_status(JOB_ID)
    assert len(h.fake.calls("POST", ACK)) == 1


def test_closing_the_account_sends_the_acknowledgement() -> None:
    h = connect()
    h.project.job_result_downloaded(JOB_ID)
    h.session.close()
    assert len(h.fake.calls("POST", ACK)) == 1


def test_a_failed_acknowledgement_is_logged_and_does_not_fail_the_next_request(
    caplog: pytest.LogCaptureFixture,
) -> None:
    h = connect(FakeApi())
    h.fake.queue("POST", ACK, envelope(404, "no such job", 3250))
    h.project.job_result_downloaded(JOB_ID)
    h.project.job_status(JOB_ID)
    assert "Unable to tell the server that the result of job" in caplog.text


def test_a_result_url_from_the_final_frame_spares_the_url_request() -> None:
    h = connect()
    h.project.job_result(JOB_ID, f"http://api.test/get/{JOB_ID}")
    assert h.fake.calls("GET", "resultDownloadUrl") == []
    assert len(h.fake.calls("GET", f"/get/{JOB_ID}")) == 1


def test_a_failing_result_url_from_the_frame_falls_back_to_a_fresh_one() -> None:
    h = connect()
    result = h.project.job_result(JOB_ID, "http://api.test/expired")
    assert result == {"success": True, "results": []}
    assert len(h.fake.calls("GET", "/expired")) == 1
    assert len(h.fake.calls("GET", "resultDownloadUrl")) == 1
