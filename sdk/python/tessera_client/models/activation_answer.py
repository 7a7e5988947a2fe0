from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.factor import Factor
    from ..models.recovery_codes import RecoveryCodes
    from ..models.session import Session


T = TypeVar("T", bound="ActivationAnswer")


@_attrs_define
class ActivationAnswer:
    """A factor turned active. With an enrolment ticket, the answer also carries the session
    the login was waiting for.

        Attributes:
            factor (Factor): A second factor of the account.
            recovery_codes (None | RecoveryCodes | Unset):
            session (Session | Unset): A session as its owner sees it.
            session_token (str | Unset): That session's token, shown only here (absent for browsers, which get the cookie).
    """

    factor: Factor
    recovery_codes: None | RecoveryCodes | Unset = UNSET
    session: Session | Unset = UNSET
    session_token: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.recovery_codes import RecoveryCodes  # noqa: PLC0415

        factor = self.factor.to_dict()

        recovery_codes: dict[str, Any] | None | Unset
        if isinstance(self.recovery_codes, Unset):
            recovery_codes = UNSET
        elif isinstance(self.recovery_codes, RecoveryCodes):
            recovery_codes = self.recovery_codes.to_dict()
        else:
            recovery_codes = self.recovery_codes

        session: dict[str, Any] | Unset = UNSET
        if not isinstance(self.session, Unset):
            session = self.session.to_dict()

        session_token = self.session_token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "factor": factor,
            }
        )
        if recovery_codes is not UNSET:
            field_dict["recovery_codes"] = recovery_codes
        if session is not UNSET:
            field_dict["session"] = session
        if session_token is not UNSET:
            field_dict["session_token"] = session_token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.factor import Factor  # noqa: PLC0415
        from ..models.recovery_codes import RecoveryCodes  # noqa: PLC0415
        from ..models.session import Session  # noqa: PLC0415

        d = dict(src_dict)
        factor = Factor.from_dict(d.pop("factor"))

        def _parse_recovery_codes(data: object) -> None | RecoveryCodes | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                recovery_codes_type_0 = RecoveryCodes.from_dict(data)

                return recovery_codes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RecoveryCodes | Unset, data)

        recovery_codes = _parse_recovery_codes(d.pop("recovery_codes", UNSET))

        _session = d.pop("session", UNSET)
        session: Session | Unset
        if isinstance(_session, Unset):
            session = UNSET
        else:
            session = Session.from_dict(_session)

        session_token = d.pop("session_token", UNSET)

        activation_answer = cls(
            factor=factor,
            recovery_codes=recovery_codes,
            session=session,
            session_token=session_token,
        )

        activation_answer.additional_properties = d
        return activation_answer

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
