//! Persistence through `Engine::execute` with a manual clock: DUMP/RESTORE of every type
//! and encoding, RESTORE's options and errors, SAVE/LASTSAVE through a capturing host,
//! RDB files that load back identically, and background snapshots that stay a
//! consistent picture of their start while writes go on between steps.

use std::cell::RefCell;
use std::rc::Rc;

use cinnabar::clock::ManualClock;
use cinnabar::cmd::ArgvBuf;
use cinnabar::db::NO_EXPIRE;
use cinnabar::persist::snapshot::{self, LoadOpts};
use cinnabar::persist::value::Limits;
use cinnabar::persist::{PersistHost, Purpose};
use cinnabar::rng::Rng;
use cinnabar::types::Value;
use cinnabar::{ClientHandle, Config, Engine, Reply};

const T0: i64 = 1_700_000_000_000;

#[derive(Clone, Default)]
struct Capture(Rc<RefCell<Vec<Vec<u8>>>>);

impl PersistHost for Capture {
    fn save_rdb(&mut self, _dir: &str, _file: &str, bytes: &[u8]) -> Result<(), String> {
        self.0.borrow_mut().push(bytes.to_vec());
        Ok(())
    }
}

struct T {
    e: Engine,
    c: ClientHandle,
    clock: ManualClock,
    saved: Capture,
}

impl T {
    fn new() -> T {
        T::with_config(Config::default())
    }

    fn with_config(cfg: Config) -> T {
        let clock = ManualClock::new(T0);
        let mut e = Engine::with_rng(cfg, Box::new(clock.clone()), Rng::seeded(7));
        let saved = Capture::default();
        e.state_mut().persist.host = Some(Box::new(saved.clone()));
        let c = e.connect();
        T { e, c, clock, saved }
    }

    fn run<B: AsRef<[u8]>>(&mut self, parts: &[B]) -> Reply {
        let a = ArgvBuf::from_parts(parts.iter().map(|p| p.as_ref()));
        self.e.execute(self.c, &a.args())
    }

    #[track_caller]
    fn ok<B: AsRef<[u8]>>(&mut self, parts: &[B]) {
        assert_eq!(self.run(parts), Reply::Ok);
    }

    #[track_caller]
    fn err<B: AsRef<[u8]>>(&mut self, parts: &[B], msg: &str) {
        assert_eq!(self.run(parts), Reply::Error(msg.to_string().into()));
    }

    fn bulk<B: AsRef<[u8]>>(&mut self, parts: &[B]) -> Vec<u8> {
        match self.run(parts) {
            Reply::Bulk(b) => b,
            other => panic!("expected bulk, got {other:?}"),
        }
    }

    /// A full, canonical picture of the data.
    fn contents(&self) -> Vec<(usize, Vec<u8>, String, i64)> {
        contents(&self.e)
    }

    fn fill_all_types(&mut self) {
        self.ok(&["SET", "s:int", "12345"]);
        self.ok(&["SET", "s:emb", "hello"]);
        self.ok(&["SET", "s:big", &"x".repeat(5000)]);
        self.ok(&["SET", "s:neg", "-9000000000"]);
        self.ok(&["SET", "s:ttl", "v", "PX", "100000"]);
        self.run(&["RPUSH", "l:small", "a", "1", "b", "-70000"]);
        for i in 0..600 {
            self.run(&[
                "RPUSH",
                "l:big",
                &format!("element-{i}-{}", "y".repeat(i % 50)),
            ]);
        }
        self.run(&["SADD", "set:int", "1", "2", "3", "-5"]);
        self.run(&["SADD", "set:lp", "a", "b", "c"]);
        for i in 0..300 {
            self.run(&["SADD", "set:big", &format!("m{i}")]);
        }
        self.run(&["ZADD", "z:small", "1", "a", "2.5", "b", "-inf", "c"]);
        for i in 0..200 {
            self.run(&[
                "ZADD",
                "z:big",
                &format!("{}", i as f64 / 3.0),
                &format!("m{i}"),
            ]);
        }
        self.run(&["HSET", "h:small", "f1", "v1", "f2", "2"]);
        for i in 0..600 {
            self.run(&["HSET", "h:big", &format!("f{i}"), &format!("v{i}")]);
        }
        self.run(&["HSET", "h:long", "f", &"z".repeat(100)]);
        self.run(&["PEXPIRE", "h:small", "50000"]);
        self.ok(&["SELECT", "3"]);
        self.ok(&["SET", "db3", "other"]);
        self.ok(&["SELECT", "0"]);
    }
}

