//! Delivering the outbox: the transports (email over SMTP, SMS, WhatsApp, webhooks, or the
//! log when a channel has none) and the worker that claims due messages and records how
//! each attempt went. Outbound HTTP goes through one client with timeouts, to URLs from the
//! settings only.

mod email;
mod sms;
mod webhook;
mod whatsapp;
pub mod worker;

use std::time::Duration;

use crate::config::Settings;
use crate::service::outbox::{Channel, Claimed, Outcome};

pub use webhook::{WebhookSigner, sign as sign_webhook};

/// Why the transports cannot be set up.
#[derive(Debug, thiserror::Error)]
#[error("{variable}: {problem}")]
pub struct TransportError {
    pub variable: &'static str,
    pub problem: String,
}

/// Every channel's way out.
pub struct Transports {
    email: Option<email::Smtp>,
    sms: Option<sms::Sms>,
    whatsapp: Option<whatsapp::WhatsApp>,
    webhooks: Option<WebhookSigner>,
    /// Only when an HTTP transport is configured: a TLS client's root store costs a megabyte
    /// or two of resident memory.
    http: Option<reqwest::Client>,
    /// Whether messages written to the log keep their text (`TESSERA_DEV_LOG_CODES`): codes
    /// and links with tokens are secrets, and logs are read by many.
    log_texts: bool,
}

impl Transports {
    pub fn from_settings(settings: &Settings) -> Result<Transports, TransportError> {
        let mut transports = Transports {
            email: email::Smtp::from_settings(settings)?,
            sms: settings
                .sms()
                .map(|(sid, token, from)| sms::Sms::new(&settings.sms_url, sid, token, from)),
            whatsapp: settings
                .whatsapp_api_key
                .as_deref()
                .map(str::trim)
                .filter(|key| !key.is_empty())
                .map(|key| whatsapp::WhatsApp::new(&settings.whatsapp_url, key)),
            webhooks: settings
                .webhook_secret
                .as_deref()
                .and_then(WebhookSigner::from_secret),
            http: None,
            log_texts: settings.dev_log_codes,
        };
        if transports.sms.is_none()
            && transports.whatsapp.is_none()
            && transports.webhooks.is_none()
        {
            return Ok(transports);
        }
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(5))
            // A provider or receiver that redirects is answered as refused: a message goes
            // only where the settings say.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Tessera/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| TransportError {
                variable: "TESSERA_SMS_URL",
                problem: format!("cannot build the HTTP client: {e}"),
            })?;
        transports.http = Some(http);
        Ok(transports)
    }

    /// Whether SMS goes out to phones (else to the log).
    pub fn has_sms(&self) -> bool {
        self.sms.is_some()
    }

    /// Whether WhatsApp messages go out (else to the log).
    pub fn has_whatsapp(&self) -> bool {
        self.whatsapp.is_some()
    }

    /// One attempt to deliver `message`.
    pub async fn deliver(&self, message: &Claimed, now: chrono::DateTime<chrono::Utc>) -> Outcome {
        match message.channel {
            Channel::Email => match &self.email {
                Some(smtp) => smtp.send(message).await,
                None => to_log(message, self.log_texts),
            },
            Channel::Sms => match (&self.sms, &self.http) {
                (Some(sms), Some(http)) => sms.send(http, message).await,
                _ => to_log(message, self.log_texts),
            },
            Channel::Whatsapp => match (&self.whatsapp, &self.http) {
                (Some(whatsapp), Some(http)) => whatsapp.send(http, message).await,
                _ => to_log(message, self.log_texts),
            },
            Channel::Webhook => match (&self.webhooks, &self.http) {
                (Some(signer), Some(http)) => webhook::post(http, signer, message, now).await,
                _ => Outcome::Refused("no webhook secret is set".into()),
            },
        }
    }
}

/// A channel without a transport: the message goes to the log, so a fresh start (and local
/// development) works without any provider. Who it is for and what kind it is are logged; its
/// text (a code, a link with a token) only with `log_texts`.
fn to_log(message: &Claimed, log_texts: bool) -> Outcome {
    let text = if log_texts {
        message.content.text.as_str()
    } else {
        "(withheld: it may hold a code or a link; TESSERA_DEV_LOG_CODES=true shows it)"
    };
    tracing::info!(
        channel = message.channel.name(),
        to = %message.recipient,
        kind = %message.kind,
        subject = message.content.subject.as_deref().unwrap_or(""),
        text = %text,
        "message for the log (no transport configured for this channel)"
    );
    Outcome::Delivered
}

/// How an HTTP provider's answer counts: 2xx delivered; timeouts, 408, 429 and 5xx worth
/// another try; any other answer a refusal no retry fixes.
async fn http_outcome(sent: reqwest::Result<reqwest::Response>) -> Outcome {
    match sent {
        Ok(response) => {
            let status = response.status();
            if status.is_success() {
                return Outcome::Delivered;
            }
            let body: String = response
                .text()
                .await
                .unwrap_or_default()
                .chars()
                .take(200)
                .collect();
            let error = format!("HTTP {status}: {body}");
            if status.is_server_error() || status.as_u16() == 408 || status.as_u16() == 429 {
                Outcome::Retry(error)
            } else {
                Outcome::Refused(error)
            }
        }
        Err(e) => Outcome::Retry(format!("not reached: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::service::outbox::Content;

    /// Collects what the log writes.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn logged(log_texts: bool) -> String {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let message = Claimed {
            id: "m1".into(),
            channel: Channel::Email,
            recipient: "ada@example.com".into(),
            kind: "password_reset".into(),
            content: Content {
                subject: Some("Reset your password".into()),
                text: "open https://app.example.com/reset#token=tsr_SECRETTOKEN or type 123456"
                    .into(),
                to: None,
            },
            attempts: 0,
        };
        tracing::subscriber::with_default(subscriber, || to_log(&message, log_texts));
        String::from_utf8(captured.0.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn the_log_transport_names_the_message_but_never_its_secrets() {
        let line = logged(false);
        assert!(
            line.contains("ada@example.com") && line.contains("password_reset"),
            "{line}"
        );
        assert!(
            !line.contains("tsr_SECRETTOKEN") && !line.contains("123456"),
            "{line}"
        );
    }

    #[test]
    fn development_shows_the_text_when_asked() {
        let line = logged(true);
        assert!(
            line.contains("tsr_SECRETTOKEN") && line.contains("123456"),
            "{line}"
        );
    }
}
