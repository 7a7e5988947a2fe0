//! Secrets at rest. Values that must be read back (TOTP secrets, the recovery-code set) are
//! sealed with XChaCha20-Poly1305 under a key derived from the server secret; values that only
//! need checking (recovery codes) are stored as keyed digests (HMAC-SHA-256). Each sealed value
//! is bound to its row by associated data, so a ciphertext moved to another row does not open.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::keys::ServerKeys;
use super::tokens::random_bytes;
use crate::error::ApiError;

type HmacSha256 = Hmac<Sha256>;

/// Keys derived from the server secret, one per purpose.
pub struct Sealer {
    key_id: String,
    aead_key: [u8; 32],
    digest_key: [u8; 32],
}

/// A sealed value and the id of the key that sealed it.
pub struct Sealed {
    pub key_id: String,
    pub ciphertext: String,
}

fn derive(secret: &[u8; 32], purpose: &str) -> [u8; 32] {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(purpose.as_bytes());
    mac.finalize().into_bytes().into()
}

impl Sealer {
    pub fn new(keys: &ServerKeys) -> Self {
        Sealer {
            key_id: keys.secret_id.clone(),
            aead_key: derive(&keys.secret, "tessera/seal/xchacha20poly1305/v1"),
            digest_key: derive(&keys.secret, "tessera/digest/hmac-sha256/v1"),
        }
    }

    pub fn seal(&self, plaintext: &[u8], bound_to: &str) -> Result<Sealed, ApiError> {
        let cipher = XChaCha20Poly1305::new((&self.aead_key).into());
        let nonce = random_bytes::<24>();
        let ciphertext = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: bound_to.as_bytes(),
                },
            )
            .map_err(|_| ApiError::internal("sealing failed"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ciphertext);
        Ok(Sealed {
            key_id: self.key_id.clone(),
            ciphertext: STANDARD.encode(out),
        })
    }

    pub fn open(
        &self,
        key_id: &str,
        ciphertext: &str,
        bound_to: &str,
    ) -> Result<Vec<u8>, ApiError> {
        if key_id != self.key_id {
            return Err(ApiError::internal(format!(
                "value sealed with unknown key {key_id}"
            )));
        }
        let raw = STANDARD
            .decode(ciphertext)
            .map_err(|_| ApiError::internal("sealed value is not base64"))?;
        if raw.len() < 24 {
            return Err(ApiError::internal("sealed value too short"));
        }
        let (nonce, body) = raw.split_at(24);
        XChaCha20Poly1305::new((&self.aead_key).into())
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: bound_to.as_bytes(),
                },
            )
            .map_err(|_| ApiError::internal("sealed value does not open"))
    }

    /// Keyed digest, hex: a database dump alone cannot test guesses against it.
    pub fn digest(&self, value: &str) -> String {
        let mut mac =
            <HmacSha256 as Mac>::new_from_slice(&self.digest_key).expect("any key length");
        mac.update(value.as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealer() -> Sealer {
        let dir = tempfile::tempdir().unwrap();
        let (keys, _) = ServerKeys::load_or_generate(dir.path()).unwrap();
        Sealer::new(&keys)
    }

    #[test]
    fn sealed_values_open_only_for_their_row() {
        let sealer = sealer();
        let sealed = sealer.seal(b"JBSWY3DPEHPK3PXP", "totp:1").unwrap();
        assert!(!sealed.ciphertext.contains("JBSWY3DP"));
        let opened = sealer
            .open(&sealed.key_id, &sealed.ciphertext, "totp:1")
            .unwrap();
        assert_eq!(opened, b"JBSWY3DPEHPK3PXP");
        assert!(
            sealer
                .open(&sealed.key_id, &sealed.ciphertext, "totp:2")
                .is_err()
        );
        assert!(sealer.open("other", &sealed.ciphertext, "totp:1").is_err());
        let again = sealer.seal(b"JBSWY3DPEHPK3PXP", "totp:1").unwrap();
        assert_ne!(again.ciphertext, sealed.ciphertext, "fresh nonce each time");
    }

    #[test]
    fn digests_are_keyed() {
        let a = sealer();
        let b = sealer();
        assert_eq!(a.digest("abcde12345"), a.digest("abcde12345"));
        assert_ne!(a.digest("abcde12345"), b.digest("abcde12345"));
    }
}