fn canon(v: &Value) -> String {
    match v {
        Value::Str(s) => format!("str:{:?}", s.to_vec()),
        Value::List(l) => format!(
            "list:{:?}",
            l.iter().map(|e| e.to_vec()).collect::<Vec<_>>()
        ),
        Value::Set(s) => format!("set:{:?}", cinnabar::persist::value::set_members_sorted(s)),
        Value::ZSet(z) => format!(
            "zset:{:?}",
            z.iter().map(|(m, s)| (m.to_vec(), s)).collect::<Vec<_>>()
        ),
        Value::Hash(h) => {
            let mut p: Vec<_> = h
                .iter()
                .map(|(f, v, t)| (f.to_vec(), v.to_vec(), t))
                .collect();
            p.sort();
            format!("hash:{p:?}")
        }
        other => format!("{}:{}", other.type_name(), other.mem_usage()),
    }
}

fn contents(e: &Engine) -> Vec<(usize, Vec<u8>, String, i64)> {
    let mut out = Vec::new();
    for (i, db) in e.state().dbs.iter().enumerate() {
        for en in db.ks.iter() {
            out.push((i, en.key.to_vec(), canon(&en.value), en.expire));
        }
    }
    out.sort();
    out
}

fn load(bytes: &[u8], now: i64) -> Engine {
    let mut e = Engine::with_rng(
        Config::default(),
        Box::new(ManualClock::new(now)),
        Rng::seeded(1),
    );
    let o = LoadOpts {
        drop_expired: true,
        verify_checksum: true,
        now_ms: now,
    };
    snapshot::load_into_state(e.state_mut(), bytes, &o).expect("loads");
    e
}

#[test]
fn dump_restore_roundtrips_every_type_and_encoding() {
    let mut t = T::new();
    t.fill_all_types();
    let keys: Vec<Vec<u8>> = t.e.state().dbs[0]
        .ks
        .iter()
        .map(|e| e.key.to_vec())
        .collect();
    assert!(keys.len() >= 15);
    for k in keys {
        let enc_before = match t.run(&[&b"OBJECT"[..], b"ENCODING", &k]) {
            Reply::Bulk(b) => b,
            other => panic!("{other:?}"),
        };
        let before = canon(&t.e.state().dbs[0].ks.get(&k).expect("key").value);
        let payload = t.bulk(&[&b"DUMP"[..], &k]);
        let mut dst = k.clone();
        dst.extend_from_slice(b":copy");
        t.ok(&[&b"RESTORE"[..], &dst, b"0", &payload]);
        let after = canon(&t.e.state().dbs[0].ks.get(&dst).expect("restored").value);
        assert_eq!(after, before, "contents of {}", String::from_utf8_lossy(&k));
        let enc_after = match t.run(&[&b"OBJECT"[..], b"ENCODING", &dst]) {
            Reply::Bulk(b) => b,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            enc_after,
            enc_before,
            "encoding of {}",
            String::from_utf8_lossy(&k)
        );
        // The restored value dumps to the same payload.
        assert_eq!(t.bulk(&[&b"DUMP"[..], &dst]), payload);
    }
    assert_eq!(t.run(&["DUMP", "nosuchkey"]), Reply::Nil);
}

