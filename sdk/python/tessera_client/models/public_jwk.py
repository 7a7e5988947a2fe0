from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PublicJwk")


@_attrs_define
class PublicJwk:
    """A public key as the JWKS publishes it (RFC 8037 `OKP` key).

    Attributes:
        kid (str): The key id: the RFC 7638 thumbprint; JWTs name it in their `kid` header. Example:
            kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k.
        kty (str):  Example: OKP.
        crv (str):  Example: Ed25519.
        x (str): The public key, base64url. Example: 11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo.
        alg (str):  Example: EdDSA.
        use (str):  Example: sig.
    """

    kid: str
    kty: str
    crv: str
    x: str
    alg: str
    use: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        kid = self.kid

        kty = self.kty

        crv = self.crv

        x = self.x

        alg = self.alg

        use = self.use

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "kid": kid,
                "kty": kty,
                "crv": crv,
                "x": x,
                "alg": alg,
                "use": use,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kid = d.pop("kid")

        kty = d.pop("kty")

        crv = d.pop("crv")

        x = d.pop("x")

        alg = d.pop("alg")

        use = d.pop("use")

        public_jwk = cls(
            kid=kid,
            kty=kty,
            crv=crv,
            x=x,
            alg=alg,
            use=use,
        )

        public_jwk.additional_properties = d
        return public_jwk

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
