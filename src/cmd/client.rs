//! CLIENT: connection introspection and control (ID, SETNAME, GETNAME, INFO, LIST,
//! SETINFO, KILL, NO-EVICT, NO-TOUCH, HELP).
//!
//! `CLIENT LIST` / `CLIENT INFO` lines carry Redis 7.2's fields in Redis's order. Values
//! the engine cannot know (buffer sizes) come from what the host reports in the
//! session (`qbuf`, `omem`) or are fixed, plausible numbers. `CLIENT KILL` hands the ids
//! of other clients to the host (`HostEvents::kill`); killing oneself closes the
//! connection after the reply, as Redis does.

use super::server::{set_client_name, valid_client_attr};
use super::{Args, Ctx, Handler, State, parse_i64};
use crate::reply::{CmdError, CmdResult, Reply};
use crate::session::Session;

/// Handlers of this family.
pub const COMMANDS: &[(&str, Handler)] = &[
    ("client|id", id),
    ("client|setname", setname),
    ("client|getname", getname),
    ("client|info", info),
    ("client|list", list),
    ("client|setinfo", setinfo),
    ("client|kill", kill),
    ("client|no-evict", no_evict),
    ("client|no-touch", no_touch),
    ("client|help", help),
    ("client|pause", pause),
    ("client|unpause", unpause),
    ("client|reply", reply),
    ("client|tracking", tracking),
    ("client|caching", caching),
    ("client|getredir", getredir),
    ("client|trackinginfo", trackinginfo),
];

/// ```text
/// CLIENT ID
/// ```
pub fn id(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    Ok(Reply::Int(ctx.sess.id as i64))
}

/// ```text
/// CLIENT SETNAME connection-name
/// ```
pub fn setname(ctx: &mut Ctx, args: &Args) -> CmdResult {
    set_client_name(ctx.sess, args.get(2))?;
    Ok(Reply::Ok)
}

/// ```text
/// CLIENT GETNAME
/// ```
pub fn getname(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    Ok(if ctx.sess.name.is_empty() {
        Reply::Nil
    } else {
        Reply::bulk(&ctx.sess.name)
    })
}

/// ```text
/// CLIENT SETINFO <LIB-NAME libname | LIB-VER libver>
/// ```
pub fn setinfo(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let attr = args.get(2);
    let val = args.get(3);
    let dest = if args.is(2, "lib-name") {
        &mut ctx.sess.lib_name
    } else if args.is(2, "lib-ver") {
        &mut ctx.sess.lib_ver
    } else {
        return Err(CmdError::err(format!(
            "Unrecognized option '{}'",
            String::from_utf8_lossy(attr)
        )));
    };
    if !valid_client_attr(val) {
        return Err(CmdError::err(format!(
            "{} cannot contain spaces, newlines or special characters.",
            String::from_utf8_lossy(attr)
        )));
    }
    *dest = val.to_vec();
    Ok(Reply::Ok)
}

/// ```text
/// CLIENT NO-EVICT <ON | OFF>
/// ```
pub fn no_evict(ctx: &mut Ctx, args: &Args) -> CmdResult {
    ctx.sess.no_evict = on_off(args)?;
    Ok(Reply::Ok)
}

/// ```text
/// CLIENT NO-TOUCH <ON | OFF>
/// ```
pub fn no_touch(ctx: &mut Ctx, args: &Args) -> CmdResult {
    ctx.sess.no_touch = on_off(args)?;
    Ok(Reply::Ok)
}

fn on_off(args: &Args) -> Result<bool, CmdError> {
    if args.is(2, "on") {
        Ok(true)
    } else if args.is(2, "off") {
        Ok(false)
    } else {
        Err(CmdError::Syntax)
    }
}

/// Client types, as Redis's `getClientTypeByName`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClientType {
    Normal,
    Replica,
    PubSub,
    Master,
}

