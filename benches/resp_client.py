"""A minimal RESP2 client for the benchmark drivers (standard library only).

cmd() encodes one command; Conn speaks to a server on 127.0.0.1: call() one command,
pipeline() many, replies as None (nil), bytes (bulk / simple), int, or list; an error
reply raises RuntimeError with its text. info() reads INFO into a dict.
"""

import socket


def cmd(*parts):
    out = [b"*%d\r\n" % len(parts)]
    for p in parts:
        out.append(b"$%d\r\n%s\r\n" % (len(p), p))
    return b"".join(out)


class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        self.pos = 0

    def _more(self):
        if self.pos > 1 << 20:
            del self.buf[: self.pos]
            self.pos = 0
        chunk = self.s.recv(1 << 20)
        if not chunk:
            raise EOFError("server closed the connection")
        self.buf += chunk

    def _line(self):
        while True:
            i = self.buf.find(b"\r\n", self.pos)
            if i >= 0:
                line = bytes(self.buf[self.pos : i])
                self.pos = i + 2
                return line
            self._more()

    def reply(self):
        """One reply: None (nil), bytes (bulk / simple), int, or list."""
        line = self._line()
        t = line[:1]
        if t == b"$":
            n = int(line[1:])
            if n < 0:
                return None
            while len(self.buf) - self.pos < n + 2:
                self._more()
            data = bytes(self.buf[self.pos : self.pos + n])
            self.pos += n + 2
            return data
        if t == b"+":
            return line[1:]
        if t == b":":
            return int(line[1:])
        if t == b"*":
            return [self.reply() for _ in range(int(line[1:]))]
        if t == b"-":
            raise RuntimeError(line.decode(errors="replace"))
        raise RuntimeError("unexpected reply %r" % line)

    def pipeline(self, cmds):
        if cmds:
            self.s.sendall(b"".join(cmds))
        return [self.reply() for _ in cmds]

    def call(self, *parts):
        return self.pipeline([cmd(*parts)])[0]


def info(conn, section=b"everything"):
    """INFO <section> as a dict of field -> text value."""
    text = conn.call(b"INFO", section).decode()
    out = {}
    for line in text.splitlines():
        if ":" in line and not line.startswith("#"):
            k, v = line.split(":", 1)
            out[k] = v
    return out
