from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SsoCallbackRequest")


@_attrs_define
class SsoCallbackRequest:
    """
    Example:
        {'code': 'SplxlOBeZQQYbYS6WxSbIA', 'code_verifier': 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', 'state':
            'tsf_…'}

    Attributes:
        state (str): The `state` from the provider's redirect.
        code_verifier (str): The PKCE verifier the app kept, whose S256 it sent to `POST /v1/auth/sso/start` as
            `code_challenge` (the app has it, with a code or with the provider's error alike).
        code (None | str | Unset): The authorization code from the provider's redirect.
        error (None | str | Unset): The provider's error instead of a code (`access_denied`…).
        error_description (None | str | Unset): Logged, never passed on: a refusal is described in this server's words.
        iss (None | str | Unset): The provider's issuer (RFC 9207), when its redirect carried one.
    """

    state: str
    code_verifier: str
    code: None | str | Unset = UNSET
    error: None | str | Unset = UNSET
    error_description: None | str | Unset = UNSET
    iss: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        state = self.state

        code_verifier = self.code_verifier

        code: None | str | Unset
        if isinstance(self.code, Unset):
            code = UNSET
        else:
            code = self.code

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        error_description: None | str | Unset
        if isinstance(self.error_description, Unset):
            error_description = UNSET
        else:
            error_description = self.error_description

        iss: None | str | Unset
        if isinstance(self.iss, Unset):
            iss = UNSET
        else:
            iss = self.iss

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "state": state,
                "code_verifier": code_verifier,
            }
        )
        if code is not UNSET:
            field_dict["code"] = code
        if error is not UNSET:
            field_dict["error"] = error
        if error_description is not UNSET:
            field_dict["error_description"] = error_description
        if iss is not UNSET:
            field_dict["iss"] = iss

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        state = d.pop("state")

        code_verifier = d.pop("code_verifier")

        def _parse_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        code = _parse_code(d.pop("code", UNSET))

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        def _parse_error_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error_description = _parse_error_description(d.pop("error_description", UNSET))

        def _parse_iss(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        iss = _parse_iss(d.pop("iss", UNSET))

        sso_callback_request = cls(
            state=state,
            code_verifier=code_verifier,
            code=code,
            error=error,
            error_description=error_description,
            iss=iss,
        )

        return sso_callback_request
