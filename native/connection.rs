//! One client connection: read, parse a whole pipeline batch, execute it under one engine
//! borrow, write all replies with as few syscalls as possible. A blocking command parks
//! the connection: its later input is buffered (not run) until the engine serves it or
//! it times out.
//!
//! Output is written without waiting: what the socket does not take stays in the
//! connection's output buffer and is written when the socket becomes writable, while
//! the task goes on reading and running commands, as Redis does. That buffer is what
//! `client-output-buffer-limit` measures (with replies queued by other tasks in the
//! link's outbox). Limits (`proto-max-bulk-len`, `client-query-buffer-limit`, output
//! limits) are read from the configuration on every batch or read, so CONFIG SET
//! applies to open connections too.

use std::io::ErrorKind;
use std::net::SocketAddr;
use std::rc::Rc;
use std::time::Duration;

use cinnabar::cmd::Args;
use cinnabar::engine::Exec;
use cinnabar::resp::{Parser, Request};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::WriteHalf;

use crate::limits;
use crate::server::{ClientLink, Shared};

const READ_CHUNK: usize = 16 * 1024;

/// How long a closing client's last replies (QUIT, a protocol error) may take.
const FLUSH_ON_CLOSE: Duration = Duration::from_millis(500);

/// Serve one client until it quits, errs, is killed, or the server stops.
pub async fn serve(shared: Rc<Shared>, mut stream: TcpStream, peer: SocketAddr) {
    let _ = stream.set_nodelay(true);
    // [limits hook] protected mode, TCP keepalive.
    if !limits::on_accept(&shared, &mut stream, peer).await {
        return;
    }
    let accepted = {
        let mut eng = shared.engine.borrow_mut();
        let maxclients: usize = eng
            .state()
            .config
            .get("maxclients")
            .and_then(|v| v.parse().ok())
            .unwrap_or(10000);
        if eng.client_count() >= maxclients {
            eng.state_mut().stats.rejected_connections += 1;
            None
        } else {
            let h = eng.connect();
            let laddr = stream
                .local_addr()
                .map(|a| a.to_string())
                .unwrap_or_default();
            if let Some(s) = eng.session_mut(h) {
                s.addr = peer.to_string();
                s.laddr = laddr;
                s.can_block = true;
                use std::os::fd::AsRawFd;
                s.fd = stream.as_raw_fd() as i64;
            }
            let unauth = unauthenticated(&mut eng, h);
            Some((h, eng.state().config.proto_max_bulk_len, unauth))
        }
    };
    let Some((handle, proto_max, unauth)) = accepted else {
        let _ = stream
            .write_all(b"-ERR max number of clients reached\r\n")
            .await;
        return;
    };
    let link = Rc::new(ClientLink::new(handle));
    shared.links.borrow_mut().insert(handle.id, link.clone());
    let mut parser = Parser::new(proto_max);
    parser.unauthenticated = unauth;
    run(&shared, &mut stream, &link, parser).await;
    shared.links.borrow_mut().remove(&handle.id);
    shared.engine.borrow_mut().disconnect(handle);
    let _ = stream.shutdown().await;
}

/// Whether client `h` must still authenticate (Redis's `authRequired`): the parser
/// then refuses big requests.
fn unauthenticated(eng: &mut cinnabar::Engine, h: cinnabar::ClientHandle) -> bool {
    eng.session_mut(h).is_some_and(|s| !s.authenticated) && eng.state().acl.auth_required()
}

/// Write as much of `out[*sent..]` as the socket takes now. Err: the connection is
/// broken.
fn write_some(stream: &WriteHalf<'_>, out: &mut Vec<u8>, sent: &mut usize) -> Result<(), ()> {
    while *sent < out.len() {
        match stream.try_write(&out[*sent..]) {
            Ok(0) => return Err(()),
            Ok(n) => *sent += n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(_) => return Err(()),
        }
    }
    if *sent == out.len() {
        out.clear();
        *sent = 0;
        if out.capacity() > 4 * 1024 * 1024 {
            out.shrink_to(READ_CHUNK);
        }
    } else if *sent >= out.len() / 2 && *sent >= READ_CHUNK {
        // Drop what was written once it is half the buffer (amortised O(1) per byte).
        out.drain(..*sent);
        *sent = 0;
    }
    Ok(())
}

/// Resolves after `d` (never when None); lazy, so nothing is done unless polled.
async fn soft_timer(d: Option<Duration>) {
    match d {
        Some(d) => tokio::time::sleep(d).await,
        None => std::future::pending().await,
    }
}

