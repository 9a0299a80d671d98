//! The fast path of GET and SET.
//!
//! The embedded package's `db.get`/`db.set` are one command each: there the general
//! dispatcher's fixed costs (command lookup by hashing the name, the checks for
//! features that are off, moving the reply around, allocating a `Vec` for a GET's value)
//! are most of the work. `execute_fast` runs `GET key` and `SET key value` (no options)
//! with the effects of `dispatch`'s handler bookkeeping (`run_handler`: LAST command,
//! dirty counter, `ops::call`'s command statistics / latency histogram, lazy-expiry
//! events) and of `execute_in`'s epilogue (last interaction, error statistics) written
//! straight (`direct_get`, `direct_set`: no `Ctx`, no lending of the session, no
//! `Reply` for a found value), skipping only checks that cannot fire in the state it
//! requires. It declines (returns None; the caller then uses the general path)
//! whenever one of them could: the slow log or MONITOR could record the call
//! (`Ops::direct_call_ok`), a renamed command, maxmemory (eviction before the
//! command, OOM), CLIENT PAUSE, a background save, AOF loading, propagation to a
//! replica/AOF, keyspace notifications (an expired or set event could be pushed to the
//! caller itself), client tracking, CLIENT REPLY OFF/SKIP, a client that must
//! authenticate or whose ACL user is restricted, MULTI, or RESP2 Pub/Sub mode. The
//! native server never calls it.

use super::*;

/// The reply of a command run by [`Engine::execute_fast`].
#[derive(Debug)]
pub enum Fast {
    /// A bulk string, appended to the output buffer.
    Bulk,
    /// A null.
    Nil,
    /// `+OK`.
    Ok,
    /// Any other reply (an error), and whether the client speaks RESP3.
    Other(Reply, bool),
}

impl Engine {
    /// Run `args` for client `h` if it is `GET key` or `SET key value` and nothing
    /// active needs the general dispatcher (see the comment above); None otherwise,
    /// without any effect. Same effects as [`Self::execute_reply`]; a GET's value is
    /// appended to `out`.
    pub fn execute_fast(
        &mut self,
        h: ClientHandle,
        args: &Args,
        out: &mut Vec<u8>,
    ) -> Option<Fast> {
        match args.len() {
            2 if is_word3(args.get(0), *b"get") => self.fast_get(h, args.get(1), out),
            3 if is_word3(args.get(0), *b"set") => self.fast_set(h, args.get(1), args.get(2)),
            _ => None,
        }
    }

    /// `GET key` for client `h` as [`Self::execute_fast`] runs it (the value appended
    /// to `out`), or None (no effect) when the general dispatcher is needed.
    pub fn fast_get(&mut self, h: ClientHandle, key: &[u8], out: &mut Vec<u8>) -> Option<Fast> {
        let (get_cmd, _) = fast_cmds()?;
        let (st, sess, now) = self.fast_session(h)?;
        Some(direct_get(st, sess, key, now, get_cmd, out))
    }

    /// `SET key value` for client `h` as [`Self::execute_fast`] runs it, or None (no
    /// effect) when the general dispatcher is needed.
    pub fn fast_set(&mut self, h: ClientHandle, key: &[u8], val: &[u8]) -> Option<Fast> {
        let (_, set_cmd) = fast_cmds()?;
        let (st, sess, now) = self.fast_session(h)?;
        Some(direct_set(st, sess, key, val, now, set_cmd))
    }

    /// The state, client `h`'s session and the time, when `h` may take the fast path.
    #[inline(always)]
    fn fast_session(&mut self, h: ClientHandle) -> Option<(&mut State, &mut Session, i64)> {
        if !self.fast_ok(h) {
            return None;
        }
        let now = self.st.clock.now_ms();
        let sess = self
            .clients
            .slots
            .get_mut(h.slot as usize)?
            .as_deref_mut()?;
        Some((&mut self.st, sess, now))
    }

    /// Whether client `h` may take the fast path now: nothing active needs the general
    /// dispatcher (see the module docs).
    fn fast_ok(&self, h: ClientHandle) -> bool {
        let st = &self.st;
        st.ops.renames.is_empty()
            && st.config.maxmemory == 0
            && st.config.notify_flags == 0
            && st.ops.pause.is_none()
            && st.ops.reply_modes.is_empty()
            && !st.ops.tracking.active()
            && st.persist.bg.is_none()
            && !st.persist.loading
            && st.propagation.is_none()
            && st.block_request.is_none()
            && st.ops.direct_call_ok()
            && self
                .clients
                .slots
                .get(h.slot as usize)
                .and_then(|s| s.as_deref())
                .is_some_and(|s| {
                    s.id == h.id
                        && !s.in_multi
                        && !(s.resp == 2 && s.subscribed())
                        && (s.authenticated || !st.acl.auth_required())
                        && st.acl.is_unrestricted(s.acl_user)
                })
    }
}

