//! The checked-in spec is the generated one, and the docs page works offline.

use crate::common::TestApp;
use reqwest::Method;

const SPEC_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.yaml");

#[test]
fn openapi_yaml_matches_the_code() {
    let generated = tessera::api_doc().to_yaml().unwrap();
    if std::env::var("UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::write(SPEC_PATH, &generated).unwrap();
        return;
    }
    let checked_in = std::fs::read_to_string(SPEC_PATH).unwrap_or_default();
    if checked_in != generated {
        let diff = similar::TextDiff::from_lines(&checked_in, &generated);
        panic!(
            "openapi.yaml is out of date. Regenerate it with\n\n    UPDATE_OPENAPI=1 cargo test --test api openapi\n\n(or `cargo run -- openapi > openapi.yaml`). Diff (- checked in, + generated):\n{}",
            diff.unified_diff().context_radius(3)
        );
    }
}

#[test]
fn every_operation_is_documented_for_sdk_generation() {
    let spec = serde_json::to_value(tessera::api_doc()).unwrap();
    let mut operation_ids = std::collections::HashSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let name = format!("{method} {path}");
            let id = op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{name}: operationId"));
            assert!(
                operation_ids.insert(id.to_string()),
                "{name}: duplicate operationId {id}"
            );
            assert!(op["summary"].is_string(), "{name}: summary");
            assert_eq!(
                op["tags"].as_array().map(Vec::len),
                Some(1),
                "{name}: one tag"
            );
            assert!(op["security"].is_array(), "{name}: security");
            let responses = op["responses"].as_object().unwrap();
            assert!(
                // A redirect is the success of the SSO callback the browser follows.
                responses
                    .keys()
                    .any(|s| s.starts_with('2') || s.starts_with('3')),
                "{name}: a success"
            );
            let secured = op["security"][0].as_object().is_some_and(|s| !s.is_empty());
            if secured {
                assert!(responses.contains_key("401"), "{name}: documents 401");
            }
            if let Some(body) = op.get("requestBody") {
                for status in ["400", "413", "415", "422"] {
                    assert!(responses.contains_key(status), "{name}: documents {status}");
                }
                if body["content"].get("text/csv").is_some() {
                    assert!(
                        body["description"].is_string(),
                        "{name}: the CSV is described"
                    );
                } else {
                    let reference = body["content"]["application/json"]["schema"]["$ref"]
                        .as_str()
                        .unwrap_or_else(|| panic!("{name}: the body is a named schema"));
                    let schema_name = reference.rsplit('/').next().unwrap();
                    let schema = &spec["components"]["schemas"][schema_name];
                    assert!(
                        schema["example"].is_object(),
                        "{name}: {schema_name} has an example"
                    );
                }
            }
            for (status, response) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    let reference = response["$ref"].as_str().unwrap_or_default();
                    assert!(
                        reference.starts_with("#/components/responses/"),
                        "{name}: {status} is a shared problem response"
                    );
                }
            }
        }
    }
}

