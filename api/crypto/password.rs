//! argon2id password hashing with bounded concurrency.
//!
//! Each hash takes ~19 MiB and tens of milliseconds of one core. Hashes run on a few dedicated
//! threads (one per core), so at most that many 19 MiB blocks exist, and only those threads'
//! allocator arenas ever hold them: on the general blocking pool, every thread that once hashed
//! would keep its own 19 MiB. Callers also take a permit from [`PasswordHasher::permit`] before
//! they go to the blocking pool, so a login storm queues there instead of tying up blocking
//! threads and database connections while it waits.
//!
//! Each hashing thread keeps its argon2 memory between hashes instead of allocating 19 MiB per
//! call: the allocator would otherwise keep the freed blocks (glibc raises its mmap threshold
//! after the first one), and the resident size grows by hundreds of MiB in a login storm.
//! After 10 s without a hash the thread gives the memory back, so an idle server is small.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use std::cell::RefCell;

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

use super::CryptoError;

type Job = Box<dyn FnOnce() + Send>;

pub struct PasswordHasher {
    params: Params,
    jobs: Sender<Job>,
    /// A hash of a random password, verified against when the account does not exist, so
    /// that an unknown email costs the same time as a wrong password.
    dummy_hash: String,
    permits: Arc<Semaphore>,
    /// Requests holding or waiting for a permit, and how many may.
    admitted: Arc<AtomicUsize>,
    capacity: usize,
}

/// A place in the hashing queue, held from admission until the request is done.
pub struct QueuePlace {
    permits: Arc<Semaphore>,
    admitted: Arc<AtomicUsize>,
}

impl QueuePlace {
    /// Waits for a hashing permit; the wait is bounded by the queue's length.
    pub async fn permit(&self) -> Option<OwnedSemaphorePermit> {
        // The semaphore is never closed; if it were, hashing would go on unthrottled rather
        // than fail the request.
        self.permits.clone().acquire_owned().await.ok()
    }
}

impl Drop for QueuePlace {
    fn drop(&mut self) {
        self.admitted.fetch_sub(1, Ordering::AcqRel);
    }
}

pub struct Verification {
    pub valid: bool,
    /// The stored hash used other parameters than today's: store a fresh one.
    pub needs_rehash: bool,
}

impl PasswordHasher {
    /// argon2id with m = 19456 KiB, t = 2, p = 1 (OWASP's recommendation), on
    /// `max_concurrent` threads, with up to `queue_per_thread` requests waiting per thread.
    pub fn new(max_concurrent: usize, queue_per_thread: usize) -> Result<Self, CryptoError> {
        Self::with_params(Params::DEFAULT, max_concurrent, queue_per_thread)
    }

