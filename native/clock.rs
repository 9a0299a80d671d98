//! The server's clocks, read with one `clock_gettime` each.
//!
//! The engine reads the wall clock once per command (expiry, LRU) and the host's
//! monotonic clock twice (the command's duration, for SLOWLOG, commandstats and latency
//! histograms). Through `std::time` each read also pays for checked `Timespec`
//! subtraction and `Duration` arithmetic, about 100 instructions, a tenth of a
//! pipelined GET; here it is the vDSO call and a multiplication.

use cinnabar::clock::Clock;

// time_t and c_long are i64 on 64-bit Linux but not on every target.
#[allow(clippy::unnecessary_cast)]
fn read(clock: libc::clockid_t) -> (i64, i64) {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; clock_gettime only writes to it.
    // CLOCK_REALTIME and CLOCK_MONOTONIC exist on every Linux and macOS kernel, so the
    // call cannot fail with a valid pointer.
    unsafe { libc::clock_gettime(clock, &mut ts) };
    (ts.tv_sec as i64, ts.tv_nsec as i64)
}

/// The wall clock in Unix milliseconds (the engine's clock).
#[derive(Debug, Default, Clone, Copy)]
pub struct WallClock;

impl Clock for WallClock {
    fn now_ms(&self) -> i64 {
        let (s, ns) = read(libc::CLOCK_REALTIME);
        s * 1000 + ns / 1_000_000
    }
}

/// Microseconds on the monotonic clock (an arbitrary origin; only differences count).
pub fn monotonic_us() -> u64 {
    let (s, ns) = read(libc::CLOCK_MONOTONIC);
    (s as u64) * 1_000_000 + (ns as u64) / 1000
}

/// Unix microseconds (MONITOR's timestamps).
pub fn wall_us() -> i64 {
    let (s, ns) = read(libc::CLOCK_REALTIME);
    s * 1_000_000 + ns / 1000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks_agree_with_std() {
        let std_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        let ours = WallClock.now_ms();
        assert!((ours - std_ms).abs() < 1000, "{ours} vs {std_ms}");
        assert!((wall_us() / 1000 - ours).abs() < 1000);
        let a = monotonic_us();
        let b = monotonic_us();
        assert!(b >= a);
    }
}
