//! Connection, server, CLIENT, CONFIG, INFO and COMMAND commands through
//! `Engine::execute` with a manual clock.

use cinnabar::clock::ManualClock;
use cinnabar::cmd::{ArgvBuf, ShutdownMode};
use cinnabar::rng::Rng;
use cinnabar::{ClientHandle, Config, Engine, Reply};

const T0: i64 = 1_700_000_000_123;

struct T {
    e: Engine,
    c: ClientHandle,
    clock: ManualClock,
}

impl T {
    fn new() -> T {
        T::with_config(Config::default())
    }

    fn with_config(cfg: Config) -> T {
        let clock = ManualClock::new(T0);
        let mut e = Engine::with_rng(cfg, Box::new(clock.clone()), Rng::seeded(7));
        let c = e.connect();
        T { e, c, clock }
    }

    fn on<B: AsRef<[u8]>>(&mut self, c: ClientHandle, parts: &[B]) -> Reply {
        let a = ArgvBuf::from_parts(parts.iter().map(|p| p.as_ref()));
        self.e.execute(c, &a.args())
    }

    fn run<B: AsRef<[u8]>>(&mut self, parts: &[B]) -> Reply {
        let c = self.c;
        self.on(c, parts)
    }

    fn int<B: AsRef<[u8]>>(&mut self, parts: &[B]) -> i64 {
        match self.run(parts) {
            Reply::Int(i) => i,
            other => panic!("expected an integer, got {other:?}"),
        }
    }

    fn err<B: AsRef<[u8]>>(&mut self, parts: &[B]) -> String {
        match self.run(parts) {
            Reply::Error(e) => e.into_owned(),
            other => panic!("expected an error, got {other:?}"),
        }
    }

    /// A bulk or verbatim reply as text.
    fn text<B: AsRef<[u8]>>(&mut self, parts: &[B]) -> String {
        match self.run(parts) {
            Reply::Bulk(b) | Reply::Verbatim(_, b) => String::from_utf8(b).expect("utf-8"),
            other => panic!("expected text, got {other:?}"),
        }
    }

    fn ok<B: AsRef<[u8]>>(&mut self, parts: &[B]) {
        assert_eq!(
            self.run(parts),
            Reply::Ok,
            "{:?}",
            parts
                .iter()
                .map(|p| String::from_utf8_lossy(p.as_ref()).into_owned())
                .collect::<Vec<_>>()
        );
    }

    /// One INFO field's value.
    fn info_field(&mut self, section: &str, field: &str) -> String {
        let info = self.text(&["INFO", section]);
        info.split("\r\n")
            .find_map(|l| l.strip_prefix(&format!("{field}:")))
            .unwrap_or_else(|| panic!("no {field} in INFO {section}"))
            .to_string()
    }
}

fn bulk(s: &str) -> Reply {
    Reply::bulk(s)
}

fn simple(s: &'static str) -> Reply {
    Reply::simple(s)
}

/// A map reply as (text key, value) pairs.
fn map_pairs(r: Reply) -> Vec<(String, Reply)> {
    match r {
        Reply::Map(p) => p
            .into_iter()
            .map(|(k, v)| match k {
                Reply::Bulk(b) => (String::from_utf8(b).expect("utf-8"), v),
                other => panic!("map key {other:?}"),
            })
            .collect(),
        other => panic!("expected a map, got {other:?}"),
    }
}

