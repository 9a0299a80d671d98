//! Golden files pinning the on-disk formats (docs/FORMATS.md):
//!
//! * `golden/redis-7.0-all-types.rdb`, written by redis-server 7.0.15
//!   (`golden/make_redis_golden.py`), loads with exactly the contents listed in
//!   `golden/redis-7.0-all-types.txt` (listed by Redis itself).
//! * `golden/cinnabar-rdb10.rdb`: what our writer produces for a fixed data set, byte
//!   for byte. Regenerate with `CINNABAR_BLESS=1 cargo test --test persist_golden` after
//!   an intended format change (and say why in the commit).
//! * Legacy encodings Redis no longer writes (ziplist, zipmap, quicklist v1, string
//!   scores, seconds expiry) in a hand-assembled RDB 9 file.
//! * `golden/appendonly.incr.aof`: the increment file the server writes for a fixed
//!   command sequence (native feature).

use std::path::PathBuf;

use cinnabar::clock::ManualClock;
use cinnabar::cmd::ArgvBuf;
use cinnabar::db::{Db, NO_EXPIRE};
use cinnabar::persist::rdb::{self, WriteOpts};
use cinnabar::persist::snapshot::{self, AccessInfo, LoadOpts, SaveOpts};
use cinnabar::persist::value::Limits;
use cinnabar::rng::Rng;
use cinnabar::types::Value;
use cinnabar::{Config, Engine, Reply};

const T0: i64 = 1_700_000_000_000;

fn golden(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The listing format of make_redis_golden.py.
fn listing(dbs: &[Db]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, db) in dbs.iter().enumerate() {
        let mut keys: Vec<_> = db.ks.iter().collect();
        keys.sort_by(|a, b| a.key.cmp(&b.key));
        for e in keys {
            let (t, items): (&str, Vec<Vec<u8>>) = match &e.value {
                Value::Str(s) => ("string", vec![s.to_vec()]),
                Value::List(l) => ("list", l.iter().map(|x| x.to_vec()).collect()),
                Value::Set(s) => ("set", cinnabar::persist::value::set_members_sorted(s)),
                Value::ZSet(z) => (
                    "zset",
                    z.iter()
                        .flat_map(|(m, s)| [m.to_vec(), format!("{s:?}").into_bytes()])
                        .collect(),
                ),
                Value::Hash(h) => {
                    let mut p: Vec<(Vec<u8>, Vec<u8>)> =
                        h.iter().map(|(f, v, _)| (f.to_vec(), v.to_vec())).collect();
                    p.sort();
                    ("hash", p.into_iter().flat_map(|(f, v)| [f, v]).collect())
                }
                other => (other.type_name(), vec![]),
            };
            let exp = if e.expire == NO_EXPIRE { -1 } else { e.expire };
            let items: Vec<String> = items.iter().map(|x| hex(x)).collect();
            out.push(format!(
                "{i}\t{}\t{t}\t{exp}\t{}",
                hex(&e.key),
                items.join(",")
            ));
        }
    }
    out
}

fn load(bytes: &[u8]) -> Vec<Db> {
    let mut dbs: Vec<Db> = (0..16).map(|_| Db::new()).collect();
    let o = LoadOpts {
        drop_expired: true,
        verify_checksum: true,
        now_ms: T0,
    };
    snapshot::load(&mut dbs, bytes, &Limits::default(), Default::default(), &o).expect("loads");
    dbs
}

#[test]
fn an_rdb_written_by_redis_7_0_loads_with_identical_contents() {
    let rdb = std::fs::read(golden("redis-7.0-all-types.rdb")).expect("golden rdb");
    assert_eq!(&rdb[..9], b"REDIS0010");
    let want = std::fs::read_to_string(golden("redis-7.0-all-types.txt")).expect("golden listing");
    let want: Vec<String> = want.lines().map(String::from).collect();
    let got = listing(&load(&rdb));
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g, w);
    }
}