fn client_type_by_name(name: &[u8]) -> Option<ClientType> {
    let is = |w: &str| name.eq_ignore_ascii_case(w.as_bytes());
    if is("normal") {
        Some(ClientType::Normal)
    } else if is("slave") || is("replica") {
        Some(ClientType::Replica)
    } else if is("pubsub") {
        Some(ClientType::PubSub)
    } else if is("master") {
        Some(ClientType::Master)
    } else {
        None
    }
}

fn client_type(s: &Session) -> ClientType {
    if s.subscribed() {
        ClientType::PubSub
    } else {
        ClientType::Normal
    }
}

fn unknown_type(name: &[u8]) -> CmdError {
    CmdError::err(format!(
        "Unknown client type '{}'",
        String::from_utf8_lossy(name)
    ))
}

/// Redis's `catClientInfoString`: one CLIENT LIST line (without the newline).
/// `argv_mem` is the size of the arguments the client is running now (the caller's).
pub fn client_line(st: &State, s: &Session, now: i64, argv_mem: usize) -> String {
    let mut flags = String::new();
    if st.ops.monitors.contains(&s.id) {
        flags.push('O');
    }
    if s.subscribed() {
        flags.push('P');
    }
    if s.in_multi {
        flags.push('x');
    }
    if st.blocked.clients.contains_key(&s.id) {
        flags.push('b');
    }
    let tracking = st.ops.tracking.clients.get(&s.id);
    if let Some(t) = tracking {
        flags.push('t');
        if t.redir_broken {
            flags.push('R');
        }
        if t.bcast {
            flags.push('B');
        }
    }
    if st.dirty_cas.contains_key(&s.id) {
        flags.push('d');
    }
    if s.close_after_reply {
        flags.push('c');
    }
    if s.no_evict {
        flags.push('e');
    }
    if s.no_touch {
        flags.push('T');
    }
    if flags.is_empty() {
        flags.push('N');
    }
    let secs = |ms: i64| ms.div_euclid(1000);
    let age = (secs(now) - secs(s.created_ms)).max(0);
    let idle = (secs(now) - secs(s.last_interaction_ms)).max(0);
    let multi: i64 = if s.in_multi {
        s.multi_queue.len() as i64
    } else {
        -1
    };
    let multi_mem: usize = s
        .multi_queue
        .iter()
        // As Redis's `argv_len_sums`: the bytes plus one pointer per argument.
        .map(|a| {
            let args = a.args();
            args.iter().map(<[u8]>::len).sum::<usize>() + args.len() * size_of::<usize>()
        })
        .sum();
    // Fixed stand-ins for the reply buffer Redis preallocates per client.
    let (rbs, rbp) = (16384usize, 16384usize);
    let tot_mem = 1024usize
        .saturating_add(s.qbuf)
        .saturating_add(argv_mem)
        .saturating_add(multi_mem)
        .saturating_add(s.omem)
        .saturating_add(rbs);
    let fd = if s.fd >= 0 { s.fd } else { -1 };
    format!(
        "id={} addr={} laddr={} fd={} name={} age={} idle={} flags={} db={} sub={} psub={} \
         ssub={} multi={} qbuf={} qbuf-free=0 argv-mem={} multi-mem={} rbs={} rbp={} obl=0 \
         oll=0 omem={} tot-mem={} events=r cmd={} user={} redir={} resp={} lib-name={} \
         lib-ver={}",
        s.id,
        s.addr,
        s.laddr,
        fd,
        String::from_utf8_lossy(&s.name),
        age,
        idle,
        flags,
        s.db,
        s.sub_channels.len(),
        s.sub_patterns.len(),
        s.sub_shard.len(),
        multi,
        s.qbuf,
        argv_mem,
        multi_mem,
        rbs,
        rbp,
        s.omem,
        tot_mem,
        s.last_cmd,
        s.user,
        tracking.map_or(-1, |t| t.redirect as i64),
        s.resp,
        String::from_utf8_lossy(&s.lib_name),
        String::from_utf8_lossy(&s.lib_ver),
    )
}

