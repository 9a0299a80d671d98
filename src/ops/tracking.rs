//! Client-side caching (CLIENT TRACKING), as Redis's tracking.c.
//!
//! *Default mode*: after a read-only command, the keys it named are remembered for
//! each tracking client that read them (OPTIN / OPTOUT decide per command with CLIENT
//! CACHING). When such a key is modified (any write, expiry, eviction), every client
//! that remembered it gets one invalidation and forgets it (it must read again to be
//! told again).
//!
//! *Broadcast mode* (BCAST, with PREFIX): nothing is remembered; every modified key
//! that starts with a registered prefix is collected and, after the command batch,
//! each subscriber of the prefix gets one invalidation carrying all of them.
//!
//! Invalidations are pushes (`>2 invalidate [keys]`) for RESP3 clients, or Pub/Sub
//! messages on `__redis__:invalidate` for a RESP2 client subscribed to anything, when
//! tracking redirects to it. They are queued as `pending` while commands run (a
//! client's own invalidation comes after its reply, as Redis 7 arranges) and encoded
//! into the Pub/Sub outbox by [`Tracking::flush`], which the engine calls when the host
//! takes its messages.

use crate::compact::ByteMap;
use hashbrown::HashMap;

use crate::reply::Reply;
use crate::session::Session;

/// One client's tracking options.
#[derive(Debug, Clone, Default)]
pub struct ClientTracking {
    /// BCAST mode.
    pub bcast: bool,
    /// OPTIN: only track reads after `CLIENT CACHING yes`.
    pub optin: bool,
    /// OPTOUT: track reads unless `CLIENT CACHING no`.
    pub optout: bool,
    /// NOLOOP: no invalidations for the client's own writes.
    pub noloop: bool,
    /// Client receiving the invalidations (0 = itself).
    pub redirect: u64,
    /// The redirect client went away (CLIENT LIST flag `R`).
    pub redir_broken: bool,
    /// BCAST prefixes.
    pub prefixes: Vec<Vec<u8>>,
    /// CLIENT CACHING was given for the next command.
    pub caching: bool,
}

#[derive(Debug, Default)]
struct PrefixState {
    /// Subscribed clients.
    clients: Vec<u64>,
    /// Modified keys waiting to be broadcast, with the client that modified them.
    keys: Vec<(Vec<u8>, u64)>,
}

#[derive(Debug)]
enum Pending {
    /// Invalidate `keys` (None: everything, after a flush) for `target`.
    Keys(u64, Option<Vec<Vec<u8>>>),
}

/// Tracking state of the server.
#[derive(Debug, Default)]
pub struct Tracking {
    /// Clients with tracking on, by id.
    pub clients: HashMap<u64, ClientTracking>,
    table: HashMap<Vec<u8>, Vec<u64>>,
    items: usize,
    prefixes: ByteMap<PrefixState>,
    pending: Vec<Pending>,
    /// The client running the current command (0 outside commands), for NOLOOP.
    pub current: u64,
}

impl Tracking {
    /// Whether any client tracks anything (the write path's fast check).
    #[inline]
    pub fn active(&self) -> bool {
        !self.clients.is_empty()
    }

    /// Whether there is anything to deliver.
    #[inline]
    pub fn has_pending(&self) -> bool {
        !self.pending.is_empty() || self.prefixes.values().any(|p| !p.keys.is_empty())
    }

    /// (keys, items, prefixes) for INFO stats.
    pub fn totals(&self) -> (usize, usize, usize) {
        (self.table.len(), self.items, self.prefixes.len())
    }

    /// Turn tracking on for `id` with options `t` (already validated), or update it.
    pub fn enable(&mut self, id: u64, mut t: ClientTracking) {
        if t.bcast && t.prefixes.is_empty() {
            // BCAST without PREFIX: every key (the empty prefix).
            t.prefixes.push(Vec::new());
        }
        if t.bcast {
            for p in t.prefixes.iter() {
                let st = self.prefixes.get_or_insert_with(p, PrefixState::default);
                if !st.clients.contains(&id) {
                    st.clients.push(id);
                }
            }
        }
        let entry = self.clients.entry(id).or_default();
        let mut prefixes = std::mem::take(&mut entry.prefixes);
        for p in t.prefixes.iter() {
            if !prefixes.contains(p) {
                prefixes.push(p.clone());
            }
        }
        *entry = ClientTracking {
            prefixes,
            caching: false,
            redir_broken: false,
            ..t
        };
    }

    /// Turn tracking off for `id` (CLIENT TRACKING off, RESET, disconnect).
    pub fn disable(&mut self, id: u64) {
        let Some(t) = self.clients.remove(&id) else {
            return;
        };
        if t.bcast {
            for p in t.prefixes {
                if let Some(st) = self.prefixes.get_mut(&p) {
                    st.clients.retain(|&c| c != id);
                    if st.clients.is_empty() {
                        self.prefixes.remove(&p);
                    }
                }
            }
        }
        // Keys it remembered are dropped lazily: invalidation skips clients that no
        // longer track (as Redis does).
    }

    /// Remember that client `id` read `keys` (default mode), honouring OPTIN/OPTOUT.
    pub fn remember(&mut self, id: u64, keys: impl Iterator<Item = Vec<u8>>, max_keys: usize) {
        let Some(t) = self.clients.get(&id) else {
            return;
        };
        if t.bcast || (t.optin && !t.caching) || (t.optout && t.caching) {
            return;
        }
        for k in keys {
            let ids = self.table.entry(k).or_default();
            if !ids.contains(&id) {
                ids.push(id);
                self.items += 1;
            }
        }
        if max_keys > 0 {
            while self.table.len() > max_keys {
                let Some(k) = self.table.keys().next().cloned() else {
                    break;
                };
                self.invalidate_table_key(&k, 0);
            }
        }
    }

