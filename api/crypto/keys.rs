//! The server's keys, generated on first start and kept in the data directory (mode 0600).
//!
//! - the server secret (256 bits, with an id so it can rotate) keys HMACs and encryption at rest;
//! - the Ed25519 signing key signs JWT access tokens.

use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::{DecodePrivateKey, EncodePrivateKey, spki::der::pem::LineEnding};
use serde::{Deserialize, Serialize};

use super::tokens::random_bytes;

pub const SECRET_FILE: &str = "server-secret.json";
pub const SIGNING_KEY_FILE: &str = "signing-key.pem";

pub struct ServerKeys {
    pub secret_id: String,
    pub secret: [u8; 32],
    pub signing_key: SigningKey,
}

#[derive(Serialize, Deserialize)]
struct SecretFile {
    id: String,
    secret: String,
}

impl ServerKeys {
    /// Loads the keys from `dir`, generating any that are missing. Returns the keys and the
    /// paths of the files it created.
    pub fn load_or_generate(dir: &Path) -> Result<(ServerKeys, Vec<PathBuf>), String> {
        if !dir.exists() {
            // The data directory holds the keys and the embedded database: owner only.
            fs::create_dir_all(dir)
                .and_then(|_| fs::set_permissions(dir, fs::Permissions::from_mode(0o700)))
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let mut created = Vec::new();

        let secret_path = dir.join(SECRET_FILE);
        if !secret_path.exists() {
            let file = SecretFile {
                id: format!("k{}", chrono::Utc::now().format("%Y%m%d%H%M%S")),
                secret: STANDARD.encode(random_bytes::<32>()),
            };
            let json = serde_json::to_vec_pretty(&file).map_err(|e| e.to_string())?;
            write_private(&secret_path, &json)?;
            created.push(secret_path.clone());
        }
        let text = read_private(&secret_path)?;
        let file: SecretFile = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a server secret file: {e}", secret_path.display()))?;
        let secret: [u8; 32] = STANDARD
            .decode(&file.secret)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| format!("{}: the secret must be 32 bytes", secret_path.display()))?;

        let key_path = dir.join(SIGNING_KEY_FILE);
        if !key_path.exists() {
            let key = SigningKey::from_bytes(&random_bytes::<32>());
            let pem = key
                .to_pkcs8_pem(LineEnding::LF)
                .map_err(|e| format!("cannot encode the signing key: {e}"))?;
            write_private(&key_path, pem.as_bytes())?;
            created.push(key_path.clone());
        }
        let pem = read_private(&key_path)?;
        let signing_key = SigningKey::from_pkcs8_pem(&pem)
            .map_err(|e| format!("{}: not an Ed25519 PKCS#8 key: {e}", key_path.display()))?;

        Ok((
            ServerKeys {
                secret_id: file.id,
                secret,
                signing_key,
            },
            created,
        ))
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    file.write_all(bytes)
        .and_then(|_| file.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn read_private(path: &Path) -> Result<String, String> {
    let mode = fs::metadata(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        tracing::warn!(path = %path.display(), mode = format!("{:o}", mode & 0o777), "key file is readable by others; chmod 600 it");
    }
    fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_generated_once_with_private_modes_and_reloaded() {
        let dir = tempfile::tempdir().unwrap();
        let (first, created) = ServerKeys::load_or_generate(dir.path()).unwrap();
        assert_eq!(created.len(), 2);
        for path in &created {
            let mode = fs::metadata(path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", path.display());
        }
        let (again, created) = ServerKeys::load_or_generate(dir.path()).unwrap();
        assert!(created.is_empty());
        assert_eq!(first.secret, again.secret);
        assert_eq!(first.secret_id, again.secret_id);
        assert_eq!(first.signing_key.to_bytes(), again.signing_key.to_bytes());
    }
}