fn encode(r: &Reply, resp3: bool) -> String {
    let mut out = Vec::new();
    cinnabar::resp::encode(r, resp3, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

// --- connection -----------------------------------------------------------------

#[test]
fn ping_echo_and_arity() {
    let mut t = T::new();
    assert_eq!(t.run(&["PING"]), simple("PONG"));
    assert_eq!(t.run(&["ping", "hi"]), bulk("hi"));
    assert_eq!(
        t.err(&["PING", "a", "b"]),
        "ERR wrong number of arguments for 'ping' command"
    );
    assert_eq!(t.run(&["ECHO", "x y"]), bulk("x y"));
    assert_eq!(
        t.err(&["ECHO"]),
        "ERR wrong number of arguments for 'echo' command"
    );
}

#[test]
fn quit_closes_after_the_reply() {
    let mut t = T::new();
    let c = t.c;
    assert!(!t.e.session_mut(c).expect("session").close_after_reply);
    t.ok(&["QUIT"]);
    assert!(t.e.session_mut(c).expect("session").close_after_reply);
}

#[test]
fn select_switches_database_and_checks_range() {
    let mut t = T::new();
    t.ok(&["SET", "k", "0"]);
    t.ok(&["SELECT", "1"]);
    assert_eq!(t.run(&["GET", "k"]), Reply::Nil);
    assert_eq!(t.err(&["SELECT", "16"]), "ERR DB index is out of range");
    assert_eq!(t.err(&["SELECT", "-1"]), "ERR DB index is out of range");
    assert_eq!(
        t.err(&["SELECT", "x"]),
        "ERR value is not an integer or out of range"
    );
    assert_eq!(
        t.err(&["SELECT", "99999999999"]),
        "ERR value is out of range, value must between -2147483648 and 2147483647"
    );
    t.ok(&["SELECT", "0"]);
    assert_eq!(t.run(&["GET", "k"]), bulk("0"));
}

#[test]
fn swapdb_swaps_contents_and_validates() {
    let mut t = T::new();
    t.ok(&["SET", "a", "1"]);
    t.ok(&["SET", "b", "2"]);
    let dirty0 = t.e.state().dirty;
    t.ok(&["SWAPDB", "0", "3"]);
    assert_eq!(t.e.state().dirty, dirty0 + 1);
    assert_eq!(t.int(&["DBSIZE"]), 0);
    t.ok(&["SELECT", "3"]);
    assert_eq!(t.int(&["DBSIZE"]), 2);
    assert_eq!(t.run(&["GET", "a"]), bulk("1"));
    assert_eq!(t.err(&["SWAPDB", "x", "1"]), "ERR invalid first DB index");
    assert_eq!(t.err(&["SWAPDB", "0", "y"]), "ERR invalid second DB index");
    assert_eq!(
        t.err(&["SWAPDB", "99999999999", "0"]),
        "ERR invalid first DB index"
    );
    assert_eq!(
        t.err(&["SWAPDB", "0", "16"]),
        "ERR DB index is out of range"
    );
    assert_eq!(
        t.err(&["SWAPDB", "-1", "1"]),
        "ERR DB index is out of range"
    );
    t.ok(&["SWAPDB", "2", "2"]);
}

#[test]
fn flushdb_and_flushall_count_changes_and_propagate() {
    let mut t = T::new();
    t.e.enable_propagation();
    t.ok(&["SET", "a", "1"]);
    t.ok(&["SET", "b", "1"]);
    t.ok(&["SELECT", "1"]);
    t.ok(&["SET", "c", "1"]);
    t.e.take_propagated();
    let d = t.e.state().dirty;
    t.ok(&["FLUSHDB"]);
    assert_eq!(t.e.state().dirty, d + 1);
    assert_eq!(t.int(&["DBSIZE"]), 0);
    // An empty database is still flushed downstream.
    t.ok(&["FLUSHDB", "async"]);
    let p = t.e.take_propagated();
    assert_eq!(
        p,
        vec![
            vec![b"FLUSHDB".to_vec()],
            vec![b"FLUSHDB".to_vec(), b"async".to_vec()]
        ]
    );
    assert_eq!(t.err(&["FLUSHDB", "lazy"]), "ERR syntax error");
    assert_eq!(t.err(&["FLUSHALL", "sync", "async"]), "ERR syntax error");
    let d = t.e.state().dirty;
    t.ok(&["FLUSHALL", "SYNC"]);
    assert_eq!(t.e.state().dirty, d + 2);
    t.ok(&["SELECT", "0"]);
    assert_eq!(t.int(&["DBSIZE"]), 0);
    assert_eq!(
        t.e.take_propagated(),
        vec![vec![b"FLUSHALL".to_vec(), b"SYNC".to_vec()]]
    );
}

#[test]
fn flushall_counts_one_more_with_save_points() {
    let mut cfg = Config::default();
    cfg.set("save", "3600 1", false).expect("save");
    let mut t = T::with_config(cfg);
    let d = t.e.state().dirty;
    t.ok(&["FLUSHALL"]);
    assert_eq!(t.e.state().dirty, d + 1);
}

#[test]
fn time_comes_from_the_clock() {
    let mut t = T::new();
    assert_eq!(
        t.run(&["TIME"]),
        Reply::Array(vec![bulk("1700000000"), bulk("123000")])
    );
    t.clock.advance(1_000);
    assert_eq!(
        t.run(&["TIME"]),
        Reply::Array(vec![bulk("1700000001"), bulk("123000")])
    );
}

#[test]
fn hello_switches_protocol_and_describes_the_server() {
    let mut t = T::new();
    let id = t.int(&["CLIENT", "ID"]);
    let r = t.run(&["HELLO", "3"]);
    let pairs = map_pairs(r);
    let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "server", "version", "proto", "id", "mode", "role", "modules"
        ]
    );
    assert_eq!(pairs[0].1, bulk("redis"));
    assert_eq!(pairs[1].1, bulk(cinnabar::REDIS_VERSION));
    assert_eq!(pairs[2].1, Reply::Int(3));
    assert_eq!(pairs[3].1, Reply::Int(id));
    assert_eq!(pairs[4].1, bulk("standalone"));
    assert_eq!(pairs[5].1, bulk("master"));
    assert_eq!(pairs[6].1, Reply::Array(vec![]));
    assert!(t.text(&["CLIENT", "INFO"]).contains(" resp=3 "));
    // No version: report, keep the protocol.
    assert_eq!(map_pairs(t.run(&["HELLO"]))[2].1, Reply::Int(3));
    assert_eq!(
        map_pairs(t.run(&["HELLO", "2", "SETNAME", "me"]))[2].1,
        Reply::Int(2)
    );
    assert_eq!(t.run(&["CLIENT", "GETNAME"]), bulk("me"));
    assert_eq!(
        t.err(&["HELLO", "4"]),
        "NOPROTO unsupported protocol version"
    );
    assert_eq!(
        t.err(&["HELLO", "1"]),
        "NOPROTO unsupported protocol version"
    );
    assert_eq!(
        t.err(&["HELLO", "x"]),
        "ERR Protocol version is not an integer or out of range"
    );
    assert_eq!(
        t.err(&["HELLO", "2", "foo"]),
        "ERR Syntax error in HELLO option 'foo'"
    );
    assert_eq!(
        t.err(&["HELLO", "2", "AUTH", "a"]),
        "ERR Syntax error in HELLO option 'AUTH'"
    );
    assert_eq!(
        t.err(&["HELLO", "2", "SETNAME", "a b"]),
        "ERR Client names cannot contain spaces, newlines or special characters."
    );
    assert_eq!(
        t.err(&["HELLO", "2", "AUTH", "bob", "x"]),
        "WRONGPASS invalid username-password pair or user is disabled."
    );
    assert!(matches!(
        t.run(&["HELLO", "2", "AUTH", "default", "anything"]),
        Reply::Map(_)
    ));
}

#[test]
fn auth_without_a_password_configured() {
    let mut t = T::new();
    assert_eq!(
        t.err(&["AUTH", "x"]),
        "ERR AUTH <password> called without any password configured for the default user. \
         Are you sure your configuration is correct?"
    );
    t.ok(&["AUTH", "default", "whatever"]);
    assert_eq!(
        t.err(&["AUTH", "bob", "x"]),
        "WRONGPASS invalid username-password pair or user is disabled."
    );
    assert_eq!(t.err(&["AUTH", "a", "b", "c"]), "ERR syntax error");
}

