from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PhoneEnrolmentRequest")


@_attrs_define
class PhoneEnrolmentRequest:
    """
    Example:
        {'password': 'correct horse battery staple', 'phone': '+15550100123'}

    Attributes:
        phone (str): The phone number, E.164 (`+` and up to 15 digits).
        password (None | str | Unset): The account's current password. Required with a session; not with an enrolment
            ticket.
        code (None | str | Unset): A current authenticator or recovery code: required with a session once MFA is on.
    """

    phone: str
    password: None | str | Unset = UNSET
    code: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        phone = self.phone

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

        field_dict.update(
            {
                "phone": phone,
            }
        )
        if password is not UNSET:
            field_dict["password"] = password
        if code is not UNSET:
            field_dict["code"] = code

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        phone = d.pop("phone")

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

        phone_enrolment_request = cls(
            phone=phone,
            password=password,
            code=code,
        )

        return phone_enrolment_request
