from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.callback import Callback
from ..types import UNSET, Unset

T = TypeVar("T", bound="SsoStartRequest")


@_attrs_define
class SsoStartRequest:
    """
    Example:
        {'email': 'ada@acme.com', 'exchange_challenge': 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', 'redirect_uri':
            'https://app.example.com/sso'}

    Attributes:
        redirect_uri (str): Where the sign-in ends: one of the server's allowed redirect URIs.
        email (None | str | Unset): The person's email: its domain picks the organisation. Give this or `org_id`.
        org_id (None | Unset | UUID): The organisation whose provider to use. Give this or `email`.
        callback (Callback | Unset): Where the provider sends the browser back with the code.
        exchange_challenge (None | str | Unset): Required for the browser flow (`callback: "tessera"`), and only there:
            the base64url
            SHA-256 (S256, as in PKCE) of a random secret the front-end keeps (in
            `sessionStorage`, say) and sends to `POST /v1/auth/sso/exchange` as
            `exchange_verifier`, so that a login code from a sign-in this browser did not start is
            refused (login CSRF).
        code_challenge (None | str | Unset): Required for the app flow (`callback: "client"`), and only there: the PKCE
            (RFC 7636)
            S256 `code_challenge` of a `code_verifier` the app keeps and sends to
            `POST /v1/auth/sso/callback`. The provider binds the code to it, so a code taken from
            the app's redirect is useless alone.
    """

    redirect_uri: str
    email: None | str | Unset = UNSET
    org_id: None | Unset | UUID = UNSET
    callback: Callback | Unset = UNSET
    exchange_challenge: None | str | Unset = UNSET
    code_challenge: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        redirect_uri = self.redirect_uri

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        org_id: None | str | Unset
        if isinstance(self.org_id, Unset):
            org_id = UNSET
        elif isinstance(self.org_id, UUID):
            org_id = str(self.org_id)
        else:
            org_id = self.org_id

        callback: str | Unset = UNSET
        if not isinstance(self.callback, Unset):
            callback = self.callback.value

        exchange_challenge: None | str | Unset
        if isinstance(self.exchange_challenge, Unset):
            exchange_challenge = UNSET
        else:
            exchange_challenge = self.exchange_challenge

        code_challenge: None | str | Unset
        if isinstance(self.code_challenge, Unset):
            code_challenge = UNSET
        else:
            code_challenge = self.code_challenge

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "redirect_uri": redirect_uri,
            }
        )
        if email is not UNSET:
            field_dict["email"] = email
        if org_id is not UNSET:
            field_dict["org_id"] = org_id
        if callback is not UNSET:
            field_dict["callback"] = callback
        if exchange_challenge is not UNSET:
            field_dict["exchange_challenge"] = exchange_challenge
        if code_challenge is not UNSET:
            field_dict["code_challenge"] = code_challenge

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        redirect_uri = d.pop("redirect_uri")

        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        def _parse_org_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                org_id_type_0 = UUID(data)

                return org_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        org_id = _parse_org_id(d.pop("org_id", UNSET))

        _callback = d.pop("callback", UNSET)
        callback: Callback | Unset
        if isinstance(_callback, Unset):
            callback = UNSET
        else:
            callback = Callback(_callback)

        def _parse_exchange_challenge(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        exchange_challenge = _parse_exchange_challenge(d.pop("exchange_challenge", UNSET))

        def _parse_code_challenge(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        code_challenge = _parse_code_challenge(d.pop("code_challenge", UNSET))

        sso_start_request = cls(
            redirect_uri=redirect_uri,
            email=email,
            org_id=org_id,
            callback=callback,
            exchange_challenge=exchange_challenge,
            code_challenge=code_challenge,
        )

        return sso_start_request
