//! Email over SMTP with lettre (plain, STARTTLS or TLS, as the URL says).

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::TransportError;
use crate::config::Settings;
use crate::service::outbox::{Claimed, Outcome};

pub struct Smtp {
    mailer: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Smtp {
    pub fn from_settings(settings: &Settings) -> Result<Option<Smtp>, TransportError> {
        let Some(url) = settings
            .smtp_url
            .as_deref()
            .filter(|u| !u.trim().is_empty())
        else {
            return Ok(None);
        };
        let mailer = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.trim())
            .map_err(|e| TransportError {
                variable: "TESSERA_SMTP_URL",
                problem: format!("not an SMTP URL: {e}"),
            })?
            .timeout(Some(Duration::from_secs(10)))
            .build();
        let from = settings.email_from.parse().map_err(|e| TransportError {
            variable: "TESSERA_EMAIL_FROM",
            problem: format!("{e}"),
        })?;
        Ok(Some(Smtp { mailer, from }))
    }

    pub async fn send(&self, message: &Claimed) -> Outcome {
        let to: Mailbox = match message.recipient.parse() {
            Ok(to) => to,
            Err(e) => return Outcome::Refused(format!("not an address: {e}")),
        };
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.content.subject.clone().unwrap_or_default())
            .header(ContentType::TEXT_PLAIN)
            .body(message.content.text.clone());
        let email = match email {
            Ok(email) => email,
            Err(e) => return Outcome::Refused(format!("cannot build the email: {e}")),
        };
        match self.mailer.send(email).await {
            Ok(_) => Outcome::Delivered,
            Err(e) if e.is_permanent() => Outcome::Refused(format!("SMTP: {e}")),
            Err(e) => Outcome::Retry(format!("SMTP: {e}")),
        }
    }
}
