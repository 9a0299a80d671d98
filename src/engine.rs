//! The [`Engine`]: databases, configuration, clients, and the one dispatcher every
//! command goes through.

use crate::blocking::Blocked;
use crate::clock::Clock;
use crate::cmd::ArgvBuf;
use crate::cmd::table::Kind;
use crate::cmd::{Args, Command, Ctx, HostEvents, State, Stats, table};
use crate::config::Config;
use crate::db::{Db, expire};
use crate::reply::{CmdError, Reply};
use crate::rng::Rng;
use crate::session::Session;

mod fast;
pub use fast::Fast;

/// Keyspace slots a compaction in progress advances per active expiry cycle (about
/// 1 ms of work), so that tables without traffic finish compacting.
const CRON_COMPACT_SLOTS: usize = 8192;

/// Identifies a connected client to the engine; returned by [`Engine::connect`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientHandle {
    slot: u32,
    /// The client's id (CLIENT ID).
    pub id: u64,
}

/// The table of connected clients.
#[derive(Debug, Default)]
pub struct Clients {
    slots: Vec<Option<Box<Session>>>,
    free: Vec<u32>,
    len: usize,
    ids: hashbrown::HashMap<u64, u32>,
}

impl Clients {
    /// The session of client `id` (None for the caller itself, whose session is lent to
    /// the running command, or for unknown ids).
    pub fn get(&self, id: u64) -> Option<&Session> {
        let slot = *self.ids.get(&id)?;
        self.slots.get(slot as usize)?.as_deref()
    }

    /// Connected clients, excluding the one currently running a command.
    pub fn iter(&self) -> impl Iterator<Item = &Session> {
        self.slots.iter().filter_map(|s| s.as_deref())
    }
    /// Number of connected clients (including the caller).
    pub fn len(&self) -> usize {
        self.len
    }
    /// Whether no clients are connected.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// What happened to a command run with [`Engine::execute_encoded`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exec {
    /// The reply was appended.
    Replied,
    /// The reply was appended and the client asked to close (QUIT).
    Close,
    /// The client is blocked; its reply comes later from `serve_blocked`/`expire_blocked`.
    Blocked,
}

/// A Redis-compatible engine instance. No I/O: hosts feed it commands and drive its
/// timers.
pub struct Engine {
    st: State,
    clients: Clients,
    next_id: u64,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("clients", &self.clients.len)
            .finish()
    }
}

impl Engine {
    /// An engine with `config`, the given clock and an entropy-seeded PRNG.
    pub fn new(config: Config, clock: Box<dyn Clock>) -> Engine {
        Self::with_rng(config, clock, Rng::from_entropy())
    }

    /// An engine with an explicit PRNG (deterministic tests).
    pub fn with_rng(config: Config, clock: Box<dyn Clock>, mut rng: Rng) -> Engine {
        let now = clock.now_ms();
        let dbs = (0..config.databases.max(1)).map(|_| Db::new()).collect();
        let run_id: String = (0..40)
            .map(|_| {
                let d = rng.below(16) as u32;
                char::from_digit(d, 16).unwrap_or('0')
            })
            .collect();
        Engine {
            st: State {
                dbs,
                stats: Stats::default(),
                rng,
                clock,
                dirty: 0,
                start_ms: now,
                run_id,
                events: HostEvents::default(),
                host_info: Vec::new(),
                propagation: None,
                prop_overridden: false,
                blocked: Default::default(),
                pubsub: Default::default(),
                evict_pool: Default::default(),
                scripts: {
                    let mut r = crate::script::Registry::default();
                    crate::script::builtins::register(&mut r);
                    r
                },
                watched_keys: Default::default(),
                dirty_cas: Default::default(),
                ready_keys: Default::default(),
                block_request: None,
                persist: crate::persist::PersistState::new(now),
                acl: crate::acl::Acl::new(&config),
                ops: crate::ops::Ops::new(&config),
                config,
            },
            clients: Clients::default(),
            next_id: 1,
        }
    }

