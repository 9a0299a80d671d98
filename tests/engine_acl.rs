//! ACL users, AUTH, permissions and the ACL log through `Engine::execute` with a
//! manual clock.
//!
//! The sweeps at the top walk the whole command table: an unauthenticated client can
//! run nothing but the `no_auth` commands, and key patterns hold for every command
//! that names keys (positions from the key specs), before any handler runs.

use cinnabar::clock::ManualClock;
use cinnabar::cmd::keyspec::command_keys;
use cinnabar::cmd::spec_types::F_NO_AUTH;
use cinnabar::cmd::{ArgvBuf, table};
use cinnabar::rng::Rng;
use cinnabar::{ClientHandle, Config, Engine, Reply};

const T0: i64 = 1_700_000_000_000;

struct T {
    e: Engine,
    admin: ClientHandle,
    clock: ManualClock,
}

impl T {
    fn new() -> T {
        T::with_config(Config::default())
    }

    fn with_config(cfg: Config) -> T {
        let clock = ManualClock::new(T0);
        let mut e = Engine::with_rng(cfg, Box::new(clock.clone()), Rng::seeded(1));
        let admin = e.connect();
        T { e, admin, clock }
    }

    fn on<B: AsRef<[u8]>>(&mut self, c: ClientHandle, parts: &[B]) -> Reply {
        let a = ArgvBuf::from_parts(parts.iter().map(|p| p.as_ref()));
        self.e.execute(c, &a.args())
    }

    fn admin<B: AsRef<[u8]>>(&mut self, parts: &[B]) -> Reply {
        let c = self.admin;
        self.on(c, parts)
    }

    /// A new connection authenticated as `user` (password `pw`).
    fn login(&mut self, user: &str, pw: &str) -> ClientHandle {
        let c = self.e.connect();
        assert_eq!(self.on(c, &["AUTH", user, pw]), Reply::Ok);
        c
    }
}

fn err(r: Reply) -> String {
    match r {
        Reply::Error(e) => e.into_owned(),
        other => panic!("expected an error, got {other:?}"),
    }
}

fn is_noperm(r: &Reply) -> bool {
    matches!(r, Reply::Error(e) if e.starts_with("NOPERM"))
}

/// An argv for `cmd` (a full name, `client|list` style) of the smallest valid length,
/// every argument after the name(s) being `fill`.
fn argv_for(name: &str, arity: i32, fill: &str) -> Vec<String> {
    let mut v: Vec<String> = name.split('|').map(str::to_string).collect();
    let n = arity.unsigned_abs() as usize;
    while v.len() < n {
        v.push(fill.to_string());
    }
    v
}

fn all_commands() -> Vec<&'static cinnabar::cmd::Command> {
    let mut out = Vec::new();
    for c in table().iter() {
        if c.is_container() {
            out.extend(c.subs.values());
        } else {
            out.push(c);
        }
    }
    out.sort_by_key(|c| c.name());
    out
}

#[test]
fn unauthenticated_clients_run_only_no_auth_commands() {
    let mut cfg = Config::default();
    cfg.set("requirepass", "pw", false).unwrap();
    let mut t = T::with_config(cfg);
    let mut allowed = Vec::new();
    for cmd in all_commands() {
        let c = t.e.connect();
        let argv = argv_for(cmd.name(), cmd.spec.arity, "x");
        let r = t.on(c, &argv);
        if cmd.spec.flags & F_NO_AUTH != 0 {
            allowed.push(cmd.name());
        } else {
            assert_eq!(
                r,
                Reply::Error("NOAUTH Authentication required.".into()),
                "{argv:?}"
            );
        }
        t.e.disconnect(c);
    }
    assert_eq!(allowed, ["auth", "hello", "quit", "reset"]);
    // Nothing ran: the keyspace is empty and nothing was counted as processed.
    assert_eq!(t.admin(&["AUTH", "pw"]), Reply::Ok);
    assert_eq!(t.admin(&["DBSIZE"]), Reply::Int(0));
}

