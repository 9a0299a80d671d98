#!/usr/bin/env python3
"""Real-client tests: redis-py against a running server.

    CINNABAR_PORT=6379 python3 tests/clients/test_redis_py.py [name-filter]

The server at CINNABAR_HOST:CINNABAR_PORT (default 127.0.0.1:6379) must be a scratch
instance: every test starts with FLUSHALL. tests/clients.rs starts a fresh server and
runs this file against it, once against cinnabar-server and once against a real
redis-server (which keeps these expectations honest).

The whole suite runs twice, with RESP2 (protocol=2) and RESP3 (protocol=3). Plain
asserts, no pytest; prints one line per test and a closing "N passed, N failed" line,
and exits non-zero if anything failed.
"""

import os
import sys
import threading
import time
import traceback
import warnings

import redis

HOST = os.environ.get("CINNABAR_HOST", "127.0.0.1")
PORT = int(os.environ.get("CINNABAR_PORT", "6379"))

TESTS = []

# SETEX, GETSET and friends are deprecated in redis-py but still Redis commands to test.
warnings.filterwarnings("ignore", category=DeprecationWarning)


def test(fn):
    TESTS.append(fn)
    return fn


class Ctx:
    """What a test gets: a way to make clients speaking the protocol under test."""

    def __init__(self, protocol):
        self.protocol = protocol
        self._clients = []
        self.r = self.client()
        self.version = tuple(
            int(x) for x in self.r.info("server")["redis_version"].split(".")[:2]
        )

    def client(self, **kw):
        kw.setdefault("protocol", self.protocol)
        c = redis.Redis(host=HOST, port=PORT, socket_timeout=30, **kw)
        self._clients.append(c)
        return c

    def at_least(self, major, minor):
        return self.version >= (major, minor)

    def close(self):
        for c in self._clients:
            c.close()


def raises(fn, message, cls=redis.ResponseError):
    """Asserts fn() raises cls whose text is exactly message."""
    try:
        fn()
    except cls as e:
        assert str(e) == message, f"error text {str(e)!r}, expected {message!r}"
        return e
    raise AssertionError(f"expected {cls.__name__}({message!r}), nothing raised")


def text(value):
    """redis-py decodes some replies in one protocol and not the other: compare as str."""
    return value.decode() if isinstance(value, bytes) else value


# --- connection ---------------------------------------------------------------------


@test
def ping_echo(t):
    r = t.r
    assert r.ping() is True
    assert r.echo(b"hi there") == b"hi there"


@test
def hello_reports_protocol(t):
    hello = t.r.execute_command("HELLO")
    if t.protocol == 2:
        # RESP2 replies with a flat array of field/value pairs.
        assert isinstance(hello, list), hello
        hello = dict(zip(hello[0::2], hello[1::2]))
    assert hello[b"proto"] == t.protocol, hello
    assert hello[b"server"] == b"redis", hello
    assert isinstance(hello[b"id"], int)
    assert hello[b"mode"] == b"standalone"
    assert hello[b"role"] == b"master"
    raises(
        lambda: t.r.execute_command("HELLO", 4),
        "NOPROTO unsupported protocol version",
    )
    assert t.r.ping() is True


@test
def client_name_and_id(t):
    r = t.r
    assert r.client_getname() is None
    assert r.client_setname("tester") is True
    assert text(r.client_getname()) == "tester"
    cid = r.client_id()
    assert isinstance(cid, int) and cid > 0
    info = r.client_info()
    assert info["id"] == cid, info
    assert info["name"] == "tester", info
    assert info["db"] == 0, info
    listed = [c for c in r.client_list() if c["id"] == str(cid)]
    assert len(listed) == 1 and listed[0]["name"] == "tester", r.client_list()
    raises(
        lambda: r.client_setname("has space"),
        "Client names cannot contain spaces, newlines or special characters.",
    )
    named = t.client(client_name="from-connect")
    assert text(named.client_getname()) == "from-connect"


@test
def client_setinfo_sent_on_connect(t):
    if not t.at_least(7, 2):
        return  # CLIENT SETINFO arrived in Redis 7.2
    # redis-py sends CLIENT SETINFO LIB-NAME/LIB-VER while connecting.
    info = t.r.client_info()
    assert info["lib-name"] == "redis-py", info
    assert info["lib-ver"] == redis.__version__, info
    assert t.r.client_setinfo("LIB-NAME", "mylib") is True
    assert t.r.client_setinfo("LIB-VER", "1.2.3") is True
    info = t.r.client_info()
    assert (info["lib-name"], info["lib-ver"]) == ("mylib", "1.2.3"), info


