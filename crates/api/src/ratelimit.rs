//! Fixed-window counters kept in memory, per instance: several instances each allow the limit.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Counts events per key in windows of fixed length and says when a key is over its limit.
#[derive(Debug)]
pub struct RateLimiter {
    limit: u32,
    window: Duration,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

/// Past this many keys, expired windows are swept on the next write, so a flood of distinct keys
/// cannot grow memory without bound.
const SWEEP_ABOVE: usize = 10_000;

impl RateLimiter {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(seconds to wait)` when `key` has used up its window.
    pub fn check(&self, key: &str, now: Instant) -> Result<(), u64> {
        let windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match windows.get(key) {
            Some(&(started, count)) if count >= self.limit && now < started + self.window => {
                let remaining = (started + self.window).saturating_duration_since(now);
                Err(remaining.as_secs().max(1))
            }
            _ => Ok(()),
        }
    }

    /// Counts one event for `key`.
    pub fn record(&self, key: &str, now: Instant) {
        let mut windows = self
            .windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if windows.len() > SWEEP_ABOVE {
            let window = self.window;
            windows.retain(|_, (started, _)| now < *started + window);
        }
        let entry = windows.entry(key.to_owned()).or_insert((now, 0));
        if now >= entry.0 + self.window {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
    }

    /// Forgets `key`, e.g. after a successful login.
    pub fn reset(&self, key: &str) {
        self.windows
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_limited_until_its_window_ends() {
        let limiter = RateLimiter::new(3, Duration::from_secs(60));
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.check("user:quantri", start), Ok(()));
            limiter.record("user:quantri", start);
        }
        assert_eq!(
            limiter.check("user:quantri", start + Duration::from_secs(15)),
            Err(45)
        );
        assert_eq!(
            limiter.check("user:khac", start),
            Ok(()),
            "other keys are not affected"
        );
        assert_eq!(
            limiter.check("user:quantri", start + Duration::from_secs(60)),
            Ok(())
        );
        limiter.record("user:quantri", start + Duration::from_secs(61));
        assert_eq!(
            limiter.check("user:quantri", start + Duration::from_secs(61)),
            Ok(())
        );
    }

    #[test]
    fn reset_forgets_a_key() {
        let limiter = RateLimiter::new(1, Duration::from_secs(60));
        let now = Instant::now();
        limiter.record("ip:127.0.0.1", now);
        assert!(limiter.check("ip:127.0.0.1", now).is_err());
        limiter.reset("ip:127.0.0.1");
        assert!(limiter.check("ip:127.0.0.1", now).is_ok());
    }

    #[test]
    fn many_distinct_keys_are_swept_once_expired() {
        let limiter = RateLimiter::new(1, Duration::from_secs(1));
        let start = Instant::now();
        for i in 0..=SWEEP_ABOVE {
            limiter.record(&format!("ip:{i}"), start);
        }
        limiter.record("ip:late", start + Duration::from_secs(2));
        let size = limiter.windows.lock().map(|w| w.len()).unwrap_or_default();
        assert_eq!(size, 1);
    }
}