#[test]
fn auth_with_requirepass_gates_commands() {
    let mut cfg = Config::default();
    cfg.set("requirepass", "s3cret", false)
        .expect("requirepass");
    let mut t = T::with_config(cfg);
    let c = t.c;
    t.e.session_mut(c).expect("session").authenticated = false;
    assert_eq!(t.err(&["GET", "k"]), "NOAUTH Authentication required.");
    assert_eq!(
        t.err(&["HELLO", "3"]),
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the \
         HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and \
         select the RESP protocol version at the same time"
    );
    assert_eq!(
        t.err(&["AUTH", "wrong"]),
        "WRONGPASS invalid username-password pair or user is disabled."
    );
    assert_eq!(t.err(&["GET", "k"]), "NOAUTH Authentication required.");
    t.ok(&["AUTH", "s3cret"]);
    assert_eq!(t.run(&["GET", "k"]), Reply::Nil);
    // RESET logs out again.
    assert_eq!(t.run(&["RESET"]), simple("RESET"));
    assert_eq!(t.err(&["GET", "k"]), "NOAUTH Authentication required.");
    assert_eq!(
        map_pairs(t.run(&["HELLO", "3", "AUTH", "default", "s3cret"]))[2].1,
        Reply::Int(3)
    );
    assert_eq!(t.run(&["GET", "k"]), Reply::Nil);
    t.ok(&["AUTH", "default", "s3cret"]);
}

#[test]
fn reset_restores_a_fresh_connection() {
    let mut t = T::new();
    t.ok(&["SELECT", "5"]);
    t.ok(&["CLIENT", "SETNAME", "n"]);
    t.ok(&["CLIENT", "SETINFO", "lib-name", "redis-py"]);
    t.ok(&["CLIENT", "NO-EVICT", "on"]);
    t.run(&["HELLO", "3"]);
    assert_eq!(t.run(&["RESET"]), simple("RESET"));
    let line = t.text(&["CLIENT", "INFO"]);
    assert!(line.contains(" name= "), "{line}");
    assert!(line.contains(" db=0 "), "{line}");
    assert!(line.contains(" flags=N "), "{line}");
    assert!(line.contains(" resp=2 "), "{line}");
    assert!(line.contains(" lib-name=redis-py "), "{line}");
}

#[test]
fn shutdown_asks_the_host() {
    let mut t = T::new();
    assert_eq!(t.err(&["SHUTDOWN", "foo"]), "ERR syntax error");
    assert_eq!(t.err(&["SHUTDOWN", "SAVE", "NOSAVE"]), "ERR syntax error");
    assert_eq!(t.err(&["SHUTDOWN", "NOW", "ABORT"]), "ERR syntax error");
    assert_eq!(
        t.err(&["SHUTDOWN", "ABORT"]),
        "ERR No shutdown in progress."
    );
    assert_eq!(t.e.take_events().shutdown, None);
    t.ok(&["SHUTDOWN", "NOSAVE", "NOW", "FORCE"]);
    assert_eq!(t.e.take_events().shutdown, Some(ShutdownMode::NoSave));
    t.ok(&["SHUTDOWN", "save"]);
    assert_eq!(t.e.take_events().shutdown, Some(ShutdownMode::Save));
    t.ok(&["SHUTDOWN"]);
    assert_eq!(t.e.take_events().shutdown, Some(ShutdownMode::Default));
}

// --- CLIENT -----------------------------------------------------------------------

const CLIENT_FIELDS: &[&str] = &[
    "id",
    "addr",
    "laddr",
    "fd",
    "name",
    "age",
    "idle",
    "flags",
    "db",
    "sub",
    "psub",
    "ssub",
    "multi",
    "qbuf",
    "qbuf-free",
    "argv-mem",
    "multi-mem",
    "rbs",
    "rbp",
    "obl",
    "oll",
    "omem",
    "tot-mem",
    "events",
    "cmd",
    "user",
    "redir",
    "resp",
    "lib-name",
    "lib-ver",
];

fn fields(line: &str) -> Vec<(&str, &str)> {
    line.trim_end_matches('\n')
        .split(' ')
        .map(|f| f.split_once('=').expect("field=value"))
        .collect()
}

#[test]
fn client_names_ids_and_info() {
    let mut t = T::new();
    let id = t.int(&["CLIENT", "ID"]);
    assert_eq!(t.run(&["CLIENT", "GETNAME"]), Reply::Nil);
    t.ok(&["CLIENT", "SETNAME", "worker-1"]);
    assert_eq!(t.run(&["CLIENT", "GETNAME"]), bulk("worker-1"));
    for bad in ["a b", "a\nb", "é"] {
        assert_eq!(
            t.err(&["CLIENT", "SETNAME", bad]),
            "ERR Client names cannot contain spaces, newlines or special characters."
        );
    }
    t.ok(&["CLIENT", "SETNAME", ""]);
    assert_eq!(t.run(&["CLIENT", "GETNAME"]), Reply::Nil);

    t.ok(&["CLIENT", "SETINFO", "LIB-NAME", "redis-py"]);
    t.ok(&["CLIENT", "SETINFO", "lib-ver", "5.0.1"]);
    assert_eq!(
        t.err(&["CLIENT", "SETINFO", "foo", "1"]),
        "ERR Unrecognized option 'foo'"
    );
    assert_eq!(
        t.err(&["CLIENT", "SETINFO", "lib-name", "a b"]),
        "ERR lib-name cannot contain spaces, newlines or special characters."
    );
    t.ok(&["CLIENT", "NO-EVICT", "ON"]);
    t.ok(&["CLIENT", "NO-TOUCH", "on"]);
    assert_eq!(t.err(&["CLIENT", "NO-EVICT", "maybe"]), "ERR syntax error");

    t.clock.advance(3_000);
    let r = t.run(&["CLIENT", "INFO"]);
    assert!(matches!(r, Reply::Verbatim("txt", _)));
    let line = t.text(&["CLIENT", "INFO"]);
    assert!(line.ends_with('\n'));
    let f = fields(&line);
    let names: Vec<&str> = f.iter().map(|(k, _)| *k).collect();
    assert_eq!(names, CLIENT_FIELDS);
    let get = |k: &str| {
        f.iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| *v)
            .expect("field")
    };
    assert_eq!(get("id"), id.to_string());
    assert_eq!(get("age"), "3");
    assert_eq!(get("idle"), "0");
    assert_eq!(get("flags"), "eT");
    assert_eq!(get("cmd"), "client|info");
    assert_eq!(get("user"), "default");
    assert_eq!(get("resp"), "2");
    assert_eq!(get("lib-name"), "redis-py");
    assert_eq!(get("lib-ver"), "5.0.1");
    assert_eq!(get("argv-mem"), "10");
    assert_eq!(
        t.err(&["CLIENT", "nosuch"]),
        "ERR unknown subcommand 'nosuch'. Try CLIENT HELP."
    );
    assert_eq!(
        t.err(&["CLIENT"]),
        "ERR wrong number of arguments for 'client' command"
    );
    assert!(matches!(t.run(&["CLIENT", "HELP"]), Reply::Array(v) if v.len() > 4));
}