#[test]
fn key_patterns_hold_for_every_command_with_keys() {
    let mut t = T::new();
    assert_eq!(
        t.admin(&[
            "ACL",
            "SETUSER",
            "k",
            "on",
            ">pw",
            "+@all",
            "~allowed*",
            "&*"
        ]),
        Reply::Ok
    );
    let mut checked = 0;
    for cmd in all_commands() {
        if matches!(
            cmd.name(),
            "shutdown" | "acl|deluser" | "client|kill" | "quit" | "reset"
        ) {
            continue;
        }
        let denied = argv_for(cmd.name(), cmd.spec.arity, "denied");
        let buf = ArgvBuf::from_parts(denied.iter().map(String::as_str));
        let keys = command_keys(cmd.spec, &buf.args());
        if keys.is_empty() {
            continue;
        }
        checked += 1;
        let c = t.login("k", "pw");
        let r = t.on(c, &denied);
        assert_eq!(
            r,
            Reply::Error("NOPERM No permissions to access a key".into()),
            "{denied:?}"
        );
        let ok = argv_for(cmd.name(), cmd.spec.arity, "allowed");
        let r = t.on(c, &ok);
        assert!(!is_noperm(&r), "{ok:?} -> {r:?}");
        t.e.disconnect(c);
    }
    assert!(checked > 100, "only {checked} commands with keys");
}

#[test]
fn read_and_write_key_permissions() {
    let mut t = T::new();
    t.admin(&["SET", "r:1", "v"]);
    t.admin(&[
        "ACL", "SETUSER", "ro", "on", ">pw", "+@all", "%R~r:*", "%W~w:*",
    ]);
    let c = t.login("ro", "pw");
    assert_eq!(t.on(c, &["GET", "r:1"]), Reply::bulk("v"));
    assert!(is_noperm(&t.on(c, &["SET", "r:1", "x"])));
    assert_eq!(t.on(c, &["SET", "w:1", "x"]), Reply::Ok);
    assert!(is_noperm(&t.on(c, &["GET", "w:1"])), "write-only key read");
    // COPY reads the source and writes the destination.
    assert_eq!(t.on(c, &["COPY", "r:1", "w:2"]), Reply::Int(1));
    assert!(is_noperm(&t.on(c, &["COPY", "w:1", "r:2"])));
    // EXISTS has no access flags: any pattern matching the key is enough.
    assert_eq!(t.on(c, &["EXISTS", "w:1"]), Reply::Int(1));
}

#[test]
fn a_denied_write_changes_nothing() {
    let mut t = T::new();
    t.e.enable_propagation();
    t.admin(&["SET", "k", "old"]);
    let _ = t.e.take_propagated();
    t.admin(&["ACL", "SETUSER", "reader", "on", "nopass", "+@read", "~*"]);
    let c = t.login("reader", "any");
    let dirty_before = t.e.state().dirty;
    for cmd in [
        &["SET", "k", "new"][..],
        &["DEL", "k"],
        &["APPEND", "k", "x"],
        &["FLUSHALL"],
        &["EXPIRE", "k", "1"],
        &["RENAME", "k", "k2"],
    ] {
        let r = t.on(c, cmd);
        assert_eq!(
            r,
            Reply::Error(
                format!(
                    "NOPERM User reader has no permissions to run the '{}' command",
                    cmd[0].to_ascii_lowercase()
                )
                .into()
            )
        );
    }
    assert_eq!(t.e.state().dirty, dirty_before);
    assert!(t.e.take_propagated().is_empty());
    assert_eq!(t.on(c, &["GET", "k"]), Reply::bulk("old"));
    assert_eq!(t.admin(&["TTL", "k"]), Reply::Int(-1));
}

