//! Operator commands run from the command line (`tessera keys …`, `tessera admin …`), on the
//! same settings as the server: the keys directory and the database.

use chrono::{DateTime, Utc};

use crate::config::Settings;
use crate::crypto::keys::{KeyError, Keyring};
use crate::crypto::sealing::Sealer;
use crate::db::{self, DbConnection};
use crate::service::{keyring, signing_keys};

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

/// Adds a new key and makes it active. Running servers keep using the keyring they loaded
/// until they restart.
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

/// Re-seals everything under older keys with the active key; returns how many factors and
/// recovery-code sets were re-sealed.
pub fn reseal(settings: &Settings) -> Result<usize, AdminError> {
    let keyring = Keyring::load(&settings.keys_dir())?;
    let sealer = Sealer::new(&keyring);
    let mut conn = connect(settings)?;
    keyring::reseal_all(&mut conn, &sealer).map_err(|e| AdminError::Database(e.to_string()))
}

/// Removes a key from the keyring, refusing while anything is still sealed under it (or it
/// is the active key).
pub fn retire(settings: &Settings, key_id: &str) -> Result<(), AdminError> {
    let keys_dir = settings.keys_dir();
    let keyring = Keyring::load(&keys_dir)?;
    if !keyring.keys().iter().any(|k| k.id == key_id) {
        return Err(KeyError::UnknownKey(key_id.to_string()).into());
    }
    if keyring.active().id == key_id {
        return Err(KeyError::RetiringActiveKey(key_id.to_string()).into());
    }
    let mut conn = connect(settings)?;
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
