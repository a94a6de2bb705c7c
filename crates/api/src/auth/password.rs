use std::sync::{Arc, Mutex, PoisonError};

use argon2::password_hash::phc::{Output, ParamsString, Salt};
use argon2::{Algorithm, Argon2, Block, Params, PasswordHash, Version};

use crate::error::ApiError;

/// Memory for argon2, kept by a hashing thread and reused for every hash it computes.
type Scratch = Vec<Block>;

/// Computes an argon2 output into `memory`, growing it only when a stored hash asks for more.
fn compute(
    memory: &mut Scratch,
    algorithm: Algorithm,
    version: Version,
    params: Params,
    password: &[u8],
    salt: &[u8],
) -> Result<Output, String> {
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, Block::new());
    }
    let mut out = vec![0u8; params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN)];
    Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(password, salt, &mut out, &mut memory[..blocks])
        .map_err(|e| e.to_string())?;
    Output::new(&out).map_err(|e| e.to_string())
}

/// argon2id with 7 MiB and 5 passes: one of OWASP's equivalent settings (with 19 MiB and 2
/// passes), chosen for the smaller memory each hashing thread keeps.
fn params() -> Result<Params, String> {
    Params::new(7 * 1024, 5, 1, None).map_err(|e| e.to_string())
}

/// Hashes with argon2id into a PHC string.
fn hash_with(memory: &mut Scratch, password: &str) -> Result<String, ApiError> {
    let failed = |e: String| ApiError::Internal(format!("hashing a password: {e}"));
    let salt: [u8; 16] = rand::random();
    let params = params().map_err(failed)?;
    let output = compute(
        memory,
        Algorithm::Argon2id,
        Version::V0x13,
        params.clone(),
        password.as_bytes(),
        &salt,
    )
    .map_err(failed)?;
    phc_string(&params, &salt, output).map_err(failed)
}

/// An argon2id hash in the PHC string format, naming its parameters.
fn phc_string(params: &Params, salt: &[u8], output: Output) -> Result<String, String> {
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params).map_err(|e| e.to_string())?,
        salt: Some(Salt::new(salt).map_err(|e| e.to_string())?),
        hash: Some(output),
    };
    Ok(hash.to_string())
}

/// Checks a password against a PHC string with the parameters stored in it.
fn verify_with(memory: &mut Scratch, password: &str, hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm.as_str()) else {
        return false;
    };
    let Ok(version) = parsed
        .version
        .map_or(Ok(Version::default()), Version::try_from)
    else {
        return false;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    // `Output` compares in constant time.
    compute(
        memory,
        algorithm,
        version,
        params,
        password.as_bytes(),
        salt,
    )
    .is_ok_and(|computed| &computed == expected)
}

/// A hash of no password: our parameters, a random salt and a random output. Checking a
/// password against it costs exactly what checking a real one does, and never matches; it
/// needs no hashing to make, so a server holds no argon2 memory until its first login.
fn dummy_hash() -> Result<String, ApiError> {
    let failed = |e: String| ApiError::Internal(format!("making the dummy hash: {e}"));
    let salt: [u8; 16] = rand::random();
    let output: [u8; 32] = rand::random();
    let output = Output::new(&output).map_err(|e| failed(e.to_string()))?;
    phc_string(&params().map_err(failed)?, &salt, output).map_err(failed)
}

/// Hashes a password on the calling thread (the CLI, the demo). Blocks for tens of milliseconds.
pub fn hash_password_blocking(password: &str) -> Result<String, ApiError> {
    hash_with(&mut Scratch::new(), password)
}

type Job = Box<dyn FnOnce(&mut Scratch) + Send>;

/// Hashes and checks passwords on a few dedicated threads, each with its own argon2 memory.
/// A flood of logins queues here (bounded, so it waits rather than grows), and memory stays at
/// 7 MiB a thread: allocating per hash on the blocking pool left a block in every allocator
/// arena (seen: 720 MB resident under a login flood).
#[derive(Clone)]
pub struct PasswordHasher {
    jobs: tokio::sync::mpsc::Sender<Job>,
    /// Checked when the username is unknown, so that case costs the same as a wrong password.
    dummy_hash: Arc<String>,
}

/// Requests waiting for a hashing thread before new ones wait to be queued.
const QUEUE: usize = 256;

