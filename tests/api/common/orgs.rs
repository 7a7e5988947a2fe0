//! Organisations as the tests set them up: created, and joined the way people join them — by
//! an invitation accepted by an existing account, or by a new account the organisation then
//! manages. The invitation's link is read from the outbox, as the email would carry it.

use diesel::prelude::*;
use reqwest::Method;
use serde_json::{Value, json};

use super::{PASSWORD, Reply, TestApp, User, user_from};

impl TestApp {
    /// The texts of the messages queued for `recipient` of `kind`, oldest first (opened with
    /// the server's keys, as the outbox worker would).
    pub fn queued_messages(&self, recipient: &str, kind: &str) -> Vec<String> {
        use tessera::db::schema::outbox;
        let mut conn = self.state.pool.get().unwrap();
        let rows: Vec<(String, Option<String>, Option<String>)> = outbox::table
            .filter(outbox::recipient.eq(recipient))
            .filter(outbox::kind.eq(kind))
            .order((outbox::created_at.asc(), outbox::id.asc()))
            .select((outbox::id, outbox::key_id, outbox::payload_ciphertext))
            .load(&mut conn)
            .unwrap();
        rows.into_iter()
            .filter_map(|(id, key_id, ciphertext)| {
                let plain = self
                    .state
                    .env
                    .sealer
                    .open(&key_id?, &ciphertext?, &format!("outbox:{id}"))
                    .unwrap();
                let content: Value = serde_json::from_slice(&plain).unwrap();
                Some(content["text"].as_str().unwrap().to_string())
            })
            .collect()
    }

    /// The token of the newest invitation sent to `email`.
    pub fn invitation_token(&self, email: &str) -> String {
        let text = self
            .queued_messages(email, "invitation")
            .pop()
            .unwrap_or_else(|| panic!("no invitation was sent to {email}"));
        let start = text.find("tsn_").expect("a token in the invitation");
        text[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect()
    }

    /// Verifies `domain` for the organisation as an operator would (`tessera admin
    /// verify-domain`), without DNS.
    pub async fn verify_domain(&self, org: &str, domain: &str) {
        use tessera::service::orgs::domains;
        use tessera::service::{ClientInfo, OrgId};
        let (org, domain) = (OrgId::from(org.to_string()), domain.to_string());
        let verified = self
            .state
            .run(ClientInfo::default(), move |cx| {
                domains::verify_by_operator(cx, &org, &domain)
            })
            .await
            .expect("the domain is verified");
        assert!(verified.verified);
    }

    pub async fn create_org(&self, owner: &User, name: &str) -> String {
        let created = self
            .send(
                self.authed(Method::POST, "/v1/orgs", &owner.token)
                    .json(&json!({"name": name})),
            )
            .await;
        assert_eq!(created.status, 201, "{}", created.body);
        created.body["id"].as_str().unwrap().to_string()
    }

    pub async fn invite(&self, by: &User, org: &str, email: &str, role: &str) -> Reply {
        self.send(
            self.authed(
                Method::POST,
                &format!("/v1/orgs/{org}/invitations"),
                &by.token,
            )
            // The password always: inviting an owner or admin asks for it.
            .json(&json!({"email": email, "role": role, "password": PASSWORD})),
        )
        .await
    }

    /// Accepts an invitation with a session.
    pub async fn accept_invitation(&self, user: &User, token: &str) -> Reply {
        self.send(
            self.authed(Method::POST, "/v1/invitations/accept", &user.token)
                .json(&json!({"token": token})),
        )
        .await
    }

    /// An existing (personal) account joins by invitation.
    pub async fn join(&self, by: &User, org: &str, user: &User, role: &str) {
        let invited = self.invite(by, org, &user.email, role).await;
        assert_eq!(invited.status, 201, "{}", invited.body);
        let token = self.invitation_token(&user.email);
        let joined = self.accept_invitation(user, &token).await;
        assert_eq!(joined.status, 200, "{}", joined.body);
        assert_eq!(joined.body["status"], "joined");
    }

    /// A new account, created by accepting an invitation: the organisation manages it.
    /// Returns the login-shaped answer.
    pub async fn accept_as_new_account(
        &self,
        by: &User,
        org: &str,
        email: &str,
        role: &str,
    ) -> Reply {
        let invited = self.invite(by, org, email, role).await;
        assert_eq!(invited.status, 201, "{}", invited.body);
        let token = self.invitation_token(email);
        self.post_json(
            "/v1/invitations/accept",
            json!({"token": token, "password": PASSWORD}),
        )
        .await
    }

    /// A managed member, signed in (its organisation must not force enrolment at once).
    pub async fn managed_member(&self, by: &User, org: &str, email: &str, role: &str) -> User {
        let reply = self.accept_as_new_account(by, org, email, role).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(reply.body["status"], "authenticated", "{}", reply.body);
        user_from(&reply)
    }
}
