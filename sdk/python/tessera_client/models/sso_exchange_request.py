from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="SsoExchangeRequest")


@_attrs_define
class SsoExchangeRequest:
    """
    Example:
        {'exchange_verifier': 'a secret the front-end kept', 'login_code': 'tsl_…'}

    Attributes:
        login_code (str): The `login_code` the browser brought back to `redirect_uri`.
        exchange_verifier (str): The secret whose S256 was sent to start (or link) as `exchange_challenge`.
    """

    login_code: str
    exchange_verifier: str

    def to_dict(self) -> dict[str, Any]:
        login_code = self.login_code

        exchange_verifier = self.exchange_verifier

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "login_code": login_code,
                "exchange_verifier": exchange_verifier,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        login_code = d.pop("login_code")

        exchange_verifier = d.pop("exchange_verifier")

        sso_exchange_request = cls(
            login_code=login_code,
            exchange_verifier=exchange_verifier,
        )

        return sso_exchange_request
