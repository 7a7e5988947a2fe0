//! Organisations: an owner creates one, admins manage members, everyone else sees nothing.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{TestApp, User};

async fn create_org(app: &TestApp, owner: &User, name: &str) -> String {
    let created = app
        .send(
            app.authed(Method::POST, "/v1/orgs", &owner.token)
                .json(&json!({"name": name})),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    assert_eq!(created.body["role"], "owner");
    created.body["id"].as_str().unwrap().to_string()
}

async fn add(app: &TestApp, by: &User, org: &str, email: &str, role: &str) -> crate::common::Reply {
    app.send(
        app.authed(Method::POST, &format!("/v1/orgs/{org}/members"), &by.token)
            .json(&json!({"email": email, "role": role})),
    )
    .await
}

async fn set_role(
    app: &TestApp,
    by: &User,
    org: &str,
    member: &User,
    role: &str,
) -> crate::common::Reply {
    app.send(
        app.authed(
            Method::PATCH,
            &format!("/v1/orgs/{org}/members/{}", member.account_id),
            &by.token,
        )
        .json(&json!({"role": role})),
    )
    .await
}

fn events(log: &Value) -> Vec<&str> {
    log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect()
}

#[actix_web::test]
async fn an_owner_creates_an_organisation_and_admins_manage_its_members() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let grace = app.sign_up_with_mfa("grace@example.com").await.user;
    let linus = app.sign_up("linus@example.com").await;
    let org = create_org(&app, &ada, "  Acme  ").await;

    let read = app.get(&format!("/v1/orgs/{org}"), &ada.token).await;
    assert_eq!(read.body["name"], "Acme");

    let added = add(&app, &ada, &org, "Grace@Example.com", "admin").await;
    assert_eq!(added.status, 201, "{}", added.body);
    assert_eq!(added.body["role"], "admin");
    assert_eq!(added.body["mfa"]["status"], "active");
    // Grace, an admin, adds Linus as a member.
    assert_eq!(
        add(&app, &grace, &org, "linus@example.com", "member")
            .await
            .status,
        201
    );
    add(&app, &grace, &org, "linus@example.com", "member")
        .await
        .assert_problem(409, "already_a_member");
    let unknown = add(&app, &grace, &org, "nobody@example.com", "member").await;
    unknown.assert_problem(422, "validation_failed");
    assert_eq!(unknown.body["errors"][0]["code"], "unknown_account");

    let members = app
        .get(&format!("/v1/orgs/{org}/members"), &grace.token)
        .await;
    assert_eq!(members.status, 200, "{}", members.body);
    let listed: Vec<(&str, &str, &str)> = members.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["email"].as_str().unwrap(),
                m["role"].as_str().unwrap(),
                m["mfa"]["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            ("linus@example.com", "member", "not_required"),
            ("grace@example.com", "admin", "active"),
            ("ada@example.com", "owner", "not_required"),
        ]
    );

    let renamed = app
        .send(
            app.authed(Method::PATCH, &format!("/v1/orgs/{org}"), &grace.token)
                .json(&json!({"name": "Acme Ltd"})),
        )
        .await;
    assert_eq!(renamed.body["name"], "Acme Ltd");
    assert_eq!(renamed.body["role"], "admin");

    // The organisation's log, and Linus's own, tell who did what.
    let log = app
        .get(&format!("/v1/orgs/{org}/audit-log"), &ada.token)
        .await;
    assert_eq!(
        events(&log.body),
        [
            "org.updated",
            "membership.added",
            "membership.added",
            "org.created"
        ]
    );
    assert_eq!(log.body["items"][1]["actor_id"], grace.account_id.as_str());
    assert_eq!(
        log.body["items"][1]["account_id"],
        linus.account_id.as_str()
    );
    let own = app.get("/v1/me/audit-log", &linus.token).await;
    assert_eq!(events(&own.body)[0], "membership.added");
    assert_eq!(own.body["items"][0]["org_id"], org.as_str());
}

