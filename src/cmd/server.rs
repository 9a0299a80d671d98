//! Connection and server commands: PING, ECHO, SELECT, INFO, CONFIG, CLIENT, ...

use super::{Args, Ctx, Handler};
use crate::reply::{CmdError, CmdResult, Reply};

/// Handlers of this family.
pub const COMMANDS: &[(&str, Handler)] = &[("ping", ping)];

/// ```text
/// PING [message]
/// ```
pub fn ping(_ctx: &mut Ctx, args: &Args) -> CmdResult {
    match args.len() {
        1 => Ok(Reply::simple("PONG")),
        2 => Ok(Reply::bulk(args.get(1))),
        _ => Err(CmdError::WrongArity("ping".into())),
    }
}
