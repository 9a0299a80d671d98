//! ACL users and selectors: applying rules (`ACL SETUSER` modifiers), describing them
//! back (`ACL LIST`, `ACL GETUSER`), and checking a command line against them.
//!
//! A user has flags (on/off, nopass, payload sanitising), SHA-256 password hashes and
//! one or more *selectors*. The root selector holds the rules given outside
//! parentheses; `(...)` adds another selector. A command is allowed when any selector
//! allows it: the command (its bit, or an allowed first argument), every key it names
//! (glob patterns with read/write permissions), every channel it publishes or
//! subscribes to.
//!
//! Command rules are kept twice, as Redis 7.2 does: a bitmap for checking, and the
//! compacted list of rules as given (`command_rules`) for describing, so `ACL LIST`
//! shows `-@all +@read -get` rather than a reconstruction.

use super::commands::{self, CmdIndex};
use crate::glob::glob_match;

/// Read permission on a key pattern (`%R~`).
pub const PERM_R: u8 = 1;
/// Write permission on a key pattern (`%W~`).
pub const PERM_W: u8 = 2;
/// Both (`~`).
pub const PERM_RW: u8 = PERM_R | PERM_W;

/// Why a rule was refused (Redis's errno values in `ACLSetUser`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleError {
    /// ENOENT: unknown command or category.
    Unknown,
    /// EINVAL: unknown modifier or a bad pattern.
    Syntax,
    /// EEXIST: a key pattern after `allkeys`.
    AfterAllKeys,
    /// EISDIR: a channel pattern after `allchannels`.
    AfterAllChannels,
    /// ENODEV: removing a password the user does not have.
    NoSuchPassword,
    /// EBADMSG: a `#`/`!` hash that is not 64 lower-case hex characters.
    BadHash,
    /// ECHILD: `+cmd|sub|arg`.
    FirstArgOfSub,
}

impl RuleError {
    /// Redis's `ACLSetUserStringError` text.
    pub fn text(self) -> &'static str {
        match self {
            RuleError::Unknown => "Unknown command or category name in ACL",
            RuleError::Syntax => "Syntax error",
            RuleError::AfterAllKeys => {
                "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and \
                 does not have any effect. Try 'resetkeys' to start with an empty list of patterns"
            }
            RuleError::AfterAllChannels => {
                "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid \
                 and does not have any effect. Try 'resetchannels' to start with an empty list of \
                 channels"
            }
            RuleError::NoSuchPassword => {
                "The password you are trying to remove from the user does not exist"
            }
            RuleError::BadHash => {
                "The password hash must be exactly 64 characters and contain only lowercase \
                 hexadecimal characters"
            }
            RuleError::FirstArgOfSub => "Allowing first-arg of a subcommand is not supported",
        }
    }
}

/// A key pattern with its permissions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPattern {
    /// `PERM_R`, `PERM_W` or both.
    pub perm: u8,
    /// The glob pattern.
    pub pattern: Vec<u8>,
}

impl KeyPattern {
    fn describe(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(match self.perm {
            PERM_R => b"%R~".as_slice(),
            PERM_W => b"%W~".as_slice(),
            _ => b"~".as_slice(),
        });
        out.extend_from_slice(&self.pattern);
    }
}

/// One selector: commands, keys and channels.
#[derive(Debug, Clone)]
pub struct Selector {
    /// The root selector (rules outside parentheses).
    pub root: bool,
    /// `allkeys` / `~*`.
    pub allkeys: bool,
    /// `allchannels` / `&*`.
    pub allchannels: bool,
    /// `allcommands` / `+@all` and nothing removed since.
    pub allcommands: bool,
    /// One bit per command id, plus the "+@all" bit.
    allowed: Vec<u64>,
    /// Allowed first arguments of otherwise denied commands (`+select|0`): (id, args).
    firstargs: Vec<(usize, Vec<Vec<u8>>)>,
    /// Key patterns.
    pub patterns: Vec<KeyPattern>,
    /// Channel patterns.
    pub channels: Vec<Vec<u8>>,
    /// The command rules as given, compacted (Redis 7.2's `command_rules`).
    command_rules: String,
}

