from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="Enrollment")


@_attrs_define
class Enrollment:
    """What login answers when enrolment is forced.

    Attributes:
        ticket (str): Send as `Authorization: Bearer` to the enrolment calls (`POST /v1/me/mfa/totp`,
            `POST /v1/me/mfa/factors/{id}/activate`); nothing else accepts it. Activation uses it
            up and answers with the session. Example: tse_Qm9….
        expires_at (datetime.datetime):
        methods (list[str]): The factors this ticket may enrol, and nothing else: `totp`; `hardware_token` when
            one of your organisations has tokens no one holds (`GET /v1/me/mfa/hardware-tokens`
            lists them); `sms` and `whatsapp` when this server sends codes that way (more may be
            added). Example: ['totp', 'hardware_token'].
    """

    ticket: str
    expires_at: datetime.datetime
    methods: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ticket = self.ticket

        expires_at = self.expires_at.isoformat()

        methods = self.methods

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ticket": ticket,
                "expires_at": expires_at,
                "methods": methods,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        ticket = d.pop("ticket")

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        methods = cast(list[str], d.pop("methods"))

        enrollment = cls(
            ticket=ticket,
            expires_at=expires_at,
            methods=methods,
        )

        enrollment.additional_properties = d
        return enrollment

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
