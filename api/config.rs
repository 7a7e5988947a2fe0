//! Typed settings. Every setting is a `TESSERA_*` environment variable and a flag.

use std::net::IpAddr;
use std::path::PathBuf;

use crate::service::mfa::send_budget::SendBudget;
use crate::service::phone_numbers::PhoneNumberPolicy;
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

    /// Directory of the keyring, the server secrets (default: the data directory). Several
    /// instances behind one database must share the same keys: mount the same files. The
    /// keyring is deliberately not kept in the database, so that a dump alone unlocks nothing.
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
        default_value = DEFAULT_PUBLIC_URL
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

    /// Failed password (or second-factor code) attempts for one account from one client IP
    /// that lock that account for that IP. Other IPs are not affected.
    #[arg(long, env = "TESSERA_LOCKOUT_THRESHOLD", default_value_t = 10)]
    pub lockout_threshold: i32,

    /// Failed password (or code) attempts for one account, from all IPs together, that lock
    /// the account for every IP: the backstop against guessing from many addresses.
    #[arg(long, env = "TESSERA_LOCKOUT_ACCOUNT_THRESHOLD", default_value_t = 100)]
    pub lockout_account_threshold: i32,

    /// Window (minutes) in which failures are counted, and how long the lock lasts.
    #[arg(long, env = "TESSERA_LOCKOUT_MINUTES", default_value_t = 15)]
    pub lockout_minutes: i64,

    /// Password attempts (login, sign-up, re-authentication) allowed per client IP (IPv6: per
    /// /64) and minute; a burst may use the whole minute's allowance at once.
    #[arg(long, env = "TESSERA_RATE_PASSWORD_PER_MINUTE", default_value_t = 30)]
    pub rate_password_per_minute: i64,

    /// Second-factor code attempts (challenge verify, factor activation) per client IP and minute.
    #[arg(long, env = "TESSERA_RATE_CODE_PER_MINUTE", default_value_t = 30)]
    pub rate_code_per_minute: i64,

    /// Sign-ups per client IP and hour.
    #[arg(long, env = "TESSERA_RATE_SIGNUP_PER_HOUR", default_value_t = 10)]
    pub rate_signup_per_hour: i64,

    /// Requests that may wait for a password-hashing thread, per thread; beyond that a
    /// request is refused at once with 503 `overloaded` and `Retry-After: 1`.
    #[arg(long, env = "TESSERA_HASH_QUEUE_PER_THREAD", default_value_t = 64)]
    pub hash_queue_per_thread: i64,

    /// Also return the session token in the JSON body to browsers (requests with an `Origin`
    /// header). Off by default: a browser gets the session only as the HttpOnly cookie, out of
    /// reach of scripts. Turn on only for a front-end that must send bearer tokens cross-site.
    #[arg(long, env = "TESSERA_BROWSER_BEARER", default_value_t = false, action = clap::ArgAction::Set)]
    pub browser_bearer: bool,

    /// Comma-separated URLs an SSO sign-in may end at (`redirect_uri` of
    /// `POST /v1/auth/sso/start`): the front-ends' landing pages and the apps' redirect URIs.
    /// Compared exactly. Empty: SSO cannot be started.
    #[arg(
        long,
        env = "TESSERA_SSO_REDIRECT_URIS",
        value_delimiter = ',',
        default_value = ""
    )]
    pub sso_redirect_uris: Vec<String>,

    /// Let organisations configure identity providers on this machine (`http://127.0.0.1:…`,
    /// `localhost`, a name whose addresses are loopback): for development and tests only. Off,
    /// an issuer and every endpoint its discovery document names must be https URLs at public
    /// addresses, so that no account can make the server fetch from its own ports. Loopback is
    /// all it allows: private, link-local, unspecified and IPv4-mapped addresses stay refused.
    #[arg(long, env = "TESSERA_SSO_ALLOW_LOOPBACK_ISSUERS", default_value_t = false, action = clap::ArgAction::Set)]
    pub sso_allow_loopback_issuers: bool,

    /// The DNS resolver that verifies organisations' domains (their
    /// `_tessera-challenge.<domain>` TXT records) and resolves their identity providers' names
    /// (each address checked before it is connected to), as `address:port` (`9.9.9.9:53`).
    /// Unset: the system's resolver (`/etc/resolv.conf`).
    #[arg(long, env = "TESSERA_DNS_RESOLVER")]
    pub dns_resolver: Option<String>,

    /// Days of login history kept before the periodic task prunes it.
    #[arg(long, env = "TESSERA_LOGIN_HISTORY_DAYS", default_value_t = 90)]
    pub login_history_days: i64,

    /// Issuer shown in authenticator apps next to the account's email.
    #[arg(long, env = "TESSERA_TOTP_ISSUER", default_value = "Tessera")]
    pub totp_issuer: String,

    /// Minutes a JWT access token (`POST /v1/sessions/current/token`) lives, 1 to 60; never
    /// past its session's end.
    #[arg(long, env = "TESSERA_ACCESS_TOKEN_MINUTES", default_value_t = 5)]
    pub access_token_minutes: i64,

    /// The `aud` claim of JWT access tokens: what the integrator's back-ends check they are
    /// the audience of.
    #[arg(long, env = "TESSERA_ACCESS_TOKEN_AUDIENCE", default_value = "tessera")]
    pub access_token_audience: String,

    /// SMTP server for email (`smtp://host:2525` plain, `smtp://user:pass@host:587?tls=required`
    /// STARTTLS, `smtps://user:pass@host` TLS). Unset: emails are written to the log.
    #[arg(long, env = "TESSERA_SMTP_URL")]
    pub smtp_url: Option<String>,

    /// The sender of emails.
    #[arg(
        long,
        env = "TESSERA_EMAIL_FROM",
        default_value = "Tessera <no-reply@localhost>"
    )]
    pub email_from: String,

    /// Base URL of the Twilio-compatible Messages API for SMS.
    #[arg(
        long,
        env = "TESSERA_SMS_URL",
        default_value = "https://api.twilio.com"
    )]
    pub sms_url: String,

    /// SMS account SID (with the auth token and sender: SMS is on when all three are set).
    #[arg(long, env = "TESSERA_SMS_ACCOUNT_SID")]
    pub sms_account_sid: Option<String>,

    #[arg(long, env = "TESSERA_SMS_AUTH_TOKEN", hide_env_values = true)]
    pub sms_auth_token: Option<String>,

    /// The sender number (E.164) or messaging service of SMS.
    #[arg(long, env = "TESSERA_SMS_FROM")]
    pub sms_from: Option<String>,

    /// Base URL of the WasenderAPI-compatible WhatsApp API.
    #[arg(
        long,
        env = "TESSERA_WHATSAPP_URL",
        default_value = "https://www.wasenderapi.com"
    )]
    pub whatsapp_url: String,

    /// WhatsApp API key: WhatsApp is on when it is set.
    #[arg(long, env = "TESSERA_WHATSAPP_API_KEY", hide_env_values = true)]
    pub whatsapp_api_key: Option<String>,

    /// Calling codes SMS codes may be sent to, comma-separated (`1,44,49`); empty: any.
    #[arg(long, env = "TESSERA_SMS_COUNTRIES", default_value = "")]
    pub sms_countries: String,

    /// Calling codes WhatsApp codes may be sent to, comma-separated; empty: any.
    #[arg(long, env = "TESSERA_WHATSAPP_COUNTRIES", default_value = "")]
    pub whatsapp_countries: String,

    /// SMS codes this deployment sends in 24 hours at most; beyond, 429 and the
    /// `messaging.cap_reached` webhook (SMS pumping costs real money).
    #[arg(long, env = "TESSERA_SMS_DAILY_CAP", default_value_t = 10_000)]
    pub sms_daily_cap: i64,

    /// WhatsApp codes this deployment sends in 24 hours at most.
    #[arg(long, env = "TESSERA_WHATSAPP_DAILY_CAP", default_value_t = 10_000)]
    pub whatsapp_daily_cap: i64,

    /// SMS and WhatsApp codes asked for from one client address (IPv6 by /64) in an hour,
    /// across accounts.
    #[arg(
        long,
        env = "TESSERA_MESSAGES_PER_ADDRESS_HOURLY",
        default_value_t = 30
    )]
    pub messages_per_address_hourly: i64,

    /// Comma-separated endpoints that receive security events as signed webhooks.
    #[arg(
        long,
        env = "TESSERA_WEBHOOK_URLS",
        value_delimiter = ',',
        default_value = ""
    )]
    pub webhook_urls: Vec<String>,

    /// The webhooks' signing secret (`whsec_` and base64, as Standard Webhooks has it).
    #[arg(long, env = "TESSERA_WEBHOOK_SECRET", hide_env_values = true)]
    pub webhook_secret: Option<String>,

    /// Offer SMS and WhatsApp factors without their provider, writing the codes to the log:
    /// for local development only.
    #[arg(long, env = "TESSERA_DEV_LOG_CODES", default_value_t = false, action = clap::ArgAction::Set)]
    pub dev_log_codes: bool,

    /// The link in password reset emails: the front-end's page, with `{token}` where the
    /// token goes. Default: `<public URL>/reset-password?token={token}`.
    #[arg(long, env = "TESSERA_RESET_URL")]
    pub reset_url: Option<String>,

    /// The link in invitation emails: the front-end's page, with `{token}` where the token
    /// goes. Default: `<public URL>/accept-invitation?token={token}`.
    #[arg(long, env = "TESSERA_INVITE_URL")]
    pub invite_url: Option<String>,

    /// The link in email verification emails (sign-up, a new address): the front-end's page,
    /// with `{token}` where the token goes. Default:
    /// `<public URL>/verify-email?token={token}`.
    #[arg(long, env = "TESSERA_VERIFY_EMAIL_URL")]
    pub verify_email_url: Option<String>,

    /// Sign in with a password only once the account's email address is proven: until then
    /// a login (and a sign-up) answers `email_verification_required` without a session.
    #[arg(long, env = "TESSERA_REQUIRE_VERIFIED_EMAIL", default_value_t = false, action = clap::ArgAction::Set)]
    pub require_verified_email: bool,

    /// Attempts to deliver a message before it is failed.
    #[arg(long, env = "TESSERA_OUTBOX_MAX_ATTEMPTS", default_value_t = 8)]
    pub outbox_max_attempts: i32,

    /// Seconds before the second attempt to deliver a message; each further wait doubles (at
    /// most an hour).
    #[arg(long, env = "TESSERA_OUTBOX_RETRY_SECONDS", default_value_t = 10)]
    pub outbox_retry_seconds: i64,

    /// Seconds between two looks at the keyring file: a rotated keyring is in use within this
    /// time, without a restart. Each look also tells the database which keys this instance
    /// holds (`tessera keys reseal` and `retire` wait for every running instance). 1 to 10.
    #[arg(long, env = "TESSERA_KEYRING_CHECK_SECONDS", default_value_t = 2)]
    pub keyring_check_seconds: i64,

    /// Serve the Prometheus `/metrics` on this address (say an internal interface) instead of
    /// the API's port; the API port then answers 404 for it. Default: on the API port.
    #[arg(long, env = "TESSERA_METRICS_BIND")]
    pub metrics_bind: Option<String>,

    /// Hardware tokens one organisation may register.
    #[arg(
        long,
        env = "TESSERA_ORG_MAX_HARDWARE_TOKENS",
        default_value_t = 10_000
    )]
    pub org_max_hardware_tokens: i64,

    /// Organisations one account may own (anyone can create one: a bound on what one
    /// account can make).
    #[arg(long, env = "TESSERA_MAX_ORGS_PER_ACCOUNT", default_value_t = 20)]
    pub max_orgs_per_account: i64,

    /// Worker threads for the HTTP server (default: one per core).
    #[arg(long, env = "TESSERA_WORKERS")]
    pub workers: Option<usize>,
}