fn argv_mem(args: &Args) -> usize {
    args.iter().map(<[u8]>::len).sum()
}

/// ```text
/// CLIENT INFO
/// ```
pub fn info(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let mut line = client_line(ctx.st, ctx.sess, ctx.now, argv_mem(args));
    line.push('\n');
    Ok(Reply::Verbatim("txt", line.into_bytes()))
}

/// ```text
/// CLIENT LIST [TYPE <NORMAL | MASTER | REPLICA | PUBSUB>] [ID client-id [client-id ...]]
/// ```
pub fn list(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let mine = argv_mem(args);
    let mut out = String::new();
    if args.len() == 4 && args.is(2, "type") {
        let ty = client_type_by_name(args.get(3)).ok_or_else(|| unknown_type(args.get(3)))?;
        let mut all: Vec<&Session> = ctx.clients.iter().collect();
        all.push(ctx.sess);
        crate::compact::sort_by(&mut all, |a, b| a.id.cmp(&b.id));
        for s in all.into_iter().filter(|s| client_type(s) == ty) {
            let mem = if s.id == ctx.sess.id { mine } else { 0 };
            out.push_str(&client_line(ctx.st, s, ctx.now, mem));
            out.push('\n');
        }
    } else if args.len() > 3 && args.is(2, "id") {
        // In argument order, as Redis (a missing id is skipped).
        let mut ids = Vec::new();
        for i in 3..args.len() {
            let id = parse_i64(args.get(i)).map_err(|_| CmdError::err("Invalid client ID"))?;
            ids.push(id);
        }
        for id in ids {
            let found = if ctx.sess.id as i64 == id {
                Some((&*ctx.sess, mine))
            } else {
                ctx.clients
                    .iter()
                    .find(|s| s.id as i64 == id)
                    .map(|s| (s, 0))
            };
            if let Some((s, mem)) = found {
                out.push_str(&client_line(ctx.st, s, ctx.now, mem));
                out.push('\n');
            }
        }
    } else if args.len() != 2 {
        return Err(CmdError::Syntax);
    } else {
        let mut all: Vec<&Session> = ctx.clients.iter().collect();
        all.push(ctx.sess);
        crate::compact::sort_by(&mut all, |a, b| a.id.cmp(&b.id));
        for s in all {
            let mem = if s.id == ctx.sess.id { mine } else { 0 };
            out.push_str(&client_line(ctx.st, s, ctx.now, mem));
            out.push('\n');
        }
    }
    Ok(Reply::Verbatim("txt", out.into_bytes()))
}

