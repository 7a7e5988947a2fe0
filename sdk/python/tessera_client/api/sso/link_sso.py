from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.sso_link_request import SsoLinkRequest
from ...models.sso_started import SsoStarted
from ...types import Response


def _get_kwargs(
    *,
    body: SsoLinkRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/me/sso/link",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | SsoStarted | None:
    if response.status_code == 200:
        response_200 = SsoStarted.from_dict(response.json())

        return response_200

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

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 502:
        response_502 = Problem.from_dict(response.json())

        return response_502

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | SsoStarted]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: SsoLinkRequest,
) -> Response[Problem | SsoStarted]:
    """Link your account to your organisation's identity provider.

     For a member of the organisation whose email is at one of its verified domains (404 for an
    organisation the account is not a member of; 409 `domain_not_verified`): confirm with the
    password and, once MFA is on, a `code` (403 `reauthentication_failed` naming the field
    otherwise), then sign in at the provider (as with `POST /v1/auth/sso/start`, with the
    flow's `exchange_challenge` or `code_challenge`, 422 naming it otherwise); the
    provider's identity is linked to this account (audited as `sso.linked`, and the account is
    emailed) and signs it in from then on. 409 `sso_identity_linked_elsewhere` when that
    identity signs in another account.

    Args:
        body (SsoLinkRequest):  Example: {'org_id': '01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a',
            'password': 'correct horse battery staple', 'redirect_uri':
            'https://app.example.com/sso'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SsoStarted]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: SsoLinkRequest,
) -> Problem | SsoStarted | None:
    """Link your account to your organisation's identity provider.

     For a member of the organisation whose email is at one of its verified domains (404 for an
    organisation the account is not a member of; 409 `domain_not_verified`): confirm with the
    password and, once MFA is on, a `code` (403 `reauthentication_failed` naming the field
    otherwise), then sign in at the provider (as with `POST /v1/auth/sso/start`, with the
    flow's `exchange_challenge` or `code_challenge`, 422 naming it otherwise); the
    provider's identity is linked to this account (audited as `sso.linked`, and the account is
    emailed) and signs it in from then on. 409 `sso_identity_linked_elsewhere` when that
    identity signs in another account.

    Args:
        body (SsoLinkRequest):  Example: {'org_id': '01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a',
            'password': 'correct horse battery staple', 'redirect_uri':
            'https://app.example.com/sso'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SsoStarted
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: SsoLinkRequest,
) -> Response[Problem | SsoStarted]:
    """Link your account to your organisation's identity provider.

     For a member of the organisation whose email is at one of its verified domains (404 for an
    organisation the account is not a member of; 409 `domain_not_verified`): confirm with the
    password and, once MFA is on, a `code` (403 `reauthentication_failed` naming the field
    otherwise), then sign in at the provider (as with `POST /v1/auth/sso/start`, with the
    flow's `exchange_challenge` or `code_challenge`, 422 naming it otherwise); the
    provider's identity is linked to this account (audited as `sso.linked`, and the account is
    emailed) and signs it in from then on. 409 `sso_identity_linked_elsewhere` when that
    identity signs in another account.

    Args:
        body (SsoLinkRequest):  Example: {'org_id': '01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a',
            'password': 'correct horse battery staple', 'redirect_uri':
            'https://app.example.com/sso'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SsoStarted]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: SsoLinkRequest,
) -> Problem | SsoStarted | None:
    """Link your account to your organisation's identity provider.

     For a member of the organisation whose email is at one of its verified domains (404 for an
    organisation the account is not a member of; 409 `domain_not_verified`): confirm with the
    password and, once MFA is on, a `code` (403 `reauthentication_failed` naming the field
    otherwise), then sign in at the provider (as with `POST /v1/auth/sso/start`, with the
    flow's `exchange_challenge` or `code_challenge`, 422 naming it otherwise); the
    provider's identity is linked to this account (audited as `sso.linked`, and the account is
    emailed) and signs it in from then on. 409 `sso_identity_linked_elsewhere` when that
    identity signs in another account.

    Args:
        body (SsoLinkRequest):  Example: {'org_id': '01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a',
            'password': 'correct horse battery staple', 'redirect_uri':
            'https://app.example.com/sso'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SsoStarted
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
