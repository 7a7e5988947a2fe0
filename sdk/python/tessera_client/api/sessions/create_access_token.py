from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.access_token import AccessToken
from ...models.problem import Problem
from ...types import Response


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/sessions/current/token",
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AccessToken | Problem | None:
    if response.status_code == 200:
        response_200 = AccessToken.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AccessToken | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
) -> Response[AccessToken | Problem]:
    """Mint a JWT access token for the session: EdDSA-signed, with `kid`, `iss`, `sub` (the
    account), `aud`, `sid`, `aal`, `amr` (RFC 8176), `iat`, `exp` and `jti`. It lives a few
    minutes (never past the session's end) and cannot be revoked: back-ends verify it offline
    against `/.well-known/jwks.json`, and mint a new one when it expires.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccessToken | Problem]
    """

    kwargs = _get_kwargs()

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
) -> AccessToken | Problem | None:
    """Mint a JWT access token for the session: EdDSA-signed, with `kid`, `iss`, `sub` (the
    account), `aud`, `sid`, `aal`, `amr` (RFC 8176), `iat`, `exp` and `jti`. It lives a few
    minutes (never past the session's end) and cannot be revoked: back-ends verify it offline
    against `/.well-known/jwks.json`, and mint a new one when it expires.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccessToken | Problem
    """

    return sync_detailed(
        client=client,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
) -> Response[AccessToken | Problem]:
    """Mint a JWT access token for the session: EdDSA-signed, with `kid`, `iss`, `sub` (the
    account), `aud`, `sid`, `aal`, `amr` (RFC 8176), `iat`, `exp` and `jti`. It lives a few
    minutes (never past the session's end) and cannot be revoked: back-ends verify it offline
    against `/.well-known/jwks.json`, and mint a new one when it expires.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccessToken | Problem]
    """

    kwargs = _get_kwargs()

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
) -> AccessToken | Problem | None:
    """Mint a JWT access token for the session: EdDSA-signed, with `kid`, `iss`, `sub` (the
    account), `aud`, `sid`, `aal`, `amr` (RFC 8176), `iat`, `exp` and `jti`. It lives a few
    minutes (never past the session's end) and cannot be revoked: back-ends verify it offline
    against `/.well-known/jwks.json`, and mint a new one when it expires.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccessToken | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
        )
    ).parsed
