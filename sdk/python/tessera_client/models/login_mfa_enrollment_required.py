from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.enrollment import Enrollment


T = TypeVar("T", bound="LoginMfaEnrollmentRequired")


@_attrs_define
class LoginMfaEnrollmentRequired:
    """An organisation requires MFA of the account, its deadline has passed, and the account has
    no factor: enrol one with the ticket (as the bearer of `POST /v1/me/mfa/totp`, then of
    `POST /v1/me/mfa/factors/{id}/activate`, which answers with the session). No session yet.

        Attributes:
            status (str): Always `mfa_enrollment_required` here. Example: mfa_enrollment_required.
            enrollment (Enrollment): What login answers when enrolment is forced.
    """

    status: str
    enrollment: Enrollment
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        enrollment = self.enrollment.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "enrollment": enrollment,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.enrollment import Enrollment  # noqa: PLC0415

        d = dict(src_dict)
        status = d.pop("status")

        enrollment = Enrollment.from_dict(d.pop("enrollment"))

        login_mfa_enrollment_required = cls(
            status=status,
            enrollment=enrollment,
        )

        login_mfa_enrollment_required.additional_properties = d
        return login_mfa_enrollment_required

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
