import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_envelope import ErrorEnvelope
from ...models.reservation import Reservation
from ...types import UNSET, Response, Unset


def _get_kwargs(
    backend_name: str,
    *,
    initial_date: datetime.datetime | Unset = UNSET,
    end_date: datetime.datetime | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_initial_date: str | Unset = UNSET
    if not isinstance(initial_date, Unset):
        json_initial_date = initial_date.isoformat()
    params["initialDate"] = json_initial_date

    json_end_date: str | Unset = UNSET
    if not isinstance(end_date, Unset):
        json_end_date = end_date.isoformat()
    params["endDate"] = json_end_date

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/Network/devices/{backend_name}/bookings/v2".format(
            backend_name=quote(str(backend_name), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def build_request(
    backend_name: str,
    *,
    client: AuthenticatedClient | Client,
    initial_date: datetime.datetime | Unset = UNSET,
    end_date: datetime.datetime | Unset = UNSET,
) -> httpx.Request:
    """Build the request of this operation on the client's base URL, without sending it.

    Returns:
        httpx.Request
    """

    return client.get_httpx_client().build_request(
        **_get_kwargs(
            backend_name=backend_name,
            initial_date=initial_date,
            end_date=end_date,
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
) -> ErrorEnvelope | list[Reservation] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = Reservation.from_dict(response_200_item_data)

            response_200.append(response_200_item)

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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorEnvelope | list[Reservation]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    backend_name: str,
    *,
    client: AuthenticatedClient | Client,
    initial_date: datetime.datetime | Unset = UNSET,
    end_date: datetime.datetime | Unset = UNSET,
) -> Response[ErrorEnvelope | list[Reservation]]:
    """Reservations of a backend

     The backend's reservations whose time slot overlaps the window given by `initialDate`
    and `endDate` (either may be left out), earliest first. The slot of every reservation
    is shown; the id, mode, creation date and hub/group/project only of reservations made
    by one of the caller's projects.

    Args:
        backend_name (str):
        initial_date (datetime.datetime | Unset):
        end_date (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | list[Reservation]]
    """

    kwargs = _get_kwargs(
        backend_name=backend_name,
        initial_date=initial_date,
        end_date=end_date,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    backend_name: str,
    *,
    client: AuthenticatedClient | Client,
    initial_date: datetime.datetime | Unset = UNSET,
    end_date: datetime.datetime | Unset = UNSET,
) -> ErrorEnvelope | list[Reservation] | None:
    """Reservations of a backend

     The backend's reservations whose time slot overlaps the window given by `initialDate`
    and `endDate` (either may be left out), earliest first. The slot of every reservation
    is shown; the id, mode, creation date and hub/group/project only of reservations made
    by one of the caller's projects.

    Args:
        backend_name (str):
        initial_date (datetime.datetime | Unset):
        end_date (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | list[Reservation]
    """

    return sync_detailed(
        backend_name=backend_name,
        client=client,
        initial_date=initial_date,
        end_date=end_date,
    ).parsed


async def asyncio_detailed(
    backend_name: str,
    *,
    client: AuthenticatedClient | Client,
    initial_date: datetime.datetime | Unset = UNSET,
    end_date: datetime.datetime | Unset = UNSET,
) -> Response[ErrorEnvelope | list[Reservation]]:
    """Reservations of a backend

     The backend's reservations whose time slot overlaps the window given by `initialDate`
    and `endDate` (either may be left out), earliest first. The slot of every reservation
    is shown; the id, mode, creation date and hub/group/project only of reservations made
    by one of the caller's projects.

    Args:
        backend_name (str):
        initial_date (datetime.datetime | Unset):
        end_date (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorEnvelope | list[Reservation]]
    """

    kwargs = _get_kwargs(
        backend_name=backend_name,
        initial_date=initial_date,
        end_date=end_date,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    backend_name: str,
    *,
    client: AuthenticatedClient | Client,
    initial_date: datetime.datetime | Unset = UNSET,
    end_date: datetime.datetime | Unset = UNSET,
) -> ErrorEnvelope | list[Reservation] | None:
    """Reservations of a backend

     The backend's reservations whose time slot overlaps the window given by `initialDate`
    and `endDate` (either may be left out), earliest first. The slot of every reservation
    is shown; the id, mode, creation date and hub/group/project only of reservations made
    by one of the caller's projects.

    Args:
        backend_name (str):
        initial_date (datetime.datetime | Unset):
        end_date (datetime.datetime | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorEnvelope | list[Reservation]
    """

    return (
        await asyncio_detailed(
            backend_name=backend_name,
            client=client,
            initial_date=initial_date,
            end_date=end_date,
        )
    ).parsed
