from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="ChangePasswordRequest")


@_attrs_define
class ChangePasswordRequest:
    """
    Example:
        {'code': '123456', 'current_password': 'correct horse battery staple', 'new_password': 'a brand new passphrase'}

    Attributes:
        current_password (str): Left out: 403 `reauthentication_failed` naming it, as a wrong one is.
        new_password (str): 8 to 256 characters, not a common or easily guessed password (else 422).
        code (None | str | Unset): A current authenticator code or an unused recovery code: required when MFA is on.
        revoke_api_keys (bool | Unset): Also revoke every API key of the account (default false), when they may have
            leaked
            with the old password.
    """

    current_password: str
    new_password: str
    code: None | str | Unset = UNSET
    revoke_api_keys: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        current_password = self.current_password

        new_password = self.new_password

        code: None | str | Unset
        if isinstance(self.code, Unset):
            code = UNSET
        else:
            code = self.code

        revoke_api_keys = self.revoke_api_keys

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "current_password": current_password,
                "new_password": new_password,
            }
        )
        if code is not UNSET:
            field_dict["code"] = code
        if revoke_api_keys is not UNSET:
            field_dict["revoke_api_keys"] = revoke_api_keys

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        current_password = d.pop("current_password")

        new_password = d.pop("new_password")

        def _parse_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        code = _parse_code(d.pop("code", UNSET))

        revoke_api_keys = d.pop("revoke_api_keys", UNSET)

        change_password_request = cls(
            current_password=current_password,
            new_password=new_password,
            code=code,
            revoke_api_keys=revoke_api_keys,
        )

        return change_password_request
