from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="WhatsappVerification")


@_attrs_define
class WhatsappVerification:
    """
    Example:
        {'code': '123456'}

    Attributes:
        code (str): The code sent by WhatsApp when the number was set.
    """

    code: str

    def to_dict(self) -> dict[str, Any]:
        code = self.code

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "code": code,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        whatsapp_verification = cls(
            code=code,
        )

        return whatsapp_verification
