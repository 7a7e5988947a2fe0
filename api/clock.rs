//! The one source of "now". Expiry logic reads it; tests drive it instead of sleeping.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, SubsecRound, Utc};

#[derive(Clone)]
pub enum Clock {
    System,
    /// A clock that stands still until moved: `now` is real time plus an offset of the
    /// test's choosing, frozen at the moment the clock was made.
    Manual(Arc<ManualClock>),
}

pub struct ManualClock {
    micros: AtomicI64,
}

impl Clock {
    pub fn manual(start: DateTime<Utc>) -> (Clock, Arc<ManualClock>) {
        let manual = Arc::new(ManualClock {
            micros: AtomicI64::new(start.timestamp_micros()),
        });
        (Clock::Manual(manual.clone()), manual)
    }

    /// Current time, truncated to microseconds so it survives a database round trip unchanged.
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now().trunc_subsecs(6),
            Clock::Manual(m) => m.now(),
        }
    }
}

impl ManualClock {
    pub fn now(&self) -> DateTime<Utc> {
        // Starts from a valid time and moves by durations chrono can express in microseconds.
        DateTime::from_timestamp_micros(self.micros.load(Ordering::SeqCst)).unwrap_or_default()
    }

    pub fn advance(&self, by: Duration) {
        let micros = by.num_microseconds().unwrap_or(i64::MAX);
        self.micros.fetch_add(micros, Ordering::SeqCst);
    }
}
