//! The server's keyring (`keyring.json`), generated on first start and kept in the keys
//! directory (mode 0600): 256-bit server secrets, each with an id, one of them active. The
//! active key seals new secrets and makes new keyed digests; older keys still open and check
//! what they made until `tessera keys retire` removes them.
//!
//! The file is read at start, and looked at again every few seconds (`keyring_watch`): a
//! rotation is picked up without a restart. Instances that share a database mount the same
//! file. A rotation has two steps: a new key is staged (every server loads it and can open
//! with it), and made active only once every running server holds it, so that no server meets
//! a value sealed under a key it does not have. (The keys that sign JWT access tokens live in
//! the database, sealed under the keyring: see `service::signing_keys`.)

use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::tokens::random_bytes;

pub const KEYRING_FILE: &str = "keyring.json";
/// The single-secret file of earlier versions; converted into a keyring on first load.
pub const LEGACY_SECRET_FILE: &str = "server-secret.json";
/// The signing key file of earlier versions, which never signed anything: only pointed out.
pub const LEGACY_SIGNING_KEY_FILE: &str = "signing-key.pem";

/// One server secret.
pub struct ServerKey {
    pub id: String,
    pub created_at: DateTime<Utc>,
    secret: Zeroizing<[u8; 32]>,
}

impl ServerKey {
    fn generate(now: DateTime<Utc>) -> ServerKey {
        // Date for people, random suffix so two rotations in one second cannot collide. No
        // `:` — keyed digests are stored as `key_id:hex`.
        let suffix: String = random_bytes::<3>()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        ServerKey {
            id: format!("k{}-{suffix}", now.format("%Y%m%d%H%M%S")),
            created_at: now,
            secret: Zeroizing::new(random_bytes::<32>()),
        }
    }

    pub fn secret(&self) -> &[u8; 32] {
        &self.secret
    }
}

impl std::fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerKey")
            .field("id", &self.id)
            .field("created_at", &self.created_at)
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// The server secrets: every key that may still have sealed something, and the active one.
#[derive(Debug)]
pub struct Keyring {
    active: String,
    keys: Vec<ServerKey>,
}

#[derive(Serialize, Deserialize)]
struct KeyringFile {
    active: String,
    keys: Vec<KeyEntry>,
}

#[derive(Serialize, Deserialize)]
struct KeyEntry {
    id: String,
    created_at: DateTime<Utc>,
    secret: String,
}

#[derive(Deserialize)]
struct LegacySecretFile {
    id: String,
    secret: String,
}

/// Why a key operation was refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{0}")]
    Io(String),
    #[error("no key {0} in the keyring")]
    UnknownKey(String),
    #[error("{0} is the active key; rotate first, then retire it")]
    RetiringActiveKey(String),
    #[error("{0} is no longer the staged key (another rotation came first); rotate again")]
    NotStaged(String),
    #[error(
        "the keyring in {dir} lacks keys the database holds values sealed under ({key_ids}): \
         restore keyring.json from the backup that has them (a keyring without them opens \
         none of those values)"
    )]
    Missing { dir: String, key_ids: String },
}

fn decode_secret(path: &Path, text: &str) -> Result<Zeroizing<[u8; 32]>, KeyError> {
    let bytes = Zeroizing::new(
        STANDARD
            .decode(text)
            .map_err(|_| KeyError::Io(format!("{}: a secret is not base64", path.display())))?,
    );
    let secret: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| KeyError::Io(format!("{}: a secret must be 32 bytes", path.display())))?;
    Ok(Zeroizing::new(secret))
}

impl Keyring {
    pub fn active(&self) -> &ServerKey {
        // `load` and `rotate` guarantee the active id names a key.
        self.keys
            .iter()
            .find(|k| k.id == self.active)
            .unwrap_or(&self.keys[0])
    }

    pub fn keys(&self) -> &[ServerKey] {
        &self.keys
    }