#[test]
fn restore_options_and_errors_match_redis() {
    let mut t = T::new();
    t.ok(&["SET", "k", "v"]);
    let p = t.bulk(&["DUMP", "k"]);
    let p = p.as_slice();
    t.err(
        &[&b"RESTORE"[..], b"k", b"0", p],
        "BUSYKEY Target key name already exists.",
    );
    t.err(
        &[&b"RESTORE"[..], b"n", b"-1", p],
        "ERR Invalid TTL value, must be >= 0",
    );
    t.err(
        &[&b"RESTORE"[..], b"n", b"x", p],
        "ERR value is not an integer or out of range",
    );
    t.err(
        &[&b"RESTORE"[..], b"n", b"0", b"garbage"],
        "ERR DUMP payload version or checksum are wrong",
    );
    let mut bad = p.to_vec();
    bad[1] ^= 0x20;
    t.err(
        &[&b"RESTORE"[..], b"n", b"0", &bad],
        "ERR DUMP payload version or checksum are wrong",
    );
    t.err(
        &[&b"RESTORE"[..], b"n", b"0", p, b"BOGUS"],
        "ERR syntax error",
    );
    t.err(
        &[&b"RESTORE"[..], b"n", b"0", p, b"IDLETIME", b"-1"],
        "ERR Invalid IDLETIME value, must be >= 0",
    );
    t.err(
        &[&b"RESTORE"[..], b"n", b"0", p, b"FREQ", b"256"],
        "ERR Invalid FREQ value, must be >= 0 and <= 255",
    );
    t.err(
        &[
            &b"RESTORE"[..],
            b"n",
            b"0",
            p,
            b"IDLETIME",
            b"1",
            b"FREQ",
            b"1",
        ],
        "ERR syntax error",
    );
    // A payload from a newer RDB version than we read.
    let mut newer = p.to_vec();
    let n = newer.len();
    newer[n - 10] = 99;
    t.err(
        &[&b"RESTORE"[..], b"n", b"0", &newer],
        "ERR DUMP payload version or checksum are wrong",
    );
    // Well-formed footer, bad body.
    let mut body = vec![0x00u8, 0x40]; // a string whose length runs past the end
    body.extend_from_slice(&10u16.to_le_bytes());
    let crc = cinnabar::persist::crc64::crc64(0, &body);
    body.extend_from_slice(&crc.to_le_bytes());
    t.err(&[&b"RESTORE"[..], b"n", b"0", &body], "ERR Bad data format");

    // REPLACE, relative TTL, IDLETIME.
    t.ok(&[
        &b"RESTORE"[..],
        b"k",
        b"5000",
        p,
        b"REPLACE",
        b"IDLETIME",
        b"100",
    ]);
    assert_eq!(t.run(&["PTTL", "k"]), Reply::Int(5000));
    assert_eq!(t.run(&["OBJECT", "IDLETIME", "k"]), Reply::Int(100));
    // ABSTTL.
    t.ok(&[
        &b"RESTORE"[..],
        b"a",
        &(T0 + 7000).to_string().into_bytes(),
        p,
        b"ABSTTL",
    ]);
    assert_eq!(t.run(&["PTTL", "a"]), Reply::Int(7000));
    // Already expired: not created; with REPLACE the old key goes.
    t.ok(&[
        &b"RESTORE"[..],
        b"gone",
        &(T0 - 1).to_string().into_bytes(),
        p,
        b"ABSTTL",
    ]);
    assert_eq!(t.run(&["EXISTS", "gone"]), Reply::Int(0));
    t.ok(&[
        &b"RESTORE"[..],
        b"a",
        &(T0 - 1).to_string().into_bytes(),
        p,
        b"ABSTTL",
        b"REPLACE",
    ]);
    assert_eq!(t.run(&["EXISTS", "a"]), Reply::Int(0));
}

#[test]
fn restore_propagates_an_absolute_ttl() {
    let mut t = T::new();
    t.ok(&["SET", "k", "v"]);
    let p = t.bulk(&["DUMP", "k"]);
    t.e.enable_propagation();
    t.ok(&[&b"RESTORE"[..], b"r", b"1000", &p]);
    t.ok(&[&b"RESTORE"[..], b"r2", b"0", &p]);
    let props = t.e.take_propagated();
    assert_eq!(props.len(), 2);
    assert_eq!(props[0][2], (T0 + 1000).to_string().into_bytes());
    assert_eq!(props[0].last().map(|v| v.as_slice()), Some(&b"ABSTTL"[..]));
    assert_eq!(props[1].len(), 4);
}

#[test]
fn save_writes_a_file_that_loads_back_identically() {
    let mut t = T::new();
    t.fill_all_types();
    assert_eq!(t.run(&["LASTSAVE"]), Reply::Int(T0 / 1000));
    t.clock.advance(5000);
    t.ok(&["SAVE"]);
    assert_eq!(t.run(&["LASTSAVE"]), Reply::Int(T0 / 1000 + 5));
    let files = t.saved.0.borrow().clone();
    assert_eq!(files.len(), 1);
    let rdb = &files[0];
    assert_eq!(&rdb[..9], b"REDIS0010");
    let back = load(rdb, T0 + 5000);
    assert_eq!(contents(&back), t.contents());
    // A key that expires before the load is dropped.
    let later = load(rdb, T0 + 200_000);
    assert!(contents(&later).iter().all(|(_, k, _, _)| k != b"s:ttl"));
    assert_eq!(contents(&later).len(), t.contents().len() - 2);
}

