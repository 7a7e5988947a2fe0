//! Seeding straight into the server's SQLite file, in large transactions: a million sessions
//! through the API would take hours of password hashing. Rows are the server's own row
//! types, tokens and digests its own functions, and TOTP secrets are sealed under its keys,
//! so the server cannot tell the seeded rows from ones it wrote.

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;
use tessera::crypto::keys::Keyring;
use tessera::crypto::sealing::Sealer;
use tessera::crypto::tokens::{random_token, token_digest};
use tessera::crypto::totp;
use tessera::db::models::{AccountRow, LoginChallengeRow, LoginEventRow, MfaFactorRow, SessionRow};
use tessera::db::schema::{accounts, login_challenges, login_events, mfa_factors, sessions};
use tessera::db::to_db;
use tessera::service::sealed::MFA_FACTOR;

pub const PASSWORD: &str = "correct horse battery staple";

pub struct Seeder {
    conn: SqliteConnection,
    sealer: Sealer,
    /// An argon2id hash of [`PASSWORD`] made by the server's hasher, shared by every seeded
    /// account.
    password_hash: String,
}

fn id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Inserts `rows` in chunks, in one transaction.
macro_rules! insert_all {
    ($conn:expr, $table:expr, $rows:expr) => {
        $conn
            .immediate_transaction(|conn| {
                for chunk in $rows.chunks(500) {
                    diesel::insert_into($table).values(chunk).execute(conn)?;
                }
                diesel::QueryResult::Ok(())
            })
            .expect("seeded rows are inserted")
    };
}

impl Seeder {
    pub fn open(database: &Path, keys_dir: &Path, password_hash: String) -> Seeder {
        let mut conn = SqliteConnection::establish(&database.display().to_string())
            .expect("the server's database opens");
        diesel::connection::SimpleConnection::batch_execute(
            &mut conn,
            "PRAGMA busy_timeout = 30000; PRAGMA synchronous = OFF;",
        )
        .expect("pragmas");
        let keyring = Keyring::load(keys_dir).expect("the server's keys load");
        Seeder {
            conn,
            sealer: Sealer::new(&keyring),
            password_hash,
        }
    }

    /// `count` accounts with the bench password; returns their ids and emails.
    pub fn accounts(
        &mut self,
        label: &str,
        count: usize,
        now: DateTime<Utc>,
    ) -> Vec<(String, String)> {
        let rows: Vec<AccountRow> = (0..count)
            .map(|i| AccountRow {
                id: id(),
                email: format!("{label}-{i}@bench.example.com"),
                password_hash: self.password_hash.clone(),
                display_name: None,
                phone: None,
                whatsapp_number: None,
                password_changed_at: to_db(now),
                created_at: to_db(now),
                updated_at: to_db(now),
                mfa_disabled_at: None,
                mfa_first_enabled_at: None,
                mfa_disabled_by: None,
                frozen_at: None,
                whatsapp_verified_at: None,
                email_verified_at: Some(to_db(now)),
                managed_by_org_id: None,
            })
            .collect();
        insert_all!(self.conn, accounts::table, rows);
        rows.into_iter().map(|r| (r.id, r.email)).collect()
    }

    /// `count` password sessions spread over `account_ids`, last active two minutes ago (so
    /// that the first check of each records activity, as in production); returns the tokens.
    pub fn sessions(
        &mut self,
        account_ids: &[String],
        count: usize,
        now: DateTime<Utc>,
    ) -> Vec<String> {
        let mut tokens = Vec::with_capacity(count);
        let mut rows = Vec::with_capacity(10_000);
        for i in 0..count {
            let token = random_token("tss_");
            rows.push(SessionRow {
                id: id(),
                account_id: account_ids[i % account_ids.len()].clone(),
                token_hash: token_digest(&token),
                aal: "aal1".into(),
                methods: r#"["password"]"#.into(),
                ip: Some("127.0.0.1".into()),
                user_agent: Some("tessera-bench".into()),
                location_country: None,
                location_city: None,
                created_at: to_db(now - Duration::minutes(2)),
                last_active_at: to_db(now - Duration::minutes(2)),
                expires_at: to_db(now + Duration::days(30)),
                revoked_at: None,
                mfa_enrollment_deadline: None,
                idp_amr: None,
            });
            tokens.push(token);
            if rows.len() == rows.capacity() {
                insert_all!(self.conn, sessions::table, rows);
                rows.clear();
            }
        }
        insert_all!(self.conn, sessions::table, rows);
        tokens
    }