fn empty_bitmap() -> Vec<u64> {
    vec![0; commands::bits().div_ceil(64)]
}

impl Selector {
    /// An empty selector (no commands, keys or channels), or with all channels when
    /// `acl-pubsub-default` is `allchannels`.
    pub fn new(root: bool, pubsub_all: bool) -> Selector {
        Selector {
            root,
            allkeys: false,
            allchannels: pubsub_all,
            allcommands: false,
            allowed: empty_bitmap(),
            firstargs: Vec::new(),
            patterns: Vec::new(),
            channels: Vec::new(),
            command_rules: String::new(),
        }
    }

    /// Whether the bit for command `id` is set.
    #[inline]
    pub fn bit(&self, id: usize) -> bool {
        self.allowed
            .get(id / 64)
            .is_some_and(|w| w & (1u64 << (id % 64)) != 0)
    }

    fn set_bit(&mut self, id: usize, on: bool) {
        if let Some(w) = self.allowed.get_mut(id / 64) {
            if on {
                *w |= 1u64 << (id % 64);
            } else {
                *w &= !(1u64 << (id % 64));
                self.allcommands = false;
            }
        }
    }

    /// Allow or deny a command and, for a container, all its subcommands.
    fn change_perm(&mut self, idx: &CmdIndex, id: usize, allow: bool) {
        self.set_bit(id, allow);
        self.firstargs.retain(|(c, _)| *c != id);
        if let Some(subs) = idx.subs.get(id) {
            for &s in subs {
                self.set_bit(s, allow);
            }
        }
    }

    fn set_category(&mut self, idx: &CmdIndex, cat: u32, allow: bool) {
        for id in 0..idx.cats.len() {
            if idx.valid[id] && idx.cats[id] & cat != 0 {
                self.change_perm(idx, id, allow);
            }
        }
    }

    /// Redis 7.2's `ACLUpdateCommandRules`: drop earlier rules about the same command
    /// (or category), and about its subcommands, then append this one.
    fn update_rules(&mut self, rule: &str, allow: bool) {
        let new_rule = rule.to_ascii_lowercase();
        let kept: Vec<&str> = self
            .command_rules
            .split(' ')
            .filter(|r| !r.is_empty())
            .filter(|r| {
                let body = &r[1..];
                !(body == new_rule
                    || (body.len() > new_rule.len()
                        && body.starts_with(new_rule.as_str())
                        && body.as_bytes()[new_rule.len()] == b'|'))
            })
            .collect();
        let mut s = kept.join(" ");
        if !s.is_empty() {
            s.push(' ');
        }
        s.push(if allow { '+' } else { '-' });
        s.push_str(&new_rule);
        self.command_rules = s;
    }

    fn all_commands(&mut self, on: bool) {
        for w in &mut self.allowed {
            *w = if on { u64::MAX } else { 0 };
        }
        self.allcommands = on;
        self.command_rules.clear();
        self.firstargs.clear();
    }

