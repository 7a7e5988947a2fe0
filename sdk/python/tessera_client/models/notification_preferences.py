from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="NotificationPreferences")


@_attrs_define
class NotificationPreferences:
    """What the account is told of by email.

    Example:
        {'failed_login': False, 'new_device_login': True}

    Attributes:
        new_device_login (bool): A sign-in from a device not seen before.
        failed_login (bool): Failed sign-in attempts (wrong password or code, or a lockout).
    """

    new_device_login: bool
    failed_login: bool

    def to_dict(self) -> dict[str, Any]:
        new_device_login = self.new_device_login

        failed_login = self.failed_login

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "new_device_login": new_device_login,
                "failed_login": failed_login,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        new_device_login = d.pop("new_device_login")

        failed_login = d.pop("failed_login")

        notification_preferences = cls(
            new_device_login=new_device_login,
            failed_login=failed_login,
        )

        return notification_preferences
