//! Operator commands run from the command line (`tessera keys …`, `tessera admin …`), on the
//! same settings as the server: the keys directory and the database.

use chrono::{DateTime, Utc};

use crate::config::Settings;
use crate::crypto::keys::{KeyError, Keyring};
use crate::crypto::sealing::Sealer;
use crate::db::{self, DbConnection};
use crate::service::{instances, keyring, signing_keys};

/// One key as `tessera keys list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyListing {
    pub id: String,
    pub created_at: DateTime<Utc>,
    pub active: bool,
    /// Sealed secrets and keyed digests still under this key.
    pub sealed_items: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Setup(#[from] db::SetupError),
    #[error("database: {0}")]
    Database(String),
    /// A refusal: the operator must do something first.
    #[error("{0}")]
    Refused(String),
}

fn connect(
    settings: &Settings,
) -> Result<r2d2::PooledConnection<db::SchemeConnectionManager>, AdminError> {
    let pool = db::build_pool(&settings.database_url(), 1)?;
    pool.get().map_err(|e| AdminError::Database(e.to_string()))
}

fn usage(conn: &mut DbConnection, key_id: &str) -> Result<i64, AdminError> {
    keyring::usage(conn, key_id)
        .map(|u| u.sealed_items)
        .map_err(|e| AdminError::Database(e.to_string()))
}

/// Makes a support operator's key for `/v1/admin`; returns the token, shown only now.
pub fn create_operator_key(
    settings: &Settings,
    name: &str,
) -> Result<crate::service::Secret, AdminError> {
    let mut conn = connect(settings)?;
    crate::service::operators::create_key(&mut conn, name, Utc::now())
        .map_err(|e| AdminError::Database(e.to_string()))
}

/// Makes an integrator's introspection key for `POST /v1/introspect`; returns the token,
/// shown only now.
pub fn create_introspection_key(
    settings: &Settings,
    name: &str,
) -> Result<crate::service::Secret, AdminError> {
    let mut conn = connect(settings)?;
    crate::service::introspection::create_key(&mut conn, name, Utc::now())
        .map_err(|e| AdminError::Database(e.to_string()))
}

/// Makes a new token signing key and retires the others; running servers sign with it
/// within a minute, and keep publishing the retired keys until their tokens have expired.
pub fn rotate_signing(settings: &Settings) -> Result<signing_keys::Rotation, AdminError> {
    let keyring = Keyring::load(&settings.keys_dir())?;
    let sealer = Sealer::new(&keyring);
    let mut conn = connect(settings)?;
    signing_keys::rotate(&mut conn, &sealer, Utc::now())
        .map_err(|e| AdminError::Database(e.to_string()))
}

/// Adds a new key and makes it active. Running servers load it within
/// `TESSERA_KEYRING_CHECK_SECONDS`.
pub fn rotate(settings: &Settings) -> Result<String, AdminError> {
    Ok(Keyring::rotate(&settings.keys_dir(), Utc::now())?)
}

/// The token signing keys, newest first.
pub fn list_signing(
    settings: &Settings,
) -> Result<Vec<signing_keys::SigningKeyListing>, AdminError> {
    let mut conn = connect(settings)?;
    signing_keys::list(&mut conn).map_err(|e| AdminError::Database(e.to_string()))
}

pub fn list(settings: &Settings) -> Result<Vec<KeyListing>, AdminError> {
    let keyring = Keyring::load(&settings.keys_dir())?;
    let mut conn = connect(settings)?;
    keyring
        .keys()
        .iter()
        .map(|key| {
            Ok(KeyListing {
                id: key.id.clone(),
                created_at: key.created_at,
                active: key.id == keyring.active().id,
                sealed_items: usage(&mut conn, &key.id)?,
            })
        })
        .collect()
}

/// The running instances, as they last reported (`tessera keys list`).
pub fn running(settings: &Settings) -> Result<Vec<instances::Seen>, AdminError> {
    let mut conn = connect(settings)?;
    instances::live(&mut conn, Utc::now()).map_err(|e| AdminError::Database(e.to_string()))
}

