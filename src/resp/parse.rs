//! Incremental request parser.
//!
//! A [`Parser`] is fed the connection's input buffer and yields one request at a time as
//! byte ranges into that buffer (no copies for multibulk requests). When a request is
//! incomplete it remembers how far it got, so a 1,000,000-argument request arriving in
//! many reads is not re-parsed from the start each time. Limits follow Redis: at most
//! 1,048,576 arguments per request, each bulk at most `proto-max-bulk-len`, inline
//! requests at most 64 KiB, length lines at most 64 KiB.

use std::ops::Range;

/// Maximum number of arguments in one multibulk request (Redis 7: INT_MAX). Nothing is
/// allocated from the count itself: memory grows only with arguments actually received,
/// which the query buffer limit bounds.
pub const MAX_MULTIBULK: i64 = i32::MAX as i64;
/// Maximum size of an inline request or of a length line (Redis: PROTO_INLINE_MAX_SIZE).
pub const MAX_INLINE: usize = 64 * 1024;

/// A protocol error: the connection gets `-ERR Protocol error: <msg>` and is closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

impl ParseError {
    fn new(msg: impl Into<String>) -> Self {
        ParseError(msg.into())
    }
    /// The full error line text, without `-` and CRLF.
    pub fn text(&self) -> String {
        format!("ERR Protocol error: {}", self.0)
    }
}

/// One complete request found in the buffer.
#[derive(Debug, PartialEq, Eq)]
pub enum Request {
    /// A multibulk request; its arguments are `parser.args()` ranges into the buffer.
    Multibulk,
    /// An inline request; its arguments are ranges into `parser.inline_buf()`.
    Inline,
    /// An empty request (blank line or `*0`): nothing to run.
    Empty,
}

#[derive(Debug, Default, Clone, Copy)]
enum State {
    #[default]
    Start,
    /// Inside a multibulk: `remaining` arguments still to read.
    Multibulk { remaining: i64 },
    /// Inside a multibulk, length known, waiting for `len` bytes + CRLF at `pos`.
    Bulk { remaining: i64, len: usize },
}

/// The resumable parser. Positions are relative to the start of the buffer passed to
/// [`Parser::next`], which must only grow (by appending) until a request completes.
#[derive(Debug)]
pub struct Parser {
    state: State,
    pos: usize,
    args: Vec<Range<usize>>,
    inline: Vec<u8>,
    /// `proto-max-bulk-len`.
    pub max_bulk_len: usize,
    /// The client has not authenticated (and must): Redis then refuses multibulks of
    /// more than 10 arguments and bulks over 16 KB, so that an unauthenticated peer
    /// cannot make the server buffer much. Set by the host.
    pub unauthenticated: bool,
}

impl Default for Parser {
    fn default() -> Self {
        Parser::new(512 * 1024 * 1024)
    }
}

fn find_crlf(buf: &[u8], from: usize) -> Option<usize> {
    // Redis looks for '\r' and expects '\n' after it; we look for "\r\n".
    let hay = buf.get(from..)?;
    let mut i = 0;
    while let Some(off) = hay[i..].iter().position(|&b| b == b'\r') {
        let at = i + off;
        if at + 1 < hay.len() {
            if hay[at + 1] == b'\n' {
                return Some(from + at);
            }
            i = at + 1;
        } else {
            return None;
        }
    }
    None
}

fn parse_len(s: &[u8]) -> Option<i64> {
    // Like Redis's string2ll on the length line: optional '-', digits only, no overflow.
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    let (neg, digits) = match s[0] {
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let mut v: i64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((c - b'0') as i64)?;
    }
    Some(if neg { -v } else { v })
}

