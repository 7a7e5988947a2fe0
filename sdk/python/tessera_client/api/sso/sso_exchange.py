from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.login_authenticated import LoginAuthenticated
from ...models.login_email_verification_required import LoginEmailVerificationRequired
from ...models.login_mfa_enrollment_required import LoginMfaEnrollmentRequired
from ...models.login_mfa_required import LoginMfaRequired
from ...models.login_sso_required import LoginSsoRequired
from ...models.problem import Problem
from ...models.sso_exchange_request import SsoExchangeRequest
from ...types import Response


def _get_kwargs(
    *,
    body: SsoExchangeRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/auth/sso/exchange",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    LoginAuthenticated
    | LoginEmailVerificationRequired
    | LoginMfaEnrollmentRequired
    | LoginMfaRequired
    | LoginSsoRequired
    | Problem
    | None
):
    if response.status_code == 200:

        def _parse_response_200(
            data: object,
        ) -> (
            LoginAuthenticated
            | LoginEmailVerificationRequired
            | LoginMfaEnrollmentRequired
            | LoginMfaRequired
            | LoginSsoRequired
        ):
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_login_response_type_0 = LoginAuthenticated.from_dict(data)

                return componentsschemas_login_response_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_login_response_type_1 = LoginMfaRequired.from_dict(data)

                return componentsschemas_login_response_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_login_response_type_2 = LoginMfaEnrollmentRequired.from_dict(data)

                return componentsschemas_login_response_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_login_response_type_3 = LoginSsoRequired.from_dict(data)

                return componentsschemas_login_response_type_3
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_login_response_type_4 = LoginEmailVerificationRequired.from_dict(data)

            return componentsschemas_login_response_type_4

        response_200 = _parse_response_200(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 423:
        response_423 = Problem.from_dict(response.json())

        return response_423

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
) -> Response[
    LoginAuthenticated
    | LoginEmailVerificationRequired
    | LoginMfaEnrollmentRequired
    | LoginMfaRequired
    | LoginSsoRequired
    | Problem
]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: SsoExchangeRequest,
) -> Response[
    LoginAuthenticated
    | LoginEmailVerificationRequired
    | LoginMfaEnrollmentRequired
    | LoginMfaRequired
    | LoginSsoRequired
    | Problem
]:
    """Turn a browser flow's one-time `login_code` into the sign-in.

     Answers like `POST /v1/auth/login`. 400 `sso_login_code_invalid` when the code is unknown,
    used, or older than 2 minutes, or when `exchange_verifier` does not answer the flow's
    `exchange_challenge` (the code is used up then too).

    Args:
        body (SsoExchangeRequest):  Example: {'exchange_verifier': 'a secret the front-end kept',
            'login_code': 'tsl_…'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LoginAuthenticated | LoginEmailVerificationRequired | LoginMfaEnrollmentRequired | LoginMfaRequired | LoginSsoRequired | Problem]
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
    body: SsoExchangeRequest,
) -> (
    LoginAuthenticated
    | LoginEmailVerificationRequired
    | LoginMfaEnrollmentRequired
    | LoginMfaRequired
    | LoginSsoRequired
    | Problem
    | None
):
    """Turn a browser flow's one-time `login_code` into the sign-in.

     Answers like `POST /v1/auth/login`. 400 `sso_login_code_invalid` when the code is unknown,
    used, or older than 2 minutes, or when `exchange_verifier` does not answer the flow's
    `exchange_challenge` (the code is used up then too).

    Args:
        body (SsoExchangeRequest):  Example: {'exchange_verifier': 'a secret the front-end kept',
            'login_code': 'tsl_…'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LoginAuthenticated | LoginEmailVerificationRequired | LoginMfaEnrollmentRequired | LoginMfaRequired | LoginSsoRequired | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: SsoExchangeRequest,
) -> Response[
    LoginAuthenticated
    | LoginEmailVerificationRequired
    | LoginMfaEnrollmentRequired
    | LoginMfaRequired
    | LoginSsoRequired
    | Problem
]:
    """Turn a browser flow's one-time `login_code` into the sign-in.

     Answers like `POST /v1/auth/login`. 400 `sso_login_code_invalid` when the code is unknown,
    used, or older than 2 minutes, or when `exchange_verifier` does not answer the flow's
    `exchange_challenge` (the code is used up then too).

    Args:
        body (SsoExchangeRequest):  Example: {'exchange_verifier': 'a secret the front-end kept',
            'login_code': 'tsl_…'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LoginAuthenticated | LoginEmailVerificationRequired | LoginMfaEnrollmentRequired | LoginMfaRequired | LoginSsoRequired | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: SsoExchangeRequest,
) -> (
    LoginAuthenticated
    | LoginEmailVerificationRequired
    | LoginMfaEnrollmentRequired
    | LoginMfaRequired
    | LoginSsoRequired
    | Problem
    | None
):
    """Turn a browser flow's one-time `login_code` into the sign-in.

     Answers like `POST /v1/auth/login`. 400 `sso_login_code_invalid` when the code is unknown,
    used, or older than 2 minutes, or when `exchange_verifier` does not answer the flow's
    `exchange_challenge` (the code is used up then too).

    Args:
        body (SsoExchangeRequest):  Example: {'exchange_verifier': 'a secret the front-end kept',
            'login_code': 'tsl_…'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LoginAuthenticated | LoginEmailVerificationRequired | LoginMfaEnrollmentRequired | LoginMfaRequired | LoginSsoRequired | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
