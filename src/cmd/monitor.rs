//! MONITOR: stream every command the server runs to this connection.
//!
//! The dispatcher formats each executed command as Redis does
//! (`+<secs>.<usecs> [<db> <addr>] "arg" ...`, passwords redacted, administrative
//! commands left out) and queues it for every monitoring client in the Pub/Sub outbox
//! (see `crate::ops::call`).

use super::{Args, Ctx, Handler};
use crate::reply::{CmdResult, Reply};

/// Handlers of this family.
pub const COMMANDS: &[(&str, Handler)] = &[("monitor", monitor)];

/// ```text
/// MONITOR
/// ```
///
/// A client already monitoring gets no reply, as in Redis.
pub fn monitor(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    let id = ctx.sess.id;
    if ctx.st.ops.monitors.contains(&id) {
        return Ok(Reply::Frames(Vec::new()));
    }
    ctx.st.ops.monitors.push(id);
    Ok(Reply::Ok)
}
