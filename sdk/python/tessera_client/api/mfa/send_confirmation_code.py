from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.confirmation_code_request import ConfirmationCodeRequest
from ...models.problem import Problem
from ...models.sent_code import SentCode
from ...types import Response


def _get_kwargs(
    *,
    body: ConfirmationCodeRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/me/mfa/codes",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | SentCode | None:
    if response.status_code == 202:
        response_202 = SentCode.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | SentCode]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: ConfirmationCodeRequest,
) -> Response[Problem | SentCode]:
    """Send a code by SMS or WhatsApp to confirm a sensitive change (disabling MFA, removing a
    factor, recovery codes) as the `code` of that request, within 10 minutes. For accounts
    whose factor sends its codes; the same cooldown and hourly cap as at login apply.

    Args:
        body (ConfirmationCodeRequest):  Example: {'method': 'sms'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SentCode]
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
    body: ConfirmationCodeRequest,
) -> Problem | SentCode | None:
    """Send a code by SMS or WhatsApp to confirm a sensitive change (disabling MFA, removing a
    factor, recovery codes) as the `code` of that request, within 10 minutes. For accounts
    whose factor sends its codes; the same cooldown and hourly cap as at login apply.

    Args:
        body (ConfirmationCodeRequest):  Example: {'method': 'sms'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SentCode
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ConfirmationCodeRequest,
) -> Response[Problem | SentCode]:
    """Send a code by SMS or WhatsApp to confirm a sensitive change (disabling MFA, removing a
    factor, recovery codes) as the `code` of that request, within 10 minutes. For accounts
    whose factor sends its codes; the same cooldown and hourly cap as at login apply.

    Args:
        body (ConfirmationCodeRequest):  Example: {'method': 'sms'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SentCode]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: ConfirmationCodeRequest,
) -> Problem | SentCode | None:
    """Send a code by SMS or WhatsApp to confirm a sensitive change (disabling MFA, removing a
    factor, recovery codes) as the `code` of that request, within 10 minutes. For accounts
    whose factor sends its codes; the same cooldown and hourly cap as at login apply.

    Args:
        body (ConfirmationCodeRequest):  Example: {'method': 'sms'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SentCode
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
