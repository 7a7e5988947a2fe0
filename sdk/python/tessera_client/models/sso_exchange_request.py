from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="SsoExchangeRequest")


@_attrs_define
class SsoExchangeRequest:
    """
    Example:
        {'login_code': 'tsl_…'}

    Attributes:
        login_code (str): The `login_code` the browser brought back to `redirect_uri`.
    """

    login_code: str

    def to_dict(self) -> dict[str, Any]:
        login_code = self.login_code

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "login_code": login_code,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        login_code = d.pop("login_code")

        sso_exchange_request = cls(
            login_code=login_code,
        )

        return sso_exchange_request
