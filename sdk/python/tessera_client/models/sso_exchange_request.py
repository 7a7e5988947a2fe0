from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SsoExchangeRequest")


@_attrs_define
class SsoExchangeRequest:
    """
    Example:
        {'login_code': 'tsl_…'}

    Attributes:
        login_code (str): The `login_code` the browser brought back to `redirect_uri`.
        exchange_verifier (None | str | Unset): The secret whose S256 was sent to start as `exchange_challenge`
            (required then, and
            only then).
    """

    login_code: str
    exchange_verifier: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        login_code = self.login_code

        exchange_verifier: None | str | Unset
        if isinstance(self.exchange_verifier, Unset):
            exchange_verifier = UNSET
        else:
            exchange_verifier = self.exchange_verifier

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "login_code": login_code,
            }
        )
        if exchange_verifier is not UNSET:
            field_dict["exchange_verifier"] = exchange_verifier

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        login_code = d.pop("login_code")

        def _parse_exchange_verifier(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        exchange_verifier = _parse_exchange_verifier(d.pop("exchange_verifier", UNSET))

        sso_exchange_request = cls(
            login_code=login_code,
            exchange_verifier=exchange_verifier,
        )

        return sso_exchange_request
