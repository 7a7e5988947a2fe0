from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.password_confirmation import PasswordConfirmation
from ...models.problem import Problem
from ...models.totp_enrolment import TotpEnrolment
from ...types import Response


def _get_kwargs(
    *,
    body: PasswordConfirmation,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/me/mfa/totp",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | TotpEnrolment | None:
    if response.status_code == 201:
        response_201 = TotpEnrolment.from_dict(response.json())

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
) -> Response[Problem | TotpEnrolment]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: PasswordConfirmation,
) -> Response[Problem | TotpEnrolment]:
    """Start adding an authenticator app.

     Also open to the bearer of an enrolment ticket (login's `mfa_enrollment_required`), who
    sends no password.

    Returns a pending factor: the secret (for manual entry), the `otpauth://` URI and the same
    as a QR code. It becomes active once a code from the app is proven with
    `POST /v1/me/mfa/factors/{id}/activate`, within 10 minutes.

    Args:
        body (PasswordConfirmation):  Example: {'password': 'correct horse battery staple'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TotpEnrolment]
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
    body: PasswordConfirmation,
) -> Problem | TotpEnrolment | None:
    """Start adding an authenticator app.

     Also open to the bearer of an enrolment ticket (login's `mfa_enrollment_required`), who
    sends no password.

    Returns a pending factor: the secret (for manual entry), the `otpauth://` URI and the same
    as a QR code. It becomes active once a code from the app is proven with
    `POST /v1/me/mfa/factors/{id}/activate`, within 10 minutes.

    Args:
        body (PasswordConfirmation):  Example: {'password': 'correct horse battery staple'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TotpEnrolment
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: PasswordConfirmation,
) -> Response[Problem | TotpEnrolment]:
    """Start adding an authenticator app.

     Also open to the bearer of an enrolment ticket (login's `mfa_enrollment_required`), who
    sends no password.

    Returns a pending factor: the secret (for manual entry), the `otpauth://` URI and the same
    as a QR code. It becomes active once a code from the app is proven with
    `POST /v1/me/mfa/factors/{id}/activate`, within 10 minutes.

    Args:
        body (PasswordConfirmation):  Example: {'password': 'correct horse battery staple'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TotpEnrolment]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: PasswordConfirmation,
) -> Problem | TotpEnrolment | None:
    """Start adding an authenticator app.

     Also open to the bearer of an enrolment ticket (login's `mfa_enrollment_required`), who
    sends no password.

    Returns a pending factor: the secret (for manual entry), the `otpauth://` URI and the same
    as a QR code. It becomes active once a code from the app is proven with
    `POST /v1/me/mfa/factors/{id}/activate`, within 10 minutes.

    Args:
        body (PasswordConfirmation):  Example: {'password': 'correct horse battery staple'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TotpEnrolment
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
