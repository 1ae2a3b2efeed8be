"""Plain HTTP access to the server, for the checks that the SDK rightly hides.

The SDK copes with some deviations (it pages around equal creation dates, it ignores
``infoQueue`` outside ``QUEUED``); a conformance suite must still see them. These helpers send
the requests a client of the legacy API sends and hand back what came over the wire.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

from ..discovery import ServerTarget, discover, project_prefix
from .base import ScenarioContext, expect, fail

__all__ = ["UNKNOWN_JOB_ID", "WireClient", "error_code"]

_TIMEOUT = 30.0
UNKNOWN_JOB_ID = "0" * 24
"""A well-formed job id that no server hands out in these tests."""


def error_code(response: httpx.Response) -> Any:
    """Return ``error.code`` of an error envelope, or ``None`` when the body is not one."""
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    return error.get("code") if isinstance(error, dict) else None


class WireClient:
    """An HTTP client logged in as one user, scoped to their default project.

    Args:
        ctx: The scenario context.
        token: The API token; the context's token if ``None``.
        project: ``(hub, group, project)`` to work in; the user's default project if ``None``.
    """

    def __init__(
        self,
        ctx: ScenarioContext,
        token: str | None = None,
        project: tuple[str, str, str] | None = None,
    ) -> None:
        self.target: ServerTarget = discover(ctx.url, token or ctx.token)
        self.prefix = project_prefix(*project) if project else self.target.project_prefix
        self.http = httpx.Client(
            base_url=self.target.api_url,
            headers={"X-Access-Token": self.target.access_token},
            timeout=_TIMEOUT,
            transport=ctx.transport(),
        )

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()

    def __enter__(self) -> WireClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def project_path(self, suffix: str) -> str:
        """The path of ``suffix`` under the default project's prefix."""
        return self.prefix + suffix

    def job_path(self, job_id: str, suffix: str = "") -> str:
        """The path of a job endpoint, e.g. ``job_path(id, "/status/v/1")``."""
        return self.project_path(f"/Jobs/{job_id}{suffix}")

    def get_json(self, path: str, what: str, **params: Any) -> Any:
        """GET a path and return its JSON body, failing the scenario on any error status."""
        response = self.http.get(path, params=params or None)
        return self.json_of(response, what)

    @staticmethod
    def json_of(response: httpx.Response, what: str) -> Any:
        """Return a 200 response's JSON, failing the scenario otherwise."""
        if response.status_code != 200:
            fail(f"{what} answered HTTP {response.status_code}: {response.text[:200]}")
        try:
            return response.json()
        except ValueError:
            fail(f"{what} did not answer JSON: {response.text[:200]!r}")

    def job_status(self, job_id: str) -> dict[str, Any]:
        """``GET .../Jobs/{id}/status/v/1`` (getJobStatus)."""
        body = self.get_json(self.job_path(job_id, "/status/v/1"), "getJobStatus")
        expect(isinstance(body, dict), f"getJobStatus answered a {type(body).__name__}")
        return dict(body)

    def list_jobs(self, loopback_filter: Mapping[str, Any]) -> list[dict[str, Any]]:
        """``GET .../Jobs/status/v/1?filter=`` (listJobs)."""
        body = self.get_json(
            self.project_path("/Jobs/status/v/1"),
            "listJobs",
            filter=json.dumps(loopback_filter, separators=(",", ":")),
        )
        expect(isinstance(body, list), f"listJobs answered a {type(body).__name__}, not a list")
        return list(body)
