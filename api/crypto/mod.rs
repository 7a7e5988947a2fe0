//! Password hashing, random tokens, TOTP, sealing, token signing and the server's keys. Knows nothing of the
//! domain or of HTTP; its failures are [`CryptoError`]s.

pub mod keys;
pub mod password;
pub mod sealing;
pub mod signing;
pub mod tokens;
pub mod totp;

/// A failure of the cryptographic machinery: never the client's doing.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("sealing failed")]
    Seal,
    #[error("value sealed with unknown key {0}")]
    UnknownKey(String),
    #[error("sealed value does not open: {0}")]
    Open(&'static str),
    #[error("password hashing: {0}")]
    Hash(String),
    #[error("signing a token: {0}")]
    Sign(String),
    #[error("the hashing threads are gone")]
    HashingThreadsGone,
    /// This server has not told the database which keys it holds for too long (it was
    /// paused, or the database was away): it seals nothing until it has, since the keyring
    /// may have moved on without it.
    #[error("this server's keyring lease has lapsed")]
    LeaseLapsed,
}