@test
def select_isolates_databases(t):
    r0, r1 = t.r, t.client(db=1)
    r1.set("k", "in-db1")
    assert r0.get("k") is None
    assert r1.get("k") == b"in-db1"
    assert r0.dbsize() == 0 and r1.dbsize() == 1
    assert r1.client_info()["db"] == 1
    raises(lambda: r0.execute_command("SELECT", 16), "DB index is out of range")
    raises(
        lambda: r0.execute_command("SELECT", "x"),
        "value is not an integer or out of range",
    )
    r1.flushdb()
    assert r1.dbsize() == 0


# --- strings ------------------------------------------------------------------------


@test
def set_get_roundtrip(t):
    r = t.r
    assert r.set("greeting", "hello") is True
    assert r.get("greeting") == b"hello"
    assert r.get("missing") is None
    assert r.set("greeting", "again") is True
    assert r.get("greeting") == b"again"
    s = t.client(decode_responses=True)
    assert s.get("greeting") == "again"
    assert r.set("unicode", "żółć ✓") is True
    assert s.get("unicode") == "żółć ✓"
    assert r.strlen("unicode") == len("żółć ✓".encode())


@test
def set_options(t):
    r = t.r
    assert r.set("k", "v1", nx=True) is True
    assert r.set("k", "v2", nx=True) is None
    assert r.get("k") == b"v1"
    assert r.set("other", "x", xx=True) is None
    assert r.exists("other") == 0
    assert r.set("k", "v2", xx=True) is True
    assert r.set("k", "v3", get=True) == b"v2"
    assert r.set("fresh", "v", get=True) is None
    assert r.get("fresh") == b"v"

    assert r.set("t", "v", ex=100) is True
    assert 99 <= r.ttl("t") <= 100
    assert r.set("t", "w", keepttl=True) is True
    assert 99 <= r.ttl("t") <= 100
    assert r.set("t", "x") is True
    assert r.ttl("t") == -1
    assert r.set("p", "v", px=1500) is True
    assert 0 < r.pttl("p") <= 1500
    future = int(time.time()) + 1000
    assert r.set("at", "v", exat=future) is True
    assert 998 <= r.ttl("at") <= 1000
    assert r.expiretime("at") == future
    # An absolute time in the past: the key does not survive.
    assert r.set("past", "v", pxat=1000) is True
    assert r.get("past") is None
    assert r.exists("past") == 0

    raises(lambda: r.set("k", "v", ex=0), "invalid expire time in 'set' command")
    raises(lambda: r.set("k", "v", px=-5), "invalid expire time in 'set' command")
    raises(lambda: r.execute_command("SET", "k", "v", "NX", "XX"), "syntax error")
    raises(lambda: r.execute_command("SET", "k", "v", "EX"), "syntax error")
    raises(
        lambda: r.execute_command("SET", "k", "v", "EX", "ten"),
        "value is not an integer or out of range",
    )
    assert r.get("k") == b"v3"


@test
def setnx_setex_psetex_getset(t):
    r = t.r
    assert r.setnx("n", "1") is True
    assert r.setnx("n", "2") is False
    assert r.setex("e", 50, "v") is True
    assert 49 <= r.ttl("e") <= 50
    assert r.psetex("pe", 2500, "v") is True
    assert 0 < r.pttl("pe") <= 2500
    assert r.getset("n", "3") == b"1"
    assert r.getset("nope", "x") is None
    assert r.get("n") == b"3"
    raises(lambda: r.setex("e", 0, "v"), "invalid expire time in 'setex' command")


