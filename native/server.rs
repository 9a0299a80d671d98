//! The server: listeners, the shared engine, timers and shutdown.
//!
//! Threading model: the engine lives on one thread (a tokio current-thread runtime with a
//! `LocalSet`); every connection is a local task that parses a whole pipeline batch,
//! runs it against the engine under one `RefCell` borrow, and writes all replies with
//! one syscall. No locks, no cross-thread hand-offs: on this 2-core machine the other
//! core is left to clients (redis-benchmark), as with redis-server. See docs/DESIGN-NOTES.md.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::poll_fn;
use std::rc::Rc;
use std::task::{Poll, Waker};

use cinnabar::Engine;
use tokio::net::TcpListener;
use tokio::sync::Notify;

use crate::config::Startup;
use crate::connection;

/// How the server reaches one connection task from elsewhere.
pub struct ClientLink {
    /// The client's engine handle.
    pub handle: cinnabar::ClientHandle,
    /// Wakes the task (a reply in `outbox`, `killed`, or shutdown).
    pub wake: Signal,
    /// Replies produced for it by other tasks (a blocked command served, Pub/Sub and
    /// MONITOR messages, invalidations).
    pub outbox: RefCell<Vec<u8>>,
    /// CLIENT KILL (or an output buffer limit) asked for it to be closed.
    pub killed: Cell<bool>,
    /// Output the connection task holds and has not written yet (its reply buffer),
    /// kept current by the task; with `outbox`, what output buffer limits count.
    pub queued: Cell<usize>,
    /// Subscribed to something after its last batch: the `pubsub` limit class.
    pub pubsub: Cell<bool>,
    /// Unix second its output went over the soft limit (0: not over): Redis's
    /// `obuf_soft_limit_reached_time`.
    pub soft_since: Cell<i64>,
}

/// A wake-up for one task on this thread: `notify` sets a permit and wakes the waiter;
/// `wait` resolves once a permit is there and takes it (like `Notify::notify_one` /
/// `notified`, without the atomics and the waiter list: a connection polls it in every
/// iteration of its loop, and `Notify`'s registration and removal cost ~300
/// instructions per request at `-P 1`).
#[derive(Default)]
pub struct Signal {
    permit: Cell<bool>,
    waker: RefCell<Option<Waker>>,
}

impl Signal {
    /// Set the permit and wake the waiting task, if any.
    pub fn notify(&self) {
        self.permit.set(true);
        if let Some(w) = self.waker.borrow_mut().take() {
            w.wake();
        }
    }

    /// Resolves when a permit is set (at once if it already is), taking it.
    pub fn wait(&self) -> impl Future<Output = ()> + '_ {
        poll_fn(move |cx| {
            if self.permit.replace(false) {
                return Poll::Ready(());
            }
            let mut w = self.waker.borrow_mut();
            if !w.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                *w = Some(cx.waker().clone());
            }
            Poll::Pending
        })
    }
}

impl ClientLink {
    /// A link for a new connection.
    pub fn new(handle: cinnabar::ClientHandle) -> ClientLink {
        ClientLink {
            handle,
            wake: Signal::default(),
            outbox: RefCell::new(Vec::new()),
            killed: Cell::new(false),
            queued: Cell::new(0),
            pubsub: Cell::new(false),
            soft_since: Cell::new(0),
        }
    }

    /// Its `client-output-buffer-limit` class (MONITOR clients are `normal`, as in
    /// Redis; nothing is ever in the replica class: we have no replication).
    pub fn obuf_class(&self) -> usize {
        if self.pubsub.get() {
            cinnabar::config::OBUF_PUBSUB
        } else {
            cinnabar::config::OBUF_NORMAL
        }
    }
}

/// State shared by all connection tasks on the server thread.
pub struct Shared {
    /// The engine.
    pub engine: RefCell<Engine>,
    /// Every connection's link, by client id.
    pub links: RefCell<HashMap<u64, Rc<ClientLink>>>,
    /// Fired once on shutdown.
    pub shutdown: Notify,
    /// Set when shutting down.
    pub stopping: Cell<bool>,
    /// Persistence (AOF, snapshots): see persistence.rs. [persistence hook]
    pub persist: crate::persistence::Persist,
    /// A client blocked: the timeout task recomputes its deadline.
    pub block_changed: Notify,
}

impl Shared {
    /// Hand replies to the connections they belong to.
    pub fn deliver(&self, replies: Vec<(cinnabar::ClientHandle, Vec<u8>)>) {
        if replies.is_empty() {
            return;
        }
        self.enqueue(replies.into_iter().map(|(h, b)| (h.id, b)));
    }

