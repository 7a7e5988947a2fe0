//! Security events for the integrator's own systems: each event becomes one outbox message
//! per configured webhook endpoint, written in the transaction of the change, and delivered
//! signed (Standard Webhooks) by the outbox worker.

use serde_json::{Value, json};

use super::context::Tx;
use super::error::Result;
use super::outbox::{self, Channel, Content};

/// Queues `event` (e.g. `login.succeeded`) with `data` for every webhook endpoint.
pub fn emit(cx: &mut Tx<'_>, event: &str, data: Value) -> Result<()> {
    if cx.env.webhook_urls.is_empty() {
        return Ok(());
    }
    let body = json!({
        "type": event,
        "timestamp": cx.now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "data": data,
    })
    .to_string();
    let content = Content {
        subject: None,
        text: body,
        to: None,
    };
    for url in cx.env.webhook_urls.clone() {
        outbox::enqueue(cx, Channel::Webhook, &url, event, &content)?;
    }
    Ok(())
}