/// Whether `name` is the lower-case ASCII word `w`, ignoring ASCII case (the three
/// letters of GET/SET: one compare instead of a loop per byte).
#[inline]
fn is_word3(name: &[u8], w: [u8; 3]) -> bool {
    match name {
        &[a, b, c] => {
            u32::from_le_bytes([a, b, c, 0]) | 0x20_2020
                == u32::from_le_bytes([w[0], w[1], w[2], 0])
        }
        _ => false,
    }
}

/// GET for [`Engine::execute_fast`] when [`crate::ops::Ops::direct_call_ok`]: the same
/// effects as `run_handler` + `get_into_out` + `ops::call` + `ops::after_command` (LAST
/// command, hit/miss counters, LRU/LFU stamp, lazy expiry, command statistics and
/// latency histogram, error statistics), written straight, without lending the session
/// to a `Ctx` or building a `Reply` for a found value. With no host clock for durations
/// (`Ops::usec`), a call lasts 0 µs, so the slow log, latency monitor and MONITOR
/// conditions `direct_call_ok` checks are the only ones that could fire.
fn direct_get(
    st: &mut State,
    sess: &mut Session,
    key: &[u8],
    now: i64,
    cmd: &'static Command,
    out: &mut Vec<u8>,
) -> Fast {
    sess.last_interaction_ms = now;
    sess.last_cmd = cmd.name();
    st.prop_overridden = false;
    let db = sess.db;
    let mut failed = false;
    let clock = Some(&*st.clock);
    let fast = match st.dbs[db].lookup_read_at(key, now, clock, &mut st.stats.keys) {
        None => Fast::Nil,
        Some(e) => {
            crate::db::lru::touch(e, now, st.config.tracking, &mut st.rng);
            match &e.value {
                crate::types::Value::Str(s) => {
                    s.with_bytes(|b| out.extend_from_slice(b));
                    Fast::Bulk
                }
                #[allow(unreachable_patterns)]
                _ => {
                    failed = true;
                    Fast::Other(Reply::Error(CmdError::WrongType.into_text()), sess.resp3())
                }
            }
        }
    };
    direct_done(st, db, cmd, failed);
    if let Fast::Other(Reply::Error(text), _) = &fast {
        st.stats.total_error_replies += 1;
        st.ops.errors.count(text);
    }
    fast
}

/// SET without options for [`Engine::execute_fast`], as [`direct_get`]: the effects of
/// `run_handler` + `strings::set` + `ops::call` written straight (keyspace
/// notifications are off and nothing propagates in the states execute_fast runs in).
fn direct_set(
    st: &mut State,
    sess: &mut Session,
    key: &[u8],
    val: &[u8],
    now: i64,
    cmd: &'static Command,
) -> Fast {
    sess.last_interaction_ms = now;
    sess.last_cmd = cmd.name();
    st.prop_overridden = false;
    let db = sess.db;
    let value = crate::types::Value::Str(crate::types::StrValue::from_bytes(val));
    let clock = Some(&*st.clock);
    let t = st.config.tracking;
    st.dbs[db].set_plain(key, value, now, clock, t, &mut st.stats.keys);
    st.touch_watched(db, key);
    st.dirty += 1;
    direct_done(st, db, cmd, false);
    Fast::Ok
}

/// The common end of [`direct_get`] and [`direct_set`]: `run_handler`'s lazy-expiry
/// flush (`Ctx::flush_expired` with keyspace events off) and counters.
fn direct_done(st: &mut State, db: usize, cmd: &'static Command, failed: bool) {
    if !st.stats.keys.pending_expired.is_empty() {
        for k in std::mem::take(&mut st.stats.keys.pending_expired) {
            st.key_removed(db, &k, false);
        }
    }
    st.stats.total_commands_processed += 1;
    crate::ops::direct_call_done(st, cmd.id, failed);
}

/// The table entries of GET and SET, looked up once.
fn fast_cmds() -> Option<(&'static Command, &'static Command)> {
    static CMDS: std::sync::OnceLock<Option<(&'static Command, &'static Command)>> =
        std::sync::OnceLock::new();
    *CMDS.get_or_init(|| Some((table().lookup(b"get")?, table().lookup(b"set")?)))
}