    /// Loads the keyring from `dir`, creating it (and saying so in `created`) when there is
    /// none, or converting the single secret of earlier versions.
    pub fn load_or_generate(dir: &Path, created: &mut Vec<PathBuf>) -> Result<Keyring, KeyError> {
        let path = dir.join(KEYRING_FILE);
        if path.exists() {
            return Keyring::load(dir);
        }
        // Two instances starting at once on an empty directory make one keyring, not two.
        let _lock = lock(dir)?;
        if path.exists() {
            return Keyring::load(dir);
        }
        let legacy_path = dir.join(LEGACY_SECRET_FILE);
        let keyring = if legacy_path.exists() {
            let text = read_private(&legacy_path)?;
            let legacy: LegacySecretFile = serde_json::from_str(&text).map_err(|e| {
                KeyError::Io(format!(
                    "{}: not a server secret file (line {}, column {})",
                    legacy_path.display(),
                    e.line(),
                    e.column()
                ))
            })?;
            let created_at = fs::metadata(&legacy_path)
                .and_then(|m| m.modified())
                .map(DateTime::<Utc>::from)
                .unwrap_or_else(|_| Utc::now());
            Keyring {
                active: legacy.id.clone(),
                keys: vec![ServerKey {
                    id: legacy.id,
                    created_at,
                    secret: decode_secret(&legacy_path, &legacy.secret)?,
                }],
            }
        } else {
            let key = ServerKey::generate(Utc::now());
            Keyring {
                active: key.id.clone(),
                keys: vec![key],
            }
        };
        keyring.save(dir)?;
        if legacy_path.exists() {
            // The keyring holds the same secret now; one copy of a secret is enough.
            fs::remove_file(&legacy_path).map_err(|e| {
                KeyError::Io(format!("cannot remove {}: {e}", legacy_path.display()))
            })?;
        } else {
            created.push(path);
        }
        Ok(keyring)
    }

    /// Loads an existing keyring.
    pub fn load(dir: &Path) -> Result<Keyring, KeyError> {
        let path = dir.join(KEYRING_FILE);
        let text = Zeroizing::new(read_private(&path)?);
        // serde's message may quote what it read (a secret): only where it stopped is told.
        let file: KeyringFile = serde_json::from_str(&text).map_err(|e| {
            KeyError::Io(format!(
                "{}: not a keyring (line {}, column {})",
                path.display(),
                e.line(),
                e.column()
            ))
        })?;
        let keys = file
            .keys
            .iter()
            .map(|entry| {
                Ok(ServerKey {
                    id: entry.id.clone(),
                    created_at: entry.created_at,
                    secret: decode_secret(&path, &entry.secret)?,
                })
            })
            .collect::<Result<Vec<_>, KeyError>>()?;
        if !keys.iter().any(|k| k.id == file.active) {
            return Err(KeyError::Io(format!(
                "{}: the active key {} is not in the keyring",
                path.display(),
                file.active
            )));
        }
        Ok(Keyring {
            active: file.active,
            keys,
        })
    }

    /// Runs `change` on the keyring as it is on disk and saves the result, holding the keys
    /// directory's lock throughout: two `tessera keys` commands at once cannot lose each
    /// other's keys.
    fn change<T>(
        dir: &Path,
        change: impl FnOnce(&mut Keyring) -> Result<T, KeyError>,
    ) -> Result<T, KeyError> {
        let _lock = lock(dir)?;
        let mut keyring = Keyring::load(dir)?;
        let outcome = change(&mut keyring)?;
        keyring.save(dir)?;
        Ok(outcome)
    }

    /// The first step of a rotation: a new key that every server loads and can open with,
    /// but that seals nothing until [`Keyring::activate`]. A key staged earlier and not yet
    /// activated (a rotation that did not finish) is reused. Returns its id.
    pub fn stage(dir: &Path, now: DateTime<Utc>) -> Result<String, KeyError> {
        Keyring::change(dir, |keyring| {
            if let Some(staged) = keyring.staged() {
                return Ok(staged.id.clone());
            }
            let key = ServerKey::generate(now);
            let id = key.id.clone();
            keyring.keys.push(key);
            Ok(id)
        })
    }

    /// The key staged by [`Keyring::stage`] and not active yet: one after the active key.
    pub fn staged(&self) -> Option<&ServerKey> {
        let active = self.keys.iter().position(|k| k.id == self.active)?;
        self.keys.get(active + 1..)?.last()
    }

    /// Makes a staged key the active one: new values are sealed under it from now on. Only
    /// the key staged now: a rotation resumed long after another one finished must not move
    /// the active key back to an older one.
    pub fn activate(dir: &Path, id: &str) -> Result<(), KeyError> {
        Keyring::change(dir, |keyring| {
            if keyring.active == id {
                return Ok(());
            }
            if keyring.staged().is_none_or(|staged| staged.id != id) {
                return Err(KeyError::NotStaged(id.to_string()));
            }
            keyring.active = id.to_string();
            Ok(())
        })
    }

    /// Stages a new key and activates it at once: for a keyring no running server uses.
    #[cfg(test)]
    pub fn rotate(dir: &Path, now: DateTime<Utc>) -> Result<String, KeyError> {
        let id = Keyring::stage(dir, now)?;
        Keyring::activate(dir, &id)?;
        Ok(id)
    }

    /// Removes a key that is not the active one. The caller checks first that nothing is
    /// sealed under it any more.
    pub fn remove(dir: &Path, id: &str) -> Result<(), KeyError> {
        Keyring::change(dir, |keyring| {
            if keyring.active == id {
                return Err(KeyError::RetiringActiveKey(id.to_string()));
            }
            let before = keyring.keys.len();
            keyring.keys.retain(|k| k.id != id);
            if keyring.keys.len() == before {
                return Err(KeyError::UnknownKey(id.to_string()));
            }
            Ok(())
        })
    }

