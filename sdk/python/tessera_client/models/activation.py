from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.factor import Factor
    from ..models.recovery_codes import RecoveryCodes


T = TypeVar("T", bound="Activation")


@_attrs_define
class Activation:
    """
    Attributes:
        factor (Factor): A second factor of the account.
        recovery_codes (None | RecoveryCodes | Unset):
    """

    factor: Factor
    recovery_codes: None | RecoveryCodes | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.recovery_codes import RecoveryCodes  # noqa: PLC0415

        factor = self.factor.to_dict()

        recovery_codes: dict[str, Any] | None | Unset
        if isinstance(self.recovery_codes, Unset):
            recovery_codes = UNSET
        elif isinstance(self.recovery_codes, RecoveryCodes):
            recovery_codes = self.recovery_codes.to_dict()
        else:
            recovery_codes = self.recovery_codes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "factor": factor,
            }
        )
        if recovery_codes is not UNSET:
            field_dict["recovery_codes"] = recovery_codes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.factor import Factor  # noqa: PLC0415
        from ..models.recovery_codes import RecoveryCodes  # noqa: PLC0415

        d = dict(src_dict)
        factor = Factor.from_dict(d.pop("factor"))

        def _parse_recovery_codes(data: object) -> None | RecoveryCodes | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                recovery_codes_type_0 = RecoveryCodes.from_dict(data)

                return recovery_codes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RecoveryCodes | Unset, data)

        recovery_codes = _parse_recovery_codes(d.pop("recovery_codes", UNSET))

        activation = cls(
            factor=factor,
            recovery_codes=recovery_codes,
        )

        activation.additional_properties = d
        return activation

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
