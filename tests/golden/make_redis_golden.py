#!/usr/bin/env python3
"""Regenerate tests/golden/redis-7.0-all-types.{rdb,txt} with a real redis-server.

Starts redis-server in a temp dir, writes a data set covering every type in small and
large encodings (with TTLs and several databases), SAVEs, and writes the canonical
listing that tests/persist_golden.rs compares a Cinnabar load against:

    db <TAB> key(hex) <TAB> type <TAB> expire-ms or -1 <TAB> item(hex),item(hex),...

(string: the value; list: elements; set: sorted members; zset: member,score pairs in
order with scores as repr(float); hash: sorted field,value pairs).
"""
import os, shutil, subprocess, tempfile, time, redis

HERE = os.path.dirname(os.path.abspath(__file__))
AT = 4102444800000

def populate(r):
    r.set("s:int", 12345); r.set("s:neg", -7); r.set("s:big", 2**62); r.set("s:short", "hello")
    r.set("s:empty", ""); r.set("s:lzf", "abcdef" * 100); r.set("s:bin", b"\x00\xff\r\n")
    r.set("s:ttl", "v"); r.pexpireat("s:ttl", AT)
    r.rpush("l:small", "a", 1, -2, 4000000000, "b" * 70)
    r.rpush("l:big", *[f"item-{i}-" + "x" * (i % 50) for i in range(1000)])
    r.rpush("l:plainish", "L" * 20000, "tail")
    r.sadd("set:int", 1, 2, 3, -9, 70000, 5000000000)
    r.sadd("set:bigint", *range(0, 3000, 3))
    r.sadd("set:str", "a", "b", "c")
    r.sadd("set:big", *[f"m{i}" for i in range(500)])
    r.zadd("z:small", {"a": 1, "b": 2.5, "c": float("-inf"), "d": float("inf"), "e": 0.1})
    r.zadd("z:big", {f"m{i}": i / 7 for i in range(400)})
    r.hset("h:small", mapping={"f1": "v1", "f2": 22, "f3": -3})
    r.hset("h:big", mapping={f"f{i}": f"v{i}" for i in range(1000)})
    r.hset("h:long", "f", "y" * 300)
    r.pexpireat("h:small", AT + 1)
    r.pexpireat("z:big", AT + 2)
    r.execute_command("SELECT", 3)
    r.set("db3", "three")
    r.execute_command("SELECT", 0)

def listing(r):
    out = []
    for db in range(16):
        r.execute_command("SELECT", db)
        for k in sorted(r.keys("*")):
            t = r.type(k).decode()
            if t == "string": items = [r.get(k)]
            elif t == "list": items = r.lrange(k, 0, -1)
            elif t == "set": items = sorted(r.smembers(k))
            elif t == "zset":
                items = []
                for m, s in r.zrange(k, 0, -1, withscores=True):
                    items += [m, repr(float(s)).encode()]
            elif t == "hash":
                items = []
                for f, v in sorted(r.hgetall(k).items()):
                    items += [f, v]
            exp = r.pexpiretime(k)
            out.append("\t".join([str(db), k.hex(), t, str(exp), ",".join(i.hex() for i in items)]))
    r.execute_command("SELECT", 0)
    return out

def main():
    d = tempfile.mkdtemp()
    port = 7399
    p = subprocess.Popen(["redis-server", "--port", str(port), "--dir", d, "--save", "", "--appendonly", "no"],
                         stdout=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                r = redis.Redis(port=port); r.ping(); break
            except Exception:
                time.sleep(0.05)
        populate(r)
        r.save()
        shutil.copy(os.path.join(d, "dump.rdb"), os.path.join(HERE, "redis-7.0-all-types.rdb"))
        with open(os.path.join(HERE, "redis-7.0-all-types.txt"), "w") as f:
            f.write("\n".join(listing(r)) + "\n")
    finally:
        p.kill()
        shutil.rmtree(d)

if __name__ == "__main__":
    main()