    /// Apply one selector rule (Redis's `ACLSetSelector`).
    pub fn apply(&mut self, op: &[u8]) -> Result<(), RuleError> {
        let idx = commands::index();
        let is = |w: &str| op.eq_ignore_ascii_case(w.as_bytes());
        if is("allkeys") || is("~*") {
            self.allkeys = true;
            self.patterns.clear();
        } else if is("resetkeys") {
            self.allkeys = false;
            self.patterns.clear();
        } else if is("allchannels") || is("&*") {
            self.allchannels = true;
            self.channels.clear();
        } else if is("resetchannels") {
            self.allchannels = false;
            self.channels.clear();
        } else if is("allcommands") || is("+@all") {
            self.all_commands(true);
        } else if is("nocommands") || is("-@all") {
            self.all_commands(false);
        } else if op.first() == Some(&b'~') || op.first() == Some(&b'%') {
            if self.allkeys {
                return Err(RuleError::AfterAllKeys);
            }
            let mut perm = 0u8;
            let mut offset = 1;
            if op[0] == b'%' {
                loop {
                    match op.get(offset) {
                        Some(b'R' | b'r') if perm & PERM_R == 0 => perm |= PERM_R,
                        Some(b'W' | b'w') if perm & PERM_W == 0 => perm |= PERM_W,
                        Some(b'~') if perm != 0 => {
                            offset += 1;
                            break;
                        }
                        _ => return Err(RuleError::Syntax),
                    }
                    offset += 1;
                }
            } else {
                perm = PERM_RW;
            }
            let pat = op.get(offset..).unwrap_or_default();
            if has_spaces(pat) {
                return Err(RuleError::Syntax);
            }
            match self.patterns.iter_mut().find(|p| p.pattern == pat) {
                Some(p) => p.perm |= perm,
                None => self.patterns.push(KeyPattern {
                    perm,
                    pattern: pat.to_vec(),
                }),
            }
            self.allkeys = false;
        } else if op.first() == Some(&b'&') {
            if self.allchannels {
                return Err(RuleError::AfterAllChannels);
            }
            let pat = &op[1..];
            if has_spaces(pat) {
                return Err(RuleError::Syntax);
            }
            if !self.channels.iter().any(|c| c == pat) {
                self.channels.push(pat.to_vec());
            }
            self.allchannels = false;
        } else if op.len() >= 2 && (op[0] == b'+' || op[0] == b'-') && op[1] == b'@' {
            let allow = op[0] == b'+';
            let cat = category_by_name(&op[2..]).ok_or(RuleError::Unknown)?;
            self.update_rules(&String::from_utf8_lossy(&op[1..]), allow);
            self.set_category(idx, cat, allow);
        } else if op.first() == Some(&b'+') {
            let body = &op[1..];
            match body.iter().rposition(|&c| c == b'|') {
                None => {
                    let id = commands::lookup(body).ok_or(RuleError::Unknown)?;
                    self.change_perm(idx, id, true);
                    self.update_rules(commands::name(id), true);
                }
                Some(bar) => {
                    let (head, sub) = (&body[..bar], &body[bar + 1..]);
                    let id = commands::lookup(head).ok_or(RuleError::Unknown)?;
                    if idx.parent.get(id).copied().flatten().is_some() {
                        return Err(RuleError::FirstArgOfSub);
                    }
                    if sub.is_empty() {
                        return Err(RuleError::Syntax);
                    }
                    if idx.subs.get(id).is_some_and(|s| !s.is_empty()) {
                        let sid = commands::lookup(body).ok_or(RuleError::Unknown)?;
                        self.change_perm(idx, sid, true);
                    } else {
                        // `+select|0`: a first argument allowed although the command is
                        // not (deprecated in Redis, still honoured).
                        match self.firstargs.iter_mut().find(|(c, _)| *c == id) {
                            Some((_, list)) => {
                                if !list.iter().any(|a| a.eq_ignore_ascii_case(sub)) {
                                    list.push(sub.to_vec());
                                }
                            }
                            None => self.firstargs.push((id, vec![sub.to_vec()])),
                        }
                    }
                    self.update_rules(&String::from_utf8_lossy(body), true);
                }
            }
        } else if op.first() == Some(&b'-') {
            let id = commands::lookup(&op[1..]).ok_or(RuleError::Unknown)?;
            self.change_perm(idx, id, false);
            self.update_rules(commands::name(id), false);
        } else {
            return Err(RuleError::Syntax);
        }
        Ok(())
    }

    /// Whether "+@all" was given (describe from `+@all`).
    fn future_commands(&self) -> bool {
        self.bit(commands::future_bit())
    }

    /// The command rules: `+@all`/`-@all` then the rules as given.
    pub fn describe_commands(&self) -> String {
        let mut s = String::from(if self.future_commands() {
            "+@all"
        } else {
            "-@all"
        });
        if !self.command_rules.is_empty() {
            s.push(' ');
            s.push_str(&self.command_rules);
        }
        s
    }

    /// Key patterns as `ACL GETUSER` shows them (`~*`, or space-separated patterns).
    pub fn describe_keys(&self) -> Vec<u8> {
        if self.allkeys {
            return b"~*".to_vec();
        }
        let mut out = Vec::new();
        for (i, p) in self.patterns.iter().enumerate() {
            if i > 0 {
                out.push(b' ');
            }
            p.describe(&mut out);
        }
        out
    }