/// ```text
/// CLIENT KILL ip:port
/// CLIENT KILL <ID client-id | TYPE <NORMAL | MASTER | SLAVE | REPLICA | PUBSUB> |
///     USER username | ADDR ip:port | LADDR ip:port | SKIPME <YES | NO>> [...]
/// ```
pub fn kill(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let mut addr: Option<&[u8]> = None;
    let mut laddr: Option<&[u8]> = None;
    let mut ty: Option<ClientType> = None;
    let mut id: Option<u64> = None;
    let mut user: Option<&[u8]> = None;
    let old_form = args.len() == 3;
    let mut skipme = !old_form;
    if old_form {
        addr = Some(args.get(2));
    } else if args.len() % 2 == 0 {
        let mut i = 2;
        while i < args.len() {
            let val = args.get(i + 1);
            if args.is(i, "id") {
                let v = parse_i64(val)
                    .ok()
                    .filter(|&v| v >= 1)
                    .ok_or_else(|| CmdError::err("client-id should be greater than 0"))?;
                id = Some(v as u64);
            } else if args.is(i, "type") {
                ty = Some(client_type_by_name(val).ok_or_else(|| unknown_type(val))?);
            } else if args.is(i, "addr") {
                addr = Some(val);
            } else if args.is(i, "laddr") {
                laddr = Some(val);
            } else if args.is(i, "user") {
                if ctx.st.acl.id_of(val).is_none() {
                    return Err(CmdError::err(format!(
                        "No such user '{}'",
                        String::from_utf8_lossy(val)
                    )));
                }
                user = Some(val);
            } else if args.is(i, "skipme") {
                if val.eq_ignore_ascii_case(b"yes") {
                    skipme = true;
                } else if val.eq_ignore_ascii_case(b"no") {
                    skipme = false;
                } else {
                    return Err(CmdError::Syntax);
                }
            } else {
                return Err(CmdError::Syntax);
            }
            i += 2;
        }
    } else {
        return Err(CmdError::Syntax);
    }

    let matches = |s: &Session| {
        addr.is_none_or(|a| s.addr.as_bytes() == a)
            && laddr.is_none_or(|a| s.laddr.as_bytes() == a)
            && ty.is_none_or(|t| client_type(s) == t)
            && id.is_none_or(|i| s.id == i)
            && user.is_none_or(|u| s.user.as_bytes() == u)
    };
    let victims: Vec<u64> = ctx
        .clients
        .iter()
        .filter(|s| matches(s))
        .map(|s| s.id)
        .collect();
    let me = !skipme && matches(ctx.sess);
    let killed = victims.len() + usize::from(me);
    ctx.st.events.kill.extend(victims);
    if me {
        ctx.sess.close_after_reply = true;
    }
    if old_form {
        if killed == 0 {
            return Err(CmdError::err("No such client"));
        }
        return Ok(Reply::Ok);
    }
    Ok(Reply::Int(killed as i64))
}

/// ```text
/// CLIENT PAUSE timeout [WRITE | ALL]
/// ```
///
/// Postpones other clients' commands (all of them, or only those that may write) for
/// `timeout` milliseconds; a pause already in force is extended and made stricter.
pub fn pause(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let mut all = true;
    if args.len() == 4 {
        if args.is(3, "write") {
            all = false;
        } else if !args.is(3, "all") {
            return Err(CmdError::err("CLIENT PAUSE mode must be WRITE or ALL"));
        }
    } else if args.len() > 4 {
        return Err(super::acl::subcommand_syntax_error(args));
    }
    let ms = crate::types::string::parse_i64(args.get(2))
        .ok_or_else(|| CmdError::err("timeout is not an integer or out of range"))?;
    if ms < 0 {
        return Err(CmdError::err("timeout is negative"));
    }
    let until = if ms == 0 {
        0
    } else {
        ctx.now
            .checked_add(ms)
            .ok_or_else(|| CmdError::err("timeout is out of range"))?
    };
    let p = match ctx.st.ops.pause {
        Some(old) => crate::ops::Pause {
            until: old.until.max(until),
            all: old.all || all,
        },
        None => crate::ops::Pause { until, all },
    };
    ctx.st.ops.pause = Some(p);
    Ok(Reply::Ok)
}

/// ```text
/// CLIENT UNPAUSE
/// ```
pub fn unpause(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    crate::ops::end_pause(ctx.st);
    Ok(Reply::Ok)
}

/// ```text
/// CLIENT REPLY <ON | OFF | SKIP>
/// ```
///
/// OFF and SKIP are not answered; SKIP also drops the next command's reply.
pub fn reply(ctx: &mut Ctx, args: &Args) -> CmdResult {
    use crate::ops::ReplyMode;
    let id = ctx.sess.id;
    let modes = &mut ctx.st.ops.reply_modes;
    if args.is(2, "on") {
        modes.remove(&id);
    } else if args.is(2, "off") {
        modes.insert(id, ReplyMode::Off as u32);
    } else if args.is(2, "skip") {
        if modes.get(&id) != Some(&(ReplyMode::Off as u32)) {
            modes.insert(id, ReplyMode::SkipArmed as u32);
        }
    } else {
        return Err(CmdError::Syntax);
    }
    Ok(Reply::Ok)
}

