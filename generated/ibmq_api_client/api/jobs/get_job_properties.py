from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.backend_properties import BackendProperties
from ...models.error_envelope import ErrorEnvelope
from ...types import Response


def _get_kwargs(
    hub: str,
    group: str,
    project: str,
    job_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/Network/{hub}/Groups/{group}/Projects/{project}/Jobs/{job_id}/properties".format(
            hub=quote(str(hub), safe=""),
            group=quote(str(group), safe=""),
            project=quote(str(project), safe=""),
            job_id=quote(str(job_id), safe=""),
        ),
    }

    return _kwargs


def build_request(
    hub: str,
    group: str,
    project: str,
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
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
) -> BackendProperties | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = BackendProperties.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ErrorEnvelope.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = ErrorEnvelope.from_dict(response.json())

        return response_404

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[BackendProperties | ErrorEnvelope]:
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
) -> Response[BackendProperties | ErrorEnvelope]:
    """The backend calibration in force when the job ran, or now if it has not run (J10)

    Args:
        hub (str):
        group (str):
        project (str):
        job_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BackendProperties | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        hub=hub,
        group=group,
        project=project,
        job_id=job_id,
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
) -> BackendProperties | ErrorEnvelope | None:
    """The backend calibration in force when the job ran, or now if it has not run (J10)

    Args:
        hub (str):
        group (str):
        project (str):
        job_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BackendProperties | ErrorEnvelope
    """

    return sync_detailed(
        hub=hub,
        group=group,
        project=project,
        job_id=job_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    hub: str,
    group: str,
    project: str,
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[BackendProperties | ErrorEnvelope]:
    """The backend calibration in force when the job ran, or now if it has not run (J10)

    Args:
        hub (str):
        group (str):
        project (str):
        job_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BackendProperties | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        hub=hub,
        group=group,
        project=project,
        job_id=job_id,
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
) -> BackendProperties | ErrorEnvelope | None:
    """The backend calibration in force when the job ran, or now if it has not run (J10)

    Args:
        hub (str):
        group (str):
        project (str):
        job_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BackendProperties | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            hub=hub,
            group=group,
            project=project,
            job_id=job_id,
            client=client,
        )
    ).parsed
