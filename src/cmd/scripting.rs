//! FCALL / EVAL without Lua, SCRIPT and FUNCTION introspection. See `src/script/mod.rs`.
//!
//! FCALL, FCALL_RO, EVAL, EVALSHA, EVAL_RO and EVALSHA_RO are run by the dispatcher
//! (`Engine::run_hook`), which needs the whole engine; their entries here only exist so
//! the table knows their arity and flags.

use super::{Args, Ctx, Handler};
use crate::reply::{CmdError, CmdResult, Reply};
use crate::script::sha1_hex;

/// Handlers of this family.
pub const COMMANDS: &[(&str, Handler)] = &[
    ("fcall", run_by_dispatcher),
    ("fcall_ro", run_by_dispatcher),
    ("eval", run_by_dispatcher),
    ("evalsha", run_by_dispatcher),
    ("eval_ro", run_by_dispatcher),
    ("evalsha_ro", run_by_dispatcher),
    ("script|load", script_load),
    ("script|exists", script_exists),
    ("script|flush", script_flush),
    ("function|list", function_list),
    ("function|load", function_load),
];

/// Never called: the dispatcher intercepts these commands.
pub fn run_by_dispatcher(_ctx: &mut Ctx, _args: &Args) -> CmdResult {
    Err(CmdError::err(
        "internal error: scripting command reached its placeholder",
    ))
}

/// The error for a script body that is not a registered hook.
pub fn no_interpreter(sha: &str) -> CmdError {
    CmdError::err(format!(
        "Cinnabar has no Lua interpreter: this script (sha1 {sha}) is not registered as a hook. Register it from the host with register_script."
    ))
}

/// ```text
/// SCRIPT LOAD script
/// ```
pub fn script_load(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let sha = sha1_hex(args.get(2));
    if ctx.st.scripts.scripts.contains_key(&sha) {
        Ok(Reply::Bulk(sha.into_bytes()))
    } else {
        Err(no_interpreter(&sha))
    }
}

/// ```text
/// SCRIPT EXISTS sha1 [sha1 ...]
/// ```
pub fn script_exists(ctx: &mut Ctx, args: &Args) -> CmdResult {
    Ok(Reply::Array(
        args.iter()
            .skip(2)
            .map(|s| {
                let s = String::from_utf8_lossy(s).to_ascii_lowercase();
                Reply::Int(ctx.st.scripts.scripts.contains_key(&s) as i64)
            })
            .collect(),
    ))
}

/// ```text
/// SCRIPT FLUSH [ASYNC | SYNC]
/// ```
/// Scripts are hooks registered by the host, so there is no cache to empty: accepted
/// for compatibility.
pub fn script_flush(_ctx: &mut Ctx, args: &Args) -> CmdResult {
    match args.len() {
        2 => Ok(Reply::Ok),
        3 if args.is(2, "async") || args.is(2, "sync") => Ok(Reply::Ok),
        _ => Err(CmdError::err("SCRIPT FLUSH only support SYNC|ASYNC option")),
    }
}

/// ```text
/// FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]
/// ```
pub fn function_list(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let mut pattern: Option<&[u8]> = None;
    let mut i = 2;
    while i < args.len() {
        if args.is(i, "withcode") {
            i += 1;
        } else if args.is(i, "libraryname") && i + 1 < args.len() {
            pattern = Some(args.get(i + 1));
            i += 2;
        } else {
            return Err(CmdError::err("Unknown argument"));
        }
    }
    let mut libs: crate::compact::ByteMap<Vec<Reply>> = Default::default();
    for h in ctx.st.scripts.functions.values() {
        if pattern.is_some_and(|p| !crate::glob::glob_match(p, h.library.as_bytes(), false)) {
            continue;
        }
        let flags = if h.read_only {
            vec![Reply::simple("no-writes")]
        } else {
            vec![]
        };
        libs.get_or_insert_with(&h.library, Vec::new)
            .push(Reply::Map(vec![
                (Reply::simple("name"), Reply::bulk(&h.name)),
                (Reply::simple("description"), Reply::Nil),
                (Reply::simple("flags"), Reply::Set(flags)),
            ]));
    }
    Ok(Reply::Array(
        libs.into_pairs()
            .map(|(lib, funcs)| {
                Reply::Map(vec![
                    (Reply::simple("library_name"), Reply::bulk(lib)),
                    (Reply::simple("engine"), Reply::bulk("HOOK")),
                    (Reply::simple("functions"), Reply::Array(funcs)),
                ])
            })
            .collect(),
    ))
}

/// ```text
/// FUNCTION LOAD [REPLACE] function-code
/// ```
pub fn function_load(_ctx: &mut Ctx, _args: &Args) -> CmdResult {
    Err(CmdError::err(
        "Cinnabar has no Lua engine: functions are registered by the host (register_function / registerHook)",
    ))
}
