use cinnabar::clock::ManualClock;
use cinnabar::cmd::ArgvBuf;
use cinnabar::rng::Rng;
use cinnabar::{Config, Engine};
#[test]
fn perf() {
    let clock = ManualClock::new(1);
    let mut e = Engine::with_rng(Config::default(), Box::new(clock), Rng::seeded(7));
    let c = e.connect();
    let n = 1_000_000;
    let t = std::time::Instant::now();
    for i in 0..n {
        let a = ArgvBuf::from_parts([&b"SADD"[..], b"s", format!("element:{i}").as_bytes()]);
        e.execute(c, &a.args());
    }
    eprintln!("sadd {:?}/op", t.elapsed() / n);
    eprintln!("mem {}", e.state().dbs[0].ks.mem());
    let t = std::time::Instant::now();
    for _ in 0..100 {
        let a = ArgvBuf::from_parts([&b"SRANDMEMBER"[..], b"s", b"-10"]);
        e.execute(c, &a.args());
    }
    for _ in 0..10 {
        let a = ArgvBuf::from_parts([&b"SSCAN"[..], b"s", b"0"]);
        e.execute(c, &a.args());
    }
    eprintln!("misc {:?}", t.elapsed());
    let t = std::time::Instant::now();
    for _ in 0..n {
        let a = ArgvBuf::from_parts([&b"SPOP"[..], b"s"]);
        e.execute(c, &a.args());
    }
    eprintln!("spop {:?}/op", t.elapsed() / n);
    let t = std::time::Instant::now();
    for i in 0..n {
        let a = ArgvBuf::from_parts([&b"SADD"[..], b"i", format!("{}", i % 500).as_bytes()]);
        e.execute(c, &a.args());
    }
    eprintln!("sadd intset {:?}/op", t.elapsed() / n);
    let t = std::time::Instant::now();
    for i in 0..n {
        let a = ArgvBuf::from_parts([&b"SADD"[..], b"l", format!("e{}", i % 128).as_bytes()]);
        e.execute(c, &a.args());
    }
    eprintln!("sadd listpack {:?}/op", t.elapsed() / n);
}
