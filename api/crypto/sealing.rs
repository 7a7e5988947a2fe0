//! Secrets at rest. Values that must be read back (TOTP secrets, the recovery-code set) are
//! sealed with XChaCha20-Poly1305 under a key derived from a server secret; values that only
//! need checking (recovery codes) are stored as keyed digests (HMAC-SHA-256). Each sealed value
//! is bound to its row by associated data, so a ciphertext moved to another row does not open.
//!
//! Every sealed value and digest names the key that made it (digests as `key_id:hex`), so
//! the keyring can rotate: new values use the active key, old ones open and check with theirs.
//! A running server swaps in a rotated keyring ([`Sealer::load`]) without a restart; each
//! call (a seal, an open, a digest) works on the keys as they were when it began.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use std::sync::{Arc, PoisonError, RwLock};

use super::CryptoError;
use super::keys::Keyring;
use super::tokens::random_bytes;

type HmacSha256 = Hmac<Sha256>;

/// Keys derived from one server secret, one per purpose.
struct DerivedKeys {
    id: String,
    created_at: chrono::DateTime<chrono::Utc>,
    aead: Zeroizing<[u8; 32]>,
    digest: Zeroizing<[u8; 32]>,
}

/// The keys of one keyring, derived.
struct KeySet {
    active: usize,
    keys: Vec<DerivedKeys>,
}

/// Seals, opens and digests with the keyring's keys.
pub struct Sealer {
    current: RwLock<Arc<KeySet>>,
    /// Until when this server may seal: renewed by each report of the keys it holds. A server
    /// that was paused past it (and so counted as stopped, while the keyring moved on and an
    /// old key was retired) seals nothing under a key the others may no longer have.
    lease: std::sync::Mutex<std::time::Instant>,
}

/// How long a report of the keys held lets a server seal: less than the minute after which
/// key commands count it as stopped.
pub const LEASE: std::time::Duration = std::time::Duration::from_secs(45);

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

impl KeySet {
    fn derive(keyring: &Keyring) -> KeySet {
        let keys: Vec<DerivedKeys> = keyring
            .keys()
            .iter()
            .map(|key| DerivedKeys {
                id: key.id.clone(),
                created_at: key.created_at,
                aead: Zeroizing::new(hmac(key.secret(), b"tessera/seal/xchacha20poly1305/v1")),
                digest: Zeroizing::new(hmac(key.secret(), b"tessera/digest/hmac-sha256/v1")),
            })
            .collect();
        let active = keys
            .iter()
            .position(|k| k.id == keyring.active().id)
            .unwrap_or(0);
        KeySet { active, keys }
    }

    fn active(&self) -> &DerivedKeys {
        &self.keys[self.active]
    }

    /// The key `key_id` names. One that is not in the keyring is logged as an error: a value
    /// made under it cannot be opened or checked, so somebody is being refused (a key retired
    /// while still in use, or an instance whose keyring is older than the database).
    fn key(&self, key_id: &str) -> Result<&DerivedKeys, CryptoError> {
        self.keys.iter().find(|k| k.id == key_id).ok_or_else(|| {
            tracing::error!(
                key_id,
                held = ?self.keys.iter().map(|k| k.id.as_str()).collect::<Vec<_>>(),
                "a stored value names a key this server's keyring does not hold; it cannot be \
                 opened or checked"
            );
            CryptoError::UnknownKey(key_id.to_string())
        })
    }
}

/// Which keys a sealer holds, as a server reports them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldKeys {
    pub active: String,
    pub all: Vec<String>,
}

impl Sealer {
    pub fn new(keyring: &Keyring) -> Self {
        Sealer {
            current: RwLock::new(Arc::new(KeySet::derive(keyring))),
            // Just loaded from the file: as fresh as a report.
            lease: std::sync::Mutex::new(std::time::Instant::now() + LEASE),
        }
    }

    /// After a report of the keys held, begun at `reported_at`: sealing is allowed for
    /// another [`LEASE`] from then.
    pub fn renew_lease(&self, reported_at: std::time::Instant) {
        *self.lease.lock().unwrap_or_else(PoisonError::into_inner) = reported_at + LEASE;
    }

    /// Swaps in `keyring` (a rotated or trimmed one): operations that begin afterwards use it.
    pub fn load(&self, keyring: &Keyring) {
        let keys = Arc::new(KeySet::derive(keyring));
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = keys;
    }

