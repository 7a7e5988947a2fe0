//! SMS through a Twilio-compatible Messages API: a form POST with basic auth.

use super::http_outcome;
use crate::service::outbox::{Claimed, Outcome};

pub struct Sms {
    endpoint: String,
    account_sid: String,
    auth_token: String,
    from: String,
}

impl Sms {
    pub fn new(base_url: &str, account_sid: &str, auth_token: &str, from: &str) -> Sms {
        Sms {
            endpoint: format!(
                "{}/2010-04-01/Accounts/{account_sid}/Messages.json",
                base_url.trim_end_matches('/')
            ),
            account_sid: account_sid.to_string(),
            auth_token: auth_token.to_string(),
            from: from.to_string(),
        }
    }

    pub async fn send(&self, http: &reqwest::Client, message: &Claimed) -> Outcome {
        let sent = http
            .post(&self.endpoint)
            .basic_auth(&self.account_sid, Some(&self.auth_token))
            .form(&[
                ("To", message.recipient.as_str()),
                ("From", self.from.as_str()),
                ("Body", message.content.text.as_str()),
            ])
            .send()
            .await;
        http_outcome(sent).await
    }
}
