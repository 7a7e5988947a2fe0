//! The outbox worker: claims due messages, delivers them concurrently, records each outcome.
//! Every instance runs one; the claims keep them from sending a message twice.

use std::time::Duration;

use futures_util::future::join_all;

use crate::service::ClientInfo;
use crate::service::outbox::{self, Status};
use crate::state::AppState;

/// Messages one round claims at most.
const ROUND: i64 = 20;

/// One round: what was due is attempted once. Returns how many messages were attempted.
pub async fn run_round(state: &AppState) -> crate::service::Result<usize> {
    let claimed = state
        .run(ClientInfo::default(), |cx| {
            // One write transaction for the round's claims, and one for its outcomes: on
            // SQLite each statement on its own would queue for the write lock again.
            cx.transaction(|tx| outbox::claim_due(tx, ROUND))
        })
        .await?;
    if claimed.is_empty() {
        return Ok(0);
    }
    let now = state.now();
    let outcomes = join_all(
        claimed
            .iter()
            .map(|message| state.transports.deliver(message, now)),
    )
    .await;
    let attempted = claimed.len();
    let results: Vec<_> = claimed.into_iter().zip(outcomes).collect();
    state
        .run(ClientInfo::default(), move |cx| cx.transaction(|cx| {
            for (message, outcome) in results {
                let error = match &outcome {
                    outbox::Outcome::Delivered => None,
                    outbox::Outcome::Retry(e) | outbox::Outcome::Refused(e) => Some(e.clone()),
                };
                let status = outbox::record(cx, &message.id, message.attempts, outcome)?;
                match (status, error) {
                    (Status::Delivered, _) => {
                        tracing::debug!(outbox_id = %message.id, channel = message.channel.name(), kind = %message.kind, "delivered")
                    }
                    (Status::Pending, error) => {
                        tracing::warn!(outbox_id = %message.id, channel = message.channel.name(), kind = %message.kind, attempt = message.attempts + 1, error = error.unwrap_or_default(), "delivery failed; will retry")
                    }
                    (Status::Failed, error) => {
                        tracing::error!(outbox_id = %message.id, channel = message.channel.name(), kind = %message.kind, attempts = message.attempts + 1, error = error.unwrap_or_default(), "delivery failed for good")
                    }
                }
            }
            Ok(())
        }))
        .await?;
    Ok(attempted)
}

/// Runs rounds for as long as the server runs: at once while a round finds a full batch, else
/// every second.
pub fn spawn(state: AppState) {
    actix_web::rt::spawn(async move {
        let mut every_second = tokio::time::interval(Duration::from_secs(1));
        every_second.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every_second.tick().await;
            loop {
                match run_round(&state).await {
                    Ok(attempted) if attempted as i64 == ROUND => continue,
                    Ok(_) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "outbox round failed");
                        break;
                    }
                }
            }
        }
    });
}
