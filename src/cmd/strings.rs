//! String commands: GET, SET and friends.

use super::{Args, Ctx, Handler};
use crate::reply::{CmdResult, Reply};
use crate::types::{StrValue, Value};
use crate::db::NO_EXPIRE;

/// Handlers of this family.
pub const COMMANDS: &[(&str, Handler)] = &[("get", get), ("set", set)];

/// ```text
/// GET key
/// ```
pub fn get(ctx: &mut Ctx, args: &Args) -> CmdResult {
    Ok(match ctx.read_str(args.get(1))? {
        Some(s) => super::str_reply(s),
        None => Reply::Nil,
    })
}

/// ```text
/// SET key value
/// ```
pub fn set(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let key = args.get(1);
    ctx.db().set(key, Value::Str(StrValue::from_bytes(args.get(2))), NO_EXPIRE);
    ctx.signal_modified(key);
    ctx.notify('$', "set", key);
    ctx.dirty(1);
    Ok(Reply::Ok)
}
