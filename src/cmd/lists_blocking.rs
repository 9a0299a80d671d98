//! The blocking list commands: BLPOP, BRPOP, BLMPOP, BLMOVE, BRPOPLPUSH.
//!
//! Each serves at once when a list has data. Otherwise a client that may block is
//! parked with [`Ctx::block`] (the engine re-runs the whole command when one of the keys
//! is signalled ready, first come first served), and one that may not (inside MULTI,
//! embedded callers) gets the timeout reply right away. The timeout reply is a null
//! array for all of them, as Redis's `replyToBlockedClientTimedOut`; BLMOVE and
//! BRPOPLPUSH answer a plain null when they cannot block. Served commands propagate as
//! their non-blocking forms (LPOP/RPOP, LPOP/RPOP with a count, LMOVE, RPOPLPUSH).

use super::{MpopArgs, lmove_generic, parse_mpop, parse_where, pop_first, propagate_one};
use crate::cmd::strings::longdouble;
use crate::cmd::{Args, Ctx};
use crate::reply::{CmdError, CmdResult, Reply};

/// `getTimeoutFromObjectOrReply` in seconds (Redis 7.2): a float parsed as
/// `strtold`, turned into milliseconds rounded up; 0 waits forever. Returns the absolute
/// deadline in Unix ms, `i64::MAX` for forever.
pub(crate) fn parse_timeout(arg: &[u8], now: i64) -> Result<i64, CmdError> {
    let not_float = || CmdError::err("timeout is not a float or out of range");
    let out_of_range = || CmdError::err("timeout is out of range");
    let ld = longdouble::parse(arg).ok_or_else(not_float)?;
    let neg = arg.first() == Some(&b'-');
    let secs = if ld.is_infinite() {
        if neg {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        }
    } else {
        let s = std::str::from_utf8(arg).map_err(|_| not_float())?;
        crate::float_parse::parse_f64(s)
            .or_else(|| hex_f64(s))
            .ok_or_else(not_float)?
    };
    let ms = secs * 1000.0;
    if ms > i64::MAX as f64 {
        return Err(out_of_range());
    }
    let ms = ms.ceil();
    if ms < 0.0 {
        return Err(CmdError::err("timeout is negative"));
    }
    let tval = ms as i64;
    if tval == 0 {
        return Ok(i64::MAX);
    }
    if tval > i64::MAX - now.max(0) {
        return Err(out_of_range());
    }
    Ok(now + tval)
}

