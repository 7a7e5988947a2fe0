from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.txt_record import TxtRecord


T = TypeVar("T", bound="Domain")


@_attrs_define
class Domain:
    """A domain the organisation claims.

    Attributes:
        domain (str): Lower-case, internationalised names in their ASCII (punycode) form. Example: acme.com.
        verified (bool): Proven: it routes SSO sign-ins and provisions accounts, and the organisation's
            provider is trusted for emails at it.
        sso (bool): Whether the organisation's single sign-on signs in emails at this domain (its
            settings' `email_domains`).
        txt_record (TxtRecord): The DNS record that proves a claim.
        created_at (datetime.datetime):
        verified_by (str | Unset): `dns` or `operator` (more may be added); absent until verified. Example: dns.
        verified_at (datetime.datetime | Unset):
    """

    domain: str
    verified: bool
    sso: bool
    txt_record: TxtRecord
    created_at: datetime.datetime
    verified_by: str | Unset = UNSET
    verified_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        domain = self.domain

        verified = self.verified

        sso = self.sso

        txt_record = self.txt_record.to_dict()

        created_at = self.created_at.isoformat()

        verified_by = self.verified_by

        verified_at: str | Unset = UNSET
        if not isinstance(self.verified_at, Unset):
            verified_at = self.verified_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "domain": domain,
                "verified": verified,
                "sso": sso,
                "txt_record": txt_record,
                "created_at": created_at,
            }
        )
        if verified_by is not UNSET:
            field_dict["verified_by"] = verified_by
        if verified_at is not UNSET:
            field_dict["verified_at"] = verified_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.txt_record import TxtRecord  # noqa: PLC0415

        d = dict(src_dict)
        domain = d.pop("domain")

        verified = d.pop("verified")

        sso = d.pop("sso")

        txt_record = TxtRecord.from_dict(d.pop("txt_record"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        verified_by = d.pop("verified_by", UNSET)

        _verified_at = d.pop("verified_at", UNSET)
        verified_at: datetime.datetime | Unset
        if isinstance(_verified_at, Unset):
            verified_at = UNSET
        else:
            verified_at = datetime.datetime.fromisoformat(_verified_at)

        domain = cls(
            domain=domain,
            verified=verified,
            sso=sso,
            txt_record=txt_record,
            created_at=created_at,
            verified_by=verified_by,
            verified_at=verified_at,
        )

        domain.additional_properties = d
        return domain

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
