//! Everything a request handler may need, shared by all workers.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use ipnet::IpNet;

use crate::clock::Clock;
use crate::config::Settings;
use crate::crypto::keys::ServerKeys;
use crate::crypto::password::PasswordHasher;
use crate::crypto::sealing::Sealer;
use crate::db::{DbConnection, DbPool};
use crate::error::ApiError;
use crate::service::Keys;
use crate::service::geo::GeoLocator;
use crate::service::{LoginPolicy, SessionPolicy};

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub pool: DbPool,
    pub clock: Clock,
    pub keys: ServerKeys,
    pub hasher: PasswordHasher,
    pub sealer: Sealer,
    pub settings: Settings,
    pub sessions: SessionPolicy,
    pub login: LoginPolicy,
    pub geo: GeoLocator,
    pub trusted_proxies: Vec<IpNet>,
    pub allowed_origins: Vec<String>,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub fn new(inner: Inner) -> Self {
        AppState(Arc::new(inner))
    }

    /// What checking passwords and codes needs.
    pub fn keys(&self) -> Keys<'_> {
        Keys {
            hasher: &self.hasher,
            sealer: &self.sealer,
            policy: &self.login,
        }
    }

    pub fn policies(&self) -> crate::service::Policies<'_> {
        crate::service::Policies {
            login: &self.login,
            sessions: &self.sessions,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Runs `f` with a pooled connection on the blocking pool: the one hop from async
    /// handlers to the synchronous service layer.
    pub async fn db<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await
        .map_err(|e| ApiError::internal(format!("blocking pool: {e}")))?
    }

    /// Like [`db`](Self::db) for work that hashes passwords: waits for a hashing permit first,
    /// so at most one hash per core runs at a time.
    pub async fn db_hashing<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let _permit = self.hasher.permit().await;
        self.db(f).await
    }
}
