from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.joined import Joined


T = TypeVar("T", bound="InvitationJoined")


@_attrs_define
class InvitationJoined:
    """Joined: the signed-in account is now a member.

    Attributes:
        status (str): Always `joined` here. Example: joined.
        membership (Joined): The organisation an accepted invitation joined, as the new member sees it.
    """

    status: str
    membership: Joined
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        membership = self.membership.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "membership": membership,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.joined import Joined  # noqa: PLC0415

        d = dict(src_dict)
        status = d.pop("status")

        membership = Joined.from_dict(d.pop("membership"))

        invitation_joined = cls(
            status=status,
            membership=membership,
        )

        invitation_joined.additional_properties = d
        return invitation_joined

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
