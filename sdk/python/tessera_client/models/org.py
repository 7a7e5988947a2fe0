from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.factor_type import FactorType

T = TypeVar("T", bound="Org")


@_attrs_define
class Org:
    """An organisation, as one of its members sees it.

    Attributes:
        id (str):  Example: 01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a.
        name (str):  Example: Acme.
        role (str): The caller's role in it. Example: owner.
        require_mfa (bool): Every member must turn on MFA, within `enforcement_delay_days` of this being set (or
            of joining).
        enforcement_delay_days (int): The grace period members get, in days (0: enrolment is forced at the next login).
            Example: 7.
        allowed_methods (list[FactorType]): The second factors that meet the requirement. A member whose factors are all
            of other
            types is treated as having none: enrolment (offering only these) is forced at login
            once the deadline passes, after the member's own factor is proven. Example: ['totp', 'hardware_token'].
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: str
    name: str
    role: str
    require_mfa: bool
    enforcement_delay_days: int
    allowed_methods: list[FactorType]
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        role = self.role

        require_mfa = self.require_mfa

        enforcement_delay_days = self.enforcement_delay_days

        allowed_methods = []
        for allowed_methods_item_data in self.allowed_methods:
            allowed_methods_item = allowed_methods_item_data.value
            allowed_methods.append(allowed_methods_item)

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "role": role,
                "require_mfa": require_mfa,
                "enforcement_delay_days": enforcement_delay_days,
                "allowed_methods": allowed_methods,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        role = d.pop("role")

        require_mfa = d.pop("require_mfa")

        enforcement_delay_days = d.pop("enforcement_delay_days")

        allowed_methods = []
        _allowed_methods = d.pop("allowed_methods")
        for allowed_methods_item_data in _allowed_methods:
            allowed_methods_item = FactorType(allowed_methods_item_data)

            allowed_methods.append(allowed_methods_item)

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        org = cls(
            id=id,
            name=name,
            role=role,
            require_mfa=require_mfa,
            enforcement_delay_days=enforcement_delay_days,
            allowed_methods=allowed_methods,
            created_at=created_at,
            updated_at=updated_at,
        )

        org.additional_properties = d
        return org

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