/// A length line starting at `from` (after the `*` or `$`): `Some((value, eol))` once
/// its CRLF is in `buf` (`value` None when it is not a valid length), None before.
/// The common case, up to 18 digits and CRLF, is read in one pass; anything else goes
/// through [`find_crlf`] and [`parse_len`], which decide every other case.
#[inline]
fn len_line(buf: &[u8], from: usize) -> Option<(Option<i64>, usize)> {
    let mut v: i64 = 0;
    let mut i = from;
    // 18 digits cannot overflow an i64.
    let digits_end = buf.len().min(from + 18);
    while i < digits_end {
        let c = buf[i];
        if c.is_ascii_digit() {
            v = v * 10 + (c - b'0') as i64;
            i += 1;
        } else {
            break;
        }
    }
    if i > from && i + 1 < buf.len() && buf[i] == b'\r' && buf[i + 1] == b'\n' {
        return Some((Some(v), i));
    }
    let eol = find_crlf(buf, from)?;
    Some((parse_len(&buf[from..eol]), eol))
}

impl Parser {
    /// A parser with the given `proto-max-bulk-len`.
    pub fn new(max_bulk_len: usize) -> Self {
        Parser {
            state: State::Start,
            pos: 0,
            args: Vec::new(),
            inline: Vec::new(),
            max_bulk_len,
            unauthenticated: false,
        }
    }

    /// Arguments of the last complete multibulk request, as ranges into the buffer.
    pub fn args(&self) -> &[Range<usize>] {
        &self.args
    }

    /// The buffer holding the last inline request's arguments.
    pub fn inline_buf(&self) -> &[u8] {
        &self.inline
    }

    /// Bytes consumed so far by a partial request (0 when idle).
    pub fn partial_progress(&self) -> usize {
        self.pos
    }

    /// Whether the parser is in the middle of a request.
    pub fn in_progress(&self) -> bool {
        !matches!(self.state, State::Start)
    }

    /// Parse the next request from `buf`. Returns `Ok(Some((request, consumed)))` when a
    /// request is complete (`consumed` bytes of `buf` belong to it), `Ok(None)` when more
    /// input is needed. After a complete request, the caller drops `consumed` bytes (or
    /// passes the remaining slice) before calling again.
    pub fn next(&mut self, buf: &[u8]) -> Result<Option<(Request, usize)>, ParseError> {
        // The state lives in locals while parsing and is stored back only when the
        // request is incomplete.
        let (mut remaining, mut bulk_len) = match self.state {
            State::Start => {
                if buf.is_empty() {
                    return Ok(None);
                }
                if buf[0] != b'*' {
                    return self.inline(buf);
                }
                let Some((n, eol)) = len_line(buf, 1) else {
                    if buf.len() > MAX_INLINE {
                        return Err(ParseError::new("too big mbulk count string"));
                    }
                    return Ok(None);
                };
                if eol > MAX_INLINE {
                    return Err(ParseError::new("too big mbulk count string"));
                }
                let n = match n {
                    Some(n) if n <= MAX_MULTIBULK => n,
                    _ => return Err(ParseError::new("invalid multibulk length")),
                };
                if n > 10 && self.unauthenticated {
                    return Err(ParseError::new("unauthenticated multibulk length"));
                }
                self.args.clear();
                if n <= 0 {
                    self.pos = 0;
                    return Ok(Some((Request::Empty, eol + 2)));
                }
                self.pos = eol + 2;
                // Do not trust the count for allocation: grow as arguments arrive.
                self.args.reserve((n as usize).min(1024));
                (n, None)
            }
            State::Multibulk { remaining } => (remaining, None),
            State::Bulk { remaining, len } => (remaining, Some(len)),
        };
        let mut pos = self.pos;
        loop {
            let len = match bulk_len.take() {
                Some(len) => len,
                None => {
                    if remaining == 0 {
                        self.pos = 0;
                        self.state = State::Start;
                        return Ok(Some((Request::Multibulk, pos)));
                    }
                    if pos >= buf.len() {
                        self.pos = pos;
                        self.state = State::Multibulk { remaining };
                        return Ok(None);
                    }
                    if buf[pos] != b'$' {
                        let got = buf[pos] as char;
                        self.reset();
                        return Err(ParseError::new(format!("expected '$', got '{got}'")));
                    }
                    let Some((l, eol)) = len_line(buf, pos + 1) else {
                        if buf.len() - pos > MAX_INLINE {
                            self.reset();
                            return Err(ParseError::new("too big bulk count string"));
                        }
                        self.pos = pos;
                        self.state = State::Multibulk { remaining };
                        return Ok(None);
                    };
                    if eol - pos > MAX_INLINE {
                        self.reset();
                        return Err(ParseError::new("too big bulk count string"));
                    }
                    let len = match l {
                        Some(l) if l >= 0 && (l as u64) <= self.max_bulk_len as u64 => l as usize,
                        _ => {
                            self.reset();
                            return Err(ParseError::new("invalid bulk length"));
                        }
                    };
                    if len > 16384 && self.unauthenticated {
                        self.reset();
                        return Err(ParseError::new("unauthenticated bulk length"));
                    }
                    pos = eol + 2;
                    len
                }
            };
            let end = pos + len;
            if buf.len() < end + 2 {
                self.pos = pos;
                self.state = State::Bulk { remaining, len };
                return Ok(None);
            }
            // Redis does not check the CRLF after a bulk; it skips two bytes.
            self.args.push(pos..end);
            pos = end + 2;
            remaining -= 1;
        }
    }

