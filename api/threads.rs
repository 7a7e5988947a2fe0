//! Which threads yield to which. On two cores a login storm and the session check share the
//! same CPUs; the scheduler decides who waits. From first to last:
//! 1. the async workers: routing, and on SQLite the session check itself;
//! 2. the blocking pool: every other service call's database work (nice +5);
//! 3. password hashing (`SCHED_IDLE` on Linux, else nice +19).
//!
//! Measured with the load benchmark: with hashing at nice +19 and the blocking pool at 0, the
//! session check's p99 during a login storm was 2.5–4.7× its idle p99; with this order,
//! 0.5–2.9× across runs (the VM's own jitter decides the upper end). Lowering only ever
//! weakens a thread's claim against the others of this process: nice +5 still gets about a
//! quarter of a core against a busy nice-0 thread, so nothing starves but hashing, which is
//! what the hashing queue's bound is for.

use std::cell::Cell;

thread_local! {
    static LOWERED: Cell<bool> = const { Cell::new(false) };
}

/// For a blocking-pool thread, before its work: nice +5, once per thread (an unprivileged
/// thread can lower its priority but never raise it back, and pool threads only ever run
/// this kind of work).
pub fn yield_to_async_workers() {
    if LOWERED.get() {
        return;
    }
    LOWERED.set(true);
    set_nice(5);
}

/// For a hashing thread, at its start: `SCHED_IDLE`, which the scheduler preempts as soon
/// as any other thread wakes up (nice +19 still took its time slice first); else nice +19.
pub fn yield_to_everything() {
    #[cfg(target_os = "linux")]
    {
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: `param` is a valid sched_param for the call's duration; pid 0 names the
        // calling thread. A failure leaves the policy as it was.
        if unsafe { libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) } == 0 {
            return;
        }
    }
    set_nice(19);
}

fn set_nice(nice: libc::c_int) {
    // The nice value is per thread on Linux, and `who = 0` names the calling thread.
    // SAFETY: setpriority has no memory-safety preconditions; its result only says whether
    // the priority changed, and a failure leaves the thread at the normal priority.
    if unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, nice) } != 0 {
        tracing::debug!(nice, "thread keeps the normal priority");
    }
}

/// At start, before the server's threads: at most one malloc arena per core. glibc makes up
/// to eight per core, one per thread that allocates at the same time as another, and each
/// keeps what its threads freed; with a blocking pool that grows under load, the resident
/// size after a login storm was 130–150 MiB with the default and 106–130 MiB with this.
/// `MALLOC_ARENA_MAX` in the environment, if set, wins.
pub fn limit_malloc_arenas(cores: usize) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        let arenas = libc::c_int::try_from(cores.max(2)).unwrap_or(libc::c_int::MAX);
        // SAFETY: mallopt only changes the allocator's tuning; called before other threads.
        unsafe {
            libc::mallopt(libc::M_ARENA_MAX, arenas);
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = cores;
}
