//! The load benchmark: `cargo bench --bench load` (or `-- --smoke` for CI's short run).
//!
//! Starts the release server on a temporary SQLite database, seeds it, and drives it over real
//! HTTP with a closed-loop load generator, scenario after scenario in one run so that ratios
//! between them hold on a noisy machine. Prints a table, writes `target/bench/load.json`, and
//! checks the budgets of DESIGN.md §10. Exits non-zero when a request failed, and, in the full
//! run, when a budget was missed. The smoke run checks for errors only.
#![allow(clippy::expect_used, clippy::unwrap_used)] // set-up failures stop the benchmark loudly

mod generator;
mod report;
mod scenarios;
mod seed;
mod server;

use std::process::ExitCode;
use std::time::Duration;

use report::Report;

/// How big and how long: the full run, or the smoke run CI makes.
#[derive(Clone, Copy)]
pub struct Plan {
    pub smoke: bool,
    pub warmup: Duration,
    pub duration: Duration,
    pub storm: Duration,
    pub many_sessions: usize,
    pub totp_challenges: usize,
    pub history_entries: usize,
}

impl Plan {
    fn full() -> Plan {
        Plan {
            smoke: false,
            warmup: Duration::from_secs(1),
            duration: Duration::from_secs(5),
            storm: Duration::from_secs(8),
            many_sessions: 1_000_000,
            totp_challenges: 80_000,
            history_entries: 100_000,
        }
    }

    /// Full-length scenarios on small tables (`TESSERA_BENCH_QUICK=1`): for iterating on the
    /// hot paths and the storm; the budgets on table sizes (3, 5, 8) mean nothing then.
    fn quick() -> Plan {
        Plan {
            many_sessions: 20_000,
            totp_challenges: 5_000,
            history_entries: 2_000,
            ..Plan::full()
        }
    }

    fn smoke() -> Plan {
        Plan {
            smoke: true,
            warmup: Duration::from_millis(200),
            duration: Duration::from_secs(1),
            storm: Duration::from_secs(2),
            many_sessions: 20_000,
            totp_challenges: 5_000,
            history_entries: 5_000,
        }
    }
}

fn main() -> ExitCode {
    // `cargo bench` passes `--bench`; anything else but `--smoke` is ignored the same way.
    let smoke = std::env::args().any(|a| a == "--smoke")
        || std::env::var("TESSERA_BENCH_SMOKE").is_ok_and(|v| v == "1" || v == "true");
    let quick = std::env::var("TESSERA_BENCH_QUICK").is_ok_and(|v| v == "1" || v == "true");
    let plan = match (smoke, quick) {
        (true, _) => Plan::smoke(),
        (false, true) => Plan::quick(),
        (false, false) => Plan::full(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let report: Report = runtime.block_on(scenarios::run(plan));
    report.print();
    let path = report.write();
    println!("\nreport: {}", path.display());
    if report.errors > 0 {
        eprintln!("FAILED: {} requests failed", report.errors);
        return ExitCode::FAILURE;
    }
    if !plan.smoke && !report.all_budgets_met {
        eprintln!("FAILED: a budget was missed");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
