from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.audit_event_details_type_0 import AuditEventDetailsType0


T = TypeVar("T", bound="AuditEvent")


@_attrs_define
class AuditEvent:
    """One security-relevant change to an account.

    Attributes:
        id (str):
        event (str): `account.created`, `account.locked`, `profile.updated`, `org.created`, `org.updated`,
            `membership.added`, `membership.role_changed`, `membership.removed`,
            `mfa.requirement_set`, `mfa.requirement_cleared`, `mfa.reset`, `account.frozen`,
            `account.unfrozen`, `hardware_token.registered`, `hardware_token.imported`,
            `hardware_token.assigned`, `hardware_token.removed`, `api_key.created`,
            `api_key.rotated`, `api_key.deleted`, `mfa.enabled`, `mfa.disabled`,
            `recovery_codes.regenerated`, `recovery_codes.revealed`, `password.changed`,
            `session.revoked`, `sessions.revoked_others`, `email.verified`, `email.changed`,
            `sso.configured`, `sso.removed`, `sso.linked`, `sso.unlinked`, `domain.added`,
            `domain.verified`, `domain.removed` (more may be added). Example: mfa.enabled.
        account_id (str): The account the event is about.
        occurred_at (datetime.datetime):
        actor_id (None | str | Unset): The account that acted: the owner, or an organisation's administrator.
        org_id (None | str | Unset): The organisation the event happened in, if any.
        ip (None | str | Unset):  Example: 203.0.113.7.
        user_agent (None | str | Unset):
        details (AuditEventDetailsType0 | None | Unset): Event-specific facts, e.g. `{"factor_id": "…", "type":
            "totp"}`.
    """

    id: str
    event: str
    account_id: str
    occurred_at: datetime.datetime
    actor_id: None | str | Unset = UNSET
    org_id: None | str | Unset = UNSET
    ip: None | str | Unset = UNSET
    user_agent: None | str | Unset = UNSET
    details: AuditEventDetailsType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.audit_event_details_type_0 import AuditEventDetailsType0  # noqa: PLC0415

        id = self.id

        event = self.event

        account_id = self.account_id

        occurred_at = self.occurred_at.isoformat()

        actor_id: None | str | Unset
        if isinstance(self.actor_id, Unset):
            actor_id = UNSET
        else:
            actor_id = self.actor_id

        org_id: None | str | Unset
        if isinstance(self.org_id, Unset):
            org_id = UNSET
        else:
            org_id = self.org_id

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

        details: dict[str, Any] | None | Unset
        if isinstance(self.details, Unset):
            details = UNSET
        elif isinstance(self.details, AuditEventDetailsType0):
            details = self.details.to_dict()
        else:
            details = self.details

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "event": event,
                "account_id": account_id,
                "occurred_at": occurred_at,
            }
        )
        if actor_id is not UNSET:
            field_dict["actor_id"] = actor_id
        if org_id is not UNSET:
            field_dict["org_id"] = org_id
        if ip is not UNSET:
            field_dict["ip"] = ip
        if user_agent is not UNSET:
            field_dict["user_agent"] = user_agent
        if details is not UNSET:
            field_dict["details"] = details

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_event_details_type_0 import AuditEventDetailsType0  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        event = d.pop("event")

        account_id = d.pop("account_id")

        occurred_at = datetime.datetime.fromisoformat(d.pop("occurred_at"))

        def _parse_actor_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        actor_id = _parse_actor_id(d.pop("actor_id", UNSET))

        def _parse_org_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        org_id = _parse_org_id(d.pop("org_id", UNSET))

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

        def _parse_details(data: object) -> AuditEventDetailsType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                details_type_0 = AuditEventDetailsType0.from_dict(data)

                return details_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AuditEventDetailsType0 | None | Unset, data)

        details = _parse_details(d.pop("details", UNSET))

        audit_event = cls(
            id=id,
            event=event,
            account_id=account_id,
            occurred_at=occurred_at,
            actor_id=actor_id,
            org_id=org_id,
            ip=ip,
            user_agent=user_agent,
            details=details,
        )

        audit_event.additional_properties = d
        return audit_event

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
