from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.factor_type import FactorType
from ..types import UNSET, Unset

T = TypeVar("T", bound="UpdateOrgRequest")


@_attrs_define
class UpdateOrgRequest:
    """
    Example:
        {'enforcement_delay_days': 7, 'require_mfa': True}

    Attributes:
        name (None | str | Unset): 1 to 100 characters, no control characters; surrounding spaces are trimmed.
        require_mfa (bool | None | Unset): Require MFA of every member. Turning it on starts each member's grace period
            now.
        enforcement_delay_days (int | None | Unset): The members' grace period in days, 0 to 365 (0: enrolment is forced
            at the next login).
        allowed_methods (list[FactorType] | None | Unset): The second factors that meet the requirement (owners only),
            at least one; all four
            allow any. Example: ['totp', 'hardware_token'].
    """

    name: None | str | Unset = UNSET
    require_mfa: bool | None | Unset = UNSET
    enforcement_delay_days: int | None | Unset = UNSET
    allowed_methods: list[FactorType] | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        require_mfa: bool | None | Unset
        if isinstance(self.require_mfa, Unset):
            require_mfa = UNSET
        else:
            require_mfa = self.require_mfa

        enforcement_delay_days: int | None | Unset
        if isinstance(self.enforcement_delay_days, Unset):
            enforcement_delay_days = UNSET
        else:
            enforcement_delay_days = self.enforcement_delay_days

        allowed_methods: list[str] | None | Unset
        if isinstance(self.allowed_methods, Unset):
            allowed_methods = UNSET
        elif isinstance(self.allowed_methods, list):
            allowed_methods = []
            for allowed_methods_type_0_item_data in self.allowed_methods:
                allowed_methods_type_0_item = allowed_methods_type_0_item_data.value
                allowed_methods.append(allowed_methods_type_0_item)

        else:
            allowed_methods = self.allowed_methods

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if name is not UNSET:
            field_dict["name"] = name
        if require_mfa is not UNSET:
            field_dict["require_mfa"] = require_mfa
        if enforcement_delay_days is not UNSET:
            field_dict["enforcement_delay_days"] = enforcement_delay_days
        if allowed_methods is not UNSET:
            field_dict["allowed_methods"] = allowed_methods

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_require_mfa(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        require_mfa = _parse_require_mfa(d.pop("require_mfa", UNSET))

        def _parse_enforcement_delay_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        enforcement_delay_days = _parse_enforcement_delay_days(d.pop("enforcement_delay_days", UNSET))

        def _parse_allowed_methods(data: object) -> list[FactorType] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                allowed_methods_type_0 = []
                _allowed_methods_type_0 = data
                for allowed_methods_type_0_item_data in _allowed_methods_type_0:
                    allowed_methods_type_0_item = FactorType(allowed_methods_type_0_item_data)

                    allowed_methods_type_0.append(allowed_methods_type_0_item)

                return allowed_methods_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[FactorType] | None | Unset, data)

        allowed_methods = _parse_allowed_methods(d.pop("allowed_methods", UNSET))

        update_org_request = cls(
            name=name,
            require_mfa=require_mfa,
            enforcement_delay_days=enforcement_delay_days,
            allowed_methods=allowed_methods,
        )

        return update_org_request