#[test]
fn corrupt_rdb_files_are_refused_not_misread() {
    let mut t = T::new();
    t.fill_all_types();
    t.ok(&["SAVE"]);
    let rdb = t.saved.0.borrow()[0].clone();
    let lim = Limits::default();
    let o = LoadOpts {
        drop_expired: false,
        verify_checksum: true,
        now_ms: T0,
    };
    // Every truncation fails.
    for cut in (0..rdb.len()).step_by(97) {
        let mut dbs: Vec<cinnabar::db::Db> = (0..16).map(|_| Default::default()).collect();
        assert!(
            snapshot::load(&mut dbs, &rdb[..cut], &lim, Default::default(), &o).is_err(),
            "cut at {cut}"
        );
    }
    // Every single-byte flip fails (checksum), and never panics without the checksum.
    let o2 = LoadOpts {
        verify_checksum: false,
        ..o
    };
    for pos in (9..rdb.len() - 8).step_by(13) {
        let mut bad = rdb.clone();
        bad[pos] ^= 0x5a;
        let mut dbs: Vec<cinnabar::db::Db> = (0..16).map(|_| Default::default()).collect();
        assert!(
            snapshot::load(&mut dbs, &bad, &lim, Default::default(), &o).is_err(),
            "flip at {pos}"
        );
        let mut dbs: Vec<cinnabar::db::Db> = (0..16).map(|_| Default::default()).collect();
        let _ = snapshot::load(&mut dbs, &bad, &lim, Default::default(), &o2);
    }
}

#[test]
fn bgsave_is_a_consistent_point_in_time() {
    let mut t = T::new();
    for i in 0..5000 {
        t.ok(&["SET", &format!("k{i}"), &format!("v{i}")]);
    }
    t.run(&["RPUSH", "list", "a", "b"]);
    t.ok(&["SELECT", "2"]);
    t.ok(&["SET", "x", "in-db2"]);
    t.ok(&["SELECT", "0"]);
    let at_start = t.contents();
    assert_eq!(
        t.run(&["BGSAVE"]),
        Reply::Simple("Background saving started".into())
    );
    assert_eq!(
        t.run(&["BGSAVE"]),
        Reply::Error("ERR Background save already in progress".into())
    );
    t.err(&["SAVE"], "ERR Background save already in progress");
    let mut file = Vec::new();
    let mut round = 0;
    loop {
        let (bytes, done) = snapshot::step_bg(t.e.state_mut(), 300).expect("running");
        file.extend_from_slice(&bytes);
        if done {
            break;
        }
        // Writes between steps: overwrite keys behind and ahead of the walk, delete,
        // create, rename across the walk, change TTLs, modify collections, other dbs.
        let a = round * 97 % 5000;
        let b = 4999 - round * 31 % 5000;
        t.ok(&["SET", &format!("k{a}"), "changed"]);
        t.run(&["DEL", &format!("k{b}")]);
        t.ok(&["SET", &format!("new{round}"), "created"]);
        t.run(&[
            "RENAME",
            &format!("k{}", (round * 53 + 7) % 5000),
            &format!("moved{round}"),
        ]);
        t.run(&["EXPIRE", &format!("k{}", (round * 11 + 3) % 5000), "100"]);
        t.run(&["RPUSH", "list", "more"]);
        t.ok(&["SELECT", "2"]);
        t.run(&["DEL", "x"]);
        t.ok(&["SET", "y", "new-in-db2"]);
        t.ok(&["SELECT", "0"]);
        round += 1;
    }
    assert!(round > 10, "the snapshot took several steps ({round})");
    snapshot::finish_bg(t.e.state_mut(), true, T0);
    let back = load(&file, T0);
    assert_eq!(contents(&back), at_start);
    assert_ne!(t.contents(), at_start);
}

#[test]
fn a_global_write_finishes_the_snapshot_first() {
    let mut t = T::new();
    for i in 0..3000 {
        t.ok(&["SET", &format!("k{i}"), "v"]);
    }
    let at_start = t.contents();
    t.run(&["BGSAVE"]);
    let (mut file, done) = snapshot::step_bg(t.e.state_mut(), 100).expect("running");
    assert!(!done);
    t.ok(&["FLUSHALL"]);
    let (rest, done) = snapshot::step_bg(t.e.state_mut(), 100).expect("still there");
    assert!(done);
    file.extend_from_slice(&rest);
    snapshot::finish_bg(t.e.state_mut(), true, T0);
    assert_eq!(contents(&load(&file, T0)), at_start);
}

