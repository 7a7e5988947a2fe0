from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

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
        password (None | str | Unset): The account's current password. Required with a session; not with an enrolment
            ticket.
        mfa_code (None | str | Unset): A current code from one of your active factors, or a recovery code: required with
            a
            session once MFA is on (the token is a new way in).
    """

    org_id: UUID
    serial: str
    code: str
    password: None | str | Unset = UNSET
    mfa_code: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        org_id = str(self.org_id)

        serial = self.serial

        code = self.code

        password: None | str | Unset
        if isinstance(self.password, Unset):
            password = UNSET
        else:
            password = self.password

        mfa_code: None | str | Unset
        if isinstance(self.mfa_code, Unset):
            mfa_code = UNSET
        else:
            mfa_code = self.mfa_code

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "org_id": org_id,
                "serial": serial,
                "code": code,
            }
        )
        if password is not UNSET:
            field_dict["password"] = password
        if mfa_code is not UNSET:
            field_dict["mfa_code"] = mfa_code

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        org_id = UUID(d.pop("org_id"))

        serial = d.pop("serial")

        code = d.pop("code")

        def _parse_password(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        password = _parse_password(d.pop("password", UNSET))

        def _parse_mfa_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        mfa_code = _parse_mfa_code(d.pop("mfa_code", UNSET))

        bind_token_request = cls(
            org_id=org_id,
            serial=serial,
            code=code,
            password=password,
            mfa_code=mfa_code,
        )

        return bind_token_request