/// Waits up to `wait` until every running instance holds `active` as its active key; refuses,
/// naming the others, after that. Nothing may be re-sealed under a key a running server cannot
/// open, and no server may still seal under a key about to be retired.
fn wait_for_instances(
    conn: &mut DbConnection,
    active: &str,
    wait: std::time::Duration,
) -> Result<(), AdminError> {
    let deadline = std::time::Instant::now() + wait;
    let mut told = false;
    loop {
        let behind = instances::behind(conn, active, Utc::now())
            .map_err(|e| AdminError::Database(e.to_string()))?;
        if behind.is_empty() {
            return Ok(());
        }
        let names = behind
            .iter()
            .map(|seen| {
                format!(
                    "{} started {} (active key {})",
                    seen.host,
                    seen.started_at.format("%Y-%m-%dT%H:%M:%SZ"),
                    seen.keys.active
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        if std::time::Instant::now() >= deadline {
            return Err(AdminError::Refused(format!(
                "{} running instance(s) have not loaded the active key {active}: {names}. \
                 Servers load a changed keyring within TESSERA_KEYRING_CHECK_SECONDS; one that \
                 does not reads another keys directory. A server that stopped without a \
                 graceful shutdown counts as running for a minute after it was last seen.",
                behind.len()
            )));
        }
        if !told {
            eprintln!("waiting for running instances to load key {active}: {names}");
            told = true;
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
}

/// Re-seals everything under older keys with the active key, once every running instance
/// has loaded it (waiting up to `wait`); returns how many items were re-sealed.
pub fn reseal(settings: &Settings, wait: std::time::Duration) -> Result<usize, AdminError> {
    let keyring = Keyring::load(&settings.keys_dir())?;
    let sealer = Sealer::new(&keyring);
    let mut conn = connect(settings)?;
    wait_for_instances(&mut conn, &keyring.active().id, wait)?;
    keyring::reseal_all(&mut conn, &sealer).map_err(|e| AdminError::Database(e.to_string()))
}

/// Removes a key from the keyring, refusing while anything is still sealed under it, while
/// it is the active key, or while a running instance has not loaded the active key (waiting
/// up to `wait` for it).
pub fn retire(
    settings: &Settings,
    key_id: &str,
    wait: std::time::Duration,
) -> Result<(), AdminError> {
    let keys_dir = settings.keys_dir();
    let keyring = Keyring::load(&keys_dir)?;
    if !keyring.keys().iter().any(|k| k.id == key_id) {
        return Err(KeyError::UnknownKey(key_id.to_string()).into());
    }
    if keyring.active().id == key_id {
        return Err(KeyError::RetiringActiveKey(key_id.to_string()).into());
    }
    let mut conn = connect(settings)?;
    wait_for_instances(&mut conn, &keyring.active().id, wait)?;
    let still_sealed = usage(&mut conn, key_id)?;
    if still_sealed > 0 {
        return Err(AdminError::Refused(format!(
            "key {key_id} still protects {still_sealed} sealed item(s); run `tessera keys reseal` first"
        )));
    }
    Keyring::remove(&keys_dir, key_id)?;
    keyring::forget(&mut conn, key_id).map_err(|e| AdminError::Database(e.to_string()))
}

/// An operator vouches for an organisation's domain (`tessera admin verify-domain`): claimed
/// if it was not, and verified without DNS; audited in the organisation's log. Refused when
/// another organisation has the domain verified, or the organisation does not exist.
pub fn verify_domain(
    settings: &Settings,
    org_id: &str,
    domain: &str,
) -> Result<crate::service::orgs::domains::Domain, AdminError> {
    let state = crate::build_state(settings.clone(), crate::clock::Clock::System)
        .map_err(|e| AdminError::Database(e.to_string()))?;
    let mut conn = state
        .pool
        .get()
        .map_err(|e| AdminError::Database(e.to_string()))?;
    let client = crate::service::ClientInfo::default();
    let mut cx = crate::service::Context::new(&mut conn, &state.env, &client, state.now());
    let org_id = crate::service::OrgId::from(org_id.to_string());
    crate::service::orgs::domains::verify_by_operator(&mut cx, &org_id, domain).map_err(|e| match e
        .denial()
    {
        Some(denial) => AdminError::Refused(format!(
            "{}: {}",
            e.code().as_str(),
            denial.detail.clone().unwrap_or_default()
        )),
        None => AdminError::Database(e.to_string()),
    })
}