    /// Channel patterns as `ACL GETUSER` shows them.
    pub fn describe_channels(&self) -> Vec<u8> {
        if self.allchannels {
            return b"&*".to_vec();
        }
        let mut out = Vec::new();
        for (i, c) in self.channels.iter().enumerate() {
            if i > 0 {
                out.push(b' ');
            }
            out.push(b'&');
            out.extend_from_slice(c);
        }
        out
    }

    /// The whole selector in rule form (`ACL LIST`).
    pub fn describe(&self, out: &mut Vec<u8>) {
        if self.allkeys {
            out.extend_from_slice(b"~* ");
        } else {
            for p in &self.patterns {
                p.describe(out);
                out.push(b' ');
            }
        }
        if self.allchannels {
            out.extend_from_slice(b"&* ");
        } else {
            out.extend_from_slice(b"resetchannels ");
            for c in &self.channels {
                out.push(b'&');
                out.extend_from_slice(c);
                out.push(b' ');
            }
        }
        out.extend_from_slice(self.describe_commands().as_bytes());
    }

    /// Whether this selector allows everything.
    pub fn unrestricted(&self) -> bool {
        self.allcommands && self.allkeys && self.allchannels
    }

    /// Whether command `id` may run with these arguments (bit or first argument).
    fn command_allowed(&self, id: usize, args: &crate::cmd::Args, is_sub: bool) -> bool {
        if self.allcommands || self.bit(id) {
            return true;
        }
        let Some((_, list)) = self.firstargs.iter().find(|(c, _)| *c == id) else {
            return false;
        };
        let i = if is_sub { 2 } else { 1 };
        i < args.len() && list.iter().any(|x| x.eq_ignore_ascii_case(args.get(i)))
    }

    /// Whether `key`, accessed with key-spec flags `flags`, matches a pattern.
    pub fn key_allowed(&self, key: &[u8], flags: u32) -> bool {
        if self.allkeys {
            return true;
        }
        let need = key_perm(flags);
        self.patterns
            .iter()
            .any(|p| p.perm & need == need && glob_match(&p.pattern, key, false))
    }

    /// Whether `channel` is allowed; `is_pattern` (PSUBSCRIBE) compares literally.
    pub fn channel_allowed(&self, channel: &[u8], is_pattern: bool) -> bool {
        self.allchannels || channel_in(&self.channels, channel, is_pattern)
    }
}

/// Whether `channel` matches one of `list` (literally when `is_pattern`).
pub fn channel_in(list: &[Vec<u8>], channel: &[u8], is_pattern: bool) -> bool {
    list.iter().any(|p| {
        if is_pattern {
            p.as_slice() == channel
        } else {
            glob_match(p, channel, false)
        }
    })
}

/// The permissions a key access needs, from its key-spec flags.
pub fn key_perm(flags: u32) -> u8 {
    use crate::cmd::keyspec::{K_ACCESS, K_DELETE, K_UPDATE};
    const K_INSERT: u32 = 1 << 6;
    let mut p = 0;
    if flags & K_ACCESS != 0 {
        p |= PERM_R;
    }
    if flags & (K_INSERT | K_DELETE | K_UPDATE) != 0 {
        p |= PERM_W;
    }
    p
}

/// Redis's `ACLStringHasSpaces`: whitespace or NUL.
pub fn has_spaces(s: &[u8]) -> bool {
    s.iter()
        .any(|&c| c == 0 || c.is_ascii_whitespace() || c == 0x0b)
}

/// A category bit by name (case-insensitive).
pub fn category_by_name(name: &[u8]) -> Option<u32> {
    crate::cmd::spec_types::CATEGORY_NAMES
        .iter()
        .find(|(_, n)| n.as_bytes().eq_ignore_ascii_case(name))
        .map(|(bit, _)| *bit)
}

/// Payload sanitising flag of a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sanitize {
    /// Neither flag shown (a fresh user).
    Unset,
    /// `sanitize-payload`.
    Yes,
    /// `skip-sanitize-payload`.
    Skip,
}

