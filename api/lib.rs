//! Tessera: headless identity and multi-factor-authentication API.
//!
//! `main.rs` parses the command line and calls into this library; the tests start the same
//! server in-process on an ephemeral port.

pub mod admin;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod db;
pub mod delivery;
pub mod dns;
pub mod egress;
pub mod error_code;
pub mod geo;
pub mod http;
pub mod keyring_watch;
pub mod oidc;
pub mod openapi;
pub mod service;
pub mod state;
pub mod threads;

use std::net::SocketAddr;

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::from_fn;
use actix_web::{App, HttpResponse, HttpServer, web};
use actix_web_prom::PrometheusMetrics;
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::clock::Clock;
use crate::config::Settings;
use crate::crypto::keys::ServerKeys;
use crate::crypto::password::PasswordHasher;
use crate::geo::GeoLocator;
use crate::service::activity::SessionActivity;
use crate::service::maintenance::{self, Pruned};
use crate::service::mfa::sent_codes::Channels;
use crate::service::session_cache;
use crate::service::{ClientInfo, Env};
use crate::state::{AppState, Inner};

/// The OpenAPI document, generated from the registered handlers.
pub fn api_doc() -> utoipa::openapi::OpenApi {
    let (_, spec) = App::new()
        .into_utoipa_app()
        .openapi(openapi::ApiDoc::openapi())
        .configure(http::configure)
        .split_for_parts();
    spec
}

