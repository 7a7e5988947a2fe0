//! A session's last activity, written in batches. The session check is the hottest path and
//! a read; writing `last_active_at` from it (once a minute per session) turned it into a write
//! wherever sessions outnumber checks per minute — with a million sessions, nearly every
//! check. Uses are noted in memory instead, and written together about once a second.
//!
//! Everything that decides by `last_active_at` sees the noted uses: the check itself looks at
//! them, and the queries that filter on the column (listing, revoking, pruning) write them
//! first. A noted use lost to a crash or a failed write only makes "last active" a minute or
//! so older, as a skipped write did before.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::context::Context;
use super::error::Result;
use crate::db::schema::sessions;

/// Noted uses held at most: past it (the writer is failing, or a flood of sessions outruns
/// it), uses of sessions not noted yet are dropped, as a failed write would drop them.
const MAX_PENDING: usize = 200_000;

#[derive(Default)]
pub struct SessionActivity {
    pending: Mutex<HashMap<String, NaiveDateTime>>,
}

impl SessionActivity {
    fn pending(&self) -> std::sync::MutexGuard<'_, HashMap<String, NaiveDateTime>> {
        // A panic while the map was held leaves it usable: it holds plain values.
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The latest use of the session noted and not written yet.
    pub fn noted(&self, session_id: &str) -> Option<NaiveDateTime> {
        self.pending().get(session_id).copied()
    }

    /// Notes a use; returns how many are waiting to be written.
    pub fn note(&self, session_id: &str, at: NaiveDateTime) -> usize {
        let mut pending = self.pending();
        if let Some(latest) = pending.get_mut(session_id) {
            *latest = (*latest).max(at);
        } else if pending.len() < MAX_PENDING {
            pending.insert(session_id.to_string(), at);
        }
        pending.len()
    }

    /// Writes the noted uses in one transaction (never moving a session's time backwards);
    /// returns how many sessions were written.
    pub fn flush(cx: &mut Context<'_>) -> Result<usize> {
        let batch = std::mem::take(&mut *cx.env.activity.pending());
        if batch.is_empty() {
            return Ok(0);
        }
        cx.transaction(|cx| {
            let mut written = 0;
            for (session_id, at) in &batch {
                written += crate::on_backend!(&mut *cx.conn, |inner| diesel::update(
                    sessions::table
                        .find(session_id)
                        .filter(sessions::last_active_at.lt(at)),
                )
                .set(sessions::last_active_at.eq(at))
                .execute(inner))?;
            }
            Ok(written)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    fn at(text: &str) -> NaiveDateTime {
        DateTime::parse_from_rfc3339(text).unwrap().naive_utc()
    }

    #[test]
    fn the_latest_use_is_kept() {
        let activity = SessionActivity::default();
        assert_eq!(activity.note("s1", at("2026-03-02T09:01:00Z")), 1);
        activity.note("s1", at("2026-03-02T09:00:00Z"));
        assert_eq!(activity.noted("s1"), Some(at("2026-03-02T09:01:00Z")));
        assert_eq!(activity.note("s2", at("2026-03-02T09:00:00Z")), 2);
        assert_eq!(activity.noted("s3"), None);
    }
}
