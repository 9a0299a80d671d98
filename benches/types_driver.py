#!/usr/bin/env python3
"""Raw-socket load drivers for benches/types_bench.sh and benches/types_callgrind.sh.

redis-benchmark cannot chain replies (XREADGROUP -> XACK) and always pads
`__rand_int__` to 12 digits (which SETBIT rejects as an offset, as Redis does), so
these two loads are driven from here:

  types_driver.py setbit PORT N CLIENTS PIPELINE RANGE [KEY]
      N pipelined `SETBIT KEY <random offset < RANGE> 1` over CLIENTS connections,
      PIPELINE commands in flight per connection. Prints requests/s.

  types_driver.py xreadgroup PORT STREAM GROUP CONSUMERS COUNT
      CONSUMERS connections, each consumer c<i> repeatedly sends, in one write,
      `XACK STREAM GROUP <ids of its previous batch>` and
      `XREADGROUP GROUP GROUP c<i> COUNT COUNT STREAMS STREAM >`, until the group has
      delivered every entry. Entries must have one field/value pair (the benches add
      `f <12 digits>`). Prints entries/s, then checks the pending list is empty.

  types_driver.py fill PORT N PIPELINE CMD...
      N pipelined copies of CMD (untimed preparation, `{i}` -> the index).

The commands of a run are encoded before the clock starts; replies are counted, not
parsed, except the entry ids of XREADGROUP (a regular expression).
"""

import random
import re
import selectors
import socket
import sys
import time


def enc(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def connect(port):
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def one_line_replies(port, cmds, clients, pipeline):
    """Sends the encoded commands (each with a one-line reply) and returns the
    seconds taken; checks that no reply is an error."""
    sel = selectors.DefaultSelector()
    per = [cmds[i::clients] for i in range(clients)]
    conns = []
    for i in range(clients):
        s = connect(port)
        state = {"sock": s, "todo": per[i], "next": 0, "inflight": 0, "buf": b""}
        conns.append(state)
    t0 = time.perf_counter()
    active = 0
    for st in conns:
        if st["todo"]:
            k = min(pipeline, len(st["todo"]))
            st["sock"].sendall(b"".join(st["todo"][:k]))
            st["next"], st["inflight"] = k, k
            sel.register(st["sock"], selectors.EVENT_READ, st)
            active += 1
    errors = 0
    while active:
        for key, _ in sel.select():
            st = key.data
            data = st["sock"].recv(1 << 20)
            if not data:
                raise SystemExit("connection closed by the server")
            buf = st["buf"] + data
            done = buf.count(b"\r\n")
            if done:
                cut = buf.rfind(b"\r\n") + 2
                errors += buf.count(b"\r\n-", 0, cut) + (buf[:1] == b"-")
                st["buf"] = buf[cut:]
            else:
                st["buf"] = buf
                continue
            st["inflight"] -= done
            todo = st["todo"]
            if st["next"] < len(todo):
                k = min(done, len(todo) - st["next"])
                st["sock"].sendall(b"".join(todo[st["next"] : st["next"] + k]))
                st["next"] += k
                st["inflight"] += k
            if st["inflight"] == 0:
                sel.unregister(st["sock"])
                active -= 1
    elapsed = time.perf_counter() - t0
    for st in conns:
        st["sock"].close()
    if errors:
        raise SystemExit(f"{errors} error replies")
    return elapsed


def cmd_setbit(argv):
    port, n, clients, pipeline, rng = map(int, argv[:5])
    key = argv[5] if len(argv) > 5 else "bm"
    r = random.Random(42)
    cmds = [enc("SETBIT", key, r.randrange(rng), 1) for _ in range(n)]
    elapsed = one_line_replies(port, cmds, clients, pipeline)
    print(f"{n / elapsed:.0f}")


def cmd_fill(argv):
    port, n, pipeline = int(argv[0]), int(argv[1]), int(argv[2])
    template = argv[3:]
    cmds = [enc(*[a.replace("{i}", str(i)) for a in template]) for i in range(n)]
    one_line_replies(port, cmds, 1, pipeline)


# One XREADGROUP entry (one field/value pair): the id, then a reply of 8 lines.
ENTRY_ID = re.compile(rb"\r\n\*2\r\n\$\d+\r\n(\d+-\d+)\r\n\*2\r\n")
HEADER = re.compile(rb"\*1\r\n\*2\r\n\$\d+\r\n[^\r]*\r\n\*(\d+)\r\n")


def read_reply(sock, buf, ack):
    """Reads `[:n (XACK)] <XREADGROUP reply>`; returns (ids, rest of buffer)."""
    while True:
        pos = 0
        if ack:
            i = buf.find(b"\r\n")
            if i < 0:
                buf += sock.recv(1 << 20)
                continue
            if buf[0:1] != b":":
                raise SystemExit(f"XACK failed: {buf[: i + 2]!r}")
            pos = i + 2
        if buf.startswith(b"*-1\r\n", pos) or buf.startswith(b"_\r\n", pos):
            return [], buf[pos + (5 if buf[pos] == 42 else 3) :]
        m = HEADER.match(buf, pos)
        if m:
            count = int(m.group(1))
            # header 5 lines + 8 per entry
            need = 5 + 8 * count
            end = pos
            for _ in range(need):
                end = buf.find(b"\r\n", end)
                if end < 0:
                    break
                end += 2
            if end >= 0 and end > pos:
                body = buf[m.end() - 2 : end]
                ids = ENTRY_ID.findall(body)
                if len(ids) != count:
                    raise SystemExit(f"parsed {len(ids)} ids of {count}")
                return ids, buf[end:]
        elif len(buf) > pos and buf[pos] == 45:  # '-'
            raise SystemExit(f"XREADGROUP failed: {buf[pos:pos + 200]!r}")
        data = sock.recv(1 << 20)
        if not data:
            raise SystemExit("connection closed by the server")
        buf += data


def cmd_xreadgroup(argv):
    port, stream, group, consumers, count = int(argv[0]), argv[1], argv[2], int(argv[3]), int(argv[4])
    socks = [connect(port) for _ in range(consumers)]
    reads = [enc("XREADGROUP", "GROUP", group, f"c{i}", "COUNT", count, "STREAMS", stream, ">") for i in range(consumers)]
    sb, gb = stream.encode(), group.encode()
    pending = [None] * consumers
    bufs = [b""] * consumers
    live = list(range(consumers))
    total = 0
    t0 = time.perf_counter()
    while live:
        for i in live:
            out = reads[i]
            if pending[i]:
                out = enc(b"XACK", sb, gb, *pending[i]) + out
            socks[i].sendall(out)
        still = []
        for i in live:
            ack = bool(pending[i])
            ids, bufs[i] = read_reply(socks[i], bufs[i], ack)
            pending[i] = ids
            total += len(ids)
            if ids:
                still.append(i)
        live = still
    elapsed = time.perf_counter() - t0
    s = socks[0]
    s.sendall(enc("XPENDING", stream, group))
    time.sleep(0.05)
    summary = s.recv(1 << 16)
    if not summary.startswith(b"*4\r\n:0\r\n"):
        raise SystemExit(f"entries left pending: {summary[:60]!r}")
    print(f"{total / elapsed:.0f} {total}")


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    {"setbit": cmd_setbit, "fill": cmd_fill, "xreadgroup": cmd_xreadgroup}[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
