from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="FreeToken")


@_attrs_define
class FreeToken:
    """A token no one holds yet, as a member choosing one to bind sees it: never its secret.

    Attributes:
        id (str):
        org_id (str):
        org_name (str): The organisation's name.
        name (str):
        serial (str):
        model (str):
    """

    id: str
    org_id: str
    org_name: str
    name: str
    serial: str
    model: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        org_id = self.org_id

        org_name = self.org_name

        name = self.name

        serial = self.serial

        model = self.model

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "org_id": org_id,
                "org_name": org_name,
                "name": name,
                "serial": serial,
                "model": model,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        org_id = d.pop("org_id")

        org_name = d.pop("org_name")

        name = d.pop("name")

        serial = d.pop("serial")

        model = d.pop("model")

        free_token = cls(
            id=id,
            org_id=org_id,
            org_name=org_name,
            name=name,
            serial=serial,
            model=model,
        )

        free_token.additional_properties = d
        return free_token

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