    /// Accounts with an active authenticator and an open login challenge each (as after the
    /// password step); returns each challenge's id and the authenticator's secret.
    pub fn totp_challenges(&mut self, count: usize, now: DateTime<Utc>) -> Vec<(String, Vec<u8>)> {
        let accounts = self.accounts("totp", count, now);
        let mut factors = Vec::with_capacity(count);
        let mut challenges = Vec::with_capacity(count);
        let mut answers = Vec::with_capacity(count);
        for (account_id, _) in &accounts {
            let secret = totp::generate_secret().to_vec();
            let factor_id = id();
            let sealed = self
                .sealer
                .seal(&secret, &MFA_FACTOR.to(&factor_id))
                .expect("sealing works");
            factors.push(MfaFactorRow {
                id: factor_id,
                account_id: account_id.clone(),
                kind: "totp".into(),
                status: "active".into(),
                secret_ciphertext: sealed.ciphertext,
                key_id: sealed.key_id,
                digits: 6,
                period: 30,
                last_used_step: None,
                created_at: to_db(now),
                expires_at: None,
                activated_at: Some(to_db(now)),
                last_used_at: None,
                failed_attempts: 0,
                algorithm: "SHA1".into(),
                hardware_token_id: None,
            });
            let challenge = random_token("tsc_");
            challenges.push(LoginChallengeRow {
                id_digest: token_digest(&challenge),
                account_id: account_id.clone(),
                created_at: to_db(now),
                // Long enough for a slow machine to reach the scenario.
                expires_at: to_db(now + Duration::minutes(5)),
                failed_attempts: 0,
                consumed_at: None,
                device_digest: None,
                first_factor: "password".into(),
            });
            answers.push((challenge, secret));
        }
        insert_all!(self.conn, mfa_factors::table, factors);
        insert_all!(self.conn, login_challenges::table, challenges);
        answers
    }

    /// `count` sign-ins of one account, spread evenly over the last 80 days (inside the
    /// default 90-day retention), one in ten a wrong password.
    pub fn login_history(&mut self, account: &(String, String), count: usize, now: DateTime<Utc>) {
        let spacing = Duration::days(80) / i32::try_from(count.max(1)).unwrap_or(i32::MAX);
        let rows: Vec<LoginEventRow> = (0..count)
            .map(|i| {
                let failed = i % 10 == 0;
                LoginEventRow {
                    id: id(),
                    account_id: Some(account.0.clone()),
                    email: account.1.clone(),
                    occurred_at: to_db(now - spacing * i32::try_from(i).unwrap_or(0)),
                    method: "password".into(),
                    ip: Some(format!("192.0.2.{}", i % 250 + 1)),
                    user_agent: Some("Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0".into()),
                    location_country: None,
                    location_city: None,
                    outcome: if failed { "failed" } else { "succeeded" }.into(),
                    failure_reason: failed.then(|| "invalid_credentials".into()),
                    mfa_method: None,
                }
            })
            .collect();
        insert_all!(self.conn, login_events::table, rows);
    }

    /// Lets SQLite's planner see the seeded tables' shape, as a long-running database would.
    pub fn analyze(&mut self) {
        diesel::connection::SimpleConnection::batch_execute(&mut self.conn, "ANALYZE;")
            .expect("ANALYZE runs");
    }
}
