//! The keys that sign JWT access tokens: kept in the database with the private half sealed
//! under the keyring, so every instance signs with the same key and a dump alone signs
//! nothing. The newest key that is not retired signs; `tessera keys rotate-signing` retires
//! the others, which stay published in the JWKS until every token they signed has expired
//! (then the periodic clean-up deletes them).
//!
//! Each server holds the keys in memory and re-reads them at most once every [`REFRESH`], so
//! minting a token costs no database read and a rotation reaches every instance within it.

use std::sync::{Arc, RwLock};

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

use super::error::{Error, Result};
use crate::crypto::sealing::Sealer;
use crate::crypto::signing::{ALGORITHM, KeyPair, Signer};
use crate::db::models::SigningKeyRow;
use crate::db::schema::signing_keys;
use crate::db::{DbConnection, from_db, to_db, write_transaction};
use crate::service::sealed::SIGNING_KEY;

/// How long a server signs with the keys it read before reading them again.
pub const REFRESH: Duration = Duration::seconds(60);
/// Clock difference allowed between Tessera and the verifiers.
const LEEWAY: Duration = Duration::seconds(60);

/// A public key as the JWKS publishes it (RFC 8037 `OKP` key).
#[derive(Debug, Clone)]
pub struct PublicJwk {
    /// The key id: the RFC 7638 thumbprint; JWTs name it in their `kid` header.
    pub kid: String,
    pub kty: &'static str,
    pub crv: &'static str,
    /// The public key, base64url.
    pub x: String,
    pub alg: &'static str,
    pub key_use: &'static str,
}

/// The JSON Web Key Set (RFC 7517) that verifies Tessera's access tokens.
#[derive(Debug, Clone)]
pub struct Jwks {
    pub keys: Vec<PublicJwk>,
}

/// The keys as one read of the table found them.
pub struct KeySet {
    read_at: DateTime<Utc>,
    signer: Signer,
    jwks: Jwks,
}

impl KeySet {
    pub fn signer(&self) -> &Signer {
        &self.signer
    }

    pub fn jwks(&self) -> &Jwks {
        &self.jwks
    }
}

/// The signing keys, as this server last read them.
pub struct SigningKeys {
    /// How long the access tokens live: how long a retired key stays published.
    token_lifetime: Duration,
    read: RwLock<Option<Arc<KeySet>>>,
}

impl SigningKeys {
    pub fn new(token_lifetime: Duration) -> Self {
        SigningKeys {
            token_lifetime,
            read: RwLock::new(None),
        }
    }

    /// The keys as of `now`: those in memory, unless they were read [`REFRESH`] ago or more.
    /// Makes the first key when there is none.
    pub fn current(
        &self,
        conn: &mut DbConnection,
        sealer: &Sealer,
        now: DateTime<Utc>,
    ) -> Result<Arc<KeySet>> {
        let held = self.read.read().ok().and_then(|held| held.clone());
        if let Some(keys) = held
            && now - keys.read_at < REFRESH
            && now >= keys.read_at
        {
            return Ok(keys);
        }
        let keys = Arc::new(self.read_from(conn, sealer, now)?);
        if let Ok(mut held) = self.read.write() {
            *held = Some(keys.clone());
        }
        Ok(keys)
    }

    /// How long after its retirement a key stays published: until the last token it can
    /// have signed has expired (an instance may sign with it until its next read).
    pub fn published_for(&self) -> Duration {
        REFRESH + self.token_lifetime + LEEWAY
    }

    fn read_from(
        &self,
        conn: &mut DbConnection,
        sealer: &Sealer,
        now: DateTime<Utc>,
    ) -> Result<KeySet> {
        let mut rows = load(conn)?;
        if !rows.iter().any(|row| row.retired_at.is_none()) {
            ensure_one(conn, sealer, now)?;
            rows = load(conn)?;
        }
        // Keys in use first, newest first; of keys made in the same instant (two instances
        // starting on an empty table), every instance picks the same one.
        let order =
            |row: &SigningKeyRow| (row.retired_at.is_none(), row.created_at, row.kid.clone());
        rows.sort_by_key(|row| std::cmp::Reverse(order(row)));
        let signing = rows
            .iter()
            .find(|row| row.retired_at.is_none())
            .ok_or_else(|| Error::internal("no signing key after making one"))?;
        let signer = open(sealer, signing)?.signer();
        let published_until = |row: &SigningKeyRow| {
            row.retired_at
                .is_none_or(|at| from_db(at) + self.published_for() > now)
        };
        let keys = rows
            .iter()
            .filter(|row| published_until(row))
            .map(|row| PublicJwk {
                kid: row.kid.clone(),
                kty: "OKP",
                crv: "Ed25519",
                x: row.public_key.clone(),
                alg: ALGORITHM,
                key_use: "sig",
            })
            .collect();
        Ok(KeySet {
            read_at: now,
            signer,
            jwks: Jwks { keys },
        })
    }
}

fn load(conn: &mut DbConnection) -> Result<Vec<SigningKeyRow>> {
    Ok(signing_keys::table
        .select(SigningKeyRow::as_select())
        .load(conn)?)
}

