//! Typed settings. Every setting is a `TESSERA_*` environment variable and a flag.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use ipnet::IpNet;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// Address and port the HTTP server listens on.
    #[arg(long, env = "TESSERA_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,

    /// Directory for the embedded database and the generated keys.
    #[arg(long, env = "TESSERA_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// Directory of the server secret and signing key (default: the data directory). Several
    /// instances behind one database must share the same keys: mount the same files. The keys
    /// are deliberately not kept in the database, so that a dump alone unlocks nothing.
    #[arg(long, env = "TESSERA_KEYS_DIR")]
    pub keys_dir: Option<PathBuf>,

    /// Database URL: `postgres://…` for PostgreSQL; a file path or `sqlite://path` for SQLite.
    /// Default: `tessera.db` in the data directory.
    #[arg(long, env = "TESSERA_DATABASE_URL")]
    pub database_url: Option<String>,

    /// Maximum number of pooled database connections.
    #[arg(long, env = "TESSERA_DATABASE_POOL_SIZE", default_value_t = 16)]
    pub database_pool_size: u32,

    /// Public base URL of this server (used in links and as an allowed CSRF origin).
    #[arg(
        long,
        env = "TESSERA_PUBLIC_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub public_url: String,

    /// Mark the session cookie `Secure`. Only disable for local development over plain HTTP.
    #[arg(long, env = "TESSERA_COOKIE_SECURE", default_value_t = true, action = clap::ArgAction::Set)]
    pub cookie_secure: bool,

    /// Comma-separated front-end origins allowed for CORS and for cookie-authenticated writes.
    #[arg(
        long,
        env = "TESSERA_ALLOWED_ORIGINS",
        value_delimiter = ',',
        default_value = ""
    )]
    pub allowed_origins: Vec<String>,

    /// Comma-separated proxies (IPs or CIDR ranges) whose `X-Forwarded-For` is trusted.
    #[arg(
        long,
        env = "TESSERA_TRUSTED_PROXIES",
        value_delimiter = ',',
        default_value = ""
    )]
    pub trusted_proxies: Vec<String>,

    /// Optional MaxMind-format (GeoLite2/GeoIP2 City) database for coarse locations.
    #[arg(long, env = "TESSERA_GEOIP_DATABASE")]
    pub geoip_database: Option<PathBuf>,

    /// Log format.
    #[arg(long, env = "TESSERA_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,

    /// Sessions end after this many days without activity.
    #[arg(long, env = "TESSERA_SESSION_IDLE_DAYS", default_value_t = 7)]
    pub session_idle_days: i64,

    /// Sessions end this many days after sign-in, whatever the activity.
    #[arg(long, env = "TESSERA_SESSION_ABSOLUTE_DAYS", default_value_t = 30)]
    pub session_absolute_days: i64,

    /// Failed password attempts for one account that lock its password checks.
    #[arg(long, env = "TESSERA_LOCKOUT_THRESHOLD", default_value_t = 10)]
    pub lockout_threshold: i32,

    /// Window (minutes) in which failures are counted, and how long the lock lasts.
    #[arg(long, env = "TESSERA_LOCKOUT_MINUTES", default_value_t = 15)]
    pub lockout_minutes: i64,

    /// Days of login history kept before the periodic task prunes it.
    #[arg(long, env = "TESSERA_LOGIN_HISTORY_DAYS", default_value_t = 90)]
    pub login_history_days: i64,

    /// Issuer shown in authenticator apps next to the account's email.
    #[arg(long, env = "TESSERA_TOTP_ISSUER", default_value = "Tessera")]
    pub totp_issuer: String,

    /// Serve the Prometheus `/metrics` on this address (say an internal interface) instead of
    /// the API's port; the API port then answers 404 for it. Default: on the API port.
    #[arg(long, env = "TESSERA_METRICS_BIND")]
    pub metrics_bind: Option<String>,

    /// Worker threads for the HTTP server (default: one per core).
    #[arg(long, env = "TESSERA_WORKERS")]
    pub workers: Option<usize>,
}

impl Default for Settings {
    fn default() -> Self {
        use clap::Parser;
        #[derive(Parser)]
        struct Wrapper {
            #[command(flatten)]
            settings: Settings,
        }
        // Defaults, plus whatever TESSERA_* variables the environment sets.
        Wrapper::parse_from(["tessera"]).settings
    }
}

impl Settings {
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.is_empty() => url.clone(),
            _ => self
                .data_dir
                .join("tessera.db")
                .to_string_lossy()
                .into_owned(),
        }
    }

    pub fn keys_dir(&self) -> PathBuf {
        self.keys_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.clone())
    }

    pub fn trusted_proxy_nets(&self) -> Result<Vec<IpNet>, String> {
        self.trusted_proxies
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IpNet>()
                    .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        format!("TESSERA_TRUSTED_PROXIES: `{s}` is not an IP or CIDR range")
                    })
            })
            .collect()
    }

    pub fn allowed_origin_list(&self) -> Vec<String> {
        self.allowed_origins
            .iter()
            .map(|s| s.trim().trim_end_matches('/').to_string())
            .filter(|s| !s.is_empty())
            .collect()
    }
}
