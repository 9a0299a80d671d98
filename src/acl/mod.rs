//! Access control lists: users, authentication, permission checks and the ACL log.
//!
//! Every client is authenticated as a user (`default` until AUTH/HELLO says otherwise).
//! The dispatcher asks [`check_dispatch`] before running a command: the user must be
//! allowed the command (or subcommand), every key the command names (positions from
//! the key specs, read/write from their flags) and every channel it publishes or
//! subscribes to. Denials are answered with Redis 7.2's `-NOPERM` texts and recorded in
//! the ACL log (`ACL LOG`), where similar denials within a minute are grouped.
//!
//! The `default` user starts as `on nopass ~* &* +@all`; `requirepass` is its password,
//! as in Redis. Users live in a slab indexed by a stable id (sessions keep the id); a
//! deleted user's slot stays empty, so a stale id never names someone else.
//!
//! Hot path: a session whose user allows everything (the default user, normally) is
//! accepted by one slab lookup and a flag test.

pub mod commands;
pub mod sha256;
pub mod user;

use crate::compact::ByteMap;
use std::collections::VecDeque;

use crate::cmd::{Args, Command, State};
use crate::config::Config;
use crate::reply::CmdError;
use crate::session::Session;
pub use user::{RuleError, Selector, User};

/// Why an ACL check failed, ordered as Redis ranks them when selectors disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Denied {
    /// The command (or subcommand) is not allowed.
    Command = 1,
    /// A key is not allowed.
    Key = 2,
    /// A channel is not allowed.
    Channel = 4,
}

/// An ACL log entry's reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Command denied.
    Command,
    /// Key denied.
    Key,
    /// Channel denied.
    Channel,
    /// Failed authentication.
    Auth,
}

impl Reason {
    fn name(self) -> &'static str {
        match self {
            Reason::Command => "command",
            Reason::Key => "key",
            Reason::Channel => "channel",
            Reason::Auth => "auth",
        }
    }
}

impl From<Denied> for Reason {
    fn from(d: Denied) -> Reason {
        match d {
            Denied::Command => Reason::Command,
            Denied::Key => Reason::Key,
            Denied::Channel => Reason::Channel,
        }
    }
}

/// Where a denial happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogContext {
    /// A command sent by the client.
    Toplevel,
    /// Inside MULTI/EXEC.
    Multi,
    /// From a script.
    Lua,
}

impl LogContext {
    fn name(self) -> &'static str {
        match self {
            LogContext::Toplevel => "toplevel",
            LogContext::Multi => "multi",
            LogContext::Lua => "lua",
        }
    }
}

/// One ACL log entry (Redis 7.2's fields).
#[derive(Debug, Clone)]
pub struct LogEntry {
    /// Times this denial happened (grouped within a minute).
    pub count: u64,
    /// Why.
    pub reason: Reason,
    /// Where.
    pub context: LogContext,
    /// The command, key, channel, or (auth) the command name as sent.
    pub object: Vec<u8>,
    /// The user (for auth failures, the name that was tried).
    pub username: Vec<u8>,
    /// Last update (Unix ms).
    pub ctime: i64,
    /// CLIENT INFO line of the last client.
    pub cinfo: String,
    /// Unique, increasing id.
    pub entry_id: u64,
    /// Creation time (Unix ms).
    pub created: i64,
}

impl LogEntry {
    /// The entry as `ACL LOG` shows it.
    pub fn reply(&self, now: i64) -> crate::reply::Reply {
        use crate::reply::Reply;
        let kv = |k: &str, v: Reply| (Reply::bulk(k), v);
        Reply::Map(vec![
            kv("count", Reply::Int(self.count as i64)),
            kv("reason", Reply::bulk(self.reason.name())),
            kv("context", Reply::bulk(self.context.name())),
            kv("object", Reply::bulk(&self.object)),
            kv("username", Reply::bulk(&self.username)),
            kv(
                "age-seconds",
                Reply::Double(now.saturating_sub(self.ctime) as f64 / 1000.0),
            ),
            kv("client-info", Reply::bulk(self.cinfo.as_bytes())),
            kv("entry-id", Reply::Int(self.entry_id as i64)),
            kv("timestamp-created", Reply::Int(self.created)),
            kv("timestamp-last-updated", Reply::Int(self.ctime)),
        ])
    }
}