fn open(sealer: &Sealer, row: &SigningKeyRow) -> Result<KeyPair> {
    let der = sealer.open(
        &row.key_id,
        &row.private_key_ciphertext,
        &SIGNING_KEY.to(&row.kid),
    )?;
    let key = KeyPair::from_pkcs8(&der)?;
    if key.kid != row.kid {
        return Err(Error::internal(format!(
            "signing key {} opened to a different key",
            row.kid
        )));
    }
    Ok(key)
}

fn insert_new(conn: &mut DbConnection, sealer: &Sealer, now: DateTime<Utc>) -> Result<String> {
    let key = KeyPair::generate()?;
    let sealed = sealer.seal(key.pkcs8(), &SIGNING_KEY.to(&key.kid))?;
    diesel::insert_into(signing_keys::table)
        .values(SigningKeyRow {
            kid: key.kid.clone(),
            algorithm: ALGORITHM.to_string(),
            public_key: key.public_x.clone(),
            private_key_ciphertext: sealed.ciphertext,
            key_id: sealed.key_id,
            created_at: to_db(now),
            retired_at: None,
        })
        .execute(conn)?;
    Ok(key.kid)
}

/// Makes a signing key unless one is in use.
fn ensure_one(conn: &mut DbConnection, sealer: &Sealer, now: DateTime<Utc>) -> Result<()> {
    write_transaction(conn, |conn| -> Result<()> {
        let in_use: i64 = signing_keys::table
            .filter(signing_keys::retired_at.is_null())
            .count()
            .get_result(conn)?;
        if in_use == 0 {
            let kid = insert_new(conn, sealer, now)?;
            tracing::info!(%kid, "made the first token signing key");
        }
        Ok(())
    })
}

/// What a signing-key rotation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rotation {
    pub new_kid: String,
    pub retired: Vec<String>,
}

/// Makes a new signing key and retires the others (they stay published until their tokens
/// have expired).
pub fn rotate(conn: &mut DbConnection, sealer: &Sealer, now: DateTime<Utc>) -> Result<Rotation> {
    write_transaction(conn, |conn| -> Result<Rotation> {
        let retired: Vec<String> = signing_keys::table
            .filter(signing_keys::retired_at.is_null())
            .select(signing_keys::kid)
            .load(conn)?;
        diesel::update(signing_keys::table.filter(signing_keys::retired_at.is_null()))
            .set(signing_keys::retired_at.eq(Some(to_db(now))))
            .execute(conn)?;
        let new_kid = insert_new(conn, sealer, now)?;
        Ok(Rotation { new_kid, retired })
    })
}

/// Deletes retired keys once no token they signed can still be valid.
pub fn prune(conn: &mut DbConnection, keys: &SigningKeys, now: DateTime<Utc>) -> Result<usize> {
    Ok(diesel::delete(
        signing_keys::table.filter(signing_keys::retired_at.le(to_db(now - keys.published_for()))),
    )
    .execute(conn)?)
}

/// A signing key as `tessera keys list` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningKeyListing {
    pub kid: String,
    pub created_at: DateTime<Utc>,
    /// Set once a newer key took over.
    pub retired_at: Option<DateTime<Utc>>,
}

/// Every stored signing key, newest first.
pub fn list(conn: &mut DbConnection) -> Result<Vec<SigningKeyListing>> {
    Ok(signing_keys::table
        .order((signing_keys::created_at.desc(), signing_keys::kid.desc()))
        .select((
            signing_keys::kid,
            signing_keys::created_at,
            signing_keys::retired_at,
        ))
        .load::<(String, chrono::NaiveDateTime, Option<chrono::NaiveDateTime>)>(conn)?
        .into_iter()
        .map(|(kid, created_at, retired_at)| SigningKeyListing {
            kid,
            created_at: from_db(created_at),
            retired_at: retired_at.map(from_db),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::testing::World;

    #[test]
    fn a_rotation_signs_with_the_new_key_and_publishes_the_old_one_until_its_tokens_expired() {
        let mut world = World::fresh();
        let now = world.now;
        let keys = SigningKeys::new(Duration::minutes(5));
        let conn: &mut DbConnection = &mut world.conn;
        let sealer = &world.env.sealer;
        let first = keys.current(conn, sealer, now).unwrap();
        let first_kid = first.signer().kid().unwrap().to_string();
        assert_eq!(first.jwks().keys.len(), 1);
        assert!(Arc::ptr_eq(
            &first,
            &keys
                .current(conn, sealer, now + Duration::seconds(59))
                .unwrap()
        ));

        let rotation = rotate(conn, sealer, now).unwrap();
        assert_eq!(rotation.retired, vec![first_kid.clone()]);
        let later = now + REFRESH;
        let second = keys.current(conn, sealer, later).unwrap();
        assert_eq!(second.signer().kid(), Some(rotation.new_kid.as_str()));
        let published: Vec<&str> = second.jwks().keys.iter().map(|k| k.kid.as_str()).collect();
        assert_eq!(
            published,
            vec![rotation.new_kid.as_str(), first_kid.as_str()]
        );

        let gone = now + keys.published_for();
        assert_eq!(prune(conn, &keys, gone - Duration::seconds(1)).unwrap(), 0);
        let third = keys.current(conn, sealer, gone).unwrap();
        assert_eq!(third.jwks().keys.len(), 1);
        assert_eq!(prune(conn, &keys, gone).unwrap(), 1);
    }
}
