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
    /// Added by a rotation that has not made it active yet (a running server lacked it).
    pub staged: bool,
    /// Sealed secrets and keyed digests still under this key, which a reseal moves.
    pub sealed_items: i64,
    /// Keyed digests under this key that only expire (codes sent, the messaging ledger).
    pub expiring_items: i64,
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

fn usage(conn: &mut DbConnection, key_id: &str) -> Result<keyring::KeyUsage, AdminError> {
    keyring::usage(conn, key_id).map_err(database)
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

/// Rotates the keyring in two steps: a new key is staged (running servers load it within
/// `TESSERA_KEYRING_CHECK_SECONDS` and can open with it), then, once every running server
/// reports holding it (waiting up to `wait`), it becomes the active key. Until then no server
/// seals anything under it, so none meets a value it cannot open. When the wait runs out the
/// key stays staged: running the command again picks it up. Returns the new active key.
pub fn rotate(settings: &Settings, wait: std::time::Duration) -> Result<String, AdminError> {
    let keys_dir = settings.keys_dir();
    let staged = Keyring::stage(&keys_dir, Utc::now())?;
    let mut conn = connect(settings)?;
    wait_for_instances(&mut conn, wait, &format!("hold key {staged}"), |seen| {
        seen.keys.all.contains(&staged)
    })
    .map_err(|refusal| match refusal {
        AdminError::Refused(why) => AdminError::Refused(format!(
            "key {staged} is added but not active: {why} Run `tessera keys rotate` again \
             once they do; it activates {staged}."
        )),
        other => other,
    })?;
    Keyring::activate(&keys_dir, &staged)?;
    Ok(staged)
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
            let usage = usage(&mut conn, &key.id)?;
            Ok(KeyListing {
                id: key.id.clone(),
                created_at: key.created_at,
                active: key.id == keyring.active().id,
                staged: keyring.staged().is_some_and(|staged| staged.id == key.id),
                sealed_items: usage.sealed_items,
                expiring_items: usage.expiring_items,
            })
        })
        .collect()
}

/// The running instances, as they last reported (`tessera keys list`).
pub fn running(settings: &Settings) -> Result<Vec<instances::Seen>, AdminError> {
    let mut conn = connect(settings)?;
    let now = instances::database_now(&mut conn).map_err(database)?;
    instances::live(&mut conn, now).map_err(database)
}

/// The error with its causes: an operator reads this, not a client.
fn database(e: crate::service::Error) -> AdminError {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    AdminError::Database(text)
}

/// Waits up to `wait` until every running instance is `ready`; refuses, naming the others
/// and what they do not do yet (`to`), after that.
fn wait_for_instances(
    conn: &mut DbConnection,
    wait: std::time::Duration,
    to: &str,
    ready: impl Fn(&instances::Seen) -> bool,
) -> Result<(), AdminError> {
    let deadline = std::time::Instant::now() + wait;
    let mut told = false;
    loop {
        let now = instances::database_now(conn).map_err(database)?;
        let behind: Vec<instances::Seen> = instances::live(conn, now)
            .map_err(database)?
            .into_iter()
            .filter(|seen| !ready(seen))
            .collect();
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
                "{} running server(s) do not {to} yet: {names}. Servers load a changed \
                 keyring within TESSERA_KEYRING_CHECK_SECONDS; one that does not reads \
                 another keys directory. A server that stopped without a graceful shutdown \
                 counts as running for a minute after it was last seen.",
                behind.len()
            )));
        }
        if !told {
            eprintln!("waiting for running servers to {to}: {names}");
            told = true;
        }
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
}

/// Every running instance has `active` as its active key.
fn wait_for_active(
    conn: &mut DbConnection,
    active: &str,
    wait: std::time::Duration,
) -> Result<(), AdminError> {
    wait_for_instances(conn, wait, &format!("seal under key {active}"), |seen| {
        seen.keys.active == active
    })
}

/// Re-seals everything under older keys with the active key, once every running instance
/// has loaded it (waiting up to `wait`); returns how many items were re-sealed.
pub fn reseal(settings: &Settings, wait: std::time::Duration) -> Result<usize, AdminError> {
    let keyring = Keyring::load(&settings.keys_dir())?;
    let sealer = Sealer::new(&keyring);
    let mut conn = connect(settings)?;
    // What is sealed under a key this keyring lacks cannot be opened, so not re-sealed either.
    let lacking: Vec<String> = keyring::sealed_key_ids(&mut conn)
        .map_err(database)?
        .into_iter()
        .filter(|id| !keyring.keys().iter().any(|key| &key.id == id))
        .collect();
    if !lacking.is_empty() {
        return Err(AdminError::Refused(format!(
            "the database holds values sealed under keys this keyring lacks ({}): restore \
             them into keyring.json first; nothing was re-sealed",
            lacking.join(", ")
        )));
    }
    wait_for_active(&mut conn, &keyring.active().id, wait)?;
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
    wait_for_active(&mut conn, &keyring.active().id, wait)?;
    let usage = usage(&mut conn, key_id)?;
    if usage.sealed_items > 0 {
        return Err(AdminError::Refused(format!(
            "key {key_id} still protects {} sealed item(s); run `tessera keys reseal` first",
            usage.sealed_items
        )));
    }
    if usage.expiring_items > 0 {
        return Err(AdminError::Refused(format!(
            "key {key_id} still checks {} code(s) sent and messaging-ledger entries, which \
             nothing can re-seal; the hourly clean-up deletes them within two days of the \
             rotation: retire it then",
            usage.expiring_items
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
