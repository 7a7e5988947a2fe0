from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.activation_answer import ActivationAnswer
from ...models.code_confirmation import CodeConfirmation
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    id: UUID,
    *,
    body: CodeConfirmation,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/me/mfa/factors/{id}/activate".format(
            id=quote(str(id), safe=""),
        ),
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

    if response.status_code == 410:
        response_410 = Problem.from_dict(response.json())

        return response_410

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
    id: UUID,
    *,
    client: AuthenticatedClient,
    body: CodeConfirmation,
) -> Response[ActivationAnswer | Problem]:
    """Activate a pending factor with a code from the app.

     For the account's first factor the answer carries 8 recovery codes, shown only here. Also
    open to the bearer of an enrolment ticket: the ticket is used up and the answer carries the
    session (aal2) its login was waiting for.
    With MFA on, every other session of the account is signed out (they proved only the
    password) and this one becomes `aal2`. A wrong code answers 403 `reauthentication_failed`
    with `attempts_remaining`; after 5 the pending factor is gone (410) and enrolment starts
    over.

    Args:
        id (UUID):
        body (CodeConfirmation):  Example: {'code': '123456'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ActivationAnswer | Problem]
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
    id: UUID,
    *,
    client: AuthenticatedClient,
    body: CodeConfirmation,
) -> ActivationAnswer | Problem | None:
    """Activate a pending factor with a code from the app.

     For the account's first factor the answer carries 8 recovery codes, shown only here. Also
    open to the bearer of an enrolment ticket: the ticket is used up and the answer carries the
    session (aal2) its login was waiting for.
    With MFA on, every other session of the account is signed out (they proved only the
    password) and this one becomes `aal2`. A wrong code answers 403 `reauthentication_failed`
    with `attempts_remaining`; after 5 the pending factor is gone (410) and enrolment starts
    over.

    Args:
        id (UUID):
        body (CodeConfirmation):  Example: {'code': '123456'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ActivationAnswer | Problem
    """

    return sync_detailed(
        id=id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient,
    body: CodeConfirmation,
) -> Response[ActivationAnswer | Problem]:
    """Activate a pending factor with a code from the app.

     For the account's first factor the answer carries 8 recovery codes, shown only here. Also
    open to the bearer of an enrolment ticket: the ticket is used up and the answer carries the
    session (aal2) its login was waiting for.
    With MFA on, every other session of the account is signed out (they proved only the
    password) and this one becomes `aal2`. A wrong code answers 403 `reauthentication_failed`
    with `attempts_remaining`; after 5 the pending factor is gone (410) and enrolment starts
    over.

    Args:
        id (UUID):
        body (CodeConfirmation):  Example: {'code': '123456'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ActivationAnswer | Problem]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: UUID,
    *,
    client: AuthenticatedClient,
    body: CodeConfirmation,
) -> ActivationAnswer | Problem | None:
    """Activate a pending factor with a code from the app.

     For the account's first factor the answer carries 8 recovery codes, shown only here. Also
    open to the bearer of an enrolment ticket: the ticket is used up and the answer carries the
    session (aal2) its login was waiting for.
    With MFA on, every other session of the account is signed out (they proved only the
    password) and this one becomes `aal2`. A wrong code answers 403 `reauthentication_failed`
    with `attempts_remaining`; after 5 the pending factor is gone (410) and enrolment starts
    over.

    Args:
        id (UUID):
        body (CodeConfirmation):  Example: {'code': '123456'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ActivationAnswer | Problem
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
        )
    ).parsed
