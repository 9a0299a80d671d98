//! Lists (listpack / quicklist encodings).

use std::collections::VecDeque;

/// A list value.
#[derive(Debug, Clone, Default)]
pub struct List {
    /// The elements.
    pub items: VecDeque<Vec<u8>>,
}

impl List {
    /// The name `OBJECT ENCODING` reports.
    pub fn encoding(&self) -> &'static str {
        "listpack"
    }
    /// Approximate memory use in bytes.
    pub fn mem_usage(&self) -> usize {
        16 + self.items.iter().map(|i| i.len() + 24).sum::<usize>()
    }
}
