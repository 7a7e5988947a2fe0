//! A TCP listener on this machine that only counts the connections it accepts: where the
//! egress tests point the server, to see that it never dialled. It listens on the port on
//! IPv4 and, when it can, IPv6 loopback, so that any spelling of this machine
//! (`127.0.0.1`, `0.0.0.0`, `::ffff:127.0.0.1`, `::1`, `::`) reaches it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::net::TcpListener;

pub struct CountingListener {
    pub port: u16,
    accepted: Arc<AtomicUsize>,
}

impl CountingListener {
    pub async fn start() -> CountingListener {
        let v4 = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = v4.local_addr().unwrap().port();
        let v6 = TcpListener::bind(("::1", port)).await.ok();
        let accepted = Arc::new(AtomicUsize::new(0));
        for listener in std::iter::once(v4).chain(v6) {
            let accepted = accepted.clone();
            actix_web::rt::spawn(async move {
                while listener.accept().await.is_ok() {
                    accepted.fetch_add(1, Ordering::SeqCst);
                }
            });
        }
        CountingListener { port, accepted }
    }

    /// The connections accepted so far (each closed at once).
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
}
