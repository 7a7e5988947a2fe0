from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.factor import Factor
    from ..models.recovery_code_summary import RecoveryCodeSummary


T = TypeVar("T", bound="MfaStatus")


@_attrs_define
class MfaStatus:
    """
    Attributes:
        enabled (bool): True when at least one factor is active: login asks for a second factor.
        factors (list[Factor]):
        recovery_codes (None | RecoveryCodeSummary | Unset):
    """

    enabled: bool
    factors: list[Factor]
    recovery_codes: None | RecoveryCodeSummary | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.recovery_code_summary import RecoveryCodeSummary  # noqa: PLC0415

        enabled = self.enabled

        factors = []
        for factors_item_data in self.factors:
            factors_item = factors_item_data.to_dict()
            factors.append(factors_item)

        recovery_codes: dict[str, Any] | None | Unset
        if isinstance(self.recovery_codes, Unset):
            recovery_codes = UNSET
        elif isinstance(self.recovery_codes, RecoveryCodeSummary):
            recovery_codes = self.recovery_codes.to_dict()
        else:
            recovery_codes = self.recovery_codes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "enabled": enabled,
                "factors": factors,
            }
        )
        if recovery_codes is not UNSET:
            field_dict["recovery_codes"] = recovery_codes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.factor import Factor  # noqa: PLC0415
        from ..models.recovery_code_summary import RecoveryCodeSummary  # noqa: PLC0415

        d = dict(src_dict)
        enabled = d.pop("enabled")

        factors = []
        _factors = d.pop("factors")
        for factors_item_data in _factors:
            factors_item = Factor.from_dict(factors_item_data)

            factors.append(factors_item)

        def _parse_recovery_codes(data: object) -> None | RecoveryCodeSummary | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                recovery_codes_type_0 = RecoveryCodeSummary.from_dict(data)

                return recovery_codes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RecoveryCodeSummary | Unset, data)

        recovery_codes = _parse_recovery_codes(d.pop("recovery_codes", UNSET))

        mfa_status = cls(
            enabled=enabled,
            factors=factors,
            recovery_codes=recovery_codes,
        )

        mfa_status.additional_properties = d
        return mfa_status

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
