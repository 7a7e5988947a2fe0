from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.disabled_by import DisabledBy
    from ..models.factor_summary import FactorSummary


T = TypeVar("T", bound="MemberMfa")


@_attrs_define
class MemberMfa:
    """A member's MFA, as the organisation's admins see it.

    Attributes:
        required (bool): True when a requirement applies.
        status (str): `not_required`, `pending` (required, no factor yet), `active` or `disabled` (turned
            off, nothing requires it) — more may be added. Example: pending.
        factors (list[FactorSummary]):
        managed (bool): True when the organisation manages the account (it created it): only then may its
            admins reset the member's MFA. A personal member recovers with their own recovery codes.
        source (None | str | Unset): `org` (the organisation requires MFA of everyone) or `member` (set for this
            member);
            null when nothing is required. Example: member.
        deadline (datetime.datetime | None | Unset): When enrolment is forced at login, if a requirement applies.
        activated_at (datetime.datetime | None | Unset):
        first_enabled_at (datetime.datetime | None | Unset): When MFA was first turned on; kept after it is turned off
            or reset, so the view never
            forgets that it was on.
        disabled_at (datetime.datetime | None | Unset): When MFA was last turned off: by the member, or by an admin's
            reset.
        disabled_by (DisabledBy | None | Unset):
        recovery_codes_remaining (int | None | Unset): Unused recovery codes; null when the member has none, and always
            null for personal
            members.
    """

    required: bool
    status: str
    factors: list[FactorSummary]
    managed: bool
    source: None | str | Unset = UNSET
    deadline: datetime.datetime | None | Unset = UNSET
    activated_at: datetime.datetime | None | Unset = UNSET
    first_enabled_at: datetime.datetime | None | Unset = UNSET
    disabled_at: datetime.datetime | None | Unset = UNSET
    disabled_by: DisabledBy | None | Unset = UNSET
    recovery_codes_remaining: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.disabled_by import DisabledBy  # noqa: PLC0415

        required = self.required

        status = self.status

        factors = []
        for factors_item_data in self.factors:
            factors_item = factors_item_data.to_dict()
            factors.append(factors_item)

        managed = self.managed

        source: None | str | Unset
        if isinstance(self.source, Unset):
            source = UNSET
        else:
            source = self.source

        deadline: None | str | Unset
        if isinstance(self.deadline, Unset):
            deadline = UNSET
        elif isinstance(self.deadline, datetime.datetime):
            deadline = self.deadline.isoformat()
        else:
            deadline = self.deadline

        activated_at: None | str | Unset
        if isinstance(self.activated_at, Unset):
            activated_at = UNSET
        elif isinstance(self.activated_at, datetime.datetime):
            activated_at = self.activated_at.isoformat()
        else:
            activated_at = self.activated_at

        first_enabled_at: None | str | Unset
        if isinstance(self.first_enabled_at, Unset):
            first_enabled_at = UNSET
        elif isinstance(self.first_enabled_at, datetime.datetime):
            first_enabled_at = self.first_enabled_at.isoformat()
        else:
            first_enabled_at = self.first_enabled_at

        disabled_at: None | str | Unset
        if isinstance(self.disabled_at, Unset):
            disabled_at = UNSET
        elif isinstance(self.disabled_at, datetime.datetime):
            disabled_at = self.disabled_at.isoformat()
        else:
            disabled_at = self.disabled_at

        disabled_by: dict[str, Any] | None | Unset
        if isinstance(self.disabled_by, Unset):
            disabled_by = UNSET
        elif isinstance(self.disabled_by, DisabledBy):
            disabled_by = self.disabled_by.to_dict()
        else:
            disabled_by = self.disabled_by

        recovery_codes_remaining: int | None | Unset
        if isinstance(self.recovery_codes_remaining, Unset):
            recovery_codes_remaining = UNSET
        else:
            recovery_codes_remaining = self.recovery_codes_remaining

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "required": required,
                "status": status,
                "factors": factors,
                "managed": managed,
            }
        )
        if source is not UNSET:
            field_dict["source"] = source
        if deadline is not UNSET:
            field_dict["deadline"] = deadline
        if activated_at is not UNSET:
            field_dict["activated_at"] = activated_at
        if first_enabled_at is not UNSET:
            field_dict["first_enabled_at"] = first_enabled_at
        if disabled_at is not UNSET:
            field_dict["disabled_at"] = disabled_at
        if disabled_by is not UNSET:
            field_dict["disabled_by"] = disabled_by
        if recovery_codes_remaining is not UNSET:
            field_dict["recovery_codes_remaining"] = recovery_codes_remaining

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.disabled_by import DisabledBy  # noqa: PLC0415
        from ..models.factor_summary import FactorSummary  # noqa: PLC0415

        d = dict(src_dict)
        required = d.pop("required")

        status = d.pop("status")

        factors = []
        _factors = d.pop("factors")
        for factors_item_data in _factors:
            factors_item = FactorSummary.from_dict(factors_item_data)

            factors.append(factors_item)

        managed = d.pop("managed")

        def _parse_source(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        source = _parse_source(d.pop("source", UNSET))

        def _parse_deadline(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                deadline_type_0 = datetime.datetime.fromisoformat(data)

                return deadline_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        deadline = _parse_deadline(d.pop("deadline", UNSET))

        def _parse_activated_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                activated_at_type_0 = datetime.datetime.fromisoformat(data)

                return activated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        activated_at = _parse_activated_at(d.pop("activated_at", UNSET))

        def _parse_first_enabled_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                first_enabled_at_type_0 = datetime.datetime.fromisoformat(data)

                return first_enabled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        first_enabled_at = _parse_first_enabled_at(d.pop("first_enabled_at", UNSET))

        def _parse_disabled_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                disabled_at_type_0 = datetime.datetime.fromisoformat(data)

                return disabled_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        disabled_at = _parse_disabled_at(d.pop("disabled_at", UNSET))

        def _parse_disabled_by(data: object) -> DisabledBy | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                disabled_by_type_0 = DisabledBy.from_dict(data)

                return disabled_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DisabledBy | None | Unset, data)

        disabled_by = _parse_disabled_by(d.pop("disabled_by", UNSET))

        def _parse_recovery_codes_remaining(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        recovery_codes_remaining = _parse_recovery_codes_remaining(d.pop("recovery_codes_remaining", UNSET))

        member_mfa = cls(
            required=required,
            status=status,
            factors=factors,
            managed=managed,
            source=source,
            deadline=deadline,
            activated_at=activated_at,
            first_enabled_at=first_enabled_at,
            disabled_at=disabled_at,
            disabled_by=disabled_by,
            recovery_codes_remaining=recovery_codes_remaining,
        )

        member_mfa.additional_properties = d
        return member_mfa

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