fn fixed_engine() -> Engine {
    let mut e = Engine::with_rng(
        Config::default(),
        Box::new(ManualClock::new(T0)),
        Rng::seeded(3),
    );
    let c = e.connect();
    let mut run = |parts: &[&str]| {
        let a = ArgvBuf::from_parts(parts.iter().copied());
        let r = e.execute(c, &a.args());
        assert!(!matches!(r, Reply::Error(_)), "{parts:?}: {r:?}");
    };
    run(&["SET", "str:int", "42"]);
    run(&["SET", "str:raw", "hello world"]);
    run(&["SET", "str:lzf", &"0123456789".repeat(10)]);
    run(&["SET", "str:ttl", "x", "PXAT", "1800000000000"]);
    run(&["RPUSH", "list", "a", "b", "12", "-70000"]);
    let big: Vec<String> = (0..1500).map(|i| format!("element:{i}")).collect();
    let mut args = vec!["RPUSH", "list:big"];
    args.extend(big.iter().map(|s| s.as_str()));
    run(&args);
    run(&["SADD", "intset", "5", "3", "-1", "100000"]);
    run(&["SADD", "lpset", "x", "y", "z"]);
    run(&[
        "ZADD",
        "zlp",
        "1",
        "one",
        "2.5",
        "two-and-a-half",
        "-inf",
        "low",
    ]);
    let zs: Vec<String> = (0..200)
        .flat_map(|i| [format!("{}", i as f64 / 8.0), format!("z{i}")])
        .collect();
    let mut args = vec!["ZADD", "zskip"];
    args.extend(zs.iter().map(|s| s.as_str()));
    run(&args);
    run(&["HSET", "hlp", "a", "1", "b", "two"]);
    run(&["SELECT", "7"]);
    run(&["SET", "other-db", "7"]);
    e
}

fn fixed_opts() -> SaveOpts {
    SaveOpts {
        now_ms: T0,
        used_mem: 1_000_000,
        aof_base: false,
        write: WriteOpts { compress: true },
        checksum: true,
        access: AccessInfo::None,
        tracking: Default::default(),
    }
}

#[test]
fn our_rdb_bytes_are_pinned() {
    let e = fixed_engine();
    let bytes = snapshot::save_all(&e.state().dbs, &fixed_opts()).expect("save");
    let path = golden("cinnabar-rdb10.rdb");
    if std::env::var_os("CINNABAR_BLESS").is_some() {
        std::fs::write(&path, &bytes).expect("bless");
    }
    let pinned = std::fs::read(&path).expect("golden file (run with CINNABAR_BLESS=1 to create)");
    assert!(
        bytes == pinned,
        "the RDB writer's output changed; see docs/FORMATS.md"
    );
    // And it reads back to the same data.
    assert_eq!(listing(&load(&bytes)), listing(&e.state().dbs));
}

/// A ziplist, built per the format (Redis 7 no longer writes them).
fn ziplist(items: &[&[u8]]) -> Vec<u8> {
    let mut body = Vec::new();
    let mut prev = 0usize;
    let mut tail = 10usize;
    for it in items {
        let start = body.len();
        tail = 10 + start;
        if prev < 254 {
            body.push(prev as u8);
        } else {
            body.push(254);
            body.extend_from_slice(&(prev as u32).to_le_bytes());
        }
        match rdb::canonical_int(it) {
            Some(v) if (0..=12).contains(&v) => body.push(0xF1 + v as u8),
            Some(v) if i8::try_from(v).is_ok() => {
                body.push(0xFE);
                body.push(v as i8 as u8);
            }
            Some(v) if i16::try_from(v).is_ok() => {
                body.push(0xC0);
                body.extend_from_slice(&(v as i16).to_le_bytes());
            }
            Some(v) if (-(1 << 23)..(1 << 23)).contains(&v) => {
                body.push(0xF0);
                body.extend_from_slice(&(v as i32).to_le_bytes()[..3]);
            }
            Some(v) if i32::try_from(v).is_ok() => {
                body.push(0xD0);
                body.extend_from_slice(&(v as i32).to_le_bytes());
            }
            Some(v) => {
                body.push(0xE0);
                body.extend_from_slice(&v.to_le_bytes());
            }
            None if it.len() < 64 => {
                body.push(it.len() as u8);
                body.extend_from_slice(it);
            }
            None if it.len() < 16384 => {
                body.push(0x40 | (it.len() >> 8) as u8);
                body.push(it.len() as u8);
                body.extend_from_slice(it);
            }
            None => {
                body.push(0x80);
                body.extend_from_slice(&(it.len() as u32).to_be_bytes());
                body.extend_from_slice(it);
            }
        }
        prev = body.len() - start;
    }
    let mut zl = Vec::new();
    zl.extend_from_slice(&((10 + body.len() + 1) as u32).to_le_bytes());
    zl.extend_from_slice(&(tail as u32).to_le_bytes());
    zl.extend_from_slice(&(items.len() as u16).to_le_bytes());
    zl.extend_from_slice(&body);
    zl.push(0xFF);
    zl
}

