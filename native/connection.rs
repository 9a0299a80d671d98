//! One client connection: read, parse a whole pipeline batch, execute it under one engine
//! borrow, write all replies in one syscall. A blocking command parks the connection:
//! its later input is buffered (not run) until the engine serves it or it times out.

use std::net::SocketAddr;
use std::rc::Rc;

use cinnabar::cmd::Args;
use cinnabar::engine::Exec;
use cinnabar::resp::{Parser, Request};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::server::{ClientLink, Shared};

const READ_CHUNK: usize = 16 * 1024;

/// Serve one client until it quits, errs, is killed, or the server stops.
pub async fn serve(shared: Rc<Shared>, mut stream: TcpStream, peer: SocketAddr) {
    let _ = stream.set_nodelay(true);
    // [limits hook] protected mode, TCP keepalive.
    if !crate::limits::on_accept(&shared, &mut stream, peer).await {
        return;
    }
    let accepted = {
        let mut eng = shared.engine.borrow_mut();
        let cfg = &eng.state().config;
        let maxclients: usize = cfg
            .get("maxclients")
            .and_then(|v| v.parse().ok())
            .unwrap_or(10000);
        let max_query: usize = cfg
            .get("client-query-buffer-limit")
            .and_then(|v| v.parse().ok())
            .unwrap_or(1 << 30);
        let proto_max = cfg.proto_max_bulk_len;
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
            Some((h, max_query, proto_max))
        }
    };
    let Some((handle, max_query, proto_max)) = accepted else {
        let _ = stream
            .write_all(b"-ERR max number of clients reached\r\n")
            .await;
        return;
    };
    let link = Rc::new(ClientLink::default());
    shared.links.borrow_mut().insert(handle.id, link.clone());

    let mut parser = Parser::new(proto_max);
    let mut rbuf: Vec<u8> = vec![0; READ_CHUNK];
    let mut start = 0usize;
    let mut end = 0usize;
    let mut out: Vec<u8> = Vec::with_capacity(READ_CHUNK);
    let mut blocked = false;

    'conn: loop {
        // 1. Run every complete request in the buffer (unless parked by a blocking command).
        let mut close = false;
        // [limits hook] set when the batch stopped early because its replies grew
        // past `limits::BATCH_OUT_MAX` (the rest runs after they are written).
        let mut more = false;
        if !blocked && end > start {
            let mut eng = shared.engine.borrow_mut();
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
                        start += used;
                        if start == end {
                            start = 0;
                            end = 0;
                        }
                        if eng.state().events.shutdown.is_some() {
                            // SHUTDOWN: no reply; the server exits.
                            drop(eng);
                            shared.handle_events();
                            break 'conn;
                        }
                        match outcome {
                            Exec::Replied => {
                                if out.len() >= crate::limits::BATCH_OUT_MAX && start < end {
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
                        crate::server::log(&format!(
                            "Protocol error ({}) from client: id={} addr={}",
                            e.0, handle.id, peer
                        ));
                        close = true;
                        break;
                    }
                }
            }
            eng.state_mut().stats.net_output_bytes += out.len() as u64;
            if let Some(s) = eng.session_mut(handle) {
                s.qbuf = end - start;
            }
        }
        // 2. Wake clients this batch unblocked; act on CLIENT KILL / SHUTDOWN.
        shared.after_batch();
        // [persistence hook] The batch's writes reach the AOF (fsynced under `always`)
        // before its replies go out. Returns at once when the AOF is off.
        if !out.is_empty() {
            crate::persistence::barrier(&shared).await;
        }
        // 3. One write for the whole batch.
        if !out.is_empty() {
            if !write_unless_killed(&mut stream, &out, &link).await {
                break 'conn;
            }
            out.clear();
            if out.capacity() > 4 * 1024 * 1024 {
                out.shrink_to(READ_CHUNK);
            }
        }
        if close {
            break 'conn;
        }
        if more {
            continue 'conn;
        }
        if start == 0 && end == 0 && rbuf.len() > 4 * READ_CHUNK {
            rbuf.truncate(READ_CHUNK);
            rbuf.shrink_to_fit();
        }
        // 4. Wait for input, a wake-up (served while blocked, killed), or shutdown.
        if end == rbuf.len() {
            if start > 0 {
                rbuf.copy_within(start..end, 0);
                end -= start;
                start = 0;
            } else {
                if rbuf.len() >= max_query {
                    crate::server::log(&format!(
                        "Closing client that reached max query buffer length (qbuf={})",
                        rbuf.len()
                    ));
                    break 'conn;
                }
                let new_len = (rbuf.len() * 2).min(max_query.max(READ_CHUNK));
                rbuf.resize(new_len, 0);
            }
        }
        tokio::select! {
            r = stream.read(&mut rbuf[end..]) => match r {
                Ok(0) | Err(_) => break 'conn,
                Ok(n) => {
                    end += n;
                    shared.engine.borrow_mut().state_mut().stats.net_input_bytes += n as u64;
                }
            },
            _ = link.wake.notified() => {
                if link.killed.get() {
                    break 'conn;
                }
                // [persistence hook] a served blocking command's write is durable first.
                crate::persistence::barrier(&shared).await;
                let pending = std::mem::take(&mut *link.outbox.borrow_mut());
                if !pending.is_empty() && !write_unless_killed(&mut stream, &pending, &link).await {
                    break 'conn;
                }
                if blocked && !shared.engine.borrow().is_blocked(handle) {
                    blocked = false;
                }
            },
            _ = shared.shutdown.notified() => break 'conn,
            // [limits hook] `timeout`: idle clients are closed.
            _ = crate::limits::idle_timer(&shared, handle) => {
                if crate::limits::idle_expired(&shared, handle) {
                    break 'conn;
                }
            },
        }
    }
    shared.links.borrow_mut().remove(&handle.id);
    shared.engine.borrow_mut().disconnect(handle);
    let _ = stream.shutdown().await;
}

/// Write `bytes`, giving up if the client is killed meanwhile (a subscriber that never
/// reads must not pin the server's memory). Returns false if the connection must close.
async fn write_unless_killed(stream: &mut TcpStream, bytes: &[u8], link: &ClientLink) -> bool {
    if link.killed.get() {
        // Killed (possibly by its own CLIENT KILL): flush what it is owed, briefly, then close.
        let _ = tokio::time::timeout(
            std::time::Duration::from_millis(500),
            stream.write_all(bytes),
        )
        .await;
        return false;
    }
    link.unsent.set(bytes.len());
    let ok = tokio::select! {
        r = stream.write_all(bytes) => r.is_ok(),
        _ = link.kill.notified() => false,
    };
    link.unsent.set(0);
    ok && !link.killed.get()
}
