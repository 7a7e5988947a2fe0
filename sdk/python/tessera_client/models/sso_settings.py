from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.sso_mfa import SsoMfa

T = TypeVar("T", bound="SsoSettings")


@_attrs_define
class SsoSettings:
    """The settings as the API shows them: never the client secret.

    Attributes:
        issuer (str):  Example: https://acme.okta.com.
        client_id (str):  Example: 0oa1b2c3d4.
        email_domains (list[str]): Sign-ins for emails at these domains go through the provider: verified domains of the
            organisation. (A domain listed from before domains were verified routes nothing until
            it is verified.) Example: ['acme.com'].
        mfa (SsoMfa): Who checks the second factor of the organisation's SSO sign-ins.
        auto_provision (bool): Whether the provider's users without an account get one at their first sign-in.
        callback_url (str): The redirect URI to register at the provider for the browser flow
            (`callback: "tessera"`). Example: https://auth.example.com/v1/auth/sso/callback.
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    issuer: str
    client_id: str
    email_domains: list[str]
    mfa: SsoMfa
    auto_provision: bool
    callback_url: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        issuer = self.issuer

        client_id = self.client_id

        email_domains = self.email_domains

        mfa = self.mfa.value

        auto_provision = self.auto_provision

        callback_url = self.callback_url

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "issuer": issuer,
                "client_id": client_id,
                "email_domains": email_domains,
                "mfa": mfa,
                "auto_provision": auto_provision,
                "callback_url": callback_url,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        issuer = d.pop("issuer")

        client_id = d.pop("client_id")

        email_domains = cast(list[str], d.pop("email_domains"))

        mfa = SsoMfa(d.pop("mfa"))

        auto_provision = d.pop("auto_provision")

        callback_url = d.pop("callback_url")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        sso_settings = cls(
            issuer=issuer,
            client_id=client_id,
            email_domains=email_domains,
            mfa=mfa,
            auto_provision=auto_provision,
            callback_url=callback_url,
            created_at=created_at,
            updated_at=updated_at,
        )

        sso_settings.additional_properties = d
        return sso_settings

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
