from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TotpEnrolment")


@_attrs_define
class TotpEnrolment:
    """What the user needs to add the account to an authenticator app.

    Attributes:
        factor_id (str): Pass to the activate call with the first code the app shows.
        secret (str): The secret for manual entry: base32, no padding, 160 bits. Example:
            JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP.
        otpauth_uri (str):  Example: otpauth://totp/Tessera:ada%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&is
            suer=Tessera&algorithm=SHA1&digits=6&period=30.
        qr_svg (str): The `otpauth_uri` as an SVG QR code.
        qr_png (str): The same QR code as a `data:image/png;base64,…` URI.
        expires_at (datetime.datetime): The pending factor is discarded if not activated by then.
    """

    factor_id: str
    secret: str
    otpauth_uri: str
    qr_svg: str
    qr_png: str
    expires_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        factor_id = self.factor_id

        secret = self.secret

        otpauth_uri = self.otpauth_uri

        qr_svg = self.qr_svg

        qr_png = self.qr_png

        expires_at = self.expires_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "factor_id": factor_id,
                "secret": secret,
                "otpauth_uri": otpauth_uri,
                "qr_svg": qr_svg,
                "qr_png": qr_png,
                "expires_at": expires_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        factor_id = d.pop("factor_id")

        secret = d.pop("secret")

        otpauth_uri = d.pop("otpauth_uri")

        qr_svg = d.pop("qr_svg")

        qr_png = d.pop("qr_png")

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        totp_enrolment = cls(
            factor_id=factor_id,
            secret=secret,
            otpauth_uri=otpauth_uri,
            qr_svg=qr_svg,
            qr_png=qr_png,
            expires_at=expires_at,
        )

        totp_enrolment.additional_properties = d
        return totp_enrolment

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