/// Why the server cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("invalid setting {0}")]
    Setting(#[from] config::InvalidSetting),
    #[error("keys: {0}")]
    Keys(#[from] crypto::keys::KeyError),
    #[error("database: {0}")]
    Database(#[from] db::SetupError),
    #[error("password hashing: {0}")]
    Hashing(#[from] crypto::CryptoError),
    #[error("invalid setting {0}")]
    Transport(#[from] delivery::TransportError),
    #[error("cannot open the GeoIP database {path}: {source}")]
    Geo {
        path: std::path::PathBuf,
        #[source]
        source: maxminddb::MaxMindDbError,
    },
}

/// Everything the server needs, ready to serve: keys loaded (or generated), database
/// connected and migrated.
pub fn build_state(settings: Settings, clock: Clock) -> Result<AppState, StartError> {
    settings.validate()?;
    let keys_dir = settings.keys_dir();
    ServerKeys::create_dir(&keys_dir)?;
    let url = settings.database_url();
    let pool = db::build_pool(&url, settings.database_pool_size)?;
    let mut conn = pool
        .get()
        .map_err(|e| StartError::Database(db::SetupError::Connect(e)))?;
    let applied = db::migrate(&mut conn)?;
    if applied > 0 {
        tracing::info!(applied, "applied database migrations");
    }
    // A keyring that lacks a key the database holds values under (a lost file and a new one
    // made in its place, an old backup, another directory) would leave them unreadable and
    // seal new ones where the other servers cannot open them: the start stops, naming them.
    let in_use = service::keyring::sealed_key_ids(&mut conn)
        .map_err(|e| StartError::Database(db::SetupError::Read(e.to_string())))?;
    drop(conn);
    if !in_use.is_empty() && !crypto::keys::Keyring::exists(&keys_dir) {
        return Err(crypto::keys::KeyError::Missing {
            dir: keys_dir.display().to_string(),
            key_ids: in_use.join(", "),
        }
        .into());
    }
    let (keys, created) = ServerKeys::load_or_generate(&keys_dir)?;
    let lacking: Vec<&str> = in_use
        .iter()
        .map(String::as_str)
        .filter(|id| !keys.keyring.keys().iter().any(|key| key.id == *id))
        .collect();
    if !lacking.is_empty() {
        return Err(crypto::keys::KeyError::Missing {
            dir: keys_dir.display().to_string(),
            key_ids: lacking.join(", "),
        }
        .into());
    }
    for path in created {
        tracing::info!(path = %path.display(), "generated a new key (mode 0600); back it up");
    }
    build_state_with_pool(settings, clock, keys, pool)
}

pub fn build_state_with_pool(
    settings: Settings,
    clock: Clock,
    keys: ServerKeys,
    pool: db::DbPool,
) -> Result<AppState, StartError> {
    settings.validate()?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let queue = usize::try_from(settings.hash_queue_per_thread).unwrap_or(1);
    let hasher = PasswordHasher::new(cores, queue)?;
    let geo = match &settings.geoip_database {
        Some(path) => GeoLocator::open(path).map_err(|source| StartError::Geo {
            path: path.clone(),
            source,
        })?,
        None => GeoLocator::disabled(),
    };
    let trusted_proxies = settings.trusted_proxy_nets()?;
    let allowed_origins = settings.allowed_origin_list();
    let transports = delivery::Transports::from_settings(&settings)?;
    let channels = Channels {
        sms: transports.has_sms() || settings.dev_log_codes,
        whatsapp: transports.has_whatsapp() || settings.dev_log_codes,
    };
    let env = Env::from_settings(&settings, &keys.keyring, hasher, channels)?;
    if settings.dev_log_codes {
        tracing::warn!(
            "TESSERA_DEV_LOG_CODES is on: messages without a transport are written to the log \
             with their codes and links; never in production"
        );
    }
    if settings
        .smtp_url
        .as_deref()
        .is_none_or(|url| url.trim().is_empty())
    {
        tracing::warn!(
            "TESSERA_SMTP_URL is not set: emails (password reset links, security alerts) are \
             written to the log instead of being sent"
        );
    }
    let unnamed: Vec<&str> = [
        ("TESSERA_RESET_URL", &settings.reset_url),
        ("TESSERA_INVITE_URL", &settings.invite_url),
        ("TESSERA_VERIFY_EMAIL_URL", &settings.verify_email_url),
    ]
    .into_iter()
    .filter(|(_, url)| url.as_deref().is_none_or(|u| u.trim().is_empty()))
    .map(|(name, _)| name)
    .collect();
    if !unnamed.is_empty() {
        tracing::warn!(
            "{} not set: links in emails lead to this server's own explanation pages \
             (/reset-password, /accept-invitation, /verify-email); set them to your front-end's pages",
            unnamed.join(", ")
        );
    }
    Ok(AppState::new(Inner {
        readers: db::build_read_pool(&settings.database_url(), settings.worker_count()),
        pool,
        clock,
        env,
        transports,
        oidc: oidc::OidcClient::new(
            settings.sso_allow_loopback_issuers,
            settings.dns_resolver_addr().unwrap_or_default(),
        ),
        dns: dns::TxtResolver::new(settings.dns_resolver_addr().unwrap_or_default()),
        geo,
        trusted_proxies,
        allowed_origins,
        keyring_watch: keyring_watch::KeyringWatch::new(
            settings.keys_dir(),
            service::instances::Instance::new(chrono::Utc::now()),
        ),
        settings,
    }))
}

fn cors(state: &AppState) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods(["GET", "POST", "PATCH", "PUT", "DELETE"])
        .allowed_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT])
        .expose_headers(["x-request-id", "retry-after"])
        .supports_credentials()
        .max_age(3600);
    for origin in &state.allowed_origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}

/// The application: documented routes, 405 fallbacks, spec and docs, problem+json 404.
pub fn build_app(
    state: AppState,
    metrics: PrometheusMetrics,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let cors = cors(&state);
    // A literal path that a parameterised sibling would capture gets its 405 before the
    // handlers (see `http::Fallbacks`); every other path after them.
    let documented = api_doc();
    let (app, spec) = App::new()
        .configure(|cfg| http::method_fallbacks(cfg, &documented, http::Fallbacks::Shadowed))
        .into_utoipa_app()
        .openapi(openapi::ApiDoc::openapi())
        .app_data(web::Data::new(state))
        .app_data(http::body::json_config())
        .app_data(http::body::path_config())
        .configure(http::configure)
        .split_for_parts();
    let yaml = spec.to_yaml().unwrap_or_default();
    app.configure(|cfg| http::method_fallbacks(cfg, &spec, http::Fallbacks::Rest))
        .route(
            "/openapi.yaml",
            web::get().to(move || {
                let yaml = yaml.clone();
                async move {
                    HttpResponse::Ok()
                        .content_type("application/yaml")
                        .body(yaml)
                }
            }),
        )
        .configure(http::link_pages::routes)
        .route(
            "/docs",
            web::get().to(|| async {
                HttpResponse::PermanentRedirect()
                    .insert_header((header::LOCATION, "/docs/"))
                    .finish()
            }),
        )
        .service(
            SwaggerUi::new("/docs/{_:.*}")
                .url("/openapi.json", spec)
                // The public validator is another site: the CSP would block it (and it would
                // be told of the spec).
                .config(utoipa_swagger_ui::Config::default().validator_url("none")),
        )
        .default_service(web::to(http::not_found))
        .wrap(from_fn(http::middleware::head_as_get))
        .wrap(metrics)
        .wrap(cors)
        .wrap(from_fn(http::middleware::security_headers))
        .wrap(from_fn(http::middleware::request_context))
}

/// A started server: run `server` until it stops.
pub struct Listening {
    pub server: Server,
    pub addr: SocketAddr,
    /// The separate metrics listener's address, when `TESSERA_METRICS_BIND` is set.
    pub metrics_addr: Option<SocketAddr>,
}

/// Binds and starts the server; the returned future runs it until shutdown (SIGTERM or
/// SIGINT stop it gracefully, finishing requests in flight). A separate metrics listener
/// runs alongside and stops on the same signals.
pub fn start(state: AppState) -> std::io::Result<Listening> {
    let workers = state.settings.worker_count();
    let bind = state.settings.bind.clone();
    let metrics_bind = state
        .settings
        .metrics_bind
        .clone()
        .filter(|b| !b.is_empty());
    let request_metrics = http::metrics::request_metrics(metrics_bind.is_none())?;
    let server = HttpServer::new({
        let state = state.clone();
        let request_metrics = request_metrics.clone();
        move || build_app(state.clone(), request_metrics.clone())
    })
    .workers(workers)
    .shutdown_timeout(30)
    .bind(&bind)?;
    let addr = server
        .addrs()
        .first()
        .copied()
        .ok_or_else(|| std::io::Error::other("bound to no address"))?;
    let metrics_addr = match &metrics_bind {
        Some(metrics_bind) => {
            let (listener, addr) = http::metrics::metrics_listener(metrics_bind, request_metrics)?;
            actix_web::rt::spawn(listener);
            Some(addr)
        }
        None => None,
    };
    spawn_activity_writer(state.clone());
    spawn_session_cache_poller(state.clone());
    spawn_keyring_watch(state.clone());
    Ok(Listening {
        server: server.run(),
        addr,
        metrics_addr,
    })
}

/// Writes the session uses the checks noted, about once a second, for as long as the server
/// runs (see `service::activity`).
fn spawn_activity_writer(state: AppState) {
    actix_web::rt::spawn(async move {
        let mut every_second = tokio::time::interval(std::time::Duration::from_secs(1));
        every_second.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every_second.tick().await;
            if let Err(e) = write_session_activity(&state).await {
                tracing::warn!(error = %e, "session activity not recorded");
            }
        }
    });
}

