//! The running servers (`server_instances`). Each instance tells the database, by heartbeat,
//! which keyring keys it holds; `tessera keys reseal` and `retire` go ahead only when every
//! live instance has loaded the active key, so nothing is re-sealed under a key a running
//! server cannot open, and no server still seals under a key being retired.
//!
//! Liveness is between processes on different machines, so it is measured by one clock they
//! all share, the database's ([`database_now`]), not a request's `now` nor each host's own: an
//! instance unseen for [`live_for`] counts as stopped.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

use super::context::Context;
use super::error::Result;
use crate::crypto::sealing::HeldKeys;
use crate::db::schema::server_instances;
use crate::db::{DbConnection, from_db, to_db};

/// How often an instance reports while nothing changes (it also reports at once when it
/// loads a keyring).
pub const HEARTBEAT: std::time::Duration = std::time::Duration::from_secs(10);

/// An instance unseen for this long counts as stopped.
pub fn live_for() -> Duration {
    Duration::seconds(60)
}

/// Rows of instances unseen for this long are deleted by the next report of any instance.
fn forgotten_after() -> Duration {
    Duration::days(1)
}

/// The database's own time: what every instance's heartbeat and every liveness check is
/// measured by, whatever the hosts' clocks say.
pub fn database_now(conn: &mut DbConnection) -> Result<DateTime<Utc>> {
    let now: chrono::NaiveDateTime = diesel::select(diesel::dsl::now).get_result(conn)?;
    Ok(from_db(now))
}

/// This process, as it reports itself.
#[derive(Debug, Clone)]
pub struct Instance {
    pub id: String,
    /// Host name and process id, for the operator.
    pub host: String,
    pub started_at: DateTime<Utc>,
}

impl Instance {
    pub fn new(started_at: DateTime<Utc>) -> Instance {
        let host = hostname::get()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|_| "unknown-host".to_string());
        Instance {
            id: uuid::Uuid::now_v7().to_string(),
            host: format!("{host} pid {}", std::process::id()),
            started_at,
        }
    }
}

/// A running instance, as the database last heard of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub host: String,
    pub started_at: DateTime<Utc>,
    pub seen_at: DateTime<Utc>,
    pub keys: HeldKeys,
}

/// Writes that `instance` holds `keys`, as of `seen_at` ([`database_now`]).
pub fn report(
    cx: &mut Context<'_>,
    instance: &Instance,
    keys: &HeldKeys,
    seen_at: DateTime<Utc>,
) -> Result<()> {
    let key_ids = keys.all.join(" ");
    cx.transaction(|cx| {
        let conn = &mut *cx.conn;
        let updated = diesel::update(server_instances::table.find(&instance.id))
            .set((
                server_instances::seen_at.eq(to_db(seen_at)),
                server_instances::active_key_id.eq(&keys.active),
                server_instances::key_ids.eq(&key_ids),
            ))
            .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(server_instances::table)
                .values((
                    server_instances::id.eq(&instance.id),
                    server_instances::host.eq(&instance.host),
                    server_instances::started_at.eq(to_db(instance.started_at)),
                    server_instances::seen_at.eq(to_db(seen_at)),
                    server_instances::active_key_id.eq(&keys.active),
                    server_instances::key_ids.eq(&key_ids),
                ))
                .execute(conn)?;
        }
        diesel::delete(
            server_instances::table
                .filter(server_instances::seen_at.lt(to_db(seen_at - forgotten_after()))),
        )
        .execute(conn)?;
        Ok(())
    })
}

/// An instance that stops says so: it no longer holds anything up.
pub fn leave(cx: &mut Context<'_>, instance: &Instance) -> Result<()> {
    cx.transaction(|cx| {
        diesel::delete(server_instances::table.find(&instance.id)).execute(cx.conn)?;
        Ok(())
    })
}

/// The instances seen within [`live_for`] of `now`, longest running first.
pub fn live(conn: &mut DbConnection, now: DateTime<Utc>) -> Result<Vec<Seen>> {
    type Row = (
        String,
        chrono::NaiveDateTime,
        chrono::NaiveDateTime,
        String,
        String,
    );
    let rows: Vec<Row> = server_instances::table
        .filter(server_instances::seen_at.ge(to_db(now - live_for())))
        .order(server_instances::started_at.asc())
        .select((
            server_instances::host,
            server_instances::started_at,
            server_instances::seen_at,
            server_instances::active_key_id,
            server_instances::key_ids,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(host, started_at, seen_at, active, key_ids)| Seen {
            host,
            started_at: from_db(started_at),
            seen_at: from_db(seen_at),
            keys: HeldKeys {
                active,
                all: key_ids.split_whitespace().map(str::to_string).collect(),
            },
        })
        .collect())
}
