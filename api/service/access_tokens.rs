//! JWT access tokens: short-lived, EdDSA-signed statements of a live session, so integrators'
//! back-ends learn who is calling without a round trip to Tessera (they verify the signature
//! against the JWKS). Minting one is the session check plus a signature: no other read, no
//! write.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::context::Context;
use super::error::Result;
use super::secret::Secret;
use super::sessions::{self, Aal};
use crate::crypto::tokens::random_token;

/// What the tokens say of themselves.
pub struct AccessTokenPolicy {
    /// `iss`: the server's public URL.
    pub issuer: String,
    /// `aud`: who the tokens are for.
    pub audience: String,
    /// How long a token lives (never past its session's end).
    pub lifetime: Duration,
}

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    /// The account.
    pub sub: String,
    pub aud: String,
    /// The session the token speaks for.
    pub sid: String,
    /// `aal1` or `aal2`.
    pub aal: String,
    /// How the session was signed in, as RFC 8176 names methods.
    pub amr: Vec<String>,
    /// Whether the account's email address is proven (as OpenID Connect names it).
    #[serde(default)]
    pub email_verified: bool,
    /// When it was proven (Unix seconds); absent while it is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_verified_at: Option<i64>,
    pub iat: i64,
    pub exp: i64,
    /// Unique per token.
    pub jti: String,
}

/// A freshly minted access token.
#[derive(Debug)]
pub struct AccessToken {
    /// The JWT, for `Authorization: Bearer …` towards the integrator's back-end.
    pub access_token: Secret,
    pub token_type: &'static str,
    /// Seconds until the token expires.
    pub expires_in: i64,
}

/// Session methods as RFC 8176 names them: `pwd` for the password, `otp` for a one-time code
/// (authenticator app, hardware token or recovery code), `hwk` as well for a hardware token,
/// `sso` for a sign-in at an organisation's identity provider, and `mfa` once a second factor
/// counted (aal2: Tessera's, or the provider's where the organisation's policy lets it stand).
/// Never the provider's own values: those are the session's `idp_amr`, for information.
pub fn amr(methods: &[String], aal: Aal) -> Vec<String> {
    let mut amr: Vec<&str> = Vec::new();
    for method in methods {
        let named: Vec<&str> = match method.as_str() {
            "password" => vec!["pwd"],
            "totp" | "recovery_code" => vec!["otp"],
            "hardware_token" => vec!["otp", "hwk"],
            "sso" => vec!["sso"],
            _ => Vec::new(),
        };
        for name in named {
            if !amr.contains(&name) {
                amr.push(name);
            }
        }
    }
    if aal == Aal::Aal2 && !amr.contains(&"mfa") {
        amr.push("mfa");
    }
    amr.into_iter().map(str::to_string).collect()
}

/// Mints an access token for the session `session_token` opens (401 when none does).
pub fn mint(cx: &mut Context<'_>, session_token: &Secret) -> Result<AccessToken> {
    let session = sessions::facts(cx, session_token)?;
    let policy = &cx.env.access_tokens;
    let keys = cx
        .env
        .signing_keys
        .current(cx.conn, &cx.env.sealer, cx.now)?;
    let expires_at: DateTime<Utc> = (cx.now + policy.lifetime).min(session.ends_at);
    let claims = Claims {
        iss: policy.issuer.clone(),
        sub: session.account_id.to_string(),
        aud: policy.audience.clone(),
        sid: session.session_id.to_string(),
        aal: session.aal.name().to_string(),
        amr: amr(&session.methods, session.aal),
        email_verified: session.email_verified_at.is_some(),
        email_verified_at: session.email_verified_at.map(|at| at.timestamp()),
        iat: cx.now.timestamp(),
        exp: expires_at.timestamp(),
        jti: random_token(""),
    };
    Ok(AccessToken {
        access_token: Secret::new(keys.signer().sign(&claims)?),
        token_type: "Bearer",
        expires_in: claims.exp - claims.iat,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(methods: &[&str], aal: Aal) -> Vec<String> {
        let methods: Vec<String> = methods.iter().map(|m| m.to_string()).collect();
        amr(&methods, aal)
    }

    #[test]
    fn methods_are_named_as_rfc_8176_names_them() {
        assert_eq!(named(&["password"], Aal::Aal1), ["pwd"]);
        assert_eq!(
            named(&["password", "totp"], Aal::Aal2),
            ["pwd", "otp", "mfa"]
        );
        assert_eq!(
            named(&["password", "hardware_token", "totp"], Aal::Aal2),
            ["pwd", "otp", "hwk", "mfa"]
        );
        assert_eq!(
            named(&["password", "recovery_code"], Aal::Aal2),
            ["pwd", "otp", "mfa"]
        );
        assert_eq!(named(&["sso"], Aal::Aal1), ["sso"]);
        assert_eq!(named(&["sso"], Aal::Aal2), ["sso", "mfa"]);
        assert_eq!(named(&["sso", "totp"], Aal::Aal2), ["sso", "otp", "mfa"]);
    }
}
