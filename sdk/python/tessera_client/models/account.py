from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="Account")


@_attrs_define
class Account:
    """An account as its owner sees it.

    Attributes:
        id (str):  Example: 01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a.
        email (str):  Example: ada@example.com.
        email_verified (bool): Whether the email address is proven: by the code or link sent to it, a password reset
            or an invitation it received, or the organisation's identity provider.
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        email_verified_at (datetime.datetime | None | Unset): When the email address was proven; null until then.
        display_name (None | str | Unset):  Example: Ada Lovelace.
        phone (None | str | Unset): Phone number for SMS codes, E.164. Example: +4915112345678.
        whatsapp_number (None | str | Unset): WhatsApp number for one-time codes, E.164. Setting it sends a code to it
            (when the
            server sends WhatsApp messages); `POST /v1/me/whatsapp/verify` proves it. Example: +4915112345678.
        whatsapp_verified_at (datetime.datetime | None | Unset): When the WhatsApp number was proven; null until then. A
            proven number can receive
            login codes for an account with MFA on.
    """

    id: str
    email: str
    email_verified: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime
    email_verified_at: datetime.datetime | None | Unset = UNSET
    display_name: None | str | Unset = UNSET
    phone: None | str | Unset = UNSET
    whatsapp_number: None | str | Unset = UNSET
    whatsapp_verified_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        email = self.email

        email_verified = self.email_verified

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        email_verified_at: None | str | Unset
        if isinstance(self.email_verified_at, Unset):
            email_verified_at = UNSET
        elif isinstance(self.email_verified_at, datetime.datetime):
            email_verified_at = self.email_verified_at.isoformat()
        else:
            email_verified_at = self.email_verified_at

        display_name: None | str | Unset
        if isinstance(self.display_name, Unset):
            display_name = UNSET
        else:
            display_name = self.display_name

        phone: None | str | Unset
        if isinstance(self.phone, Unset):
            phone = UNSET
        else:
            phone = self.phone

        whatsapp_number: None | str | Unset
        if isinstance(self.whatsapp_number, Unset):
            whatsapp_number = UNSET
        else:
            whatsapp_number = self.whatsapp_number

        whatsapp_verified_at: None | str | Unset
        if isinstance(self.whatsapp_verified_at, Unset):
            whatsapp_verified_at = UNSET
        elif isinstance(self.whatsapp_verified_at, datetime.datetime):
            whatsapp_verified_at = self.whatsapp_verified_at.isoformat()
        else:
            whatsapp_verified_at = self.whatsapp_verified_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "email": email,
                "email_verified": email_verified,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )
        if email_verified_at is not UNSET:
            field_dict["email_verified_at"] = email_verified_at
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if phone is not UNSET:
            field_dict["phone"] = phone
        if whatsapp_number is not UNSET:
            field_dict["whatsapp_number"] = whatsapp_number
        if whatsapp_verified_at is not UNSET:
            field_dict["whatsapp_verified_at"] = whatsapp_verified_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        email = d.pop("email")

        email_verified = d.pop("email_verified")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        def _parse_email_verified_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                email_verified_at_type_0 = datetime.datetime.fromisoformat(data)

                return email_verified_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        email_verified_at = _parse_email_verified_at(d.pop("email_verified_at", UNSET))

        def _parse_display_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        display_name = _parse_display_name(d.pop("display_name", UNSET))

        def _parse_phone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        phone = _parse_phone(d.pop("phone", UNSET))

        def _parse_whatsapp_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        whatsapp_number = _parse_whatsapp_number(d.pop("whatsapp_number", UNSET))

        def _parse_whatsapp_verified_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                whatsapp_verified_at_type_0 = datetime.datetime.fromisoformat(data)

                return whatsapp_verified_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        whatsapp_verified_at = _parse_whatsapp_verified_at(d.pop("whatsapp_verified_at", UNSET))

        account = cls(
            id=id,
            email=email,
            email_verified=email_verified,
            created_at=created_at,
            updated_at=updated_at,
            email_verified_at=email_verified_at,
            display_name=display_name,
            phone=phone,
            whatsapp_number=whatsapp_number,
            whatsapp_verified_at=whatsapp_verified_at,
        )

        account.additional_properties = d
        return account

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
