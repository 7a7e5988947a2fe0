from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.create_api_key_request import CreateApiKeyRequest
from ...models.issued_api_key import IssuedApiKey
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    *,
    body: CreateApiKeyRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/me/api-keys",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> IssuedApiKey | Problem | None:
    if response.status_code == 201:
        response_201 = IssuedApiKey.from_dict(response.json())

        return response_201

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


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[IssuedApiKey | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateApiKeyRequest,
) -> Response[IssuedApiKey | Problem]:
    """Create an API key for scripts and integrations: it reads what its scopes name (`GET
    /v1/me`, sessions, login history, audit log) as `Authorization: Bearer tsk_…`, and nothing
    else. The key is shown only in this answer. Needs the password, and a current code once MFA
    is on (403 `reauthentication_failed` naming the field otherwise); the account is emailed.

    Args:
        body (CreateApiKeyRequest):  Example: {'expires_at': datetime.datetime(2027, 1, 1, 0, 0,
            tzinfo=datetime.timezone(datetime.timedelta(0), 'Z')), 'name': 'CI pipeline', 'password':
            'correct horse battery staple', 'scopes': ['profile:read']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[IssuedApiKey | Problem]
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
    body: CreateApiKeyRequest,
) -> IssuedApiKey | Problem | None:
    """Create an API key for scripts and integrations: it reads what its scopes name (`GET
    /v1/me`, sessions, login history, audit log) as `Authorization: Bearer tsk_…`, and nothing
    else. The key is shown only in this answer. Needs the password, and a current code once MFA
    is on (403 `reauthentication_failed` naming the field otherwise); the account is emailed.

    Args:
        body (CreateApiKeyRequest):  Example: {'expires_at': datetime.datetime(2027, 1, 1, 0, 0,
            tzinfo=datetime.timezone(datetime.timedelta(0), 'Z')), 'name': 'CI pipeline', 'password':
            'correct horse battery staple', 'scopes': ['profile:read']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        IssuedApiKey | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateApiKeyRequest,
) -> Response[IssuedApiKey | Problem]:
    """Create an API key for scripts and integrations: it reads what its scopes name (`GET
    /v1/me`, sessions, login history, audit log) as `Authorization: Bearer tsk_…`, and nothing
    else. The key is shown only in this answer. Needs the password, and a current code once MFA
    is on (403 `reauthentication_failed` naming the field otherwise); the account is emailed.

    Args:
        body (CreateApiKeyRequest):  Example: {'expires_at': datetime.datetime(2027, 1, 1, 0, 0,
            tzinfo=datetime.timezone(datetime.timedelta(0), 'Z')), 'name': 'CI pipeline', 'password':
            'correct horse battery staple', 'scopes': ['profile:read']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[IssuedApiKey | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: CreateApiKeyRequest,
) -> IssuedApiKey | Problem | None:
    """Create an API key for scripts and integrations: it reads what its scopes name (`GET
    /v1/me`, sessions, login history, audit log) as `Authorization: Bearer tsk_…`, and nothing
    else. The key is shown only in this answer. Needs the password, and a current code once MFA
    is on (403 `reauthentication_failed` naming the field otherwise); the account is emailed.

    Args:
        body (CreateApiKeyRequest):  Example: {'expires_at': datetime.datetime(2027, 1, 1, 0, 0,
            tzinfo=datetime.timezone(datetime.timedelta(0), 'Z')), 'name': 'CI pipeline', 'password':
            'correct horse battery staple', 'scopes': ['profile:read']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        IssuedApiKey | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
