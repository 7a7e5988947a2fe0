from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SsoStarted")


@_attrs_define
class SsoStarted:
    """
    Attributes:
        authorization_url (str): Send the browser here (the provider's authorization endpoint, with PKCE). Example:
            https://acme.okta.com/oauth2/v1/authorize?response_type=code&….
        org_id (str):
        expires_at (datetime.datetime): The sign-in must come back before this.
    """

    authorization_url: str
    org_id: str
    expires_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        authorization_url = self.authorization_url

        org_id = self.org_id

        expires_at = self.expires_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "authorization_url": authorization_url,
                "org_id": org_id,
                "expires_at": expires_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        authorization_url = d.pop("authorization_url")

        org_id = d.pop("org_id")

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        sso_started = cls(
            authorization_url=authorization_url,
            org_id=org_id,
            expires_at=expires_at,
        )

        sso_started.additional_properties = d
        return sso_started

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