#[actix_web::test]
async fn the_spec_and_the_offline_docs_page_are_served() {
    let app = TestApp::spawn().await;
    let json = app.send(app.request(Method::GET, "/openapi.json")).await;
    assert_eq!(json.status, 200);
    assert_eq!(json.body["info"]["title"], "Tessera");
    assert_eq!(json.body, serde_json::to_value(tessera::api_doc()).unwrap());

    let yaml = app.http.get(app.url("/openapi.yaml")).send().await.unwrap();
    assert_eq!(yaml.status(), 200);
    assert_eq!(
        yaml.text().await.unwrap(),
        tessera::api_doc().to_yaml().unwrap()
    );

    let bare = app.http.get(app.url("/docs")).send().await.unwrap();
    assert_eq!(bare.status(), 308);
    assert_eq!(bare.headers()["location"], "/docs/");
    let page = app.http.get(app.url("/docs/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    // Every script and stylesheet the page loads is served by Tessera itself.
    for asset in [
        "swagger-ui.css",
        "swagger-ui-bundle.js",
        "swagger-initializer.js",
    ] {
        assert!(html.contains(asset), "{asset} referenced");
        let served = app
            .http
            .get(app.url(&format!("/docs/{asset}")))
            .send()
            .await
            .unwrap();
        assert_eq!(served.status(), 200, "{asset}");
    }
    assert!(!html.contains("https://"), "no CDN: {html}");
    let init = app
        .http
        .get(app.url("/docs/swagger-initializer.js"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(init.contains("/openapi.json"), "{init}");
    // No call to the public validator (another site, which the CSP blocks anyway).
    assert!(init.contains(r#""validatorUrl": "none""#), "{init}");
}

#[test]
fn the_spec_documents_every_error_code() {
    use strum::IntoEnumIterator;
    let checked_in = std::fs::read_to_string(SPEC_PATH).unwrap();
    let spec: serde_json::Value = yaml_serde::from_str(&checked_in).unwrap();
    let documented: Vec<&str> =
        spec["components"]["schemas"]["Problem"]["properties"]["code"]["x-error-codes"]
            .as_array()
            .expect("x-error-codes on Problem.code")
            .iter()
            .map(|code| code.as_str().unwrap())
            .collect();
    for code in tessera::error_code::ErrorCode::iter() {
        assert!(
            documented.contains(&code.as_str()),
            "`{code}` is not documented in openapi.yaml"
        );
    }
}

#[test]
fn every_reference_in_the_spec_resolves() {
    fn refs<'a>(value: &'a serde_json::Value, out: &mut Vec<&'a str>) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(target) = map.get("$ref").and_then(|r| r.as_str()) {
                    out.push(target);
                }
                map.values().for_each(|v| refs(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let spec = serde_json::to_value(tessera::api_doc()).unwrap();
    let mut targets = Vec::new();
    refs(&spec, &mut targets);
    assert!(!targets.is_empty());
    for target in targets {
        let pointer = target.trim_start_matches('#');
        assert!(spec.pointer(pointer).is_some(), "{target} does not resolve");
    }
}

#[test]
fn the_readmes_typescript_example_is_the_one_ci_runs() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let example =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/sdk/e2e/readme.ts")).unwrap();
    let code = &example[example.find("import ").unwrap()..];
    assert!(
        readme.contains(&format!("```ts\n{code}```\n")),
        "README.md's TypeScript example differs from sdk/e2e/readme.ts"
    );
}

/// The API tour's shell blocks are the regions of `docs/tour.sh` (between `#> name` and `#<`),
/// all of them and in the same order: CI runs that script (`.ci/tour/run`), so a command the
/// README prints that fails as written fails CI.
#[test]
fn the_readmes_api_tour_is_the_script_ci_runs() {
    let read = |path: &str| {
        std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    };
    let (readme, script) = (read("README.md"), read("docs/tour.sh"));
    let mut regions = Vec::new();
    let mut lines = script.lines();
    while let Some(line) = lines.next() {
        if let Some(name) = line.strip_prefix("#> ") {
            let body: Vec<&str> = lines.by_ref().take_while(|l| *l != "#<").collect();
            assert!(!body.is_empty(), "region {name} is empty");
            regions.push(body.join("\n") + "\n");
        }
    }
    assert!(regions.len() >= 15, "{} regions", regions.len());

    let tour = &readme[readme.find("## API tour").unwrap()..readme.find("## SDKs").unwrap()];
    let blocks: Vec<&str> = tour
        .split("```sh\n")
        .skip(1)
        .map(|rest| &rest[..rest.find("```\n").unwrap()])
        .filter(|block| block.contains("curl") || block.contains("TESSERA="))
        .collect();
    assert_eq!(
        blocks.len(),
        regions.len(),
        "README.md's API tour has {} runnable blocks, docs/tour.sh {} regions",
        blocks.len(),
        regions.len()
    );
    for (block, region) in blocks.iter().zip(&regions) {
        assert_eq!(
            *block, region,
            "README.md's block differs from docs/tour.sh's region"
        );
    }
}

/// The first run as the README has it: the binary starts, says where the docs are, and the
/// docs page loads without a warning in the log.
#[test]
fn on_first_run_the_docs_are_where_the_log_says_and_load_without_warnings() {
    use std::io::{BufRead, BufReader};
    let data_dir = tempfile::tempdir().unwrap();
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_tessera"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("TESSERA_DATA_DIR", data_dir.path())
        .env("TESSERA_BIND", "127.0.0.1:0")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let listening = lines
        .by_ref()
        .map(Result::unwrap)
        .find(|line| line.contains("Tessera is listening"))
        .expect("the server says where it listens");
    let docs = listening
        .split_whitespace()
        .find_map(|word| word.strip_prefix("docs="))
        .expect("and where the docs are")
        .to_string();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let http = reqwest::Client::new();
        for asset in [
            "",
            "swagger-ui.css",
            "swagger-ui-bundle.js",
            "swagger-initializer.js",
            "index.css",
        ] {
            let reply = http.get(format!("{docs}{asset}")).send().await.unwrap();
            assert_eq!(reply.status(), 200, "{docs}{asset}");
        }
    });
    server.kill().unwrap();
    server.wait().unwrap();
    let after: Vec<String> = lines.map(Result::unwrap).collect();
    let warnings: Vec<&String> = after.iter().filter(|l| l.contains("WARN")).collect();
    assert!(warnings.is_empty(), "{warnings:#?}");
}