/// Denial counters for INFO stats (`acl_access_denied_*`).
#[derive(Debug, Clone, Copy, Default)]
pub struct DeniedStats {
    /// Failed AUTH/HELLO.
    pub auth: u64,
    /// Commands denied.
    pub cmd: u64,
    /// Keys denied.
    pub key: u64,
    /// Channels denied.
    pub channel: u64,
}

/// How long similar denials are grouped into one log entry.
const LOG_GROUPING_MS: i64 = 60_000;

/// The ACL state (in [`State`]).
#[derive(Debug)]
pub struct Acl {
    users: Vec<Option<Box<User>>>,
    names: ByteMap<usize>,
    /// The ACL log, newest first.
    pub log: VecDeque<LogEntry>,
    next_entry_id: u64,
    /// Denial counters.
    pub denied: DeniedStats,
}

/// The default user's id.
pub const DEFAULT_USER: usize = 0;

/// `ERR` text for a password mismatch or a disabled user.
pub const WRONGPASS: &str = "WRONGPASS invalid username-password pair or user is disabled.";

impl Acl {
    /// The ACLs of a fresh server: the default user, with `requirepass` as its password.
    pub fn new(config: &Config) -> Acl {
        let mut acl = Acl {
            users: vec![Some(Box::new(User::new_default()))],
            names: ByteMap::new(),
            log: VecDeque::new(),
            next_entry_id: 0,
            denied: DeniedStats::default(),
        };
        acl.names.insert(b"default", DEFAULT_USER);
        acl.set_default_password(&config.requirepass);
        acl
    }

    /// Redis's `ACLUpdateDefaultUserPassword` (CONFIG SET requirepass): `resetpass`
    /// then `>password`, or `nopass` for an empty one.
    pub fn set_default_password(&mut self, pass: &str) {
        if let Some(u) = self.user_mut(DEFAULT_USER) {
            let _ = u.apply(b"resetpass", false);
            if pass.is_empty() {
                let _ = u.apply(b"nopass", false);
            } else {
                let mut op = b">".to_vec();
                op.extend_from_slice(pass.as_bytes());
                let _ = u.apply(&op, false);
            }
        }
    }

    /// User `id`, if it still exists.
    #[inline]
    pub fn user(&self, id: usize) -> Option<&User> {
        self.users.get(id)?.as_deref()
    }

    fn user_mut(&mut self, id: usize) -> Option<&mut User> {
        self.users.get_mut(id)?.as_deref_mut()
    }

    /// A user's id by name.
    pub fn id_of(&self, name: &[u8]) -> Option<usize> {
        self.names.get(name).copied()
    }

    /// Users in name order (`ACL USERS`, `ACL LIST`).
    pub fn users(&self) -> impl Iterator<Item = (usize, &User)> {
        self.names
            .values()
            .filter_map(|&id| Some((id, self.user(id)?)))
    }

    /// Whether user `id` may run anything (the dispatcher's fast path).
    #[inline]
    pub fn is_unrestricted(&self, id: usize) -> bool {
        self.user(id).is_some_and(User::is_unrestricted)
    }

    /// Whether connections must authenticate (Redis's `authRequired` for a client that
    /// has not): the default user has a password or is disabled.
    pub fn auth_required(&self) -> bool {
        self.user(DEFAULT_USER)
            .is_none_or(|u| !u.nopass || !u.enabled)
    }

    /// Whether a new connection starts authenticated (default user `nopass` and `on`).
    pub fn default_authenticated(&self) -> bool {
        !self.auth_required()
    }

    /// Check `user`/`pass` (Redis's `ACLCheckUserCredentials`); the user's id if they
    /// authenticate. The password's hash is compared with every stored hash in constant
    /// time.
    pub fn check_credentials(&self, name: &[u8], pass: &[u8]) -> Option<usize> {
        let hashed = sha256::sha256_hex(pass);
        let id = self.id_of(name)?;
        let u = self.user(id)?;
        if !u.enabled {
            return None;
        }
        if u.nopass {
            return Some(id);
        }
        let mut ok = false;
        for p in &u.passwords {
            ok |= ct_eq(p.as_bytes(), hashed.as_bytes());
        }
        ok.then_some(id)
    }

