from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LoginSsoRequired")


@_attrs_define
class LoginSsoRequired:
    """The email's organisation signs its people in at its identity provider: no password was
    checked. Start single sign-on with `POST /v1/auth/sso/start`.

        Attributes:
            status (str): Always `sso_required` here. Example: sso_required.
            org_id (str):  Example: 01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a.
    """

    status: str
    org_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        org_id = self.org_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "org_id": org_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        status = d.pop("status")

        org_id = d.pop("org_id")

        login_sso_required = cls(
            status=status,
            org_id=org_id,
        )

        login_sso_required.additional_properties = d
        return login_sso_required

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
