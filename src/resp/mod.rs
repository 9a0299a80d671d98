//! RESP2/RESP3: parsing requests and encoding replies. Pure: no I/O.
//!
//! * [`parse`] — an incremental, resumable request parser for multibulk (`*2\r\n$3\r\nGET…`)
//!   and inline (`GET key\r\n`) requests, enforcing Redis's protocol limits.
//! * [`encode`] — writes a [`crate::Reply`] as RESP2 or RESP3 bytes.

pub mod encode;
pub mod parse;

pub use encode::{encode, fmt_double};
pub use parse::{ParseError, Parser, Request};