#[test]
fn auth_flows_and_errors() {
    let mut t = T::new();
    let wrongpass =
        || Reply::Error("WRONGPASS invalid username-password pair or user is disabled.".into());
    // No password for default: AUTH <password> is refused, AUTH default <any> works.
    assert!(err(t.admin(&["AUTH", "x"])).starts_with("ERR AUTH <password> called without"));
    assert_eq!(t.admin(&["AUTH", "default", "whatever"]), Reply::Ok);
    t.admin(&["ACL", "SETUSER", "alice", ">p1", "+get", "~k*"]);
    let c = t.e.connect();
    assert_eq!(
        t.on(c, &["AUTH", "alice", "p1"]),
        wrongpass(),
        "user is off"
    );
    t.admin(&["ACL", "SETUSER", "alice", "on"]);
    assert_eq!(t.on(c, &["AUTH", "alice", "bad"]), wrongpass());
    assert_eq!(t.on(c, &["AUTH", "nobody", "p1"]), wrongpass());
    assert_eq!(t.on(c, &["AUTH", "alice", "p1"]), Reply::Ok);
    assert_eq!(
        t.on(c, &["ACL", "WHOAMI"]),
        Reply::Error("NOPERM User alice has no permissions to run the 'acl|whoami' command".into())
    );
    assert_eq!(t.on(c, &["GET", "k1"]), Reply::Nil);
    assert_eq!(
        t.on(c, &["GET", "z"]),
        Reply::Error("NOPERM No permissions to access a key".into())
    );
    assert_eq!(
        t.on(c, &["SET", "k1", "v"]),
        Reply::Error("NOPERM User alice has no permissions to run the 'set' command".into())
    );
    // HELLO AUTH.
    let h = t.e.connect();
    assert_eq!(
        t.on(h, &["HELLO", "3", "AUTH", "alice", "bad"]),
        wrongpass()
    );
    assert!(matches!(
        t.on(h, &["HELLO", "3", "AUTH", "alice", "p1"]),
        Reply::Map(_)
    ));
    assert!(t.on(h, &["CLIENT", "INFO"]).is_error());
    // CLIENT LIST shows the user.
    match t.admin(&["CLIENT", "LIST"]) {
        Reply::Verbatim(_, text) => {
            let text = String::from_utf8(text).unwrap();
            assert_eq!(text.matches("user=alice").count(), 2, "{text}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn requirepass_is_the_default_users_password() {
    let mut t = T::new();
    let before = t.e.connect();
    assert_eq!(
        t.admin(&["CONFIG", "SET", "requirepass", "s3cret"]),
        Reply::Ok
    );
    // Connections made before keep their authentication (they were authenticated as
    // the nopass default user), new ones must authenticate.
    assert_eq!(t.on(before, &["PING"]), Reply::simple("PONG"));
    let after = t.e.connect();
    assert_eq!(
        t.on(after, &["PING"]),
        Reply::Error("NOAUTH Authentication required.".into())
    );
    assert_eq!(t.on(after, &["AUTH", "s3cret"]), Reply::Ok);
    assert_eq!(t.on(after, &["PING"]), Reply::simple("PONG"));
    let hash = cinnabar::acl::sha256::sha256_hex(b"s3cret");
    assert_eq!(
        t.admin(&["ACL", "LIST"]),
        Reply::Array(vec![Reply::bulk(format!(
            "user default on #{hash} ~* &* +@all"
        ))])
    );
    // RESET drops back to an unauthenticated default user.
    assert_eq!(t.on(after, &["RESET"]), Reply::simple("RESET"));
    assert_eq!(
        t.on(after, &["GET", "x"]),
        Reply::Error("NOAUTH Authentication required.".into())
    );
    assert_eq!(t.admin(&["CONFIG", "SET", "requirepass", ""]), Reply::Ok);
    assert_eq!(t.on(after, &["GET", "x"]), Reply::Nil);
}

#[test]
fn channel_permissions() {
    let mut t = T::new();
    t.admin(&[
        "ACL", "SETUSER", "sub", "on", "nopass", "+@all", "~*", "&news*",
    ]);
    let c = t.login("sub", "x");
    assert_eq!(t.on(c, &["PUBLISH", "news.1", "m"]), Reply::Int(0));
    assert_eq!(
        t.on(c, &["PUBLISH", "sports", "m"]),
        Reply::Error("NOPERM No permissions to access a channel".into())
    );
    assert!(is_noperm(&t.on(c, &["SUBSCRIBE", "news.1", "sports"])));
    // PSUBSCRIBE patterns are compared literally with the allowed patterns.
    assert!(is_noperm(&t.on(c, &["PSUBSCRIBE", "news.*"])));
    assert!(!is_noperm(&t.on(c, &["PSUBSCRIBE", "news*"])));
    // Narrowing the user's channels disconnects its subscribers that lost access.
    t.admin(&["ACL", "SETUSER", "sub", "resetchannels", "&other"]);
    let killed = t.e.take_events().kill;
    assert_eq!(killed, vec![c.id]);
}

#[test]
fn acl_log_records_denials() {
    let mut t = T::new();
    t.clock.set(T0);
    t.admin(&["ACL", "SETUSER", "bob", "on", ">pw", "+get", "~k*"]);
    let c = t.login("bob", "pw");
    t.on(c, &["SET", "k", "v"]);
    t.on(c, &["SET", "k", "v"]);
    t.on(c, &["GET", "zz"]);
    let _ = t.on(c, &["AUTH", "bob", "wrong"]);
    t.clock.set(T0 + 1500);
    let log = t.admin(&["ACL", "LOG"]);
    let Reply::Array(entries) = log else {
        panic!("{log:?}")
    };
    assert_eq!(entries.len(), 3);
    let field = |e: &Reply, k: &str| -> Reply {
        let Reply::Map(m) = e else { panic!() };
        m.iter()
            .find(|(f, _)| *f == Reply::bulk(k))
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    // Newest first: auth, key, command (grouped twice).
    assert_eq!(field(&entries[0], "reason"), Reply::bulk("auth"));
    assert_eq!(field(&entries[0], "object"), Reply::bulk("AUTH"));
    assert_eq!(field(&entries[1], "reason"), Reply::bulk("key"));
    assert_eq!(field(&entries[1], "object"), Reply::bulk("zz"));
    assert_eq!(field(&entries[2], "reason"), Reply::bulk("command"));
    assert_eq!(field(&entries[2], "object"), Reply::bulk("set"));
    assert_eq!(field(&entries[2], "count"), Reply::Int(2));
    assert_eq!(field(&entries[2], "context"), Reply::bulk("toplevel"));
    assert_eq!(field(&entries[2], "username"), Reply::bulk("bob"));
    assert_eq!(field(&entries[2], "age-seconds"), Reply::Double(1.5));
    assert_eq!(field(&entries[2], "entry-id"), Reply::Int(0));
    assert_eq!(field(&entries[2], "timestamp-created"), Reply::Int(T0));
    match field(&entries[2], "client-info") {
        Reply::Bulk(b) => assert!(String::from_utf8(b).unwrap().contains("user=bob")),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        t.admin(&["ACL", "LOG", "1"]),
        Reply::Array(vec![entries[0].clone()])
    );
    assert_eq!(t.admin(&["ACL", "LOG", "RESET"]), Reply::Ok);
    assert_eq!(t.admin(&["ACL", "LOG"]), Reply::Array(vec![]));
    // INFO stats counts the denials.
    let Reply::Verbatim(_, info) = t.admin(&["INFO", "stats"]) else {
        panic!()
    };
    let info = String::from_utf8(info).unwrap();
    assert!(info.contains("acl_access_denied_cmd:2\r\n"), "{info}");
    assert!(info.contains("acl_access_denied_key:1\r\n"), "{info}");
    assert!(info.contains("acl_access_denied_auth:1\r\n"), "{info}");
}

#[test]
fn transactions_recheck_at_exec() {
    let mut t = T::new();
    t.admin(&["ACL", "SETUSER", "m", "on", "nopass", "+@all", "~*"]);
    let c = t.login("m", "x");
    assert_eq!(t.on(c, &["MULTI"]), Reply::Ok);
    assert_eq!(t.on(c, &["SET", "a", "1"]), Reply::simple("QUEUED"));
    t.admin(&["ACL", "SETUSER", "m", "-set"]);
    let r = t.on(c, &["EXEC"]);
    assert_eq!(
        r,
        Reply::Array(vec![Reply::Error(
            "NOPERM ACLs rules changed between the moment the transaction was accumulated and \
             the EXEC call. This command is no longer allowed for the following reason: no \
             permission to execute the command or subcommand"
                .into()
        )])
    );
    // Denied while queueing: the transaction is aborted.
    t.on(c, &["MULTI"]);
    assert!(is_noperm(&t.on(c, &["SET", "a", "1"])));
    assert!(err(t.on(c, &["EXEC"])).starts_with("EXECABORT"));
    assert_eq!(t.admin(&["EXISTS", "a"]), Reply::Int(0));
}

#[test]
fn deluser_disconnects_its_clients() {
    let mut t = T::new();
    t.admin(&["ACL", "SETUSER", "gone", "on", "nopass", "+@all"]);
    let a = t.login("gone", "x");
    let b = t.login("gone", "x");
    assert_eq!(
        t.admin(&["ACL", "DELUSER", "gone", "nosuch"]),
        Reply::Int(1)
    );
    let mut killed = t.e.take_events().kill;
    killed.sort_unstable();
    assert_eq!(killed, vec![a.id, b.id]);
    assert_eq!(
        err(t.admin(&["ACL", "DELUSER", "default"])),
        "ERR The 'default' user cannot be removed"
    );
    // The slot is not reused: a new user never inherits the old connections.
    t.admin(&["ACL", "SETUSER", "new", "on", "nopass"]);
    assert_eq!(
        t.on(a, &["GET", "k"]),
        Reply::Error("NOAUTH Authentication required.".into())
    );
}

#[test]
fn selectors_and_first_args() {
    let mut t = T::new();
    t.admin(&[
        "ACL",
        "SETUSER",
        "s",
        "on",
        "nopass",
        "+get",
        "~a*",
        "(+set",
        "~b*)",
        "-select",
        "+select|0",
    ]);
    let c = t.login("s", "x");
    assert_eq!(t.on(c, &["GET", "a1"]), Reply::Nil);
    assert_eq!(t.on(c, &["SET", "b1", "v"]), Reply::Ok);
    assert!(
        is_noperm(&t.on(c, &["SET", "a1", "v"])),
        "set only in the selector's keys"
    );
    assert!(
        is_noperm(&t.on(c, &["GET", "b1"])),
        "get only in the root's keys"
    );
    assert_eq!(t.on(c, &["SELECT", "0"]), Reply::Ok);
    assert!(is_noperm(&t.on(c, &["SELECT", "1"])));
    match t.admin(&["ACL", "GETUSER", "s"]) {
        Reply::Map(m) => {
            let sel = m
                .iter()
                .find(|(k, _)| *k == Reply::bulk("selectors"))
                .unwrap();
            assert!(matches!(&sel.1, Reply::Array(v) if v.len() == 1));
            let cmds = m
                .iter()
                .find(|(k, _)| *k == Reply::bulk("commands"))
                .unwrap();
            assert_eq!(cmds.1, Reply::bulk("-@all +get -select +select|0"));
        }
        other => panic!("{other:?}"),
    }
    // DRYRUN (7.2 wording).
    assert_eq!(t.admin(&["ACL", "DRYRUN", "s", "get", "a1"]), Reply::Ok);
    assert_eq!(
        t.admin(&["ACL", "DRYRUN", "s", "get", "zz"]),
        Reply::bulk("User s has no permissions to access the 'zz' key")
    );
    assert_eq!(
        t.admin(&["ACL", "DRYRUN", "s", "del", "a1"]),
        Reply::bulk("User s has no permissions to run the 'del' command")
    );
    assert_eq!(
        err(t.admin(&["ACL", "DRYRUN", "nobody", "get", "a"])),
        "ERR User 'nobody' not found"
    );
    assert_eq!(
        err(t.admin(&["ACL", "DRYRUN", "s", "nosuch"])),
        "ERR Command 'nosuch' not found"
    );
    assert_eq!(
        err(t.admin(&["ACL", "DRYRUN", "s", "get"])),
        "ERR wrong number of arguments for 'get' command"
    );
}

#[test]
fn cat_genpass_users() {
    let mut t = T::new();
    let Reply::Array(cats) = t.admin(&["ACL", "CAT"]) else {
        panic!()
    };
    assert_eq!(cats.len(), 21);
    assert_eq!(cats[0], Reply::bulk("keyspace"));
    let Reply::Array(read) = t.admin(&["ACL", "CAT", "read"]) else {
        panic!()
    };
    assert!(read.contains(&Reply::bulk("get")));
    assert!(!read.contains(&Reply::bulk("set")));
    assert_eq!(
        err(t.admin(&["ACL", "CAT", "nosuch"])),
        "ERR Unknown category 'nosuch'"
    );
    match t.admin(&["ACL", "GENPASS"]) {
        Reply::Bulk(p) => {
            assert_eq!(p.len(), 64);
            assert!(p.iter().all(u8::is_ascii_hexdigit));
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(t.admin(&["ACL", "GENPASS", "5"]), Reply::Bulk(p) if p.len() == 2));
    assert!(err(t.admin(&["ACL", "GENPASS", "0"])).contains("up to 4096"));
    t.admin(&["ACL", "SETUSER", "zed"]);
    t.admin(&["ACL", "SETUSER", "amy"]);
    assert_eq!(
        t.admin(&["ACL", "USERS"]),
        Reply::Array(vec![
            Reply::bulk("amy"),
            Reply::bulk("default"),
            Reply::bulk("zed")
        ])
    );
    assert_eq!(t.admin(&["ACL", "GETUSER", "nobody"]), Reply::Nil);
    assert_eq!(t.admin(&["ACL", "WHOAMI"]), Reply::bulk("default"));
    assert!(
        err(t.admin(&["ACL", "LOAD"])).starts_with("ERR This Redis instance is not configured")
    );
    assert_eq!(
        err(t.admin(&["ACL", "LOG", "1", "2"])),
        "ERR unknown subcommand or wrong number of arguments for 'LOG'. Try ACL HELP."
    );
}
