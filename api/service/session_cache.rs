//! Sessions the check looked up, kept in memory (SQLite only). Every lookup otherwise opens a
//! read transaction on the database; most checks are for a session checked a moment ago.
//!
//! An entry is trusted only while nothing that could change a check's answer has changed in
//! the database. The database counts those changes itself: triggers on `sessions` and
//! `accounts` move `auth_epoch.n` (migration 000015), whoever writes, and every column but a
//! session's `last_active_at` counts. The server reads the counter
//! - after every service call (`AppState::run`), before the request is answered: a sign-out,
//!   a revocation or a password change is seen by the next request;
//! - every 100 ms in the background, for writes made by other processes or by hand.
//!
//! When the counter has moved, every entry goes. When it cannot be read, or has not been read
//! for a second (the clock's time), no entry is used until it is read again.
//!
//! PostgreSQL serves several instances, whose writes this process would not see: no cache.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Duration, Utc};
use diesel::QueryableByName;
use diesel::sql_types::BigInt;

use super::accounts::Account;
use crate::db::models::SessionRow;
use crate::db::{Backend, DbConnection};

/// Sessions held at most; past it the cache starts over. About a kilobyte each.
const CAPACITY: usize = 4096;

/// How long a reading of the counter vouches for the entries.
fn trust_window() -> Duration {
    Duration::seconds(1)
}

/// How often the counter is read in the background.
pub const POLL_INTERVAL: std::time::Duration = std::time::Duration::from_millis(100);

pub struct SessionCache {
    state: Mutex<State>,
    /// Held by [`observe`](SessionCache::observe) from its read to its update, so that
    /// readings are applied in the order they were taken: a slow thread must not set back a
    /// newer reading (which would let rows read before a revocation be kept again).
    observing: Mutex<()>,
}

#[derive(Default)]
struct State {
    /// The counter as last read; `None` after a failed read.
    epoch: Option<i64>,
    read_at: Option<DateTime<Utc>>,
    /// By token digest.
    entries: HashMap<String, (SessionRow, Account)>,
}

/// The counter as read before a lookup; the lookup's rows may be kept only under it.
#[derive(Clone, Copy)]
pub struct Ticket(Option<i64>);

#[derive(QueryableByName)]
struct Epoch {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

impl SessionCache {
    pub fn for_backend(backend: Backend) -> Option<SessionCache> {
        (backend == Backend::Sqlite).then(|| SessionCache {
            state: Mutex::new(State::default()),
            observing: Mutex::new(()),
        })
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while it was held can leave entries of an old epoch: start over.
        self.state.lock().unwrap_or_else(|poisoned| {
            let mut state = poisoned.into_inner();
            *state = State::default();
            state
        })
    }

    /// The rows kept for `digest`, if they can be trusted `now`.
    pub fn get(&self, digest: &str, now: DateTime<Utc>) -> Option<(SessionRow, Account)> {
        let state = self.state();
        let fresh = state.read_at.is_some_and(|at| now - at < trust_window());
        if !fresh {
            return None;
        }
        state.entries.get(digest).cloned()
    }

    /// To be taken before the lookup whose rows are then [`keep`](Self::keep)-ed.
    pub fn ticket(&self) -> Ticket {
        Ticket(self.state().epoch)
    }

    /// Keeps rows looked up under `ticket`, unless the counter moved since.
    pub fn keep(&self, ticket: Ticket, digest: &str, rows: &(SessionRow, Account)) {
        let mut state = self.state();
        if ticket.0.is_none() || state.epoch != ticket.0 {
            return;
        }
        if state.entries.len() >= CAPACITY {
            state.entries.clear();
        }
        state.entries.insert(digest.to_string(), rows.clone());
    }

    /// A use the check noted: the kept row says so too, so that it never lags the database
    /// once the use is written.
    pub fn touch(&self, digest: &str, last_active_at: chrono::NaiveDateTime) {
        if let Some((session, _)) = self.state().entries.get_mut(digest) {
            session.last_active_at = session.last_active_at.max(last_active_at);
        }
    }

