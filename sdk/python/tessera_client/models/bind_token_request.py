from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

T = TypeVar("T", bound="BindTokenRequest")


@_attrs_define
class BindTokenRequest:
    """
    Example:
        {'code': '12345678', 'org_id': '01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a', 'serial': 'FT-0001'}

    Attributes:
        org_id (UUID): The organisation that registered the token (you must be a member).
        serial (str):
        code (str): The code the token shows now.
    """

    org_id: UUID
    serial: str
    code: str

    def to_dict(self) -> dict[str, Any]:
        org_id = str(self.org_id)

        serial = self.serial

        code = self.code

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "org_id": org_id,
                "serial": serial,
                "code": code,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        org_id = UUID(d.pop("org_id"))

        serial = d.pop("serial")

        code = d.pop("code")

        bind_token_request = cls(
            org_id=org_id,
            serial=serial,
            code=code,
        )

        return bind_token_request
