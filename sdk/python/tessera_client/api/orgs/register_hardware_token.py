from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.hardware_token import HardwareToken
from ...models.problem import Problem
from ...models.register_token_request import RegisterTokenRequest
from ...types import Response


def _get_kwargs(
    org_id: UUID,
    *,
    body: RegisterTokenRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/orgs/{org_id}/hardware-tokens".format(
            org_id=quote(str(org_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HardwareToken | Problem | None:
    if response.status_code == 201:
        response_201 = HardwareToken.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[HardwareToken | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    org_id: UUID,
    *,
    client: AuthenticatedClient,
    body: RegisterTokenRequest,
) -> Response[HardwareToken | Problem]:
    """Register a hardware TOTP token (owners and admins). Its secret is sealed and never
    returned.

    Args:
        org_id (UUID):
        body (RegisterTokenRequest):  Example: {'algorithm': 'SHA1', 'digits': 6, 'model':
            'Feitian c200', 'name': 'Front desk', 'period': 30, 'secret':
            '3132333435363738393031323334353637383930', 'serial': 'FT-0001'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HardwareToken | Problem]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    org_id: UUID,
    *,
    client: AuthenticatedClient,
    body: RegisterTokenRequest,
) -> HardwareToken | Problem | None:
    """Register a hardware TOTP token (owners and admins). Its secret is sealed and never
    returned.

    Args:
        org_id (UUID):
        body (RegisterTokenRequest):  Example: {'algorithm': 'SHA1', 'digits': 6, 'model':
            'Feitian c200', 'name': 'Front desk', 'period': 30, 'secret':
            '3132333435363738393031323334353637383930', 'serial': 'FT-0001'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HardwareToken | Problem
    """

    return sync_detailed(
        org_id=org_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    org_id: UUID,
    *,
    client: AuthenticatedClient,
    body: RegisterTokenRequest,
) -> Response[HardwareToken | Problem]:
    """Register a hardware TOTP token (owners and admins). Its secret is sealed and never
    returned.

    Args:
        org_id (UUID):
        body (RegisterTokenRequest):  Example: {'algorithm': 'SHA1', 'digits': 6, 'model':
            'Feitian c200', 'name': 'Front desk', 'period': 30, 'secret':
            '3132333435363738393031323334353637383930', 'serial': 'FT-0001'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HardwareToken | Problem]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    org_id: UUID,
    *,
    client: AuthenticatedClient,
    body: RegisterTokenRequest,
) -> HardwareToken | Problem | None:
    """Register a hardware TOTP token (owners and admins). Its secret is sealed and never
    returned.

    Args:
        org_id (UUID):
        body (RegisterTokenRequest):  Example: {'algorithm': 'SHA1', 'digits': 6, 'model':
            'Feitian c200', 'name': 'Front desk', 'period': 30, 'secret':
            '3132333435363738393031323334353637383930', 'serial': 'FT-0001'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HardwareToken | Problem
    """

    return (
        await asyncio_detailed(
            org_id=org_id,
            client=client,
            body=body,
        )
    ).parsed
