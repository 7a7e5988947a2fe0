from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.role import Role

T = TypeVar("T", bound="AddMemberRequest")


@_attrs_define
class AddMemberRequest:
    """
    Example:
        {'email': 'grace@example.com', 'role': 'member'}

    Attributes:
        email (str): The email of an account the organisation manages.
        role (Role): A member's role in an organisation.
    """

    email: str
    role: Role

    def to_dict(self) -> dict[str, Any]:
        email = self.email

        role = self.role.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "email": email,
                "role": role,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        email = d.pop("email")

        role = Role(d.pop("role"))

        add_member_request = cls(
            email=email,
            role=role,
        )

        return add_member_request
