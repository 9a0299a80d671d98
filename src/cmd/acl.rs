//! ACL: CAT, DELUSER, DRYRUN, GENPASS, GETUSER, LIST, LOAD, LOG, SAVE, SETUSER, USERS,
//! WHOAMI, HELP — over the users and log in `crate::acl`.
//!
//! ACL LOAD and SAVE read and write `aclfile` through the host's file access
//! (`State::ops.files`); without a host (wasm) they answer that no ACL file is
//! configured unless the host set one up.

use super::{Args, Ctx, Handler, parse_i64};
use crate::acl::{self, Denied};
use crate::reply::{CmdError, CmdResult, Reply};

/// Handlers of this family.
pub const COMMANDS: &[(&str, Handler)] = &[
    ("acl|cat", cat),
    ("acl|deluser", deluser),
    ("acl|dryrun", dryrun),
    ("acl|genpass", genpass),
    ("acl|getuser", getuser),
    ("acl|list", list),
    ("acl|load", load),
    ("acl|log", log),
    ("acl|save", save),
    ("acl|setuser", setuser),
    ("acl|users", users),
    ("acl|whoami", whoami),
    ("acl|help", help),
];

/// Redis's `addReplySubcommandSyntaxError`.
pub fn subcommand_syntax_error(args: &Args) -> CmdError {
    CmdError::err(format!(
        "unknown subcommand or wrong number of arguments for '{}'. Try {} HELP.",
        crate::engine::sanitize(args.get(1), 128),
        String::from_utf8_lossy(args.get(0)).to_ascii_uppercase()
    ))
}

/// Disconnect the clients authenticated as user `id` (deleted or replaced). The
/// calling client, if among them, is closed after its reply.
fn kill_clients_of(ctx: &mut Ctx, ids: &[usize]) {
    let victims: Vec<u64> = ctx
        .clients
        .iter()
        .filter(|s| ids.contains(&s.acl_user))
        .map(|s| s.id)
        .collect();
    ctx.st.events.kill.extend(victims);
    if ids.contains(&ctx.sess.acl_user) {
        ctx.sess.acl_user = acl::DEFAULT_USER;
        ctx.sess.user = "default".into();
        ctx.sess.authenticated = false;
        ctx.sess.close_after_reply = true;
    }
}

/// ```text
/// ACL CAT [category]
/// ```
pub fn cat(_ctx: &mut Ctx, args: &Args) -> CmdResult {
    use crate::cmd::spec_types::CATEGORY_NAMES;
    if args.len() > 3 {
        return Err(subcommand_syntax_error(args));
    }
    if args.len() == 2 {
        return Ok(Reply::Array(
            CATEGORY_NAMES
                .iter()
                .map(|(_, n)| Reply::bulk(*n))
                .collect(),
        ));
    }
    let Some(flag) = acl::user::category_by_name(args.get(2)) else {
        return Err(CmdError::err(format!(
            "Unknown category '{}'",
            String::from_utf8_lossy(&args.get(2)[..args.get(2).len().min(128)])
        )));
    };
    let mut names: Vec<&'static str> = Vec::new();
    for c in super::table().iter() {
        if crate::cmd::command::categories(c.spec) & flag != 0 {
            names.push(c.name());
        }
        for s in c.subs.values() {
            if crate::cmd::command::categories(s.spec) & flag != 0 {
                names.push(s.name());
            }
        }
    }
    crate::compact::sort_by_key_bytes(&mut names, |n| n.as_bytes());
    Ok(Reply::Array(names.into_iter().map(Reply::bulk).collect()))
}

/// ```text
/// ACL DELUSER username [username ...]
/// ```
pub fn deluser(ctx: &mut Ctx, args: &Args) -> CmdResult {
    if args.iter().skip(2).any(|u| u == b"default") {
        return Err(CmdError::err("The 'default' user cannot be removed"));
    }
    let mut deleted = Vec::new();
    for name in args.iter().skip(2) {
        if let Some(id) = ctx.st.acl.del_user(name) {
            deleted.push(id);
        }
    }
    kill_clients_of(ctx, &deleted);
    Ok(Reply::Int(deleted.len() as i64))
}

/// ```text
/// ACL DRYRUN username command [arg [arg ...]]
/// ```
pub fn dryrun(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let name = args.get(2);
    let Some(user) = ctx.st.acl.id_of(name).and_then(|id| ctx.st.acl.user(id)) else {
        return Err(CmdError::err(format!(
            "User '{}' not found",
            String::from_utf8_lossy(name)
        )));
    };
    let not_found = || {
        CmdError::err(format!(
            "Command '{}' not found",
            String::from_utf8_lossy(args.get(3))
        ))
    };
    let mut cmd = crate::ops::lookup_command(ctx.st, args.get(3)).ok_or_else(not_found)?;
    let argc = args.len() - 3;
    if cmd.is_container() && argc > 1 {
        cmd = cmd.sub(args.get(4)).ok_or_else(not_found)?;
    }
    if !cmd.arity_ok(argc) {
        return Err(CmdError::err(format!(
            "wrong number of arguments for '{}' command",
            cmd.name()
        )));
    }
    let parts: Vec<&[u8]> = args.iter().skip(3).collect();
    let sub = super::ArgvBuf::from_parts(parts.iter().copied());
    let sub_args = sub.args();
    Ok(match user.check(cmd.spec, &sub_args) {
        Ok(()) => Reply::Ok,
        Err((why, pos)) => {
            let who = String::from_utf8_lossy(&user.name);
            let what = String::from_utf8_lossy(sub_args.get(pos));
            Reply::bulk(match why {
                Denied::Command => format!(
                    "User {who} has no permissions to run the '{}' command",
                    cmd.name()
                ),
                Denied::Key => format!("User {who} has no permissions to access the '{what}' key"),
                Denied::Channel => {
                    format!("User {who} has no permissions to access the '{what}' channel")
                }
            })
        }
    })
}

