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
    pub fn tick<E>(
        &self,
        sealer: &Sealer,
        report: impl FnOnce(&HeldKeys) -> Result<(), E>,
    ) -> Result<bool, E> {
        let mut looked = self.looked.lock().unwrap_or_else(PoisonError::into_inner);
        if looked.stopped {
            return Ok(false);
        }
        let changed = self.load_if_changed(&mut looked, sealer);
        if changed
            || looked
                .reported_at
                .is_none_or(|at| at.elapsed() >= HEARTBEAT)
        {
            report(&sealer.held())?;
            looked.reported_at = Some(Instant::now());
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

    /// A file that cannot be read or parsed, or that lacks the active key, leaves the keys as
    /// they are, with one error in the log per change of the file.
    fn load_if_changed(&self, looked: &mut Looked, sealer: &Sealer) -> bool {
        let file = self.file_state();
        if file == looked.file {
            return false;
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
                return false;
            }
        };
        // A rotation keeps the active key (it becomes an older one), and so does retiring
        // another: a keyring without it is an old backup or a new file, and taking it would
        // leave everything sealed since unreadable.
        if !keyring.keys().iter().any(|key| key.id == before.active) {
            tracing::error!(
                active = %before.active,
                file_keys = ?keyring.keys().iter().map(|k| k.id.as_str()).collect::<Vec<_>>(),
                "the keyring file lacks this server's active key (an older backup, or a new \
                 keyring?); this server keeps the keys it holds"
            );
            looked.refused = true;
            return false;
        }
        if std::mem::take(&mut looked.refused) {
            tracing::info!("the keyring file reads again");
        }
        sealer.load(&keyring);
        let after = sealer.held();
        if after == before {
            return false;
        }
        tracing::info!(
            active = %after.active,
            keys = ?after.all,
            "loaded the keyring: new values are sealed under the active key"
        );
        true
    }
}
