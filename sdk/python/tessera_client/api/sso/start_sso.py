from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.sso_start_request import SsoStartRequest
from ...models.sso_started import SsoStarted
from ...types import Response


def _get_kwargs(
    *,
    body: SsoStartRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/auth/sso/start",
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

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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
    body: SsoStartRequest,
) -> Response[Problem | SsoStarted]:
    """Start single sign-on at an organisation's identity provider.

     Answers the provider's authorization URL (code flow, PKCE S256, `state` and `nonce` kept
    here for 10 minutes). With `callback: "tessera"` (the default) the provider sends the
    browser to `GET /v1/auth/sso/callback`, which sends it on to `redirect_uri` with a
    one-time `login_code` (start with `exchange_challenge`); with `callback: "client"` it
    sends it to `redirect_uri`, whose page or app posts `code` and `state` with its PKCE
    `code_verifier` to `POST /v1/auth/sso/callback` (start with its `code_challenge`). 422
    naming the field when the flow's challenge is missing or malformed; 404
    `sso_not_configured` when no organisation signs the email in.

    Args:
        body (SsoStartRequest):  Example: {'email': 'ada@acme.com', 'exchange_challenge':
            'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', 'redirect_uri':
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
    body: SsoStartRequest,
) -> Problem | SsoStarted | None:
    """Start single sign-on at an organisation's identity provider.

     Answers the provider's authorization URL (code flow, PKCE S256, `state` and `nonce` kept
    here for 10 minutes). With `callback: "tessera"` (the default) the provider sends the
    browser to `GET /v1/auth/sso/callback`, which sends it on to `redirect_uri` with a
    one-time `login_code` (start with `exchange_challenge`); with `callback: "client"` it
    sends it to `redirect_uri`, whose page or app posts `code` and `state` with its PKCE
    `code_verifier` to `POST /v1/auth/sso/callback` (start with its `code_challenge`). 422
    naming the field when the flow's challenge is missing or malformed; 404
    `sso_not_configured` when no organisation signs the email in.

    Args:
        body (SsoStartRequest):  Example: {'email': 'ada@acme.com', 'exchange_challenge':
            'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', 'redirect_uri':
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
    body: SsoStartRequest,
) -> Response[Problem | SsoStarted]:
    """Start single sign-on at an organisation's identity provider.

     Answers the provider's authorization URL (code flow, PKCE S256, `state` and `nonce` kept
    here for 10 minutes). With `callback: "tessera"` (the default) the provider sends the
    browser to `GET /v1/auth/sso/callback`, which sends it on to `redirect_uri` with a
    one-time `login_code` (start with `exchange_challenge`); with `callback: "client"` it
    sends it to `redirect_uri`, whose page or app posts `code` and `state` with its PKCE
    `code_verifier` to `POST /v1/auth/sso/callback` (start with its `code_challenge`). 422
    naming the field when the flow's challenge is missing or malformed; 404
    `sso_not_configured` when no organisation signs the email in.

    Args:
        body (SsoStartRequest):  Example: {'email': 'ada@acme.com', 'exchange_challenge':
            'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', 'redirect_uri':
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
    body: SsoStartRequest,
) -> Problem | SsoStarted | None:
    """Start single sign-on at an organisation's identity provider.

     Answers the provider's authorization URL (code flow, PKCE S256, `state` and `nonce` kept
    here for 10 minutes). With `callback: "tessera"` (the default) the provider sends the
    browser to `GET /v1/auth/sso/callback`, which sends it on to `redirect_uri` with a
    one-time `login_code` (start with `exchange_challenge`); with `callback: "client"` it
    sends it to `redirect_uri`, whose page or app posts `code` and `state` with its PKCE
    `code_verifier` to `POST /v1/auth/sso/callback` (start with its `code_challenge`). 422
    naming the field when the flow's challenge is missing or malformed; 404
    `sso_not_configured` when no organisation signs the email in.

    Args:
        body (SsoStartRequest):  Example: {'email': 'ada@acme.com', 'exchange_challenge':
            'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', 'redirect_uri':
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