/// One ACL user.
#[derive(Debug, Clone)]
pub struct User {
    /// User name.
    pub name: Vec<u8>,
    /// `on` (may authenticate).
    pub enabled: bool,
    /// `nopass`: any password authenticates.
    pub nopass: bool,
    /// RESTORE payload sanitising.
    pub sanitize: Sanitize,
    /// SHA-256 hex hashes of the passwords.
    pub passwords: Vec<String>,
    /// Selectors; the first is the root.
    pub selectors: Vec<Selector>,
    unrestricted: bool,
}

impl User {
    /// A new user: off, no passwords, no permissions.
    pub fn new(name: &[u8], pubsub_all: bool) -> User {
        User {
            name: name.to_vec(),
            enabled: false,
            nopass: false,
            sanitize: Sanitize::Unset,
            passwords: Vec::new(),
            selectors: vec![Selector::new(true, pubsub_all)],
            unrestricted: false,
        }
    }

    /// The `default` user: `on nopass ~* &* +@all`.
    pub fn new_default() -> User {
        let mut u = User::new(b"default", false);
        for op in ["+@all", "~*", "&*", "on", "nopass"] {
            let _ = u.apply(op.as_bytes(), false);
        }
        u
    }

    /// Whether every command, key and channel is allowed (the fast path).
    #[inline]
    pub fn is_unrestricted(&self) -> bool {
        self.unrestricted
    }

    fn refresh(&mut self) {
        self.unrestricted = self.selectors.iter().any(Selector::unrestricted);
    }

    /// The root selector.
    pub fn root(&self) -> &Selector {
        // The root selector always exists (created with the user, never removed).
        &self.selectors[0]
    }

    /// Apply one rule (Redis's `ACLSetUser`).
    pub fn apply(&mut self, op: &[u8], pubsub_all: bool) -> Result<(), RuleError> {
        let r = self.apply_inner(op, pubsub_all);
        self.refresh();
        r
    }

    fn apply_inner(&mut self, op: &[u8], pubsub_all: bool) -> Result<(), RuleError> {
        if op.is_empty() {
            return Ok(());
        }
        let is = |w: &str| op.eq_ignore_ascii_case(w.as_bytes());
        if is("on") {
            self.enabled = true;
        } else if is("off") {
            self.enabled = false;
        } else if is("skip-sanitize-payload") {
            self.sanitize = Sanitize::Skip;
        } else if is("sanitize-payload") {
            self.sanitize = Sanitize::Yes;
        } else if is("nopass") {
            self.nopass = true;
            self.passwords.clear();
        } else if is("resetpass") {
            self.nopass = false;
            self.passwords.clear();
        } else if op[0] == b'>' || op[0] == b'#' {
            let hash = if op[0] == b'>' {
                super::sha256::sha256_hex(&op[1..])
            } else {
                valid_hash(&op[1..])?
            };
            if !self.passwords.contains(&hash) {
                self.passwords.push(hash);
            }
            self.nopass = false;
        } else if op[0] == b'<' || op[0] == b'!' {
            let hash = if op[0] == b'<' {
                super::sha256::sha256_hex(&op[1..])
            } else {
                valid_hash(&op[1..])?
            };
            let pos = self
                .passwords
                .iter()
                .position(|p| *p == hash)
                .ok_or(RuleError::NoSuchPassword)?;
            self.passwords.remove(pos);
        } else if op[0] == b'(' && op.last() == Some(&b')') {
            let inner = &op[1..op.len() - 1];
            let mut sel = Selector::new(false, pubsub_all);
            // Redis splits the inside like a config line; unbalanced quotes give an
            // empty selector.
            for p in split_line(inner).unwrap_or_default() {
                sel.apply(&p)?;
            }
            self.selectors.push(sel);
        } else if is("clearselectors") {
            self.selectors.truncate(1);
        } else if is("reset") {
            for r in ["resetpass", "resetkeys", "resetchannels"] {
                self.apply_inner(r.as_bytes(), pubsub_all)?;
            }
            if pubsub_all {
                self.apply_inner(b"allchannels", pubsub_all)?;
            }
            for r in ["off", "sanitize-payload", "clearselectors", "-@all"] {
                self.apply_inner(r.as_bytes(), pubsub_all)?;
            }
        } else {
            self.selectors[0].apply(op)?;
        }
        Ok(())
    }

