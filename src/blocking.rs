//! Blocking commands (BLPOP, BLMOVE, BZPOPMIN, XREAD BLOCK, ...).
//!
//! A blocking handler that finds nothing to serve calls [`crate::cmd::Ctx::block`] with
//! the keys it waits on, a deadline and the reply to send on timeout. The dispatcher then
//! parks the client here (keeping a copy of its arguments) instead of replying. Writes
//! that add data to a key call `Ctx::signal_ready(key)`; after each command the host
//! calls [`crate::Engine::serve_blocked`], which re-runs the parked commands of clients
//! waiting on ready keys, first come first served, exactly as Redis 7 re-processes
//! blocked clients. A command that would still block keeps its place in the queue.
//! [`crate::Engine::expire_blocked`] answers clients whose deadline passed.

use hashbrown::HashMap;

use crate::cmd::ArgvBuf;
use crate::reply::Reply;

/// What a handler asks for when it must wait.
#[derive(Debug, Clone)]
pub struct BlockRequest {
    /// Keys (in the client's selected db) whose readiness can unblock it.
    pub keys: Vec<Vec<u8>>,
    /// Absolute deadline in Unix ms; `i64::MAX` = forever.
    pub deadline: i64,
    /// The reply sent when the deadline passes.
    pub timeout_reply: Reply,
    /// The arguments to re-run instead of the original ones (XREAD resolves `$` to the
    /// stream's last id at block time, as Redis rewrites its argv).
    pub rewritten_argv: Option<Vec<Vec<u8>>>,
}

/// A parked client.
#[derive(Debug)]
pub struct Blocked {
    /// The command to re-run.
    pub argv: ArgvBuf,
    /// Its database.
    pub db: usize,
    /// What it waits for.
    pub req: BlockRequest,
}

/// All parked clients, indexed by key and by client id.
#[derive(Debug, Default)]
pub struct BlockedClients {
    /// (db, key) → client ids in arrival order.
    pub by_key: HashMap<(usize, Vec<u8>), Vec<u64>>,
    /// Client id → what it waits for.
    pub clients: HashMap<u64, Blocked>,
}

impl BlockedClients {
    /// Whether any client waits on `key` in `db`.
    pub fn is_waited(&self, db: usize, key: &[u8]) -> bool {
        !self.by_key.is_empty() && self.by_key.contains_key(&(db, key.to_vec()))
    }

    /// Park client `id`.
    pub fn add(&mut self, id: u64, b: Blocked) {
        for k in &b.req.keys {
            let q = self.by_key.entry((b.db, k.clone())).or_default();
            if !q.contains(&id) {
                q.push(id);
            }
        }
        self.clients.insert(id, b);
    }

    /// Unpark client `id` (served, timed out, or disconnected).
    pub fn remove(&mut self, id: u64) -> Option<Blocked> {
        let b = self.clients.remove(&id)?;
        for k in &b.req.keys {
            let key = (b.db, k.clone());
            if let Some(q) = self.by_key.get_mut(&key) {
                q.retain(|&c| c != id);
                if q.is_empty() {
                    self.by_key.remove(&key);
                }
            }
        }
        Some(b)
    }

    /// Number of parked clients (INFO `blocked_clients`).
    pub fn len(&self) -> usize {
        self.clients.len()
    }

    /// Whether none are parked.
    pub fn is_empty(&self) -> bool {
        self.clients.is_empty()
    }

    /// The earliest deadline, if any.
    pub fn next_deadline(&self) -> Option<i64> {
        self.clients
            .values()
            .map(|b| b.req.deadline)
            .filter(|&d| d != i64::MAX)
            .min()
    }
}
