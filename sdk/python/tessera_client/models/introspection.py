from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.introspected_token_type import IntrospectedTokenType
from ..types import UNSET, Unset

T = TypeVar("T", bound="Introspection")


@_attrs_define
class Introspection:
    """The RFC 7662 answer. Only `active` is there for a token that is not live.

    Attributes:
        active (bool): Whether the token is live: known, unexpired, not revoked, its account not frozen.
        token_type (IntrospectedTokenType | Unset): What kind of token was introspected.
        sub (str | Unset): The account.
        sid (str | Unset): The session (session tokens).
        key_id (str | Unset): The API key's id (API keys).
        scope (str | Unset): What an API key may read, space-separated (API keys). Example: profile:read sessions:read.
        aal (str | Unset): `aal1` or `aal2` (session tokens). Example: aal2.
        amr (list[str] | Unset): How the session was signed in, as RFC 8176 names methods (session tokens). Example:
            ['pwd', 'otp', 'mfa'].
        email_verified (bool | Unset): Whether the account's email address is proven.
        email_verified_at (int | Unset): When the account's email address was proven (Unix seconds); absent while it is
            not.
        iat (int | Unset): When the token was issued (Unix seconds).
        exp (int | Unset): When the token ends (Unix seconds); a session's end moves on with its use, and an API
            key without an expiry has none.
    """

    active: bool
    token_type: IntrospectedTokenType | Unset = UNSET
    sub: str | Unset = UNSET
    sid: str | Unset = UNSET
    key_id: str | Unset = UNSET
    scope: str | Unset = UNSET
    aal: str | Unset = UNSET
    amr: list[str] | Unset = UNSET
    email_verified: bool | Unset = UNSET
    email_verified_at: int | Unset = UNSET
    iat: int | Unset = UNSET
    exp: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        active = self.active

        token_type: str | Unset = UNSET
        if not isinstance(self.token_type, Unset):
            token_type = self.token_type.value

        sub = self.sub

        sid = self.sid

        key_id = self.key_id

        scope = self.scope

        aal = self.aal

        amr: list[str] | Unset = UNSET
        if not isinstance(self.amr, Unset):
            amr = self.amr

        email_verified = self.email_verified

        email_verified_at = self.email_verified_at

        iat = self.iat

        exp = self.exp

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "active": active,
            }
        )
        if token_type is not UNSET:
            field_dict["token_type"] = token_type
        if sub is not UNSET:
            field_dict["sub"] = sub
        if sid is not UNSET:
            field_dict["sid"] = sid
        if key_id is not UNSET:
            field_dict["key_id"] = key_id
        if scope is not UNSET:
            field_dict["scope"] = scope
        if aal is not UNSET:
            field_dict["aal"] = aal
        if amr is not UNSET:
            field_dict["amr"] = amr
        if email_verified is not UNSET:
            field_dict["email_verified"] = email_verified
        if email_verified_at is not UNSET:
            field_dict["email_verified_at"] = email_verified_at
        if iat is not UNSET:
            field_dict["iat"] = iat
        if exp is not UNSET:
            field_dict["exp"] = exp

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        active = d.pop("active")

        _token_type = d.pop("token_type", UNSET)
        token_type: IntrospectedTokenType | Unset
        if isinstance(_token_type, Unset):
            token_type = UNSET
        else:
            token_type = IntrospectedTokenType(_token_type)

        sub = d.pop("sub", UNSET)

        sid = d.pop("sid", UNSET)

        key_id = d.pop("key_id", UNSET)

        scope = d.pop("scope", UNSET)

        aal = d.pop("aal", UNSET)

        amr = cast(list[str], d.pop("amr", UNSET))

        email_verified = d.pop("email_verified", UNSET)

        email_verified_at = d.pop("email_verified_at", UNSET)

        iat = d.pop("iat", UNSET)

        exp = d.pop("exp", UNSET)

        introspection = cls(
            active=active,
            token_type=token_type,
            sub=sub,
            sid=sid,
            key_id=key_id,
            scope=scope,
            aal=aal,
            amr=amr,
            email_verified=email_verified,
            email_verified_at=email_verified_at,
            iat=iat,
            exp=exp,
        )

        introspection.additional_properties = d
        return introspection

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
