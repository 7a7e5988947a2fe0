from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.holder import Holder


T = TypeVar("T", bound="HardwareToken")


@_attrs_define
class HardwareToken:
    """A registered token, as the organisation's admins see it. Never its secret.

    Attributes:
        id (str):
        name (str):
        serial (str):
        model (str):
        period (int): Seconds per code.
        digits (int):
        algorithm (str): `SHA1`, `SHA256` or `SHA512`.
        created_at (datetime.datetime):
        assigned_to (Holder | None | Unset):
    """

    id: str
    name: str
    serial: str
    model: str
    period: int
    digits: int
    algorithm: str
    created_at: datetime.datetime
    assigned_to: Holder | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.holder import Holder  # noqa: PLC0415

        id = self.id

        name = self.name

        serial = self.serial

        model = self.model

        period = self.period

        digits = self.digits

        algorithm = self.algorithm

        created_at = self.created_at.isoformat()

        assigned_to: dict[str, Any] | None | Unset
        if isinstance(self.assigned_to, Unset):
            assigned_to = UNSET
        elif isinstance(self.assigned_to, Holder):
            assigned_to = self.assigned_to.to_dict()
        else:
            assigned_to = self.assigned_to

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "serial": serial,
                "model": model,
                "period": period,
                "digits": digits,
                "algorithm": algorithm,
                "created_at": created_at,
            }
        )
        if assigned_to is not UNSET:
            field_dict["assigned_to"] = assigned_to

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.holder import Holder  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        serial = d.pop("serial")

        model = d.pop("model")

        period = d.pop("period")

        digits = d.pop("digits")

        algorithm = d.pop("algorithm")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_assigned_to(data: object) -> Holder | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                assigned_to_type_0 = Holder.from_dict(data)

                return assigned_to_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Holder | None | Unset, data)

        assigned_to = _parse_assigned_to(d.pop("assigned_to", UNSET))

        hardware_token = cls(
            id=id,
            name=name,
            serial=serial,
            model=model,
            period=period,
            digits=digits,
            algorithm=algorithm,
            created_at=created_at,
            assigned_to=assigned_to,
        )

        hardware_token.additional_properties = d
        return hardware_token

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
