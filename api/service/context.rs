//! What every service function works with: one request's [`Context`] — the database
//! connection, the server's keys and policies ([`Env`]), who is asking, and `now`.

use chrono::{DateTime, Utc};

use super::access_tokens::AccessTokenPolicy;
use super::activity::SessionActivity;
use super::client::ClientInfo;
use super::error::{Error, Result};
use super::mfa::sent_codes::Channels;
use super::outbox::DeliveryPolicy;
use super::policy::{LoginPolicy, SessionPolicy};
use super::rate_limit::{Rate, RateLimits};
use super::session_cache::SessionCache;
use super::signing_keys::SigningKeys;
use super::sso::SsoPolicy;
use crate::config::{InvalidSetting, Settings};
use crate::crypto::keys::Keyring;
use crate::crypto::password::PasswordHasher;
use crate::crypto::sealing::Sealer;
use crate::db::{DbConnection, SqliteWriter, write_transaction};

/// The server's keys and rules, the same for every request.
pub struct Env {
    pub hasher: PasswordHasher,
    pub sealer: Sealer,
    pub login: LoginPolicy,
    pub sessions: SessionPolicy,
    pub rate_limits: RateLimits,
    /// Shown in authenticator apps next to the account's email.
    pub totp_issuer: String,
    pub access_tokens: AccessTokenPolicy,
    pub signing_keys: SigningKeys,
    /// How the outbox worker retries.
    pub delivery: DeliveryPolicy,
    /// Where security events are POSTed (from the settings, never from a request).
    pub webhook_urls: Vec<String>,
    /// The password reset link, `{token}` to be filled in.
    pub reset_link: String,
    /// The invitation link, `{token}` to be filled in.
    pub invite_link: String,
    /// The email verification link, `{token}` to be filled in.
    pub verify_email_link: String,
    /// Password sign-ins (and sign-ups) get a session only once the email is proven.
    pub require_verified_email: bool,
    /// What one account or organisation may make.
    pub limits: crate::service::orgs::OrgLimits,
    /// Which channels carry codes (SMS and WhatsApp factors are offered only on them).
    pub channels: Channels,
    /// Where codes may be sent (countries; never premium-rate numbers).
    pub phone_numbers: crate::service::phone_numbers::PhoneNumberPolicy,
    /// What SMS and WhatsApp sends may cost (the ledger's ceilings).
    pub send_budget: crate::service::mfa::send_budget::SendBudget,
    /// Session uses noted by the check, written in batches.
    pub activity: SessionActivity,
    /// SQLite: the sessions the check looked up (`None` on PostgreSQL).
    pub session_cache: Option<SessionCache>,
    /// SQLite: the connection write transactions run on (`None`: on the request's own).
    pub writer: Option<SqliteWriter>,
    /// Single sign-on: the callback URL and the allowed redirect URIs.
    pub sso: SsoPolicy,
}

