//! Hostile input for the RESP parser and the dispatcher, as bounded property tests.
//!
//! * The parser gets random byte soup and mutations of valid pipelines (bytes flipped,
//!   inserted, deleted, lengths made huge or negative, streams cut short), fed whole
//!   and in random chunk sizes. Properties: it never panics, always makes progress or
//!   asks for more input, never claims more bytes than it was given, stops for good at
//!   the first protocol error, and parses a valid pipeline to the same commands
//!   whatever the chunking.
//! * The dispatcher gets random commands from random clients with ACL-restricted
//!   users, MONITOR, CLIENT TRACKING, CLIENT REPLY and a CLIENT PAUSE in force, through
//!   the encoding path the server uses. Property: no panic, every command answered or
//!   parked, the engine still usable.
//!
//! Deterministic (fixed seeds) and bounded in both count and time; the counts and
//! seconds run are printed (`cargo test --test hostile_resp -- --nocapture`).

use std::time::{Duration, Instant};

use cinnabar::clock::ManualClock;
use cinnabar::cmd::{ArgvBuf, table};
use cinnabar::engine::Exec;
use cinnabar::resp::{Parser, Request};
use cinnabar::rng::Rng;
use cinnabar::{Config, Engine};

/// Parse everything in `stream`, feeding it in chunks chosen by `chunk(i)`. Returns the
/// commands parsed and whether a protocol error ended the stream.
fn parse_chunked(
    stream: &[u8],
    chunk: &mut dyn FnMut() -> usize,
    max_bulk: usize,
) -> (Vec<Vec<Vec<u8>>>, bool) {
    let mut p = Parser::new(max_bulk);
    let mut buf: Vec<u8> = Vec::new();
    let mut start = 0usize;
    let mut fed = 0usize;
    let mut cmds = Vec::new();
    loop {
        // Drain what is complete.
        loop {
            let avail = buf.len() - start;
            match p.next(&buf[start..]) {
                Ok(Some((req, used))) => {
                    assert!(used > 0, "a complete request consumed nothing");
                    assert!(used <= avail, "consumed {used} of {avail} bytes");
                    match req {
                        Request::Multibulk => {
                            let b = &buf[start..];
                            cmds.push(p.args().iter().map(|r| b[r.clone()].to_vec()).collect());
                        }
                        Request::Inline => {
                            let b = p.inline_buf();
                            cmds.push(p.args().iter().map(|r| b[r.clone()].to_vec()).collect());
                        }
                        Request::Empty => {}
                    }
                    start += used;
                }
                Ok(None) => break,
                Err(_) => return (cmds, true),
            }
        }
        if fed == stream.len() {
            return (cmds, false);
        }
        let n = chunk().clamp(1, stream.len() - fed);
        buf.extend_from_slice(&stream[fed..fed + n]);
        fed += n;
    }
}