    /// Whether `dir` holds a keyring (or the single secret of earlier versions).
    pub fn exists(dir: &Path) -> bool {
        dir.join(KEYRING_FILE).exists() || dir.join(LEGACY_SECRET_FILE).exists()
    }

    /// Writes the keyring to a temporary file and renames it into place, so an instance that
    /// starts meanwhile reads either the old keyring or the new one, never half of one.
    fn save(&self, dir: &Path) -> Result<(), KeyError> {
        let file = KeyringFile {
            active: self.active.clone(),
            keys: self
                .keys
                .iter()
                .map(|k| KeyEntry {
                    id: k.id.clone(),
                    created_at: k.created_at,
                    secret: STANDARD.encode(k.secret.as_slice()),
                })
                .collect(),
        };
        let json = Zeroizing::new(
            serde_json::to_vec_pretty(&file).map_err(|e| KeyError::Io(e.to_string()))?,
        );
        let path = dir.join(KEYRING_FILE);
        let temporary = dir.join(format!(".{KEYRING_FILE}.{}", std::process::id()));
        let _ = fs::remove_file(&temporary);
        write_private(&temporary, &json)?;
        fs::rename(&temporary, &path)
            .map_err(|e| KeyError::Io(format!("cannot replace {}: {e}", path.display())))
    }
}

pub struct ServerKeys {
    pub keyring: Keyring,
}

impl ServerKeys {
    /// Creates the keys directory if it is not there, readable by the owner only (by default
    /// it is the data directory, which holds the embedded database too).
    pub fn create_dir(dir: &Path) -> Result<(), KeyError> {
        if !dir.exists() {
            fs::create_dir_all(dir)
                .and_then(|_| fs::set_permissions(dir, fs::Permissions::from_mode(0o700)))
                .map_err(|e| KeyError::Io(format!("cannot create {}: {e}", dir.display())))?;
        }
        Ok(())
    }

    /// Loads the keys from `dir`, generating any that are missing. Returns the keys and the
    /// paths of the files it created.
    pub fn load_or_generate(dir: &Path) -> Result<(ServerKeys, Vec<PathBuf>), KeyError> {
        ServerKeys::create_dir(dir)?;
        let mut created = Vec::new();
        let keyring = Keyring::load_or_generate(dir, &mut created)?;

        if dir.join(LEGACY_SIGNING_KEY_FILE).exists() {
            tracing::warn!(
                path = %dir.join(LEGACY_SIGNING_KEY_FILE).display(),
                "this signing key file of an earlier version is not used (token signing keys \
                 live sealed in the database); delete it"
            );
        }
        Ok((ServerKeys { keyring }, created))
    }
}

/// The keys directory's lock (`.keyring.lock`), held while the keyring is read, changed and
/// written back; released when dropped.
fn lock(dir: &Path) -> Result<fs::File, KeyError> {
    let path = dir.join(".keyring.lock");
    let file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(&path)
        .map_err(|e| KeyError::Io(format!("cannot open {}: {e}", path.display())))?;
    file.lock()
        .map_err(|e| KeyError::Io(format!("cannot lock {}: {e}", path.display())))?;
    Ok(file)
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<(), KeyError> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| KeyError::Io(format!("cannot create {}: {e}", path.display())))?;
    file.write_all(bytes)
        .and_then(|_| file.sync_all())
        .map_err(|e| KeyError::Io(format!("cannot write {}: {e}", path.display())))
}

