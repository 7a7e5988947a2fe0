//! Password hashing, random tokens and the server's keys.

pub mod keys;
pub mod password;
pub mod sealing;
pub mod tokens;
pub mod totp;
