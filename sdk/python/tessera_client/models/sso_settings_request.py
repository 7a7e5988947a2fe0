from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.sso_mfa import SsoMfa
from ..types import UNSET, Unset

T = TypeVar("T", bound="SsoSettingsRequest")


@_attrs_define
class SsoSettingsRequest:
    """
    Example:
        {'auto_provision': True, 'client_id': '0oa1b2c3d4', 'client_secret': '…', 'email_domains': ['acme.com'],
            'issuer': 'https://acme.okta.com', 'mfa': 'idp'}

    Attributes:
        issuer (str): The provider's issuer URL, exactly as its ID tokens name it; its discovery document
            (`/.well-known/openid-configuration`) must answer.
        client_id (str):
        email_domains (list[str]): Email domains whose people sign in at this provider: verified domains of the
            organisation (`POST /v1/orgs/{org_id}/domains`; 422 with `domain_not_verified` on the
            field otherwise).
        mfa (SsoMfa): Who checks the second factor of the organisation's SSO sign-ins.
        client_secret (None | str | Unset): Stored sealed; never shown again. Leave it out to keep the stored one — only
            while
            the issuer and client id stay the same (a new provider gets its own secret; the old
            one is never sent elsewhere).
        auto_provision (bool | Unset):
        password (None | str | Unset): Your password: naming the provider members sign in at grants a way into their
            accounts.
        code (None | str | Unset): A current authenticator or recovery code: required with `password` once your MFA is
            on.
    """

    issuer: str
    client_id: str
    email_domains: list[str]
    mfa: SsoMfa
    client_secret: None | str | Unset = UNSET
    auto_provision: bool | Unset = UNSET
    password: None | str | Unset = UNSET
    code: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        issuer = self.issuer

        client_id = self.client_id

        email_domains = self.email_domains

        mfa = self.mfa.value

        client_secret: None | str | Unset
        if isinstance(self.client_secret, Unset):
            client_secret = UNSET
        else:
            client_secret = self.client_secret

        auto_provision = self.auto_provision

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
                "issuer": issuer,
                "client_id": client_id,
                "email_domains": email_domains,
                "mfa": mfa,
            }
        )
        if client_secret is not UNSET:
            field_dict["client_secret"] = client_secret
        if auto_provision is not UNSET:
            field_dict["auto_provision"] = auto_provision
        if password is not UNSET:
            field_dict["password"] = password
        if code is not UNSET:
            field_dict["code"] = code

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        issuer = d.pop("issuer")

        client_id = d.pop("client_id")

        email_domains = cast(list[str], d.pop("email_domains"))

        mfa = SsoMfa(d.pop("mfa"))

        def _parse_client_secret(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        client_secret = _parse_client_secret(d.pop("client_secret", UNSET))

        auto_provision = d.pop("auto_provision", UNSET)

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

        sso_settings_request = cls(
            issuer=issuer,
            client_id=client_id,
            email_domains=email_domains,
            mfa=mfa,
            client_secret=client_secret,
            auto_provision=auto_provision,
            password=password,
            code=code,
        )

        return sso_settings_request
