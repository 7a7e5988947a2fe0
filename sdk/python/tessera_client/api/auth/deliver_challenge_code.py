from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.deliver_code_request import DeliverCodeRequest
from ...models.problem import Problem
from ...models.sent_code import SentCode
from ...types import Response


def _get_kwargs(
    id: str,
    *,
    body: DeliverCodeRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/auth/challenges/{id}/deliver".format(
            id=quote(str(id), safe=""),
        ),
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

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 410:
        response_410 = Problem.from_dict(response.json())

        return response_410

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
    id: str,
    *,
    client: AuthenticatedClient,
    body: DeliverCodeRequest,
) -> Response[Problem | SentCode]:
    """Send a code for a login challenge by SMS or WhatsApp; answer the challenge with it (and
    the same `method`) within 10 minutes. Another code may be asked for after 30 seconds, at
    most 5 an hour per account (429 `rate_limited` with `Retry-After`).

    Args:
        id (str):
        body (DeliverCodeRequest):  Example: {'method': 'sms'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SentCode]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: str,
    *,
    client: AuthenticatedClient,
    body: DeliverCodeRequest,
) -> Problem | SentCode | None:
    """Send a code for a login challenge by SMS or WhatsApp; answer the challenge with it (and
    the same `method`) within 10 minutes. Another code may be asked for after 30 seconds, at
    most 5 an hour per account (429 `rate_limited` with `Retry-After`).

    Args:
        id (str):
        body (DeliverCodeRequest):  Example: {'method': 'sms'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SentCode
    """

    return sync_detailed(
        id=id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    id: str,
    *,
    client: AuthenticatedClient,
    body: DeliverCodeRequest,
) -> Response[Problem | SentCode]:
    """Send a code for a login challenge by SMS or WhatsApp; answer the challenge with it (and
    the same `method`) within 10 minutes. Another code may be asked for after 30 seconds, at
    most 5 an hour per account (429 `rate_limited` with `Retry-After`).

    Args:
        id (str):
        body (DeliverCodeRequest):  Example: {'method': 'sms'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SentCode]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: str,
    *,
    client: AuthenticatedClient,
    body: DeliverCodeRequest,
) -> Problem | SentCode | None:
    """Send a code for a login challenge by SMS or WhatsApp; answer the challenge with it (and
    the same `method`) within 10 minutes. Another code may be asked for after 30 seconds, at
    most 5 an hour per account (429 `rate_limited` with `Retry-After`).

    Args:
        id (str):
        body (DeliverCodeRequest):  Example: {'method': 'sms'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SentCode
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
        )
    ).parsed
