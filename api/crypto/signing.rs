//! Ed25519 keys that sign JWT access tokens (EdDSA): made here, stored as PKCS#8 (sealed by
//! the caller), published as JWKs whose key id is the RFC 7638 thumbprint.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use jsonwebtoken::jwk::{
    AlgorithmParameters, CommonParameters, EllipticCurve, Jwk, OctetKeyPairParameters,
    OctetKeyPairType, ThumbprintHash,
};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use zeroize::Zeroizing;

use super::CryptoError;
use super::tokens::random_bytes;

/// The JWS algorithm of every key here.
pub const ALGORITHM: &str = "EdDSA";

/// A signing key: its id, its public half (the JWK `x`) and its private half.
pub struct KeyPair {
    pub kid: String,
    pub public_x: String,
    pkcs8: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyPair")
            .field("kid", &self.kid)
            .field("private_key", &"[redacted]")
            .finish()
    }
}

impl KeyPair {
    pub fn generate() -> Result<KeyPair, CryptoError> {
        let key = SigningKey::from_bytes(&random_bytes::<32>());
        Self::from_key(&key)
    }

    /// A key stored as PKCS#8 DER (as [`KeyPair::pkcs8`] gave it).
    pub fn from_pkcs8(der: &[u8]) -> Result<KeyPair, CryptoError> {
        let key = SigningKey::from_pkcs8_der(der)
            .map_err(|_| CryptoError::Open("not an Ed25519 PKCS#8 key"))?;
        Self::from_key(&key)
    }

    fn from_key(key: &SigningKey) -> Result<KeyPair, CryptoError> {
        let pkcs8 = key.to_pkcs8_der().map_err(|_| CryptoError::Seal)?;
        let public_x = URL_SAFE_NO_PAD.encode(key.verifying_key().as_bytes());
        Ok(KeyPair {
            kid: thumbprint(&public_x),
            public_x,
            pkcs8: Zeroizing::new(pkcs8.as_bytes().to_vec()),
        })
    }

    /// The private key as PKCS#8 DER: what gets sealed for storage.
    pub fn pkcs8(&self) -> &[u8] {
        &self.pkcs8
    }

    /// The signer: a JWT header naming this key, and the key to sign with.
    pub fn signer(&self) -> Signer {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(self.kid.clone());
        Signer {
            header,
            key: EncodingKey::from_ed_der(&self.pkcs8),
        }
    }
}

/// What signs tokens with one key.
pub struct Signer {
    header: Header,
    key: EncodingKey,
}

impl Signer {
    pub fn kid(&self) -> Option<&str> {
        self.header.kid.as_deref()
    }

    pub fn sign(&self, claims: &impl serde::Serialize) -> Result<String, CryptoError> {
        jsonwebtoken::encode(&self.header, claims, &self.key)
            .map_err(|e| CryptoError::Sign(e.to_string()))
    }
}

/// The public key `x` as a JWK (RFC 8037).
pub fn public_jwk(kid: &str, public_x: &str) -> Jwk {
    Jwk {
        common: CommonParameters {
            key_id: Some(kid.to_string()),
            ..CommonParameters::default()
        },
        algorithm: AlgorithmParameters::OctetKeyPair(OctetKeyPairParameters {
            key_type: OctetKeyPairType::OctetKeyPair,
            curve: EllipticCurve::Ed25519,
            x: public_x.to_string(),
        }),
    }
}

/// The RFC 7638 SHA-256 thumbprint of an Ed25519 public key: a key id that names the key
/// itself, so two servers that made the same key cannot disagree on its id.
pub fn thumbprint(public_x: &str) -> String {
    public_jwk("", public_x).thumbprint(ThumbprintHash::SHA256)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{DecodingKey, Validation};

    #[test]
    fn a_key_survives_its_storage_form_and_signs_what_its_jwk_verifies() {
        let key = KeyPair::generate().unwrap();
        let again = KeyPair::from_pkcs8(key.pkcs8()).unwrap();
        assert_eq!(again.kid, key.kid);
        assert_eq!(again.public_x, key.public_x);
        assert!(!format!("{key:?}").contains(&URL_SAFE_NO_PAD.encode(key.pkcs8())));

        let claims = serde_json::json!({"sub": "ada", "exp": 4_000_000_000_i64});
        let token = key.signer().sign(&claims).unwrap();
        let header = jsonwebtoken::decode_header(&token).unwrap();
        assert_eq!(header.kid.as_deref(), Some(key.kid.as_str()));
        let decoding = DecodingKey::from_jwk(&public_jwk(&key.kid, &key.public_x)).unwrap();
        let mut validation = Validation::new(Algorithm::EdDSA);
        validation.validate_aud = false;
        let verified =
            jsonwebtoken::decode::<serde_json::Value>(&token, &decoding, &validation).unwrap();
        assert_eq!(verified.claims["sub"], "ada");

        let other = KeyPair::generate().unwrap();
        assert_ne!(other.kid, key.kid);
        let wrong = DecodingKey::from_jwk(&public_jwk(&other.kid, &other.public_x)).unwrap();
        assert!(jsonwebtoken::decode::<serde_json::Value>(&token, &wrong, &validation).is_err());
    }

    #[test]
    fn the_key_id_is_the_rfc_7638_thumbprint() {
        // RFC 8037, appendix A.3.
        assert_eq!(
            thumbprint("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        );
    }
}