@test
def counters(t):
    r = t.r
    assert r.incr("c") == 1
    assert r.incr("c", 10) == 11
    assert r.decr("c") == 10
    assert r.decr("c", 15) == -5
    assert r.execute_command("INCR", "c") == -4
    assert r.execute_command("DECRBY", "c", 6) == -10
    assert r.get("c") == b"-10"
    assert r.incrbyfloat("f", 1.5) == 1.5
    assert r.incrbyfloat("f", "2.25") == 3.75
    assert r.get("f") == b"3.75"
    assert r.incrbyfloat("c", 0.5) == -9.5

    r.set("s", "abc")
    raises(lambda: r.incr("s"), "value is not an integer or out of range")
    raises(lambda: r.incrbyfloat("s", 1), "value is not a valid float")
    r.set("max", 9223372036854775807)
    raises(lambda: r.incr("max"), "increment or decrement would overflow")
    assert r.get("max") == b"9223372036854775807"
    r.set("sp", " 1")
    raises(lambda: r.incr("sp"), "value is not an integer or out of range")


@test
def mset_mget_msetnx(t):
    r = t.r
    assert r.mset({"a": "1", "b": "2", "c": "3"}) is True
    assert r.mget("a", "b", "nope", "c") == [b"1", b"2", None, b"3"]
    assert r.msetnx({"d": "4", "a": "x"}) is False
    assert r.exists("d") == 0
    assert r.msetnx({"d": "4", "e": "5"}) is True
    assert r.mget(["d", "e"]) == [b"4", b"5"]
    raises(
        lambda: r.execute_command("MSET", "a", "1", "b"),
        "wrong number of arguments for 'mset' command",
    )


@test
def append_strlen_ranges(t):
    r = t.r
    assert r.append("s", "Hello") == 5
    assert r.append("s", " World") == 11
    assert r.strlen("s") == 11
    assert r.strlen("nope") == 0
    assert r.getrange("s", 0, 4) == b"Hello"
    assert r.getrange("s", -5, -1) == b"World"
    assert r.getrange("s", 5, 2) == b""
    assert r.getrange("s", 0, 1000) == b"Hello World"
    assert r.setrange("s", 6, "Redis") == 11
    assert r.get("s") == b"Hello Redis"
    assert r.setrange("pad", 3, "x") == 4
    assert r.get("pad") == b"\x00\x00\x00x"
    r.set("num", 12345)
    assert r.append("num", "6") == 6
    assert r.incr("num") == 123457
    raises(lambda: r.setrange("s", -1, "x"), "offset is out of range")


@test
def getdel_getex(t):
    r = t.r
    r.set("k", "v")
    assert r.getdel("k") == b"v"
    assert r.exists("k") == 0
    assert r.getdel("k") is None
    r.set("k", "v")
    assert r.getex("k", ex=100) == b"v"
    assert 99 <= r.ttl("k") <= 100
    assert r.getex("k", persist=True) == b"v"
    assert r.ttl("k") == -1
    assert r.getex("k", px=5000) == b"v"
    assert 0 < r.pttl("k") <= 5000
    assert r.getex("nope", ex=10) is None


@test
def binary_safe_values_and_keys(t):
    r = t.r
    blob = bytes(range(256)) * 64 + b"\r\n\x00$-1\r\n*3\r\n"
    key = b"bin\x00key\r\n\xff"
    assert r.set(key, blob) is True
    assert r.get(key) == blob
    assert r.strlen(key) == len(blob)
    assert r.set("empty", b"") is True
    assert r.get("empty") == b""
    assert r.exists("empty") == 1
    big = os.urandom(1 << 20)
    assert r.set("big", big) is True
    assert r.get("big") == big
    assert r.getrange("big", 1000, 1999) == big[1000:2000]
    assert r.mget(key, "empty", "big") == [blob, b"", big]


# --- keys and expiry ----------------------------------------------------------------


@test
def exists_del_unlink_type(t):
    r = t.r
    r.mset({"a": 1, "b": 2, "c": 3})
    assert r.exists("a", "b", "nope", "a") == 3
    assert r.type("a") == b"string"
    assert r.type("nope") == b"none"
    assert r.delete("a", "nope") == 1
    assert r.unlink("b", "c", "b") == 2
    assert r.exists("a", "b", "c") == 0
    assert r.dbsize() == 0
    r.set("t1", 1)
    assert r.touch("t1", "nope") == 1


