from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.callback import Callback
from ..types import UNSET, Unset

T = TypeVar("T", bound="SsoLinkRequest")


@_attrs_define
class SsoLinkRequest:
    """
    Example:
        {'org_id': '01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a', 'password': 'correct horse battery staple', 'redirect_uri':
            'https://app.example.com/sso'}

    Attributes:
        org_id (UUID):
        redirect_uri (str): Where the sign-in ends: one of the server's allowed redirect URIs.
        callback (Callback | Unset): Where the provider sends the browser back with the code.
        exchange_challenge (None | str | Unset): Required for the browser flow (`callback: "tessera"`), as at `POST
            /v1/auth/sso/start`:
            a link is a sign-in too, and a login code planted in this browser must not link
            another identity.
        code_challenge (None | str | Unset): Required for the app flow (`callback: "client"`), as at `POST
            /v1/auth/sso/start`.
        password (None | str | Unset): The account's password (accounts provisioned by SSO: a recent SSO sign-in
            instead).
        code (None | str | Unset): A current authenticator code or an unused recovery code: required once MFA is on.
            Example: 123456.
    """

    org_id: UUID
    redirect_uri: str
    callback: Callback | Unset = UNSET
    exchange_challenge: None | str | Unset = UNSET
    code_challenge: None | str | Unset = UNSET
    password: None | str | Unset = UNSET
    code: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        org_id = str(self.org_id)

        redirect_uri = self.redirect_uri

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

        password: None | str | Unset
        if isinstance(self.password, Unset):
            password = UNSET
        else:
            password = self.password

        code: None | str | Unset
        if isinstance(self.code, Unset):
            code = UNSET
        else:
            code = self.code

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "org_id": org_id,
                "redirect_uri": redirect_uri,
            }
        )
        if callback is not UNSET:
            field_dict["callback"] = callback
        if exchange_challenge is not UNSET:
            field_dict["exchange_challenge"] = exchange_challenge
        if code_challenge is not UNSET:
            field_dict["code_challenge"] = code_challenge
        if password is not UNSET:
            field_dict["password"] = password
        if code is not UNSET:
            field_dict["code"] = code

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        org_id = UUID(d.pop("org_id"))

        redirect_uri = d.pop("redirect_uri")

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

        def _parse_password(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        password = _parse_password(d.pop("password", UNSET))

        def _parse_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        code = _parse_code(d.pop("code", UNSET))

        sso_link_request = cls(
            org_id=org_id,
            redirect_uri=redirect_uri,
            callback=callback,
            exchange_challenge=exchange_challenge,
            code_challenge=code_challenge,
            password=password,
            code=code,
        )

        return sso_link_request
