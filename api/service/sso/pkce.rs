//! PKCE (RFC 7636) with the S256 method: the verifier stays on the server, the provider sees
//! only its SHA-256.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::crypto::tokens::random_bytes;

/// A fresh code verifier: 43 characters of base64url over 32 random bytes.
pub fn new_verifier() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// The `code_challenge` for `verifier` (method S256).
pub fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Whether `text` has the shape of an S256 challenge: 43 characters of base64url.
pub fn is_challenge(text: &str) -> bool {
    text.len() == 43
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether `verifier` answers `challenge` (compared in constant time).
pub fn verifies(challenge: &str, verifier: &str) -> bool {
    use subtle::ConstantTimeEq;
    bool::from(
        challenge
            .as_bytes()
            .ct_eq(self::challenge(verifier).as_bytes()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_is_rfc_7636s_s256() {
        // RFC 7636, Appendix B.
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        let verifier = new_verifier();
        assert_eq!(verifier.len(), 43);
        assert!(is_challenge(&challenge(&verifier)));
        assert!(verifies(&challenge(&verifier), &verifier));
        assert!(!verifies(&challenge(&verifier), "another"));
        assert!(!is_challenge("too short") && !is_challenge(&format!("{}=", &verifier[..42])));
        assert_ne!(verifier, new_verifier());
    }
}
