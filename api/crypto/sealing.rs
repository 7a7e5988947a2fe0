//! Secrets at rest. Values that must be read back (TOTP secrets, the recovery-code set) are
//! sealed with XChaCha20-Poly1305 under a key derived from a server secret; values that only
//! need checking (recovery codes) are stored as keyed digests (HMAC-SHA-256). Each sealed value
//! is bound to its row by associated data, so a ciphertext moved to another row does not open.
//!
//! Every sealed value and digest names the key that made it (digests as `key_id:hex`), so
//! the keyring can rotate: new values use the active key, old ones open and check with theirs.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::CryptoError;
use super::keys::Keyring;
use super::tokens::random_bytes;

type HmacSha256 = Hmac<Sha256>;

/// Keys derived from one server secret, one per purpose.
struct DerivedKeys {
    id: String,
    aead: Zeroizing<[u8; 32]>,
    digest: Zeroizing<[u8; 32]>,
}

/// Seals, opens and digests with the keyring's keys.
pub struct Sealer {
    active: usize,
    keys: Vec<DerivedKeys>,
}

/// A sealed value and the id of the key that sealed it.
pub struct Sealed {
    pub key_id: String,
    pub ciphertext: String,
}

fn hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = <HmacSha256 as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(message);
    mac.finalize().into_bytes().into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Sealer {
    pub fn new(keyring: &Keyring) -> Self {
        let keys: Vec<DerivedKeys> = keyring
            .keys()
            .iter()
            .map(|key| DerivedKeys {
                id: key.id.clone(),
                aead: Zeroizing::new(hmac(key.secret(), b"tessera/seal/xchacha20poly1305/v1")),
                digest: Zeroizing::new(hmac(key.secret(), b"tessera/digest/hmac-sha256/v1")),
            })
            .collect();
        let active = keys
            .iter()
            .position(|k| k.id == keyring.active().id)
            .unwrap_or(0);
        Sealer { active, keys }
    }

    fn active(&self) -> &DerivedKeys {
        &self.keys[self.active]
    }

    fn key(&self, key_id: &str) -> Result<&DerivedKeys, CryptoError> {
        self.keys
            .iter()
            .find(|k| k.id == key_id)
            .ok_or_else(|| CryptoError::UnknownKey(key_id.to_string()))
    }

    pub fn active_key_id(&self) -> &str {
        &self.active().id
    }

    pub fn is_active(&self, key_id: &str) -> bool {
        key_id == self.active().id
    }

    pub fn key_ids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|k| k.id.as_str())
    }

    pub fn seal(&self, plaintext: &[u8], bound_to: &str) -> Result<Sealed, CryptoError> {
        let key = self.active();
        let cipher = XChaCha20Poly1305::new(key.aead.as_slice().into());
        let nonce = random_bytes::<24>();
        let ciphertext = cipher
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: bound_to.as_bytes(),
                },
            )
            .map_err(|_| CryptoError::Seal)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ciphertext);
        Ok(Sealed {
            key_id: key.id.clone(),
            ciphertext: STANDARD.encode(out),
        })
    }

    pub fn open(
        &self,
        key_id: &str,
        ciphertext: &str,
        bound_to: &str,
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        let key = self.key(key_id)?;
        let raw = STANDARD
            .decode(ciphertext)
            .map_err(|_| CryptoError::Open("not base64"))?;
        if raw.len() < 24 {
            return Err(CryptoError::Open("too short"));
        }
        let (nonce, body) = raw.split_at(24);
        XChaCha20Poly1305::new(key.aead.as_slice().into())
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: body,
                    aad: bound_to.as_bytes(),
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| CryptoError::Open("authentication failed"))
    }

    /// Keyed digest under the active key, as `key_id:hex`: a database dump alone cannot test
    /// guesses against it.
    pub fn digest(&self, value: &str) -> String {
        digest_with(self.active(), value)
    }

    /// The digest of `value` under every key of the keyring: what to look a stored digest up
    /// by, whichever key made it.
    pub fn digest_candidates(&self, value: &str) -> Vec<String> {
        self.keys
            .iter()
            .map(|key| digest_with(key, value))
            .collect()
    }

    /// Whether `stored` (a `key_id:hex` digest) is the digest of `value`, checked with the key
    /// that made it, in constant time.
    pub fn digest_matches(&self, stored: &str, value: &str) -> bool {
        let Some((key_id, _)) = stored.split_once(':') else {
            return false;
        };
        let Ok(key) = self.key(key_id) else {
            return false;
        };
        digest_with(key, value)
            .as_bytes()
            .ct_eq(stored.as_bytes())
            .into()
    }
}

/// The key id a stored `key_id:hex` digest names.
pub fn digest_key_id(stored: &str) -> Option<&str> {
    stored.split_once(':').map(|(key_id, _)| key_id)
}

fn digest_with(key: &DerivedKeys, value: &str) -> String {
    format!(
        "{}:{}",
        key.id,
        hex(&hmac(key.digest.as_slice(), value.as_bytes()))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::crypto::keys::ServerKeys;

    fn sealer() -> Sealer {
        let dir = tempfile::tempdir().unwrap();
        let (keys, _) = ServerKeys::load_or_generate(dir.path()).unwrap();
        Sealer::new(&keys.keyring)
    }

    #[test]
    fn sealed_values_open_only_for_their_row() {
        let sealer = sealer();
        let sealed = sealer.seal(b"JBSWY3DPEHPK3PXP", "totp:1").unwrap();
        assert!(!sealed.ciphertext.contains("JBSWY3DP"));
        let opened = sealer
            .open(&sealed.key_id, &sealed.ciphertext, "totp:1")
            .unwrap();
        assert_eq!(opened.as_slice(), b"JBSWY3DPEHPK3PXP");
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
        let stored = a.digest("abcde12345");
        assert_eq!(digest_key_id(&stored), Some(a.active_key_id()));
        assert!(a.digest_matches(&stored, "abcde12345"));
        assert!(!a.digest_matches(&stored, "abcde12346"));
        assert!(!b.digest_matches(&stored, "abcde12345"));
    }

    #[test]
    fn after_a_rotation_old_values_still_open_and_new_ones_use_the_new_key() {
        let dir = tempfile::tempdir().unwrap();
        let (keys, _) = ServerKeys::load_or_generate(dir.path()).unwrap();
        let before = Sealer::new(&keys.keyring);
        let sealed = before.seal(b"secret", "row:1").unwrap();
        let digest = before.digest("code");
        crate::crypto::keys::Keyring::rotate(dir.path(), chrono::Utc::now()).unwrap();
        let keyring = crate::crypto::keys::Keyring::load(dir.path()).unwrap();
        let after = Sealer::new(&keyring);
        assert!(!after.is_active(&sealed.key_id));
        assert_eq!(
            after
                .open(&sealed.key_id, &sealed.ciphertext, "row:1")
                .unwrap()
                .as_slice(),
            b"secret"
        );
        assert!(after.digest_matches(&digest, "code"));
        assert!(after.digest_candidates("code").contains(&digest));
        assert_ne!(after.digest("code"), digest);
        assert_eq!(
            after.seal(b"x", "row:2").unwrap().key_id,
            after.active_key_id()
        );
    }
}
