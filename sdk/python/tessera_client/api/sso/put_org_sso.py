from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.sso_settings import SsoSettings
from ...models.sso_settings_request import SsoSettingsRequest
from ...types import Response


def _get_kwargs(
    org_id: UUID,
    *,
    body: SsoSettingsRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/orgs/{org_id}/sso".format(
            org_id=quote(str(org_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | SsoSettings | None:
    if response.status_code == 200:
        response_200 = SsoSettings.from_dict(response.json())

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

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | SsoSettings]:
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
    body: SsoSettingsRequest,
) -> Response[Problem | SsoSettings]:
    """Set the organisation's single sign-on (owners and admins).

     Replaces any earlier settings. The provider's discovery document is fetched to check the
    issuer (422 `validation_failed` on `issuer` when it cannot be). The issuer and every
    endpoint the document names must be https URLs whose every address is public (`invalid_url`
    on `issuer` otherwise; nothing is fetched from an address refused). Audited as
    `sso.configured`.

    Args:
        org_id (UUID):
        body (SsoSettingsRequest):  Example: {'auto_provision': True, 'client_id': '0oa1b2c3d4',
            'client_secret': '…', 'email_domains': ['acme.com'], 'issuer': 'https://acme.okta.com',
            'mfa': 'idp'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SsoSettings]
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
    body: SsoSettingsRequest,
) -> Problem | SsoSettings | None:
    """Set the organisation's single sign-on (owners and admins).

     Replaces any earlier settings. The provider's discovery document is fetched to check the
    issuer (422 `validation_failed` on `issuer` when it cannot be). The issuer and every
    endpoint the document names must be https URLs whose every address is public (`invalid_url`
    on `issuer` otherwise; nothing is fetched from an address refused). Audited as
    `sso.configured`.

    Args:
        org_id (UUID):
        body (SsoSettingsRequest):  Example: {'auto_provision': True, 'client_id': '0oa1b2c3d4',
            'client_secret': '…', 'email_domains': ['acme.com'], 'issuer': 'https://acme.okta.com',
            'mfa': 'idp'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SsoSettings
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
    body: SsoSettingsRequest,
) -> Response[Problem | SsoSettings]:
    """Set the organisation's single sign-on (owners and admins).

     Replaces any earlier settings. The provider's discovery document is fetched to check the
    issuer (422 `validation_failed` on `issuer` when it cannot be). The issuer and every
    endpoint the document names must be https URLs whose every address is public (`invalid_url`
    on `issuer` otherwise; nothing is fetched from an address refused). Audited as
    `sso.configured`.

    Args:
        org_id (UUID):
        body (SsoSettingsRequest):  Example: {'auto_provision': True, 'client_id': '0oa1b2c3d4',
            'client_secret': '…', 'email_domains': ['acme.com'], 'issuer': 'https://acme.okta.com',
            'mfa': 'idp'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SsoSettings]
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
    body: SsoSettingsRequest,
) -> Problem | SsoSettings | None:
    """Set the organisation's single sign-on (owners and admins).

     Replaces any earlier settings. The provider's discovery document is fetched to check the
    issuer (422 `validation_failed` on `issuer` when it cannot be). The issuer and every
    endpoint the document names must be https URLs whose every address is public (`invalid_url`
    on `issuer` otherwise; nothing is fetched from an address refused). Audited as
    `sso.configured`.

    Args:
        org_id (UUID):
        body (SsoSettingsRequest):  Example: {'auto_provision': True, 'client_id': '0oa1b2c3d4',
            'client_secret': '…', 'email_domains': ['acme.com'], 'issuer': 'https://acme.okta.com',
            'mfa': 'idp'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SsoSettings
    """

    return (
        await asyncio_detailed(
            org_id=org_id,
            client=client,
            body=body,
        )
    ).parsed