    /// Create or modify user `name` with `ops` (Redis's `ACLStringSetUser`): all rules
    /// are applied to a copy and committed only if every one is valid. Returns the user
    /// id and the user before the change (None if created), or the error text.
    pub fn set_user(
        &mut self,
        name: &[u8],
        ops: &[&[u8]],
        pubsub_all: bool,
    ) -> Result<(usize, Option<User>), String> {
        let merged = merge_selector_args(ops).map_err(|start| {
            format!(
                "Unmatched parenthesis in acl selector starting at '{}'.",
                String::from_utf8_lossy(start)
            )
        })?;
        let existing = self.id_of(name);
        let mut temp = match existing.and_then(|id| self.user(id)) {
            Some(u) => u.clone(),
            None => User::new(name, pubsub_all),
        };
        for op in &merged {
            temp.apply(op, pubsub_all).map_err(|e| {
                format!(
                    "Error in ACL SETUSER modifier '{}': {}",
                    String::from_utf8_lossy(op),
                    e.text()
                )
            })?;
        }
        Ok(match existing {
            Some(id) => {
                let old = self.user_mut(id).map(|u| std::mem::replace(u, temp));
                (id, old)
            }
            None => (self.insert(temp), None),
        })
    }

    fn insert(&mut self, u: User) -> usize {
        let id = self.users.len();
        self.names.insert(&u.name, id);
        self.users.push(Some(Box::new(u)));
        id
    }

    /// Delete a user; its id if it existed. The default user cannot be deleted.
    pub fn del_user(&mut self, name: &[u8]) -> Option<usize> {
        if name == b"default" {
            return None;
        }
        let id = self.names.remove(name)?;
        if let Some(slot) = self.users.get_mut(id) {
            *slot = None;
        }
        Some(id)
    }

    /// The ACL file text (`ACL SAVE`): one `user <name> <rules>` line per user.
    pub fn to_text(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for (_, u) in self.users() {
            out.extend_from_slice(b"user ");
            out.extend_from_slice(&u.name);
            out.push(b' ');
            out.extend_from_slice(&u.describe());
            out.push(b'\n');
        }
        out
    }

    /// Replace every user with the ones in an ACL file's `text` (Redis's
    /// `ACLLoadFromFile`). Nothing changes on error; the error lists every problem.
    /// On success, returns the ids of the users replaced (their clients must be
    /// disconnected); the default user keeps its id.
    pub fn load_text(
        &mut self,
        text: &[u8],
        filename: &str,
        pubsub_all: bool,
    ) -> Result<Vec<usize>, String> {
        let mut errors = String::new();
        let mut fresh: ByteMap<User> = ByteMap::new();
        for (i, raw) in text.split(|&c| c == b'\n').enumerate() {
            let linenum = i + 1;
            let line = trim(raw, b" \t\r\n");
            if line.is_empty() {
                continue;
            }
            let argv: Vec<&[u8]> = line.split(|&c| c == b' ').collect();
            if argv.first() != Some(&b"user".as_slice()) || argv.len() < 2 {
                errors.push_str(&format!(
                    "{filename}:{linenum} should start with user keyword followed by the \
                     username. "
                ));
                continue;
            }
            let name = argv[1];
            if user::has_spaces(name) {
                errors.push_str(&format!(
                    "'{filename}:{linenum}: username '{}' contains invalid characters. ",
                    String::from_utf8_lossy(name)
                ));
                continue;
            }
            if fresh.contains_key(name) {
                errors.push_str(&format!(
                    "WARNING: Duplicate user '{}' found on line {linenum}. ",
                    String::from_utf8_lossy(name)
                ));
                continue;
            }
            let mut u = User::new(name, pubsub_all);
            let ops = match merge_selector_args(&argv[2..]) {
                Ok(ops) => ops,
                Err(_) => {
                    errors.push_str(&format!(
                        "{filename}:{linenum}: Unmatched parenthesis in selector definition."
                    ));
                    Vec::new()
                }
            };
            let mut syntax_error = false;
            for op in ops {
                let op = trim(&op, b"\t\r\n");
                if let Err(e) = u.apply(op, pubsub_all) {
                    if e == RuleError::Unknown {
                        errors.push_str(&format!(
                            "{filename}:{linenum}: Error in applying operation '{}': {}. ",
                            String::from_utf8_lossy(op),
                            e.text()
                        ));
                    } else if !syntax_error {
                        errors.push_str(&format!("{filename}:{linenum}: {}. ", e.text()));
                        syntax_error = true;
                    }
                }
            }
            fresh.insert(name, u);
        }
        if !errors.is_empty() {
            errors.push_str(
                "WARNING: ACL errors detected, no change to the previously active ACL rules \
                 was performed",
            );
            return Err(errors);
        }
        self.replace_all(fresh)
    }

