from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.location import Location


T = TypeVar("T", bound="SessionListItem")


@_attrs_define
class SessionListItem:
    """A session in the owner's list of sessions.

    Attributes:
        id (str):  Example: 01936f6e-8a5c-7d2b-9a41-3c2d1e0f9b7a.
        aal (str): Authenticator assurance level: `aal1` (password) or `aal2` (password and a second factor). Example:
            aal1.
        methods (list[str]): Methods used to sign in, e.g. `["password"]`, `["password", "totp"]`, or `["sso"]` for
            a sign-in at the organisation's identity provider. Example: ['password'].
        created_at (datetime.datetime):
        last_active_at (datetime.datetime):
        expires_at (datetime.datetime): When the session ends unless used before: the earlier of the idle and absolute
            ends.
        current (bool): True for the session making this request.
        device (None | str | Unset): Device class: `pc`, `smartphone`, `mobilephone`, `appliance`, `crawler` or `misc`.
            Example: pc.
        browser (None | str | Unset):  Example: Chrome.
        browser_version (None | str | Unset):  Example: 131.0.0.0.
        os (None | str | Unset):  Example: Windows 10.
        os_version (None | str | Unset):  Example: NT 10.0.
        ip (None | str | Unset):  Example: 203.0.113.7.
        user_agent (None | str | Unset):
        location (Location | None | Unset):
        mfa_enrollment_deadline (datetime.datetime | Unset): Set when the account must turn on MFA (an organisation
            requires it) and was signed in
            within the grace period: enrolment is forced at login after this time. As of sign-in.
        idp_amr (list[str] | Unset): For a sign-in at the organisation's identity provider (`methods` has `sso`): the
            provider's own authentication methods (`amr`, RFC 8176), as it sent them. Example: ['pwd', 'mfa'].
    """

    id: str
    aal: str
    methods: list[str]
    created_at: datetime.datetime
    last_active_at: datetime.datetime
    expires_at: datetime.datetime
    current: bool
    device: None | str | Unset = UNSET
    browser: None | str | Unset = UNSET
    browser_version: None | str | Unset = UNSET
    os: None | str | Unset = UNSET
    os_version: None | str | Unset = UNSET
    ip: None | str | Unset = UNSET
    user_agent: None | str | Unset = UNSET
    location: Location | None | Unset = UNSET
    mfa_enrollment_deadline: datetime.datetime | Unset = UNSET
    idp_amr: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.location import Location  # noqa: PLC0415

        id = self.id

        aal = self.aal

        methods = self.methods

        created_at = self.created_at.isoformat()

        last_active_at = self.last_active_at.isoformat()

        expires_at = self.expires_at.isoformat()

        current = self.current

        device: None | str | Unset
        if isinstance(self.device, Unset):
            device = UNSET
        else:
            device = self.device

        browser: None | str | Unset
        if isinstance(self.browser, Unset):
            browser = UNSET
        else:
            browser = self.browser

        browser_version: None | str | Unset
        if isinstance(self.browser_version, Unset):
            browser_version = UNSET
        else:
            browser_version = self.browser_version

        os: None | str | Unset
        if isinstance(self.os, Unset):
            os = UNSET
        else:
            os = self.os

        os_version: None | str | Unset
        if isinstance(self.os_version, Unset):
            os_version = UNSET
        else:
            os_version = self.os_version

        ip: None | str | Unset
        if isinstance(self.ip, Unset):
            ip = UNSET
        else:
            ip = self.ip

        user_agent: None | str | Unset
        if isinstance(self.user_agent, Unset):
            user_agent = UNSET
        else:
            user_agent = self.user_agent

        location: dict[str, Any] | None | Unset
        if isinstance(self.location, Unset):
            location = UNSET
        elif isinstance(self.location, Location):
            location = self.location.to_dict()
        else:
            location = self.location

        mfa_enrollment_deadline: str | Unset = UNSET
        if not isinstance(self.mfa_enrollment_deadline, Unset):
            mfa_enrollment_deadline = self.mfa_enrollment_deadline.isoformat()

        idp_amr: list[str] | Unset = UNSET
        if not isinstance(self.idp_amr, Unset):
            idp_amr = self.idp_amr

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "aal": aal,
                "methods": methods,
                "created_at": created_at,
                "last_active_at": last_active_at,
                "expires_at": expires_at,
                "current": current,
            }
        )
        if device is not UNSET:
            field_dict["device"] = device
        if browser is not UNSET:
            field_dict["browser"] = browser
        if browser_version is not UNSET:
            field_dict["browser_version"] = browser_version
        if os is not UNSET:
            field_dict["os"] = os
        if os_version is not UNSET:
            field_dict["os_version"] = os_version
        if ip is not UNSET:
            field_dict["ip"] = ip
        if user_agent is not UNSET:
            field_dict["user_agent"] = user_agent
        if location is not UNSET:
            field_dict["location"] = location
        if mfa_enrollment_deadline is not UNSET:
            field_dict["mfa_enrollment_deadline"] = mfa_enrollment_deadline
        if idp_amr is not UNSET:
            field_dict["idp_amr"] = idp_amr

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.location import Location  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        aal = d.pop("aal")

        methods = cast(list[str], d.pop("methods"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        last_active_at = datetime.datetime.fromisoformat(d.pop("last_active_at"))

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        current = d.pop("current")

        def _parse_device(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        device = _parse_device(d.pop("device", UNSET))

        def _parse_browser(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        browser = _parse_browser(d.pop("browser", UNSET))

        def _parse_browser_version(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        browser_version = _parse_browser_version(d.pop("browser_version", UNSET))

        def _parse_os(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        os = _parse_os(d.pop("os", UNSET))

        def _parse_os_version(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        os_version = _parse_os_version(d.pop("os_version", UNSET))

        def _parse_ip(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        ip = _parse_ip(d.pop("ip", UNSET))

        def _parse_user_agent(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user_agent = _parse_user_agent(d.pop("user_agent", UNSET))

        def _parse_location(data: object) -> Location | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                location_type_0 = Location.from_dict(data)

                return location_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(Location | None | Unset, data)

        location = _parse_location(d.pop("location", UNSET))

        _mfa_enrollment_deadline = d.pop("mfa_enrollment_deadline", UNSET)
        mfa_enrollment_deadline: datetime.datetime | Unset
        if isinstance(_mfa_enrollment_deadline, Unset):
            mfa_enrollment_deadline = UNSET
        else:
            mfa_enrollment_deadline = datetime.datetime.fromisoformat(_mfa_enrollment_deadline)

        idp_amr = cast(list[str], d.pop("idp_amr", UNSET))

        session_list_item = cls(
            id=id,
            aal=aal,
            methods=methods,
            created_at=created_at,
            last_active_at=last_active_at,
            expires_at=expires_at,
            current=current,
            device=device,
            browser=browser,
            browser_version=browser_version,
            os=os,
            os_version=os_version,
            ip=ip,
            user_agent=user_agent,
            location=location,
            mfa_enrollment_deadline=mfa_enrollment_deadline,
            idp_amr=idp_amr,
        )

        session_list_item.additional_properties = d
        return session_list_item

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
