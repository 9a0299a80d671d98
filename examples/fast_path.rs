//! Drives `Engine::execute_fast` (the npm package's GET/SET path) natively, the way
//! `WasmEngine::exec` does, for profiling the engine side of a db.get / db.set under
//! callgrind without node. See pkg/README.md, "Size and speed":
//!
//!   cargo build --profile wasm --example fast_path
//!   OP=get R=25 valgrind --tool=callgrind target/wasm/examples/fast_path
use std::ops::Range;

use cinnabar::clock::ManualClock;
use cinnabar::cmd::Args;
use cinnabar::{Config, Engine};

fn main() {
    let n: usize = std::env::var("N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20000);
    let rounds: usize = std::env::var("R")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5);
    let set = std::env::var("OP").is_ok_and(|s| s == "set");
    let clock = ManualClock::new(1_700_000_000_000);
    let mut engine = Engine::new(Config::default(), Box::new(clock.clone()));
    let h = engine.connect();
    if let Some(s) = engine.session_mut(h) {
        s.resp = 3;
    }
    let mut buf = Vec::new();
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let mut out = Vec::with_capacity(4096);
    let mut run = |engine: &mut Engine, parts: &[&[u8]]| {
        buf.clear();
        ranges.clear();
        for p in parts {
            ranges.push(buf.len()..buf.len() + p.len());
            buf.extend_from_slice(p);
        }
        out.clear();
        let args = Args::new(&buf, &ranges);
        engine.execute_fast(h, &args, &mut out).is_some()
    };
    let keys: Vec<Vec<u8>> = (0..n)
        .map(|i| format!("key:{i:012}").into_bytes())
        .collect();
    let vals: Vec<Vec<u8>> = (0..n).map(|i| format!("v{i:015}").into_bytes()).collect();
    for i in 0..n {
        assert!(run(&mut engine, &[b"SET", &keys[i], &vals[i]]));
    }
    let mut taken = 0usize;
    for _ in 0..rounds {
        for i in 0..n {
            let ok = if set {
                run(&mut engine, &[b"SET", &keys[i], &vals[i]])
            } else {
                run(&mut engine, &[b"GET", &keys[i]])
            };
            taken += usize::from(ok);
        }
    }
    assert_eq!(taken, rounds * n);
}