    /// Queue output produced outside a client's own batch, enforcing
    /// `client-output-buffer-limit` on what the client then holds: a client over
    /// its class's limit is closed ASAP and its queued output dropped.
    fn enqueue(&self, items: impl Iterator<Item = (u64, Vec<u8>)>) {
        let (limits, now_s) = {
            let eng = self.engine.borrow();
            (eng.state().config.obuf_limits, eng.now().div_euclid(1000))
        };
        let mut over = Vec::new();
        {
            let links = self.links.borrow();
            for (id, bytes) in items {
                let Some(l) = links.get(&id) else { continue };
                if l.killed.get() {
                    continue;
                }
                let mut ob = l.outbox.borrow_mut();
                ob.extend_from_slice(&bytes);
                let pending = l.queued.get().saturating_add(ob.len());
                if crate::limits::obuf_over(&limits[l.obuf_class()], pending, &l.soft_since, now_s)
                {
                    *ob = Vec::new();
                    l.killed.set(true);
                    over.push(l.handle);
                }
                l.wake.notify();
            }
        }
        for h in over {
            crate::limits::log_obuf_close(self, h, true);
        }
    }

    /// After a batch: deliver Pub/Sub and MONITOR messages, serve clients blocked on
    /// keys that became ready, and act on host events.
    pub fn after_batch(&self) {
        let messages = self.engine.borrow_mut().take_messages();
        if !messages.is_empty() {
            self.enqueue(messages.into_iter());
        }
        let served = {
            let mut eng = self.engine.borrow_mut();
            if eng.state().ready_keys.is_empty() {
                Vec::new()
            } else {
                eng.serve_blocked()
            }
        };
        self.deliver(served);
        crate::persistence::after_batch(self); // [persistence hook] propagated writes -> AOF
        self.handle_events();
    }

    /// Act on what commands asked of the host (CLIENT KILL, SHUTDOWN).
    pub fn handle_events(&self) {
        let ev = self.engine.borrow_mut().take_events();
        if !ev.kill.is_empty() {
            let links = self.links.borrow();
            for id in ev.kill {
                if let Some(l) = links.get(&id) {
                    l.killed.set(true);
                    l.wake.notify();
                }
            }
        }
        if let Some(mode) = ev.shutdown {
            // [persistence hook] flush the AOF, save if asked; a failed save cancels the
            // shutdown, as in Redis.
            if crate::persistence::prepare_shutdown(self, mode) {
                self.begin_shutdown("User requested shutdown...");
            }
        }
    }

    /// Start a clean shutdown.
    pub fn begin_shutdown(&self, why: &str) {
        if !self.stopping.replace(true) {
            log(why);
            self.shutdown.notify_waiters();
            self.shutdown.notify_one();
            // Connections see `stopping` when they wake.
            for l in self.links.borrow().values() {
                l.wake.notify();
            }
        }
    }
}

/// Redis-style log line: `pid:M dd Mon yyyy hh:mm:ss.mmm * message`.
pub fn log(msg: &str) {
    crate::limits::log_at(crate::limits::NOTICE, msg); // [limits hook] loglevel, logfile
}

async fn bind_all(addrs: &[String], port: u16, backlog: u32) -> Result<Vec<TcpListener>, String> {
    let mut out = Vec::new();
    for a in addrs {
        let a = a.trim_start_matches('-');
        let sock = if a.contains(':') {
            format!("[{a}]:{port}")
        } else {
            format!("{a}:{port}")
        };
        match crate::limits::listen(&sock, backlog) {
            // [limits hook] tcp-backlog
            Ok(l) => out.push(l),
            Err(e) => {
                return Err(format!(
                    "Warning: Could not create server TCP listening socket {sock}: {e}"
                ));
            }
        }
    }
    Ok(out)
}

