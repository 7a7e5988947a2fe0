from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.member_mfa import MemberMfa
from ...models.problem import Problem
from ...models.reset_mfa_request import ResetMfaRequest
from ...types import Response


def _get_kwargs(
    org_id: UUID,
    account_id: UUID,
    *,
    body: ResetMfaRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/orgs/{org_id}/members/{account_id}/mfa/reset".format(
            org_id=quote(str(org_id), safe=""),
            account_id=quote(str(account_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> MemberMfa | Problem | None:
    if response.status_code == 200:
        response_200 = MemberMfa.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[MemberMfa | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    org_id: UUID,
    account_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ResetMfaRequest,
) -> Response[MemberMfa | Problem]:
    """Reset a member's MFA (a lost phone): factors and recovery codes are removed, the member's
    sessions end, and the enforcement clock starts again (owners and admins, for accounts the
    organisation manages). Asks for your password, and a current code once your MFA is on
    (403 `reauthentication_failed` naming the field): a stolen session alone strips nobody's
    MFA.

    Args:
        org_id (UUID):
        account_id (UUID):
        body (ResetMfaRequest): The proof a reset of a member's MFA asks of the admin. Example:
            {'code': '123456', 'password': 'correct horse battery staple'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MemberMfa | Problem]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        account_id=account_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    org_id: UUID,
    account_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ResetMfaRequest,
) -> MemberMfa | Problem | None:
    """Reset a member's MFA (a lost phone): factors and recovery codes are removed, the member's
    sessions end, and the enforcement clock starts again (owners and admins, for accounts the
    organisation manages). Asks for your password, and a current code once your MFA is on
    (403 `reauthentication_failed` naming the field): a stolen session alone strips nobody's
    MFA.

    Args:
        org_id (UUID):
        account_id (UUID):
        body (ResetMfaRequest): The proof a reset of a member's MFA asks of the admin. Example:
            {'code': '123456', 'password': 'correct horse battery staple'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MemberMfa | Problem
    """

    return sync_detailed(
        org_id=org_id,
        account_id=account_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    org_id: UUID,
    account_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ResetMfaRequest,
) -> Response[MemberMfa | Problem]:
    """Reset a member's MFA (a lost phone): factors and recovery codes are removed, the member's
    sessions end, and the enforcement clock starts again (owners and admins, for accounts the
    organisation manages). Asks for your password, and a current code once your MFA is on
    (403 `reauthentication_failed` naming the field): a stolen session alone strips nobody's
    MFA.

    Args:
        org_id (UUID):
        account_id (UUID):
        body (ResetMfaRequest): The proof a reset of a member's MFA asks of the admin. Example:
            {'code': '123456', 'password': 'correct horse battery staple'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MemberMfa | Problem]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        account_id=account_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    org_id: UUID,
    account_id: UUID,
    *,
    client: AuthenticatedClient,
    body: ResetMfaRequest,
) -> MemberMfa | Problem | None:
    """Reset a member's MFA (a lost phone): factors and recovery codes are removed, the member's
    sessions end, and the enforcement clock starts again (owners and admins, for accounts the
    organisation manages). Asks for your password, and a current code once your MFA is on
    (403 `reauthentication_failed` naming the field): a stolen session alone strips nobody's
    MFA.

    Args:
        org_id (UUID):
        account_id (UUID):
        body (ResetMfaRequest): The proof a reset of a member's MFA asks of the admin. Example:
            {'code': '123456', 'password': 'correct horse battery staple'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MemberMfa | Problem
    """

    return (
        await asyncio_detailed(
            org_id=org_id,
            account_id=account_id,
            client=client,
            body=body,
        )
    ).parsed
