from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.sso_unlink_request import SsoUnlinkRequest
from ...types import Response


def _get_kwargs(
    identity_id: UUID,
    *,
    body: SsoUnlinkRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/v1/me/sso/identities/{identity_id}".format(
            identity_id=quote(str(identity_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Problem | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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

    if response.status_code == 423:
        response_423 = Problem.from_dict(response.json())

        return response_423

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    identity_id: UUID,
    *,
    client: AuthenticatedClient,
    body: SsoUnlinkRequest,
) -> Response[Any | Problem]:
    """Remove one of your links to an organisation's identity provider.

     Confirmed with the password and, once MFA is on, a `code` (403 `reauthentication_failed`
    naming the field otherwise). 409 `password_managed_by_idp` for the link to the organisation
    that manages an account without a password (its only way in). Audited as `sso.unlinked`;
    the account is emailed.

    Args:
        identity_id (UUID):
        body (SsoUnlinkRequest):  Example: {'code': '123456', 'password': 'correct horse battery
            staple'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        identity_id=identity_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    identity_id: UUID,
    *,
    client: AuthenticatedClient,
    body: SsoUnlinkRequest,
) -> Any | Problem | None:
    """Remove one of your links to an organisation's identity provider.

     Confirmed with the password and, once MFA is on, a `code` (403 `reauthentication_failed`
    naming the field otherwise). 409 `password_managed_by_idp` for the link to the organisation
    that manages an account without a password (its only way in). Audited as `sso.unlinked`;
    the account is emailed.

    Args:
        identity_id (UUID):
        body (SsoUnlinkRequest):  Example: {'code': '123456', 'password': 'correct horse battery
            staple'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return sync_detailed(
        identity_id=identity_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    identity_id: UUID,
    *,
    client: AuthenticatedClient,
    body: SsoUnlinkRequest,
) -> Response[Any | Problem]:
    """Remove one of your links to an organisation's identity provider.

     Confirmed with the password and, once MFA is on, a `code` (403 `reauthentication_failed`
    naming the field otherwise). 409 `password_managed_by_idp` for the link to the organisation
    that manages an account without a password (its only way in). Audited as `sso.unlinked`;
    the account is emailed.

    Args:
        identity_id (UUID):
        body (SsoUnlinkRequest):  Example: {'code': '123456', 'password': 'correct horse battery
            staple'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        identity_id=identity_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    identity_id: UUID,
    *,
    client: AuthenticatedClient,
    body: SsoUnlinkRequest,
) -> Any | Problem | None:
    """Remove one of your links to an organisation's identity provider.

     Confirmed with the password and, once MFA is on, a `code` (403 `reauthentication_failed`
    naming the field otherwise). 409 `password_managed_by_idp` for the link to the organisation
    that manages an account without a password (its only way in). Audited as `sso.unlinked`;
    the account is emailed.

    Args:
        identity_id (UUID):
        body (SsoUnlinkRequest):  Example: {'code': '123456', 'password': 'correct horse battery
            staple'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return (
        await asyncio_detailed(
            identity_id=identity_id,
            client=client,
            body=body,
        )
    ).parsed
