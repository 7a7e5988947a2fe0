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
use crate::service::ClientContext;
use crate::service::Keys;
use crate::service::geo::GeoLocator;
use crate::service::rate_limit::{self, Kind, RateLimits};
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
    pub rate_limits: RateLimits,
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

    /// An admission step for [`hashing`](Self::hashing) or a code check: takes one request
    /// from each of the client's rate-limit buckets of `kinds` (429 `rate_limited` when one
    /// is spent).
    pub fn rate_limit(
        &self,
        kinds: &'static [Kind],
        client: &ClientContext,
    ) -> impl FnOnce(&mut DbConnection) -> Result<(), ApiError> + Send + 'static {
        let (limits, ip_key, now) = (self.rate_limits, client.ip_key(), self.now());
        move |conn| {
            for kind in kinds {
                rate_limit::take(conn, &limits, *kind, &ip_key, now)?;
            }
            Ok(())
        }
    }

    /// For work that hashes a password. In order: a place in the hashing queue (503
    /// `overloaded` at once when it is full, before any database work); `admit` on the
    /// blocking pool (rate limits and the cheap checks that may refuse the request before a
    /// hash is spent on it); a hashing permit; then `work` on the blocking pool.
    pub async fn hashing<A, T>(
        &self,
        admit: impl FnOnce(&mut DbConnection) -> Result<A, ApiError> + Send + 'static,
        work: impl FnOnce(&mut DbConnection, A) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError>
    where
        A: Send + 'static,
        T: Send + 'static,
    {
        let place = self.hasher.queue()?;
        let admitted = self.db(admit).await?;
        let _permit = place.permit().await;
        self.db(move |conn| work(conn, admitted)).await
    }
}
