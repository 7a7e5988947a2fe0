from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.member_mfa import MemberMfa


T = TypeVar("T", bound="Member")


@_attrs_define
class Member:
    """A member, as the organisation's admins see them.

    Attributes:
        account_id (str):
        email (str):  Example: ada@example.com.
        role (str): `owner`, `admin` or `member` (more may be added). Example: member.
        added_at (datetime.datetime):
        mfa (MemberMfa): A member's MFA, as the organisation's admins see it.
        display_name (None | str | Unset):
    """

    account_id: str
    email: str
    role: str
    added_at: datetime.datetime
    mfa: MemberMfa
    display_name: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        email = self.email

        role = self.role

        added_at = self.added_at.isoformat()

        mfa = self.mfa.to_dict()

        display_name: None | str | Unset
        if isinstance(self.display_name, Unset):
            display_name = UNSET
        else:
            display_name = self.display_name

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "account_id": account_id,
                "email": email,
                "role": role,
                "added_at": added_at,
                "mfa": mfa,
            }
        )
        if display_name is not UNSET:
            field_dict["display_name"] = display_name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.member_mfa import MemberMfa  # noqa: PLC0415

        d = dict(src_dict)
        account_id = d.pop("account_id")

        email = d.pop("email")

        role = d.pop("role")

        added_at = datetime.datetime.fromisoformat(d.pop("added_at"))

        mfa = MemberMfa.from_dict(d.pop("mfa"))

        def _parse_display_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        display_name = _parse_display_name(d.pop("display_name", UNSET))

        member = cls(
            account_id=account_id,
            email=email,
            role=role,
            added_at=added_at,
            mfa=mfa,
            display_name=display_name,
        )

        member.additional_properties = d
        return member

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