    /// Reads the counter (outside any transaction) and drops every entry if it moved, or if
    /// it cannot be read.
    pub fn observe(&self, conn: &mut DbConnection, now: DateTime<Utc>) {
        let _in_order = self.observing.lock().unwrap_or_else(|e| e.into_inner());
        let read = match conn {
            DbConnection::Sqlite(conn) => {
                use diesel::RunQueryDsl;
                diesel::sql_query("SELECT n FROM auth_epoch WHERE id = 1")
                    .get_result::<Epoch>(conn)
                    .map(|epoch| epoch.n)
            }
            DbConnection::Postgres(_) => return,
        };
        let mut state = self.state();
        match read {
            Ok(n) => {
                if state.epoch != Some(n) {
                    state.entries.clear();
                    state.epoch = Some(n);
                }
                state.read_at = Some(state.read_at.map_or(now, |at| at.max(now)));
            }
            Err(e) => {
                tracing::warn!(error = %e, "session cache: the change counter cannot be read");
                *state = State::default();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::ids::AccountId;

    fn rows(id: &str) -> (SessionRow, Account) {
        let at = DateTime::<Utc>::UNIX_EPOCH.naive_utc();
        let session = SessionRow {
            id: id.to_string(),
            account_id: "a".into(),
            token_hash: "d".into(),
            aal: "aal1".into(),
            methods: "[]".into(),
            ip: None,
            user_agent: None,
            location_country: None,
            location_city: None,
            created_at: at,
            last_active_at: at,
            expires_at: at,
            revoked_at: None,
            mfa_enrollment_deadline: None,
            idp_amr: None,
        };
        let account = Account {
            id: AccountId::from("a".to_string()),
            email: "a@example.com".into(),
            email_verified: false,
            email_verified_at: None,
            display_name: None,
            phone: None,
            whatsapp_number: None,
            whatsapp_verified_at: None,
            created_at: DateTime::UNIX_EPOCH,
            updated_at: DateTime::UNIX_EPOCH,
        };
        (session, account)
    }

    fn cache_at_epoch(n: i64, now: DateTime<Utc>) -> SessionCache {
        let cache = SessionCache::for_backend(Backend::Sqlite).unwrap();
        {
            let mut state = cache.state();
            state.epoch = Some(n);
            state.read_at = Some(now);
        }
        cache
    }

    #[test]
    fn rows_looked_up_before_the_counter_moved_are_not_kept() {
        let now = Utc::now();
        let cache = cache_at_epoch(1, now);
        let ticket = cache.ticket();
        cache.state().epoch = Some(2);
        cache.keep(ticket, "d", &rows("s"));
        assert!(cache.get("d", now).is_none());

        let ticket = cache.ticket();
        cache.keep(ticket, "d", &rows("s"));
        assert_eq!(cache.get("d", now).unwrap().0.id, "s");
    }

    #[test]
    fn entries_are_not_used_once_the_counter_was_not_read_for_a_second() {
        let now = Utc::now();
        let cache = cache_at_epoch(1, now);
        cache.keep(cache.ticket(), "d", &rows("s"));
        assert!(cache.get("d", now + Duration::milliseconds(900)).is_some());
        assert!(cache.get("d", now + Duration::seconds(1)).is_none());
    }

    #[test]
    fn nothing_is_kept_before_the_counter_was_read() {
        let cache = SessionCache::for_backend(Backend::Sqlite).unwrap();
        cache.keep(cache.ticket(), "d", &rows("s"));
        assert!(cache.state().entries.is_empty());
        assert!(SessionCache::for_backend(Backend::Postgres).is_none());
    }

    /// The triggers list columns by name: a column added later must be added to them too.
    #[test]
    fn every_column_but_last_activity_moves_the_counter() {
        use diesel::RunQueryDsl;
        use diesel::sql_types::Text;

        #[derive(QueryableByName)]
        struct Name {
            #[diesel(sql_type = Text)]
            name: String,
        }
        let mut world = crate::service::testing::World::fresh();
        let DbConnection::Sqlite(conn) = &mut *world.conn else {
            unreachable!("the unit tests' database is SQLite")
        };
        for (table, trigger, ignored) in [
            (
                "sessions",
                "sessions_auth_epoch_update",
                Some("last_active_at"),
            ),
            ("accounts", "accounts_auth_epoch_update", None),
        ] {
            let sql = diesel::sql_query(format!(
                "SELECT sql AS name FROM sqlite_master WHERE type = 'trigger' AND name = '{trigger}'"
            ))
            .get_result::<Name>(conn)
            .unwrap()
            .name;
            let columns =
                diesel::sql_query(format!("SELECT name FROM pragma_table_info('{table}')"))
                    .load::<Name>(conn)
                    .unwrap();
            assert!(columns.len() > 5);
            for column in columns.iter().map(|c| c.name.as_str()) {
                let watched = sql.contains(&format!("OLD.{column} IS NOT NEW.{column}"));
                assert_eq!(watched, Some(column) != ignored, "{table}.{column}");
            }
        }
    }

    #[test]
    fn a_revocation_empties_the_cache_and_a_recorded_use_does_not() {
        use diesel::RunQueryDsl;

        let mut world = crate::service::testing::World::fresh();
        let now = world.now;
        let cache = SessionCache::for_backend(Backend::Sqlite).unwrap();
        cache.observe(&mut world.conn, now);
        let client = crate::service::testing::client("192.0.2.1");
        let (_, issued) = {
            let mut cx = world.at(&client);
            crate::service::accounts::sign_up(
                &mut cx,
                crate::service::accounts::SignUp {
                    email: "ada@example.com".into(),
                    password: crate::service::secret::Secret::new("correct horse battery staple"),
                    display_name: None,
                },
            )
            .unwrap()
        };
        let id = issued.expect("a session").session.id.to_string();
        cache.observe(&mut world.conn, now);
        cache.keep(cache.ticket(), "d", &rows(&id));

        diesel::sql_query(format!(
            "UPDATE sessions SET last_active_at = '2030-01-01 00:00:00' WHERE id = '{id}'"
        ))
        .execute(&mut *world.conn)
        .unwrap();
        cache.observe(&mut world.conn, now);
        assert!(
            cache.get("d", now).is_some(),
            "a recorded use keeps the entries"
        );

        diesel::sql_query(format!(
            "UPDATE sessions SET revoked_at = '2026-03-02 09:00:00' WHERE id = '{id}'"
        ))
        .execute(&mut *world.conn)
        .unwrap();
        cache.observe(&mut world.conn, now);
        assert!(
            cache.get("d", now).is_none(),
            "a revocation empties the cache"
        );
    }
}