/// ```text
/// ACL GENPASS [bits]
/// ```
pub fn genpass(ctx: &mut Ctx, args: &Args) -> CmdResult {
    if args.len() > 3 {
        return Err(subcommand_syntax_error(args));
    }
    let bits = if args.len() == 3 {
        parse_i64(args.get(2))?
    } else {
        256
    };
    if bits <= 0 || bits > 4096 {
        return Err(CmdError::err(
            "ACL GENPASS argument must be the number of bits for the output password, a \
             positive number up to 4096",
        ));
    }
    let chars = ((bits + 3) / 4) as usize;
    let mut raw = vec![0u8; chars];
    if getrandom::fill(&mut raw).is_err() {
        // No OS entropy (should not happen): fall back to the engine's PRNG.
        for b in raw.iter_mut() {
            *b = ctx.st.rng.next_u64() as u8;
        }
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let pass: Vec<u8> = raw.iter().map(|b| HEX[usize::from(b & 15)]).collect();
    Ok(Reply::Bulk(pass))
}

fn selector_map(s: &acl::Selector) -> Vec<(Reply, Reply)> {
    vec![
        (Reply::bulk("commands"), Reply::bulk(s.describe_commands())),
        (Reply::bulk("keys"), Reply::Bulk(s.describe_keys())),
        (Reply::bulk("channels"), Reply::Bulk(s.describe_channels())),
    ]
}

/// ```text
/// ACL GETUSER username
/// ```
pub fn getuser(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let Some(u) = ctx
        .st
        .acl
        .id_of(args.get(2))
        .and_then(|id| ctx.st.acl.user(id))
    else {
        return Ok(Reply::Nil);
    };
    let mut fields = vec![
        (
            Reply::bulk("flags"),
            Reply::Set(u.flag_names().into_iter().map(Reply::bulk).collect()),
        ),
        (
            Reply::bulk("passwords"),
            Reply::Array(
                u.passwords
                    .iter()
                    .map(|p| Reply::bulk(p.as_bytes()))
                    .collect(),
            ),
        ),
    ];
    fields.extend(selector_map(u.root()));
    fields.push((
        Reply::bulk("selectors"),
        Reply::Array(
            u.selectors
                .iter()
                .skip(1)
                .map(|s| Reply::Map(selector_map(s)))
                .collect(),
        ),
    ));
    Ok(Reply::Map(fields))
}

/// ```text
/// ACL LIST
/// ```
pub fn list(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    Ok(Reply::Array(
        ctx.st
            .acl
            .users()
            .map(|(_, u)| {
                let mut line = b"user ".to_vec();
                line.extend_from_slice(&u.name);
                line.push(b' ');
                line.extend_from_slice(&u.describe());
                Reply::Bulk(line)
            })
            .collect(),
    ))
}

/// ```text
/// ACL USERS
/// ```
pub fn users(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    Ok(Reply::Array(
        ctx.st
            .acl
            .users()
            .map(|(_, u)| Reply::bulk(&u.name))
            .collect(),
    ))
}

/// ```text
/// ACL WHOAMI
/// ```
pub fn whoami(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    Ok(match ctx.st.acl.user(ctx.sess.acl_user) {
        Some(u) => Reply::bulk(&u.name),
        None => Reply::Nil,
    })
}

const NO_ACLFILE: &str = "This Redis instance is not configured to use an ACL file. You may \
                          want to specify users via the ACL SETUSER command and then issue a \
                          CONFIG REWRITE (assuming you have a Redis configuration file set) in \
                          order to store users in the Redis configuration.";

fn aclfile(ctx: &Ctx) -> Option<String> {
    ctx.st
        .config
        .get("aclfile")
        .filter(|f| !f.is_empty())
        .map(str::to_string)
}

/// ```text
/// ACL LOAD
/// ```
pub fn load(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    let Some(file) = aclfile(ctx) else {
        return Err(CmdError::err(NO_ACLFILE));
    };
    let text = match ctx.st.ops.files.as_mut().map(|h| h.read(&file)) {
        Some(Ok(t)) => t,
        Some(Err(e)) => {
            return Err(CmdError::err(format!(
                "Error loading ACLs, opening file '{file}': {e}"
            )));
        }
        None => return Err(CmdError::err(NO_ACLFILE)),
    };
    let pubsub_all = acl::pubsub_default_all(&ctx.st.config);
    let replaced = ctx
        .st
        .acl
        .load_text(&text, &file, pubsub_all)
        .map_err(CmdError::err)?;
    kill_clients_of(ctx, &replaced);
    Ok(Reply::Ok)
}

/// ```text
/// ACL SAVE
/// ```
pub fn save(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    let Some(file) = aclfile(ctx) else {
        return Err(CmdError::err(NO_ACLFILE));
    };
    let text = ctx.st.acl.to_text();
    match ctx.st.ops.files.as_mut().map(|h| h.write(&file, &text)) {
        Some(Ok(())) => Ok(Reply::Ok),
        _ => Err(CmdError::err(
            "There was an error trying to save the ACLs. Please check the server logs for \
             more information",
        )),
    }
}

/// ```text
/// ACL LOG [count | RESET]
/// ```
pub fn log(ctx: &mut Ctx, args: &Args) -> CmdResult {
    if args.len() > 3 {
        return Err(subcommand_syntax_error(args));
    }
    let mut count: i64 = 10;
    if args.len() == 3 {
        if args.is(2, "reset") {
            ctx.st.acl.log.clear();
            return Ok(Reply::Ok);
        }
        count = parse_i64(args.get(2))?.max(0);
    }
    let n = (count as usize).min(ctx.st.acl.log.len());
    let now = ctx.now;
    Ok(Reply::Array(
        ctx.st
            .acl
            .log
            .iter()
            .take(n)
            .map(|e| e.reply(now))
            .collect(),
    ))
}

/// ```text
/// ACL SETUSER username [rule [rule ...]]
/// ```
pub fn setuser(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let name = args.get(2);
    if acl::user::has_spaces(name) {
        return Err(CmdError::err(
            "Usernames can't contain spaces or null characters",
        ));
    }
    let ops: Vec<&[u8]> = args.iter().skip(3).collect();
    let pubsub_all = acl::pubsub_default_all(&ctx.st.config);
    let (id, old) = ctx
        .st
        .acl
        .set_user(name, &ops, pubsub_all)
        .map_err(CmdError::err)?;
    if let Some(old) = old {
        kill_pubsub_clients_if_needed(ctx, id, &old);
    }
    Ok(Reply::Ok)
}

/// Redis's `ACLKillPubsubClientsIfNeeded`: after a user's channel permissions shrank,
/// its subscribed clients whose subscriptions are no longer allowed are disconnected.
fn kill_pubsub_clients_if_needed(ctx: &mut Ctx, id: usize, old: &acl::User) {
    let Some(new) = ctx.st.acl.user(id) else {
        return;
    };
    if new.selectors.iter().any(|s| s.allchannels) {
        return;
    }
    let upcoming: Vec<Vec<u8>> = new
        .selectors
        .iter()
        .flat_map(|s| s.channels.iter().cloned())
        .collect();
    let superset = old
        .selectors
        .iter()
        .all(|s| !s.allchannels && s.channels.iter().all(|c| upcoming.contains(c)));
    if superset {
        return;
    }
    let violates = |s: &crate::session::Session| {
        s.sub_patterns
            .iter()
            .any(|p| !acl::user::channel_in(&upcoming, p, true))
            || s.sub_channels
                .iter()
                .chain(s.sub_shard.iter())
                .any(|c| !acl::user::channel_in(&upcoming, c, false))
    };
    let victims: Vec<u64> = ctx
        .clients
        .iter()
        .filter(|s| s.acl_user == id && s.subscribed() && violates(s))
        .map(|s| s.id)
        .collect();
    ctx.st.events.kill.extend(victims);
    if ctx.sess.acl_user == id && ctx.sess.subscribed() && violates(ctx.sess) {
        ctx.sess.close_after_reply = true;
    }
}

/// ```text
/// ACL HELP
/// ```
pub fn help(_ctx: &mut Ctx, _args: &Args) -> CmdResult {
    Ok(super::command::help_reply(
        "ACL",
        &[
            "CAT [<category>]",
            "    The command categories, or the commands in <category>.",
            "DELUSER <username> [<username> ...]",
            "    Remove users (their connections are closed).",
            "DRYRUN <username> <command> [<arg> ...]",
            "    Whether <username> could run the command, without running it.",
            "GETUSER <username>",
            "    A user's flags, password hashes, commands, keys, channels and selectors.",
            "GENPASS [<bits>]",
            "    A random password of <bits> bits (256 by default), in hex.",
            "LIST",
            "    Every user as an ACL file line.",
            "LOAD",
            "    Replace the users with the ones in the ACL file.",
            "LOG [<count> | RESET]",
            "    Recent denials (10 by default), or empty the log.",
            "SAVE",
            "    Write the users to the ACL file.",
            "SETUSER <username> <rule> [<rule> ...]",
            "    Create or change a user; all rules apply or none.",
            "USERS",
            "    The user names.",
            "WHOAMI",
            "    The user this connection is authenticated as.",
        ],
    ))
}