#[test]
fn client_list_orders_by_id_and_filters() {
    let mut t = T::new();
    let other = t.e.connect();
    let third = t.e.connect();
    t.on(other, &["SELECT", "2"]);
    t.e.disconnect(third);
    let me = t.int(&["CLIENT", "ID"]);
    let list = t.text(&["CLIENT", "LIST"]);
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with(&format!("id={me} ")));
    assert!(lines[1].starts_with(&format!("id={} ", other.id)));
    assert!(lines[1].contains(" db=2 ") && lines[1].contains(" cmd=select "));
    assert!(lines[1].contains(" argv-mem=0 "));

    let by_id = t.text(&[
        "CLIENT",
        "LIST",
        "ID",
        &other.id.to_string(),
        "999",
        &me.to_string(),
    ]);
    let ids: Vec<&str> = by_id.lines().map(|l| fields(l)[0].1).collect();
    assert_eq!(ids, [other.id.to_string(), me.to_string()]);
    assert_eq!(
        t.text(&["CLIENT", "LIST", "TYPE", "normal"])
            .lines()
            .count(),
        2
    );
    assert_eq!(t.text(&["CLIENT", "LIST", "TYPE", "pubsub"]), "");
    assert_eq!(
        t.err(&["CLIENT", "LIST", "TYPE", "bogus"]),
        "ERR Unknown client type 'bogus'"
    );
    assert_eq!(
        t.err(&["CLIENT", "LIST", "ID", "x"]),
        "ERR Invalid client ID"
    );
    assert_eq!(t.err(&["CLIENT", "LIST", "ID"]), "ERR syntax error");
    assert_eq!(t.err(&["CLIENT", "LIST", "foo"]), "ERR syntax error");
}

#[test]
fn client_kill_reports_victims_to_the_host() {
    let mut t = T::new();
    let other = t.e.connect();
    let me = t.c;
    t.e.session_mut(other).expect("other").addr = "10.0.0.2:5000".into();
    t.e.session_mut(me).expect("me").addr = "10.0.0.1:4000".into();

    assert_eq!(t.int(&["CLIENT", "KILL", "ID", "999"]), 0);
    assert!(t.e.take_events().kill.is_empty());
    assert_eq!(t.int(&["CLIENT", "KILL", "ID", &other.id.to_string()]), 1);
    assert_eq!(t.e.take_events().kill, vec![other.id]);
    // SKIPME yes (the default) spares the caller.
    assert_eq!(t.int(&["CLIENT", "KILL", "TYPE", "normal"]), 1);
    assert_eq!(t.e.take_events().kill, vec![other.id]);
    assert!(!t.e.session_mut(me).expect("me").close_after_reply);
    // Old form.
    t.ok(&["CLIENT", "KILL", "10.0.0.2:5000"]);
    assert_eq!(t.e.take_events().kill, vec![other.id]);
    assert_eq!(
        t.err(&["CLIENT", "KILL", "1.2.3.4:5"]),
        "ERR No such client"
    );
    assert_eq!(t.int(&["CLIENT", "KILL", "ADDR", "1.2.3.4:5"]), 0);
    // Errors.
    assert_eq!(
        t.err(&["CLIENT", "KILL", "ID", "x"]),
        "ERR client-id should be greater than 0"
    );
    assert_eq!(
        t.err(&["CLIENT", "KILL", "ID", "0"]),
        "ERR client-id should be greater than 0"
    );
    assert_eq!(
        t.err(&["CLIENT", "KILL", "TYPE", "bogus"]),
        "ERR Unknown client type 'bogus'"
    );
    assert_eq!(
        t.err(&["CLIENT", "KILL", "USER", "nobody"]),
        "ERR No such user 'nobody'"
    );
    assert_eq!(
        t.err(&["CLIENT", "KILL", "SKIPME", "maybe"]),
        "ERR syntax error"
    );
    assert_eq!(t.err(&["CLIENT", "KILL", "foo", "bar"]), "ERR syntax error");
    assert_eq!(
        t.err(&["CLIENT", "KILL", "ID", "1", "TYPE"]),
        "ERR syntax error"
    );
    assert!(t.e.take_events().kill.is_empty());
    // Killing oneself: closes after the reply.
    assert_eq!(
        t.int(&["CLIENT", "KILL", "USER", "default", "SKIPME", "no"]),
        2
    );
    assert_eq!(t.e.take_events().kill, vec![other.id]);
    assert!(t.e.session_mut(me).expect("me").close_after_reply);
}

// --- CONFIG -----------------------------------------------------------------------

