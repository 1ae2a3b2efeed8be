from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.job import Job
from ...models.job_name_update import JobNameUpdate
from ...models.job_tags_update import JobTagsUpdate
from ...types import Response


def _get_kwargs(
    hub: str,
    group: str,
    project: str,
    job_id: str,
    *,
    body: JobNameUpdate | JobTagsUpdate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/Network/{hub}/Groups/{group}/Projects/{project}/Jobs/{job_id}".format(
            hub=quote(str(hub), safe=""),
            group=quote(str(group), safe=""),
            project=quote(str(project), safe=""),
            job_id=quote(str(job_id), safe=""),
        ),
    }

    if isinstance(body, JobNameUpdate):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def build_request(
    hub: str,
    group: str,
    project: str,
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: JobNameUpdate | JobTagsUpdate,
) -> httpx.Request:
    """Build the request of this operation on the client's base URL, without sending it.

    Returns:
        httpx.Request
    """

    return client.get_httpx_client().build_request(
        **_get_kwargs(
            hub=hub,
            group=group,
            project=project,
            job_id=job_id,
            body=body,
        )
    )


SUCCESS_STATUSES: frozenset[int] = frozenset(
    {
        200,
    }
)
"""The 2xx statuses the spec documents for this operation."""


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorEnvelope | Job | None:
    if response.status_code == 200:
        response_200 = Job.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = ErrorEnvelope.from_dict(response.json())

        return response_404

    if response.status_code == 408:
        response_408 = ErrorEnvelope.from_dict(response.json())

        return response_408

    if response.status_code == 413:
        response_413 = ErrorEnvelope.from_dict(response.json())

        return response_413

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorEnvelope | Job]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    hub: str,
    group: str,
    project: str,
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: JobNameUpdate | JobTagsUpdate,
) -> Response[ErrorEnvelope | Job]:
    """Replace the job's name or its tags (J9)

    Args:
        hub (str):
        group (str):
        project (str):
        job_id (str):
        body (JobNameUpdate | JobTagsUpdate): Exactly one attribute to replace.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | Job]
    """

    kwargs = _get_kwargs(
        hub=hub,
        group=group,
        project=project,
        job_id=job_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    hub: str,
    group: str,
    project: str,
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: JobNameUpdate | JobTagsUpdate,
) -> ErrorEnvelope | Job | None:
    """Replace the job's name or its tags (J9)

    Args:
        hub (str):
        group (str):
        project (str):
        job_id (str):
        body (JobNameUpdate | JobTagsUpdate): Exactly one attribute to replace.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | Job
    """

    return sync_detailed(
        hub=hub,
        group=group,
        project=project,
        job_id=job_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    hub: str,
    group: str,
    project: str,
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: JobNameUpdate | JobTagsUpdate,
) -> Response[ErrorEnvelope | Job]:
    """Replace the job's name or its tags (J9)

    Args:
        hub (str):
        group (str):
        project (str):
        job_id (str):
        body (JobNameUpdate | JobTagsUpdate): Exactly one attribute to replace.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | Job]
    """

    kwargs = _get_kwargs(
        hub=hub,
        group=group,
        project=project,
        job_id=job_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    hub: str,
    group: str,
    project: str,
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: JobNameUpdate | JobTagsUpdate,
) -> ErrorEnvelope | Job | None:
    """Replace the job's name or its tags (J9)

    Args:
        hub (str):
        group (str):
        project (str):
        job_id (str):
        body (JobNameUpdate | JobTagsUpdate): Exactly one attribute to replace.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | Job
    """

    return (
        await asyncio_detailed(
            hub=hub,
            group=group,
            project=project,
            job_id=job_id,
            client=client,
            body=body,
        )
    ).parsed