#[test]
fn legacy_encodings_load() {
    let o = WriteOpts { compress: false };
    let mut f = b"REDIS0009".to_vec();
    f.push(0xFE);
    rdb::write_len(&mut f, 0);
    // LIST_ZIPLIST with a long string (> 253 bytes: 5-byte prevlen for the next entry).
    let long = vec![b'q'; 300];
    f.push(10);
    rdb::write_string(&mut f, b"l:zl", o);
    rdb::write_string(
        &mut f,
        &ziplist(&[b"a", &long, b"7", b"-100", b"70000", b"9000000000", b"300"]),
        o,
    );
    // LIST_QUICKLIST (v1): two ziplist nodes.
    f.push(14);
    rdb::write_string(&mut f, b"l:ql", o);
    rdb::write_len(&mut f, 2);
    rdb::write_string(&mut f, &ziplist(&[b"x", b"y"]), o);
    rdb::write_string(&mut f, &ziplist(&[b"z"]), o);
    // ZSET_ZIPLIST.
    f.push(12);
    rdb::write_string(&mut f, b"z:zl", o);
    rdb::write_string(&mut f, &ziplist(&[b"a", b"1", b"b", b"2.5"]), o);
    // HASH_ZIPLIST.
    f.push(13);
    rdb::write_string(&mut f, b"h:zl", o);
    rdb::write_string(&mut f, &ziplist(&[b"f", b"v", b"n", b"12"]), o);
    // HASH_ZIPMAP, with an expiry in seconds.
    f.push(0xFD);
    f.extend_from_slice(&1_900_000_000u32.to_le_bytes());
    f.push(9);
    rdb::write_string(&mut f, b"h:zm", o);
    rdb::write_string(
        &mut f,
        &[
            2, 3, b'f', b'o', b'o', 3, 0, b'b', b'a', b'r', 1, b'k', 1, 2, b'v', b'!', b'!', 255,
        ],
        o,
    );
    // ZSET (type 3) with string scores.
    f.push(3);
    rdb::write_string(&mut f, b"z:str", o);
    rdb::write_len(&mut f, 3);
    for (m, s) in [(&b"m1"[..], &b"1.5"[..]), (b"m2", b"-2"), (b"m3", b"inf")] {
        rdb::write_string(&mut f, m, o);
        f.push(s.len() as u8);
        f.extend_from_slice(s);
    }
    // Plain LIST (type 1) and SET (type 2).
    f.push(1);
    rdb::write_string(&mut f, b"l:plain", o);
    rdb::write_len(&mut f, 2);
    rdb::write_string(&mut f, b"p", o);
    rdb::write_string(&mut f, b"q", o);
    f.push(2);
    rdb::write_string(&mut f, b"s:plain", o);
    rdb::write_len(&mut f, 2);
    rdb::write_string(&mut f, b"b", o);
    rdb::write_string(&mut f, b"a", o);
    f.push(0xFF);
    let crc = cinnabar::persist::crc64::crc64(0, &f);
    f.extend_from_slice(&crc.to_le_bytes());

    let dbs = load(&f);
    let ks = &dbs[0].ks;
    let list = |k: &[u8]| match &ks.get(k).expect("key").value {
        Value::List(l) => l
            .iter()
            .map(|x| String::from_utf8_lossy(x).into_owned())
            .collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    let long_s = String::from_utf8(long).expect("ascii");
    assert_eq!(
        list(b"l:zl"),
        ["a", &long_s, "7", "-100", "70000", "9000000000", "300"]
    );
    assert_eq!(list(b"l:ql"), ["x", "y", "z"]);
    assert_eq!(list(b"l:plain"), ["p", "q"]);
    let zset = |k: &[u8]| match &ks.get(k).expect("key").value {
        Value::ZSet(z) => z
            .iter()
            .map(|(m, s)| (String::from_utf8_lossy(m).into_owned(), s))
            .collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        zset(b"z:zl"),
        [("a".to_string(), 1.0), ("b".to_string(), 2.5)]
    );
    assert_eq!(
        zset(b"z:str"),
        [
            ("m2".to_string(), -2.0),
            ("m1".to_string(), 1.5),
            ("m3".to_string(), f64::INFINITY)
        ]
    );
    let hash = |k: &[u8]| match &ks.get(k).expect("key").value {
        Value::Hash(h) => {
            let mut v: Vec<(String, String)> = h
                .iter()
                .map(|(f, v, _)| {
                    (
                        String::from_utf8_lossy(f).into_owned(),
                        String::from_utf8_lossy(v).into_owned(),
                    )
                })
                .collect();
            v.sort();
            v
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(
        hash(b"h:zl"),
        [("f".into(), "v".into()), ("n".into(), "12".into())]
    );
    assert_eq!(
        hash(b"h:zm"),
        [("foo".into(), "bar".into()), ("k".into(), "v".into())]
    );
    assert_eq!(ks.get(b"h:zm").expect("key").expire, 1_900_000_000_000);
    assert!(matches!(&ks.get(b"s:plain").expect("key").value, Value::Set(s) if s.len() == 2));
}

#[cfg(feature = "native")]
mod common;

#[cfg(feature = "native")]
#[test]
fn the_aof_bytes_are_pinned() {
    let dir = std::env::temp_dir().join(format!("cinnabar-golden-aof-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    let d = dir.display().to_string();
    let s = common::start_cinnabar(&[
        "--dir",
        &d,
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
    ]);
    let mut c = common::Conn::connect(s.port);
    for cmd in [
        vec!["SET", "k", "v"],
        vec!["SET", "t", "1", "PXAT", "4102444800000"],
        vec!["PEXPIREAT", "k", "4102444800000"],
        vec!["SELECT", "2"],
        vec!["RPUSH", "l", "a", "b"],
        vec!["MULTI"],
        vec!["INCRBY", "n", "5"],
        vec!["HSET", "h", "f", "v"],
        vec!["EXEC"],
        vec!["SELECT", "0"],
        vec!["DEL", "k", "missing"],
    ] {
        c.cmd(&cmd);
    }
    drop(s);
    let incr =
        std::fs::read(dir.join("appendonlydir").join("appendonly.aof.1.incr.aof")).expect("incr");
    let path = golden("appendonly.incr.aof");
    if std::env::var_os("CINNABAR_BLESS").is_some() {
        std::fs::write(&path, &incr).expect("bless");
    }
    let pinned = std::fs::read(&path).expect("golden aof");
    assert_eq!(
        String::from_utf8_lossy(&incr),
        String::from_utf8_lossy(&pinned)
    );
    let manifest =
        std::fs::read_to_string(dir.join("appendonlydir").join("appendonly.aof.manifest"))
            .expect("manifest");
    assert_eq!(
        manifest,
        "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
