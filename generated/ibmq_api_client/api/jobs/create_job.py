from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.job import Job
from ...models.job_create_request import JobCreateRequest
from ...types import Response


def _get_kwargs(
    hub: str,
    group: str,
    project: str,
    *,
    body: JobCreateRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/Network/{hub}/Groups/{group}/Projects/{project}/Jobs".format(
            hub=quote(str(hub), safe=""),
            group=quote(str(group), safe=""),
            project=quote(str(project), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def build_request(
    hub: str,
    group: str,
    project: str,
    *,
    client: AuthenticatedClient | Client,
    body: JobCreateRequest,
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
    *,
    client: AuthenticatedClient | Client,
    body: JobCreateRequest,
) -> Response[ErrorEnvelope | Job]:
    """Create a job record and get a signed URL to upload its Qobj to (J1)

    Args:
        hub (str):
        group (str):
        project (str):
        body (JobCreateRequest):  Example: {'backend': {'name': 'ibmq_qasm_simulator'},
            'allowObjectStorage': True, 'liveDataEnabled': None, 'name': 'bell', 'tags':
            ['experiment-1']}.

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
    *,
    client: AuthenticatedClient | Client,
    body: JobCreateRequest,
) -> ErrorEnvelope | Job | None:
    """Create a job record and get a signed URL to upload its Qobj to (J1)

    Args:
        hub (str):
        group (str):
        project (str):
        body (JobCreateRequest):  Example: {'backend': {'name': 'ibmq_qasm_simulator'},
            'allowObjectStorage': True, 'liveDataEnabled': None, 'name': 'bell', 'tags':
            ['experiment-1']}.

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
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    hub: str,
    group: str,
    project: str,
    *,
    client: AuthenticatedClient | Client,
    body: JobCreateRequest,
) -> Response[ErrorEnvelope | Job]:
    """Create a job record and get a signed URL to upload its Qobj to (J1)

    Args:
        hub (str):
        group (str):
        project (str):
        body (JobCreateRequest):  Example: {'backend': {'name': 'ibmq_qasm_simulator'},
            'allowObjectStorage': True, 'liveDataEnabled': None, 'name': 'bell', 'tags':
            ['experiment-1']}.

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
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    hub: str,
    group: str,
    project: str,
    *,
    client: AuthenticatedClient | Client,
    body: JobCreateRequest,
) -> ErrorEnvelope | Job | None:
    """Create a job record and get a signed URL to upload its Qobj to (J1)

    Args:
        hub (str):
        group (str):
        project (str):
        body (JobCreateRequest):  Example: {'backend': {'name': 'ibmq_qasm_simulator'},
            'allowObjectStorage': True, 'liveDataEnabled': None, 'name': 'bell', 'tags':
            ['experiment-1']}.

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
            client=client,
            body=body,
        )
    ).parsed