fn read_private(path: &Path) -> Result<String, KeyError> {
    let mode = fs::metadata(path)
        .map_err(|e| KeyError::Io(format!("cannot read {}: {e}", path.display())))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        tracing::warn!(path = %path.display(), mode = format!("{:o}", mode & 0o777), "key file is readable by others; chmod 600 it");
    }
    fs::read_to_string(path)
        .map_err(|e| KeyError::Io(format!("cannot read {}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_generated_once_with_private_modes_and_reloaded() {
        let dir = tempfile::tempdir().unwrap();
        let (first, created) = ServerKeys::load_or_generate(dir.path()).unwrap();
        assert_eq!(created, vec![dir.path().join(KEYRING_FILE)]);
        for path in &created {
            let mode = fs::metadata(path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", path.display());
        }
        let (again, created) = ServerKeys::load_or_generate(dir.path()).unwrap();
        assert!(created.is_empty());
        assert_eq!(
            first.keyring.active().secret(),
            again.keyring.active().secret()
        );
        assert_eq!(first.keyring.active().id, again.keyring.active().id);
        assert!(
            !format!("{:?}", first.keyring)
                .contains(&STANDARD.encode(first.keyring.active().secret()))
        );
    }

    #[test]
    fn rotation_adds_an_active_key_and_only_an_inactive_one_can_be_removed() {
        let dir = tempfile::tempdir().unwrap();
        let (keys, _) = ServerKeys::load_or_generate(dir.path()).unwrap();
        let old = keys.keyring.active().id.clone();
        let new = Keyring::rotate(dir.path(), Utc::now()).unwrap();
        assert_ne!(old, new);
        let keyring = Keyring::load(dir.path()).unwrap();
        assert_eq!(keyring.active().id, new);
        assert_eq!(keyring.keys().len(), 2);
        let mode = fs::metadata(dir.path().join(KEYRING_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        assert!(matches!(
            Keyring::remove(dir.path(), &new),
            Err(KeyError::RetiringActiveKey(_))
        ));
        assert!(matches!(
            Keyring::remove(dir.path(), "nope"),
            Err(KeyError::UnknownKey(_))
        ));
        Keyring::remove(dir.path(), &old).unwrap();
        let keyring = Keyring::load(dir.path()).unwrap();
        assert_eq!(keyring.keys().len(), 1);
        assert_eq!(keyring.active().id, new);
    }

    #[test]
    fn a_rotation_stages_a_key_that_seals_nothing_until_it_is_activated() {
        let dir = tempfile::tempdir().unwrap();
        let (keys, _) = ServerKeys::load_or_generate(dir.path()).unwrap();
        let old = keys.keyring.active().id.clone();
        let staged = Keyring::stage(dir.path(), Utc::now()).unwrap();
        let keyring = Keyring::load(dir.path()).unwrap();
        assert_eq!(keyring.active().id, old);
        assert_eq!(keyring.staged().map(|k| k.id.clone()), Some(staged.clone()));
        assert_eq!(
            Keyring::stage(dir.path(), Utc::now()).unwrap(),
            staged,
            "a rotation that did not finish is picked up, not doubled"
        );
        Keyring::activate(dir.path(), &staged).unwrap();
        let keyring = Keyring::load(dir.path()).unwrap();
        assert_eq!(keyring.active().id, staged);
        assert!(keyring.staged().is_none());
        assert_eq!(keyring.keys().len(), 2);
        assert!(
            matches!(
                Keyring::activate(dir.path(), &old),
                Err(KeyError::NotStaged(_))
            ),
            "an older key is never made active again"
        );
    }

    #[test]
    fn a_malformed_keyring_is_named_without_quoting_it() {
        let dir = tempfile::tempdir().unwrap();
        let secret = STANDARD.encode([9u8; 32]);
        let text = serde_json::json!({"active": "k1", "keys": [secret]}).to_string();
        write_private(&dir.path().join(KEYRING_FILE), text.as_bytes()).unwrap();
        let error = Keyring::load(dir.path()).unwrap_err().to_string();
        assert!(error.contains("not a keyring"), "{error}");
        assert!(!error.contains(&secret), "{error}");
    }

    #[test]
    fn key_commands_at_once_lose_no_key() {
        let dir = tempfile::tempdir().unwrap();
        ServerKeys::load_or_generate(dir.path()).unwrap();
        // A rotation that another one overtook is told so (and changes nothing); the others
        // add their keys.
        let added: Vec<String> = std::thread::scope(|scope| {
            let rotations: Vec<_> = (0..6)
                .map(|_| scope.spawn(|| Keyring::rotate(dir.path(), Utc::now())))
                .collect();
            rotations
                .into_iter()
                .filter_map(|r| match r.join().unwrap() {
                    Ok(id) => Some(id),
                    Err(KeyError::NotStaged(_)) => None,
                    Err(other) => panic!("{other}"),
                })
                .collect()
        });
        assert!(!added.is_empty());
        let keyring = Keyring::load(dir.path()).unwrap();
        for id in added {
            assert!(
                keyring.keys().iter().any(|k| k.id == id),
                "{id} was said to be added and is not in the keyring"
            );
        }
    }

    #[test]
    fn the_single_secret_of_earlier_versions_becomes_a_keyring() {
        let dir = tempfile::tempdir().unwrap();
        let secret = [7u8; 32];
        let legacy =
            serde_json::json!({"id": "k20260101000000", "secret": STANDARD.encode(secret)});
        write_private(
            &dir.path().join(LEGACY_SECRET_FILE),
            legacy.to_string().as_bytes(),
        )
        .unwrap();
        let (keys, created) = ServerKeys::load_or_generate(dir.path()).unwrap();
        assert_eq!(keys.keyring.active().id, "k20260101000000");
        assert_eq!(keys.keyring.active().secret(), &secret);
        assert!(!dir.path().join(LEGACY_SECRET_FILE).exists());
        assert!(
            created.is_empty(),
            "the keyring took over the legacy secret"
        );
    }
}