#[test]
fn bgsave_inside_exec_is_scheduled_and_dirty_counts_down() {
    let mut t = T::new();
    t.ok(&["SET", "a", "1"]);
    t.run(&["MULTI"]);
    t.run(&["BGSAVE"]);
    let r = t.run(&["EXEC"]);
    assert_eq!(
        r,
        Reply::Array(vec![Reply::Simple("Background saving scheduled".into())])
    );
    assert!(t.e.state().persist.scheduled_bgsave);
    assert!(t.e.state().persist.bg.is_none());
    // A BGSAVE's completion subtracts the changes it saw.
    assert_eq!(t.e.state().dirty, 1);
    t.run(&["BGSAVE"]);
    t.ok(&["SET", "b", "2"]);
    while !snapshot::step_bg(t.e.state_mut(), 10).expect("running").1 {}
    t.clock.advance(3000);
    snapshot::finish_bg(t.e.state_mut(), true, T0 + 3000);
    assert_eq!(t.e.state().dirty, 1);
    assert_eq!(t.run(&["LASTSAVE"]), Reply::Int(T0 / 1000 + 3));
}

#[test]
fn bgrewriteaof_marks_the_propagation_stream() {
    let mut t = T::new();
    t.e.enable_propagation();
    t.ok(&["SET", "a", "1"]);
    assert_eq!(
        t.run(&["BGREWRITEAOF"]),
        Reply::Simple("Background append only file rewriting started".into())
    );
    assert_eq!(t.e.state().persist.rewrite_prop_mark, Some(1));
    assert_eq!(
        t.run(&["BGREWRITEAOF"]),
        Reply::Error("ERR Background append only file rewriting already in progress".into())
    );
    assert_eq!(
        t.run(&["BGSAVE"]),
        Reply::Error(
            "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.".into()
        )
    );
    assert_eq!(
        t.run(&["BGSAVE", "SCHEDULE"]),
        Reply::Simple("Background saving scheduled".into())
    );
    assert!(t.e.state().persist.bg_running(Purpose::AofRewrite));
}

#[test]
fn lru_and_lfu_data_survive_a_save() {
    let mut cfg = Config::default();
    cfg.set("maxmemory-policy", "allkeys-lru", false)
        .expect("policy");
    let mut t = T::with_config(cfg);
    t.ok(&["SET", "k", "v"]);
    t.clock.advance(50_000);
    t.ok(&["SAVE"]);
    let rdb = t.saved.0.borrow()[0].clone();
    let mut cfg = Config::default();
    cfg.set("maxmemory-policy", "allkeys-lru", false)
        .expect("policy");
    let mut e = Engine::with_rng(cfg, Box::new(ManualClock::new(T0 + 60_000)), Rng::seeded(1));
    let o = LoadOpts {
        drop_expired: true,
        verify_checksum: true,
        now_ms: T0 + 60_000,
    };
    snapshot::load_into_state(e.state_mut(), &rdb, &o).expect("loads");
    let c = e.connect();
    let a = ArgvBuf::from_parts(["OBJECT", "IDLETIME", "k"]);
    // The idle time at the save (50 s) is restored, as Redis does.
    assert_eq!(e.execute(c, &a.args()), Reply::Int(50));
    let _ = NO_EXPIRE;
}

#[test]
fn hash_field_ttls_survive_dump_restore_and_save() {
    let mut t = T::new();
    t.run(&["HSET", "h", "a", "1", "b", "2", "c", "3"]);
    let at = (T0 + 60_000).to_string();
    let at2 = (T0 + 90_000).to_string();
    t.run(&["HPEXPIREAT", "h", &at, "FIELDS", "1", "a"]);
    t.run(&["HPEXPIREAT", "h", &at2, "FIELDS", "1", "c"]);
    let before = canon(&t.e.state().dbs[0].ks.get(b"h").expect("h").value);
    assert!(before.contains(&(T0 + 60_000).to_string()), "{before}");
    let p = t.bulk(&["DUMP", "h"]);
    assert_eq!(p[0], 24, "HASH_METADATA type");
    t.ok(&[&b"RESTORE"[..], b"h2", b"0", &p]);
    assert_eq!(
        canon(&t.e.state().dbs[0].ks.get(b"h2").expect("h2").value),
        before
    );
    t.ok(&["SAVE"]);
    let rdb = t.saved.0.borrow()[0].clone();
    let back = load(&rdb, T0);
    assert_eq!(contents(&back), t.contents());
}