/// The value of a hexadecimal float (`0x1.8p3`) that `strtold` accepted (sign, `0x`,
/// hex digits with an optional point, optional binary exponent).
fn hex_f64(s: &str) -> Option<f64> {
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let rest = rest
        .strip_prefix("0x")
        .or_else(|| rest.strip_prefix("0X"))?;
    let (mant, exp) = match rest.find(['p', 'P']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let mut v = 0f64;
    let mut scale = 0i64;
    let mut dot = false;
    for c in mant.chars() {
        if c == '.' {
            dot = true;
            continue;
        }
        v = v * 16.0 + c.to_digit(16)? as f64;
        if dot {
            scale -= 4;
        }
    }
    let e = match exp {
        None => 0,
        Some(e) => {
            let (eneg, digits) = match e.as_bytes().first() {
                Some(b'-') => (true, &e[1..]),
                Some(b'+') => (false, &e[1..]),
                _ => (false, e),
            };
            let mut x = 0i64;
            for c in digits.chars() {
                x = (x * 10 + c.to_digit(10)? as i64).min(1 << 20);
            }
            if eneg { -x } else { x }
        }
    };
    let v = v * 2f64.powi((e + scale).clamp(-4000, 4000) as i32);
    Some(if neg { -v } else { v })
}

/// Park the client on `keys` until `deadline`, or answer `unblocked` when it may not
/// block.
fn block_or(ctx: &mut Ctx, keys: Vec<Vec<u8>>, deadline: i64, unblocked: Reply) -> CmdResult {
    if !ctx.can_block() {
        return Ok(unblocked);
    }
    ctx.block(keys, deadline, Reply::NilArray);
    Ok(Reply::NilArray)
}

/// BLPOP/BRPOP: keys are argv[1..argc-1], the timeout is last.
fn bpop(ctx: &mut Ctx, args: &Args, front: bool) -> CmdResult {
    let argc = args.len();
    let deadline = parse_timeout(args.get(argc - 1), ctx.now)?;
    let keys = (1..argc - 1).map(|i| args.get(i));
    if let Some(r) = pop_first(ctx, keys.clone(), front, None)? {
        return Ok(r);
    }
    block_or(
        ctx,
        keys.map(|k| k.to_vec()).collect(),
        deadline,
        Reply::NilArray,
    )
}

/// ```text
/// BLPOP key [key ...] timeout
/// ```
/// Pop the head of the first non-empty list as `[key, element]`, waiting up to
/// `timeout` seconds (0 = forever) for one.
pub fn blpop(ctx: &mut Ctx, args: &Args) -> CmdResult {
    bpop(ctx, args, true)
}

/// ```text
/// BRPOP key [key ...] timeout
/// ```
/// BLPOP from the tail.
pub fn brpop(ctx: &mut Ctx, args: &Args) -> CmdResult {
    bpop(ctx, args, false)
}

/// ```text
/// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]
/// ```
/// LMPOP, waiting up to `timeout` seconds for a list to pop from.
pub fn blmpop(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let MpopArgs {
        first,
        numkeys,
        front,
        count,
    } = parse_mpop(args, 2)?;
    let deadline = parse_timeout(args.get(1), ctx.now)?;
    let keys = (first..first + numkeys).map(|i| args.get(i));
    if let Some(r) = pop_first(ctx, keys.clone(), front, Some(count))? {
        return Ok(r);
    }
    block_or(
        ctx,
        keys.map(|k| k.to_vec()).collect(),
        deadline,
        Reply::NilArray,
    )
}

/// BLMOVE/BRPOPLPUSH once the arguments are parsed: wait for `source`, then move.
fn bmove(
    ctx: &mut Ctx,
    args: &Args,
    from: bool,
    to: bool,
    deadline: i64,
    as_lmove: bool,
) -> CmdResult {
    let src = args.get(1);
    let dst = args.get(2);
    let exists = match ctx.lookup_write(src) {
        None => false,
        Some(e) => match &e.value {
            crate::types::Value::List(_) => true,
            _ => return Err(CmdError::WrongType),
        },
    };
    if !exists {
        return block_or(ctx, vec![src.to_vec()], deadline, Reply::Nil);
    }
    let (reply, moved) = lmove_generic(ctx, src, dst, from, to)?;
    if moved {
        if as_lmove {
            propagate_one(ctx, &[b"LMOVE", src, dst, args.get(3), args.get(4)]);
        } else {
            propagate_one(ctx, &[b"RPOPLPUSH", src, dst]);
        }
    }
    Ok(reply)
}

/// ```text
/// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout
/// ```
/// LMOVE, waiting up to `timeout` seconds for `source` to have an element.
pub fn blmove(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let from = parse_where(args.get(3))?;
    let to = parse_where(args.get(4))?;
    let deadline = parse_timeout(args.get(5), ctx.now)?;
    bmove(ctx, args, from, to, deadline, true)
}

/// ```text
/// BRPOPLPUSH source destination timeout
/// ```
/// RPOPLPUSH, waiting up to `timeout` seconds for `source` to have an element.
pub fn brpoplpush(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let deadline = parse_timeout(args.get(3), ctx.now)?;
    bmove(ctx, args, false, true, deadline, false)
}

#[cfg(test)]
mod tests {
    use super::parse_timeout;

    #[test]
    fn timeouts_parse_like_redis_7_2() {
        let now = 1_000_000;
        assert_eq!(parse_timeout(b"0", now), Ok(i64::MAX));
        assert_eq!(parse_timeout(b"1", now), Ok(now + 1000));
        assert_eq!(parse_timeout(b"0.2", now), Ok(now + 200));
        assert_eq!(parse_timeout(b"0.0001", now), Ok(now + 1));
        assert_eq!(parse_timeout(b"-0.0001", now), Ok(i64::MAX));
        assert_eq!(parse_timeout(b"1e3", now), Ok(now + 1_000_000));
        assert_eq!(parse_timeout(b"0x10", now), Ok(now + 16_000));
        assert_eq!(parse_timeout(b"0x1.8p-1", now), Ok(now + 750));
        let text = |r: Result<i64, crate::reply::CmdError>| r.err().map(|e| e.to_string());
        assert_eq!(
            text(parse_timeout(b"-1", now)).as_deref(),
            Some("ERR timeout is negative")
        );
        assert_eq!(
            text(parse_timeout(b"-inf", now)).as_deref(),
            Some("ERR timeout is negative")
        );
        assert_eq!(
            text(parse_timeout(b"inf", now)).as_deref(),
            Some("ERR timeout is out of range")
        );
        assert_eq!(
            text(parse_timeout(b"1e400", now)).as_deref(),
            Some("ERR timeout is out of range")
        );
        assert_eq!(
            text(parse_timeout(b"9223372036854775", now)).as_deref(),
            Some("ERR timeout is out of range")
        );
        for bad in [&b"abc"[..], b"nan", b" 1", b"1 ", b"", b"1e5000"] {
            assert_eq!(
                text(parse_timeout(bad, now)).as_deref(),
                Some("ERR timeout is not a float or out of range"),
                "{bad:?}"
            );
        }
    }
}
