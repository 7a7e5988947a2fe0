from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LoginChallenge")


@_attrs_define
class LoginChallenge:
    """The second step of a login.

    Attributes:
        id (str): Pass to `POST /v1/auth/challenges/{id}/verify`. Keep it secret: it stands for a
            verified password. Example: tsc_8Zq0….
        expires_at (datetime.datetime):
        methods (list[str]): Methods the code may be given with: `totp`, `recovery_code` (more may be added). Example:
            ['totp', 'recovery_code'].
    """

    id: str
    expires_at: datetime.datetime
    methods: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        expires_at = self.expires_at.isoformat()

        methods = self.methods

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "expires_at": expires_at,
                "methods": methods,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        methods = cast(list[str], d.pop("methods"))

        login_challenge = cls(
            id=id,
            expires_at=expires_at,
            methods=methods,
        )

        login_challenge.additional_properties = d
        return login_challenge

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
