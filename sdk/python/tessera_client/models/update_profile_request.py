from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="UpdateProfileRequest")


@_attrs_define
class UpdateProfileRequest:
    """
    Example:
        {'display_name': 'Ada', 'phone': '+4915112345678'}

    Attributes:
        display_name (None | str | Unset): Up to 100 characters, no control characters; blank or null clears it.
        phone (None | str | Unset): E.164 number for SMS codes; null clears it. Example: +4915112345678.
        whatsapp_number (None | str | Unset): E.164 number for WhatsApp codes; null clears it. Example: +4915112345678.
    """

    display_name: None | str | Unset = UNSET
    phone: None | str | Unset = UNSET
    whatsapp_number: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
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

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if phone is not UNSET:
            field_dict["phone"] = phone
        if whatsapp_number is not UNSET:
            field_dict["whatsapp_number"] = whatsapp_number

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

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

        update_profile_request = cls(
            display_name=display_name,
            phone=phone,
            whatsapp_number=whatsapp_number,
        )

        return update_profile_request
