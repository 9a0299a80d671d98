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
fn lowering_maxmemory_at_runtime_evicts_in_bounded_slices() {
    use cinnabar::db::evict::{MAX_EVICTIONS_PER_CALL, Outcome};
    let (mut e, c, _) = engine("0", "allkeys-lru");
    for i in 0..5000 {
        run(&mut e, c, &["SET", &format!("k{i}"), &"x".repeat(200)]);
    }
    assert_eq!(
        run(&mut e, c, &["CONFIG", "SET", "maxmemory", "1500kb"]),
        Reply::Ok
    );
    let limit = 1_536_000;
    // Each command evicts one bounded slice and still runs (Redis's EVICT_RUNNING lets
    // writes through while the eviction timer works).
    let mut commands = 0;
    while e.state().used_memory() > limit {
        let before = e.state().stats.evicted_keys;
        let r = if commands % 2 == 0 {
            run(&mut e, c, &["SET", "w", "1"])
        } else {
            run(&mut e, c, &["PING"])
        };
        assert!(!r.is_error(), "{r:?}");
        let n = (e.state().stats.evicted_keys - before) as usize;
        assert!(n <= MAX_EVICTIONS_PER_CALL, "{n} evicted by one command");
        commands += 1;
        assert!(commands < 1000, "never got under the limit");
    }
    assert!(commands > 3, "took {commands} commands");
    assert!(e.state().stats.evicted_keys > 0);
    assert_eq!(e.evict_if_needed(e.now()), Outcome::Ok);
}

#[test]
fn background_slices_drain_a_large_drop_without_commands() {
    use cinnabar::db::evict::{MAX_EVICTIONS_PER_CALL, Outcome};
    let (mut e, c, _) = engine("0", "allkeys-lfu");
    for i in 0..20_000 {
        run(&mut e, c, &["SET", &format!("k{i}"), &"y".repeat(100)]);
    }
    let keys = 20_000u64;
    assert_eq!(
        run(&mut e, c, &["CONFIG", "SET", "maxmemory", "2mb"]),
        Reply::Ok
    );
    // What the native server's eviction task does between client commands.
    let mut slices = 0u64;
    loop {
        let before = e.state().stats.evicted_keys;
        let out = e.evict_if_needed(e.now());
        let n = e.state().stats.evicted_keys - before;
        slices += 1;
        match out {
            Outcome::Running => assert_eq!(n, MAX_EVICTIONS_PER_CALL as u64),
            Outcome::Ok => break,
            Outcome::Fail => panic!("nothing evictable"),
        }
        assert!(slices < 10_000);
    }
    assert!(e.state().used_memory() <= 2 * 1024 * 1024);
    let evicted = e.state().stats.evicted_keys;
    assert!(slices >= evicted / MAX_EVICTIONS_PER_CALL as u64);
    assert_eq!(
        run(&mut e, c, &["DBSIZE"]),
        Reply::Int((keys - evicted) as i64)
    );
    // The pool sampled and evicted real keys only; a write now succeeds.
    assert_eq!(run(&mut e, c, &["SET", "after", "1"]), Reply::Ok);
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

#[test]
fn lru_tells_apart_accesses_within_the_same_second() {
    // Redis's LRU clock has whole seconds: keys touched 300 ms apart look equally idle.
    // Ours ticks every 10 ms, so the sampled LRU still evicts the untouched keys first.
    let (mut e, c, clock) = engine("0", "allkeys-lru");
    assert_eq!(
        run(&mut e, c, &["CONFIG", "SET", "maxmemory-samples", "10"]),
        Reply::Ok
    );
    let value = "v".repeat(100);
    let empty = e.state().used_memory();
    for i in 0..1000 {
        run(&mut e, c, &["SET", &format!("k:{i}"), &value]);
    }
    let full = e.state().used_memory();
    let per_key = (full - empty) / 1000;
    clock.advance(300);
    for i in (0..1000).step_by(2) {
        run(&mut e, c, &["GET", &format!("k:{i}")]);
    }
    clock.advance(300);
    // Still the same second: IDLETIME is in whole seconds.
    assert_eq!(
        run(&mut e, c, &["OBJECT", "IDLETIME", "k:1"]),
        Reply::Int(0)
    );
    // Room for 800 of the 1000 keys: about 200 go, all of them should be untouched ones.
    let target = full - 200 * per_key;
    assert_eq!(
        run(
            &mut e,
            c,
            &["CONFIG", "SET", "maxmemory", &target.to_string()]
        ),
        Reply::Ok
    );
    while e.evict_if_needed(e.now()) != cinnabar::db::evict::Outcome::Ok {}
    let evicted = e.state().stats.evicted_keys as usize;
    assert!(evicted >= 50, "evicted {evicted}");
    let mut touched_gone = 0;
    for i in (0..1000).step_by(2) {
        if run(&mut e, c, &["EXISTS", &format!("k:{i}")]) == Reply::Int(0) {
            touched_gone += 1;
        }
    }
    assert!(
        touched_gone * 20 <= evicted,
        "{touched_gone} of {evicted} evicted keys had been touched"
    );
    // Whole seconds, rounded down: 1.5 s idle is 1.
    run(&mut e, c, &["SET", "fresh", "1"]);
    clock.advance(1_500);
    assert_eq!(
        run(&mut e, c, &["OBJECT", "IDLETIME", "fresh"]),
        Reply::Int(1)
    );
}
