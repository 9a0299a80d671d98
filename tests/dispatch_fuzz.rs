//! Property test of the dispatcher: every command in the table, called with random
//! argument lists built from the tokens its own spec declares (EX, NX, WITHSCORES, ...)
//! mixed with hostile values (huge and negative numbers, inf/nan, empty and binary
//! strings), must return a reply — never panic — and leave the engine usable.
//!
//! Bounded and deterministic: a fixed seed and a fixed number of calls.

use cinnabar::clock::ManualClock;
use cinnabar::cmd::spec_types::Arg;
use cinnabar::cmd::{ArgvBuf, table};
use cinnabar::rng::Rng;
use cinnabar::{Config, Engine, Reply};

const VALUES: &[&[u8]] = &[
    b"0",
    b"1",
    b"-1",
    b"2",
    b"10",
    b"100",
    b"-100",
    b"9223372036854775807",
    b"-9223372036854775808",
    b"9223372036854775808",
    b"18446744073709551615",
    b"4294967296",
    b"536870912",
    b"536870911",
    b"1.5",
    b"-0.5",
    b"inf",
    b"-inf",
    b"+inf",
    b"nan",
    b"1e308",
    b"1e-308",
    b"",
    b" ",
    b"abc",
    b"\x00\xff\r\n",
    b"*",
    b"?",
    b"[a-",
    b"\\",
    b"k1",
    b"k2",
    b"k3",
    b"{tag}k",
    b"0x10",
    b"1 ",
    b"99999999999999999999999",
    b"-0",
    b"00",
    b"+1",
];

fn tokens(args: &'static [Arg], out: &mut Vec<&'static str>) {
    for a in args {
        if let Some(t) = a.token {
            out.push(t);
        }
        if a.kind == cinnabar::cmd::spec_types::ArgKind::PureToken {
            out.push(a.name);
        }
        tokens(a.args, out);
    }
}

fn commands() -> Vec<(String, Vec<&'static str>, i32)> {
    let mut out = Vec::new();
    for c in table().iter() {
        if c.is_container() {
            for s in c.subs.values() {
                let mut t = Vec::new();
                tokens(s.spec.args, &mut t);
                out.push((s.spec.name.to_string(), t, s.spec.arity));
            }
        } else {
            let mut t = Vec::new();
            tokens(c.spec.args, &mut t);
            out.push((c.spec.name.to_string(), t, c.spec.arity));
        }
    }
    out.sort();
    out
}

#[test]
fn random_arguments_never_panic() {
    let clock = ManualClock::new(1_700_000_000_000);
    let mut engine = Engine::with_rng(Config::default(), Box::new(clock.clone()), Rng::seeded(42));
    let client = engine.connect();
    let other = engine.connect();
    let cmds = commands();
    assert!(cmds.len() > 10, "command table too small: {}", cmds.len());
    let mut rng = Rng::seeded(7);
    let mut replies = 0usize;
    let mut errors = 0usize;
    for round in 0..60_000usize {
        let (name, toks, arity) = &cmds[round % cmds.len()];
        let mut argv = ArgvBuf::new();
        for part in name.split('|') {
            argv.push(part.as_bytes());
        }
        let min = arity.unsigned_abs() as usize;
        let n = if *arity >= 0 {
            min
        } else {
            min + rng.below(6) as usize
        };
        let fixed = name.split('|').count();
        for _ in fixed..n.max(fixed) {
            let pick = rng.below(10);
            if pick < 4 && !toks.is_empty() {
                argv.push(toks[rng.below(toks.len() as u64) as usize].as_bytes());
            } else {
                argv.push(VALUES[rng.below(VALUES.len() as u64) as usize]);
            }
        }
        // Keep the engine alive: SHUTDOWN only raises a host event, RESET/QUIT/SELECT
        // change session state, which is fine.
        let reply = engine.execute(client, &argv.args());
        if reply.is_error() {
            errors += 1;
        }
        replies += 1;
        if round % 97 == 0 {
            clock.advance(1500);
            engine.active_expire(5);
        }
        let _ = engine.take_events();
    }
    assert_eq!(replies, 60_000);
    assert!(errors > 0, "hostile arguments should produce some errors");
    // The engine still works for another client.
    let set = ArgvBuf::from_parts(["SET", "canary", "alive"]);
    assert_eq!(engine.execute(other, &set.args()), Reply::Ok);
    let get = ArgvBuf::from_parts(["GET", "canary"]);
    assert_eq!(engine.execute(other, &get.args()), Reply::bulk("alive"));
}
