from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="RegisterTokenRequest")


@_attrs_define
class RegisterTokenRequest:
    """
    Example:
        {'algorithm': 'SHA1', 'digits': 6, 'model': 'Feitian c200', 'name': 'Front desk', 'period': 30, 'secret':
            '3132333435363738393031323334353637383930', 'serial': 'FT-0001'}

    Attributes:
        name (str):
        serial (str): Unique in the organisation.
        period (int): Seconds per code, 10 to 300.
        digits (int): 6, 7 or 8.
        algorithm (str): `SHA1`, `SHA256` or `SHA512`. Example: SHA1.
        secret (str): The seed, hex or base32 (a `hex:` or `base32:` prefix settles which), 128 to 512
            bits. Never returned.
        model (str | Unset):
    """

    name: str
    serial: str
    period: int
    digits: int
    algorithm: str
    secret: str
    model: str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        serial = self.serial

        period = self.period

        digits = self.digits

        algorithm = self.algorithm

        secret = self.secret

        model = self.model

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "serial": serial,
                "period": period,
                "digits": digits,
                "algorithm": algorithm,
                "secret": secret,
            }
        )
        if model is not UNSET:
            field_dict["model"] = model

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        serial = d.pop("serial")

        period = d.pop("period")

        digits = d.pop("digits")

        algorithm = d.pop("algorithm")

        secret = d.pop("secret")

        model = d.pop("model", UNSET)

        register_token_request = cls(
            name=name,
            serial=serial,
            period=period,
            digits=digits,
            algorithm=algorithm,
            secret=secret,
            model=model,
        )

        return register_token_request
