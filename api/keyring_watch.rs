//! A running server's eye on the keyring file: every `TESSERA_KEYRING_CHECK_SECONDS` it looks
//! whether the file changed (`tessera keys rotate` and `retire` replace it by a rename), loads
//! it into the sealer without a restart, and reports the keys it holds to the database (see
//! `service::instances`), at once after a change and as a heartbeat otherwise.

use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};
use std::time::{Instant, SystemTime};

use crate::crypto::keys::{KEYRING_FILE, Keyring};
use crate::crypto::sealing::{HeldKeys, Sealer};
use crate::service::instances::{HEARTBEAT, Instance};

/// What the file looked like when it was last looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileState {
    NotLookedAt,
    Unreadable,
    At {
        modified: SystemTime,
        len: u64,
        inode: u64,
    },
}

struct Looked {
    file: FileState,
    reported_at: Option<Instant>,
    /// The server stopped and removed its row: nothing is reported any more.
    stopped: bool,
    /// The file as last looked at was not taken (unreadable, or not this server's keys).
    refused: bool,
}

pub struct KeyringWatch {
    dir: PathBuf,
    pub instance: Instance,
    looked: Mutex<Looked>,
}

impl KeyringWatch {
    pub fn new(dir: PathBuf, instance: Instance) -> KeyringWatch {
        KeyringWatch {
            dir,
            instance,
            looked: Mutex::new(Looked {
                file: FileState::NotLookedAt,
                reported_at: None,
                stopped: false,
                refused: false,
            }),
        }
    }

    fn file_state(&self) -> FileState {
        match std::fs::metadata(self.dir.join(KEYRING_FILE)) {
            Ok(meta) => FileState::At {
                modified: meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                len: meta.len(),
                inode: meta.ino(),
            },
            Err(_) => FileState::Unreadable,
        }
    }

    /// One look: loads the keyring into `sealer` if the file changed, then, after a change or
    /// when the last report is a heartbeat old, calls `report` with the keys held. Returns
    /// whether the keys changed.
    /// `in_use` tells which of the keys it is given the database still holds values under
    /// (sealed or digested); it is asked only when the file drops a key this server holds.
    pub fn tick<E>(
        &self,
        sealer: &Sealer,
        in_use: impl FnOnce(&[String]) -> Result<Vec<String>, E>,
        report: impl FnOnce(&HeldKeys) -> Result<(), E>,
    ) -> Result<bool, E> {
        let mut looked = self.looked.lock().unwrap_or_else(PoisonError::into_inner);
        if looked.stopped {
            return Ok(false);
        }
        let changed = self.load_if_changed(&mut looked, sealer, in_use)?;
        if changed
            || looked
                .reported_at
                .is_none_or(|at| at.elapsed() >= HEARTBEAT)
        {
            // The lease runs from before the report: a stall while reporting shortens it.
            let reporting_at = Instant::now();
            report(&sealer.held())?;
            looked.reported_at = Some(reporting_at);
            sealer.renew_lease(reporting_at);
        }
        Ok(changed)
    }

    /// Stops reporting, then calls `leave` (which removes this instance's row): no report
    /// can slip in after it.
    pub fn stop<E>(&self, leave: impl FnOnce() -> Result<(), E>) -> Result<(), E> {
        let mut looked = self.looked.lock().unwrap_or_else(PoisonError::into_inner);
        looked.stopped = true;
        leave()
    }

    /// A file that cannot be read or parsed, or that lacks a key still in use, leaves the keys
    /// as they are, with one error in the log per change of the file.
    fn load_if_changed<E>(
        &self,
        looked: &mut Looked,
        sealer: &Sealer,
        in_use: impl FnOnce(&[String]) -> Result<Vec<String>, E>,
    ) -> Result<bool, E> {
        let file = self.file_state();
        if file == looked.file {
            return Ok(false);
        }
        looked.file = file;
        let before = sealer.held();
        let keyring = match Keyring::load(&self.dir) {
            Ok(keyring) => keyring,
            Err(e) => {
                tracing::error!(
                    error = %e,
                    "cannot read the keyring; this server keeps the keys it holds"
                );
                looked.refused = true;
                return Ok(false);
            }
        };
        // A key id is a promise about its secret: a file that gives one another secret is
        // not this deployment's keyring.
        let changed = sealer.changed_secrets(&keyring);
        if !changed.is_empty() {
            tracing::error!(
                keys = ?changed,
                "the keyring file gives keys this server holds other secrets; this server \
                 keeps the keys it holds"
            );
            looked.refused = true;
            return Ok(false);
        }
        // Keys move forward: a file that makes an older key active again is an old backup
        // (and would undo a rotation made because a key leaked).
        if keyring.active().id != before.active
            && keyring.active().created_at <= sealer.active_created_at()
        {
            tracing::error!(
                active = %before.active,
                file_active = %keyring.active().id,
                "the keyring file makes an older key active again (an old backup?); this \
                 server keeps the keys it holds"
            );
            looked.refused = true;
            return Ok(false);
        }
        // A file without a key this server holds is a retirement — or an old backup, a new
        // file, a hand edit; and without its active key, maybe a keyring that moved on while
        // this server was paused. Taken only when the database holds nothing the dropped keys
        // sealed or digested (what `keys retire` asks too).
        let dropped: Vec<String> = before
            .all
            .iter()
            .filter(|held| !keyring.keys().iter().any(|key| &key.id == *held))
            .cloned()
            .collect();
        if !dropped.is_empty() {
            let missing = in_use(&dropped)?;
            if !missing.is_empty() {
                tracing::error!(
                    active = %before.active,
                    missing = ?missing,
                    "the keyring file lacks keys the database holds values under (an older \
                     backup, a new keyring, a hand edit?); this server keeps the keys it holds"
                );
                looked.refused = true;
                return Ok(false);
            }
        }
        if std::mem::take(&mut looked.refused) {
            tracing::info!("the keyring file reads again");
        }
        sealer.load(&keyring);
        let after = sealer.held();
        if after == before {
            return Ok(false);
        }
        tracing::info!(
            active = %after.active,
            keys = ?after.all,
            "loaded the keyring: new values are sealed under the active key"
        );
        Ok(true)
    }
}