    /// An engine on the system clock (not on wasm).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn with_config(config: Config) -> Engine {
        Self::new(config, Box::new(crate::clock::SystemClock))
    }

    /// Shared state (config, stats, databases), for hosts.
    pub fn state(&self) -> &State {
        &self.st
    }

    /// Shared state, mutable, for hosts.
    pub fn state_mut(&mut self) -> &mut State {
        &mut self.st
    }

    /// Current time from the injected clock.
    pub fn now(&self) -> i64 {
        self.st.clock.now_ms()
    }

    /// Number of connected clients.
    pub fn client_count(&self) -> usize {
        self.clients.len()
    }

    /// Register a new client; returns its handle.
    pub fn connect(&mut self) -> ClientHandle {
        let id = self.next_id;
        self.next_id += 1;
        let mut sess = Box::new(Session::new(id, self.now()));
        // With a password set, a new connection starts unauthenticated.
        // [acl hook] authenticated unless the default user needs a password.
        sess.authenticated = self.st.acl.default_authenticated();
        self.st.stats.total_connections_received += 1;
        let slot = match self.clients.free.pop() {
            Some(s) => {
                self.clients.slots[s as usize] = Some(sess);
                s
            }
            None => {
                self.clients.slots.push(Some(sess));
                (self.clients.slots.len() - 1) as u32
            }
        };
        self.clients.len += 1;
        self.clients.ids.insert(id, slot);
        ClientHandle { slot, id }
    }

    /// Forget a client.
    pub fn disconnect(&mut self, h: ClientHandle) {
        if let Some(slot) = self.clients.slots.get_mut(h.slot as usize) {
            if slot.as_ref().is_some_and(|s| s.id == h.id) {
                if let Some(sess) = slot.take() {
                    for w in &sess.watched {
                        let k = (w.db, w.key.clone());
                        if let Some(ids) = self.st.watched_keys.get_mut(&k) {
                            ids.retain(|&c| c != h.id);
                            if ids.is_empty() {
                                self.st.watched_keys.remove(&k);
                            }
                        }
                    }
                }
                self.st.dirty_cas.remove(&h.id);
                self.st.blocked.remove(h.id);
                self.st.pubsub.remove_client(h.id);
                crate::ops::client_gone(&mut self.st, h.id); // [ops hook]
                self.clients.ids.remove(&h.id);
                self.clients.free.push(h.slot);
                self.clients.len -= 1;
            }
        }
    }

    /// A client's session, to read or to set host facts (address, buffers).
    pub fn session_mut(&mut self, h: ClientHandle) -> Option<&mut Session> {
        self.clients
            .slots
            .get_mut(h.slot as usize)?
            .as_deref_mut()
            .filter(|s| s.id == h.id)
    }

    /// Run one command for client `h`. `args.get(0)` is the command name.
    pub fn execute(&mut self, h: ClientHandle, args: &Args) -> Reply {
        let Some(mut sess) = self
            .clients
            .slots
            .get_mut(h.slot as usize)
            .and_then(|s| s.take())
        else {
            return Reply::Error("ERR unknown client".into());
        };
        let reply = self.execute_in(&mut sess, args);
        self.clients.slots[h.slot as usize] = Some(sess);
        reply
    }

    /// Run one command and append its RESP-encoded reply (in the client's current
    /// protocol) to `out`, unless the command blocked the client.
    pub fn execute_encoded(&mut self, h: ClientHandle, args: &Args, out: &mut Vec<u8>) -> Exec {
        let (outcome, reply) = self.execute_reply(h, args, out);
        if let Some((reply, resp3)) = reply {
            crate::resp::encode(&reply, resp3, out);
        }
        outcome
    }

    /// [`Self::execute_encoded`] without the final encoding, for hosts that map replies
    /// themselves (the wasm bindings): messages the command published to its own client
    /// are appended to `out` (RESP), and the reply comes back with whether the client
    /// speaks RESP3 — `None` when the client blocked or CLIENT REPLY dropped it.
    pub fn execute_reply(
        &mut self,
        h: ClientHandle,
        args: &Args,
        out: &mut Vec<u8>,
    ) -> (Exec, Option<(Reply, bool)>) {
        let Some(mut sess) = self
            .clients
            .slots
            .get_mut(h.slot as usize)
            .and_then(|s| s.take())
        else {
            return (
                Exec::Close,
                Some((Reply::Error("ERR unknown client".into()), false)),
            );
        };
        let reply = self.execute_in(&mut sess, args);
        let mut handed = None;
        let outcome = if let Some(mut req) = self.st.block_request.take() {
            let argv = match req.rewritten_argv.take() {
                Some(v) => ArgvBuf::from_parts(v),
                None => ArgvBuf::from_parts(args.iter()),
            };
            self.st.blocked.add(
                sess.id,
                Blocked {
                    argv,
                    db: sess.db,
                    req,
                },
            );
            Exec::Blocked
        } else {
            // Messages this command published to its own client go first (RESP3).
            if !self.st.pubsub.outbox.is_empty() {
                let me = sess.id;
                self.st.pubsub.outbox.retain(|(id, bytes)| {
                    if *id == me {
                        out.extend_from_slice(bytes);
                        false
                    } else {
                        true
                    }
                });
            }
            // [ops hook] CLIENT REPLY OFF / SKIP drop the reply.
            if !crate::ops::suppress_reply(&mut self.st, sess.id) {
                handed = Some((reply, sess.resp3()));
            }
            if sess.close_after_reply {
                Exec::Close
            } else {
                Exec::Replied
            }
        };
        self.clients.slots[h.slot as usize] = Some(sess);
        (outcome, handed)
    }

    /// Re-run the commands of clients blocked on keys that became ready, first come first
    /// served. Returns (client, encoded reply) for each client served.
    pub fn serve_blocked(&mut self) -> Vec<(ClientHandle, Vec<u8>)> {
        let mut served = Vec::new();
        let mut budget = 100_000usize;
        while let Some((db, key)) = self.st.ready_keys.pop_front() {
            let ids: Vec<u64> = match self.st.blocked.by_key.get(&(db, key.clone())) {
                Some(q) => q.to_vec(),
                None => continue,
            };
            for id in ids {
                budget = budget.saturating_sub(1);
                if budget == 0 {
                    break;
                }
                let Some(b) = self.st.blocked.clients.get(&id) else {
                    continue;
                };
                let argv = b.argv.clone();
                let Some(h) = self.handle_of(id) else {
                    self.st.blocked.remove(id);
                    continue;
                };
                let Some(mut sess) = self.clients.slots[h.slot as usize].take() else {
                    continue;
                };
                let reply = self.execute_in(&mut sess, &argv.args());
                if self.st.block_request.take().is_some() {
                    // Still nothing for it: it keeps its place in the queue.
                    self.clients.slots[h.slot as usize] = Some(sess);
                    continue;
                }
                self.st.blocked.remove(id);
                let mut out = Vec::new();
                crate::resp::encode(&reply, sess.resp3(), &mut out);
                self.clients.slots[h.slot as usize] = Some(sess);
                served.push((h, out));
            }
        }
        served
    }

    /// Answer blocked clients whose deadline has passed with their timeout reply.
    pub fn expire_blocked(&mut self) -> Vec<(ClientHandle, Vec<u8>)> {
        let now = self.now();
        let due: Vec<u64> = self
            .st
            .blocked
            .clients
            .iter()
            .filter(|(_, b)| b.req.deadline < now)
            .map(|(&id, _)| id)
            .collect();
        let mut out = Vec::new();
        for id in due {
            if let Some(b) = self.st.blocked.remove(id) {
                if let Some(h) = self.handle_of(id) {
                    let resp3 = self.clients.slots[h.slot as usize]
                        .as_ref()
                        .is_some_and(|s| s.resp3());
                    let mut bytes = Vec::new();
                    crate::resp::encode(&b.req.timeout_reply, resp3, &mut bytes);
                    out.push((h, bytes));
                }
            }
        }
        out
    }

    /// The earliest deadline among blocked clients (Unix ms).
    pub fn next_block_deadline(&self) -> Option<i64> {
        self.st.blocked.next_deadline()
    }

    /// Whether client `h` is blocked.
    pub fn is_blocked(&self, h: ClientHandle) -> bool {
        self.st.blocked.clients.contains_key(&h.id)
    }

    fn handle_of(&self, id: u64) -> Option<ClientHandle> {
        self.clients
            .ids
            .get(&id)
            .map(|&slot| ClientHandle { slot, id })
    }

    fn execute_in(&mut self, sess: &mut Session, args: &Args) -> Reply {
        let now = self.st.clock.now_ms();
        sess.last_interaction_ms = now;
        let reply = match self.dispatch(sess, args, now) {
            Ok(r) => r,
            Err(e) => Reply::Error(e.into_text()),
        };
        if reply.is_error() {
            self.st.stats.total_error_replies += 1;
        }
        crate::ops::after_command(&mut self.st, sess, args, &reply); // [ops hook] errorstats
        reply
    }

    fn dispatch(&mut self, sess: &mut Session, args: &Args, now: i64) -> Result<Reply, CmdError> {
        let name = args.get(0);
        let Some(mut cmd) = crate::ops::lookup_command(&self.st, name) else {
            // [ops hook] rename-command
            if sess.in_multi {
                sess.multi_error = true;
            }
            return Err(unknown_command(args));
        };
        // A container named alone is checked as itself (Redis's lookupCommand): its
        // arity refuses `CLIENT`, while `COMMAND` (arity -1) runs the container handler.
        if cmd.is_container() && args.len() >= 2 {
            match cmd.sub(args.get(1)) {
                Some(sub) => cmd = sub,
                None => {
                    if sess.in_multi {
                        sess.multi_error = true;
                    }
                    return Err(CmdError::UnknownCommand(format!(
                        "ERR unknown subcommand '{}'. Try {} HELP.",
                        sanitize(args.get(1), 128),
                        cmd.upper
                    )));
                }
            }
        }
        if !cmd.arity_ok(args.len()) {
            if sess.in_multi {
                sess.multi_error = true;
            }
            return Err(CmdError::WrongArity(cmd.name().into()));
        }
        if !sess.authenticated
            && cmd.spec.flags & crate::cmd::spec_types::F_NO_AUTH == 0
            && self.st.acl.auth_required()
        {
            if sess.in_multi {
                sess.multi_error = true;
            }
            return Err(CmdError::raw("NOAUTH Authentication required."));
        }
        // [acl hook] command, key and channel permissions. (Replaying an AOF bypasses
        // ACL and maxmemory, as Redis's loader does: `persist.loading`.)
        let loading = self.st.persist.loading;
        if !loading && let Err(e) = crate::acl::check_dispatch(&mut self.st, sess, cmd, args, now) {
            if sess.in_multi {
                sess.multi_error = true;
            }
            return Err(e);
        }
        if self.st.config.maxmemory > 0 && !loading {
            let out = self.evict_if_needed(now);
            if out == crate::db::evict::Outcome::Fail
                && cmd.spec.flags & crate::cmd::spec_types::F_DENYOOM != 0
            {
                if sess.in_multi {
                    sess.multi_error = true;
                }
                return Err(CmdError::raw(
                    "OOM command not allowed when used memory > 'maxmemory'.",
                ));
            }
        }
        if sess.resp == 2 && sess.subscribed() {
            match cmd.kind {
                Kind::Subscribed | Kind::Connection => {}
                _ => {
                    let other = cmd.name();
                    return Err(CmdError::UnknownCommand(format!(
                        "ERR Can't execute '{other}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"
                    )));
                }
            }
        }
        // [ops hook] CLIENT PAUSE postpones the command (it re-runs when the pause ends).
        if self.st.ops.pause.is_some() && crate::ops::postpone(&mut self.st, sess, cmd, now) {
            return Ok(Reply::Nil);
        }
        if sess.in_multi {
            match cmd.kind {
                Kind::Exec => return self.exec_transaction(sess, now),
                Kind::MultiControl | Kind::Connection => {}
                _ => {
                    if cmd.spec.flags & crate::cmd::spec_types::F_NO_MULTI != 0 {
                        sess.multi_error = true;
                        return Err(CmdError::err("Command not allowed inside a transaction"));
                    }
                    let mut argv = ArgvBuf::new();
                    for a in args.iter() {
                        argv.push(a);
                    }
                    sess.multi_queue.push(argv);
                    return Ok(Reply::simple("QUEUED"));
                }
            }
        }
        if cmd.kind == Kind::Script {
            sess.last_cmd = cmd.name();
            self.st.stats.total_commands_processed += 1;
            return self.run_hook(sess, args, now, cmd.name());
        }
        let Some(handler) = cmd.handler else {
            return Err(CmdError::WrongArity(cmd.name().into()));
        };
        self.run_handler(sess, args, now, cmd, handler)
    }

    /// The end of [`Self::dispatch`], once every check passed: run `handler` for `cmd`
    /// with its bookkeeping (statistics, lazy-expiry events, propagation).
    fn run_handler(
        &mut self,
        sess: &mut Session,
        args: &Args,
        now: i64,
        cmd: &'static Command,
        handler: crate::cmd::Handler,
    ) -> Result<Reply, CmdError> {
        sess.last_cmd = cmd.name();
        let dirty_before = self.st.dirty;
        self.st.prop_overridden = false;
        let mut ctx = Ctx {
            st: &mut self.st,
            sess,
            clients: &self.clients,
            now,
            cmd,
        };
        // A running background snapshot saves what this command is about to change.
        crate::persist::snapshot::before_command(ctx.st, ctx.sess.db, cmd, args, now);
        let r = crate::ops::call(&mut ctx, handler, args); // [ops hook] stats, slowlog, monitor
        if !ctx.st.stats.keys.pending_expired.is_empty() {
            ctx.flush_expired();
        }
        self.st.stats.total_commands_processed += 1;
        if self.st.dirty != dirty_before && !self.st.prop_overridden {
            if let Some(p) = &mut self.st.propagation {
                p.push((sess.db, args.to_vecs()));
            }
        }
        r
    }

    /// Register a scripting hook callable with `FCALL name numkeys key... arg...`.
    pub fn register_function(
        &mut self,
        name: &str,
        read_only: bool,
        func: std::rc::Rc<crate::script::HookFn>,
    ) {
        self.st.scripts.functions.insert(
            name.to_string(),
            crate::script::Hook {
                name: name.to_string(),
                read_only,
                func,
                library: "host".into(),
            },
        );
    }

    /// Make `EVAL <body>` / `EVALSHA <sha1>` run the registered function `function`.
    /// Returns the body's SHA1.
    pub fn register_script(&mut self, body: &[u8], function: &str) -> String {
        let sha = crate::script::sha1_hex(body);
        self.st
            .scripts
            .scripts
            .insert(sha.clone(), function.to_string());
        sha
    }

    /// FCALL / EVAL and their read-only variants: run a hook atomically.
    fn run_hook(
        &mut self,
        sess: &mut Session,
        args: &Args,
        now: i64,
        which: &str,
    ) -> Result<Reply, CmdError> {
        let ro_cmd = which.ends_with("_ro");
        let name = args.get(1);
        let hook = if which.starts_with("fcall") {
            let n = String::from_utf8_lossy(name);
            self.st
                .scripts
                .functions
                .get(n.as_ref())
                .cloned()
                .ok_or_else(|| CmdError::err("Function not found"))?
        } else {
            let sha = if which.starts_with("evalsha") {
                String::from_utf8_lossy(name).to_ascii_lowercase()
            } else {
                crate::script::sha1_hex(name)
            };
            let Some(fname) = self.st.scripts.scripts.get(&sha) else {
                return Err(if which.starts_with("evalsha") {
                    CmdError::raw("NOSCRIPT No matching script. Please use EVAL.")
                } else {
                    crate::cmd::scripting::no_interpreter(&sha)
                });
            };
            self.st
                .scripts
                .functions
                .get(fname)
                .cloned()
                .ok_or_else(|| CmdError::err("Function not found"))?
        };
        let numkeys = crate::cmd::parse_i64(args.get(2))?;
        if numkeys < 0 {
            return Err(CmdError::err("Number of keys can't be negative"));
        }
        let numkeys = numkeys as usize;
        if numkeys > args.len() - 3 {
            return Err(CmdError::err(
                "Number of keys can't be greater than number of args",
            ));
        }
        if ro_cmd && !hook.read_only {
            return Err(CmdError::err(
                "Can not execute a script with write flag using *_ro command.",
            ));
        }
        let keys: Vec<Vec<u8>> = (3..3 + numkeys).map(|i| args.get(i).to_vec()).collect();
        let argv: Vec<Vec<u8>> = (3 + numkeys..args.len())
            .map(|i| args.get(i).to_vec())
            .collect();
        let prop_start = self.st.propagation.as_ref().map(|p| p.len());
        let can_block = sess.can_block;
        sess.can_block = false;
        let result = {
            let mut sctx = crate::script::ScriptCtx {
                engine: self,
                sess: &mut *sess,
                read_only: hook.read_only || ro_cmd,
                now,
            };
            (hook.func)(&mut sctx, &keys, &argv)
        };
        sess.can_block = can_block;
        self.propagate_as_transaction(prop_start, sess.db);
        result
    }

    /// Wrap the writes propagated since `start` (a length of the propagation log) in
    /// MULTI … EXEC, so that a hook's or a transaction's effects reach the AOF
    /// atomically. Nothing happens when propagation is off or nothing was written.
    fn propagate_as_transaction(&mut self, start: Option<usize>, db: usize) {
        if let (Some(start), Some(p)) = (start, self.st.propagation.as_mut()) {
            if let Some(&(first_db, _)) = p.get(start) {
                p.insert(start, (first_db, vec![b"MULTI".to_vec()]));
                p.push((db, vec![b"EXEC".to_vec()]));
            }
        }
    }

    /// A command run from a hook (`ScriptCtx::call`).
    pub(crate) fn script_call(
        &mut self,
        sess: &mut Session,
        args: &Args,
        read_only: bool,
        now: i64,
    ) -> Reply {
        use crate::cmd::spec_types::{F_NOSCRIPT, F_WRITE};
        let cmd = match table().lookup(args.get(0)) {
            Some(c) => c,
            None => return Reply::Error("ERR Unknown Redis command called from script".into()),
        };
        let cmd = if cmd.is_container() {
            cmd.sub(args.get(1)).unwrap_or(cmd)
        } else {
            cmd
        };
        if cmd.spec.flags & F_NOSCRIPT != 0 {
            return Reply::Error("ERR This Redis command is not allowed from script".into());
        }
        if read_only && cmd.spec.flags & F_WRITE != 0 {
            return Reply::Error(
                "ERR Write commands are not allowed from read-only scripts.".into(),
            );
        }
        let saved_multi = std::mem::replace(&mut sess.in_multi, false);
        let r = match self.dispatch(sess, args, now) {
            Ok(r) => r,
            Err(e) => Reply::Error(e.into_text()),
        };
        sess.in_multi = saved_multi;
        r
    }

    /// EXEC: run the queued commands back to back, or refuse as Redis does.
    fn exec_transaction(&mut self, sess: &mut Session, now: i64) -> Result<Reply, CmdError> {
        let queue = std::mem::take(&mut sess.multi_queue);
        let aborted = sess.multi_error;
        sess.in_multi = false;
        sess.multi_error = false;
        let broken = {
            let exec_cmd = table().lookup(b"exec");
            match exec_cmd {
                Some(cmd) => {
                    let mut ctx = Ctx {
                        st: &mut self.st,
                        sess: &mut *sess,
                        clients: &self.clients,
                        now,
                        cmd,
                    };
                    let broken = !aborted && crate::cmd::multi::watch_broken(&mut ctx);
                    crate::cmd::multi::unwatch_all(&mut ctx);
                    broken
                }
                None => false,
            }
        };
        sess.last_cmd = "exec";
        if aborted {
            return Err(CmdError::raw(
                "EXECABORT Transaction discarded because of previous errors.",
            ));
        }
        if broken {
            return Ok(Reply::NilArray);
        }
        let can_block = sess.can_block;
        sess.can_block = false;
        let prop_start = self.st.propagation.as_ref().map(|p| p.len());
        let mut replies = Vec::with_capacity(queue.len());
        self.st.persist.in_exec = true;
        for argv in &queue {
            let args = argv.args();
            let r = match self.dispatch(sess, &args, now) {
                Ok(r) => r,
                Err(e) => Reply::Error(e.into_text()),
            };
            if r.is_error() {
                self.st.stats.total_error_replies += 1;
            }
            crate::ops::after_command(&mut self.st, sess, &args, &r); // [ops hook]
            replies.push(r);
        }
        sess.can_block = can_block;
        self.st.persist.in_exec = false;
        self.propagate_as_transaction(prop_start, sess.db);
        Ok(Reply::Array(replies))
    }

    /// Run one active expiry cycle with a time budget in ms. Returns keys deleted.
    pub fn active_expire(&mut self, budget_ms: i64) -> usize {
        let st = &mut self.st;
        let now = st.clock.now_ms();
        let clock = &st.clock;
        let now_fn = || clock.now_ms();
        let mut expired: Vec<(usize, Vec<u8>)> = Vec::new();
        let n = expire::active_expire_cycle(
            &mut st.dbs,
            now,
            &now_fn,
            budget_ms,
            &mut st.rng,
            &mut st.stats.keys,
            &mut |db, key| expired.push((db, key.to_vec())),
        );
        for (db, key) in expired {
            self.on_key_expired(db, &key, now);
        }
        // Finish keyspace compactions in progress on idle tables too (like Redis's
        // incremental rehash in databasesCron), a bounded slice per cycle.
        for db in &mut self.st.dbs {
            db.ks.compact_step(CRON_COMPACT_SLOTS);
        }
        // Hash fields with their own TTL: walk a bounded slice of each database per cycle.
        for dbi in 0..self.st.dbs.len() {
            if self.st.dbs[dbi].is_empty() {
                continue;
            }
            let cursor = self.st.dbs[dbi].expire_cursor;
            let (next, _) =
                crate::cmd::hashes::active_expire_fields(&mut self.st, dbi, now, cursor, 200);
            self.st.dbs[dbi].expire_cursor = next;
        }
        n
    }

    /// Notify, propagate and un-watch for a key deleted by expiry outside a command.
    fn on_key_expired(&mut self, db: usize, key: &[u8], now: i64) {
        self.on_key_removed(db, key, now, 'x', "expired");
    }

    /// A key removed by the engine itself (expiry, eviction): propagate a DEL, break
    /// WATCHes, emit the keyspace event.
    fn on_key_removed(&mut self, db: usize, key: &[u8], now: i64, class: char, event: &str) {
        self.st.key_removed(db, key, class == 'e');
        if self.st.config.notify_flags & crate::pubsub::notify::class_flag(class) != 0 {
            let Some(cmd) = table().lookup(b"del") else {
                return;
            };
            let mut sess = Session::new(0, now);
            sess.db = db;
            let mut ctx = Ctx {
                st: &mut self.st,
                sess: &mut sess,
                clients: &self.clients,
                now,
                cmd,
            };
            ctx.notify(class, event, key);
        }
    }

    /// Evict keys if `maxmemory` is exceeded (see `db::evict`).
    pub fn evict_if_needed(&mut self, now: i64) -> crate::db::evict::Outcome {
        use crate::db::evict::{Outcome, Params, Policy, perform_evictions};
        let maxmemory = self.st.config.maxmemory as usize;
        let used = self.st.used_memory();
        if used > self.st.stats.used_memory_peak {
            self.st.stats.used_memory_peak = used;
        }
        if maxmemory == 0 || used <= maxmemory {
            return Outcome::Ok;
        }
        let cfg = &self.st.config;
        let p = Params {
            maxmemory,
            policy: Policy::parse(cfg.get("maxmemory-policy").unwrap_or("noeviction")),
            samples: cfg
                .get("maxmemory-samples")
                .and_then(|v| v.parse().ok())
                .unwrap_or(5),
            now,
            tracking: cfg.tracking,
            overhead: crate::cmd::BASELINE_MEMORY,
        };
        if p.policy != Policy::NoEviction {
            // A running background snapshot is finished first: eviction removes keys
            // without naming them to the snapshot hook (see persist::snapshot).
            crate::persist::snapshot::finish_now(&mut self.st);
        }
        let mut victims: Vec<(usize, Vec<u8>)> = Vec::new();
        let st = &mut self.st;
        let out = perform_evictions(
            &mut st.dbs,
            &p,
            &mut st.evict_pool,
            &mut st.rng,
            &mut |db, k| victims.push((db, k.to_vec())),
        );
        self.st.stats.evicted_keys += victims.len() as u64;
        for (db, k) in victims {
            self.on_key_removed(db, &k, now, 'e', "evicted");
        }
        out
    }

    /// Take the Pub/Sub messages waiting for delivery: (client id, encoded bytes).
    pub fn take_messages(&mut self) -> Vec<(u64, Vec<u8>)> {
        // [ops hook] client-side caching invalidations are encoded now.
        let clients = &self.clients;
        crate::ops::flush_tracking(&mut self.st, &|id| clients.get(id));
        std::mem::take(&mut self.st.pubsub.outbox)
    }

    /// Take the requests commands made of the host (SHUTDOWN, CLIENT KILL).
    pub fn take_events(&mut self) -> HostEvents {
        std::mem::take(&mut self.st.events)
    }

    /// Start collecting propagated writes (see [`Engine::take_propagated`]).
    pub fn enable_propagation(&mut self) {
        if self.st.propagation.is_none() {
            self.st.propagation = Some(Vec::new());
        }
    }

    /// Drain the propagated writes collected so far (argv only; see
    /// [`Engine::take_propagated_with_db`]).
    pub fn take_propagated(&mut self) -> Vec<Vec<Vec<u8>>> {
        self.take_propagated_with_db()
            .into_iter()
            .map(|(_, c)| c)
            .collect()
    }

    /// Drain the propagated writes collected so far, each with its database index.
    pub fn take_propagated_with_db(&mut self) -> Vec<(usize, Vec<Vec<u8>>)> {
        self.st
            .propagation
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }
}

pub(crate) fn sanitize(b: &[u8], max: usize) -> String {
    let b = &b[..b.len().min(max)];
    String::from_utf8_lossy(b).replace(['\r', '\n'], " ")
}

fn unknown_command(args: &Args) -> CmdError {
    let mut rest = String::new();
    let mut i = 1;
    while i < args.len() && rest.len() < 128 {
        let room = 128 - rest.len();
        rest.push('\'');
        rest.push_str(&sanitize(args.get(i), room));
        rest.push_str("' ");
        i += 1;
    }
    CmdError::UnknownCommand(format!(
        "ERR unknown command '{}', with args beginning with: {}",
        sanitize(args.get(0), 128),
        rest
    ))
}
