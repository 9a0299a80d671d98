//! Drives `Engine::fast_get`/`fast_set` (the npm package's GET/SET path) natively, the
//! way `WasmEngine::get`/`set` do, for profiling the engine side of a db.get / db.set under
//! callgrind without node. See pkg/README.md, "Size and speed":
//!
//!   cargo build --profile wasm --example fast_path
//!   OP=get R=25 valgrind --tool=callgrind target/wasm/examples/fast_path
use cinnabar::clock::ManualClock;
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
    let mut out = Vec::with_capacity(4096);
    let mut run = |engine: &mut Engine, key: &[u8], val: Option<&[u8]>| {
        out.clear();
        match val {
            Some(v) => engine.fast_set(h, key, v).is_some(),
            None => engine.fast_get(h, key, &mut out).is_some(),
        }
    };
    let keys: Vec<Vec<u8>> = (0..n)
        .map(|i| format!("key:{i:012}").into_bytes())
        .collect();
    let vals: Vec<Vec<u8>> = (0..n).map(|i| format!("v{i:015}").into_bytes()).collect();
    for i in 0..n {
        assert!(run(&mut engine, &keys[i], Some(&vals[i])));
    }
    let mut taken = 0usize;
    for _ in 0..rounds {
        for i in 0..n {
            let ok = run(&mut engine, &keys[i], set.then_some(&vals[i][..]));
            taken += usize::from(ok);
        }
    }
    assert_eq!(taken, rounds * n);
}
