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
        password (None | str | Unset): The account's current password: required to set, change or clear
            `whatsapp_number`
            (a proven number receives login codes).
        code (None | str | Unset): A current authenticator or recovery code: required with `whatsapp_number` once MFA is
            on.
    """

    display_name: None | str | Unset = UNSET
    phone: None | str | Unset = UNSET
    whatsapp_number: None | str | Unset = UNSET
    password: None | str | Unset = UNSET
    code: None | str | Unset = UNSET

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

        password: None | str | Unset
        if isinstance(self.password, Unset):
            password = UNSET
        else:
            password = self.password

        code: None | str | Unset
        if isinstance(self.code, Unset):
            code = UNSET
        else:
            code = self.code

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if display_name is not UNSET:
            field_dict["display_name"] = display_name
        if phone is not UNSET:
            field_dict["phone"] = phone
        if whatsapp_number is not UNSET:
            field_dict["whatsapp_number"] = whatsapp_number
        if password is not UNSET:
            field_dict["password"] = password
        if code is not UNSET:
            field_dict["code"] = code

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

        def _parse_password(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        password = _parse_password(d.pop("password", UNSET))

        def _parse_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        code = _parse_code(d.pop("code", UNSET))

        update_profile_request = cls(
            display_name=display_name,
            phone=phone,
            whatsapp_number=whatsapp_number,
            password=password,
            code=code,
        )

        return update_profile_request
