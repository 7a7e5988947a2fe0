from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Invitation")


@_attrs_define
class Invitation:
    """An invitation, as the organisation's admins see it.

    Attributes:
        id (str):  Example: 01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a.
        email (str):  Example: grace@example.com.
        role (str): `owner`, `admin` or `member` (more may be added). Example: member.
        created_at (datetime.datetime):
        expires_at (datetime.datetime):
        status (str): `pending`, `accepted`, `revoked` or `expired` (more may be added). Example: pending.
        accepted_at (datetime.datetime | None | Unset):
    """

    id: str
    email: str
    role: str
    created_at: datetime.datetime
    expires_at: datetime.datetime
    status: str
    accepted_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        email = self.email

        role = self.role

        created_at = self.created_at.isoformat()

        expires_at = self.expires_at.isoformat()

        status = self.status

        accepted_at: None | str | Unset
        if isinstance(self.accepted_at, Unset):
            accepted_at = UNSET
        elif isinstance(self.accepted_at, datetime.datetime):
            accepted_at = self.accepted_at.isoformat()
        else:
            accepted_at = self.accepted_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "email": email,
                "role": role,
                "created_at": created_at,
                "expires_at": expires_at,
                "status": status,
            }
        )
        if accepted_at is not UNSET:
            field_dict["accepted_at"] = accepted_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        email = d.pop("email")

        role = d.pop("role")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        status = d.pop("status")

        def _parse_accepted_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                accepted_at_type_0 = datetime.datetime.fromisoformat(data)

                return accepted_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        accepted_at = _parse_accepted_at(d.pop("accepted_at", UNSET))

        invitation = cls(
            id=id,
            email=email,
            role=role,
            created_at=created_at,
            expires_at=expires_at,
            status=status,
            accepted_at=accepted_at,
        )

        invitation.additional_properties = d
        return invitation

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
