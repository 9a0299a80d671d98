//! The COMMAND family, answered from the command table.

use super::{Args, Ctx, Handler, table};
use crate::reply::{CmdResult, Reply};

/// Handlers of this family.
pub const COMMANDS: &[(&str, Handler)] = &[("command|count", count)];

/// ```text
/// COMMAND COUNT
/// ```
pub fn count(_ctx: &mut Ctx, _args: &Args) -> CmdResult {
    Ok(Reply::Int(table().len() as i64))
}
