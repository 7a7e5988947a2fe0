//! An SMTP server for tests (mailin-embedded) that keeps what it receives.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use mailin_embedded::{Handler, Response, Server, response};

/// A received email: its recipients and its text (quoted-printable soft breaks undone).
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: Vec<String>,
    pub data: String,
}

#[derive(Clone)]
struct Recorder {
    mails: Arc<Mutex<Vec<Mail>>>,
    to: Vec<String>,
    data: Vec<u8>,
}

impl Handler for Recorder {
    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.to = to.to_vec();
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let data = String::from_utf8_lossy(&self.data)
            .replace("=\r\n", "")
            .replace("=3D", "=");
        self.mails.lock().unwrap().push(Mail {
            to: self.to.clone(),
            data,
        });
        response::OK
    }
}

pub struct SmtpSink {
    pub url: String,
    mails: Arc<Mutex<Vec<Mail>>>,
}

impl SmtpSink {
    pub fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let mut server = Server::new(Recorder {
            mails: mails.clone(),
            to: Vec::new(),
            data: Vec::new(),
        });
        // One thread per connection, and lettre keeps a pool of them open: room for all.
        server.with_tcp_listener(listener).with_num_threads(32);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        SmtpSink {
            url: format!("smtp://127.0.0.1:{port}"),
            mails,
        }
    }

    pub fn mails(&self) -> Vec<Mail> {
        self.mails.lock().unwrap().clone()
    }

    pub fn mails_to(&self, address: &str) -> Vec<Mail> {
        self.mails()
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t == address))
            .collect()
    }

    /// The mails to `address` with `subject`, in the order they arrived (every account gets
    /// other mails too: the verification of its address at sign-up, sign-in alerts).
    pub fn mails_about(&self, address: &str, subject: &str) -> Vec<Mail> {
        self.mails_to(address)
            .into_iter()
            .filter(|m| m.data.contains(&format!("Subject: {subject}")))
            .collect()
    }
}