/// Run the server until shutdown; returns the process exit code.
pub async fn run(startup: Startup) -> i32 {
    let config = startup.config;
    crate::limits::start_logging(&config, startup.config_file.as_deref()); // [limits hook]
    let port: u16 = config
        .get("port")
        .and_then(|p| p.parse().ok())
        .unwrap_or(6379);
    let binds: Vec<String> = config
        .get("bind")
        .unwrap_or("127.0.0.1")
        .split_whitespace()
        .map(String::from)
        .collect();
    let hz = config.hz.max(1);
    let listeners = match bind_all(&binds, port, crate::limits::backlog(&config)).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    let mut engine = Engine::new(config, Box::new(crate::clock::WallClock));
    {
        let info = &mut engine.state_mut().host_info;
        info.push(("process_id".into(), std::process::id().to_string()));
        info.push(("tcp_port".into(), port.to_string()));
        let exe = std::env::current_exe()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        info.push(("executable".into(), exe));
        info.push((
            "config_file".into(),
            startup.config_file.clone().unwrap_or_default(),
        ));
    }
    // [persistence hook] Load the AOF or dump.rdb before serving.
    let aof = match crate::persistence::load_at_start(&mut engine) {
        Ok(a) => a,
        Err(e) => {
            log(&e);
            return 1;
        }
    };
    // [limits hook] host clocks and files, users, aclfile, rename-command.
    if let Err(e) = crate::limits::setup_engine(&mut engine, &startup.renames, &startup.users) {
        log(&e);
        return 1;
    }
    let shared = Rc::new(Shared {
        persist: crate::persistence::Persist::new(aof),
        engine: RefCell::new(engine),
        links: RefCell::new(HashMap::new()),
        shutdown: Notify::new(),
        stopping: std::cell::Cell::new(false),
        block_changed: Notify::new(),
    });
    crate::persistence::start(&shared); // [persistence hook]
    crate::limits::start(&shared); // [limits hook] CLIENT PAUSE expiry, late messages
    log(&format!(
        "Cinnabar {} (Redis {} compatible) started, pid={}",
        env!("CARGO_PKG_VERSION"),
        cinnabar::REDIS_VERSION,
        std::process::id()
    ));
    for l in &listeners {
        if let Ok(a) = l.local_addr() {
            log(&format!("Listening on {a}"));
        }
    }
    log("Ready to accept connections tcp");

    for listener in listeners {
        let shared = shared.clone();
        tokio::task::spawn_local(async move {
            loop {
                match listener.accept().await {
                    Ok((stream, peer)) => {
                        let shared = shared.clone();
                        tokio::task::spawn_local(connection::serve(shared, stream, peer));
                    }
                    Err(e) => {
                        // Out of file descriptors and the like: back off briefly, keep serving.
                        log(&format!("Accepting client connection: {e}"));
                        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    }
                }
            }
        });
    }

    // Server cron: active expiry at `hz` times per second, 25% of each tick at most.
    {
        let shared = shared.clone();
        tokio::task::spawn_local(async move {
            let period = std::time::Duration::from_millis((1000 / hz as u64).max(1));
            let budget = (1000 / hz as i64 / 4).max(1);
            let mut tick = tokio::time::interval(period);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                shared.engine.borrow_mut().active_expire(budget);
            }
        });
    }

    // Background eviction, Redis's `evictionTimeProc`: while used_memory is over
    // maxmemory (e.g. CONFIG SET maxmemory lowered it), evict one bounded slice
    // (db::evict::MAX_EVICTIONS_PER_CALL keys) and yield to the clients, again and
    // again until under the limit; otherwise look every 10 ms. [eviction hook]
    {
        let shared = shared.clone();
        tokio::task::spawn_local(async move {
            use cinnabar::db::evict::Outcome;
            loop {
                let (out, evicted) = {
                    let mut eng = shared.engine.borrow_mut();
                    // CLIENT PAUSE (WRITE or ALL) pauses evictions, as in Redis.
                    if eng.state().config.maxmemory == 0 || eng.state().ops.pause.is_some() {
                        (Outcome::Ok, false)
                    } else {
                        let before = eng.state().stats.evicted_keys;
                        let now = eng.now();
                        let out = eng.evict_if_needed(now);
                        (out, eng.state().stats.evicted_keys != before)
                    }
                };
                if evicted {
                    // Keyspace events and propagated DELs (AOF) of the evicted keys.
                    shared.after_batch();
                }
                if out == Outcome::Running {
                    tokio::task::yield_now().await;
                } else {
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                }
            }
        });
    }

    // Blocked clients' timeouts, to the millisecond.
    {
        let shared = shared.clone();
        tokio::task::spawn_local(async move {
            loop {
                let next = shared.engine.borrow().next_block_deadline();
                let wait = match next {
                    Some(deadline) => {
                        let now = shared.engine.borrow().now();
                        std::time::Duration::from_millis((deadline - now + 1).clamp(0, 1000) as u64)
                    }
                    None => std::time::Duration::from_secs(1),
                };
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = shared.block_changed.notified() => {}
                }
                let expired = shared.engine.borrow_mut().expire_blocked();
                shared.deliver(expired);
            }
        });
    }

    let mut sigterm =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    let term = async {
        match sigterm.as_mut() {
            Some(s) => {
                s.recv().await;
            }
            None => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => shared.begin_shutdown("Received SIGINT scheduling shutdown..."),
        _ = term => shared.begin_shutdown("Received SIGTERM scheduling shutdown..."),
        _ = shared.shutdown.notified() => {}
    }
    // [persistence hook] signals: flush the AOF, save if save points exist.
    crate::persistence::prepare_shutdown(&shared, cinnabar::cmd::ShutdownMode::Default);
    log("Cinnabar is now ready to exit, bye bye...");
    0
}
