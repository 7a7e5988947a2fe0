from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Membership")


@_attrs_define
class Membership:
    """One of the account's organisations, as the account sees it.

    Attributes:
        org_id (str):  Example: 01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a.
        name (str):  Example: Acme.
        role (str): `owner`, `admin` or `member` (more may be added). Example: member.
        joined_at (datetime.datetime):
        manages_account (bool): True when this organisation manages the account (it created it): it may reset the
            account's MFA, and the account cannot leave it.
    """

    org_id: str
    name: str
    role: str
    joined_at: datetime.datetime
    manages_account: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        org_id = self.org_id

        name = self.name

        role = self.role

        joined_at = self.joined_at.isoformat()

        manages_account = self.manages_account

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "org_id": org_id,
                "name": name,
                "role": role,
                "joined_at": joined_at,
                "manages_account": manages_account,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        org_id = d.pop("org_id")

        name = d.pop("name")

        role = d.pop("role")

        joined_at = datetime.datetime.fromisoformat(d.pop("joined_at"))

        manages_account = d.pop("manages_account")

        membership = cls(
            org_id=org_id,
            name=name,
            role=role,
            joined_at=joined_at,
            manages_account=manages_account,
        )

        membership.additional_properties = d
        return membership

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
