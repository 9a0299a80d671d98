//! maxmemory and the eviction policies, through the engine with a manual clock.

use cinnabar::clock::ManualClock;
use cinnabar::cmd::ArgvBuf;
use cinnabar::rng::Rng;
use cinnabar::{ClientHandle, Config, Engine, Reply};

fn engine(maxmemory: &str, policy: &str) -> (Engine, ClientHandle, ManualClock) {
    let clock = ManualClock::new(1_700_000_000_000);
    let mut cfg = Config::default();
    cfg.set("maxmemory", maxmemory, false).expect("maxmemory");
    cfg.set("maxmemory-policy", policy, false).expect("policy");
    let mut e = Engine::with_rng(cfg, Box::new(clock.clone()), Rng::seeded(11));
    let c = e.connect();
    (e, c, clock)
}

fn run(e: &mut Engine, c: ClientHandle, argv: &[&str]) -> Reply {
    e.execute(c, &ArgvBuf::from_parts(argv).args())
}

const ALL: [&str; 7] = [
    "allkeys-lru",
    "volatile-lru",
    "allkeys-lfu",
    "volatile-lfu",
    "allkeys-random",
    "volatile-random",
    "volatile-ttl",
];

#[test]
fn used_memory_stays_under_maxmemory_for_every_policy() {
    for policy in ALL {
        let (mut e, c, clock) = engine("2mb", policy);
        let limit = 2 * 1024 * 1024;
        let value = "v".repeat(100);
        for i in 0..20_000 {
            let k = format!("key:{i}");
            // Every key has a TTL, so volatile policies can evict too.
            let r = run(&mut e, c, &["SET", &k, &value, "EX", "100000"]);
            assert_eq!(r, Reply::Ok, "{policy} at {i}");
            if i % 7 == 0 {
                run(&mut e, c, &["GET", &format!("key:{}", i / 2)]);
                clock.advance(10);
            }
            let used = e.state().used_memory();
            assert!(
                used <= limit + 512,
                "{policy}: used {used} > {limit} at {i}"
            );
        }
        assert!(e.state().stats.evicted_keys > 0, "{policy} evicted nothing");
    }
}

#[test]
fn volatile_policies_never_evict_persistent_keys_and_then_refuse() {
    for policy in [
        "volatile-lru",
        "volatile-lfu",
        "volatile-random",
        "volatile-ttl",
    ] {
        let (mut e, c, _) = engine("2mb", policy);
        let value = "p".repeat(200);
        let mut persistent = 0;
        let mut oom = false;
        for i in 0..20_000 {
            let k = format!("p:{i}");
            match run(&mut e, c, &["SET", &k, &value]) {
                Reply::Ok => persistent += 1,
                Reply::Error(t) => {
                    assert_eq!(t, "OOM command not allowed when used memory > 'maxmemory'.");
                    oom = true;
                    break;
                }
                other => panic!("{other:?}"),
            }
        }
        assert!(oom, "{policy}: never refused");
        assert_eq!(
            run(&mut e, c, &["DBSIZE"]),
            Reply::Int(persistent),
            "{policy}"
        );
        // Reads and deletes still work.
        assert_eq!(
            run(&mut e, c, &["GET", "p:0"]),
            Reply::bulk("p".repeat(200))
        );
        assert_eq!(run(&mut e, c, &["DEL", "p:0"]), Reply::Int(1));
    }
}

#[test]
fn noeviction_refuses_denyoom_commands_and_serves_reads() {
    let (mut e, c, _) = engine("2mb", "noeviction");
    let value = "n".repeat(500);
    let mut stored = 0;
    loop {
        match run(&mut e, c, &["SET", &format!("n:{stored}"), &value]) {
            Reply::Ok => stored += 1,
            Reply::Error(t) => {
                assert_eq!(t, "OOM command not allowed when used memory > 'maxmemory'.");
                break;
            }
            other => panic!("{other:?}"),
        }
        assert!(stored < 100_000);
    }
    assert_eq!(e.state().stats.evicted_keys, 0);
    assert_eq!(run(&mut e, c, &["GET", "n:0"]), Reply::bulk(&value));
    assert_eq!(run(&mut e, c, &["EXISTS", "n:1"]), Reply::Int(1));
    // Inside MULTI the refusal flags the transaction.
    assert_eq!(run(&mut e, c, &["MULTI"]), Reply::Ok);
    assert!(run(&mut e, c, &["SET", "x", "y"]).is_error());
    assert_eq!(
        run(&mut e, c, &["EXEC"]),
        Reply::Error("EXECABORT Transaction discarded because of previous errors.".into())
    );
}

