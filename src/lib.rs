//! Cinnabar: a Redis-compatible data store engine.
//!
//! This crate is the portable engine: no sockets, no files, no tokio, no system clock.
//! It compiles for the host and for `wasm32-unknown-unknown`. Hosts (the
//! `cinnabar-server` binary in `native/`, the wasm bindings in `src/wasm/`) feed it
//! commands through [`Engine::execute`] and drive its timers.
//!
//! ```
//! use cinnabar::{Engine, Config, clock::ManualClock, cmd::ArgvBuf, Reply};
//! let mut engine = Engine::new(Config::default(), Box::new(ManualClock::new(0)));
//! let client = engine.connect();
//! let set = ArgvBuf::from_parts(["SET", "greeting", "hello"]);
//! assert_eq!(engine.execute(client, &set.args()), Reply::Ok);
//! let get = ArgvBuf::from_parts(["GET", "greeting"]);
//! assert_eq!(engine.execute(client, &get.args()), Reply::bulk("hello"));
//! ```
#![deny(clippy::unwrap_used)]
// Tests may unwrap: a panic there is a failed test, not a crashed server.
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod acl;
pub mod blocking;
pub mod clock;
pub mod cmd;
pub mod compact;
pub mod config;
pub mod db;
pub mod engine;
pub mod float_fmt;
pub mod float_parse;
pub mod glob;
pub mod ops;
pub mod persist;
pub mod pubsub;
pub mod reply;
pub mod resp;
pub mod rng;
pub mod script;
pub mod session;
pub mod types;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use config::Config;
pub use engine::{ClientHandle, Engine};
pub use reply::{CmdError, CmdResult, Reply};
pub use session::Session;

/// The Redis version whose command set and behaviour Cinnabar matches.
pub const REDIS_VERSION: &str = "7.2.4";
