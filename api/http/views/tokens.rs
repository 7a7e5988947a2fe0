//! The wire shape of access tokens and of the key set that verifies them.

use serde::Serialize;
use utoipa::ToSchema;

use crate::service::Secret;
use crate::service::{access_tokens, signing_keys};

/// A freshly minted access token.
#[derive(Serialize, ToSchema)]
pub struct AccessToken {
    /// The JWT, for `Authorization: Bearer …` towards the integrator's back-end.
    #[schema(value_type = String, example = "eyJ0eXAiOiJKV1QiLCJhbGciOiJFZERTQSIsImtpZCI6Ii4uLiJ9.eyJ…")]
    pub access_token: Secret,
    #[schema(example = "Bearer")]
    pub token_type: &'static str,
    /// Seconds until the token expires.
    #[schema(example = 300)]
    pub expires_in: i64,
}

impl From<access_tokens::AccessToken> for AccessToken {
    fn from(token: access_tokens::AccessToken) -> Self {
        AccessToken {
            access_token: token.access_token,
            token_type: token.token_type,
            expires_in: token.expires_in,
        }
    }
}

/// A public key as the JWKS publishes it (RFC 8037 `OKP` key).
#[derive(Serialize, ToSchema)]
pub struct PublicJwk {
    /// The key id: the RFC 7638 thumbprint; JWTs name it in their `kid` header.
    #[schema(example = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")]
    pub kid: String,
    #[schema(example = "OKP")]
    pub kty: &'static str,
    #[schema(example = "Ed25519")]
    pub crv: &'static str,
    /// The public key, base64url.
    #[schema(example = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")]
    pub x: String,
    #[schema(example = "EdDSA")]
    pub alg: &'static str,
    #[serde(rename = "use")]
    #[schema(rename = "use", example = "sig")]
    pub key_use: &'static str,
}

impl From<signing_keys::PublicJwk> for PublicJwk {
    fn from(key: signing_keys::PublicJwk) -> Self {
        PublicJwk {
            kid: key.kid,
            kty: key.kty,
            crv: key.crv,
            x: key.x,
            alg: key.alg,
            key_use: key.key_use,
        }
    }
}

/// The JSON Web Key Set (RFC 7517) that verifies Tessera's access tokens.
#[derive(Serialize, ToSchema)]
pub struct Jwks {
    pub keys: Vec<PublicJwk>,
}

impl From<signing_keys::Jwks> for Jwks {
    fn from(jwks: signing_keys::Jwks) -> Self {
        Jwks {
            keys: jwks.keys.into_iter().map(Into::into).collect(),
        }
    }
}