    pub fn with_params(
        params: Params,
        max_concurrent: usize,
        queue_per_thread: usize,
    ) -> Result<Self, CryptoError> {
        let threads = max_concurrent.max(1);
        let (jobs, queue) = channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..threads {
            let queue = queue.clone();
            std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || run_jobs(&queue))
                .map_err(|e| CryptoError::Hash(format!("cannot start a hashing thread: {e}")))?;
        }
        let mut hasher = PasswordHasher {
            params,
            jobs,
            dummy_hash: String::new(),
            // Two permits per hashing thread: a login also reads and writes the database
            // before and after its hash, and with one permit per thread the hashing threads
            // would sit idle during that work. Memory stays bounded by the threads.
            permits: Arc::new(Semaphore::new(threads * 2)),
            admitted: Arc::new(AtomicUsize::new(0)),
            capacity: threads * 2 + threads * queue_per_thread.max(1),
        };
        // Made on a thread of its own that ends at once, so no hashing thread holds argon2
        // memory while the server is idle.
        let random = Zeroizing::new(super::tokens::random_token(""));
        let params = hasher.params.clone();
        hasher.dummy_hash = std::thread::scope(|scope| {
            scope
                .spawn(|| hash_phc(&params, random.as_bytes()))
                .join()
                .map_err(|_| CryptoError::Hash("the start-up hash panicked".into()))?
                .map_err(CryptoError::Hash)
        })?;
        return_freed_memory();
        Ok(hasher)
    }

    /// Runs `work` on a hashing thread and waits for its result (callers are on the blocking
    /// pool already, so waiting here blocks no async worker).
    fn on_hashing_thread<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, CryptoError> {
        let (done, result) = sync_channel(1);
        let job: Job = Box::new(move || {
            let _ = done.send(work());
        });
        self.jobs
            .send(job)
            .map_err(|_| CryptoError::HashingThreadsGone)?;
        result.recv().map_err(|_| CryptoError::HashingThreadsGone)
    }

    /// A place in the queue for a permit, or `None` at once when the queue is full: under a
    /// login storm the excess is refused in microseconds instead of waiting (and holding a
    /// connection) for seconds.
    pub fn queue(&self) -> Option<QueuePlace> {
        let before = self.admitted.fetch_add(1, Ordering::AcqRel);
        let place = QueuePlace {
            permits: self.permits.clone(),
            admitted: self.admitted.clone(),
        };
        // Dropping `place` gives the count back.
        (before < self.capacity).then_some(place)
    }

    /// Hashes the password's NFKC form (NIST SP 800-63B §5.1.1.2): the same passphrase typed
    /// on another keyboard or system, composed differently, is the same password.
    pub fn hash(&self, password: &str) -> Result<String, CryptoError> {
        let params = self.params.clone();
        let password = Zeroizing::new(password.nfkc().collect::<String>());
        self.on_hashing_thread(move || hash_phc(&params, password.as_bytes()))?
            .map_err(CryptoError::Hash)
    }

    /// Checks the password's NFKC form; a hash made before passwords were normalised may hold
    /// the password as typed, so that is tried too (only when it differs) and, if it matches,
    /// the hash is due for renewal.
    pub fn verify(&self, password: &str, stored: &str) -> Verification {
        let normalised: String = password.nfkc().collect();
        let verification = self.verify_exact(&normalised, stored);
        if verification.valid || normalised == password {
            return verification;
        }
        let legacy = self.verify_exact(password, stored);
        Verification {
            valid: legacy.valid,
            needs_rehash: legacy.valid,
        }
    }

    fn verify_exact(&self, password: &str, stored: &str) -> Verification {
        let Ok(parsed) = PasswordHash::new(stored) else {
            return Verification {
                valid: false,
                needs_rehash: false,
            };
        };
        let (password, hash) = (Zeroizing::new(password.to_string()), parsed.clone());
        let valid = self
            .on_hashing_thread(move || verify_phc(password.as_bytes(), &hash))
            .unwrap_or(false);
        let current = parsed.algorithm.as_str() == "argon2id"
            && Params::try_from(&parsed).is_ok_and(|p| {
                p.m_cost() == self.params.m_cost()
                    && p.t_cost() == self.params.t_cost()
                    && p.p_cost() == self.params.p_cost()
            });
        Verification {
            valid,
            needs_rehash: valid && !current,
        }
    }

    /// Spends the same work as [`verify`](Self::verify) and always fails.
    pub fn verify_dummy(&self, password: &str) -> Verification {
        let _ = self.verify(password, &self.dummy_hash);
        Verification {
            valid: false,
            needs_rehash: false,
        }
    }
}

thread_local! {
    /// This hashing thread's argon2 memory, reused from hash to hash.
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

fn with_memory<T>(blocks: usize, work: impl FnOnce(&mut [Block]) -> T) -> T {
    MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        if memory.len() < blocks {
            memory.resize(blocks, Block::default());
        }
        work(&mut memory[..])
    })
}

/// argon2id with a fresh 128-bit salt, as a PHC string.
fn hash_phc(params: &Params, password: &[u8]) -> Result<String, String> {
    let salt = super::tokens::random_bytes::<16>();
    let mut out = vec![0u8; params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN)];
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    with_memory(params.block_count(), |memory| {
        argon2.hash_password_into_with_memory(password, &salt, &mut out, memory)
    })
    .map_err(|e| e.to_string())?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params).map_err(|e| e.to_string())?,
        salt: Some(Salt::new(&salt).map_err(|e| e.to_string())?),
        hash: Some(Output::new(&out).map_err(|e| e.to_string())?),
    };
    Ok(phc.to_string())
}

