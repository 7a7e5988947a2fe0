//! Every error code is answered by something: a code nobody produces is a promise to clients
//! that nothing keeps. (After Lemmy's `test_errors_used`.)

use std::path::Path;

use strum::IntoEnumIterator;
use tessera::error_code::ErrorCode;

/// Where codes are defined and mapped to statuses: naming a code there produces nothing.
const NOT_PRODUCERS: [&str; 2] = ["api/error_code.rs", "api/http/error.rs"];

fn sources(dir: &Path, out: &mut String) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs")
            && !NOT_PRODUCERS.iter().any(|skip| path.ends_with(skip))
        {
            out.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
}

#[test]
fn every_error_code_is_produced_somewhere() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut code = String::new();
    sources(&root.join("api"), &mut code);
    // The server's own failures are produced by the error variants that stand for them.
    let by_variant = |error: ErrorCode| match error {
        ErrorCode::ServiceUnavailable => code.contains("Error::Unavailable("),
        ErrorCode::InternalError => code.contains("Error::internal("),
        _ => false,
    };
    let unused: Vec<String> = ErrorCode::iter()
        .filter(|error| !code.contains(&format!("ErrorCode::{error:?}")) && !by_variant(*error))
        .map(|error| error.to_string())
        .collect();
    assert!(unused.is_empty(), "never produced: {unused:?}");
}
