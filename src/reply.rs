//! The [`Reply`] enum: RESP3-shaped replies, downgraded to RESP2 on output.
//!
//! Handlers return a `Reply` (or a [`CmdError`]); the RESP encoder in `resp::encode`
//! and the JS bindings turn it into bytes or JS values.

use std::borrow::Cow;
use std::fmt;

/// A reply to one command, in RESP3 shape.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// `+OK`
    Ok,
    /// A simple string (`+...`).
    Simple(Cow<'static, str>),
    /// An error; the text includes the code, e.g. `ERR syntax error`.
    Error(Cow<'static, str>),
    /// An integer (`:...`).
    Int(i64),
    /// A bulk string (`$...`).
    Bulk(Vec<u8>),
    /// The null bulk string (RESP2 `$-1`, RESP3 `_`).
    Nil,
    /// The null array (RESP2 `*-1`, RESP3 `_`).
    NilArray,
    /// An array (`*...`).
    Array(Vec<Reply>),
    /// A map (RESP3 `%`, flattened to an array in RESP2).
    Map(Vec<(Reply, Reply)>),
    /// A set (RESP3 `~`, an array in RESP2).
    Set(Vec<Reply>),
    /// A double (RESP3 `,`, a bulk string in RESP2).
    Double(f64),
    /// A boolean (RESP3 `#`, integer 1/0 in RESP2).
    Bool(bool),
    /// Verbatim text (RESP3 `=`, a bulk string in RESP2); the format is three letters.
    Verbatim(&'static str, Vec<u8>),
    /// An out-of-band push (RESP3 `>`, an array in RESP2).
    Push(Vec<Reply>),
    /// Several replies sent back to back for one command (SUBSCRIBE a b → two push
    /// frames); empty = no reply at all.
    Frames(Vec<Reply>),
}

impl Reply {
    /// A bulk reply from anything byte-like.
    pub fn bulk(b: impl AsRef<[u8]>) -> Reply {
        Reply::Bulk(b.as_ref().to_vec())
    }

    /// A simple string reply from a static string.
    pub fn simple(s: &'static str) -> Reply {
        Reply::Simple(Cow::Borrowed(s))
    }

    /// An array of bulk strings.
    pub fn bulks<I, B>(items: I) -> Reply
    where
        I: IntoIterator<Item = B>,
        B: AsRef<[u8]>,
    {
        Reply::Array(items.into_iter().map(Reply::bulk).collect())
    }

    /// A bulk reply or nil.
    pub fn opt_bulk(b: Option<impl AsRef<[u8]>>) -> Reply {
        match b {
            Some(b) => Reply::bulk(b),
            None => Reply::Nil,
        }
    }

    /// Whether this reply is an error.
    pub fn is_error(&self) -> bool {
        matches!(self, Reply::Error(_))
    }
}

impl From<CmdError> for Reply {
    fn from(e: CmdError) -> Reply {
        Reply::Error(e.into_text())
    }
}

/// Everything a command can fail with. Each variant's text is Redis's, byte for byte.
#[derive(Debug, Clone, PartialEq)]
pub enum CmdError {
    /// `ERR syntax error`
    Syntax,
    /// `WRONGTYPE ...`
    WrongType,
    /// `ERR value is not an integer or out of range`
    NotInteger,
    /// `ERR value is not a valid float`
    NotFloat,
    /// `ERR increment or decrement would overflow`
    Overflow,
    /// `ERR no such key`
    NoSuchKey,
    /// `ERR wrong number of arguments for '<cmd>' command`
    WrongArity(String),
    /// `ERR unknown command ...`
    UnknownCommand(String),
    /// `ERR string exceeds maximum allowed size (proto-max-bulk-len)`
    StringTooLong,
    /// `ERR invalid expire time in '<cmd>' command`
    InvalidExpire(String),
    /// `ERR DB index is out of range`
    DbIndexOutOfRange,
    /// `ERR index out of range`
    IndexOutOfRange,
    /// `ERR value is out of range, must be positive`
    NotPositive,
    /// Any other error; the text includes its code (`ERR ...`, `NOPERM ...`).
    Other(Cow<'static, str>),
}

impl CmdError {
    /// An `ERR <msg>` error.
    pub fn err(msg: impl Into<String>) -> CmdError {
        CmdError::Other(Cow::Owned(format!("ERR {}", msg.into())))
    }

    /// An error with its own code (`msg` includes it).
    pub fn raw(msg: &'static str) -> CmdError {
        CmdError::Other(Cow::Borrowed(msg))
    }

    /// The error text without the leading `-`.
    pub fn into_text(self) -> Cow<'static, str> {
        match self {
            CmdError::Syntax => "ERR syntax error".into(),
            CmdError::WrongType => {
                "WRONGTYPE Operation against a key holding the wrong kind of value".into()
            }
            CmdError::NotInteger => "ERR value is not an integer or out of range".into(),
            CmdError::NotFloat => "ERR value is not a valid float".into(),
            CmdError::Overflow => "ERR increment or decrement would overflow".into(),
            CmdError::NoSuchKey => "ERR no such key".into(),
            CmdError::WrongArity(c) => {
                format!("ERR wrong number of arguments for '{c}' command").into()
            }
            CmdError::UnknownCommand(m) => m.into(),
            CmdError::StringTooLong => {
                "ERR string exceeds maximum allowed size (proto-max-bulk-len)".into()
            }
            CmdError::InvalidExpire(c) => {
                format!("ERR invalid expire time in '{c}' command").into()
            }
            CmdError::DbIndexOutOfRange => "ERR DB index is out of range".into(),
            CmdError::IndexOutOfRange => "ERR index out of range".into(),
            CmdError::NotPositive => "ERR value is out of range, must be positive".into(),
            CmdError::Other(s) => s,
        }
    }
}

impl fmt::Display for CmdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.clone().into_text())
    }
}

impl std::error::Error for CmdError {}

/// What every handler returns.
pub type CmdResult = Result<Reply, CmdError>;