impl Env {
    /// The keys and rules as the settings say: what the server runs with (tests below HTTP
    /// start from the same, see `service::testing`).
    pub fn from_settings(
        settings: &Settings,
        keyring: &Keyring,
        hasher: PasswordHasher,
        channels: Channels,
    ) -> std::result::Result<Env, InvalidSetting> {
        use chrono::Duration;
        Ok(Env {
            hasher,
            sealer: Sealer::new(keyring),
            sessions: SessionPolicy {
                idle: Duration::days(settings.session_idle_days),
                absolute: Duration::days(settings.session_absolute_days),
                activity_resolution: Duration::minutes(1),
            },
            login: LoginPolicy {
                lockout_threshold: settings.lockout_threshold,
                account_lockout_threshold: settings.lockout_account_threshold,
                lockout_window: Duration::minutes(settings.lockout_minutes),
                lockout_duration: Duration::minutes(settings.lockout_minutes),
                history_retention: Duration::days(settings.login_history_days),
            },
            rate_limits: RateLimits {
                password: Rate::per_minute(settings.rate_password_per_minute),
                code: Rate::per_minute(settings.rate_code_per_minute),
                sign_up: Rate::per_hour(settings.rate_signup_per_hour),
            },
            totp_issuer: settings.totp_issuer.clone(),
            access_tokens: AccessTokenPolicy {
                issuer: settings.issuer(),
                audience: settings.access_token_audience.trim().to_string(),
                lifetime: Duration::minutes(settings.access_token_minutes),
            },
            signing_keys: SigningKeys::new(Duration::minutes(settings.access_token_minutes)),
            delivery: DeliveryPolicy {
                max_attempts: settings.outbox_max_attempts,
                first_retry: Duration::seconds(settings.outbox_retry_seconds),
            },
            webhook_urls: settings.webhook_url_list(),
            reset_link: settings.reset_link_template(),
            invite_link: settings.invite_link_template(),
            verify_email_link: settings.verify_email_link_template(),
            require_verified_email: settings.require_verified_email,
            limits: super::orgs::OrgLimits {
                max_hardware_tokens: settings.org_max_hardware_tokens,
                max_orgs_per_account: settings.max_orgs_per_account,
            },
            channels,
            phone_numbers: settings.phone_number_policy()?,
            send_budget: settings.send_budget(),
            activity: Default::default(),
            session_cache: SessionCache::for_backend(crate::db::Backend::of_url(
                &settings.database_url(),
            )),
            writer: SqliteWriter::for_url(&settings.database_url()),
            sso: SsoPolicy {
                callback_url: settings.sso_callback_url(),
                redirect_uris: settings.sso_redirect_uri_list(),
                allow_loopback_issuers: settings.sso_allow_loopback_issuers,
            },
        })
    }
}

/// One request's (or one maintenance run's) view of the world.
pub struct Context<'a> {
    pub conn: &'a mut DbConnection,
    pub env: &'a Env,
    pub client: &'a ClientInfo,
    pub now: DateTime<Utc>,
    /// `conn` is the SQLite writer, in a transaction: nested transactions are savepoints on it.
    on_writer: bool,
}

/// A [`Context`] inside a write transaction, handed out by [`Context::transaction`] and
/// [`Context::decide`]. What must be written with the change it belongs to (a session with its
/// sign-in, an audit event with its change, a message with what it announces) takes a `Tx`,
/// so the compiler refuses a call outside one.
pub struct Tx<'a>(Context<'a>);

impl<'a> std::ops::Deref for Tx<'a> {
    type Target = Context<'a>;

    fn deref(&self) -> &Context<'a> {
        &self.0
    }
}

impl<'a> std::ops::DerefMut for Tx<'a> {
    fn deref_mut(&mut self) -> &mut Context<'a> {
        &mut self.0
    }
}

/// What a transaction decided. Its writes are committed either way: a refusal that counted an
/// attempt (a wrong password, a wrong code) must keep that count, so the refusal is a result
/// of the transaction, not an error that would roll it back.
pub enum Decision<T> {
    Done(T),
    Refused(Error),
}

impl<'a> Context<'a> {
    pub fn new(
        conn: &'a mut DbConnection,
        env: &'a Env,
        client: &'a ClientInfo,
        now: DateTime<Utc>,
    ) -> Self {
        Context {
            conn,
            env,
            client,
            now,
            on_writer: false,
        }
    }

    /// Runs `f` in a write transaction: all of it or nothing. On SQLite it runs on the
    /// server's writer connection (`db::SqliteWriter`), reads inside it included.
    pub fn transaction<T>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<T>) -> Result<T> {
        let (env, client, now, on_writer) = (self.env, self.client, self.now, self.on_writer);
        let run = |conn: &mut DbConnection, on_writer| {
            write_transaction(conn, |conn| {
                f(&mut Tx(Context {
                    conn,
                    env,
                    client,
                    now,
                    on_writer,
                }))
            })
        };
        match &env.writer {
            Some(writer) if !on_writer => writer.with(|conn| run(conn, true)),
            _ => run(self.conn, on_writer),
        }
    }

    /// Runs `f` in a write transaction and commits what it wrote, whether it decided to go
    /// on or to refuse; a refusal is then returned as the error. (An `Err` from `f` itself,
    /// a fault, rolls back as usual.)
    pub fn decide<T>(&mut self, f: impl FnOnce(&mut Tx<'_>) -> Result<Decision<T>>) -> Result<T> {
        match self.transaction(f)? {
            Decision::Done(value) => Ok(value),
            Decision::Refused(error) => Err(error),
        }
    }
}