/// ```text
/// CLIENT TRACKING <ON | OFF> [REDIRECT client-id] [PREFIX prefix [PREFIX prefix ...]]
///     [BCAST] [OPTIN] [OPTOUT] [NOLOOP]
/// ```
pub fn tracking(ctx: &mut Ctx, args: &Args) -> CmdResult {
    use crate::ops::tracking::{ClientTracking, Tracking};
    let mut t = ClientTracking::default();
    let mut j = 3;
    while j < args.len() {
        let more = args.len() - 1 - j;
        if args.is(j, "redirect") && more > 0 {
            j += 1;
            if t.redirect != 0 {
                return Err(CmdError::err(
                    "A client can only redirect to a single other client",
                ));
            }
            let id = parse_i64(args.get(j))?;
            let exists = id == ctx.sess.id as i64 || ctx.clients.iter().any(|s| s.id as i64 == id);
            if !exists {
                return Err(CmdError::err(
                    "The client ID you want redirect to does not exist",
                ));
            }
            t.redirect = id as u64;
        } else if args.is(j, "bcast") {
            t.bcast = true;
        } else if args.is(j, "optin") {
            t.optin = true;
        } else if args.is(j, "optout") {
            t.optout = true;
        } else if args.is(j, "noloop") {
            t.noloop = true;
        } else if args.is(j, "prefix") && more > 0 {
            j += 1;
            t.prefixes.push(args.get(j).to_vec());
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    let id = ctx.sess.id;
    if args.is(2, "off") {
        ctx.st.ops.tracking.disable(id);
        return Ok(Reply::Ok);
    }
    if !args.is(2, "on") {
        return Err(CmdError::Syntax);
    }
    if !t.bcast && !t.prefixes.is_empty() {
        return Err(CmdError::err(
            "PREFIX option requires BCAST mode to be enabled",
        ));
    }
    let old = ctx.st.ops.tracking.clients.get(&id);
    if old.is_some_and(|o| o.bcast != t.bcast) {
        return Err(CmdError::err(
            "You can't switch BCAST mode on/off before disabling tracking for this client, and \
             then re-enabling it with a different mode.",
        ));
    }
    if t.bcast && (t.optin || t.optout) {
        return Err(CmdError::err(
            "OPTIN and OPTOUT are not compatible with BCAST",
        ));
    }
    if t.optin && t.optout {
        return Err(CmdError::err(
            "You can't specify both OPTIN mode and OPTOUT mode",
        ));
    }
    if old.is_some_and(|o| (t.optin && o.optout) || (t.optout && o.optin)) {
        return Err(CmdError::err(
            "You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and \
             then re-enabling it with a different mode.",
        ));
    }
    if t.bcast {
        let existing = old.map(|o| o.prefixes.clone()).unwrap_or_default();
        if let Some(e) = Tracking::prefix_collision(&existing, &t.prefixes) {
            return Err(CmdError::err(e));
        }
    }
    ctx.st.ops.tracking.enable(id, t);
    Ok(Reply::Ok)
}

/// ```text
/// CLIENT CACHING <YES | NO>
/// ```
pub fn caching(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let Some(t) = ctx.st.ops.tracking.clients.get_mut(&ctx.sess.id) else {
        return Err(CmdError::err(
            "CLIENT CACHING can be called only when the client is in tracking mode with OPTIN \
             or OPTOUT mode enabled",
        ));
    };
    if args.is(2, "yes") {
        if !t.optin {
            return Err(CmdError::err(
                "CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.",
            ));
        }
    } else if args.is(2, "no") {
        if !t.optout {
            return Err(CmdError::err(
                "CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.",
            ));
        }
    } else {
        return Err(CmdError::Syntax);
    }
    t.caching = true;
    Ok(Reply::Ok)
}

/// ```text
/// CLIENT GETREDIR
/// ```
pub fn getredir(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    Ok(Reply::Int(
        ctx.st
            .ops
            .tracking
            .clients
            .get(&ctx.sess.id)
            .map_or(-1, |t| t.redirect as i64),
    ))
}

/// ```text
/// CLIENT TRACKINGINFO
/// ```
pub fn trackinginfo(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    let t = ctx.st.ops.tracking.clients.get(&ctx.sess.id);
    let mut flags = vec![Reply::bulk(if t.is_some() { "on" } else { "off" })];
    let mut prefixes = Vec::new();
    if let Some(t) = t {
        if t.bcast {
            flags.push(Reply::bulk("bcast"));
        }
        if t.optin {
            flags.push(Reply::bulk("optin"));
            if t.caching {
                flags.push(Reply::bulk("caching-yes"));
            }
        }
        if t.optout {
            flags.push(Reply::bulk("optout"));
            if t.caching {
                flags.push(Reply::bulk("caching-no"));
            }
        }
        if t.noloop {
            flags.push(Reply::bulk("noloop"));
        }
        if t.redir_broken {
            flags.push(Reply::bulk("broken_redirect"));
        }
        let mut p = t.prefixes.clone();
        crate::compact::sort_by_key_bytes(&mut p, |x| x);
        prefixes = p.into_iter().map(Reply::Bulk).collect();
    }
    Ok(Reply::Map(vec![
        (Reply::bulk("flags"), Reply::Set(flags)),
        (
            Reply::bulk("redirect"),
            Reply::Int(t.map_or(-1, |t| t.redirect as i64)),
        ),
        (Reply::bulk("prefixes"), Reply::Array(prefixes)),
    ]))
}

/// ```text
/// CLIENT HELP
/// ```
pub fn help(_ctx: &mut Ctx, _args: &Args) -> CmdResult {
    Ok(super::command::help_reply(
        "CLIENT",
        &[
            "GETNAME",
            "    The name of this connection.",
            "ID",
            "    The id of this connection.",
            "INFO",
            "    The CLIENT LIST line of this connection.",
            "KILL <ip:port>",
            "    Close the connection from <ip:port>.",
            "KILL <option> <value> [<option> <value> [...]]",
            "    Close the connections that match every option:",
            "    * ID <client-id>",
            "    * ADDR <ip:port>",
            "    * LADDR <ip:port>",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "    * USER <username>",
            "    * SKIPME (YES|NO)",
            "      Whether to spare this connection (default: yes).",
            "LIST [TYPE (NORMAL|MASTER|REPLICA|PUBSUB)] [ID <client-id> ...]",
            "    One line of facts per connection.",
            "SETNAME <name>",
            "    Name this connection.",
            "SETINFO <LIB-NAME|LIB-VER> <value>",
            "    Record the client library's name or version.",
            "NO-EVICT (ON|OFF)",
            "    Exempt this connection from client eviction.",
            "NO-TOUCH (ON|OFF)",
            "    Let this connection's reads leave keys' access times alone.",
            "PAUSE <timeout> [WRITE|ALL]",
            "    Hold other clients' commands (or only writes) for <timeout> ms.",
            "UNPAUSE",
            "    End a pause now.",
            "REPLY (ON|OFF|SKIP)",
            "    Turn this connection's replies on or off, or drop the next one.",
            "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> ...] [OPTIN] [OPTOUT] [NOLOOP]",
            "    Client-side caching: be told when keys this connection read change.",
            "CACHING (YES|NO)",
            "    In OPTIN/OPTOUT mode, whether the next command's keys are tracked.",
            "GETREDIR",
            "    The client receiving this connection's invalidations (-1: not tracking).",
            "TRACKINGINFO",
            "    This connection's tracking options.",
        ],
    ))
}
