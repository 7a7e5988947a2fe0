from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.domain import Domain
from ...models.domain_request import DomainRequest
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    org_id: UUID,
    *,
    body: DomainRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/orgs/{org_id}/domains".format(
            org_id=quote(str(org_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Domain | Problem | None:
    if response.status_code == 200:
        response_200 = Domain.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = Domain.from_dict(response.json())

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

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Domain | Problem]:
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
    body: DomainRequest,
) -> Response[Domain | Problem]:
    """Claim a domain for the organisation (owners and admins).

     Answers the TXT record to publish (`_tessera-challenge.<domain>`); then ask for the check
    (`POST …/domains/{domain}/verify`). A claim proves nothing: only a verified domain routes
    single sign-on, provisions accounts, or makes the organisation's provider trusted for its
    emails. Several organisations may claim a domain; the first to verify it has it (409
    `domain_taken` for the others). Claiming a domain the organisation claims already answers
    that claim (200). At most 50 per organisation (409 `limit_reached`). Audited as
    `domain.added`.

    Args:
        org_id (UUID):
        body (DomainRequest):  Example: {'domain': 'acme.com'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Domain | Problem]
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
    body: DomainRequest,
) -> Domain | Problem | None:
    """Claim a domain for the organisation (owners and admins).

     Answers the TXT record to publish (`_tessera-challenge.<domain>`); then ask for the check
    (`POST …/domains/{domain}/verify`). A claim proves nothing: only a verified domain routes
    single sign-on, provisions accounts, or makes the organisation's provider trusted for its
    emails. Several organisations may claim a domain; the first to verify it has it (409
    `domain_taken` for the others). Claiming a domain the organisation claims already answers
    that claim (200). At most 50 per organisation (409 `limit_reached`). Audited as
    `domain.added`.

    Args:
        org_id (UUID):
        body (DomainRequest):  Example: {'domain': 'acme.com'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Domain | Problem
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
    body: DomainRequest,
) -> Response[Domain | Problem]:
    """Claim a domain for the organisation (owners and admins).

     Answers the TXT record to publish (`_tessera-challenge.<domain>`); then ask for the check
    (`POST …/domains/{domain}/verify`). A claim proves nothing: only a verified domain routes
    single sign-on, provisions accounts, or makes the organisation's provider trusted for its
    emails. Several organisations may claim a domain; the first to verify it has it (409
    `domain_taken` for the others). Claiming a domain the organisation claims already answers
    that claim (200). At most 50 per organisation (409 `limit_reached`). Audited as
    `domain.added`.

    Args:
        org_id (UUID):
        body (DomainRequest):  Example: {'domain': 'acme.com'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Domain | Problem]
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
    body: DomainRequest,
) -> Domain | Problem | None:
    """Claim a domain for the organisation (owners and admins).

     Answers the TXT record to publish (`_tessera-challenge.<domain>`); then ask for the check
    (`POST …/domains/{domain}/verify`). A claim proves nothing: only a verified domain routes
    single sign-on, provisions accounts, or makes the organisation's provider trusted for its
    emails. Several organisations may claim a domain; the first to verify it has it (409
    `domain_taken` for the others). Claiming a domain the organisation claims already answers
    that claim (200). At most 50 per organisation (409 `limit_reached`). Audited as
    `domain.added`.

    Args:
        org_id (UUID):
        body (DomainRequest):  Example: {'domain': 'acme.com'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Domain | Problem
    """

    return (
        await asyncio_detailed(
            org_id=org_id,
            client=client,
            body=body,
        )
    ).parsed
