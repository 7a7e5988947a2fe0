//! Random tokens and their storable digests.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// `N` bytes from the operating system's random source.
#[expect(
    clippy::expect_used,
    reason = "without a working random source no token, key or salt can be made: stopping is \
              the only safe answer, and it happens at start, when the keys are made"
)]
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the operating system's random source works");
    bytes
}

/// A 256-bit random token, URL-safe base64, behind a prefix that says what it is
/// (so secret scanners and people can tell a session token from an API key).
pub fn random_token(prefix: &str) -> String {
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(random_bytes::<32>()))
}

/// SHA-256 of a high-entropy token, hex: what the database stores instead of the token.
pub fn token_digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        text.push(char::from(DIGITS[usize::from(b >> 4)]));
        text.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_digests_are_stable() {
        let a = random_token("tss_");
        let b = random_token("tss_");
        assert_ne!(a, b);
        assert_eq!(a.len(), 4 + 43);
        assert_eq!(token_digest("abc").len(), 64);
        assert_eq!(
            token_digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
