//! Database access: one connection type over SQLite (embedded default) and PostgreSQL,
//! pooled with r2d2, migrated from the embedded migrations at start.

pub mod models;
pub mod schema;

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{CustomizeConnection, Pool};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use chrono::{DateTime, NaiveDateTime, Utc};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

pub type DbPool = Pool<SchemeConnectionManager>;

/// Runs a query on the backend's own connection type. The multi-backend connection rewrites
/// and prepares every statement anew; on the inner connection diesel's prepared-statement
/// cache applies. For the hot paths.
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, |$inner:ident| $query:expr) => {
        match $conn {
            $crate::db::DbConnection::Sqlite($inner) => $query,
            $crate::db::DbConnection::Postgres($inner) => $query,
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

/// Connection settings that must hold for every pooled connection. For SQLite the busy
/// timeout comes first, so that the statements after it already wait instead of failing;
/// `secure_delete` zeroes what a delete frees, so a disabled authenticator's sealed secret or
/// a used-up code set does not linger in the file's free pages for a dump to find.
#[derive(Debug)]
struct ConnectionSetup;

impl CustomizeConnection<DbConnection, diesel::r2d2::Error> for ConnectionSetup {
    fn on_acquire(&self, conn: &mut DbConnection) -> Result<(), diesel::r2d2::Error> {
        if let DbConnection::Sqlite(conn) = conn {
            conn.batch_execute(
                "PRAGMA busy_timeout = 5000;
                 PRAGMA secure_delete = ON;
                 PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = NORMAL;
                 PRAGMA foreign_keys = ON;",
            )
            .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// Strips an optional `sqlite://` scheme: diesel's SQLite connection wants a path.
fn connection_string(url: &str) -> String {
    match Backend::of_url(url) {
        Backend::Postgres => url.to_string(),
        Backend::Sqlite => url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url)
            .to_string(),
    }
}

/// Establishes connections of the type the URL scheme names, never by trial: a SQLite
/// connection would accept a PostgreSQL URL as a file name when PostgreSQL is down.
#[derive(Debug)]
pub struct SchemeConnectionManager {
    conn_str: String,
    backend: Backend,
}

impl r2d2::ManageConnection for SchemeConnectionManager {
    type Connection = DbConnection;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConnection, Self::Error> {
        match self.backend {
            Backend::Postgres => {
                PgConnection::establish(&self.conn_str).map(DbConnection::Postgres)
            }
            Backend::Sqlite => {
                SqliteConnection::establish(&self.conn_str).map(DbConnection::Sqlite)
            }
        }
        .map_err(diesel::r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), Self::Error> {
        use diesel::r2d2::R2D2Connection;
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        use diesel::r2d2::R2D2Connection;
        conn.is_broken()
    }
}

/// Why the database could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("cannot create {path}: {source}")]
    Directory {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot connect to the database: {0}")]
    Connect(#[source] r2d2::Error),
    #[error("migration failed: {0}")]
    Migration(#[source] Box<dyn std::error::Error + Send + Sync>),
}

pub fn build_pool(url: &str, max_size: u32) -> Result<DbPool, SetupError> {
    let conn_str = connection_string(url);
    if Backend::of_url(url) == Backend::Sqlite
        && let Some(parent) = std::path::Path::new(&conn_str).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(|source| SetupError::Directory {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    pool_builder(max_size)
        .min_idle(Some(1))
        .build(manager(url))
        .map_err(SetupError::Connect)
}

fn pool_builder(max_size: u32) -> r2d2::Builder<SchemeConnectionManager> {
    Pool::builder()
        .max_size(max_size.max(1))
        // No ping on every checkout (a parsed statement and a round trip per request on the
        // hot path); a connection that fails is marked broken and replaced after the failure.
        .test_on_check_out(false)
        .connection_timeout(Duration::from_secs(5))
        .connection_customizer(Box::new(ConnectionSetup))
}

fn manager(url: &str) -> SchemeConnectionManager {
    SchemeConnectionManager {
        backend: Backend::of_url(url),
        conn_str: connection_string(url),
    }
}

/// A pool that connects on first use: the server starts (and says it is not ready) while
/// the database is down.
pub fn build_pool_lazily(url: &str, max_size: u32) -> DbPool {
    pool_builder(max_size)
        .min_idle(Some(0))
        .connection_timeout(Duration::from_secs(1))
        .build_unchecked(manager(url))
}

/// Applies pending migrations; returns how many ran.
pub fn migrate(conn: &mut DbConnection) -> Result<usize, SetupError> {
    let applied = match conn {
        DbConnection::Postgres(c) => c.run_pending_migrations(POSTGRES_MIGRATIONS),
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS),
    }
    .map_err(SetupError::Migration)?;
    Ok(applied.len())
}

/// Reverts every applied migration (used to prove each `down.sql` works).
pub fn revert_all(conn: &mut DbConnection) -> Result<usize, SetupError> {
    let reverted = match conn {
        DbConnection::Postgres(c) => c.revert_all_migrations(POSTGRES_MIGRATIONS),
        DbConnection::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS),
    }
    .map_err(SetupError::Migration)?;
    Ok(reverted.len())
}

/// Runs `f` in a write transaction. SQLite takes the write lock up front (`BEGIN IMMEDIATE`)
/// so that two writers queue on the busy timeout instead of failing on a lock upgrade.
///
/// On SQLite this is what `SqliteConnection::immediate_transaction` does, through diesel's
/// transaction manager of the inner connection (the closure must get the multi-backend
/// connection, which `immediate_transaction` cannot hand it). The manager tracks the open
/// transaction: if `f` panics, the connection reports itself broken and the pool drops it
/// instead of handing out a connection that still holds the write lock.
pub fn write_transaction<T, E: From<diesel::result::Error>>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E> {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let DbConnection::Sqlite(inner) = conn else {
        return conn.transaction(f);
    };
    AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
    let result = f(conn);
    let DbConnection::Sqlite(inner) = conn else {
        // Only if `f` replaced the connection itself; the transaction is lost with it.
        return Err(diesel::result::Error::BrokenTransactionManager.into());
    };
    match result {
        Ok(value) => {
            AnsiTransactionManager::commit_transaction(inner)?;
            Ok(value)
        }
        Err(e) => {
            AnsiTransactionManager::rollback_transaction(inner)?;
            Err(e)
        }
    }
}

pub fn ping(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    conn.batch_execute("SELECT 1")
}

/// Timestamps are stored as naive UTC.
pub fn to_db(t: DateTime<Utc>) -> NaiveDateTime {
    t.naive_utc()
}

pub fn from_db(t: NaiveDateTime) -> DateTime<Utc> {
    t.and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_a_write_transaction_does_not_leave_a_locked_connection_in_the_pool() {
        let dir = tempfile::tempdir().unwrap();
        let url = dir.path().join("t.db").to_string_lossy().into_owned();
        let pool = build_pool(&url, 1).unwrap();
        let mut conn = pool.get().unwrap();
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = write_transaction(&mut conn, |_| -> diesel::QueryResult<()> {
                panic!("a bug inside a transaction")
            });
        }));
        assert!(panicked.is_err());
        drop(conn);
        // The pool's only connection was dropped as broken; the next one starts clean, and
        // the database is not held locked by a transaction that never ended.
        let mut conn = pool.get().unwrap();
        write_transaction(&mut conn, |conn| {
            conn.batch_execute("CREATE TABLE t (x INTEGER)")
        })
        .unwrap();
        let mut other = SqliteConnection::establish(&url).unwrap();
        other
            .batch_execute("PRAGMA busy_timeout = 100; BEGIN IMMEDIATE; COMMIT;")
            .unwrap();
    }
}
