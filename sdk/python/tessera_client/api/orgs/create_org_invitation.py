from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.invitation import Invitation
from ...models.invitation_request import InvitationRequest
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    org_id: UUID,
    *,
    body: InvitationRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/orgs/{org_id}/invitations".format(
            org_id=quote(str(org_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Invitation | Problem | None:
    if response.status_code == 201:
        response_201 = Invitation.from_dict(response.json())

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
) -> Response[Invitation | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    org_id: UUID,
    *,
    client: AuthenticatedClient,
    body: InvitationRequest,
) -> Response[Invitation | Problem]:
    """Invite an address to the organisation (owners and admins; only owners invite owners and
    admins). An email with a link (`TESSERA_INVITE_URL`, a `tsn_` token, 7 days, single use)
    goes to the address; a pending invitation of the same address is replaced. An account
    sends at most 50 invitations an hour, and an address receives at most 5 (429
    `rate_limited`).

    Args:
        org_id (UUID):
        body (InvitationRequest):  Example: {'email': 'grace@example.com', 'role': 'member'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Invitation | Problem]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    org_id: UUID,
    *,
    client: AuthenticatedClient,
    body: InvitationRequest,
) -> Invitation | Problem | None:
    """Invite an address to the organisation (owners and admins; only owners invite owners and
    admins). An email with a link (`TESSERA_INVITE_URL`, a `tsn_` token, 7 days, single use)
    goes to the address; a pending invitation of the same address is replaced. An account
    sends at most 50 invitations an hour, and an address receives at most 5 (429
    `rate_limited`).

    Args:
        org_id (UUID):
        body (InvitationRequest):  Example: {'email': 'grace@example.com', 'role': 'member'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Invitation | Problem
    """

    return sync_detailed(
        org_id=org_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    org_id: UUID,
    *,
    client: AuthenticatedClient,
    body: InvitationRequest,
) -> Response[Invitation | Problem]:
    """Invite an address to the organisation (owners and admins; only owners invite owners and
    admins). An email with a link (`TESSERA_INVITE_URL`, a `tsn_` token, 7 days, single use)
    goes to the address; a pending invitation of the same address is replaced. An account
    sends at most 50 invitations an hour, and an address receives at most 5 (429
    `rate_limited`).

    Args:
        org_id (UUID):
        body (InvitationRequest):  Example: {'email': 'grace@example.com', 'role': 'member'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Invitation | Problem]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    org_id: UUID,
    *,
    client: AuthenticatedClient,
    body: InvitationRequest,
) -> Invitation | Problem | None:
    """Invite an address to the organisation (owners and admins; only owners invite owners and
    admins). An email with a link (`TESSERA_INVITE_URL`, a `tsn_` token, 7 days, single use)
    goes to the address; a pending invitation of the same address is replaced. An account
    sends at most 50 invitations an hour, and an address receives at most 5 (429
    `rate_limited`).

    Args:
        org_id (UUID):
        body (InvitationRequest):  Example: {'email': 'grace@example.com', 'role': 'member'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Invitation | Problem
    """

    return (
        await asyncio_detailed(
            org_id=org_id,
            client=client,
            body=body,
        )
    ).parsed
