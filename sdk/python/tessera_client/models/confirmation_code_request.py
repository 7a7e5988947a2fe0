from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.second_factor import SecondFactor

T = TypeVar("T", bound="ConfirmationCodeRequest")


@_attrs_define
class ConfirmationCodeRequest:
    """
    Example:
        {'method': 'sms'}

    Attributes:
        method (SecondFactor): A second-factor method a code can be checked against.
    """

    method: SecondFactor

    def to_dict(self) -> dict[str, Any]:
        method = self.method.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "method": method,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        method = SecondFactor(d.pop("method"))

        confirmation_code_request = cls(
            method=method,
        )

        return confirmation_code_request
