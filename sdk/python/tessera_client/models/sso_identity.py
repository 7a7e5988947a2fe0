from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SsoIdentity")


@_attrs_define
class SsoIdentity:
    """One of the account's links to an organisation's identity provider.

    Attributes:
        id (str):  Example: 01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a.
        org_id (str):  Example: 01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7b.
        org_name (str):  Example: Acme.
        issuer (str): The provider's issuer. Example: https://acme.okta.com.
        linked_at (datetime.datetime):
        last_used_at (datetime.datetime): The latest sign-in through this link.
    """

    id: str
    org_id: str
    org_name: str
    issuer: str
    linked_at: datetime.datetime
    last_used_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        org_id = self.org_id

        org_name = self.org_name

        issuer = self.issuer

        linked_at = self.linked_at.isoformat()

        last_used_at = self.last_used_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "org_id": org_id,
                "org_name": org_name,
                "issuer": issuer,
                "linked_at": linked_at,
                "last_used_at": last_used_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        org_id = d.pop("org_id")

        org_name = d.pop("org_name")

        issuer = d.pop("issuer")

        linked_at = datetime.datetime.fromisoformat(d.pop("linked_at"))

        last_used_at = datetime.datetime.fromisoformat(d.pop("last_used_at"))

        sso_identity = cls(
            id=id,
            org_id=org_id,
            org_name=org_name,
            issuer=issuer,
            linked_at=linked_at,
            last_used_at=last_used_at,
        )

        sso_identity.additional_properties = d
        return sso_identity

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
