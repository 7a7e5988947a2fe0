//! The load generator: a fixed number of keep-alive HTTP/1.1 connections (hyper), each
//! sending its next request as soon as the previous answer is read (a closed loop, as wrk
//! does). Latencies go into an HDR histogram; requests answered with another status than the
//! expected one, and failed connections, count as errors.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use hdrhistogram::Histogram;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// Makes the `n`-th request of a scenario (numbered across all its connections), or `None`
/// when the scenario has no more (its seeded challenges are used up, say).
pub type MakeRequest = Arc<dyn Fn(u64) -> Option<Request<Full<Bytes>>> + Send + Sync>;

#[derive(Clone, Copy)]
pub struct Load {
    pub connections: usize,
    /// Run before measuring: connections open, caches and pools warm.
    pub warmup: Duration,
    pub duration: Duration,
    pub expect_status: u16,
}

pub struct Outcome {
    pub requests: u64,
    pub errors: u64,
    pub elapsed: Duration,
    /// Microseconds.
    pub latency: Histogram<u64>,
    pub first_error: Option<String>,
}

impl Outcome {
    pub fn per_second(&self) -> f64 {
        let seconds = self.elapsed.as_secs_f64();
        if seconds == 0.0 {
            0.0
        } else {
            self.requests as f64 / seconds
        }
    }

    /// The latency at `quantile`, in milliseconds.
    pub fn millis_at(&self, quantile: f64) -> f64 {
        self.latency.value_at_quantile(quantile) as f64 / 1000.0
    }
}

fn histogram() -> Histogram<u64> {
    // 1 µs to 60 s at 3 significant digits.
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("valid histogram bounds")
}

struct Tally {
    requests: u64,
    errors: u64,
    latency: Histogram<u64>,
    first_error: Option<String>,
    stopped_at: Instant,
}

/// Runs `load` against `addr` and reports what was measured after the warm-up.
pub async fn drive(addr: SocketAddr, load: Load, make: MakeRequest) -> Outcome {
    let counter = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let measure_from = start + load.warmup;
    let end = measure_from + load.duration;
    // Each generator thread runs its share of the connections on a runtime of its own: no
    // wake-ups cross threads, which would cost more than the server's own work per request.
    let threads: Vec<_> = (0..GENERATOR_THREADS)
        .map(|t| {
            let (make, counter) = (make.clone(), counter.clone());
            let share = (t..load.connections).step_by(GENERATOR_THREADS).count();
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a generator runtime");
                runtime.block_on(async move {
                    let connections: Vec<_> = (0..share)
                        .map(|_| {
                            tokio::spawn(connection(
                                addr,
                                make.clone(),
                                counter.clone(),
                                measure_from,
                                end,
                                load.expect_status,
                            ))
                        })
                        .collect();
                    let mut tallies = Vec::with_capacity(share);
                    for connection in connections {
                        tallies.push(connection.await.expect("a connection task panicked"));
                    }
                    tallies
                })
            })
        })
        .collect();
    let tallies = tokio::task::spawn_blocking(move || {
        threads
            .into_iter()
            .flat_map(|t| t.join().expect("a generator thread panicked"))
            .collect::<Vec<_>>()
    })
    .await
    .expect("the generator threads end");
    let mut outcome = Outcome {
        requests: 0,
        errors: 0,
        elapsed: Duration::ZERO,
        latency: histogram(),
        first_error: None,
    };
    let mut last_stop = measure_from;
    for tally in tallies {
        outcome.requests += tally.requests;
        outcome.errors += tally.errors;
        outcome
            .latency
            .add(&tally.latency)
            .expect("same histogram bounds");
        outcome.first_error = outcome.first_error.or(tally.first_error);
        last_stop = last_stop.max(tally.stopped_at);
    }
    outcome.elapsed = last_stop.min(end).saturating_duration_since(measure_from);
    outcome
}

