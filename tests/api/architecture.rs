//! The layers' arrows, kept by the build: `http → service → {db, crypto}`, `delivery →
//! service`. The domain knows no HTTP, no web framework and no wire format; the HTTP layer
//! knows no database; the layers below HTTP never reach up into it. A `use` that breaks an
//! arrow fails here, naming the file and the line.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, with its lines that are code (comments say what they like).
fn code_lines(dir: &Path) -> Vec<(PathBuf, usize, String)> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for (number, line) in text.lines().enumerate() {
                    let code = line.trim_start();
                    if !code.starts_with("//") {
                        found.push((path.clone(), number + 1, line.to_string()));
                    }
                }
            }
        }
    }
    found
}

fn relative(path: &Path) -> String {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

/// The code lines under `layer` that name any of `forbidden`.
fn breaches(layer: &str, forbidden: &[&str]) -> Vec<(String, usize, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    code_lines(&root.join(layer))
        .into_iter()
        .filter(|(_, _, line)| forbidden.iter().any(|name| line.contains(name)))
        .map(|(path, number, line)| (relative(&path), number, line.trim().to_string()))
        .collect()
}

#[test]
fn the_service_layer_knows_no_http_no_web_framework_and_no_wire_format() {
    let found = breaches(
        "api/service",
        &["actix", "crate::http", "crate::state", "utoipa"],
    );
    assert!(found.is_empty(), "{found:#?}");
}

/// Only the HTTP layer itself, and what builds and documents it (`lib.rs` registers the
/// routes, `main.rs` prints the spec, `openapi.rs` is its root), name `crate::http`.
#[test]
fn only_the_http_layer_and_what_builds_it_name_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found: Vec<_> = code_lines(&root.join("api"))
        .into_iter()
        .map(|(path, number, line)| (relative(&path), number, line))
        .filter(|(file, _, line)| {
            line.contains("crate::http")
                && !file.starts_with("api/http/")
                && !["api/lib.rs", "api/main.rs", "api/openapi.rs"].contains(&file.as_str())
        })
        .collect();
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_http_layer_reaches_the_database_only_through_the_service_layer() {
    let found = breaches("api/http", &["diesel", "crate::db"]);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_layers_below_http_never_reach_up_into_it() {
    for layer in ["api/delivery", "api/db", "api/crypto"] {
        let found = breaches(layer, &["crate::http"]);
        assert!(found.is_empty(), "{found:#?}");
    }
    // Storage and cryptography stand on their own: no domain rules, no server state.
    for layer in ["api/db", "api/crypto"] {
        let found = breaches(
            layer,
            &["crate::service", "crate::state", "crate::delivery"],
        );
        assert!(found.is_empty(), "{found:#?}");
    }
}
