//! Bounds on what one account or organisation can make, and checks that hold when requests
//! race (PostgreSQL runs them side by side).

use reqwest::Method;
use serde_json::json;

use crate::common::{PASSWORD, TestApp, User};

const HEADER: &str = "name,serial,model,period,digits,algorithm,secret";
const SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

fn import_request(
    app: &TestApp,
    base: &str,
    by: &User,
    org: &str,
    csv: String,
) -> reqwest::RequestBuilder {
    app.http
        .post(format!("{base}/v1/orgs/{org}/hardware-tokens/import"))
        .bearer_auth(&by.token)
        .header("content-type", "text/csv")
        .body(csv)
}

#[actix_web::test]
async fn an_account_owns_a_bounded_number_of_organisations() {
    let app = TestApp::builder()
        .settings(|s| s.max_orgs_per_account = 2)
        .spawn()
        .await;
    let eve = app.sign_up("eve@example.com").await;
    app.create_org(&eve, "One").await;
    app.create_org(&eve, "Two").await;
    let third = app
        .send(
            app.authed(Method::POST, "/v1/orgs", &eve.token)
                .json(&json!({"name": "Three"})),
        )
        .await;
    third.assert_problem(409, "limit_reached");
}

#[actix_web::test]
async fn hardware_token_imports_are_bounded_and_report_a_bounded_list() {
    let app = TestApp::builder()
        .settings(|s| s.org_max_hardware_tokens = 3)
        .spawn()
        .await;
    let ada = app.sign_up("ada@example.com").await;
    let org = app.create_org(&ada, "Acme").await;

    // 150 bad rows: the first 100 are named, the rest counted.
    let bad: String = (0..150)
        .map(|i| format!("T{i},S{i},c200,30,6,SHA1,nothex\n"))
        .collect();
    let refused = app
        .send(import_request(
            &app,
            &app.base,
            &ada,
            &org,
            format!("{HEADER}\n{bad}"),
        ))
        .await;
    refused.assert_problem(422, "validation_failed");
    let errors = refused.body["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 101);
    assert_eq!(errors[100]["code"], "more_problems");
    assert!(
        errors[100]["message"]
            .as_str()
            .unwrap()
            .starts_with("50 more")
    );

    // Four tokens do not fit where three may be.
    let four: String = (0..4)
        .map(|i| format!("T{i},S{i},c200,30,6,SHA1,{SECRET}\n"))
        .collect();
    app.send(import_request(
        &app,
        &app.base,
        &ada,
        &org,
        format!("{HEADER}\n{four}"),
    ))
    .await
    .assert_problem(409, "limit_reached");
    let three: String = (0..3)
        .map(|i| format!("T{i},S{i},c200,30,6,SHA1,{SECRET}\n"))
        .collect();
    let imported = app
        .send(import_request(
            &app,
            &app.base,
            &ada,
            &org,
            format!("{HEADER}\n{three}"),
        ))
        .await;
    assert_eq!(imported.status, 201, "{}", imported.body);

    // Imports are rate limited per organisation.
    let mut statuses = Vec::new();
    for _ in 0..20 {
        statuses.push(
            app.send(import_request(
                &app,
                &app.base,
                &ada,
                &org,
                format!("{HEADER}\n"),
            ))
            .await
            .status
            .as_u16(),
        );
    }
    assert!(statuses.contains(&429), "{statuses:?}");
}

#[actix_web::test]
async fn concurrent_imports_of_one_serial_import_it_once_and_refuse_the_rest_cleanly() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let org = app.create_org(&ada, "Acme").await;
    let bases = [app.base.clone(), app.start_another_instance()];
    let csv = format!("{HEADER}\nDesk,SAME-1,c200,30,6,SHA1,{SECRET}\n");
    let replies = app
        .send_at_once(&bases, 6, |_, base| {
            import_request(&app, base, &ada, &org, csv.clone())
        })
        .await;
    let created = replies.iter().filter(|r| r.status == 201).count();
    assert_eq!(created, 1, "{replies:?}");
    for reply in replies.iter().filter(|r| r.status != 201) {
        // Seen taken before the insert (422, named by line) or at it (409): never a 500.
        assert!(
            reply.status == 409 || reply.status == 422,
            "{} {}",
            reply.status,
            reply.body
        );
    }
}

#[actix_web::test]
async fn two_owners_demoting_each_other_at_once_leave_one_owner() {
    let app = TestApp::spawn().await;
    let ada = app.sign_up("ada@example.com").await;
    let org = app.create_org(&ada, "Acme").await;
    let grace = app.sign_up("grace@example.com").await;
    app.join(&ada, &org, &grace, "owner").await;
    let bases = [app.base.clone(), app.start_another_instance()];
    for _ in 0..5 {
        let replies = app
            .send_at_once(&bases, 2, |i, base| {
                let (by, target) = if i == 0 {
                    (&ada, &grace)
                } else {
                    (&grace, &ada)
                };
                app.http
                    .patch(format!(
                        "{base}/v1/orgs/{org}/members/{}",
                        target.account_id
                    ))
                    .bearer_auth(&by.token)
                    .json(&json!({"role": "admin", "password": PASSWORD}))
            })
            .await;
        let members = app
            .get(&format!("/v1/orgs/{org}/members"), &ada.token)
            .await;
        let viewer = if members.status == 200 { &ada } else { &grace };
        let members = app
            .get(&format!("/v1/orgs/{org}/members"), &viewer.token)
            .await;
        let owners: Vec<&str> = members.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["role"] == "owner")
            .map(|m| m["email"].as_str().unwrap())
            .collect();
        assert_eq!(owners.len(), 1, "{replies:?} {}", members.body);
        // Whoever was demoted is made owner again for the next round.
        let owner = if owners[0] == "ada@example.com" {
            &ada
        } else {
            &grace
        };
        let demoted = if owners[0] == "ada@example.com" {
            &grace
        } else {
            &ada
        };
        let restored = app
            .send(
                app.authed(
                    Method::PATCH,
                    &format!("/v1/orgs/{org}/members/{}", demoted.account_id),
                    &owner.token,
                )
                .json(&json!({"role": "owner", "password": PASSWORD})),
            )
            .await;
        assert_eq!(restored.status, 204, "{}", restored.body);
    }
}