/// Drives `load` as `windows` runs one after the other (the warm-up only before the first):
/// their outcomes merged, and the median of their p99s in milliseconds. A tail figure on a
/// shared machine is at the mercy of one hiccup (the trivial `/health/live` shows a 4 ms p99
/// in some runs and 0.2 ms in others); the median of three is not decided by one.
pub async fn drive_windows(
    addr: SocketAddr,
    load: Load,
    make: MakeRequest,
    windows: u32,
) -> (Outcome, f64) {
    let windows = windows.max(1);
    let mut merged: Option<Outcome> = None;
    let mut p99s = Vec::new();
    for w in 0..windows {
        let window = Load {
            warmup: if w == 0 { load.warmup } else { Duration::ZERO },
            duration: load.duration / windows,
            ..load
        };
        let outcome = drive(addr, window, make.clone()).await;
        p99s.push(outcome.millis_at(0.99));
        merged = Some(match merged {
            None => outcome,
            Some(mut all) => {
                all.requests += outcome.requests;
                all.errors += outcome.errors;
                all.elapsed += outcome.elapsed;
                all.latency
                    .add(&outcome.latency)
                    .expect("same histogram bounds");
                all.first_error = all.first_error.or(outcome.first_error);
                all
            }
        });
    }
    p99s.sort_by(f64::total_cmp);
    let median = p99s[p99s.len() / 2];
    (merged.expect("at least one window"), median)
}

/// As many as wrk's default; the machine has two cores and the server needs them too.
const GENERATOR_THREADS: usize = 2;

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

async fn connect(addr: SocketAddr) -> Result<Sender, String> {
    let stream = TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| e.to_string())?;
    tokio::spawn(connection);
    Ok(sender)
}

async fn connection(
    addr: SocketAddr,
    make: MakeRequest,
    counter: Arc<AtomicU64>,
    measure_from: Instant,
    end: Instant,
    expect_status: u16,
) -> Tally {
    let mut tally = Tally {
        requests: 0,
        errors: 0,
        latency: histogram(),
        first_error: None,
        stopped_at: end,
    };
    let mut sender: Option<Sender> = None;
    loop {
        let now = Instant::now();
        if now >= end {
            break;
        }
        let Some(request) = make(counter.fetch_add(1, Ordering::Relaxed)) else {
            tally.stopped_at = now;
            break;
        };
        let measured = now >= measure_from;
        let result = async {
            if sender.is_none() {
                sender = Some(connect(addr).await?);
            }
            let open = sender.as_mut().expect("connected above");
            open.ready().await.map_err(|e| e.to_string())?;
            let response = open
                .send_request(request)
                .await
                .map_err(|e| e.to_string())?;
            let status = response.status().as_u16();
            let body = response
                .into_body()
                .collect()
                .await
                .map_err(|e| e.to_string())?
                .to_bytes();
            if status == expect_status {
                Ok(())
            } else {
                Err(format!(
                    "status {status}: {}",
                    String::from_utf8_lossy(&body[..body.len().min(300)])
                ))
            }
        }
        .await;
        let took = now.elapsed();
        if let Err(error) = &result {
            if error.starts_with("status") {
                // The connection is fine; the answer was not.
            } else {
                sender = None;
            }
        }
        if !measured {
            continue;
        }
        tally.requests += 1;
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX).max(1);
        tally.latency.saturating_record(micros);
        if let Err(error) = result {
            tally.errors += 1;
            tally.first_error.get_or_insert(error);
        }
    }
    tally
}

/// A request with the headers every scenario sends.
pub fn request(method: &str, path: &str) -> hyper::http::request::Builder {
    Request::builder()
        .method(method)
        .uri(path)
        .header("host", "127.0.0.1")
        .header("user-agent", "tessera-bench")
}

pub fn empty() -> Full<Bytes> {
    Full::new(Bytes::new())
}

pub fn json(body: String) -> Full<Bytes> {
    Full::new(Bytes::from(body))
}
