from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.domain import Domain
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    org_id: UUID,
    domain: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/orgs/{org_id}/domains/{domain}/verify".format(
            org_id=quote(str(org_id), safe=""),
            domain=quote(str(domain), safe=""),
        ),
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Domain | Problem | None:
    if response.status_code == 200:
        response_200 = Domain.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Domain | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    org_id: UUID,
    domain: str,
    *,
    client: AuthenticatedClient,
) -> Response[Domain | Problem]:
    """Check the domain's TXT record and verify the domain (owners and admins).

     Looks `_tessera-challenge.<domain>` up in DNS: the domain is verified when one of its TXT
    records is the claim's value; 409 `domain_not_verified` naming what was found otherwise.
    409 `domain_taken` when another organisation verified it first. At most 10 checks an hour
    per organisation (429). A domain verified already answers at once. Audited as
    `domain.verified`.

    Args:
        org_id (UUID):
        domain (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Domain | Problem]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        domain=domain,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    org_id: UUID,
    domain: str,
    *,
    client: AuthenticatedClient,
) -> Domain | Problem | None:
    """Check the domain's TXT record and verify the domain (owners and admins).

     Looks `_tessera-challenge.<domain>` up in DNS: the domain is verified when one of its TXT
    records is the claim's value; 409 `domain_not_verified` naming what was found otherwise.
    409 `domain_taken` when another organisation verified it first. At most 10 checks an hour
    per organisation (429). A domain verified already answers at once. Audited as
    `domain.verified`.

    Args:
        org_id (UUID):
        domain (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Domain | Problem
    """

    return sync_detailed(
        org_id=org_id,
        domain=domain,
        client=client,
    ).parsed


async def asyncio_detailed(
    org_id: UUID,
    domain: str,
    *,
    client: AuthenticatedClient,
) -> Response[Domain | Problem]:
    """Check the domain's TXT record and verify the domain (owners and admins).

     Looks `_tessera-challenge.<domain>` up in DNS: the domain is verified when one of its TXT
    records is the claim's value; 409 `domain_not_verified` naming what was found otherwise.
    409 `domain_taken` when another organisation verified it first. At most 10 checks an hour
    per organisation (429). A domain verified already answers at once. Audited as
    `domain.verified`.

    Args:
        org_id (UUID):
        domain (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Domain | Problem]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        domain=domain,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    org_id: UUID,
    domain: str,
    *,
    client: AuthenticatedClient,
) -> Domain | Problem | None:
    """Check the domain's TXT record and verify the domain (owners and admins).

     Looks `_tessera-challenge.<domain>` up in DNS: the domain is verified when one of its TXT
    records is the claim's value; 409 `domain_not_verified` naming what was found otherwise.
    409 `domain_taken` when another organisation verified it first. At most 10 checks an hour
    per organisation (429). A domain verified already answers at once. Audited as
    `domain.verified`.

    Args:
        org_id (UUID):
        domain (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Domain | Problem
    """

    return (
        await asyncio_detailed(
            org_id=org_id,
            domain=domain,
            client=client,
        )
    ).parsed