#[test]
fn config_set_and_get_values() {
    let mut t = T::new();
    t.ok(&["CONFIG", "SET", "maxmemory", "1mb"]);
    assert_eq!(
        t.run(&["CONFIG", "GET", "maxmemory"]),
        Reply::Map(vec![(bulk("maxmemory"), bulk("1048576"))])
    );
    assert_eq!(t.e.state().config.maxmemory, 1 << 20);
    for (v, want) in [
        ("1GB", "1073741824"),
        ("10k", "10000"),
        ("12Kb", "12288"),
        ("12B", "12"),
        ("0", "0"),
    ] {
        t.ok(&["CONFIG", "SET", "maxmemory", v]);
        assert_eq!(
            t.run(&["CONFIG", "GET", "maxmemory"]),
            Reply::Map(vec![(bulk("maxmemory"), bulk(want))])
        );
    }
    t.ok(&["CONFIG", "SET", "maxmemory-policy", "ALLKEYS-LRU"]);
    assert_eq!(
        t.run(&["CONFIG", "GET", "maxmemory-policy"]),
        Reply::Map(vec![(bulk("maxmemory-policy"), bulk("allkeys-lru"))])
    );
    // Names are echoed as given for direct lookups; duplicates are folded.
    assert_eq!(
        t.run(&["CONFIG", "GET", "MAXMEMORY", "maxmemory"]),
        Reply::Map(vec![(bulk("MAXMEMORY"), bulk("0"))])
    );
    assert_eq!(t.run(&["CONFIG", "GET", "nosuch"]), Reply::Map(vec![]));
    // Aliases.
    t.ok(&["CONFIG", "SET", "Hash-Max-Ziplist-Entries", "100"]);
    assert_eq!(
        t.run(&["CONFIG", "GET", "hash-max-listpack-entries"]),
        Reply::Map(vec![(bulk("hash-max-listpack-entries"), bulk("100"))])
    );
    let names: Vec<String> = map_pairs(t.run(&["CONFIG", "GET", "hash-max-*"]))
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        [
            "hash-max-listpack-entries",
            "hash-max-listpack-value",
            "hash-max-ziplist-entries",
            "hash-max-ziplist-value"
        ]
    );
    // RESP2 flattens the map into pairs.
    let r = t.run(&["CONFIG", "GET", "maxmemory"]);
    assert_eq!(encode(&r, false), "*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n");
    assert_eq!(encode(&r, true), "%1\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n");
    // hz is clamped into 1..=500 as Redis does.
    t.ok(&["CONFIG", "SET", "hz", "100000"]);
    assert_eq!(
        t.run(&["CONFIG", "GET", "hz"]),
        Reply::Map(vec![(bulk("hz"), bulk("500"))])
    );
    t.ok(&["CONFIG", "SET", "hz", "0"]);
    assert_eq!(t.e.state().config.hz, 1);
}

#[test]
fn config_set_errors_and_atomicity() {
    let mut t = T::new();
    let failed = |arg: &str, why: &str| {
        format!("ERR CONFIG SET failed (possibly related to argument '{arg}') - {why}")
    };
    assert_eq!(
        t.err(&["CONFIG", "SET", "nope", "1"]),
        "ERR Unknown option or number of arguments for CONFIG SET - 'nope'"
    );
    assert_eq!(
        t.err(&["CONFIG", "SET", "port", "1"]),
        failed("port", "can't set immutable config")
    );
    assert_eq!(
        t.err(&["CONFIG", "SET", "dir", "/tmp"]),
        failed("dir", "can't set protected config")
    );
    assert_eq!(
        t.err(&["CONFIG", "SET", "hz", "10", "HZ", "11"]),
        failed("HZ", "duplicate parameter")
    );
    assert_eq!(
        t.err(&["CONFIG", "SET", "maxmemory", "1xb"]),
        failed("maxmemory", "argument must be a memory value")
    );
    assert_eq!(
        t.err(&["CONFIG", "SET", "maxmemory", "-1"]),
        failed("maxmemory", "argument must be a memory value")
    );
    assert_eq!(
        t.err(&["CONFIG", "SET", "hz", "abc"]),
        failed("hz", "argument couldn't be parsed into an integer")
    );
    assert_eq!(
        t.err(&["CONFIG", "SET", "hz", "+5"]),
        failed("hz", "argument couldn't be parsed into an integer")
    );
    assert_eq!(
        t.err(&["CONFIG", "SET", "hz", "-1"]),
        failed("hz", "argument must be between 0 and 2147483647 inclusive")
    );
    assert_eq!(
        t.err(&["CONFIG", "SET", "appendonly", "maybe"]),
        failed("appendonly", "argument must be 'yes' or 'no'")
    );
    assert_eq!(
        t.err(&["CONFIG", "SET", "maxmemory-policy", "foo"]),
        failed(
            "maxmemory-policy",
            "argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, \
             volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction"
        )
    );
    assert_eq!(
        t.err(&["CONFIG", "SET", "hz", "1", "x"]),
        "ERR syntax error"
    );
    assert_eq!(
        t.err(&["CONFIG", "SET", "hz"]),
        "ERR wrong number of arguments for 'config|set' command"
    );
    // The first problem in argument order wins.
    assert_eq!(
        t.err(&["CONFIG", "SET", "nope", "1", "port", "x"]),
        "ERR Unknown option or number of arguments for CONFIG SET - 'nope'"
    );
    assert_eq!(
        t.err(&["CONFIG", "SET", "maxmemory", "bad", "databases", "1"]),
        failed("databases", "can't set immutable config")
    );
    // Nothing is applied when any value is bad.
    assert_eq!(
        t.err(&["CONFIG", "SET", "hz", "20", "maxmemory", "bad"]),
        failed("maxmemory", "argument must be a memory value")
    );
    assert_eq!(t.e.state().config.hz, 10);
    t.ok(&["CONFIG", "SET", "hz", "20", "maxmemory", "2mb"]);
    assert_eq!(t.e.state().config.hz, 20);
    assert_eq!(t.e.state().config.maxmemory, 2 << 20);
}

