//! For unit tests below HTTP: a migrated SQLite database in a temporary directory, the
//! server's keys and policies with a cheap password hash, and a fixed `now`.

use chrono::{DateTime, Duration, Utc};

use super::client::ClientInfo;
use super::context::{Context, Env};
use crate::crypto::keys::ServerKeys;
use crate::crypto::password::PasswordHasher;
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
        // The server's defaults, with the tests' own thresholds and links; no SQLite writer
        // or session cache (a service call runs on the one connection it is given).
        let settings = crate::config::Settings {
            database_url: Some(dir.path().join("t.db").to_string_lossy().into_owned()),
            lockout_threshold: 3,
            lockout_account_threshold: 5,
            lockout_minutes: 15,
            public_url: "http://tessera.test".into(),
            reset_url: Some("http://app.test/reset?token={token}".into()),
            invite_url: Some("http://app.test/invite?token={token}".into()),
            verify_email_url: Some("http://app.test/verify-email?token={token}".into()),
            ..crate::config::Settings::default()
        };
        let channels = super::mfa::sent_codes::Channels {
            sms: true,
            whatsapp: true,
        };
        let hasher = PasswordHasher::with_params(cheap, 1, 4).unwrap();
        let mut env = Env::from_settings(&settings, &keys.keyring, hasher, channels).unwrap();
        env.session_cache = None;
        env.writer = None;
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
