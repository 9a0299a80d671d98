//! Hashes (listpack / hashtable encodings).

/// A hash value.
#[derive(Debug, Clone, Default)]
pub struct Hash {
    /// The fields.
    pub fields: hashbrown::HashMap<Vec<u8>, Vec<u8>>,
}

impl Hash {
    /// The name `OBJECT ENCODING` reports.
    pub fn encoding(&self) -> &'static str {
        "listpack"
    }
    /// Approximate memory use in bytes.
    pub fn mem_usage(&self) -> usize {
        16 + self.fields.iter().map(|(k, v)| k.len() + v.len() + 48).sum::<usize>()
    }
}