#[test]
fn config_resetstat_rewrite_help() {
    let mut t = T::new();
    t.run(&["GET", "missing"]);
    assert_ne!(t.info_field("stats", "keyspace_misses"), "0");
    t.ok(&["CONFIG", "RESETSTAT"]);
    assert_eq!(t.info_field("stats", "keyspace_misses"), "0");
    // RESETSTAT itself and the INFO above were counted after the reset.
    assert_eq!(t.info_field("stats", "total_commands_processed"), "2");
    assert_eq!(
        t.err(&["CONFIG", "REWRITE"]),
        "ERR The server is running without a config file"
    );
    t.e.state_mut()
        .host_info
        .push(("config_file".into(), "/etc/cinnabar.conf".into()));
    // The rewrite goes through the host's file access (here an in-memory file).
    struct MemFiles(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);
    impl cinnabar::ops::FileHost for MemFiles {
        fn read(&mut self, _path: &str) -> Result<Vec<u8>, String> {
            Ok(self.0.borrow().clone())
        }
        fn write(&mut self, _path: &str, data: &[u8]) -> Result<(), String> {
            *self.0.borrow_mut() = data.to_vec();
            Ok(())
        }
    }
    let file = std::rc::Rc::new(std::cell::RefCell::new(b"# mine\nhz 10\n".to_vec()));
    t.e.state_mut().ops.files = Some(Box::new(MemFiles(file.clone())));
    t.ok(&["CONFIG", "SET", "hz", "20"]);
    t.ok(&["CONFIG", "REWRITE"]);
    assert!(String::from_utf8_lossy(&file.borrow()).starts_with("# mine\nhz 20\n"));
    assert!(matches!(t.run(&["CONFIG", "HELP"]), Reply::Array(v) if v.len() > 4));
    assert_eq!(
        t.err(&["CONFIG", "foo"]),
        "ERR unknown subcommand 'foo'. Try CONFIG HELP."
    );
}

// --- INFO -------------------------------------------------------------------------

fn section_names(info: &str) -> Vec<&str> {
    info.split("\r\n")
        .filter_map(|l| l.strip_prefix("# "))
        .collect()
}

#[test]
fn info_sections_and_layout() {
    let mut t = T::new();
    let default = t.text(&["INFO"]);
    assert_eq!(
        section_names(&default),
        [
            "Server",
            "Clients",
            "Memory",
            "Persistence",
            "Stats",
            "Replication",
            "CPU",
            "Modules",
            "Errorstats",
            "Cluster",
            "Keyspace"
        ]
    );
    assert!(matches!(t.run(&["INFO"]), Reply::Verbatim("txt", _)));
    assert!(default.ends_with("\r\n"));
    // Sections are separated by one blank line.
    assert!(default.contains("\r\n\r\n# Clients\r\n"));
    assert_eq!(t.text(&["INFO", "default"]).len(), default.len());
    let all = t.text(&["INFO", "all"]);
    assert!(section_names(&all).contains(&"Commandstats"));
    assert!(section_names(&all).contains(&"Latencystats"));
    assert_eq!(
        section_names(&t.text(&["INFO", "everything"])),
        section_names(&all)
    );
    assert_eq!(
        section_names(&t.text(&["INFO", "KEYSPACE", "server"])),
        ["Server", "Keyspace"]
    );
    assert_eq!(t.text(&["INFO", "nosuch"]), "");

    assert_eq!(
        t.info_field("server", "redis_version"),
        cinnabar::REDIS_VERSION
    );
    assert_eq!(t.info_field("server", "redis_mode"), "standalone");
    assert_eq!(t.info_field("server", "run_id").len(), 40);
    assert_eq!(t.info_field("server", "uptime_in_seconds"), "0");
    t.clock.advance(90_061_000);
    assert_eq!(t.info_field("server", "uptime_in_seconds"), "90061");
    assert_eq!(t.info_field("server", "uptime_in_days"), "1");
    t.e.state_mut()
        .host_info
        .push(("tcp_port".into(), "7777".into()));
    assert_eq!(t.info_field("server", "tcp_port"), "7777");
    assert_eq!(t.info_field("replication", "role"), "master");
    assert_eq!(t.info_field("cluster", "cluster_enabled"), "0");
}

#[test]
fn info_reports_clients_memory_persistence_stats_keyspace() {
    let mut t = T::new();
    let _other = t.e.connect();
    assert_eq!(t.info_field("clients", "connected_clients"), "2");
    let used: u64 = t
        .info_field("memory", "used_memory")
        .parse()
        .expect("number");
    assert!(used >= 1 << 20);
    let human = t.info_field("memory", "used_memory_human");
    assert!(human.ends_with('M') && human.contains('.'), "{human}");
    let peak: u64 = t
        .info_field("memory", "used_memory_peak")
        .parse()
        .expect("number");
    assert!(peak >= used);
    assert_eq!(t.info_field("memory", "maxmemory_human"), "0B");
    t.ok(&["CONFIG", "SET", "maxmemory", "100mb"]);
    assert_eq!(t.info_field("memory", "maxmemory"), "104857600");
    assert_eq!(t.info_field("memory", "maxmemory_human"), "100.00M");
    assert_eq!(t.info_field("memory", "maxmemory_policy"), "noeviction");

    let d0: u64 = t
        .info_field("persistence", "rdb_changes_since_last_save")
        .parse()
        .expect("n");
    t.ok(&["SET", "a", "1"]);
    t.ok(&["SET", "b", "1"]);
    t.run(&["PEXPIRE", "b", "100000"]);
    let d1: u64 = t
        .info_field("persistence", "rdb_changes_since_last_save")
        .parse()
        .expect("n");
    assert!(d1 >= d0 + 2);
    assert_eq!(t.info_field("persistence", "loading"), "0");
    assert_eq!(t.info_field("persistence", "aof_enabled"), "0");

    t.run(&["GET", "a"]);
    t.run(&["GET", "zz"]);
    assert_eq!(t.info_field("stats", "keyspace_hits"), "1");
    assert_eq!(t.info_field("stats", "keyspace_misses"), "1");
    t.run(&["NOSUCHCOMMAND"]);
    assert_eq!(t.info_field("stats", "total_error_replies"), "1");
    assert_eq!(t.info_field("stats", "total_connections_received"), "2");

    let expires = if t.run(&["TTL", "b"]) == Reply::Int(100) {
        1
    } else {
        0
    };
    assert_eq!(
        t.info_field("keyspace", "db0"),
        format!("keys=2,expires={expires},avg_ttl=0")
    );
    t.ok(&["SELECT", "3"]);
    t.ok(&["SET", "x", "1"]);
    let ks = t.text(&["INFO", "keyspace"]);
    assert!(
        ks.contains("\r\ndb3:keys=1,expires=0,avg_ttl=0\r\n"),
        "{ks}"
    );
    assert!(!ks.contains("db1:"));
}