/// Whether the client's output (`pending` bytes) breaks its class's
/// `client-output-buffer-limit`; logs the close if so.
fn obuf_check(shared: &Shared, link: &ClientLink, pending: usize, scheduled: bool) -> bool {
    if pending == 0 {
        link.soft_since.set(0);
        return false;
    }
    let (lim, now_s) = {
        let eng = shared.engine.borrow();
        (
            eng.state().config.obuf_limits[link.obuf_class()],
            eng.now().div_euclid(1000),
        )
    };
    if limits::obuf_over(&lim, pending, &link.soft_since, now_s) {
        limits::log_obuf_close(shared, link.handle, scheduled);
        return true;
    }
    false
}

/// The connection's loop; returns when it must close.
async fn run(shared: &Shared, stream: &mut TcpStream, link: &ClientLink, mut parser: Parser) {
    let handle = link.handle;
    // Reads go through `AsyncRead` (not readiness + `try_read`): a short read clears
    // the readiness, so a client whose next request is always already there still
    // lets the event loop run the others (accepting connections included), and the
    // cooperative budget applies.
    let (mut rd, wr) = stream.split();
    let mut rbuf: Vec<u8> = vec![0; READ_CHUNK];
    let mut start = 0usize;
    let mut end = 0usize;
    // Output not yet written: `out[sent..]`.
    let mut out: Vec<u8> = Vec::with_capacity(READ_CHUNK);
    let mut sent = 0usize;
    let mut blocked = false;
    // Unwritten output at which commands stop running (see `limits::pause_at`).
    let mut pause_at = limits::BATCH_OUT_MAX;
    // `omem` last reported to the engine (CLIENT LIST).
    let mut reported = 0usize;

    loop {
        if shared.stopping.get() || link.killed.get() {
            return;
        }
        // 1. Run every complete request in the buffer (unless parked by a blocking
        // command, or holding too much unwritten output).
        let mut close = false;
        // Set when the batch stopped early because its output grew past `pause_at`.
        let mut more = false;
        if !blocked && end > start && out.len() - sent < pause_at {
            let mut eng = shared.engine.borrow_mut();
            {
                let cfg = &eng.state().config;
                parser.max_bulk_len = cfg.proto_max_bulk_len;
                limits::sync_level(cfg.loglevel);
                pause_at = limits::pause_at(&cfg.obuf_limits[link.obuf_class()]);
            }
            // Read per batch: a password set or removed meanwhile counts at once.
            parser.unauthenticated = unauthenticated(&mut eng, handle);
            let produced_from = out.len();
            loop {
                match parser.next(&rbuf[start..end]) {
                    Ok(Some((req, used))) => {
                        let outcome = match req {
                            Request::Multibulk => {
                                let args = Args::new(&rbuf[start..end], parser.args());
                                eng.execute_encoded(handle, &args, &mut out)
                            }
                            Request::Inline => {
                                let args = Args::new(parser.inline_buf(), parser.args());
                                eng.execute_encoded(handle, &args, &mut out)
                            }
                            Request::Empty => Exec::Replied,
                        };
                        if parser.unauthenticated {
                            // AUTH / HELLO may have authenticated it: the limits on
                            // unauthenticated requests end with the next one.
                            parser.unauthenticated = unauthenticated(&mut eng, handle);
                        }
                        start += used;
                        if start == end {
                            start = 0;
                            end = 0;
                        }
                        if eng.state().events.shutdown.is_some() {
                            // SHUTDOWN: no reply; the server exits.
                            drop(eng);
                            shared.handle_events();
                            return;
                        }
                        match outcome {
                            Exec::Replied => {
                                if out.len() - sent >= pause_at && start < end {
                                    more = true;
                                    break;
                                }
                            }
                            Exec::Close => {
                                close = true;
                                break;
                            }
                            Exec::Blocked => {
                                blocked = true;
                                shared.block_changed.notify_one();
                                break;
                            }
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        out.extend_from_slice(b"-");
                        out.extend_from_slice(e.text().as_bytes());
                        out.extend_from_slice(b"\r\n");
                        drop(eng);
                        limits::log_protocol_error(shared, handle, &e.0, &rbuf[start..end]);
                        eng = shared.engine.borrow_mut();
                        close = true;
                        break;
                    }
                }
            }
            eng.state_mut().stats.net_output_bytes += (out.len() - produced_from) as u64;
            if let Some(s) = eng.session_mut(handle) {
                s.qbuf = end - start;
                link.pubsub.set(s.subscribed());
                let omem = s.omem;
                if end > start || omem > 0 {
                    let now = eng.now();
                    eng.state_mut()
                        .stats
                        .client_peaks
                        .note(now, end - start, omem);
                }
            }
        }
        // 2. Wake clients this batch unblocked; act on CLIENT KILL / SHUTDOWN.
        shared.after_batch();
        if link.killed.get() {
            return;
        }
        // [persistence hook] The batch's writes reach the AOF (fsynced under `always`)
        // before its replies go out. Returns at once when the AOF is off.
        if out.len() > sent {
            crate::persistence::barrier(shared).await;
        }
        if close {
            // QUIT, a protocol error, CLIENT KILL of itself: its last replies go out
            // (briefly), then it is closed.
            let mut wr = wr;
            let _ = tokio::time::timeout(FLUSH_ON_CLOSE, wr.write_all(&out[sent..])).await;
            return;
        }
        // 3. Write what the socket takes now; enforce the output limits on the rest.
        if write_some(&wr, &mut out, &mut sent).is_err() {
            return;
        }
        let pending = out.len() - sent + link.outbox.borrow().len();
        if (pending > 0 || link.soft_since.get() != 0) && obuf_check(shared, link, pending, true) {
            return;
        }
        link.queued.set(out.len() - sent);
        if pending != reported {
            reported = pending;
            let mut eng = shared.engine.borrow_mut();
            let now = eng.now();
            if let Some(s) = eng.session_mut(handle) {
                s.omem = pending;
                let qbuf = s.qbuf;
                eng.state_mut().stats.client_peaks.note(now, qbuf, pending);
            }
        }
        let can_run = !blocked && out.len() - sent < pause_at;
        if more && can_run {
            // The rest of a long pipeline runs next; writes that never block must not
            // keep the other clients waiting (tokio's cooperative budget).
            tokio::task::coop::consume_budget().await;
            continue;
        }
        if start == 0 && end == 0 && rbuf.len() > 4 * READ_CHUNK {
            rbuf.truncate(READ_CHUNK);
            rbuf.shrink_to_fit();
        }
        // 4. Make room to read (`client-query-buffer-limit` caps the unparsed input).
        if end == rbuf.len() {
            if start > 0 {
                rbuf.copy_within(start..end, 0);
                end -= start;
                start = 0;
            } else {
                let max_query = shared
                    .engine
                    .borrow()
                    .state()
                    .config
                    .client_query_buffer_limit;
                let new_len = (rbuf.len().saturating_mul(2))
                    .min(max_query.saturating_add(1))
                    .max(READ_CHUNK);
                if new_len <= rbuf.len() {
                    limits::log_qbuf_close(shared, handle, &rbuf[start..end]);
                    return;
                }
                rbuf.resize(new_len, 0);
            }
        }
        // 5. Wait for input (unless the client must first read its replies), the
        // socket taking more output, a wake-up (served while blocked, messages,
        // killed), the soft output limit expiring, idleness, or shutdown.
        let can_read = out.len() - sent < pause_at;
        let want_write = out.len() > sent;
        let soft_deadline = if link.soft_since.get() != 0 {
            let eng = shared.engine.borrow();
            let lim = eng.state().config.obuf_limits[link.obuf_class()];
            limits::soft_deadline_ms(&lim, link.soft_since.get()).map(|d| {
                Duration::from_millis(d.saturating_sub(eng.now()).clamp(1, 3_600_000) as u64)
            })
        } else {
            None
        };
        tokio::select! {
            // In order, without tokio's random start (~100 instructions a request):
            // wake-ups first (messages for a client that never stops sending still go
            // out), then input, then output.
            biased;
            _ = link.wake.wait() => {
                if link.killed.get() || shared.stopping.get() {
                    return;
                }
                if !link.outbox.borrow().is_empty() {
                    // [persistence hook] a served blocking command's write is durable
                    // first.
                    crate::persistence::barrier(shared).await;
                    let pending = std::mem::take(&mut *link.outbox.borrow_mut());
                    if out.is_empty() {
                        out = pending;
                    } else {
                        out.extend_from_slice(&pending);
                    }
                    if write_some(&wr, &mut out, &mut sent).is_err() {
                        return;
                    }
                }
                if blocked && !shared.engine.borrow().is_blocked(handle) {
                    blocked = false;
                }
            },
            r = rd.read(&mut rbuf[end..]), if can_read => {
                match r {
                    Ok(0) => return,
                    Ok(n) => {
                        end += n;
                        let max_query = {
                            let mut eng = shared.engine.borrow_mut();
                            eng.state_mut().stats.net_input_bytes += n as u64;
                            eng.state().config.client_query_buffer_limit
                        };
                        if end - start > max_query {
                            limits::log_qbuf_close(shared, handle, &rbuf[start..end]);
                            return;
                        }
                    }
                    Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::Interrupted) => {}
                    Err(_) => return,
                }
            },
            r = wr.writable(), if want_write => {
                if r.is_err() || write_some(&wr, &mut out, &mut sent).is_err() {
                    return;
                }
            },
            // [limits hook] `timeout`: idle clients are closed.
            _ = limits::idle_timer(shared, handle) => {
                if limits::idle_expired(shared, handle) {
                    return;
                }
            },
            // The soft output limit, checked even when no new output arrives.
            _ = soft_timer(soft_deadline) => {
                let pending = out.len() - sent + link.outbox.borrow().len();
                if obuf_check(shared, link, pending, false) {
                    return;
                }
            },
        }
    }
}
