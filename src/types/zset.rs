//! Sorted sets (listpack / skiplist encodings).

/// A sorted set value.
#[derive(Debug, Clone, Default)]
pub struct ZSet {
    /// Member → score.
    pub scores: hashbrown::HashMap<Vec<u8>, f64>,
}

impl ZSet {
    /// The name `OBJECT ENCODING` reports.
    pub fn encoding(&self) -> &'static str {
        "listpack"
    }
    /// Approximate memory use in bytes.
    pub fn mem_usage(&self) -> usize {
        16 + self.scores.keys().map(|m| m.len() + 40).sum::<usize>()
    }
}