    /// Install a new set of users; the default user keeps its id (its rules become the
    /// new ones, or the initial `default` rules if the set has none).
    fn replace_all(&mut self, mut fresh: ByteMap<User>) -> Result<Vec<usize>, String> {
        let new_default = fresh.remove(b"default").unwrap_or_else(User::new_default);
        let replaced: Vec<usize> = self
            .names
            .values()
            .copied()
            .filter(|&id| id != DEFAULT_USER)
            .collect();
        for &id in &replaced {
            if let Some(slot) = self.users.get_mut(id) {
                *slot = None;
            }
        }
        self.names.clear();
        self.names.insert(b"default", DEFAULT_USER);
        if let Some(slot) = self.users.get_mut(DEFAULT_USER) {
            *slot = Some(Box::new(new_default));
        }
        for u in fresh.into_values() {
            self.insert(u);
        }
        Ok(replaced)
    }

    /// Load `user <name> <rules...>` directives from the server's config file (Redis's
    /// `ACLAppendUserForLoading` + `ACLLoadConfiguredUsers`). Errors name the rule.
    pub fn load_config_users(
        &mut self,
        lines: &[Vec<Vec<u8>>],
        pubsub_all: bool,
    ) -> Result<(), String> {
        for argv in lines {
            let Some(name) = argv.first() else { continue };
            if user::has_spaces(name) {
                return Err("Spaces not allowed in ACL usernames".into());
            }
            let ops: Vec<&[u8]> = argv[1..].iter().map(Vec::as_slice).collect();
            let merged = merge_selector_args(&ops)
                .map_err(|_| "Unmatched parenthesis in acl selector".to_string())?;
            let id = match self.id_of(name) {
                Some(id) => {
                    if let Some(u) = self.user_mut(id) {
                        let _ = u.apply(b"reset", pubsub_all);
                    }
                    id
                }
                None => self.insert(User::new(name, pubsub_all)),
            };
            if let Some(u) = self.user_mut(id) {
                for op in &merged {
                    u.apply(op, pubsub_all).map_err(|e| {
                        format!(
                            "Error loading ACL rule '{}' for the user named '{}': {}",
                            String::from_utf8_lossy(op),
                            String::from_utf8_lossy(name),
                            e.text()
                        )
                    })?;
                }
            }
        }
        Ok(())
    }

    /// Record a denial (Redis's `addACLLogEntry`), grouping it with a similar recent
    /// entry among the last ten.
    #[allow(clippy::too_many_arguments)]
    pub fn add_log(
        &mut self,
        reason: Reason,
        context: LogContext,
        object: &[u8],
        username: &[u8],
        cinfo: String,
        now: i64,
        max_len: usize,
    ) {
        match reason {
            Reason::Auth => self.denied.auth += 1,
            Reason::Command => self.denied.cmd += 1,
            Reason::Key => self.denied.key += 1,
            Reason::Channel => self.denied.channel += 1,
        }
        let similar = self.log.iter().take(10).position(|e| {
            e.reason == reason
                && e.context == context
                && e.ctime.abs_diff(now) <= LOG_GROUPING_MS as u64
                && e.object == object
                && e.username == username
        });
        if let Some(pos) = similar
            && let Some(mut e) = self.log.remove(pos)
        {
            e.cinfo = cinfo;
            e.ctime = now;
            e.count += 1;
            self.log.push_front(e);
            return;
        }
        let entry_id = self.next_entry_id;
        self.next_entry_id += 1;
        self.log.push_front(LogEntry {
            count: 1,
            reason,
            context,
            object: object.to_vec(),
            username: username.to_vec(),
            ctime: now,
            cinfo,
            entry_id,
            created: now,
        });
        self.log.truncate(max_len);
    }
}

