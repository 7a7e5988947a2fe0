//! The server under test: the release binary, started on a temporary data directory (so an
//! embedded SQLite database), on a free loopback port.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    _dir: tempfile::TempDir,
}

/// The settings every run uses. All load comes from one address: the per-client rate limits
/// are raised so that the scenarios measure the work, not 429s (each request still takes its
/// token from the bucket, a database write included).
fn settings(addr: SocketAddr, data_dir: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("TESSERA_BIND", addr.to_string()),
        ("TESSERA_DATA_DIR", data_dir.display().to_string()),
        ("TESSERA_RATE_PASSWORD_PER_MINUTE", "100000000".into()),
        ("TESSERA_RATE_CODE_PER_MINUTE", "100000000".into()),
        ("TESSERA_RATE_SIGNUP_PER_HOUR", "100000000".into()),
        ("RUST_LOG", "warn".into()),
    ]
}

fn free_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    listener.local_addr().expect("a bound address")
}

impl Server {
    pub fn start() -> Server {
        let dir = tempfile::Builder::new()
            .prefix("tessera-bench.")
            .tempdir()
            .expect("a temporary directory");
        let data_dir = dir.path().to_path_buf();
        let addr = free_port();
        let log = std::fs::File::create(data_dir.join("server.log")).expect("a log file");
        let child = Command::new(env!("CARGO_BIN_EXE_tessera"))
            .arg("serve")
            .envs(settings(addr, &data_dir))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("the tessera binary starts");
        let server = Server {
            child,
            addr,
            data_dir,
            _dir: dir,
        };
        server.wait_until_ready();
        server
    }

    fn wait_until_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if std::net::TcpStream::connect(self.addr).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "the server did not listen within a minute; see {}",
            self.log_path().display()
        );
    }

    /// Runs a command of the same binary on the same data directory; returns what it printed.
    pub fn cli(&self, args: &[&str]) -> String {
        let output = Command::new(env!("CARGO_BIN_EXE_tessera"))
            .args(args)
            .envs(settings(self.addr, &self.data_dir))
            .output()
            .expect("the tessera binary runs");
        assert!(
            output.status.success(),
            "tessera {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("tessera.db")
    }

    pub fn log_path(&self) -> PathBuf {
        self.data_dir.join("server.log")
    }

    fn status_field(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("the server's /proc status (Linux)");
        status
            .lines()
            .find_map(|line| line.strip_prefix(field))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    /// The resident set now, in MiB.
    pub fn rss_mib(&self) -> f64 {
        self.status_field("VmRSS:") as f64 / 1024.0
    }

    /// The highest resident set so far, in MiB.
    pub fn peak_rss_mib(&self) -> f64 {
        self.status_field("VmHWM:") as f64 / 1024.0
    }

    pub fn stop(mut self) {
        // SIGTERM: a graceful stop, as in production.
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM);
        }
        let deadline = Instant::now() + Duration::from_secs(40);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
