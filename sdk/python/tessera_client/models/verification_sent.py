from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="VerificationSent")


@_attrs_define
class VerificationSent:
    """A verification email on its way.

    Attributes:
        sent_to (str): The address the code and link went to. Example: ada@example.com.
        expires_at (datetime.datetime): When the code and link stop working.
        resend_after (datetime.datetime): When another email may be asked for.
    """

    sent_to: str
    expires_at: datetime.datetime
    resend_after: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        sent_to = self.sent_to

        expires_at = self.expires_at.isoformat()

        resend_after = self.resend_after.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "sent_to": sent_to,
                "expires_at": expires_at,
                "resend_after": resend_after,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        sent_to = d.pop("sent_to")

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        resend_after = datetime.datetime.fromisoformat(d.pop("resend_after"))

        verification_sent = cls(
            sent_to=sent_to,
            expires_at=expires_at,
            resend_after=resend_after,
        )

        verification_sent.additional_properties = d
        return verification_sent

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