/// Compare two byte strings in time that depends only on their lengths.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    let n = a.len().max(b.len());
    let mut diff = (a.len() ^ b.len()) as u64;
    for i in 0..n {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= u64::from(x ^ y);
    }
    std::hint::black_box(diff) == 0
}

fn trim<'a>(s: &'a [u8], chars: &[u8]) -> &'a [u8] {
    let start = s.iter().position(|c| !chars.contains(c)).unwrap_or(s.len());
    let end = s
        .iter()
        .rposition(|c| !chars.contains(c))
        .map_or(start, |e| e + 1);
    s.get(start..end.max(start)).unwrap_or_default()
}

/// Redis's `ACLMergeSelectorArguments`: a selector spread over several arguments
/// (`(+get` `~k)`) becomes one. `Err(start)` names the unclosed selector's start.
pub fn merge_selector_args<'a>(ops: &[&'a [u8]]) -> Result<Vec<Vec<u8>>, &'a [u8]> {
    let mut out = Vec::with_capacity(ops.len());
    let mut open: Option<(Vec<u8>, &'a [u8])> = None;
    for &op in ops {
        if open.is_none() && op.first() == Some(&b'(') && op.last() != Some(&b')') {
            open = Some((op.to_vec(), op));
            continue;
        }
        if let Some((sel, start)) = open.take() {
            let mut sel = sel;
            sel.push(b' ');
            sel.extend_from_slice(op);
            if op.last() == Some(&b')') {
                out.push(sel);
            } else {
                open = Some((sel, start));
            }
            continue;
        }
        out.push(op.to_vec());
    }
    match open {
        Some((_, start)) => Err(start),
        None => Ok(out),
    }
}

/// Whether `acl-pubsub-default` is `allchannels`.
pub fn pubsub_default_all(config: &Config) -> bool {
    config.get("acl-pubsub-default") == Some("allchannels")
}

/// `acllog-max-len`.
pub fn log_max_len(config: &Config) -> usize {
    config
        .get("acllog-max-len")
        .and_then(|v| v.parse().ok())
        .unwrap_or(128)
}

/// Redis 7.2's `-NOPERM` text for a denial (non-verbose form).
pub fn noperm_message(why: Denied, user: &[u8], cmd_name: &str) -> String {
    match why {
        Denied::Command => format!(
            "NOPERM User {} has no permissions to run the '{}' command",
            String::from_utf8_lossy(user),
            cmd_name
        ),
        Denied::Key => "NOPERM No permissions to access a key".into(),
        Denied::Channel => "NOPERM No permissions to access a channel".into(),
    }
}

/// The dispatcher's ACL check ([engine hook]): the command, its keys and channels for
/// the session's user. A denial is logged and answered with `-NOPERM`.
#[inline]
pub fn check_dispatch(
    st: &mut State,
    sess: &Session,
    cmd: &'static Command,
    args: &Args,
    now: i64,
) -> Result<(), CmdError> {
    if st.acl.is_unrestricted(sess.acl_user) {
        return Ok(());
    }
    check_slow(st, sess, cmd, args, now)
}

#[cold]
fn check_slow(
    st: &mut State,
    sess: &Session,
    cmd: &'static Command,
    args: &Args,
    now: i64,
) -> Result<(), CmdError> {
    let Some(user) = st.acl.user(sess.acl_user) else {
        // The user was deleted; its connections are being closed.
        return Err(CmdError::raw("NOAUTH Authentication required."));
    };
    let Err((why, pos)) = user.check(cmd.spec, args) else {
        return Ok(());
    };
    let username = user.name.clone();
    let in_exec = st.persist.in_exec;
    let context = if in_exec || sess.in_multi {
        LogContext::Multi
    } else {
        LogContext::Toplevel
    };
    let object: Vec<u8> = match why {
        Denied::Command => cmd.name().as_bytes().to_vec(),
        _ => args.get(pos).to_vec(),
    };
    let argv_mem = args.iter().map(<[u8]>::len).sum();
    let cinfo = crate::cmd::client::client_line(st, sess, now, argv_mem);
    let max = log_max_len(&st.config);
    st.acl
        .add_log(why.into(), context, &object, &username, cinfo, now, max);
    if in_exec {
        let reason = match why {
            Denied::Command => "no permission to execute the command or subcommand",
            Denied::Key => "no permission to touch the specified keys",
            Denied::Channel => "no permission to access one of the channels used as arguments",
        };
        return Err(CmdError::Other(std::borrow::Cow::Owned(format!(
            "NOPERM ACLs rules changed between the moment the transaction was accumulated and \
             the EXEC call. This command is no longer allowed for the following reason: {reason}"
        ))));
    }
    Err(CmdError::Other(
        noperm_message(why, &username, cmd.name()).into(),
    ))
}

