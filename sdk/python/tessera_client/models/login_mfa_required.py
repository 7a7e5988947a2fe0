from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.login_challenge import LoginChallenge


T = TypeVar("T", bound="LoginMfaRequired")


@_attrs_define
class LoginMfaRequired:
    """The password was right and the account has a second factor: answer the challenge with
    `POST /v1/auth/challenges/{id}/verify`. No session yet.

        Attributes:
            status (str): Always `mfa_required` here. Example: mfa_required.
            challenge (LoginChallenge): The second step of a login.
    """

    status: str
    challenge: LoginChallenge
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        challenge = self.challenge.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "challenge": challenge,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.login_challenge import LoginChallenge  # noqa: PLC0415

        d = dict(src_dict)
        status = d.pop("status")

        challenge = LoginChallenge.from_dict(d.pop("challenge"))

        login_mfa_required = cls(
            status=status,
            challenge=challenge,
        )

        login_mfa_required.additional_properties = d
        return login_mfa_required

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