@test
def expire_ttl_persist(t):
    r = t.r
    assert r.ttl("nope") == -2
    assert r.pttl("nope") == -2
    assert r.expire("nope", 10) is False
    r.set("k", "v")
    assert r.ttl("k") == -1
    assert r.pttl("k") == -1
    assert r.expire("k", 100) is True
    assert 99 <= r.ttl("k") <= 100
    assert r.pexpire("k", 100_000) is True
    assert 99_000 < r.pttl("k") <= 100_000
    assert r.persist("k") is True
    assert r.persist("k") is False
    assert r.ttl("k") == -1
    when = int(time.time()) + 500
    assert r.expireat("k", when) is True
    assert r.expiretime("k") == when
    assert 498 <= r.ttl("k") <= 500
    assert r.pexpireat("k", when * 1000 + 123) is True
    assert r.pexpiretime("k") == when * 1000 + 123
    # Options (Redis 7.0+): NX/XX/GT/LT.
    assert r.expire("k", 50, gt=True) is False
    assert r.expire("k", 50, lt=True) is True
    assert r.expire("k", 60, nx=True) is False
    r.set("plain", "v")
    assert r.expire("plain", 60, xx=True) is False
    assert r.expire("plain", 60, nx=True) is True
    # A time in the past deletes the key at once.
    assert r.expireat("k", 1) is True
    assert r.exists("k") == 0
    assert r.get("k") is None
    r.set("neg", "v")
    assert r.expire("neg", -1) is True
    assert r.exists("neg") == 0
    assert r.expiretime("plain") > 0
    assert r.expiretime("nope") == -2
    raises(
        lambda: r.execute_command("EXPIRE", "plain", "soon"),
        "value is not an integer or out of range",
    )
    raises(
        lambda: r.execute_command("EXPIRE", "plain", 10, "NX", "XX"),
        "NX and XX, GT or LT options at the same time are not compatible",
    )


@test
def rename_and_renamenx(t):
    r = t.r
    r.set("src", "v", ex=100)
    assert r.rename("src", "dst") is True
    assert r.get("dst") == b"v"
    assert r.exists("src") == 0
    assert 99 <= r.ttl("dst") <= 100
    r.set("other", "o")
    assert r.renamenx("dst", "other") is False
    assert r.renamenx("dst", "new") is True
    assert r.get("new") == b"v"
    raises(lambda: r.rename("nope", "x"), "no such key")


@test
def keys_scan_randomkey_dbsize(t):
    r = t.r
    assert r.randomkey() is None
    names = {f"user:{i}".encode() for i in range(300)} | {b"other", b"user:x:y"}
    with r.pipeline(transaction=False) as p:
        for n in names:
            p.set(n, "1")
        p.execute()
    assert r.dbsize() == len(names)
    assert set(r.keys("*")) == names
    assert set(r.keys("user:?")) == {f"user:{i}".encode() for i in range(10)}
    assert set(r.keys("user:[12]0")) == {b"user:10", b"user:20"}
    assert r.keys("nomatch*") == []
    seen = list(r.scan_iter(count=17))
    assert len(seen) == len(names) and set(seen) == names
    matched = set(r.scan_iter(match="user:1*", count=50))
    assert matched == {n for n in names if n.startswith(b"user:1")}
    cursor, batch = r.scan(0, count=1000)
    assert cursor == 0 and set(batch) == names
    assert r.randomkey() in names
    raises(lambda: r.execute_command("SCAN", "abc"), "invalid cursor")


# --- server -------------------------------------------------------------------------


@test
def info_config_time(t):
    r = t.r
    server = r.info("server")
    assert "redis_version" in server and "tcp_port" in server, server
    assert server["tcp_port"] == PORT
    r.set("a", 1, ex=100)
    r.set("b", 2)
    keyspace = r.info("keyspace")
    assert keyspace["db0"]["keys"] == 2, keyspace
    assert keyspace["db0"]["expires"] == 1, keyspace
    everything = r.info()
    for field in ("connected_clients", "used_memory", "keyspace_hits", "uptime_in_seconds"):
        assert field in everything, field
    assert r.config_get("maxmemory") == {"maxmemory": "0"}
    port = r.config_get("port")
    assert port == {"port": str(PORT)}, port
    assert r.config_set("maxmemory-policy", "allkeys-lru") is True
    assert r.config_get("maxmemory-policy") == {"maxmemory-policy": "allkeys-lru"}
    assert r.config_set("maxmemory-policy", "noeviction") is True
    secs, micros = r.time()
    assert abs(secs - time.time()) < 60 and 0 <= micros < 1_000_000
    assert r.dbsize() == 2
    assert r.flushall() is True
    assert r.dbsize() == 0


