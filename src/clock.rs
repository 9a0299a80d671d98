//! Injected time. The engine never reads a system clock itself.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// A source of the current Unix time in milliseconds.
pub trait Clock: Send {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> i64;

    /// The current time where it decides whether a key has expired. The npm package's
    /// GET/SET path may run on a clock that is a little behind (`now_ms` refreshed every
    /// few hundred calls and on each active-expiry tick, as Redis refreshes its LRU
    /// clock in its cron); there this reads the real time. Elsewhere it is `now_ms`.
    fn precise_ms(&self) -> i64 {
        self.now_ms()
    }
}

/// The host's wall clock (not available on `wasm32-unknown-unknown`, whose host injects
/// its own clock from `Date.now()`).
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

#[cfg(not(target_arch = "wasm32"))]
impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }
}

/// A clock that only moves when told to: for deterministic TTL tests.
#[derive(Debug, Clone, Default)]
pub struct ManualClock(Arc<AtomicI64>);

impl ManualClock {
    /// A clock reading `ms`.
    pub fn new(ms: i64) -> Self {
        ManualClock(Arc::new(AtomicI64::new(ms)))
    }
    /// Set the time.
    pub fn set(&self, ms: i64) {
        self.0.store(ms, Ordering::SeqCst);
    }
    /// Move the time forward by `ms`.
    pub fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// A clock driven by a closure (the wasm host passes `Date.now`).
pub struct FnClock<F: Fn() -> i64 + Send>(pub F);

impl<F: Fn() -> i64 + Send> Clock for FnClock<F> {
    fn now_ms(&self) -> i64 {
        (self.0)()
    }
}
