//! Per-command statistics (INFO commandstats / latencystats) and error statistics
//! (INFO errorstats).
//!
//! Counters are indexed by command id (the spec index, see `acl::commands`), so
//! recording a call is an index and three additions. Latency histograms are kept only
//! for commands that ran, in HDR-style buckets (128 sub-buckets per power of two,
//! about two significant digits), and report the bucket's highest equivalent value as
//! Redis's hdr_histogram does.

use crate::compact::ByteMap;

/// Counters of one command.
#[derive(Debug, Clone, Default)]
pub struct CmdStat {
    /// Times it ran.
    pub calls: u64,
    /// Total microseconds spent.
    pub usec: u64,
    /// Refused before running (arity, ACL, OOM, ...).
    pub rejected: u64,
    /// Ran and answered an error.
    pub failed: u64,
    /// Latency histogram (nanoseconds), when latency tracking is on.
    pub hist: Option<Histogram>,
}

/// All commands' counters.
#[derive(Debug, Default)]
pub struct CommandStats {
    by_id: Vec<CmdStat>,
}

impl CommandStats {
    /// The counters of command `id`, created on first use.
    #[inline]
    pub fn get_mut(&mut self, id: usize) -> Option<&mut CmdStat> {
        if id >= self.by_id.len() {
            if id >= crate::acl::commands::bits() {
                return None;
            }
            self.by_id.resize_with(id + 1, CmdStat::default);
        }
        self.by_id.get_mut(id)
    }

    /// (id, counters) of every command that ran or was refused.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &CmdStat)> {
        self.by_id
            .iter()
            .enumerate()
            .filter(|(_, s)| s.calls > 0 || s.rejected > 0 || s.failed > 0)
    }

    /// Forget everything (CONFIG RESETSTAT).
    pub fn reset(&mut self) {
        self.by_id.clear();
    }
}

/// Errors by their first word (`ERR`, `WRONGTYPE`, ...), at most 128 kinds (Redis stops
/// tracking new kinds beyond that).
#[derive(Debug, Default)]
pub struct ErrorStats {
    /// Code → count.
    pub counts: ByteMap<u64>,
}

/// Most distinct error codes tracked.
const MAX_ERROR_CODES: usize = 128;

impl ErrorStats {
    /// Count one error reply with text `text` (without the leading `-`).
    pub fn count(&mut self, text: &str) {
        let code = text.split(' ').next().unwrap_or("");
        if let Some(n) = self.counts.get_mut(code) {
            *n += 1;
        } else if self.counts.len() < MAX_ERROR_CODES {
            self.counts.insert(code, 1);
        }
    }
}

/// An HDR-style histogram of nanosecond values: a flat array of counters (allocated on
/// first use), so recording is an index and an increment.
#[derive(Debug, Clone, Default)]
pub struct Histogram {
    buckets: Vec<u64>,
    total: u64,
}

const SUB: u64 = 128;
/// Buckets up to about 2^47 ns (39 hours); longer values land in the last one.
const NBUCKETS: usize = (2 * SUB + 40 * SUB) as usize;

fn bucket_of(v: u64) -> u32 {
    if v < 2 * SUB {
        return v as u32;
    }
    let e = 63 - v.leading_zeros() as u64 - 7; // v >> e is in [128, 256)
    let sub = v >> e;
    (2 * SUB + (e - 1) * SUB + (sub - SUB)) as u32
}

fn highest_of(b: u32) -> u64 {
    let b = u64::from(b);
    if b < 2 * SUB {
        return b;
    }
    let rel = b - 2 * SUB;
    let e = rel / SUB + 1;
    let sub = rel % SUB + SUB;
    ((sub + 1) << e) - 1
}

impl Histogram {
    /// Record one value.
    #[inline]
    pub fn record(&mut self, v: u64) {
        if self.buckets.is_empty() {
            self.buckets = vec![0; NBUCKETS];
        }
        let b = (bucket_of(v) as usize).min(NBUCKETS - 1);
        self.buckets[b] += 1;
        self.total += 1;
    }

    fn iter(&self) -> impl Iterator<Item = (u32, u64)> + '_ {
        self.buckets
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(b, n)| (b as u32, *n))
    }

    /// Cumulative counts at power-of-two boundaries from 1024 ns, in microseconds, where
    /// the count grows (LATENCY HISTOGRAM's `histogram_usec`).
    pub fn cdf_log2(&self) -> Vec<(u64, u64)> {
        let mut out = Vec::new();
        let mut upper: u64 = 1024;
        let mut prev = 0;
        let mut it = self.iter().peekable();
        let mut cum = 0;
        loop {
            while let Some(&(b, n)) = it.peek() {
                if highest_of(b) > upper {
                    break;
                }
                cum += n;
                it.next();
            }
            if cum > prev {
                out.push((upper / 1000, cum));
                prev = cum;
            }
            if cum >= self.total || upper > u64::MAX / 2 {
                break;
            }
            upper *= 2;
        }
        out
    }

    /// The value at percentile `p` (0..=100).
    pub fn percentile(&self, p: f64) -> u64 {
        if self.total == 0 {
            return 0;
        }
        let want = ((p / 100.0) * self.total as f64 + 0.5).max(1.0) as u64;
        let mut seen = 0;
        let mut last = 0;
        for (b, n) in self.iter() {
            seen += n;
            last = b;
            if seen >= want {
                return highest_of(b);
            }
        }
        highest_of(last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_keep_two_digits() {
        for v in [0u64, 1, 255, 256, 257, 1000, 1_000_000, u64::MAX / 2] {
            let h = highest_of(bucket_of(v));
            assert!(h >= v, "{v} -> {h}");
            assert!(h - v <= v / 128 + 1, "{v} -> {h}");
        }
        let mut h = Histogram::default();
        for v in 1..=100u64 {
            h.record(v * 1000);
        }
        let p50 = h.percentile(50.0);
        assert!((50_000..=50_400).contains(&p50), "{p50}");
        assert!(h.percentile(100.0) >= 100_000);
    }

    #[test]
    fn error_codes() {
        let mut e = ErrorStats::default();
        e.count("ERR syntax error");
        e.count("ERR x");
        e.count("WRONGTYPE Operation");
        assert_eq!(e.counts.get("ERR"), Some(&2));
        assert_eq!(e.counts.get("WRONGTYPE"), Some(&1));
    }
}