@test
def command_errors_keep_connection(t):
    r = t.r
    raises(
        lambda: r.execute_command("NOSUCHCMD", "a", "b"),
        "unknown command 'NOSUCHCMD', with args beginning with: 'a' 'b' ",
    )
    raises(
        lambda: r.execute_command("GET"),
        "wrong number of arguments for 'get' command",
    )
    raises(
        lambda: r.execute_command("CLIENT", "NOSUCH"),
        "unknown subcommand 'NOSUCH'. Try CLIENT HELP.",
    )
    assert r.ping() is True
    assert r.command_count() > 0


# --- pipelines and concurrency ------------------------------------------------------


@test
def pipeline_results_in_order(t):
    r = t.r
    with r.pipeline(transaction=False) as p:
        for _ in range(1000):
            p.incr("counter")
        results = p.execute()
    assert results == list(range(1, 1001))
    with r.pipeline(transaction=False) as p:
        p.set("s", "text")
        p.incr("s")
        p.get("s")
        p.execute_command("NOSUCHCMD")
        p.append("s", "!")
        results = p.execute(raise_on_error=False)
    assert results[0] is True
    assert isinstance(results[1], redis.ResponseError)
    assert str(results[1]) == "value is not an integer or out of range"
    assert results[2] == b"text"
    assert isinstance(results[3], redis.ResponseError)
    assert results[4] == 5


@test
def concurrent_clients(t):
    errors = []

    def worker():
        try:
            c = t.client()
            for _ in range(200):
                c.incr("shared")
            c.close()
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors
    assert t.r.get("shared") == b"2000"
    assert t.r.info("clients")["connected_clients"] >= 1


# --- runner -------------------------------------------------------------------------


@test
def lock_acquire_extend_release(t):
    # redis-py's Lock runs Lua scripts (EVALSHA); cinnabar serves them as built-in hooks.
    r = t.r
    other = t.client()
    lock = r.lock("resource", timeout=5, blocking=False)
    assert lock.acquire() is True
    assert r.get("resource") is not None
    # A second client cannot take it.
    assert other.lock("resource", timeout=5, blocking=False).acquire() is False
    assert other.lock("resource", timeout=5, blocking_timeout=0.05).acquire() is False
    # Extend adds to the TTL; replace_ttl sets it.
    assert lock.extend(10) is True
    assert 10_000 < r.pttl("resource") <= 15_000
    assert lock.extend(3, replace_ttl=True) is True
    assert 0 < r.pttl("resource") <= 3_000
    assert lock.reacquire() is True
    assert 4_000 < r.pttl("resource") <= 5_000
    assert lock.owned() is True
    # Someone else's token cannot release it.
    stolen = other.lock("resource", timeout=5)
    stolen.local.token = b"not-the-owner"
    try:
        stolen.release()
        raise AssertionError("releasing a lock we do not own must fail")
    except redis.exceptions.LockNotOwnedError:
        pass
    lock.release()
    assert r.exists("resource") == 0
    # Expiry releases it: a 50 ms lock is free again once its TTL has passed.
    short = r.lock("resource", timeout=0.05, blocking=False)
    assert short.acquire() is True
    deadline = time.time() + 5
    while r.exists("resource"):
        assert time.time() < deadline, "lock never expired"
        time.sleep(0.01)
    assert other.lock("resource", timeout=5, blocking=False).acquire() is True
    try:
        short.release()
        raise AssertionError("releasing an expired lock must fail")
    except redis.exceptions.LockNotOwnedError:
        pass


def main():
    wanted = sys.argv[1] if len(sys.argv) > 1 else ""
    passed = failed = 0
    for protocol in (2, 3):
        for fn in TESTS:
            name = f"resp{protocol}::{fn.__name__}"
            if wanted not in name:
                continue
            t = None
            try:
                t = Ctx(protocol)
                t.r.flushall()
                fn(t)
            except Exception:  # noqa: BLE001 - every failure is reported
                failed += 1
                print(f"FAIL {name}")
                traceback.print_exc(file=sys.stdout)
            else:
                passed += 1
                print(f"ok   {name}")
            finally:
                if t is not None:
                    t.close()
    print(f"redis-py {redis.__version__} against {HOST}:{PORT}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main())