    fn reset(&mut self) {
        self.state = State::Start;
        self.pos = 0;
        self.args.clear();
    }

    fn inline(&mut self, buf: &[u8]) -> Result<Option<(Request, usize)>, ParseError> {
        let Some(nl) = buf.iter().position(|&b| b == b'\n') else {
            if buf.len() > MAX_INLINE {
                return Err(ParseError::new("too big inline request"));
            }
            return Ok(None);
        };
        if nl > MAX_INLINE {
            return Err(ParseError::new("too big inline request"));
        }
        let mut line = &buf[..nl];
        if line.last() == Some(&b'\r') {
            line = &line[..line.len() - 1];
        }
        self.inline.clear();
        self.args.clear();
        if !split_args(line, &mut self.inline, &mut self.args) {
            return Err(ParseError::new("unbalanced quotes in request"));
        }
        if self.args.is_empty() {
            return Ok(Some((Request::Empty, nl + 1)));
        }
        Ok(Some((Request::Inline, nl + 1)))
    }
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Split an inline line like Redis's `sdssplitargs`: whitespace-separated words,
/// "double quotes" with escapes (\n, \t, \xHH, ...), 'single quotes' with \' only.
/// A closing quote must be followed by a space or the end. Returns false on unbalanced
/// quotes. Arguments are appended to `out` and their ranges to `ranges`.
pub fn split_args(line: &[u8], out: &mut Vec<u8>, ranges: &mut Vec<Range<usize>>) -> bool {
    // Redis works on a C string: a NUL ends the line.
    let line = match line.iter().position(|&b| b == 0) {
        Some(p) => &line[..p],
        None => line,
    };
    let is_space = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
    let mut i = 0;
    let n = line.len();
    loop {
        while i < n && is_space(line[i]) {
            i += 1;
        }
        if i >= n {
            return true;
        }
        let start = out.len();
        let mut inq = false;
        let mut insq = false;
        loop {
            if inq {
                if i >= n {
                    return false;
                }
                let c = line[i];
                if c == b'\\' && i + 3 < n && line[i + 1] == b'x' {
                    if let (Some(h), Some(l)) = (hex_val(line[i + 2]), hex_val(line[i + 3])) {
                        out.push(h * 16 + l);
                        i += 4;
                        continue;
                    }
                }
                if c == b'\\' && i + 1 < n {
                    i += 1;
                    out.push(match line[i] {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 8,
                        b'a' => 7,
                        other => other,
                    });
                } else if c == b'"' {
                    if i + 1 < n && !is_space(line[i + 1]) {
                        return false;
                    }
                    i += 1;
                    break;
                } else {
                    out.push(c);
                }
                i += 1;
            } else if insq {
                if i >= n {
                    return false;
                }
                let c = line[i];
                if c == b'\\' && i + 1 < n && line[i + 1] == b'\'' {
                    out.push(b'\'');
                    i += 2;
                    continue;
                } else if c == b'\'' {
                    if i + 1 < n && !is_space(line[i + 1]) {
                        return false;
                    }
                    i += 1;
                    break;
                } else {
                    out.push(c);
                }
                i += 1;
            } else {
                if i >= n {
                    break;
                }
                match line[i] {
                    b' ' | b'\n' | b'\r' | b'\t' | 0 => break,
                    b'"' => inq = true,
                    b'\'' => insq = true,
                    c => out.push(c),
                }
                i += 1;
            }
        }
        ranges.push(start..out.len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(input: &[u8]) -> Result<Vec<Vec<Vec<u8>>>, ParseError> {
        let mut p = Parser::default();
        let mut off = 0;
        let mut out = vec![];
        while let Some((req, used)) = p.next(&input[off..])? {
            let b = &input[off..];
            match req {
                Request::Multibulk => {
                    out.push(p.args().iter().map(|r| b[r.clone()].to_vec()).collect())
                }
                Request::Inline => out.push(
                    p.args()
                        .iter()
                        .map(|r| p.inline_buf()[r.clone()].to_vec())
                        .collect(),
                ),
                Request::Empty => {}
            }
            off += used;
        }
        Ok(out)
    }

    #[test]
    fn multibulk_and_inline_mix() {
        let r =
            parse_all(b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\nPING\r\nset \"a b\" 'c\\'d'\r\n").unwrap();
        assert_eq!(
            r,
            vec![
                vec![b"GET".to_vec(), b"k".to_vec()],
                vec![b"PING".to_vec()],
                vec![b"set".to_vec(), b"a b".to_vec(), b"c'd".to_vec()],
            ]
        );
    }

    #[test]
    fn resumes_byte_by_byte() {
        let input = b"*3\r\n$3\r\nSET\r\n$5\r\nhello\r\n$0\r\n\r\n";
        let mut p = Parser::default();
        for i in 0..input.len() - 1 {
            assert_eq!(p.next(&input[..=i]).unwrap(), None, "at {i}");
        }
        let (req, used) = p.next(input).unwrap().unwrap();
        assert_eq!((req, used), (Request::Multibulk, input.len()));
        assert_eq!(p.args().len(), 3);
        assert_eq!(&input[p.args()[2].clone()], b"");
    }

    #[test]
    fn protocol_errors() {
        assert_eq!(
            parse_all(b"*abc\r\n").unwrap_err().0,
            "invalid multibulk length"
        );
        assert_eq!(
            parse_all(b"*2147483648\r\n").unwrap_err().0,
            "invalid multibulk length"
        );
        assert_eq!(
            parse_all(b"*2000000\r\n").unwrap(),
            Vec::<Vec<Vec<u8>>>::new()
        );
        assert_eq!(
            parse_all(b"*1\r\n$-5\r\n").unwrap_err().0,
            "invalid bulk length"
        );
        assert_eq!(
            parse_all(b"*1\r\n$999999999999\r\n").unwrap_err().0,
            "invalid bulk length"
        );
        assert_eq!(
            parse_all(b"*1\r\n:1\r\n").unwrap_err().0,
            "expected '$', got ':'"
        );
        assert_eq!(
            parse_all(b"get \"abc\r\n").unwrap_err().0,
            "unbalanced quotes in request"
        );
        assert_eq!(
            parse_all(&vec![b'a'; 70000]).unwrap_err().0,
            "too big inline request"
        );
    }

    #[test]
    fn hex_escapes_and_empty_lines() {
        assert_eq!(
            parse_all(b"a\x00b c\r\n").unwrap(),
            vec![vec![b"a".to_vec()]]
        );
        assert_eq!(
            parse_all(b"\x0b a\x0bb\r\n").unwrap(),
            vec![vec![b"a\x0bb".to_vec()]]
        );
        let r = parse_all(b"\r\n\nset k \"\\x41\\x00\\n\"\r\n").unwrap();
        assert_eq!(
            r,
            vec![vec![b"set".to_vec(), b"k".to_vec(), b"A\0\n".to_vec()]]
        );
    }
}