impl PasswordHasher {
    pub fn new(threads: usize) -> Result<Self, ApiError> {
        let (jobs, receiver) = tokio::sync::mpsc::channel::<Job>(QUEUE);
        let receiver = Arc::new(Mutex::new(receiver));
        for index in 0..threads.max(1) {
            let receiver = Arc::clone(&receiver);
            std::thread::Builder::new()
                .name(format!("password-hash-{index}"))
                .spawn(move || {
                    // Allocated by the first hash this thread computes, then reused.
                    let mut memory = Scratch::new();
                    loop {
                        // A statement of its own, so the lock is released before the job runs.
                        let next = receiver
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .blocking_recv();
                        // None once every sender is gone: the server has stopped.
                        let Some(job) = next else { break };
                        job(&mut memory);
                    }
                })
                .map_err(|e| ApiError::Internal(format!("starting a hashing thread: {e}")))?;
        }
        Ok(Self {
            jobs,
            dummy_hash: Arc::new(dummy_hash()?),
        })
    }

    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        self.run(move |memory| hash_with(memory, &password)).await?
    }

    /// Checks a password against the stored hash, or against a dummy when there is none.
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, ApiError> {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| self.dummy_hash.as_ref().clone());
        let matches = self
            .run(move |memory| verify_with(memory, &password, &hash))
            .await?;
        Ok(known && matches)
    }

    /// Runs `work` on a hashing thread, in the caller's span.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Scratch) -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let span = tracing::Span::current();
        let job: Job = Box::new(move |memory| {
            let _receiver_gone = reply.send(span.in_scope(|| work(memory)));
        });
        self.jobs
            .send(job)
            .await
            .map_err(|_| ApiError::ShuttingDown)?;
        answer
            .await
            .map_err(|_| ApiError::Internal("a hashing thread stopped".to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use argon2::{PasswordHasher as _, PasswordVerifier as _};

    use super::*;

    #[test]
    fn the_dummy_hash_takes_the_work_of_a_real_one_and_matches_nothing() {
        let dummy = dummy_hash().unwrap_or_default();
        let real = hash_password_blocking("mật khẩu dài đủ").unwrap_or_default();
        let params_of = |hash: &str| hash.split('$').nth(3).map(str::to_owned);
        assert_eq!(params_of(&dummy), params_of(&real));
        let mut memory = Scratch::new();
        assert!(!verify_with(&mut memory, "mật khẩu dài đủ", &dummy));
        assert!(!verify_with(&mut memory, "", &dummy));
        assert_ne!(
            dummy,
            dummy_hash().unwrap_or_default(),
            "a new salt each time"
        );
    }

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let hash = hash_password_blocking("mật khẩu dài đủ").unwrap_or_default();
        assert!(hash.starts_with("$argon2id$v=19$m=7168,t=5,p=1$"), "{hash}");
        let mut memory = Scratch::new();
        assert!(verify_with(&mut memory, "mật khẩu dài đủ", &hash));
        assert!(!verify_with(&mut memory, "mat khau dai du", &hash));
        assert!(!verify_with(&mut memory, "anything", "not a hash"));
    }

    #[test]
    fn our_hashes_and_the_argon2_crate_agree_both_ways() {
        let ours = hash_password_blocking("mật khẩu dài đủ").unwrap_or_default();
        let parsed = PasswordHash::new(&ours);
        assert!(parsed.is_ok_and(|p| {
            Argon2::default()
                .verify_password("mật khẩu dài đủ".as_bytes(), &p)
                .is_ok()
        }));
        let theirs = Argon2::default()
            .hash_password("mật khẩu dài đủ".as_bytes())
            .map(|h| h.to_string())
            .unwrap_or_default();
        assert!(verify_with(&mut Scratch::new(), "mật khẩu dài đủ", &theirs));
        assert!(!verify_with(&mut Scratch::new(), "sai", &theirs));
    }

    #[test]
    fn hashes_with_other_parameters_still_verify() {
        let params = Params::new(8 * 1024, 3, 1, None).unwrap_or_default();
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let other = argon2
            .hash_password("mật khẩu cũ hơn".as_bytes())
            .map(|h| h.to_string())
            .unwrap_or_default();
        assert!(other.contains("m=8192,t=3"), "{other}");
        assert!(verify_with(&mut Scratch::new(), "mật khẩu cũ hơn", &other));
    }
}