/// Recomputes the hash with the stored algorithm, version, parameters and salt; the outputs
/// are compared in constant time (`Output`'s equality).
fn verify_phc(password: &[u8], stored: &PasswordHash) -> bool {
    let (Some(salt), Some(expected)) = (&stored.salt, &stored.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(stored.algorithm.as_str()) else {
        return false;
    };
    let Ok(version) = Version::try_from(stored.version.unwrap_or(Version::V0x13.into())) else {
        return false;
    };
    let Ok(params) = Params::try_from(stored) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    let argon2 = Argon2::new(algorithm, version, params.clone());
    let computed = with_memory(params.block_count(), |memory| {
        argon2.hash_password_into_with_memory(password, salt, &mut out, memory)
    });
    computed.is_ok() && Output::new(&out).is_ok_and(|output| output == *expected)
}

/// How long a hashing thread keeps its argon2 memory after its last hash.
const KEEP_MEMORY_IDLE: Duration = Duration::from_secs(10);

/// Gives the thread's argon2 memory back to the system.
fn release_memory() {
    MEMORY.with(|memory| *memory.borrow_mut() = Vec::new());
    return_freed_memory();
}

/// Asks the allocator to hand freed pages back: glibc keeps a freed block this large in its
/// arena (its mmap threshold rises after the first one), so without this the resident size
/// would not shrink when hashing stops.
fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory of the allocator's own arenas.
    unsafe {
        libc::malloc_trim(0);
    }
}

fn run_jobs(queue: &Mutex<Receiver<Job>>) {
    // Under a login storm the cores go to the session check first (see `crate::threads`).
    crate::threads::yield_to_everything();
    let mut holding_memory = false;
    loop {
        let job = match queue.lock() {
            Ok(queue) if holding_memory => match queue.recv_timeout(KEEP_MEMORY_IDLE) {
                Ok(job) => Some(job),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return, // the hasher was dropped
            },
            Ok(queue) => match queue.recv() {
                Ok(job) => Some(job),
                Err(_) => return,
            },
            Err(_) => return,
        };
        match job {
            Some(job) => {
                job();
                holding_memory = true;
            }
            None => {
                // Idle: a login storm's memory should not stay resident for hours.
                release_memory();
                holding_memory = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queue_refuses_past_its_length_and_frees_places_when_requests_finish() {
        // One thread: two permits and one waiting place.
        let hasher = PasswordHasher::new(1, 1).unwrap();
        let places: Vec<QueuePlace> = (0..3).map(|_| hasher.queue().unwrap()).collect();
        assert!(hasher.queue().is_none());
        drop(places);
        assert!(hasher.queue().is_some());
    }

    #[test]
    fn hashes_verify_and_outdated_parameters_ask_for_a_rehash() {
        let hasher = PasswordHasher::new(1, 1).unwrap();
        let hash = hasher.hash("correct horse battery staple").unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        let ok = hasher.verify("correct horse battery staple", &hash);
        assert!(ok.valid && !ok.needs_rehash);
        assert!(!hasher.verify("wrong", &hash).valid);

        let weak =
            PasswordHasher::with_params(Params::new(8192, 1, 1, None).unwrap(), 1, 1).unwrap();
        let old = weak.hash("correct horse battery staple").unwrap();
        let upgraded = hasher.verify("correct horse battery staple", &old);
        assert!(upgraded.valid && upgraded.needs_rehash);
        assert!(!hasher.verify_dummy("anything").valid);
        assert!(!hasher.verify("x", "not a phc string").valid);
    }

    #[test]
    fn passwords_are_compared_in_their_nfkc_form_and_old_hashes_of_the_raw_form_still_work() {
        let hasher = PasswordHasher::new(1, 1).unwrap();
        // "é" precomposed, and as "e" + combining acute; a full-width "Ａ" and an "A".
        let composed = "caf\u{e9} \u{ff21}bc passphrase";
        let decomposed = "cafe\u{301} Abc passphrase";
        let hash = hasher.hash(composed).unwrap();
        let check = hasher.verify(decomposed, &hash);
        assert!(check.valid && !check.needs_rehash);

        let raw = hash_phc(&Params::DEFAULT, composed.as_bytes()).unwrap();
        let legacy = hasher.verify(composed, &raw);
        assert!(
            legacy.valid && legacy.needs_rehash,
            "a raw-form hash is upgraded"
        );
        assert!(!hasher.verify("something else", &raw).valid);
    }
}