fn encode(cmd: &[Vec<u8>]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", cmd.len()).into_bytes();
    for a in cmd {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

fn random_bytes(rng: &mut Rng, n: usize) -> Vec<u8> {
    (0..n).map(|_| rng.next_u64() as u8).collect()
}

fn random_command(rng: &mut Rng) -> Vec<Vec<u8>> {
    let argc = 1 + rng.below(6) as usize;
    (0..argc)
        .map(|_| {
            let len = match rng.below(10) {
                0 => 0,
                1..=7 => rng.below(12) as usize,
                _ => rng.below(3000) as usize,
            };
            random_bytes(rng, len)
        })
        .collect()
}

fn mutate(rng: &mut Rng, s: &mut Vec<u8>) {
    let muts = 1 + rng.below(4);
    for _ in 0..muts {
        if s.is_empty() {
            s.push(b'*');
        }
        let at = rng.below(s.len() as u64) as usize;
        match rng.below(8) {
            0 => s[at] ^= 1 << rng.below(8),
            1 => s.insert(at, rng.next_u64() as u8),
            2 => {
                s.remove(at);
            }
            3 => s.truncate(at),
            4 => {
                let junk: &[&[u8]] = &[
                    b"$-1\r\n",
                    b"*-5\r\n",
                    b"$99999999999999999999\r\n",
                    b"*2147483648\r\n",
                    b"$536870913\r\n",
                    b"\r\n",
                    b"\0",
                    b"\"unbalanced",
                    b"*1\r\n$0\r\n\r\n",
                ];
                let j = junk[rng.below(junk.len() as u64) as usize];
                for (k, &b) in j.iter().enumerate() {
                    s.insert((at + k).min(s.len()), b);
                }
            }
            5 => {
                // Duplicate a slice (repeated headers, doubled CRLFs).
                let end = (at + 1 + rng.below(16) as usize).min(s.len());
                let piece = s[at..end].to_vec();
                for (k, b) in piece.into_iter().enumerate() {
                    s.insert((at + k).min(s.len()), b);
                }
            }
            6 => s[at] = b"*$\r\n-+:0123456789"[rng.below(17) as usize],
            _ => {
                let n = rng.below(32) as usize;
                let extra = random_bytes(rng, n);
                s.splice(at..at, extra);
            }
        }
    }
}

#[test]
fn parser_survives_random_and_mutated_streams() {
    let budget = Duration::from_secs(4);
    let started = Instant::now();
    let mut rng = Rng::seeded(0xC1AA);
    let (mut inputs, mut bytes, mut errors, mut commands) = (0u64, 0u64, 0u64, 0u64);
    while inputs < 60_000 && started.elapsed() < budget {
        inputs += 1;
        let mut expected: Option<Vec<Vec<Vec<u8>>>> = None;
        let mut stream = match rng.below(4) {
            0 => {
                let n = rng.below(600) as usize;
                random_bytes(&mut rng, n)
            }
            _ => {
                let n = 1 + rng.below(8) as usize;
                let mut s = Vec::new();
                let mut exp = Vec::new();
                for _ in 0..n {
                    if rng.below(5) == 0 {
                        // An inline command, with quotes and an escape.
                        s.extend_from_slice(b"SET \"a b\" 'c\\x41' x\r\n");
                        exp.push(vec![
                            b"SET".to_vec(),
                            b"a b".to_vec(),
                            b"c\\x41".to_vec(),
                            b"x".to_vec(),
                        ]);
                    } else {
                        let c = random_command(&mut rng);
                        s.extend_from_slice(&encode(&c));
                        exp.push(c);
                    }
                }
                expected = Some(exp);
                s
            }
        };
        let mutated = rng.below(3) != 0;
        if mutated {
            mutate(&mut rng, &mut stream);
        }
        bytes += stream.len() as u64;
        let max_bulk = if rng.below(4) == 0 {
            1024
        } else {
            512 * 1024 * 1024
        };
        let (whole, err_whole) = parse_chunked(&stream, &mut || usize::MAX, max_bulk);
        let mut r2 = Rng::seeded(inputs);
        let (chunked, err_chunked) =
            parse_chunked(&stream, &mut || 1 + r2.below(40) as usize, max_bulk);
        // Chunking never changes the outcome.
        assert_eq!(
            whole,
            chunked,
            "input #{inputs}: {:?}",
            String::from_utf8_lossy(&stream)
        );
        assert_eq!(err_whole, err_chunked, "input #{inputs}");
        if err_whole {
            errors += 1;
        }
        commands += whole.len() as u64;
        if let Some(exp) = expected
            && !mutated
            && max_bulk > 4000
        {
            // A valid pipeline parses to exactly the commands encoded.
            assert!(!err_whole, "input #{inputs}");
            assert_eq!(whole, exp, "input #{inputs}");
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "RESP parser: {inputs} inputs ({bytes} bytes, {commands} commands parsed, {errors} \
         protocol errors) in {secs:.2} s"
    );
    assert!(inputs >= 1000, "too few inputs ran: {inputs}");
}

#[test]
fn dispatcher_survives_hostile_clients_with_every_feature_on() {
    let budget = Duration::from_secs(4);
    let started = Instant::now();
    let clock = ManualClock::new(1_700_000_000_000);
    let mut e = Engine::with_rng(Config::default(), Box::new(clock.clone()), Rng::seeded(9));
    let mut rng = Rng::seeded(0xAC1);
    let names: Vec<String> = {
        let mut v = Vec::new();
        for c in table().iter() {
            if c.is_container() {
                for s in c.subs.values() {
                    v.push(s.name().to_string());
                }
            } else {
                v.push(c.name().to_string());
            }
        }
        // SHUTDOWN ends nothing here but is pointless; PFSELFTEST takes seconds unoptimised.
        v.retain(|n| !matches!(n.as_str(), "shutdown" | "debug" | "monitor" | "pfselftest"));
        v.sort();
        v
    };
    let admin = e.connect();
    let run = |e: &mut Engine, c, parts: &[&str]| {
        let a = ArgvBuf::from_parts(parts.iter().copied());
        let mut out = Vec::new();
        e.execute_encoded(c, &a.args(), &mut out)
    };
    run(
        &mut e,
        admin,
        &[
            "ACL", "SETUSER", "r", "on", "nopass", "+@read", "~k*", "&c*",
        ],
    );
    run(
        &mut e,
        admin,
        &[
            "ACL",
            "SETUSER",
            "w",
            "on",
            "nopass",
            "+@all",
            "-@dangerous",
            "%W~k*",
            "(+get ~*)",
        ],
    );
    let mut clients = Vec::new();
    for i in 0..8 {
        let c = e.connect();
        if let Some(s) = e.session_mut(c) {
            s.can_block = i % 2 == 0;
        }
        match i {
            0 => {
                run(&mut e, c, &["AUTH", "r", "x"]);
            }
            1 => {
                run(&mut e, c, &["AUTH", "w", "x"]);
            }
            2 => {
                run(&mut e, c, &["HELLO", "3"]);
                run(&mut e, c, &["CLIENT", "TRACKING", "ON"]);
            }
            3 => {
                run(&mut e, c, &["HELLO", "3"]);
                run(
                    &mut e,
                    c,
                    &["CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "k"],
                );
            }
            4 => {
                run(&mut e, c, &["MONITOR"]);
            }
            5 => {
                run(&mut e, c, &["CLIENT", "REPLY", "SKIP"]);
            }
            _ => {}
        }
        clients.push(c);
    }
    let tokens: &[&str] = &[
        "k1",
        "k2",
        "key",
        "c1",
        "0",
        "1",
        "-1",
        "10",
        "100",
        "1.5",
        "inf",
        "",
        "x",
        "EX",
        "NX",
        "XX",
        "GET",
        "WITHSCORES",
        "LIMIT",
        "COUNT",
        "MATCH",
        "*",
        "ON",
        "OFF",
        "YES",
        "NO",
        "BCAST",
        "PREFIX",
        "REDIRECT",
        "WRITE",
        "ALL",
        "RESET",
        "9223372036854775807",
        "\u{0}\u{ff}",
        "default",
        "r",
        "w",
        "+@all",
        "~*",
        ">pw",
        "(+get",
    ];
    let (mut cmds, mut blocked) = (0u64, 0u64);
    let mut now = 1_700_000_000_000i64;
    while cmds < 40_000 && started.elapsed() < budget {
        cmds += 1;
        let c = clients[rng.below(clients.len() as u64) as usize];
        if e.is_blocked(c) {
            continue;
        }
        let name = &names[rng.below(names.len() as u64) as usize];
        let mut parts: Vec<String> = name.split('|').map(str::to_string).collect();
        for _ in 0..rng.below(6) {
            parts.push(tokens[rng.below(tokens.len() as u64) as usize].to_string());
        }
        if name == "client|pause" {
            parts = vec!["CLIENT".into(), "PAUSE".into(), "5".into(), "WRITE".into()];
        }
        if matches!(
            name.as_str(),
            "client|kill" | "acl|deluser" | "quit" | "reset"
        ) {
            continue;
        }
        let a = ArgvBuf::from_parts(parts.iter().map(String::as_str));
        let mut out = Vec::new();
        if e.execute_encoded(c, &a.args(), &mut out) == Exec::Blocked {
            blocked += 1;
        }
        if cmds % 64 == 0 {
            now += 7;
            clock.set(now);
            cinnabar::ops::cron(e.state_mut(), now);
            let _ = e.serve_blocked();
            let _ = e.expire_blocked();
            let _ = e.take_messages();
            let _ = e.take_events();
            e.active_expire(1);
        }
    }
    // Still usable.
    assert_eq!(run(&mut e, admin, &["CLIENT", "UNPAUSE"]), Exec::Replied);
    let _ = e.serve_blocked();
    let a = ArgvBuf::from_parts(["PING"]);
    assert_eq!(e.execute(admin, &a.args()), cinnabar::Reply::simple("PONG"));
    println!(
        "dispatcher: {cmds} commands ({blocked} parked) in {:.2} s",
        started.elapsed().as_secs_f64()
    );
    assert!(cmds >= 1000);
}
