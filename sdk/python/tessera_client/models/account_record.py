from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AccountRecord")


@_attrs_define
class AccountRecord:
    """An account as support sees it.

    Attributes:
        id (str):
        email (str):
        created_at (datetime.datetime):
        mfa_enabled (bool): True when the account has an active second factor.
        display_name (None | str | Unset):
        frozen_at (datetime.datetime | None | Unset): Set while the account is frozen.
    """

    id: str
    email: str
    created_at: datetime.datetime
    mfa_enabled: bool
    display_name: None | str | Unset = UNSET
    frozen_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        email = self.email

        created_at = self.created_at.isoformat()

        mfa_enabled = self.mfa_enabled

        display_name: None | str | Unset
        if isinstance(self.display_name, Unset):
            display_name = UNSET
        else:
            display_name = self.display_name

        frozen_at: None | str | Unset
        if isinstance(self.frozen_at, Unset):
            frozen_at = UNSET
        elif isinstance(self.frozen_at, datetime.datetime):
            frozen_at = self.frozen_at.isoformat()
        else:
            frozen_at = self.frozen_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "email": email,
                "created_at": created_at,
                "mfa_enabled": mfa_enabled,
            }
        )
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if frozen_at is not UNSET:
            field_dict["frozen_at"] = frozen_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        email = d.pop("email")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        mfa_enabled = d.pop("mfa_enabled")

        def _parse_display_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        display_name = _parse_display_name(d.pop("display_name", UNSET))

        def _parse_frozen_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                frozen_at_type_0 = datetime.datetime.fromisoformat(data)

                return frozen_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        frozen_at = _parse_frozen_at(d.pop("frozen_at", UNSET))

        account_record = cls(
            id=id,
            email=email,
            created_at=created_at,
            mfa_enabled=mfa_enabled,
            display_name=display_name,
            frozen_at=frozen_at,
        )

        account_record.additional_properties = d
        return account_record

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
