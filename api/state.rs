//! Everything a request handler may need, shared by all workers, and the one hop from async
//! handlers to the synchronous service layer.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use ipnet::IpNet;

use crate::clock::Clock;
use crate::config::Settings;
use crate::db::DbPool;
use crate::delivery::Transports;
use crate::error_code::ErrorCode;
use crate::geo::GeoLocator;
use crate::service::{self, ClientInfo, Context, Env};

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub pool: DbPool,
    /// SQLite only: read-only connections for [`AppState::read`].
    pub readers: Option<DbPool>,
    pub clock: Clock,
    /// The keys and policies every service function works with.
    pub env: Env,
    /// How messages leave: SMTP, SMS, WhatsApp, webhooks.
    pub transports: Transports,
    /// Organisations' OpenID Connect providers: discovery, keys, code exchange.
    pub oidc: crate::oidc::OidcClient,
    /// DNS, for organisations' domain verification.
    pub dns: crate::dns::TxtResolver,
    pub settings: Settings,
    pub geo: GeoLocator,
    pub trusted_proxies: Vec<IpNet>,
    pub allowed_origins: Vec<String>,
    /// The keyring file, looked at for rotations; this instance's reports.
    pub keyring_watch: crate::keyring_watch::KeyringWatch,
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

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Runs a service function on the blocking pool, with a pooled connection and the
    /// request's context (`now` is taken here, once).
    pub async fn run<T, F>(&self, client: ClientInfo, f: F) -> service::Result<T>
    where
        F: FnOnce(&mut Context<'_>) -> service::Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let state = self.clone();
        let now = self.now();
        actix_web::web::block(move || {
            crate::threads::yield_to_async_workers();
            let mut conn = state.pool.get()?;
            let mut cx = Context::new(&mut conn, &state.env, &client, now);
            let result = f(&mut cx);
            // Before the answer leaves: whatever `f` changed, the next check sees.
            if let Some(cache) = &state.env.session_cache {
                cache.observe(&mut conn, now);
            }
            result
        })
        .await
        .map_err(|e| service::Error::internal(format!("blocking pool: {e}")))?
    }

    /// Runs a read-only service function: on SQLite right here on the async worker, with a
    /// read-only connection (see `db::build_read_pool`); elsewhere as [`run`](Self::run).
    /// For the hot paths that only look a token up.
    pub async fn read<T, F>(&self, client: ClientInfo, f: F) -> service::Result<T>
    where
        F: FnOnce(&mut Context<'_>) -> service::Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let Some(readers) = &self.readers else {
            return self.run(client, f).await;
        };
        let mut conn = readers.get()?;
        let mut cx = Context::new(&mut conn, &self.env, &client, self.now());
        f(&mut cx)
    }

    /// For work that hashes a password. In order: a place in the hashing queue (503
    /// `overloaded` at once when it is full, before any database work); `admit` on the
    /// blocking pool (rate limits and the cheap checks that may refuse the request before a
    /// hash is spent on it); a hashing permit; then `work` on the blocking pool.
    pub async fn run_hashing<A, T>(
        &self,
        client: ClientInfo,
        admit: impl FnOnce(&mut Context<'_>) -> service::Result<A> + Send + 'static,
        work: impl FnOnce(&mut Context<'_>, A) -> service::Result<T> + Send + 'static,
    ) -> service::Result<T>
    where
        A: Send + 'static,
        T: Send + 'static,
    {
        let place = self.env.hasher.queue().ok_or_else(|| {
            service::Error::denied_because(
                ErrorCode::Overloaded,
                "The server is busy checking passwords; try again in a second.",
            )
        })?;
        let admitted = self.run(client.clone(), admit).await?;
        let _permit = place.permit().await;
        self.run(client, move |cx| work(cx, admitted)).await
    }

    /// Work that checks the caller's password only when `confirms` (a request that changes a
    /// way in, next to ones that do not): then it waits for the hasher as [`Self::run_hashing`]
    /// does, behind the password rate limit; else it runs as [`Self::run`].
    pub async fn run_confirming<T>(
        &self,
        client: ClientInfo,
        confirms: bool,
        work: impl FnOnce(&mut Context<'_>) -> service::Result<T> + Send + 'static,
    ) -> service::Result<T>
    where
        T: Send + 'static,
    {
        if !confirms {
            return self.run(client, work).await;
        }
        self.run_hashing(
            client,
            |cx| service::rate_limit::take(cx, &[service::rate_limit::Kind::Password]),
            move |cx, ()| work(cx),
        )
        .await
    }
}
