//! A value that grants access or proves something: a password, a session token, a TOTP secret,
//! a recovery code, a challenge id. Its `Debug` never shows it, and its memory is wiped when
//! it is dropped. Read it with [`Secret::expose`], only where it is used.

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

#[derive(Clone, Default, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_the_value_and_serde_passes_it_through() {
        let secret = Secret::new("correct horse battery staple");
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(&secret)), "Some([redacted])");
        assert_eq!(
            serde_json::to_string(&secret).unwrap(),
            "\"correct horse battery staple\""
        );
        let parsed: Secret = serde_json::from_str("\"x\"").unwrap();
        assert_eq!(parsed.expose(), "x");
    }
}