    /// The ids `keyring` holds with another secret than this sealer's key of the same id:
    /// taking it would leave everything sealed under them unreadable.
    pub fn changed_secrets(&self, keyring: &Keyring) -> Vec<String> {
        let held = self.keys();
        let offered = KeySet::derive(keyring);
        offered
            .keys
            .iter()
            .filter(|key| {
                held.keys
                    .iter()
                    .any(|mine| mine.id == key.id && mine.aead.as_slice() != key.aead.as_slice())
            })
            .map(|key| key.id.clone())
            .collect()
    }

    fn keys(&self) -> Arc<KeySet> {
        self.current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub fn held(&self) -> HeldKeys {
        let keys = self.keys();
        HeldKeys {
            active: keys.active().id.clone(),
            all: keys.keys.iter().map(|k| k.id.clone()).collect(),
        }
    }

    /// Whether this server holds the key `key_id`.
    pub fn knows(&self, key_id: &str) -> bool {
        self.keys().keys.iter().any(|k| k.id == key_id)
    }

    /// When the active key was made: a keyring that makes an older key active again is an old
    /// backup, not a rotation.
    pub fn active_created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.keys().active().created_at
    }

    pub fn active_key_id(&self) -> String {
        self.keys().active().id.clone()
    }

    pub fn is_active(&self, key_id: &str) -> bool {
        key_id == self.keys().active().id
    }

    pub fn seal(&self, plaintext: &[u8], bound_to: &str) -> Result<Sealed, CryptoError> {
        if std::time::Instant::now() >= *self.lease.lock().unwrap_or_else(PoisonError::into_inner) {
            return Err(CryptoError::LeaseLapsed);
        }
        let keys = self.keys();
        let key = keys.active();
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
        let keys = self.keys();
        let key = keys.key(key_id)?;
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
        digest_with(self.keys().active(), value)
    }

    /// The digest of `value` under every key of the keyring: what to look a stored digest up
    /// by, whichever key made it.
    pub fn digest_candidates(&self, value: &str) -> Vec<String> {
        self.keys()
            .keys
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
        let keys = self.keys();
        let Ok(key) = keys.key(key_id) else {
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
        assert_eq!(digest_key_id(&stored), Some(a.active_key_id().as_str()));
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

    #[test]
    fn a_server_whose_lease_lapsed_seals_nothing_until_it_reports_again() {
        let sealer = sealer();
        assert!(sealer.seal(b"x", "row:1").is_ok());
        // As after a pause longer than the lease.
        *sealer.lease.lock().unwrap() = std::time::Instant::now();
        assert!(matches!(
            sealer.seal(b"x", "row:1"),
            Err(CryptoError::LeaseLapsed)
        ));
        sealer.renew_lease(std::time::Instant::now());
        assert!(sealer.seal(b"x", "row:1").is_ok());
    }

    #[test]
    fn a_sealer_takes_a_rotated_keyring_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let (keys, _) = ServerKeys::load_or_generate(dir.path()).unwrap();
        let sealer = Sealer::new(&keys.keyring);
        let old = sealer.active_key_id();
        let sealed = sealer.seal(b"secret", "row:1").unwrap();
        let new = crate::crypto::keys::Keyring::rotate(dir.path(), chrono::Utc::now()).unwrap();
        assert_eq!(
            sealer.active_key_id(),
            old,
            "nothing changes until it is loaded"
        );

        sealer.load(&crate::crypto::keys::Keyring::load(dir.path()).unwrap());
        assert_eq!(
            sealer.held(),
            HeldKeys {
                active: new.clone(),
                all: vec![old.clone(), new.clone()]
            }
        );
        assert_eq!(sealer.seal(b"x", "row:2").unwrap().key_id, new);
        assert!(sealer.open(&old, &sealed.ciphertext, "row:1").is_ok());

        crate::crypto::keys::Keyring::remove(dir.path(), &old).unwrap();
        sealer.load(&crate::crypto::keys::Keyring::load(dir.path()).unwrap());
        assert!(!sealer.knows(&old));
        assert!(matches!(
            sealer.open(&old, &sealed.ciphertext, "row:1"),
            Err(CryptoError::UnknownKey(id)) if id == old
        ));
    }
}
