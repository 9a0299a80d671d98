//! Sets (intset / listpack / hashtable encodings).

/// A set value.
#[derive(Debug, Clone, Default)]
pub struct Set {
    /// The members.
    pub members: hashbrown::HashSet<Vec<u8>>,
}

impl Set {
    /// The name `OBJECT ENCODING` reports.
    pub fn encoding(&self) -> &'static str {
        "listpack"
    }
    /// Approximate memory use in bytes.
    pub fn mem_usage(&self) -> usize {
        16 + self.members.iter().map(|m| m.len() + 24).sum::<usize>()
    }
}