/// Authenticate `sess` as `user`/`pass` (AUTH, HELLO AUTH). On failure the attempt is
/// logged (object: the command name as sent) and WRONGPASS returned.
pub fn authenticate(
    st: &mut State,
    sess: &mut Session,
    user: &[u8],
    pass: &[u8],
    cmd_as_sent: &[u8],
    now: i64,
) -> Result<(), CmdError> {
    match st.acl.check_credentials(user, pass) {
        Some(id) => {
            sess.authenticated = true;
            sess.acl_user = id;
            sess.user = String::from_utf8_lossy(user).into_owned();
            Ok(())
        }
        None => {
            let context = if sess.in_multi || st.persist.in_exec {
                LogContext::Multi
            } else {
                LogContext::Toplevel
            };
            let cinfo = crate::cmd::client::client_line(st, sess, now, 0);
            let max = log_max_len(&st.config);
            st.acl
                .add_log(Reason::Auth, context, cmd_as_sent, user, cinfo, now, max);
            Err(CmdError::raw(WRONGPASS))
        }
    }
}

/// Back to the default user, authenticated only if it needs no password (RESET).
pub fn reset_session_user(st: &State, sess: &mut Session) {
    sess.acl_user = DEFAULT_USER;
    sess.user = "default".into();
    sess.authenticated = st.acl.default_authenticated();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(v: &[&str]) -> Vec<Vec<u8>> {
        v.iter().map(|s| s.as_bytes().to_vec()).collect()
    }

    fn set(acl: &mut Acl, name: &str, rules: &[&str]) -> Result<usize, String> {
        let o = ops(rules);
        let r: Vec<&[u8]> = o.iter().map(Vec::as_slice).collect();
        acl.set_user(name.as_bytes(), &r, false).map(|(id, _)| id)
    }

    fn line(acl: &Acl, name: &str) -> String {
        let id = acl.id_of(name.as_bytes()).unwrap();
        String::from_utf8(acl.user(id).unwrap().describe()).unwrap()
    }

    #[test]
    fn describe_like_redis() {
        let mut acl = Acl::new(&Config::default());
        assert_eq!(line(&acl, "default"), "on nopass ~* &* +@all");
        set(&mut acl, "alice", &["on", ">p1", "+get", "~k*"]).unwrap();
        assert_eq!(
            line(&acl, "alice"),
            "on #f64551fcd6f07823cb87971cfb91446425da18286b3ab1ef935e0cbd7a69f68a ~k* \
             resetchannels -@all +get"
        );
        set(&mut acl, "bob", &["%R~x", "(+set ~y)"]).unwrap();
        assert_eq!(
            line(&acl, "bob"),
            "off %R~x resetchannels -@all (~y resetchannels -@all +set)"
        );
        set(&mut acl, "c", &["+@read", "-get", "+get", "-@read"]).unwrap();
        assert_eq!(line(&acl, "c"), "off resetchannels -@all +get -@read");
        set(&mut acl, "d", &["+config", "-config|set"]).unwrap();
        assert_eq!(
            line(&acl, "d"),
            "off resetchannels -@all +config -config|set"
        );
        set(&mut acl, "d", &["-config"]).unwrap();
        assert_eq!(line(&acl, "d"), "off resetchannels -@all -config");
        set(
            &mut acl,
            "f",
            &[
                "on",
                "nopass",
                "+@all",
                "-@dangerous",
                "&ch*",
                "%W~w*",
                "%RW~rw",
            ],
        )
        .unwrap();
        assert_eq!(
            line(&acl, "f"),
            "on nopass %W~w* ~rw resetchannels &ch* +@all -@dangerous"
        );
    }

    #[test]
    fn rule_errors() {
        let mut acl = Acl::new(&Config::default());
        let e = |acl: &mut Acl, r: &[&str]| set(acl, "e", r).unwrap_err();
        assert!(e(&mut acl, &["+nosuch"]).ends_with("Unknown command or category name in ACL"));
        assert!(e(&mut acl, &["~*", "~x"]).contains("'allkeys' flag"));
        assert!(e(&mut acl, &["&*", "&x"]).contains("'allchannels' flag"));
        assert!(e(&mut acl, &["<nopw"]).contains("does not exist"));
        assert!(e(&mut acl, &["#abc"]).contains("exactly 64 characters"));
        assert!(e(&mut acl, &["bad"]).ends_with("Syntax error"));
        assert!(e(&mut acl, &["%~x"]).ends_with("Syntax error"));
        assert!(e(&mut acl, &["+config|get|x"]).ends_with("not supported"));
        assert_eq!(
            e(&mut acl, &["(+get"]),
            "Unmatched parenthesis in acl selector starting at '(+get'."
        );
        // Nothing was applied by a failing SETUSER.
        assert!(acl.id_of(b"e").is_none());
    }

    #[test]
    fn credentials_and_flags() {
        let mut cfg = Config::default();
        cfg.set("requirepass", "secret", false).unwrap();
        let mut acl = Acl::new(&cfg);
        assert!(acl.auth_required());
        assert_eq!(acl.check_credentials(b"default", b"secret"), Some(0));
        assert_eq!(acl.check_credentials(b"default", b"nope"), None);
        let id = set(&mut acl, "u", &[">a", ">b"]).unwrap();
        assert_eq!(
            acl.check_credentials(b"u", b"a"),
            None,
            "off users cannot log in"
        );
        set(&mut acl, "u", &["on"]).unwrap();
        assert_eq!(acl.check_credentials(b"u", b"b"), Some(id));
        set(&mut acl, "u", &["<a"]).unwrap();
        assert_eq!(acl.check_credentials(b"u", b"a"), None);
        set(&mut acl, "u", &["nopass"]).unwrap();
        assert_eq!(acl.check_credentials(b"u", b"anything"), Some(id));
        acl.set_default_password("");
        assert!(!acl.auth_required());
    }

    #[test]
    fn log_groups_similar_entries() {
        let mut acl = Acl::new(&Config::default());
        for t in [0, 10, 20] {
            acl.add_log(
                Reason::Command,
                LogContext::Toplevel,
                b"set",
                b"u",
                String::new(),
                t,
                128,
            );
        }
        assert_eq!(acl.log.len(), 1);
        assert_eq!(acl.log[0].count, 3);
        acl.add_log(
            Reason::Key,
            LogContext::Toplevel,
            b"k",
            b"u",
            String::new(),
            100_000,
            128,
        );
        acl.add_log(
            Reason::Command,
            LogContext::Toplevel,
            b"set",
            b"u",
            String::new(),
            200_000,
            2,
        );
        assert_eq!(acl.log.len(), 2);
        assert_eq!(acl.log[0].entry_id, 2);
        assert_eq!(acl.denied.cmd, 4);
    }

    #[test]
    fn load_and_save_round_trip() {
        let mut acl = Acl::new(&Config::default());
        set(
            &mut acl,
            "alice",
            &["on", ">p", "~a*", "+get", "(+set %W~b*)"],
        )
        .unwrap();
        let text = acl.to_text();
        let mut other = Acl::new(&Config::default());
        other.load_text(&text, "users.acl", false).unwrap();
        assert_eq!(other.to_text(), text);
        let bad = b"user x on +nosuch\nnonsense\n";
        let err = other.load_text(bad, "users.acl", false).unwrap_err();
        assert!(
            err.contains("users.acl:1: Error in applying operation '+nosuch'"),
            "{err}"
        );
        assert!(
            err.contains("users.acl:2 should start with user keyword"),
            "{err}"
        );
        assert_eq!(other.to_text(), text, "a failed load changes nothing");
    }

    #[test]
    fn merge_selectors() {
        let m = merge_selector_args(&[b"(+get", b"~k)", b"on"]).unwrap();
        assert_eq!(m, vec![b"(+get ~k)".to_vec(), b"on".to_vec()]);
        assert!(merge_selector_args(&[b"(+get", b"~k"]).is_err());
    }
}