    /// A key was modified by client `self.current` (0: by the server itself).
    pub fn invalidate(&mut self, key: &[u8]) {
        let current = self.current;
        if !self.prefixes.is_empty() {
            for (p, st) in self.prefixes.iter_mut() {
                if key.starts_with(p) {
                    st.keys.push((key.to_vec(), current));
                }
            }
        }
        if self.table.contains_key(key) {
            self.invalidate_table_key(key, current);
        }
    }

    fn invalidate_table_key(&mut self, key: &[u8], current: u64) {
        let Some(ids) = self.table.remove(key) else {
            return;
        };
        self.items = self.items.saturating_sub(ids.len());
        for id in ids {
            let Some(t) = self.clients.get(&id) else {
                continue;
            };
            if t.bcast || (t.noloop && id == current) {
                continue;
            }
            self.pending
                .push(Pending::Keys(id, Some(vec![key.to_vec()])));
        }
    }

    /// Every key changed (FLUSHDB / FLUSHALL): every tracking client is told to drop
    /// its whole cache, and the table is emptied.
    pub fn invalidate_all(&mut self) {
        let mut ids: Vec<u64> = self.clients.keys().copied().collect();
        crate::compact::sort_u64(&mut ids);
        for id in ids {
            // FLUSHALL flushes every database: one message is enough.
            if !self
                .pending
                .iter()
                .any(|Pending::Keys(p, k)| *p == id && k.is_none())
            {
                self.pending.push(Pending::Keys(id, None));
            }
        }
        self.table.clear();
        self.items = 0;
    }

    /// Encode pending invalidations into `outbox` (client id, bytes). `session`
    /// resolves a client id (None if gone).
    pub fn flush<'a>(
        &mut self,
        session: &dyn Fn(u64) -> Option<&'a Session>,
        outbox: &mut Vec<(u64, Vec<u8>)>,
    ) {
        let mut msgs: Vec<(u64, Option<Vec<Vec<u8>>>)> = Vec::new();
        for p in std::mem::take(&mut self.pending) {
            let Pending::Keys(id, keys) = p;
            msgs.push((id, keys));
        }
        for st in self.prefixes.values_mut() {
            if st.keys.is_empty() {
                continue;
            }
            let keys = std::mem::take(&mut st.keys);
            for &id in &st.clients {
                let noloop = self.clients.get(&id).is_some_and(|t| t.noloop);
                let mine: Vec<Vec<u8>> = keys
                    .iter()
                    .filter(|(_, by)| !(noloop && *by == id))
                    .map(|(k, _)| k.clone())
                    .collect();
                if !mine.is_empty() {
                    msgs.push((id, Some(mine)));
                }
            }
        }
        for (id, keys) in msgs {
            self.send(id, keys, session, outbox);
        }
    }

    /// Redis's `sendTrackingMessage`.
    fn send<'a>(
        &mut self,
        id: u64,
        keys: Option<Vec<Vec<u8>>>,
        session: &dyn Fn(u64) -> Option<&'a Session>,
        outbox: &mut Vec<(u64, Vec<u8>)>,
    ) {
        let Some(t) = self.clients.get_mut(&id) else {
            return;
        };
        let Some(me) = session(id) else {
            return;
        };
        let (target, via_redirect) = if t.redirect != 0 {
            match session(t.redirect) {
                Some(r) => (r, true),
                None => {
                    t.redir_broken = true;
                    if me.resp3() {
                        let msg = Reply::Push(vec![
                            Reply::bulk("tracking-redir-broken"),
                            Reply::Int(t.redirect as i64),
                        ]);
                        push(outbox, id, &msg, true);
                    }
                    return;
                }
            }
        } else {
            (me, false)
        };
        let payload = match keys {
            Some(k) => Reply::Array(k.into_iter().map(Reply::Bulk).collect()),
            None => Reply::Nil,
        };
        if target.resp3() {
            let msg = Reply::Push(vec![Reply::bulk("invalidate"), payload]);
            push(outbox, target.id, &msg, true);
        } else if via_redirect && target.subscribed() {
            let msg = Reply::Push(vec![
                Reply::bulk("message"),
                Reply::bulk("__redis__:invalidate"),
                payload,
            ]);
            push(outbox, target.id, &msg, false);
        }
    }

    /// Redis's `checkPrefixCollisionsOrReply`: the error text if a new prefix overlaps
    /// (one is a prefix of the other, or equal) an existing or another new one.
    pub fn prefix_collision(existing: &[Vec<u8>], new: &[Vec<u8>]) -> Option<String> {
        let overlaps = |a: &[u8], b: &[u8]| {
            let n = a.len().min(b.len());
            a[..n] == b[..n]
        };
        let show = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        for (i, p) in new.iter().enumerate() {
            if let Some(q) = existing.iter().find(|q| overlaps(q, p)) {
                return Some(format!(
                    "Prefix '{}' overlaps with an existing prefix '{}'. Prefixes for a single \
                     client must not overlap.",
                    show(p),
                    show(q)
                ));
            }
            if let Some(q) = new[i + 1..].iter().find(|q| overlaps(p, q)) {
                return Some(format!(
                    "Prefix '{}' overlaps with another provided prefix '{}'. Prefixes for a \
                     single client must not overlap.",
                    show(p),
                    show(q)
                ));
            }
        }
        None
    }
}

fn push(outbox: &mut Vec<(u64, Vec<u8>)>, id: u64, msg: &Reply, resp3: bool) {
    let mut bytes = Vec::new();
    crate::resp::encode(msg, resp3, &mut bytes);
    outbox.push((id, bytes));
}
