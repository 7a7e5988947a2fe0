from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.account import Account
from ...models.problem import Problem
from ...models.whatsapp_verification import WhatsappVerification
from ...types import Response


def _get_kwargs(
    *,
    body: WhatsappVerification,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/me/whatsapp/verify",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Account | Problem | None:
    if response.status_code == 200:
        response_200 = Account.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Account | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: WhatsappVerification,
) -> Response[Account | Problem]:
    """Prove the profile's WhatsApp number with the code sent to it when it was set (`PATCH
    /v1/me`). A proven number can then receive login codes, when the account has MFA on. A
    wrong code is 403 `reauthentication_failed`; the code dies after 5 wrong tries or 10
    minutes (set the number again for a new one).

    Args:
        body (WhatsappVerification):  Example: {'code': '123456'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Account | Problem]
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
    body: WhatsappVerification,
) -> Account | Problem | None:
    """Prove the profile's WhatsApp number with the code sent to it when it was set (`PATCH
    /v1/me`). A proven number can then receive login codes, when the account has MFA on. A
    wrong code is 403 `reauthentication_failed`; the code dies after 5 wrong tries or 10
    minutes (set the number again for a new one).

    Args:
        body (WhatsappVerification):  Example: {'code': '123456'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Account | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: WhatsappVerification,
) -> Response[Account | Problem]:
    """Prove the profile's WhatsApp number with the code sent to it when it was set (`PATCH
    /v1/me`). A proven number can then receive login codes, when the account has MFA on. A
    wrong code is 403 `reauthentication_failed`; the code dies after 5 wrong tries or 10
    minutes (set the number again for a new one).

    Args:
        body (WhatsappVerification):  Example: {'code': '123456'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Account | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: WhatsappVerification,
) -> Account | Problem | None:
    """Prove the profile's WhatsApp number with the code sent to it when it was set (`PATCH
    /v1/me`). A proven number can then receive login codes, when the account has MFA on. A
    wrong code is 403 `reauthentication_failed`; the code dies after 5 wrong tries or 10
    minutes (set the number again for a new one).

    Args:
        body (WhatsappVerification):  Example: {'code': '123456'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Account | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
