from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SignUpRequest")


@_attrs_define
class SignUpRequest:
    """
    Example:
        {'display_name': 'Ada', 'email': 'ada@example.com', 'password': 'correct horse battery staple'}

    Attributes:
        email (str): Email address; trimmed and lower-cased, unique.
        password (str): 8 to 256 characters, not a common or easily guessed password (else 422).
        display_name (None | str | Unset): Shown name; no control characters. Surrounding spaces are trimmed; blank
            means none.
    """

    email: str
    password: str
    display_name: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        password = self.password

        display_name: None | str | Unset
        if isinstance(self.display_name, Unset):
            display_name = UNSET
        else:
            display_name = self.display_name

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "email": email,
                "password": password,
            }
        )
        if display_name is not UNSET:
            field_dict["display_name"] = display_name

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        email = d.pop("email")

        password = d.pop("password")

        def _parse_display_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        display_name = _parse_display_name(d.pop("display_name", UNSET))

        sign_up_request = cls(
            email=email,
            password=password,
            display_name=display_name,
        )

        return sign_up_request
