//! Encoding [`Reply`] values as RESP2 or RESP3.

use crate::reply::Reply;

/// Append the decimal form of `v` to `out` without going through `fmt`.
#[inline]
pub fn push_int(out: &mut Vec<u8>, v: i64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let neg = v < 0;
    let mut n = v.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if neg {
        out.push(b'-');
    }
    out.extend_from_slice(&buf[i..]);
}

#[inline]
fn header(out: &mut Vec<u8>, prefix: u8, n: usize) {
    out.push(prefix);
    push_int(out, n as i64);
    out.extend_from_slice(b"\r\n");
}

/// Format a double as Redis 7.2 does (shortest round-trip digits in `%.17g` layout):
/// `1.5`, `10`, `1e+21`, `1.0000000000000001e-07`-style exponents, `inf`, `-inf`, `nan`.
pub fn fmt_double(d: f64) -> String {
    if d.is_nan() {
        return "nan".into();
    }
    if d.is_infinite() {
        return if d > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if d == 0.0 {
        return if d.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let Some(sh) = crate::float_fmt::shortest(d) else {
        return "nan".into();
    };
    let mut s = String::new();
    if d < 0.0 {
        s.push('-');
    }
    if (-4..17).contains(&sh.exp) {
        sh.push_plain(&mut s);
    } else {
        sh.push_sci(true, 2, &mut s);
    }
    s
}

fn bulk(out: &mut Vec<u8>, b: &[u8]) {
    header(out, b'$', b.len());
    out.extend_from_slice(b);
    out.extend_from_slice(b"\r\n");
}

fn line(out: &mut Vec<u8>, prefix: u8, s: &str) {
    out.push(prefix);
    // A simple string or error must not contain CR or LF.
    for &c in s.as_bytes() {
        out.push(if c == b'\r' || c == b'\n' { b' ' } else { c });
    }
    out.extend_from_slice(b"\r\n");
}

/// Append `reply` to `out`, in RESP3 if `resp3`, else RESP2.
pub fn encode(reply: &Reply, resp3: bool, out: &mut Vec<u8>) {
    match reply {
        Reply::Ok => out.extend_from_slice(b"+OK\r\n"),
        Reply::Simple(s) => line(out, b'+', s),
        Reply::Error(s) => line(out, b'-', s),
        Reply::Int(i) => {
            out.push(b':');
            push_int(out, *i);
            out.extend_from_slice(b"\r\n");
        }
        Reply::Bulk(b) => bulk(out, b),
        Reply::Nil => out.extend_from_slice(if resp3 { b"_\r\n" } else { b"$-1\r\n" }),
        Reply::NilArray => out.extend_from_slice(if resp3 { b"_\r\n" } else { b"*-1\r\n" }),
        Reply::Array(items) => {
            header(out, b'*', items.len());
            for r in items {
                encode(r, resp3, out);
            }
        }
        Reply::Set(items) => {
            header(out, if resp3 { b'~' } else { b'*' }, items.len());
            for r in items {
                encode(r, resp3, out);
            }
        }
        Reply::Frames(items) => {
            for r in items {
                encode(r, resp3, out);
            }
        }
        Reply::Push(items) => {
            header(out, if resp3 { b'>' } else { b'*' }, items.len());
            for r in items {
                encode(r, resp3, out);
            }
        }
        Reply::Map(pairs) => {
            if resp3 {
                header(out, b'%', pairs.len());
            } else {
                header(out, b'*', pairs.len() * 2);
            }
            for (k, v) in pairs {
                encode(k, resp3, out);
                encode(v, resp3, out);
            }
        }
        Reply::Double(d) => {
            let s = fmt_double(*d);
            if resp3 {
                line(out, b',', &s);
            } else {
                bulk(out, s.as_bytes());
            }
        }
        Reply::Bool(b) => {
            if resp3 {
                out.extend_from_slice(if *b { b"#t\r\n" } else { b"#f\r\n" });
            } else {
                out.extend_from_slice(if *b { b":1\r\n" } else { b":0\r\n" });
            }
        }
        Reply::Verbatim(fmt, text) => {
            if resp3 {
                header(out, b'=', text.len() + 4);
                out.extend_from_slice(fmt.as_bytes());
                out.push(b':');
                out.extend_from_slice(text);
                out.extend_from_slice(b"\r\n");
            } else {
                bulk(out, text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(r: &Reply, resp3: bool) -> String {
        let mut v = vec![];
        encode(r, resp3, &mut v);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn doubles_like_redis() {
        assert_eq!(fmt_double(1.5), "1.5");
        assert_eq!(fmt_double(10.0), "10");
        assert_eq!(fmt_double(1e21), "1e+21");
        assert_eq!(fmt_double(1e-7), "1e-07");
        assert_eq!(fmt_double(0.0001), "0.0001");
        assert_eq!(fmt_double(-3.25), "-3.25");
        assert_eq!(fmt_double(123456789012345680.0), "1.2345678901234568e+17");
        assert_eq!(fmt_double(f64::INFINITY), "inf");
    }

    #[test]
    fn resp2_downgrades() {
        let m = Reply::Map(vec![(Reply::bulk("a"), Reply::Int(1))]);
        assert_eq!(enc(&m, false), "*2\r\n$1\r\na\r\n:1\r\n");
        assert_eq!(enc(&m, true), "%1\r\n$1\r\na\r\n:1\r\n");
        assert_eq!(enc(&Reply::Nil, false), "$-1\r\n");
        assert_eq!(enc(&Reply::NilArray, true), "_\r\n");
        assert_eq!(enc(&Reply::Double(2.5), false), "$3\r\n2.5\r\n");
        assert_eq!(enc(&Reply::Int(-42), false), ":-42\r\n");
    }
}
