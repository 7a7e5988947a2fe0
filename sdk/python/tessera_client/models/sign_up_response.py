from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.account import Account
    from ..models.session import Session


T = TypeVar("T", bound="SignUpResponse")


@_attrs_define
class SignUpResponse:
    """
    Attributes:
        status (str): `authenticated` (signed in: `session` and, outside browsers, `session_token`), or
            `email_verification_required` when the server signs in only proven addresses
            (`TESSERA_REQUIRE_VERIFIED_EMAIL`): no session until the emailed link or code comes back
            (more may be added). Example: authenticated.
        account (Account): An account as its owner sees it.
        session (Session | Unset): A session as its owner sees it.
        session_token (str | Unset): The session token, shown only here; the session is also set as the
            `tessera_session`
            cookie. Absent for browsers (requests with an `Origin` header), which get the session
            only as the HttpOnly cookie, unless the server runs with `TESSERA_BROWSER_BEARER=true`. Example: tss_3q2+7w….
    """

    status: str
    account: Account
    session: Session | Unset = UNSET
    session_token: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        account = self.account.to_dict()

        session: dict[str, Any] | Unset = UNSET
        if not isinstance(self.session, Unset):
            session = self.session.to_dict()

        session_token = self.session_token

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "account": account,
            }
        )
        if session is not UNSET:
            field_dict["session"] = session
        if session_token is not UNSET:
            field_dict["session_token"] = session_token

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.account import Account  # noqa: PLC0415
        from ..models.session import Session  # noqa: PLC0415

        d = dict(src_dict)
        status = d.pop("status")

        account = Account.from_dict(d.pop("account"))

        _session = d.pop("session", UNSET)
        session: Session | Unset
        if isinstance(_session, Unset):
            session = UNSET
        else:
            session = Session.from_dict(_session)

        session_token = d.pop("session_token", UNSET)

        sign_up_response = cls(
            status=status,
            account=account,
            session=session,
            session_token=session_token,
        )

        sign_up_response.additional_properties = d
        return sign_up_response

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
