from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.change_email_request import ChangeEmailRequest
from ...models.problem import Problem
from ...models.verification_sent import VerificationSent
from ...types import Response


def _get_kwargs(
    *,
    body: ChangeEmailRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/me/email",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | VerificationSent | None:
    if response.status_code == 202:
        response_202 = VerificationSent.from_dict(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

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
) -> Response[Problem | VerificationSent]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: ChangeEmailRequest,
) -> Response[Problem | VerificationSent]:
    """Change the email address.

     Needs the password, and with MFA on a current code too (403 `reauthentication_failed`
    naming the field otherwise; the session stays valid). A code and link go to the new
    address; the address changes only when they come back (`POST /v1/me/email/confirm`, or the
    link's token at `POST /v1/auth/email/verify`) while this session is still signed in. Then
    every other session ends, codes and password reset links sent before die, and the old
    address is told. 409 `email_taken` (now or at confirmation), 409 `email_managed_by_idp`
    for accounts whose organisation's identity provider keeps the address.

    Args:
        body (ChangeEmailRequest):  Example: {'code': '123456', 'email': 'ada@example.org',
            'password': 'correct horse battery staple'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | VerificationSent]
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
    body: ChangeEmailRequest,
) -> Problem | VerificationSent | None:
    """Change the email address.

     Needs the password, and with MFA on a current code too (403 `reauthentication_failed`
    naming the field otherwise; the session stays valid). A code and link go to the new
    address; the address changes only when they come back (`POST /v1/me/email/confirm`, or the
    link's token at `POST /v1/auth/email/verify`) while this session is still signed in. Then
    every other session ends, codes and password reset links sent before die, and the old
    address is told. 409 `email_taken` (now or at confirmation), 409 `email_managed_by_idp`
    for accounts whose organisation's identity provider keeps the address.

    Args:
        body (ChangeEmailRequest):  Example: {'code': '123456', 'email': 'ada@example.org',
            'password': 'correct horse battery staple'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | VerificationSent
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ChangeEmailRequest,
) -> Response[Problem | VerificationSent]:
    """Change the email address.

     Needs the password, and with MFA on a current code too (403 `reauthentication_failed`
    naming the field otherwise; the session stays valid). A code and link go to the new
    address; the address changes only when they come back (`POST /v1/me/email/confirm`, or the
    link's token at `POST /v1/auth/email/verify`) while this session is still signed in. Then
    every other session ends, codes and password reset links sent before die, and the old
    address is told. 409 `email_taken` (now or at confirmation), 409 `email_managed_by_idp`
    for accounts whose organisation's identity provider keeps the address.

    Args:
        body (ChangeEmailRequest):  Example: {'code': '123456', 'email': 'ada@example.org',
            'password': 'correct horse battery staple'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | VerificationSent]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: ChangeEmailRequest,
) -> Problem | VerificationSent | None:
    """Change the email address.

     Needs the password, and with MFA on a current code too (403 `reauthentication_failed`
    naming the field otherwise; the session stays valid). A code and link go to the new
    address; the address changes only when they come back (`POST /v1/me/email/confirm`, or the
    link's token at `POST /v1/auth/email/verify`) while this session is still signed in. Then
    every other session ends, codes and password reset links sent before die, and the old
    address is told. 409 `email_taken` (now or at confirmation), 409 `email_managed_by_idp`
    for accounts whose organisation's identity provider keeps the address.

    Args:
        body (ChangeEmailRequest):  Example: {'code': '123456', 'email': 'ada@example.org',
            'password': 'correct horse battery staple'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | VerificationSent
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
