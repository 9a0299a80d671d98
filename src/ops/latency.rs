//! The latency monitor (Redis's latency.c): for each event (`command`,
//! `fast-command`, ...) a ring of the last 160 per-second samples at or above
//! `latency-monitor-threshold` milliseconds, plus the all-time maximum.

use crate::compact::ByteMap;

/// Samples kept per event.
pub const TS_LEN: usize = 160;

/// One sample: Unix seconds and latency in ms.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sample {
    /// Unix time (seconds).
    pub time: i64,
    /// Latency (ms).
    pub latency: u64,
}

/// One event's time series.
#[derive(Debug, Clone)]
pub struct Series {
    /// Ring of samples (time 0 = empty).
    pub samples: [Sample; TS_LEN],
    /// Next slot.
    pub idx: usize,
    /// All-time maximum (ms).
    pub max: u64,
}

impl Default for Series {
    fn default() -> Self {
        Series {
            samples: [Sample::default(); TS_LEN],
            idx: 0,
            max: 0,
        }
    }
}

impl Series {
    /// Samples oldest first.
    pub fn history(&self) -> impl Iterator<Item = Sample> + '_ {
        (0..TS_LEN)
            .map(move |j| self.samples[(self.idx + j) % TS_LEN])
            .filter(|s| s.time != 0)
    }

    /// The latest sample.
    pub fn latest(&self) -> Sample {
        self.samples[(self.idx + TS_LEN - 1) % TS_LEN]
    }
}

/// All events.
#[derive(Debug, Default)]
pub struct LatencyMonitor {
    /// Event name → series.
    pub events: ByteMap<Series>,
}

impl LatencyMonitor {
    /// Add a sample (Redis's `latencyAddSample`): one per second, keeping the highest.
    pub fn add(&mut self, event: &str, latency_ms: u64, now_s: i64) {
        let ts = self.events.get_or_insert_with(event, Series::default);
        ts.max = ts.max.max(latency_ms);
        let prev = (ts.idx + TS_LEN - 1) % TS_LEN;
        if ts.samples[prev].time == now_s {
            if latency_ms > ts.samples[prev].latency {
                ts.samples[prev].latency = latency_ms;
            }
            return;
        }
        ts.samples[ts.idx] = Sample {
            time: now_s,
            latency: latency_ms,
        };
        ts.idx = (ts.idx + 1) % TS_LEN;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_sample_per_second_keeps_the_max() {
        let mut m = LatencyMonitor::default();
        m.add("command", 5, 100);
        m.add("command", 9, 100);
        m.add("command", 3, 100);
        m.add("command", 2, 101);
        let s = m.events.get("command").unwrap();
        let h: Vec<Sample> = s.history().collect();
        assert_eq!(
            h,
            vec![
                Sample {
                    time: 100,
                    latency: 9
                },
                Sample {
                    time: 101,
                    latency: 2
                }
            ]
        );
        assert_eq!(s.max, 9);
        assert_eq!(
            s.latest(),
            Sample {
                time: 101,
                latency: 2
            }
        );
        for t in 0..500 {
            m.add("x", 1, 1000 + t);
        }
        assert_eq!(m.events.get("x").unwrap().history().count(), TS_LEN);
    }
}
