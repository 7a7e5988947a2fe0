from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.email_proof import EmailProof
from ...models.email_verified import EmailVerified
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    *,
    body: EmailProof,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/auth/email/verify",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> EmailVerified | Problem | None:
    if response.status_code == 200:
        response_200 = EmailVerified.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

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
) -> Response[EmailVerified | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: EmailProof,
) -> Response[EmailVerified | Problem]:
    """Prove the account's email address.

     With the `token` of the emailed link, no session is needed (and a link sent for an address
    change completes that change). With the 6-digit `code`, the request must be signed in (401
    otherwise). 400 `email_verification_invalid` for a wrong, used, replaced or expired link or
    code (a wrong code says `attempts_remaining`: it dies after 5; wrong codes also count
    towards the account's lockouts, 429 `too_many_attempts`); 409 `email_already_verified`.

    Args:
        body (EmailProof): The emailed link's token, or the emailed code: one of the two. Example:
            {'token': 'tsv_…'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EmailVerified | Problem]
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
    body: EmailProof,
) -> EmailVerified | Problem | None:
    """Prove the account's email address.

     With the `token` of the emailed link, no session is needed (and a link sent for an address
    change completes that change). With the 6-digit `code`, the request must be signed in (401
    otherwise). 400 `email_verification_invalid` for a wrong, used, replaced or expired link or
    code (a wrong code says `attempts_remaining`: it dies after 5; wrong codes also count
    towards the account's lockouts, 429 `too_many_attempts`); 409 `email_already_verified`.

    Args:
        body (EmailProof): The emailed link's token, or the emailed code: one of the two. Example:
            {'token': 'tsv_…'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EmailVerified | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: EmailProof,
) -> Response[EmailVerified | Problem]:
    """Prove the account's email address.

     With the `token` of the emailed link, no session is needed (and a link sent for an address
    change completes that change). With the 6-digit `code`, the request must be signed in (401
    otherwise). 400 `email_verification_invalid` for a wrong, used, replaced or expired link or
    code (a wrong code says `attempts_remaining`: it dies after 5; wrong codes also count
    towards the account's lockouts, 429 `too_many_attempts`); 409 `email_already_verified`.

    Args:
        body (EmailProof): The emailed link's token, or the emailed code: one of the two. Example:
            {'token': 'tsv_…'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EmailVerified | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: EmailProof,
) -> EmailVerified | Problem | None:
    """Prove the account's email address.

     With the `token` of the emailed link, no session is needed (and a link sent for an address
    change completes that change). With the 6-digit `code`, the request must be signed in (401
    otherwise). 400 `email_verification_invalid` for a wrong, used, replaced or expired link or
    code (a wrong code says `attempts_remaining`: it dies after 5; wrong codes also count
    towards the account's lockouts, 429 `too_many_attempts`); 409 `email_already_verified`.

    Args:
        body (EmailProof): The emailed link's token, or the emailed code: one of the two. Example:
            {'token': 'tsv_…'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EmailVerified | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