    /// The user in rule form, without the `user <name> ` prefix (`ACL LIST`, ACL file).
    pub fn describe(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for f in self.flag_names() {
            out.extend_from_slice(f.as_bytes());
            out.push(b' ');
        }
        for p in &self.passwords {
            out.push(b'#');
            out.extend_from_slice(p.as_bytes());
            out.push(b' ');
        }
        for s in &self.selectors {
            if s.root {
                s.describe(&mut out);
            } else {
                out.extend_from_slice(b" (");
                s.describe(&mut out);
                out.push(b')');
            }
        }
        out
    }

    /// Flags in Redis's order: on, off, nopass, skip-sanitize-payload, sanitize-payload.
    pub fn flag_names(&self) -> Vec<&'static str> {
        let mut f = vec![if self.enabled { "on" } else { "off" }];
        if self.nopass {
            f.push("nopass");
        }
        match self.sanitize {
            Sanitize::Skip => f.push("skip-sanitize-payload"),
            Sanitize::Yes => f.push("sanitize-payload"),
            Sanitize::Unset => {}
        }
        f
    }

    /// Check a command line (Redis's `ACLCheckAllUserCommandPerm`). On denial, the
    /// reason and the argument index to blame (0 for the command itself).
    pub fn check(
        &self,
        spec: &'static crate::cmd::spec_types::CommandSpec,
        args: &crate::cmd::Args,
    ) -> Result<(), (super::Denied, usize)> {
        if self.unrestricted {
            return Ok(());
        }
        let mut relevant = super::Denied::Command;
        let mut last_idx = 0;
        let mut keys = None;
        for s in &self.selectors {
            match selector_check(s, spec, args, &mut keys) {
                Ok(()) => return Ok(()),
                Err((why, idx)) => {
                    if why > relevant || (why == relevant && idx > last_idx) {
                        relevant = why;
                        last_idx = idx;
                    }
                }
            }
        }
        Err((relevant, last_idx))
    }
}

/// What a selector checks of one command line (Redis's `ACLSelectorCheckCmd`).
fn selector_check(
    s: &Selector,
    spec: &'static crate::cmd::spec_types::CommandSpec,
    args: &crate::cmd::Args,
    keys: &mut Option<Vec<crate::cmd::keyspec::KeyRef>>,
) -> Result<(), (super::Denied, usize)> {
    use crate::cmd::spec_types::F_NO_AUTH;
    let id = commands::id_of(spec);
    let is_sub = spec.name.contains('|');
    if spec.flags & F_NO_AUTH == 0 && !s.command_allowed(id, args, is_sub) {
        return Err((super::Denied::Command, 0));
    }
    if !s.allkeys {
        let keys = keys.get_or_insert_with(|| crate::cmd::keyspec::command_keys(spec, args));
        for k in keys.iter() {
            if !s.key_allowed(args.get(k.pos), k.flags) {
                return Err((super::Denied::Key, k.pos));
            }
        }
    }
    if !s.allchannels {
        let (range, is_pattern): (std::ops::Range<usize>, bool) = match spec.name {
            "publish" | "spublish" => (1..2.min(args.len()), false),
            "subscribe" | "ssubscribe" => (1..args.len(), false),
            "psubscribe" => (1..args.len(), true),
            _ => (0..0, false),
        };
        for i in range {
            if !s.channel_allowed(args.get(i), is_pattern) {
                return Err((super::Denied::Channel, i));
            }
        }
    }
    Ok(())
}

/// Check a `#hash` / `!hash` argument: exactly 64 lower-case hex characters.
fn valid_hash(h: &[u8]) -> Result<String, RuleError> {
    if h.len() != 64 || !h.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(RuleError::BadHash);
    }
    Ok(String::from_utf8_lossy(h).into_owned())
}

/// Split a line into arguments like Redis's `sdssplitargs` (quotes, escapes); `None`
/// on unbalanced quotes.
pub fn split_line(line: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut buf = Vec::new();
    let mut ranges = Vec::new();
    if !crate::resp::parse::split_args(line, &mut buf, &mut ranges) {
        return None;
    }
    Some(
        ranges
            .into_iter()
            .map(|r| buf.get(r).unwrap_or_default().to_vec())
            .collect(),
    )
}
