from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.sign_up_request import SignUpRequest
from ...models.sign_up_response import SignUpResponse
from ...types import Response


def _get_kwargs(
    *,
    body: SignUpRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/accounts",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | SignUpResponse | None:
    if response.status_code == 201:
        response_201 = SignUpResponse.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

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

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | SignUpResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: SignUpRequest,
) -> Response[Problem | SignUpResponse]:
    """Sign up: create an account and its first session.

     An email with a code and a link to prove the address goes to it (`POST
    /v1/auth/email/verify`). When the server signs in only proven addresses
    (`TESSERA_REQUIRE_VERIFIED_EMAIL`), there is no session until then: `status` is
    `email_verification_required`. Sign-ups and password attempts from one client IP are rate
    limited (429 `rate_limited`).

    Args:
        body (SignUpRequest):  Example: {'display_name': 'Ada', 'email': 'ada@example.com',
            'password': 'correct horse battery staple'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SignUpResponse]
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
    body: SignUpRequest,
) -> Problem | SignUpResponse | None:
    """Sign up: create an account and its first session.

     An email with a code and a link to prove the address goes to it (`POST
    /v1/auth/email/verify`). When the server signs in only proven addresses
    (`TESSERA_REQUIRE_VERIFIED_EMAIL`), there is no session until then: `status` is
    `email_verification_required`. Sign-ups and password attempts from one client IP are rate
    limited (429 `rate_limited`).

    Args:
        body (SignUpRequest):  Example: {'display_name': 'Ada', 'email': 'ada@example.com',
            'password': 'correct horse battery staple'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SignUpResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: SignUpRequest,
) -> Response[Problem | SignUpResponse]:
    """Sign up: create an account and its first session.

     An email with a code and a link to prove the address goes to it (`POST
    /v1/auth/email/verify`). When the server signs in only proven addresses
    (`TESSERA_REQUIRE_VERIFIED_EMAIL`), there is no session until then: `status` is
    `email_verification_required`. Sign-ups and password attempts from one client IP are rate
    limited (429 `rate_limited`).

    Args:
        body (SignUpRequest):  Example: {'display_name': 'Ada', 'email': 'ada@example.com',
            'password': 'correct horse battery staple'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SignUpResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: SignUpRequest,
) -> Problem | SignUpResponse | None:
    """Sign up: create an account and its first session.

     An email with a code and a link to prove the address goes to it (`POST
    /v1/auth/email/verify`). When the server signs in only proven addresses
    (`TESSERA_REQUIRE_VERIFIED_EMAIL`), there is no session until then: `status` is
    `email_verification_required`. Sign-ups and password attempts from one client IP are rate
    limited (429 `rate_limited`).

    Args:
        body (SignUpRequest):  Example: {'display_name': 'Ada', 'email': 'ada@example.com',
            'password': 'correct horse battery staple'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SignUpResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