#[actix_web::test]
async fn members_are_refused_admin_calls_and_strangers_see_no_organisation() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let linus = app.sign_up("linus@example.com").await;
    let eve = app.sign_up("eve@example.com").await;
    let org = create_org(&app, &ada, "Acme").await;
    let other = create_org(&app, &eve, "Evil Corp").await;
    add(&app, &ada, &org, "linus@example.com", "member").await;

    // A member sees the organisation, not its administration.
    assert_eq!(
        app.get(&format!("/v1/orgs/{org}"), &linus.token).await.body["role"],
        "member"
    );
    app.get(&format!("/v1/orgs/{org}/members"), &linus.token)
        .await
        .assert_problem(403, "insufficient_role");
    app.get(&format!("/v1/orgs/{org}/audit-log"), &linus.token)
        .await
        .assert_problem(403, "insufficient_role");
    add(&app, &linus, &org, "eve@example.com", "member")
        .await
        .assert_problem(403, "insufficient_role");

    // The owner of another organisation is a stranger here, and Ada one there.
    for path in [
        format!("/v1/orgs/{org}"),
        format!("/v1/orgs/{org}/members"),
        format!("/v1/orgs/{org}/audit-log"),
    ] {
        app.get(&path, &eve.token)
            .await
            .assert_problem(404, "not_found");
    }
    app.get(&format!("/v1/orgs/{other}"), &ada.token)
        .await
        .assert_problem(404, "not_found");
    app.get("/v1/orgs/not-a-uuid", &ada.token)
        .await
        .assert_problem(400, "invalid_path_parameter");
}

#[actix_web::test]
async fn an_organisation_always_keeps_an_owner_and_only_owners_touch_that_role() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let grace = app.sign_up("grace@example.com").await;
    let linus = app.sign_up("linus@example.com").await;
    let org = create_org(&app, &ada, "Acme").await;
    add(&app, &ada, &org, "grace@example.com", "admin").await;
    add(&app, &ada, &org, "linus@example.com", "member").await;

    // An admin cannot make owners, nor demote or remove one.
    set_role(&app, &grace, &org, &linus, "owner")
        .await
        .assert_problem(403, "insufficient_role");
    set_role(&app, &grace, &org, &ada, "member")
        .await
        .assert_problem(403, "insufficient_role");
    add(&app, &grace, &org, "eve@example.com", "owner")
        .await
        .assert_problem(403, "insufficient_role");
    // The only owner can neither step down nor leave.
    set_role(&app, &ada, &org, &ada, "admin")
        .await
        .assert_problem(409, "last_owner");
    let leave = app
        .send(app.authed(
            Method::DELETE,
            &format!("/v1/orgs/{org}/members/{}", ada.account_id),
            &ada.token,
        ))
        .await;
    leave.assert_problem(409, "last_owner");

    // With a second owner, she can.
    assert_eq!(
        set_role(&app, &ada, &org, &grace, "owner").await.status,
        204
    );
    assert_eq!(set_role(&app, &ada, &org, &ada, "admin").await.status, 204);
    // Linus leaves on his own; Grace removes Ada.
    let left = app
        .send(app.authed(
            Method::DELETE,
            &format!("/v1/orgs/{org}/members/{}", linus.account_id),
            &linus.token,
        ))
        .await;
    assert_eq!(left.status, 204);
    let removed = app
        .send(app.authed(
            Method::DELETE,
            &format!("/v1/orgs/{org}/members/{}", ada.account_id),
            &grace.token,
        ))
        .await;
    assert_eq!(removed.status, 204);
    app.get(&format!("/v1/orgs/{org}"), &ada.token)
        .await
        .assert_problem(404, "not_found");
    let log = app
        .get(&format!("/v1/orgs/{org}/audit-log"), &grace.token)
        .await;
    assert_eq!(
        &events(&log.body)[..4],
        [
            "membership.removed",
            "membership.removed",
            "membership.role_changed",
            "membership.role_changed"
        ]
    );
}
