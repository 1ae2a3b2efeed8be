from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.acknowledgement import Acknowledgement
from ...models.error_envelope import ErrorEnvelope
from ...models.qobj import Qobj
from ...types import UNSET, Response


def _get_kwargs(
    job_id: str,
    *,
    body: Qobj,
    expires: int,
    signature: str,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    params["expires"] = expires

    params["signature"] = signature

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/objectstorage/{job_id}/qobj".format(
            job_id=quote(str(job_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def build_request(
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: Qobj,
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
            body=body,
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
) -> Acknowledgement | ErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = Acknowledgement.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 403:
        response_403 = ErrorEnvelope.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorEnvelope.from_dict(response.json())

        return response_404

    if response.status_code == 408:
        response_408 = ErrorEnvelope.from_dict(response.json())

        return response_408

    if response.status_code == 409:
        response_409 = ErrorEnvelope.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = ErrorEnvelope.from_dict(response.json())

        return response_413

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Acknowledgement | ErrorEnvelope]:
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
    body: Qobj,
    expires: int,
    signature: str,
) -> Response[Acknowledgement | ErrorEnvelope]:
    """Upload the job's Qobj to a signed URL from `createJob` (J2)

     Signed URLs carry their own authorization; an `X-Access-Token` header sent along is ignored.

    Args:
        job_id (str):
        expires (int):
        signature (str):
        body (Qobj): A Qobj (QASM or Pulse), top-level structure.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Acknowledgement | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        job_id=job_id,
        body=body,
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
    body: Qobj,
    expires: int,
    signature: str,
) -> Acknowledgement | ErrorEnvelope | None:
    """Upload the job's Qobj to a signed URL from `createJob` (J2)

     Signed URLs carry their own authorization; an `X-Access-Token` header sent along is ignored.

    Args:
        job_id (str):
        expires (int):
        signature (str):
        body (Qobj): A Qobj (QASM or Pulse), top-level structure.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Acknowledgement | ErrorEnvelope
    """

    return sync_detailed(
        job_id=job_id,
        client=client,
        body=body,
        expires=expires,
        signature=signature,
    ).parsed


async def asyncio_detailed(
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: Qobj,
    expires: int,
    signature: str,
) -> Response[Acknowledgement | ErrorEnvelope]:
    """Upload the job's Qobj to a signed URL from `createJob` (J2)

     Signed URLs carry their own authorization; an `X-Access-Token` header sent along is ignored.

    Args:
        job_id (str):
        expires (int):
        signature (str):
        body (Qobj): A Qobj (QASM or Pulse), top-level structure.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Acknowledgement | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        job_id=job_id,
        body=body,
        expires=expires,
        signature=signature,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    job_id: str,
    *,
    client: AuthenticatedClient | Client,
    body: Qobj,
    expires: int,
    signature: str,
) -> Acknowledgement | ErrorEnvelope | None:
    """Upload the job's Qobj to a signed URL from `createJob` (J2)

     Signed URLs carry their own authorization; an `X-Access-Token` header sent along is ignored.

    Args:
        job_id (str):
        expires (int):
        signature (str):
        body (Qobj): A Qobj (QASM or Pulse), top-level structure.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Acknowledgement | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            job_id=job_id,
            client=client,
            body=body,
            expires=expires,
            signature=signature,
        )
    ).parsed
