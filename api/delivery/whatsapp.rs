//! WhatsApp through a WasenderAPI-compatible API: `POST …/api/send-message` with a bearer key
//! and `{to, text}`.

use super::http_outcome;
use crate::service::outbox::{Claimed, Outcome};

pub struct WhatsApp {
    endpoint: String,
    api_key: String,
}

impl WhatsApp {
    pub fn new(base_url: &str, api_key: &str) -> WhatsApp {
        WhatsApp {
            endpoint: format!("{}/api/send-message", base_url.trim_end_matches('/')),
            api_key: api_key.to_string(),
        }
    }

    pub async fn send(&self, http: &reqwest::Client, message: &Claimed) -> Outcome {
        let sent = http
            .post(&self.endpoint)
            .bearer_auth(&self.api_key)
            .json(&serde_json::json!({
                "to": message.recipient,
                "text": message.content.text,
            }))
            .send()
            .await;
        http_outcome(sent).await
    }
}
