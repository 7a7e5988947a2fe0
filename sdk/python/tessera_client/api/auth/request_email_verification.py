from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.verification_request import VerificationRequest
from ...types import Response


def _get_kwargs(
    *,
    body: VerificationRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/auth/email/verification",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Problem | None:
    if response.status_code == 202:
        response_202 = cast(Any, None)
        return response_202

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: VerificationRequest,
) -> Response[Any | Problem]:
    """Ask for a new verification email without a session (for sign-in that waits for a proven
    address). Always 202, whether or not the email has an account or is proven already (no one
    learns who has one); if it has an unproven one, a new code and link go to it (within the
    limits: one every 30 seconds, 5 an hour per account) and older ones stop working.

    Args:
        body (VerificationRequest):  Example: {'email': 'ada@example.com'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
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
    body: VerificationRequest,
) -> Any | Problem | None:
    """Ask for a new verification email without a session (for sign-in that waits for a proven
    address). Always 202, whether or not the email has an account or is proven already (no one
    learns who has one); if it has an unproven one, a new code and link go to it (within the
    limits: one every 30 seconds, 5 an hour per account) and older ones stop working.

    Args:
        body (VerificationRequest):  Example: {'email': 'ada@example.com'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: VerificationRequest,
) -> Response[Any | Problem]:
    """Ask for a new verification email without a session (for sign-in that waits for a proven
    address). Always 202, whether or not the email has an account or is proven already (no one
    learns who has one); if it has an unproven one, a new code and link go to it (within the
    limits: one every 30 seconds, 5 an hour per account) and older ones stop working.

    Args:
        body (VerificationRequest):  Example: {'email': 'ada@example.com'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: VerificationRequest,
) -> Any | Problem | None:
    """Ask for a new verification email without a session (for sign-in that waits for a proven
    address). Always 202, whether or not the email has an account or is proven already (no one
    learns who has one); if it has an unproven one, a new code and link go to it (within the
    limits: one every 30 seconds, 5 an hour per account) and older ones stop working.

    Args:
        body (VerificationRequest):  Example: {'email': 'ada@example.com'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