/// `TESSERA_PUBLIC_URL` when it is not set.
const DEFAULT_PUBLIC_URL: &str = "http://127.0.0.1:8080";

impl Settings {
    /// The public URL a server has when none is set.
    pub fn default_public_url() -> &'static str {
        DEFAULT_PUBLIC_URL
    }
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

/// A setting that cannot work, found before anything starts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}: {problem}")]
pub struct InvalidSetting {
    pub variable: &'static str,
    pub problem: String,
}

fn invalid(variable: &'static str, problem: impl Into<String>) -> InvalidSetting {
    InvalidSetting {
        variable,
        problem: problem.into(),
    }
}

/// `TESSERA_BIND`: an address and port (`127.0.0.1:8080`, `[::]:8080`, `localhost:8080`).
fn check_bind(bind: &str) -> Result<(), InvalidSetting> {
    if bind.parse::<std::net::SocketAddr>().is_ok() {
        return Ok(());
    }
    let named = bind.rsplit_once(':').is_some_and(|(host, port)| {
        port.parse::<u16>().is_ok()
            && !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
    });
    if named {
        return Ok(());
    }
    Err(invalid(
        "TESSERA_BIND",
        format!("`{bind}` is not an address and port like 127.0.0.1:8080"),
    ))
}

fn at_least(
    variable: &'static str,
    value: i64,
    min: i64,
    unit: &str,
) -> Result<(), InvalidSetting> {
    if value < min {
        return Err(invalid(
            variable,
            format!("must be at least {min} {unit} (got {value})"),
        ));
    }
    Ok(())
}