#[test]
fn volatile_ttl_evicts_nearest_deadlines_first() {
    let (mut e, c, _) = engine("2mb", "volatile-ttl");
    let value = "t".repeat(100);
    // Deadlines grow with i; the early ones must go first.
    for i in 0..8000 {
        let r = run(
            &mut e,
            c,
            &[
                "SET",
                &format!("t:{i:05}"),
                &value,
                "PX",
                &(100_000 + i * 1000).to_string(),
            ],
        );
        assert_eq!(r, Reply::Ok);
    }
    let evicted = e.state().stats.evicted_keys as usize;
    assert!(evicted > 100, "evicted {evicted}");
    // Sampling is approximate (as in Redis), but the latest keys must all survive and
    // the earliest must mostly be gone.
    let mut early_alive = 0;
    for i in 0..evicted / 2 {
        if run(&mut e, c, &["EXISTS", &format!("t:{i:05}")]) == Reply::Int(1) {
            early_alive += 1;
        }
    }
    assert!(
        early_alive * 4 < evicted / 2,
        "{early_alive} of the earliest survived"
    );
    for i in 7900..8000 {
        assert_eq!(
            run(&mut e, c, &["EXISTS", &format!("t:{i:05}")]),
            Reply::Int(1),
            "t:{i}"
        );
    }
}

#[test]
fn lowering_maxmemory_at_runtime_evicts() {
    let (mut e, c, _) = engine("0", "allkeys-lru");
    for i in 0..5000 {
        run(&mut e, c, &["SET", &format!("k{i}"), &"x".repeat(200)]);
    }
    assert_eq!(
        run(&mut e, c, &["CONFIG", "SET", "maxmemory", "1500kb"]),
        Reply::Ok
    );
    // Each command evicts a bounded batch; a few commands bring memory under the limit.
    for _ in 0..4 {
        run(&mut e, c, &["PING"]);
    }
    assert!(
        e.state().used_memory() <= 1_536_000 + 512,
        "used {}",
        e.state().used_memory()
    );
    assert!(e.state().stats.evicted_keys > 0);
}

#[test]
fn evictions_are_propagated_as_del() {
    let (mut e, c, _) = engine("2mb", "allkeys-random");
    e.enable_propagation();
    for i in 0..20_000 {
        run(&mut e, c, &["SET", &format!("k{i}"), &"x".repeat(100)]);
    }
    let dels = e
        .take_propagated()
        .iter()
        .filter(|c| c[0].eq_ignore_ascii_case(b"DEL"))
        .count() as u64;
    assert_eq!(dels, e.state().stats.evicted_keys);
    assert!(dels > 0);
}

#[test]
fn mixed_types_stay_under_maxmemory_for_every_policy() {
    for policy in ALL {
        let (mut e, c, clock) = engine("3mb", policy);
        let limit = 3 * 1024 * 1024;
        for i in 0..12_000 {
            let k = format!("k{i}");
            let r = match i % 5 {
                0 => run(&mut e, c, &["SET", &k, &"s".repeat(64)]),
                1 => run(&mut e, c, &["HSET", &k, "a", "1", "b", &"h".repeat(40)]),
                2 => run(&mut e, c, &["RPUSH", &k, "x", "y", &"l".repeat(40)]),
                3 => run(&mut e, c, &["SADD", &k, "m1", "m2", &"z".repeat(30)]),
                _ => run(&mut e, c, &["ZADD", &k, "1", "a", "2", &"q".repeat(30)]),
            };
            assert!(!r.is_error(), "{policy} at {i}: {r:?}");
            // Give every key a TTL so that volatile policies have candidates too.
            run(&mut e, c, &["EXPIRE", &k, "100000"]);
            if i % 11 == 0 {
                clock.advance(5);
            }
            let used = e.state().used_memory();
            assert!(
                used <= limit + 1024,
                "{policy}: used {used} > {limit} at {i}"
            );
        }
        assert!(e.state().stats.evicted_keys > 0, "{policy} evicted nothing");
    }
}
