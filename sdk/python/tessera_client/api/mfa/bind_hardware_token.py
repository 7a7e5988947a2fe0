from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.activation_answer import ActivationAnswer
from ...models.bind_token_request import BindTokenRequest
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    *,
    body: BindTokenRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/me/mfa/hardware-token",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ActivationAnswer | Problem | None:
    if response.status_code == 200:
        response_200 = ActivationAnswer.from_dict(response.json())

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

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

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
) -> Response[ActivationAnswer | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: BindTokenRequest,
) -> Response[ActivationAnswer | Problem]:
    """Bind one of your organisation's hardware tokens as your second factor, by proving a code
    from it. With a session, the password is needed too, and once MFA is on a current code
    (`mfa_code`) as for every new way in. Also open to the bearer of an enrolment ticket, whose
    login it then completes.

    Args:
        body (BindTokenRequest):  Example: {'code': '12345678', 'org_id':
            '01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a', 'serial': 'FT-0001'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ActivationAnswer | Problem]
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
    body: BindTokenRequest,
) -> ActivationAnswer | Problem | None:
    """Bind one of your organisation's hardware tokens as your second factor, by proving a code
    from it. With a session, the password is needed too, and once MFA is on a current code
    (`mfa_code`) as for every new way in. Also open to the bearer of an enrolment ticket, whose
    login it then completes.

    Args:
        body (BindTokenRequest):  Example: {'code': '12345678', 'org_id':
            '01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a', 'serial': 'FT-0001'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ActivationAnswer | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: BindTokenRequest,
) -> Response[ActivationAnswer | Problem]:
    """Bind one of your organisation's hardware tokens as your second factor, by proving a code
    from it. With a session, the password is needed too, and once MFA is on a current code
    (`mfa_code`) as for every new way in. Also open to the bearer of an enrolment ticket, whose
    login it then completes.

    Args:
        body (BindTokenRequest):  Example: {'code': '12345678', 'org_id':
            '01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a', 'serial': 'FT-0001'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ActivationAnswer | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: BindTokenRequest,
) -> ActivationAnswer | Problem | None:
    """Bind one of your organisation's hardware tokens as your second factor, by proving a code
    from it. With a session, the password is needed too, and once MFA is on a current code
    (`mfa_code`) as for every new way in. Also open to the bearer of an enrolment ticket, whose
    login it then completes.

    Args:
        body (BindTokenRequest):  Example: {'code': '12345678', 'org_id':
            '01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a', 'serial': 'FT-0001'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ActivationAnswer | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
