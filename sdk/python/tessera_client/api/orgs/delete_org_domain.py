from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    org_id: UUID,
    domain: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/v1/orgs/{org_id}/domains/{domain}".format(
            org_id=quote(str(org_id), safe=""),
            domain=quote(str(domain), safe=""),
        ),
    }

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
    org_id: UUID,
    domain: str,
    *,
    client: AuthenticatedClient,
) -> Response[Any | Problem]:
    """Remove a domain from the organisation (owners and admins).

     A verified domain stops routing single sign-on and provisioning accounts at once (the
    links made stay). Audited as `domain.removed`.

    Args:
        org_id (UUID):
        domain (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
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
) -> Any | Problem | None:
    """Remove a domain from the organisation (owners and admins).

     A verified domain stops routing single sign-on and provisioning accounts at once (the
    links made stay). Audited as `domain.removed`.

    Args:
        org_id (UUID):
        domain (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
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
) -> Response[Any | Problem]:
    """Remove a domain from the organisation (owners and admins).

     A verified domain stops routing single sign-on and provisioning accounts at once (the
    links made stay). Audited as `domain.removed`.

    Args:
        org_id (UUID):
        domain (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem]
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
) -> Any | Problem | None:
    """Remove a domain from the organisation (owners and admins).

     A verified domain stops routing single sign-on and provisioning accounts at once (the
    links made stay). Audited as `domain.removed`.

    Args:
        org_id (UUID):
        domain (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem
    """

    return (
        await asyncio_detailed(
            org_id=org_id,
            domain=domain,
            client=client,
        )
    ).parsed
