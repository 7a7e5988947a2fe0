from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.introspection import Introspection
from ...models.introspection_request import IntrospectionRequest
from ...models.problem import Problem
from ...types import UNSET, Response


def _get_kwargs(
    *,
    body: IntrospectionRequest | IntrospectionRequest | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/introspect",
    }

    if isinstance(body, IntrospectionRequest):
        _kwargs["json"] = body.to_dict()

        headers["Content-Type"] = "application/json"
    if isinstance(body, IntrospectionRequest):
        _kwargs["data"] = body.to_dict()
        headers["Content-Type"] = "application/x-www-form-urlencoded"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Introspection | Problem | None:
    if response.status_code == 200:
        response_200 = Introspection.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Introspection | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: IntrospectionRequest | IntrospectionRequest | Unset = UNSET,
) -> Response[Introspection | Problem]:
    """Introspect a token (RFC 7662): is this session token or API key live, and whose is it?
    Anything unknown, expired, revoked or of a frozen account is `{"active": false}`. For
    integrators' back-ends, with an introspection key (`tessera admin
    create-introspection-key`) or an operator key; the body is JSON or a form.

    Args:
        body (IntrospectionRequest): An RFC 7662 introspection request. Other parameters OAuth
            clients send are ignored. Example: {'token': 'tss_…'}.
        body (IntrospectionRequest): An RFC 7662 introspection request. Other parameters OAuth
            clients send are ignored. Example: {'token': 'tss_…'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Introspection | Problem]
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
    body: IntrospectionRequest | IntrospectionRequest | Unset = UNSET,
) -> Introspection | Problem | None:
    """Introspect a token (RFC 7662): is this session token or API key live, and whose is it?
    Anything unknown, expired, revoked or of a frozen account is `{"active": false}`. For
    integrators' back-ends, with an introspection key (`tessera admin
    create-introspection-key`) or an operator key; the body is JSON or a form.

    Args:
        body (IntrospectionRequest): An RFC 7662 introspection request. Other parameters OAuth
            clients send are ignored. Example: {'token': 'tss_…'}.
        body (IntrospectionRequest): An RFC 7662 introspection request. Other parameters OAuth
            clients send are ignored. Example: {'token': 'tss_…'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Introspection | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: IntrospectionRequest | IntrospectionRequest | Unset = UNSET,
) -> Response[Introspection | Problem]:
    """Introspect a token (RFC 7662): is this session token or API key live, and whose is it?
    Anything unknown, expired, revoked or of a frozen account is `{"active": false}`. For
    integrators' back-ends, with an introspection key (`tessera admin
    create-introspection-key`) or an operator key; the body is JSON or a form.

    Args:
        body (IntrospectionRequest): An RFC 7662 introspection request. Other parameters OAuth
            clients send are ignored. Example: {'token': 'tss_…'}.
        body (IntrospectionRequest): An RFC 7662 introspection request. Other parameters OAuth
            clients send are ignored. Example: {'token': 'tss_…'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Introspection | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: IntrospectionRequest | IntrospectionRequest | Unset = UNSET,
) -> Introspection | Problem | None:
    """Introspect a token (RFC 7662): is this session token or API key live, and whose is it?
    Anything unknown, expired, revoked or of a frozen account is `{"active": false}`. For
    integrators' back-ends, with an introspection key (`tessera admin
    create-introspection-key`) or an operator key; the body is JSON or a form.

    Args:
        body (IntrospectionRequest): An RFC 7662 introspection request. Other parameters OAuth
            clients send are ignored. Example: {'token': 'tss_…'}.
        body (IntrospectionRequest): An RFC 7662 introspection request. Other parameters OAuth
            clients send are ignored. Example: {'token': 'tss_…'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Introspection | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
