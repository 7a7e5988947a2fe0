//! Webhooks signed as the Standard Webhooks specification has it: `webhook-id` (the same for
//! every attempt, so receivers can drop duplicates), `webhook-timestamp` (of the attempt) and
//! `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::http_outcome;
use crate::service::outbox::{Claimed, Outcome};

/// The signing key, from a `whsec_…` secret.
pub struct WebhookSigner {
    key: Zeroizing<Vec<u8>>,
}

impl WebhookSigner {
    pub fn from_secret(secret: &str) -> Option<WebhookSigner> {
        let key = STANDARD
            .decode(secret.trim().strip_prefix("whsec_")?)
            .ok()?;
        Some(WebhookSigner {
            key: Zeroizing::new(key),
        })
    }
}

/// The `webhook-signature` value for a message.
pub fn sign(signer: &WebhookSigner, id: &str, timestamp: i64, body: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&signer.key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

pub async fn post(
    http: &reqwest::Client,
    signer: &WebhookSigner,
    message: &Claimed,
    now: chrono::DateTime<chrono::Utc>,
) -> Outcome {
    let timestamp = now.timestamp();
    let body = &message.content.text;
    let sent = http
        .post(&message.recipient)
        .header("content-type", "application/json")
        .header("webhook-id", &message.id)
        .header("webhook-timestamp", timestamp.to_string())
        .header(
            "webhook-signature",
            sign(signer, &message.id, timestamp, body),
        )
        .body(body.clone())
        .send()
        .await;
    http_outcome(sent).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_match_the_standard_webhooks_reference() {
        // The example of the Standard Webhooks reference libraries.
        let signer = WebhookSigner::from_secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let signature = sign(
            &signer,
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            r#"{"test": 2432232314}"#,
        );
        assert_eq!(signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }
}