/// Checks a front-end origin: `scheme://host[:port]`, http or https, nothing after it.
fn check_origin(origin: &str) -> Result<(), String> {
    if origin == "*" {
        return Err(
            "`*` cannot be an allowed origin: cookies and credentials are sent to allowed \
             origins, so each must be named"
                .into(),
        );
    }
    let (scheme, rest) = origin
        .split_once("://")
        .ok_or_else(|| format!("`{origin}` is not an origin like https://app.example.com"))?;
    let well_formed = matches!(scheme, "http" | "https")
        && !rest.is_empty()
        && !rest.contains(['/', '?', '#', '@', ' ', '*'])
        && rest
            .rsplit_once(':')
            .is_none_or(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
    if !well_formed {
        return Err(format!(
            "`{origin}` is not an origin like https://app.example.com (scheme, host and port only)"
        ));
    }
    Ok(())
}

impl Settings {
    /// Every check that can be made before starting: a setting that cannot work stops the
    /// start with one line naming it, instead of a surprise at the first request.
    pub fn validate(&self) -> Result<(), InvalidSetting> {
        at_least(
            "TESSERA_SESSION_IDLE_DAYS",
            self.session_idle_days,
            1,
            "day",
        )?;
        at_least(
            "TESSERA_SESSION_ABSOLUTE_DAYS",
            self.session_absolute_days,
            1,
            "day",
        )?;
        at_least(
            "TESSERA_LOGIN_HISTORY_DAYS",
            self.login_history_days,
            1,
            "day",
        )?;
        at_least(
            "TESSERA_LOCKOUT_THRESHOLD",
            self.lockout_threshold.into(),
            1,
            "attempt",
        )?;
        at_least(
            "TESSERA_LOCKOUT_ACCOUNT_THRESHOLD",
            self.lockout_account_threshold.into(),
            1,
            "attempt",
        )?;
        at_least("TESSERA_LOCKOUT_MINUTES", self.lockout_minutes, 1, "minute")?;
        at_least(
            "TESSERA_RATE_PASSWORD_PER_MINUTE",
            self.rate_password_per_minute,
            1,
            "attempt",
        )?;
        at_least(
            "TESSERA_RATE_CODE_PER_MINUTE",
            self.rate_code_per_minute,
            1,
            "attempt",
        )?;
        at_least(
            "TESSERA_RATE_SIGNUP_PER_HOUR",
            self.rate_signup_per_hour,
            1,
            "sign-up",
        )?;
        at_least(
            "TESSERA_HASH_QUEUE_PER_THREAD",
            self.hash_queue_per_thread,
            1,
            "request",
        )?;
        at_least(
            "TESSERA_DATABASE_POOL_SIZE",
            self.database_pool_size.into(),
            1,
            "connection",
        )?;
        at_least(
            "TESSERA_ACCESS_TOKEN_MINUTES",
            self.access_token_minutes,
            1,
            "minute",
        )?;
        if self.access_token_minutes > 60 {
            return Err(invalid(
                "TESSERA_ACCESS_TOKEN_MINUTES",
                format!(
                    "must be at most 60 minutes (got {}): an access token cannot be revoked, so it must be short-lived",
                    self.access_token_minutes
                ),
            ));
        }
        if self.access_token_audience.trim().is_empty() {
            return Err(invalid(
                "TESSERA_ACCESS_TOKEN_AUDIENCE",
                "must not be blank",
            ));
        }
        at_least(
            "TESSERA_ORG_MAX_HARDWARE_TOKENS",
            self.org_max_hardware_tokens,
            1,
            "token",
        )?;
        at_least(
            "TESSERA_MAX_ORGS_PER_ACCOUNT",
            self.max_orgs_per_account,
            1,
            "organisation",
        )?;
        at_least(
            "TESSERA_OUTBOX_MAX_ATTEMPTS",
            self.outbox_max_attempts.into(),
            1,
            "attempt",
        )?;
        at_least(
            "TESSERA_OUTBOX_RETRY_SECONDS",
            self.outbox_retry_seconds,
            1,
            "second",
        )?;
        at_least(
            "TESSERA_KEYRING_CHECK_SECONDS",
            self.keyring_check_seconds,
            1,
            "second",
        )?;
        if self.keyring_check_seconds > 10 {
            // Each look is also the heartbeat, and a server seals only within 45 s of its last
            // report: with a longer wait one failed report would stop a healthy server.
            return Err(invalid(
                "TESSERA_KEYRING_CHECK_SECONDS",
                format!(
                    "must be at most 10 seconds (got {})",
                    self.keyring_check_seconds
                ),
            ));
        }
        self.check_messaging()?;
        at_least("TESSERA_SMS_DAILY_CAP", self.sms_daily_cap, 1, "message")?;
        at_least(
            "TESSERA_WHATSAPP_DAILY_CAP",
            self.whatsapp_daily_cap,
            1,
            "message",
        )?;
        at_least(
            "TESSERA_MESSAGES_PER_ADDRESS_HOURLY",
            self.messages_per_address_hourly,
            1,
            "message",
        )?;
        self.phone_number_policy()?;
        check_bind(&self.bind)?;
        if let Some(url) = self
            .smtp_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(url).map_err(|e| {
                invalid(
                    "TESSERA_SMTP_URL",
                    format!("not an SMTP URL (smtp://host:port, smtps://user:pass@host): {e}"),
                )
            })?;
        }
        if !self.reset_link_template().contains("{token}") {
            return Err(invalid(
                "TESSERA_RESET_URL",
                "must contain `{token}`, where the reset token goes",
            ));
        }
        if !self.invite_link_template().contains("{token}") {
            return Err(invalid(
                "TESSERA_INVITE_URL",
                "must contain `{token}`, where the invitation token goes",
            ));
        }
        if !self.verify_email_link_template().contains("{token}") {
            return Err(invalid(
                "TESSERA_VERIFY_EMAIL_URL",
                "must contain `{token}`, where the verification token goes",
            ));
        }
        if self.workers == Some(0) {
            return Err(invalid("TESSERA_WORKERS", "must be at least 1 (or unset)"));
        }
        for origin in self.allowed_origin_list() {
            check_origin(&origin).map_err(|p| invalid("TESSERA_ALLOWED_ORIGINS", p))?;
        }
        // A public URL may have a path (a server behind a prefix); its origin must be sound.
        let public_origin = match self.public_url.split_once("://") {
            Some((scheme, rest)) => format!(
                "{scheme}://{}",
                rest.split(['/', '?', '#']).next().unwrap_or("")
            ),
            None => self.public_url.clone(),
        };
        check_origin(&public_origin).map_err(|p| invalid("TESSERA_PUBLIC_URL", p))?;
        self.trusted_proxy_nets()?;
        for uri in self.sso_redirect_uri_list() {
            let parsed = reqwest::Url::parse(&uri);
            if parsed.map_or(true, |u| u.fragment().is_some()) {
                return Err(invalid(
                    "TESSERA_SSO_REDIRECT_URIS",
                    format!("{uri} is not an absolute URL without a fragment"),
                ));
            }
        }
        if self.totp_issuer.trim().is_empty() || self.totp_issuer.contains(':') {
            return Err(invalid(
                "TESSERA_TOTP_ISSUER",
                "must be a non-blank name without `:` (authenticator apps split on it)",
            ));
        }
        if let Some(path) = &self.geoip_database {
            std::fs::File::open(path).map_err(|e| {
                invalid(
                    "TESSERA_GEOIP_DATABASE",
                    format!("cannot read {}: {e}", path.display()),
                )
            })?;
        }
        self.dns_resolver_addr()?;
        Ok(())
    }

    /// `TESSERA_DNS_RESOLVER` as an address (`None`: the system's resolver).
    pub fn dns_resolver_addr(&self) -> Result<Option<std::net::SocketAddr>, InvalidSetting> {
        match self.dns_resolver.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => text.parse().map(Some).map_err(|_| {
                invalid(
                    "TESSERA_DNS_RESOLVER",
                    "must be an IP address and port, such as 9.9.9.9:53 or [2620:fe::fe]:53",
                )
            }),
        }
    }

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

    /// The reset link, `{token}` to be filled in.
    pub fn reset_link_template(&self) -> String {
        match self.reset_url.as_deref().map(str::trim) {
            Some(url) if !url.is_empty() => url.to_string(),
            _ => format!("{}/reset-password?token={{token}}", self.issuer()),
        }
    }

    /// The invitation link, `{token}` to be filled in.
    pub fn invite_link_template(&self) -> String {
        match self.invite_url.as_deref().map(str::trim) {
            Some(url) if !url.is_empty() => url.to_string(),
            _ => format!("{}/accept-invitation?token={{token}}", self.issuer()),
        }
    }

    /// The email verification link, `{token}` to be filled in.
    pub fn verify_email_link_template(&self) -> String {
        match self.verify_email_url.as_deref().map(str::trim) {
            Some(url) if !url.is_empty() => url.to_string(),
            _ => format!("{}/verify-email?token={{token}}", self.issuer()),
        }
    }

    /// SSO's redirect URIs, blanks dropped.
    pub fn sso_redirect_uri_list(&self) -> Vec<String> {
        self.sso_redirect_uris
            .iter()
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty())
            .collect()
    }

    /// Where providers send browsers back: this server's SSO callback.
    pub fn sso_callback_url(&self) -> String {
        format!("{}/v1/auth/sso/callback", self.issuer())
    }

    /// Endpoints of webhooks, blanks dropped.
    pub fn webhook_url_list(&self) -> Vec<String> {
        self.webhook_urls
            .iter()
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty())
            .collect()
    }

    /// The SMS settings, when all three are set.
    pub fn sms(&self) -> Option<(&str, &str, &str)> {
        fn set(v: &Option<String>) -> Option<&str> {
            v.as_deref().map(str::trim).filter(|v| !v.is_empty())
        }
        Some((
            set(&self.sms_account_sid)?,
            set(&self.sms_auth_token)?,
            set(&self.sms_from)?,
        ))
    }

    fn check_messaging(&self) -> Result<(), InvalidSetting> {
        for url in self.webhook_url_list() {
            if !(url.starts_with("https://") || url.starts_with("http://"))
                || url.contains(char::is_whitespace)
            {
                return Err(invalid(
                    "TESSERA_WEBHOOK_URLS",
                    format!("`{url}` is not an http(s) URL"),
                ));
            }
        }
        let secret = self.webhook_secret.as_deref().unwrap_or("").trim();
        if !self.webhook_url_list().is_empty() && secret.is_empty() {
            return Err(invalid(
                "TESSERA_WEBHOOK_SECRET",
                "must be set when TESSERA_WEBHOOK_URLS is: receivers verify the signature",
            ));
        }
        if !secret.is_empty() {
            use base64::Engine;
            let key = secret.strip_prefix("whsec_").map(|key| {
                base64::engine::general_purpose::STANDARD
                    .decode(key)
                    .unwrap_or_default()
            });
            if key.is_none_or(|key| key.len() < 24) {
                return Err(invalid(
                    "TESSERA_WEBHOOK_SECRET",
                    "must be `whsec_` and the base64 of at least 24 random bytes",
                ));
            }
        }
        let sms = [&self.sms_account_sid, &self.sms_auth_token, &self.sms_from];
        let set = sms
            .iter()
            .filter(|v| v.as_deref().is_some_and(|v| !v.trim().is_empty()))
            .count();
        if set != 0 && set != sms.len() {
            return Err(invalid(
                "TESSERA_SMS_ACCOUNT_SID",
                "SMS needs TESSERA_SMS_ACCOUNT_SID, TESSERA_SMS_AUTH_TOKEN and TESSERA_SMS_FROM together",
            ));
        }
        if self.email_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(invalid(
                "TESSERA_EMAIL_FROM",
                format!(
                    "`{}` is not an address like `Tessera <no-reply@example.com>`",
                    self.email_from
                ),
            ));
        }
        Ok(())
    }

    /// Where codes may be sent (`TESSERA_SMS_COUNTRIES`, `TESSERA_WHATSAPP_COUNTRIES`).
    pub fn phone_number_policy(&self) -> Result<PhoneNumberPolicy, InvalidSetting> {
        let codes = |name: &'static str, list: &str| {
            crate::service::phone_numbers::parse_calling_codes(list)
                .map_err(|detail| invalid(name, detail))
        };
        Ok(PhoneNumberPolicy {
            sms_countries: codes("TESSERA_SMS_COUNTRIES", &self.sms_countries)?,
            whatsapp_countries: codes("TESSERA_WHATSAPP_COUNTRIES", &self.whatsapp_countries)?,
        })
    }

    /// What SMS and WhatsApp sends may cost.
    pub fn send_budget(&self) -> SendBudget {
        SendBudget {
            per_address_hourly: usize::try_from(self.messages_per_address_hourly).unwrap_or(1),
            sms_daily_cap: self.sms_daily_cap,
            whatsapp_daily_cap: self.whatsapp_daily_cap,
        }
    }

    /// The `iss` of access tokens: the public URL without a trailing `/`.
    pub fn issuer(&self) -> String {
        self.public_url.trim_end_matches('/').to_string()
    }

    /// HTTP workers: the setting, or one per core.
    pub fn worker_count(&self) -> usize {
        self.workers
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
    }

    pub fn keys_dir(&self) -> PathBuf {
        self.keys_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.clone())
    }

    pub fn trusted_proxy_nets(&self) -> Result<Vec<IpNet>, InvalidSetting> {
        self.trusted_proxies
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.parse::<IpNet>()
                    .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        invalid(
                            "TESSERA_TRUSTED_PROXIES",
                            format!("`{s}` is not an IP or CIDR range"),
                        )
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

#[cfg(test)]
mod tests {
    use super::*;

    fn problem_of(tweak: impl FnOnce(&mut Settings)) -> Option<&'static str> {
        let mut settings = Settings::default();
        tweak(&mut settings);
        settings.validate().err().map(|e| e.variable)
    }

    #[test]
    fn settings_that_cannot_work_are_named() {
        assert_eq!(problem_of(|_| {}), None);
        assert_eq!(
            problem_of(|s| s.session_idle_days = -1),
            Some("TESSERA_SESSION_IDLE_DAYS")
        );
        assert_eq!(
            problem_of(|s| s.sms_countries = "1,uk".into()),
            Some("TESSERA_SMS_COUNTRIES")
        );
        assert_eq!(
            problem_of(|s| s.whatsapp_countries = "0044".into()),
            Some("TESSERA_WHATSAPP_COUNTRIES")
        );
        assert_eq!(
            problem_of(|s| s.sms_daily_cap = 0),
            Some("TESSERA_SMS_DAILY_CAP")
        );
        assert_eq!(
            problem_of(|s| s.session_absolute_days = 0),
            Some("TESSERA_SESSION_ABSOLUTE_DAYS")
        );
        assert_eq!(
            problem_of(|s| s.lockout_threshold = 0),
            Some("TESSERA_LOCKOUT_THRESHOLD")
        );
        assert_eq!(
            problem_of(|s| s.lockout_account_threshold = 0),
            Some("TESSERA_LOCKOUT_ACCOUNT_THRESHOLD")
        );
        assert_eq!(
            problem_of(|s| s.rate_signup_per_hour = 0),
            Some("TESSERA_RATE_SIGNUP_PER_HOUR")
        );
        assert_eq!(
            problem_of(|s| s.hash_queue_per_thread = 0),
            Some("TESSERA_HASH_QUEUE_PER_THREAD")
        );
        assert_eq!(
            problem_of(|s| s.webhook_urls = vec!["https://hooks.example.com/t".into()]),
            Some("TESSERA_WEBHOOK_SECRET")
        );
        assert_eq!(
            problem_of(|s| s.webhook_secret = Some("not-a-secret".into())),
            Some("TESSERA_WEBHOOK_SECRET")
        );
        assert_eq!(
            problem_of(|s| s.webhook_urls = vec!["ftp://x".into()]),
            Some("TESSERA_WEBHOOK_URLS")
        );
        assert_eq!(
            problem_of(|s| s.sms_account_sid = Some("AC123".into())),
            Some("TESSERA_SMS_ACCOUNT_SID")
        );
        assert_eq!(
            problem_of(|s| s.email_from = "not an address".into()),
            Some("TESSERA_EMAIL_FROM")
        );
        assert_eq!(
            problem_of(|s| s.reset_url = Some("https://app.example.com/reset".into())),
            Some("TESSERA_RESET_URL")
        );
        assert_eq!(
            problem_of(|s| s.verify_email_url = Some("https://app.example.com/verify".into())),
            Some("TESSERA_VERIFY_EMAIL_URL")
        );
        assert_eq!(
            problem_of(|s| s.outbox_max_attempts = 0),
            Some("TESSERA_OUTBOX_MAX_ATTEMPTS")
        );
        assert_eq!(
            problem_of(|s| s.access_token_minutes = 0),
            Some("TESSERA_ACCESS_TOKEN_MINUTES")
        );
        assert_eq!(
            problem_of(|s| s.access_token_minutes = 61),
            Some("TESSERA_ACCESS_TOKEN_MINUTES")
        );
        assert_eq!(
            problem_of(|s| s.access_token_audience = " ".into()),
            Some("TESSERA_ACCESS_TOKEN_AUDIENCE")
        );
        assert_eq!(
            problem_of(|s| s.allowed_origins = vec!["*".into()]),
            Some("TESSERA_ALLOWED_ORIGINS")
        );
        for bad in [
            "app.example.com",
            "https://app.example.com/path",
            "ftp://x.y",
            "https://x.y:99999",
        ] {
            assert_eq!(
                problem_of(|s| s.allowed_origins = vec![bad.into()]),
                Some("TESSERA_ALLOWED_ORIGINS"),
                "{bad}"
            );
        }
        assert_eq!(
            problem_of(|s| s.allowed_origins = vec![
                "http://localhost:3000".into(),
                "https://app.example.com/".into()
            ]),
            None
        );
        assert_eq!(
            problem_of(|s| s.trusted_proxies = vec!["not-an-ip".into()]),
            Some("TESSERA_TRUSTED_PROXIES")
        );
        assert_eq!(
            problem_of(|s| s.geoip_database = Some("/nonexistent/city.mmdb".into())),
            Some("TESSERA_GEOIP_DATABASE")
        );
        assert_eq!(
            problem_of(|s| s.public_url = "tessera.example.com".into()),
            Some("TESSERA_PUBLIC_URL")
        );
        assert_eq!(
            problem_of(|s| s.public_url = "https://example.com/auth".into()),
            None
        );
        assert_eq!(
            problem_of(|s| s.totp_issuer = "A:B".into()),
            Some("TESSERA_TOTP_ISSUER")
        );
    }
}