/// Reads the database's change counter for the session cache every 100 ms, for writes made
/// outside this process (`AppState::run` reads it after each service call too).
fn spawn_session_cache_poller(state: AppState) {
    if state.env.session_cache.is_none() {
        return;
    }
    actix_web::rt::spawn(async move {
        let mut every_tick = tokio::time::interval(session_cache::POLL_INTERVAL);
        every_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every_tick.tick().await;
            let polling = state.clone();
            // A failed read is logged (and the cache emptied) by `observe` itself.
            let _ = actix_web::web::block(move || {
                threads::yield_to_async_workers();
                let (Some(cache), Ok(mut conn)) = (&polling.env.session_cache, polling.pool.get())
                else {
                    return;
                };
                cache.observe(&mut conn, polling.now());
            })
            .await;
        }
    });
}

/// Looks at the keyring file every `TESSERA_KEYRING_CHECK_SECONDS` for as long as the server
/// runs (see [`check_keyring`]).
fn spawn_keyring_watch(state: AppState) {
    let every = std::time::Duration::from_secs(
        u64::try_from(state.settings.keyring_check_seconds).unwrap_or(2),
    );
    actix_web::rt::spawn(async move {
        let mut every_check = tokio::time::interval(every);
        every_check.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every_check.tick().await;
            if let Err(e) = check_keyring(&state).await {
                tracing::warn!(error = %e, "the keys this server holds were not reported");
            }
        }
    });
}

/// One look at the keyring file: a changed keyring is loaded, and the keys held are reported
/// to the database when they changed or a heartbeat is due. Returns whether they changed.
/// The server does this on its own every few seconds; tests call it instead of waiting.
pub async fn check_keyring(state: &AppState) -> service::Result<bool> {
    let watching = state.clone();
    state
        .run(ClientInfo::default(), move |cx| {
            let env = cx.env;
            let watch = &watching.keyring_watch;
            // Both closures need the context; only one runs at a time.
            let cx = std::cell::RefCell::new(cx);
            watch.tick(
                &env.sealer,
                |dropped| {
                    let conn = &mut *cx.borrow_mut().conn;
                    let mut in_use = Vec::new();
                    for key_id in dropped {
                        if service::keyring::usage(conn, key_id)?.in_use() {
                            in_use.push(key_id.clone());
                        }
                    }
                    Ok(in_use)
                },
                |held| {
                    let cx = &mut *cx.borrow_mut();
                    // Liveness is measured by the database's clock (see `service::instances`).
                    let seen_at = service::instances::database_now(cx.conn)?;
                    service::instances::report(cx, &watch.instance, held, seen_at)
                },
            )
        })
        .await
}

/// At a stop: this instance stops reporting and removes its row, so that it holds no key
/// operation up.
pub async fn leave(state: &AppState) -> service::Result<()> {
    let leaving = state.clone();
    state
        .run(ClientInfo::default(), move |cx| {
            let watch = &leaving.keyring_watch;
            watch.stop(|| service::instances::leave(cx, &watch.instance))
        })
        .await
}

/// Writes the session uses noted so far; also at a graceful stop.
pub async fn write_session_activity(state: &AppState) -> service::Result<usize> {
    state
        .run(ClientInfo::default(), SessionActivity::flush)
        .await
}

/// One round of periodic clean-up.
pub async fn run_maintenance(state: &AppState) -> service::Result<Pruned> {
    state
        .run(ClientInfo::default(), maintenance::prune_expired)
        .await
}

/// Runs [`run_maintenance`] every hour for as long as the server runs.
pub fn spawn_maintenance(state: AppState) {
    actix_web::rt::spawn(async move {
        let mut every_hour = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            every_hour.tick().await;
            match run_maintenance(&state).await {
                Ok(pruned) => tracing::info!(?pruned, "maintenance finished"),
                Err(e) => tracing::warn!(error = %e, "maintenance failed"),
            }
        }
    });
}
