from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.second_factor import SecondFactor

T = TypeVar("T", bound="VerifyChallengeRequest")


@_attrs_define
class VerifyChallengeRequest:
    """
    Example:
        {'code': '123456', 'method': 'totp'}

    Attributes:
        method (SecondFactor): A second-factor method a code can be checked against.
        code (str): The 6-digit code, or a recovery code (dash, spaces and case do not matter).
    """

    method: SecondFactor
    code: str

    def to_dict(self) -> dict[str, Any]:
        method = self.method.value

        code = self.code

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "method": method,
                "code": code,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        method = SecondFactor(d.pop("method"))

        code = d.pop("code")

        verify_challenge_request = cls(
            method=method,
            code=code,
        )

        return verify_challenge_request
