from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.qobj import Qobj
from ...types import UNSET, Response


def _get_kwargs(
    job_id: str,
    *,
    expires: int,
    signature: str,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["expires"] = expires

    params["signature"] = signature

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/objectstorage/{job_id}/qobj".format(
            job_id=quote(str(job_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def build_request(
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
    expires: int,
    signature: str,
) -> httpx.Request:
    """Build the request of this operation on the client's base URL, without sending it.

    Returns:
        httpx.Request
    """

    return client.get_httpx_client().build_request(
        **_get_kwargs(
            job_id=job_id,
            expires=expires,
            signature=signature,
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
) -> ErrorEnvelope | Qobj | None:
    if response.status_code == 200:
        response_200 = Qobj.from_dict(response.json())

        return response_200

    if response.status_code == 403:
        response_403 = ErrorEnvelope.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorEnvelope.from_dict(response.json())

        return response_404

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorEnvelope | Qobj]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
    expires: int,
    signature: str,
) -> Response[ErrorEnvelope | Qobj]:
    """Download the job's Qobj from a signed URL from `getJobDownloadUrl` (J12)

    Args:
        job_id (str):
        expires (int):
        signature (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | Qobj]
    """

    kwargs = _get_kwargs(
        job_id=job_id,
        expires=expires,
        signature=signature,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
    expires: int,
    signature: str,
) -> ErrorEnvelope | Qobj | None:
    """Download the job's Qobj from a signed URL from `getJobDownloadUrl` (J12)

    Args:
        job_id (str):
        expires (int):
        signature (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | Qobj
    """

    return sync_detailed(
        job_id=job_id,
        client=client,
        expires=expires,
        signature=signature,
    ).parsed


async def asyncio_detailed(
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
    expires: int,
    signature: str,
) -> Response[ErrorEnvelope | Qobj]:
    """Download the job's Qobj from a signed URL from `getJobDownloadUrl` (J12)

    Args:
        job_id (str):
        expires (int):
        signature (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | Qobj]
    """

    kwargs = _get_kwargs(
        job_id=job_id,
        expires=expires,
        signature=signature,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
    expires: int,
    signature: str,
) -> ErrorEnvelope | Qobj | None:
    """Download the job's Qobj from a signed URL from `getJobDownloadUrl` (J12)

    Args:
        job_id (str):
        expires (int):
        signature (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | Qobj
    """

    return (
        await asyncio_detailed(
            job_id=job_id,
            client=client,
            expires=expires,
            signature=signature,
        )
    ).parsed
