//! For unit tests below HTTP: a migrated SQLite database in a temporary directory, the
//! server's keys and policies with a cheap password hash, and a fixed `now`.

use chrono::{DateTime, Duration, Utc};

use super::access_tokens::AccessTokenPolicy;
use super::client::ClientInfo;
use super::context::{Context, Env};
use super::outbox::DeliveryPolicy;
use super::policy::{LoginPolicy, SessionPolicy};
use super::rate_limit::{Rate, RateLimits};
use super::signing_keys::SigningKeys;
use crate::crypto::keys::ServerKeys;
use crate::crypto::password::PasswordHasher;
use crate::crypto::sealing::Sealer;
use crate::db::{self, DbConnection};

/// A world to run service functions in.
pub struct World {
    pub conn: r2d2::PooledConnection<db::SchemeConnectionManager>,
    pub env: Env,
    pub now: DateTime<Utc>,
    _dir: tempfile::TempDir,
}

/// Monday 2 March 2026, 09:00 UTC: the tests' "now".
pub fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-03-02T09:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

impl World {
    pub fn fresh() -> World {
        let dir = tempfile::tempdir().unwrap();
        let pool = db::build_pool(&dir.path().join("t.db").to_string_lossy(), 1).unwrap();
        let mut conn = pool.get().unwrap();
        db::migrate(&mut conn).unwrap();
        let (keys, _) = ServerKeys::load_or_generate(dir.path()).unwrap();
        let cheap = argon2::Params::new(8, 1, 1, None).unwrap();
        let env = Env {
            hasher: PasswordHasher::with_params(cheap, 1, 4).unwrap(),
            sealer: Sealer::new(&keys.keyring),
            login: LoginPolicy {
                lockout_threshold: 3,
                account_lockout_threshold: 5,
                lockout_window: Duration::minutes(15),
                lockout_duration: Duration::minutes(15),
                history_retention: Duration::days(90),
            },
            sessions: SessionPolicy {
                idle: Duration::days(7),
                absolute: Duration::days(30),
                activity_resolution: Duration::minutes(1),
            },
            rate_limits: RateLimits {
                password: Rate::per_minute(30),
                code: Rate::per_minute(30),
                sign_up: Rate::per_hour(10),
            },
            totp_issuer: "Tessera".into(),
            access_tokens: AccessTokenPolicy {
                issuer: "http://tessera.test".into(),
                audience: "tessera".into(),
                lifetime: Duration::minutes(5),
            },
            signing_keys: SigningKeys::new(Duration::minutes(5)),
            delivery: DeliveryPolicy {
                max_attempts: 5,
                first_retry: Duration::seconds(10),
            },
            webhook_urls: Vec::new(),
            reset_link: "http://app.test/reset?token={token}".into(),
            invite_link: "http://app.test/invite?token={token}".into(),
            verify_email_link: "http://app.test/verify-email?token={token}".into(),
            require_verified_email: false,
            limits: crate::service::orgs::OrgLimits {
                max_hardware_tokens: 10_000,
                max_orgs_per_account: 20,
            },
            channels: super::mfa::sent_codes::Channels {
                sms: true,
                whatsapp: true,
            },
            phone_numbers: Default::default(),
            send_budget: Default::default(),
            activity: Default::default(),
            session_cache: None,
            writer: None,
            sso: Default::default(),
        };
        World {
            conn,
            env,
            now: start(),
            _dir: dir,
        }
    }

    /// A context for a request from `ip`.
    pub fn at<'a>(&'a mut self, client: &'a ClientInfo) -> Context<'a> {
        let conn: &mut DbConnection = &mut self.conn;
        Context::new(conn, &self.env, client, self.now)
    }

    pub fn advance(&mut self, by: Duration) {
        self.now += by;
    }
}

pub fn client(ip: &str) -> ClientInfo {
    ClientInfo {
        ip: Some(ip.to_string()),
        ..ClientInfo::default()
    }
}
