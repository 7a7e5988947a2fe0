//! The report: a table on stdout and `target/bench/load.json`, keyed by scenario, with the
//! budgets' verdicts.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use crate::generator::Outcome;

#[derive(Serialize)]
pub struct ScenarioReport {
    pub description: String,
    pub connections: usize,
    pub seconds: f64,
    pub requests: u64,
    pub requests_per_second: f64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub errors: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_error: Option<String>,
    /// The server's resident set right after the scenario.
    pub server_rss_mib: f64,
}

impl ScenarioReport {
    pub fn new(description: &str, connections: usize, outcome: &Outcome, rss: f64) -> Self {
        ScenarioReport {
            description: description.to_string(),
            connections,
            seconds: round(outcome.elapsed.as_secs_f64(), 2),
            requests: outcome.requests,
            requests_per_second: round(outcome.per_second(), 0),
            p50_ms: round(outcome.millis_at(0.50), 3),
            p90_ms: round(outcome.millis_at(0.90), 3),
            p99_ms: round(outcome.millis_at(0.99), 3),
            errors: outcome.errors,
            first_error: outcome.first_error.clone(),
            server_rss_mib: round(rss, 1),
        }
    }
}

#[derive(Serialize)]
pub struct Budget {
    pub name: &'static str,
    /// What the budget compares, in words.
    pub rule: &'static str,
    pub measured: f64,
    pub limit: f64,
    pub met: bool,
}

#[derive(Serialize, Default)]
pub struct Report {
    pub mode: &'static str,
    pub machine: BTreeMap<&'static str, String>,
    pub argon2: BTreeMap<&'static str, f64>,
    pub server_rss_mib: BTreeMap<&'static str, f64>,
    /// For the tail budget: the median of three windows' p99s, by scenario.
    pub p99_median_ms: BTreeMap<&'static str, f64>,
    pub scenarios: BTreeMap<&'static str, ScenarioReport>,
    pub budgets: Vec<Budget>,
    pub all_budgets_met: bool,
    pub errors: u64,
}

pub fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}

impl Report {
    pub fn budget(
        &mut self,
        name: &'static str,
        rule: &'static str,
        measured: f64,
        limit: f64,
        at_least: bool,
    ) {
        let met = if at_least {
            measured >= limit
        } else {
            measured <= limit
        };
        self.budgets.push(Budget {
            name,
            rule,
            measured: round(measured, 3),
            limit: round(limit, 3),
            met,
        });
    }

    pub fn print(&self) {
        println!();
        println!(
            "{:<28} {:>5} {:>11} {:>9} {:>9} {:>9} {:>7} {:>8}",
            "scenario", "conns", "req/s", "p50 ms", "p90 ms", "p99 ms", "errors", "RSS MiB"
        );
        for (name, s) in &self.scenarios {
            println!(
                "{:<28} {:>5} {:>11.0} {:>9.3} {:>9.3} {:>9.3} {:>7} {:>8.1}",
                name,
                s.connections,
                s.requests_per_second,
                s.p50_ms,
                s.p90_ms,
                s.p99_ms,
                s.errors,
                s.server_rss_mib
            );
        }
        println!();
        for (what, value) in &self.argon2 {
            println!("argon2 {what}: {value}");
        }
        for (what, value) in &self.server_rss_mib {
            println!("server RSS {what}: {value} MiB");
        }
        for (what, value) in &self.p99_median_ms {
            println!("p99 median of windows, {what}: {value} ms");
        }
        println!();
        for b in &self.budgets {
            println!(
                "{} {:<36} {:>12.3}  ({})",
                if b.met { "met   " } else { "MISSED" },
                b.name,
                b.measured,
                b.rule
            );
        }
        for (name, s) in &self.scenarios {
            if let Some(error) = &s.first_error {
                println!("{name}: {} errors, the first: {error}", s.errors);
            }
        }
    }

    /// Writes the JSON report; returns its path.
    pub fn write(&self) -> PathBuf {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench");
        std::fs::create_dir_all(&dir).expect("target/bench can be made");
        let path = dir.join(if self.mode == "smoke" {
            "load-smoke.json"
        } else {
            "load.json"
        });
        let json = serde_json::to_string_pretty(self).expect("the report serialises");
        std::fs::write(&path, json + "\n").expect("the report is written");
        path
    }
}
