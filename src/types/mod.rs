//! Values: one file per data structure. This module holds the [`Value`] enum that
//! every keyspace entry stores, and the type names Redis reports.

pub mod string;

pub use string::StrValue;

/// The value stored at a key.
#[derive(Debug, Clone)]
pub enum Value {
    /// A string (int, embstr or raw encoding).
    Str(StrValue),
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
        }
    }

    /// The name `OBJECT ENCODING` reports.
    pub fn encoding(&self) -> &'static str {
        match self {
            Value::Str(s) => s.encoding(),
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
        }
    }
}
