//! Generic keyspace commands: DEL, EXISTS, TTL, SCAN and friends.

use super::{Args, Ctx, Handler};
use crate::reply::{CmdResult, Reply};

/// Handlers of this family.
pub const COMMANDS: &[(&str, Handler)] = &[("del", del)];

/// ```text
/// DEL key [key ...]
/// ```
pub fn del(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let mut n = 0;
    for i in 1..args.len() {
        let k = args.get(i);
        if ctx.delete(k) {
            ctx.signal_modified(k);
            ctx.notify('g', "del", k);
            n += 1;
        }
    }
    ctx.dirty(n as u64);
    Ok(Reply::Int(n))
}
