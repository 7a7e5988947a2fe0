from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="MemberRequirementRequest")


@_attrs_define
class MemberRequirementRequest:
    """
    Example:
        {'enforcement_delay_days': 3, 'required': True}

    Attributes:
        required (bool): Require MFA of this member (their own requirement overrides the organisation's); false
            clears it (the organisation's may still apply).
        enforcement_delay_days (int | Unset): Grace period in days, 0 to 365 (0: enrolment is forced at the next login).
            The
            deadline is now plus this; changing it later moves the deadline.
    """

    required: bool
    enforcement_delay_days: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        required = self.required

        enforcement_delay_days = self.enforcement_delay_days

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "required": required,
            }
        )
        if enforcement_delay_days is not UNSET:
            field_dict["enforcement_delay_days"] = enforcement_delay_days

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        required = d.pop("required")

        enforcement_delay_days = d.pop("enforcement_delay_days", UNSET)

        member_requirement_request = cls(
            required=required,
            enforcement_delay_days=enforcement_delay_days,
        )

        return member_requirement_request
