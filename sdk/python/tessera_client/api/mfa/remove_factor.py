from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.step_up_request import StepUpRequest
from ...types import Response


def _get_kwargs(
    id: str,
    *,
    body: StepUpRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/v1/me/mfa/factors/{id}".format(
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Problem | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | Problem]:
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
    body: StepUpRequest,
) -> Response[Any | Problem]:
    """Remove one second factor. Needs the password and a code (from any active factor — for SMS
    or WhatsApp, one sent with `POST /v1/me/mfa/codes` — or a recovery code). Removing the last factor
    turns MFA off, as `POST /v1/me/mfa/disable` does
    (recovery codes go too), and is refused while an organisation requires MFA (409).

    Args:
        id (str):
        body (StepUpRequest):  Example: {'code': '123456', 'password': 'correct horse battery
            staple'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
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
    body: StepUpRequest,
) -> Any | Problem | None:
    """Remove one second factor. Needs the password and a code (from any active factor — for SMS
    or WhatsApp, one sent with `POST /v1/me/mfa/codes` — or a recovery code). Removing the last factor
    turns MFA off, as `POST /v1/me/mfa/disable` does
    (recovery codes go too), and is refused while an organisation requires MFA (409).

    Args:
        id (str):
        body (StepUpRequest):  Example: {'code': '123456', 'password': 'correct horse battery
            staple'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
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
    body: StepUpRequest,
) -> Response[Any | Problem]:
    """Remove one second factor. Needs the password and a code (from any active factor — for SMS
    or WhatsApp, one sent with `POST /v1/me/mfa/codes` — or a recovery code). Removing the last factor
    turns MFA off, as `POST /v1/me/mfa/disable` does
    (recovery codes go too), and is refused while an organisation requires MFA (409).

    Args:
        id (str):
        body (StepUpRequest):  Example: {'code': '123456', 'password': 'correct horse battery
            staple'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
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
    body: StepUpRequest,
) -> Any | Problem | None:
    """Remove one second factor. Needs the password and a code (from any active factor — for SMS
    or WhatsApp, one sent with `POST /v1/me/mfa/codes` — or a recovery code). Removing the last factor
    turns MFA off, as `POST /v1/me/mfa/disable` does
    (recovery codes go too), and is refused while an organisation requires MFA (409).

    Args:
        id (str):
        body (StepUpRequest):  Example: {'code': '123456', 'password': 'correct horse battery
            staple'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
        )
    ).parsed
