//! One client connection: read, parse a whole pipeline batch, execute it under one engine
//! borrow, write all replies in one syscall.

use std::net::SocketAddr;
use std::rc::Rc;

use cinnabar::cmd::Args;
use cinnabar::resp::{Parser, Request};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Notify;

use crate::server::Shared;

const READ_CHUNK: usize = 16 * 1024;

/// Serve one client until it quits, errs, is killed, or the server stops.
pub async fn serve(shared: Rc<Shared>, mut stream: TcpStream, peer: SocketAddr) {
    let _ = stream.set_nodelay(true);
    let (handle, max_query) = {
        let mut eng = shared.engine.borrow_mut();
        let maxclients: usize = eng
            .state()
            .config
            .get("maxclients")
            .and_then(|v| v.parse().ok())
            .unwrap_or(10000);
        if eng.client_count() >= maxclients {
            eng.state_mut().stats.rejected_connections += 1;
            drop(eng);
            let _ = stream.write_all(b"-ERR max number of clients reached\r\n").await;
            return;
        }
        let h = eng.connect();
        let laddr = stream.local_addr().map(|a| a.to_string()).unwrap_or_default();
        if let Some(s) = eng.session_mut(h) {
            s.addr = peer.to_string();
            s.laddr = laddr;
            use std::os::fd::AsRawFd;
            s.fd = stream.as_raw_fd() as i64;
        }
        let limit: usize = eng
            .state()
            .config
            .get("client-query-buffer-limit")
            .and_then(|v| v.parse().ok())
            .unwrap_or(1 << 30);
        (h, limit)
    };
    let kill = Rc::new(Notify::new());
    shared.kill.borrow_mut().insert(handle.id, kill.clone());

    let proto_max = shared.engine.borrow().state().config.proto_max_bulk_len;
    let mut parser = Parser::new(proto_max);
    let mut rbuf: Vec<u8> = vec![0; READ_CHUNK];
    let mut start = 0usize;
    let mut end = 0usize;
    let mut out: Vec<u8> = Vec::with_capacity(READ_CHUNK);

    'conn: loop {
        // Make room to read.
        if end == rbuf.len() {
            if start > 0 {
                rbuf.copy_within(start..end, 0);
                end -= start;
                start = 0;
            } else {
                if rbuf.len() >= max_query {
                    crate::server::log(&format!("Closing client that reached max query buffer length (qbuf={})", rbuf.len()));
                    break 'conn;
                }
                let new_len = (rbuf.len() * 2).min(max_query.max(READ_CHUNK));
                rbuf.resize(new_len, 0);
            }
        }
        let n = tokio::select! {
            r = stream.read(&mut rbuf[end..]) => match r {
                Ok(0) | Err(_) => break 'conn,
                Ok(n) => n,
            },
            _ = kill.notified() => break 'conn,
            _ = shared.shutdown.notified() => break 'conn,
        };
        end += n;

        let mut close = false;
        let mut shutting_down = false;
        {
            let mut eng = shared.engine.borrow_mut();
            eng.state_mut().stats.net_input_bytes += n as u64;
            loop {
                match parser.next(&rbuf[start..end]) {
                    Ok(Some((req, used))) => {
                        match req {
                            Request::Multibulk => {
                                let args = Args::new(&rbuf[start..end], parser.args());
                                close = eng.execute_encoded(handle, &args, &mut out);
                            }
                            Request::Inline => {
                                let args = Args::new(parser.inline_buf(), parser.args());
                                close = eng.execute_encoded(handle, &args, &mut out);
                            }
                            Request::Empty => {}
                        }
                        start += used;
                        if start == end {
                            start = 0;
                            end = 0;
                        }
                        if eng.state().events.shutdown.is_some() {
                            // SHUTDOWN: no reply, the server exits.
                            shutting_down = true;
                            break;
                        }
                        if close {
                            break;
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        out.extend_from_slice(b"-");
                        out.extend_from_slice(e.text().as_bytes());
                        out.extend_from_slice(b"\r\n");
                        crate::server::log(&format!("Protocol error ({}) from client: id={} addr={}", e.0, handle.id, peer));
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
        if shutting_down {
            out.clear();
            shared.handle_events();
            break 'conn;
        }
        shared.handle_events();
        if !out.is_empty() {
            if stream.write_all(&out).await.is_err() {
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
        if start == 0 && end == 0 && rbuf.len() > 4 * READ_CHUNK {
            rbuf.truncate(READ_CHUNK);
            rbuf.shrink_to_fit();
        }
    }
    shared.kill.borrow_mut().remove(&handle.id);
    shared.engine.borrow_mut().disconnect(handle);
    let _ = stream.shutdown().await;
}

