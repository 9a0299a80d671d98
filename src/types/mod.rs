//! Values: one file per data structure. This module holds the [`Value`] enum that
//! every keyspace entry stores, and the type names Redis reports.

pub mod geohash;
pub mod hash;
pub mod hll;
pub mod list;
pub mod set;
pub mod small;
pub mod stream;
pub mod string;
pub mod zset;

pub use hash::Hash;
pub use list::List;
pub use set::Set;
pub use small::SmallBytes;
pub use stream::Stream;
pub use string::StrValue;
pub use zset::ZSet;

/// The value stored at a key.
#[derive(Debug, Clone)]
pub enum Value {
    /// A string (int, embstr or raw encoding).
    Str(StrValue),
    /// A list.
    List(Box<List>),
    /// A hash.
    /// (Held inline: a `Hash` is 16 bytes, and `Value` stays 24.)
    Hash(Hash),
    /// A set.
    Set(Box<Set>),
    /// A sorted set.
    ZSet(Box<ZSet>),
    /// A stream.
    Stream(Box<Stream>),
}

impl Default for Value {
    fn default() -> Self {
        Value::Str(StrValue::default())
    }
}

impl Value {
    /// The name `TYPE` reports.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Str(_) => "string",
            Value::List(_) => "list",
            Value::Hash(_) => "hash",
            Value::Set(_) => "set",
            Value::ZSet(_) => "zset",
            Value::Stream(_) => "stream",
        }
    }

    /// The name `OBJECT ENCODING` reports.
    pub fn encoding(&self) -> &'static str {
        match self {
            Value::Str(s) => s.encoding(),
            Value::List(l) => l.encoding(),
            Value::Hash(h) => h.encoding(),
            Value::Set(s) => s.encoding(),
            Value::ZSet(z) => z.encoding(),
            Value::Stream(s) => s.encoding(),
        }
    }

    /// A string value from bytes, encoded as Redis's `tryObjectEncoding` would.
    pub fn string(b: &[u8]) -> Value {
        Value::Str(StrValue::from_bytes(b))
    }

    /// An approximation of the memory this value uses, in bytes.
    pub fn mem_usage(&self) -> usize {
        match self {
            Value::Str(s) => s.mem_usage(),
            Value::List(l) => l.mem_usage(),
            Value::Hash(h) => h.mem_usage(),
            Value::Set(s) => s.mem_usage(),
            Value::ZSet(z) => z.mem_usage(),
            Value::Stream(s) => s.mem_usage(),
        }
    }
}