// --- COMMAND ----------------------------------------------------------------------

fn flat(r: &Reply) -> String {
    match r {
        Reply::Bulk(b) => String::from_utf8_lossy(b).into_owned(),
        Reply::Simple(s) => s.to_string(),
        Reply::Int(i) => i.to_string(),
        Reply::Nil | Reply::NilArray => "nil".into(),
        Reply::Array(v) | Reply::Set(v) => {
            format!("[{}]", v.iter().map(flat).collect::<Vec<_>>().join(" "))
        }
        Reply::Map(p) => format!(
            "{{{}}}",
            p.iter()
                .map(|(k, v)| format!("{}={}", flat(k), flat(v)))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        other => format!("{other:?}"),
    }
}

#[test]
fn command_info_matches_redis_layout() {
    let mut t = T::new();
    let get = t.run(&["COMMAND", "INFO", "get"]);
    assert_eq!(
        flat(&get),
        "[[get 2 [readonly fast] 1 1 1 [@read @string @fast] [] \
         [{flags=[RO access] begin_search={type=index spec={index=1}} \
         find_keys={type=range spec={lastkey=0 keystep=1 limit=0}}}] []]]"
    );
    assert_eq!(
        flat(&t.run(&["COMMAND", "INFO", "SET"])),
        "[[set -3 [write denyoom] 1 1 1 [@write @string @slow] [] \
         [{flags=[RW access update variable_flags] begin_search={type=index spec={index=1}} \
         find_keys={type=range spec={lastkey=0 keystep=1 limit=0}}}] []]]"
    );
    // RESP2 shape: flags are simple strings, an empty subcommand list is an empty array.
    let mut raw = Vec::new();
    cinnabar::resp::encode(&get, false, &mut raw);
    let raw = String::from_utf8(raw).expect("utf-8");
    assert!(raw.starts_with("*1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n"), "{raw}");
    assert!(raw.ends_with("*0\r\n"));
    assert_eq!(
        t.run(&["COMMAND", "INFO", "nosuch", "get|key"]),
        Reply::Array(vec![Reply::Nil, Reply::Nil])
    );
    // A subcommand by full name, and a container with its subcommands.
    let cg = flat(&t.run(&["COMMAND", "INFO", "CONFIG|GET"]));
    assert!(
        cg.starts_with(
            "[[config|get -3 [admin noscript loading stale] 0 0 0 [@admin @slow @dangerous]"
        ),
        "{cg}"
    );
    let client = flat(&t.run(&["COMMAND", "INFO", "client"]));
    assert!(
        client.starts_with("[[client -2 [] 0 0 0 [@slow] [] [] [[client|caching 3"),
        "{client}"
    );
    assert_eq!(
        t.int(&["COMMAND", "COUNT"]),
        match t.run(&["COMMAND"]) {
            Reply::Array(v) => v.len() as i64,
            other => panic!("{other:?}"),
        }
    );
}

#[test]
fn command_getkeys() {
    let mut t = T::new();
    let keys = |t: &mut T, parts: &[&str]| flat(&t.run(parts));
    assert_eq!(keys(&mut t, &["COMMAND", "GETKEYS", "get", "k"]), "[k]");
    assert_eq!(
        keys(&mut t, &["COMMAND", "GETKEYS", "set", "k", "v", "EX", "10"]),
        "[k]"
    );
    assert_eq!(
        keys(&mut t, &["COMMAND", "GETKEYS", "del", "a", "b"]),
        "[a b]"
    );
    assert_eq!(
        keys(
            &mut t,
            &["COMMAND", "GETKEYSANDFLAGS", "set", "a", "b", "get"]
        ),
        "[[a [RW access update]]]"
    );
    assert_eq!(
        keys(&mut t, &["COMMAND", "GETKEYSANDFLAGS", "set", "a", "b"]),
        "[[a [OW update]]]"
    );
    assert_eq!(
        t.err(&["COMMAND", "GETKEYS", "nosuch", "a"]),
        "ERR Invalid command specified"
    );
    assert_eq!(
        t.err(&["COMMAND", "GETKEYS", "client", "nosuch"]),
        "ERR Invalid command specified"
    );
    assert_eq!(
        t.err(&["COMMAND", "GETKEYS", "client", "list"]),
        "ERR The command has no key arguments"
    );
    assert_eq!(
        t.err(&["COMMAND", "GETKEYS", "get", "a", "b"]),
        "ERR Invalid number of arguments specified for command"
    );
    // The 7.2 spec's arity (-3) lets a bare command name through to the arity check of
    // the command itself (Redis 7.0 declared -4).
    assert_eq!(
        t.err(&["COMMAND", "GETKEYS", "get"]),
        "ERR Invalid number of arguments specified for command"
    );
    assert_eq!(
        t.err(&["COMMAND", "GETKEYS"]),
        "ERR wrong number of arguments for 'command|getkeys' command"
    );
}

#[test]
fn command_docs_and_list() {
    let mut t = T::new();
    assert_eq!(
        flat(&t.run(&["COMMAND", "DOCS", "get"])),
        "{get={summary= since=1.0.0 group=string arguments=[{name=key type=key display_text=key key_spec_index=0}]}}"
    );
    assert_eq!(t.run(&["COMMAND", "DOCS", "nosuch"]), Reply::Map(vec![]));
    let kill = flat(&t.run(&["COMMAND", "DOCS", "client|kill"]));
    assert!(
        kill.contains("{name=old-format type=string display_text=ip:port deprecated_since=2.8.12}"),
        "{kill}"
    );
    // Valkey-only additions (newer than the Redis version we report) are left out.
    assert!(!kill.contains("maxage"), "{kill}");
    assert!(
        kill.contains("{name=skipme type=oneof token=SKIPME flags=[optional]"),
        "{kill}"
    );

    let list = flat(&t.run(&["COMMAND", "LIST"]));
    assert!(
        list.contains(" client|list ") && list.contains(" get "),
        "{list}"
    );
    assert_eq!(
        flat(&t.run(&["COMMAND", "LIST", "FILTERBY", "PATTERN", "cl*|l*"])),
        "[client|list]"
    );
    assert_eq!(
        flat(&t.run(&["COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch"])),
        "[]"
    );
    assert_eq!(
        flat(&t.run(&["COMMAND", "LIST", "FILTERBY", "MODULE", "x"])),
        "[]"
    );
    let conn = flat(&t.run(&["COMMAND", "LIST", "FILTERBY", "ACLCAT", "CONNECTION"]));
    assert!(conn.contains(" ping ") && !conn.contains(" get "), "{conn}");
    assert_eq!(t.err(&["COMMAND", "LIST", "foo"]), "ERR syntax error");
    assert_eq!(
        t.err(&["COMMAND", "LIST", "FILTERBY", "foo", "x"]),
        "ERR syntax error"
    );
    assert!(matches!(t.run(&["COMMAND", "HELP"]), Reply::Array(v) if v.len() > 4));
}

#[test]
fn reset_leaves_transactions_watches_and_subscriptions() {
    let mut t = T::new();
    t.ok(&["WATCH", "w"]);
    t.ok(&["MULTI"]);
    assert_eq!(t.run(&["RESET"]), simple("RESET"));
    assert_eq!(t.err(&["EXEC"]), "ERR EXEC without MULTI");
    t.run(&["SUBSCRIBE", "ch"]);
    t.run(&["PSUBSCRIBE", "p*"]);
    assert_eq!(t.run(&["RESET"]), simple("RESET"));
    let line = t.text(&["CLIENT", "INFO"]);
    assert!(
        line.contains(" flags=N ") && line.contains(" sub=0 psub=0 "),
        "{line}"
    );
    assert_eq!(
        t.run(&["PUBSUB", "NUMSUB", "ch"]),
        Reply::Array(vec![bulk("ch"), Reply::Int(0)])
    );
    assert_eq!(t.int(&["PUBSUB", "NUMPAT"]), 0);
    assert_eq!(t.info_field("stats", "pubsub_channels"), "0");
}

#[test]
fn ping_in_subscribed_context() {
    let mut t = T::new();
    t.run(&["SUBSCRIBE", "ch"]);
    assert_eq!(t.run(&["PING"]), Reply::Array(vec![bulk("pong"), bulk("")]));
    assert_eq!(
        t.run(&["PING", "x"]),
        Reply::Array(vec![bulk("pong"), bulk("x")])
    );
    // RESP3 clients get the ordinary replies.
    let mut t = T::new();
    t.run(&["HELLO", "3"]);
    t.run(&["SUBSCRIBE", "ch"]);
    assert_eq!(t.run(&["PING"]), simple("PONG"));
}

#[test]
fn client_list_shows_transactions_and_subscriptions() {
    let mut t = T::new();
    let other = t.e.connect();
    t.on(other, &["MULTI"]);
    t.on(other, &["SET", "a", "1"]);
    t.on(other, &["GET", "a"]);
    let line = t.text(&["CLIENT", "LIST", "ID", &other.id.to_string()]);
    assert!(
        line.contains(" flags=x ") && line.contains(" multi=2 "),
        "{line}"
    );
    // Bytes of `SET a 1` and `GET a`, plus a pointer per argument, as Redis counts.
    let mem = 9 + 5 * size_of::<usize>();
    assert!(line.contains(&format!(" multi-mem={mem} ")), "{line}");
    t.on(other, &["DISCARD"]);
    t.on(other, &["SUBSCRIBE", "a", "b"]);
    t.on(other, &["PSUBSCRIBE", "c*"]);
    let line = t.text(&["CLIENT", "LIST", "TYPE", "pubsub"]);
    assert!(line.starts_with(&format!("id={} ", other.id)), "{line}");
    assert!(
        line.contains(" flags=P ") && line.contains(" sub=2 psub=1 ssub=0 multi=-1 "),
        "{line}"
    );
    assert_eq!(t.int(&["CLIENT", "KILL", "TYPE", "pubsub"]), 1);
    assert_eq!(t.e.take_events().kill, vec![other.id]);
    assert_eq!(t.info_field("stats", "pubsub_channels"), "2");
    assert_eq!(t.info_field("stats", "pubsub_patterns"), "1");
}

#[test]
fn swapdb_serves_clients_blocked_on_keys_it_brings_in() {
    let mut t = T::new();
    let waiter = t.e.connect();
    t.e.session_mut(waiter).expect("waiter").can_block = true;
    let argv = ArgvBuf::from_parts(["BLPOP", "q", "0"]);
    let mut out = Vec::new();
    let exec = t.e.execute_encoded(waiter, &argv.args(), &mut out);
    assert!(matches!(exec, cinnabar::engine::Exec::Blocked));
    // The list appears in database 1, then moves into database 0 by SWAPDB.
    t.ok(&["SELECT", "1"]);
    t.int(&["RPUSH", "q", "x"]);
    assert!(t.e.serve_blocked().is_empty());
    t.ok(&["SWAPDB", "0", "1"]);
    let served = t.e.serve_blocked();
    assert_eq!(served.len(), 1);
    assert_eq!(served[0].0, waiter);
    assert_eq!(
        String::from_utf8_lossy(&served[0].1),
        "*2\r\n$1\r\nq\r\n$1\r\nx\r\n"
    );
}
