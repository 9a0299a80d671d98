//! SLOWLOG: GET, LEN, RESET, HELP over the slow log kept by the dispatcher
//! (`crate::ops::slowlog`, fed for every command slower than
//! `slowlog-log-slower-than` microseconds).

use super::{Args, Ctx, Handler};
use crate::reply::{CmdError, CmdResult, Reply};

/// Handlers of this family.
pub const COMMANDS: &[(&str, Handler)] = &[
    ("slowlog|get", get),
    ("slowlog|len", len),
    ("slowlog|reset", reset),
    ("slowlog|help", help),
];

/// ```text
/// SLOWLOG GET [count]
/// ```
///
/// Newest first; `count` defaults to 10, -1 means all.
pub fn get(ctx: &mut Ctx, args: &Args) -> CmdResult {
    if args.len() > 3 {
        return Err(super::acl::subcommand_syntax_error(args));
    }
    let mut count: i64 = 10;
    if args.len() == 3 {
        count = crate::types::string::parse_i64(args.get(2))
            .filter(|&c| c >= -1)
            .ok_or_else(|| CmdError::err("count should be greater than or equal to -1"))?;
    }
    let n = if count == -1 {
        usize::MAX
    } else {
        count as usize
    };
    let entries = ctx
        .st
        .ops
        .slowlog
        .entries
        .iter()
        .take(n)
        .map(|e| {
            Reply::Array(vec![
                Reply::Int(e.id as i64),
                Reply::Int(e.time),
                Reply::Int(e.duration as i64),
                Reply::Array(e.argv.iter().map(Reply::bulk).collect()),
                Reply::bulk(e.peer.as_bytes()),
                Reply::bulk(&e.name),
            ])
        })
        .collect();
    Ok(Reply::Array(entries))
}

/// ```text
/// SLOWLOG LEN
/// ```
pub fn len(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    Ok(Reply::Int(ctx.st.ops.slowlog.entries.len() as i64))
}

/// ```text
/// SLOWLOG RESET
/// ```
pub fn reset(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    ctx.st.ops.slowlog.reset();
    Ok(Reply::Ok)
}

/// ```text
/// SLOWLOG HELP
/// ```
pub fn help(_ctx: &mut Ctx, _args: &Args) -> CmdResult {
    Ok(super::command::help_reply(
        "SLOWLOG",
        &[
            "GET [<count>]",
            "    The <count> newest entries of the slow log (10 by default, -1 for all).",
            "    Each entry: id, Unix time, duration in microseconds, arguments, client",
            "    address and client name.",
            "LEN",
            "    Number of entries in the slow log.",
            "RESET",
            "    Empty the slow log.",
        ],
    ))
}
