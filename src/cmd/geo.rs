//! Geo commands (Redis's `geo.c`): GEOADD, GEOPOS, GEODIST, GEOHASH, GEOSEARCH,
//! GEOSEARCHSTORE, GEORADIUS, GEORADIUSBYMEMBER and their `_RO` variants.
//!
//! Positions live in sorted sets, scored with Redis's 52-bit geohash (see
//! [`crate::types::geohash`]), so the values interoperate with Redis. GEOADD is ZADD
//! with computed scores (it emits `zadd` and is propagated as ZADD, as in Redis). The
//! searches share [`search_generic`], Redis's `georadiusGeneric`: same argument
//! parsing order and errors, same nine-box scan, same distance filter.
//!
//! Replies: distances with four decimals; coordinates as Redis's "human" long double
//! format (`%.17Lf` without trailing zeros) in RESP2. In RESP3, coordinates are double
//! replies holding the same value (Redis sends them with the 17-decimal text; a client
//! parses both to the same double).
//!
//! Ordering: results are sorted by distance with a stable sort (glibc's `qsort` is a
//! merge sort); with COUNT, partially with a port of Redis's `pqsort`, so that equal
//! distances come out in Redis's order too.

use hashbrown::HashSet;

use super::args::ArgvBuf;
use super::zsets::{limits, read_zset, store_zset};
use super::{Args, Ctx, Handler, parse_f64_opt, parse_i64};
use crate::reply::{CmdError, CmdResult, Reply};
use crate::types::Value;
use crate::types::geohash::{self, HashBits, Shape, ShapeKind};
use crate::types::zset::{ZSet, c_str};

/// Handlers of this family.
pub const COMMANDS: &[(&str, Handler)] = &[
    ("geoadd", geoadd),
    ("geodist", geodist),
    ("geohash", geohash_cmd),
    ("geopos", geopos),
    ("georadius", georadius),
    ("georadius_ro", georadius_ro),
    ("georadiusbymember", georadiusbymember),
    ("georadiusbymember_ro", georadiusbymember_ro),
    ("geosearch", geosearch),
    ("geosearchstore", geosearchstore),
];

// ---------------------------------------------------------------------------------------
// Argument helpers
// ---------------------------------------------------------------------------------------

/// Case-insensitive option match on the C string (Redis compares with `strcasecmp`).
#[inline]
fn word(arg: &[u8], w: &str) -> bool {
    c_str(arg).eq_ignore_ascii_case(w.as_bytes())
}

/// Parse a coordinate as [`parse_f64_opt`] does, without its allocation for the common
/// plain-number spelling (digits, sign, point, exponent: no `inf`/`nan` words possible).
#[inline]
fn parse_coord(arg: &[u8]) -> Option<f64> {
    if !arg.is_empty()
        && arg.len() <= 64
        && arg
            .iter()
            .all(|&b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
    {
        return crate::float_parse::parse_f64(std::str::from_utf8(arg).ok()?);
    }
    parse_f64_opt(arg)
}

/// Parse a longitude/latitude pair (`extractLongLatOrReply`).
fn parse_lon_lat(lon: &[u8], lat: &[u8]) -> Result<[f64; 2], CmdError> {
    let x = parse_coord(lon).ok_or(CmdError::NotFloat)?;
    let y = parse_coord(lat).ok_or(CmdError::NotFloat)?;
    if !(geohash::LONG_MIN..=geohash::LONG_MAX).contains(&x)
        || !(geohash::LAT_MIN..=geohash::LAT_MAX).contains(&y)
    {
        return Err(CmdError::Other(
            format!(
                "ERR invalid longitude,latitude pair {},{}",
                crate::float_fmt::fixed(x, 6),
                crate::float_fmt::fixed(y, 6)
            )
            .into(),
        ));
    }
    Ok([x, y])
}

/// Metres per unit (`extractUnitOrReply`).
fn parse_unit(arg: &[u8]) -> Result<f64, CmdError> {
    if word(arg, "m") {
        Ok(1.0)
    } else if word(arg, "km") {
        Ok(1000.0)
    } else if word(arg, "ft") {
        Ok(0.3048)
    } else if word(arg, "mi") {
        Ok(1609.34)
    } else {
        Err(CmdError::err(
            "unsupported unit provided. please use M, KM, FT, MI",
        ))
    }
}

/// `<radius> <unit>` (`extractDistanceOrReply`): (radius, metres per unit).
fn parse_distance(r: &[u8], unit: &[u8]) -> Result<(f64, f64), CmdError> {
    let d = parse_f64_opt(r).ok_or_else(|| CmdError::err("need numeric radius"))?;
    if d < 0.0 {
        return Err(CmdError::err("radius cannot be negative"));
    }
    Ok((d, parse_unit(unit)?))
}

/// `<width> <height> <unit>` (`extractBoxOrReply`): (width, height, metres per unit).
fn parse_box(w: &[u8], h: &[u8], unit: &[u8]) -> Result<(f64, f64, f64), CmdError> {
    let w = parse_f64_opt(w).ok_or_else(|| CmdError::err("need numeric width"))?;
    let h = parse_f64_opt(h).ok_or_else(|| CmdError::err("need numeric height"))?;
    if h < 0.0 || w < 0.0 {
        return Err(CmdError::err("height or width cannot be negative"));
    }
    Ok((w, h, parse_unit(unit)?))
}

/// A distance with four decimals (Redis 7.2's `fixedpoint_d2string(d, 4)`, the same as
/// `%.4f` but for halfway products).
pub fn fmt_distance(d: f64) -> String {
    if d == 0.0 {
        return "0.0000".into();
    }
    let v = (d * 10000.0).round_ties_even();
    if !v.is_finite() || v.abs() >= 9.2e18 {
        return crate::float_fmt::fixed(d, 4);
    }
    let v = v as i64;
    let sign = if v < 0 { "-" } else { "" };
    let u = v.unsigned_abs();
    format!("{sign}{}.{:04}", u / 10000, u % 10000)
}

/// A coordinate as Redis's `LD_STR_HUMAN` prints it: `%.17Lf` with trailing zeros (and
/// a trailing dot) removed, `-0` as `0`.
pub fn fmt_coord(v: f64) -> String {
    if v.is_infinite() {
        return if v > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let mut s = crate::float_fmt::fixed(v, 17);
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" {
        s = "0".into();
    }
    s
}

/// A coordinate reply: bulk text in RESP2, a double in RESP3.
fn coord_reply(v: f64, resp3: bool) -> Reply {
    if resp3 {
        Reply::Double(v)
    } else {
        Reply::Bulk(fmt_coord(v).into_bytes())
    }
}

/// The score of `member` in the sorted set at `key` (no hit/miss accounting; the key was
/// looked up already).
fn member_score(ctx: &mut Ctx, key: &[u8], member: &[u8]) -> Option<f64> {
    match ctx.db().ks.get(key).map(|e| &e.value) {
        Some(Value::ZSet(z)) => z.score(member),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// GEOADD / GEOPOS / GEODIST / GEOHASH
// ---------------------------------------------------------------------------------------

/// ```text
/// GEOADD key [NX | XX] [CH] longitude latitude member [longitude latitude member ...]
/// ```
pub fn geoadd(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let (mut nx, mut xx) = (false, false);
    let mut longidx = 2;
    while longidx < args.len() {
        let a = args.get(longidx);
        if word(a, "nx") {
            nx = true;
        } else if word(a, "xx") {
            xx = true;
        } else if !word(a, "ch") {
            break;
        }
        longidx += 1;
    }
    if (args.len() - longidx) % 3 != 0 || (xx && nx) {
        return Err(CmdError::Syntax);
    }
    let elements = (args.len() - longidx) / 3;
    let mut argv = ArgvBuf::from_parts([b"zadd".as_slice()]);
    for i in 1..longidx {
        argv.push(args.get(i));
    }
    let mut num = [0u8; 20];
    for i in 0..elements {
        let base = longidx + i * 3;
        let xy = parse_lon_lat(args.get(base), args.get(base + 1))?;
        let score = geohash::score_of(xy[0], xy[1]).unwrap_or(0);
        argv.push(crate::persist::rdb::fmt_i64(score as i64, &mut num));
        argv.push(args.get(base + 2));
    }
    let dirty = ctx.st.dirty;
    let reply = super::zsets::zadd(ctx, &argv.args());
    if ctx.st.dirty != dirty {
        // Propagated as the ZADD it ran (nothing to build when nobody listens).
        let cmds = if ctx.st.propagation.is_some() {
            vec![argv.args().to_vecs()]
        } else {
            Vec::new()
        };
        ctx.propagate(cmds);
    }
    reply
}

/// ```text
/// GEOPOS key [member [member ...]]
/// ```
pub fn geopos(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let resp3 = ctx.sess.resp3();
    let z = read_zset(ctx, args.get(1))?;
    let out = (2..args.len())
        .map(|i| {
            match z
                .and_then(|z| z.score(args.get(i)))
                .and_then(geohash::decode_score)
            {
                Some([x, y]) => Reply::Array(vec![coord_reply(x, resp3), coord_reply(y, resp3)]),
                None => Reply::NilArray,
            }
        })
        .collect();
    Ok(Reply::Array(out))
}

/// ```text
/// GEODIST key member1 member2 [M | KM | FT | MI]
/// ```
pub fn geodist(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let to_meter = match args.len() {
        5 => parse_unit(args.get(4))?,
        n if n > 5 => return Err(CmdError::Syntax),
        _ => 1.0,
    };
    let Some(z) = read_zset(ctx, args.get(1))? else {
        return Ok(Reply::Nil);
    };
    let (Some(s1), Some(s2)) = (z.score(args.get(2)), z.score(args.get(3))) else {
        return Ok(Reply::Nil);
    };
    match (geohash::decode_score(s1), geohash::decode_score(s2)) {
        (Some(a), Some(b)) => {
            let d = geohash::distance(a[0], a[1], b[0], b[1]) / to_meter;
            Ok(Reply::Bulk(fmt_distance(d).into_bytes()))
        }
        _ => Ok(Reply::Nil),
    }
}

/// ```text
/// GEOHASH key [member [member ...]]
/// ```
pub fn geohash_cmd(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let z = read_zset(ctx, args.get(1))?;
    let out = (2..args.len())
        .map(|i| {
            match z
                .and_then(|z| z.score(args.get(i)))
                .and_then(geohash::geohash_string)
            {
                Some(h) => Reply::bulk(h),
                None => Reply::Nil,
            }
        })
        .collect();
    Ok(Reply::Array(out))
}

// ---------------------------------------------------------------------------------------
// Searches
// ---------------------------------------------------------------------------------------

/// Which search command (Redis's `RADIUS_*` / `GEOSEARCH*` flags).
#[derive(Debug, Clone, Copy, Default)]
struct Flags {
    /// Centre given as coordinates (GEORADIUS).
    coords: bool,
    /// Centre given as a member (GEORADIUSBYMEMBER).
    member: bool,
    /// No STORE/STOREDIST (`_RO` variants).
    nostore: bool,
    /// GEOSEARCH syntax.
    search: bool,
    /// GEOSEARCHSTORE.
    searchstore: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Sort {
    None,
    Asc,
    Desc,
}

/// One match.
struct Point<'z> {
    member: &'z [u8],
    score: f64,
    xy: [f64; 2],
    dist: f64,
}

/// ```text
/// GEORADIUS key longitude latitude radius <M | KM | FT | MI> [WITHCOORD] [WITHDIST]
///   [WITHHASH] [COUNT count [ANY]] [ASC | DESC] [STORE key | STOREDIST key]
/// ```
pub fn georadius(ctx: &mut Ctx, args: &Args) -> CmdResult {
    search_generic(
        ctx,
        args,
        1,
        Flags {
            coords: true,
            ..Flags::default()
        },
    )
}

/// ```text
/// GEORADIUS_RO key longitude latitude radius <M | KM | FT | MI> [WITHCOORD] [WITHDIST]
///   [WITHHASH] [COUNT count [ANY]] [ASC | DESC]
/// ```
pub fn georadius_ro(ctx: &mut Ctx, args: &Args) -> CmdResult {
    search_generic(
        ctx,
        args,
        1,
        Flags {
            coords: true,
            nostore: true,
            ..Flags::default()
        },
    )
}

/// ```text
/// GEORADIUSBYMEMBER key member radius <M | KM | FT | MI> [WITHCOORD] [WITHDIST]
///   [WITHHASH] [COUNT count [ANY]] [ASC | DESC] [STORE key | STOREDIST key]
/// ```
pub fn georadiusbymember(ctx: &mut Ctx, args: &Args) -> CmdResult {
    search_generic(
        ctx,
        args,
        1,
        Flags {
            member: true,
            ..Flags::default()
        },
    )
}

/// ```text
/// GEORADIUSBYMEMBER_RO key member radius <M | KM | FT | MI> [WITHCOORD] [WITHDIST]
///   [WITHHASH] [COUNT count [ANY]] [ASC | DESC]
/// ```
pub fn georadiusbymember_ro(ctx: &mut Ctx, args: &Args) -> CmdResult {
    search_generic(
        ctx,
        args,
        1,
        Flags {
            member: true,
            nostore: true,
            ..Flags::default()
        },
    )
}

/// ```text
/// GEOSEARCH key <FROMMEMBER member | FROMLONLAT longitude latitude>
///   <BYRADIUS radius <M | KM | FT | MI> | BYBOX width height <M | KM | FT | MI>>
///   [ASC | DESC] [COUNT count [ANY]] [WITHCOORD] [WITHDIST] [WITHHASH]
/// ```
pub fn geosearch(ctx: &mut Ctx, args: &Args) -> CmdResult {
    search_generic(
        ctx,
        args,
        1,
        Flags {
            search: true,
            ..Flags::default()
        },
    )
}

/// ```text
/// GEOSEARCHSTORE destination source <FROMMEMBER member | FROMLONLAT longitude latitude>
///   <BYRADIUS radius <M | KM | FT | MI> | BYBOX width height <M | KM | FT | MI>>
///   [ASC | DESC] [COUNT count [ANY]] [STOREDIST]
/// ```
pub fn geosearchstore(ctx: &mut Ctx, args: &Args) -> CmdResult {
    search_generic(
        ctx,
        args,
        2,
        Flags {
            search: true,
            searchstore: true,
            ..Flags::default()
        },
    )
}

/// The shared search (`georadiusGeneric`).
fn search_generic(ctx: &mut Ctx, args: &Args, src_idx: usize, flags: Flags) -> CmdResult {
    let src = args.get(src_idx);
    let exists = read_zset(ctx, src)?.is_some();
    let mut storekey: Option<&[u8]> = None;
    let mut storedist = false;
    let mut xy = [0.0f64; 2];
    let mut kind = ShapeKind::Circle(0.0);
    let mut conversion = 0.0;

    let base = if flags.coords {
        xy = parse_lon_lat(args.get(2), args.get(3))?;
        let (r, conv) = parse_distance(args.get(4), args.get(5))?;
        kind = ShapeKind::Circle(r);
        conversion = conv;
        6
    } else if flags.member && !exists {
        5
    } else if flags.member {
        xy = member_score(ctx, src, args.get(2))
            .and_then(geohash::decode_score)
            .ok_or_else(|| CmdError::err("could not decode requested zset member"))?;
        let (r, conv) = parse_distance(args.get(3), args.get(4))?;
        kind = ShapeKind::Circle(r);
        conversion = conv;
        5
    } else if flags.searchstore {
        storekey = Some(args.get(1));
        3
    } else {
        2
    };

    let (mut withdist, mut withhash, mut withcoords) = (false, false, false);
    let (mut frommember, mut fromloc, mut byradius, mut bybox) = (false, false, false, false);
    let mut sort = Sort::None;
    let mut any = false;
    let mut count: i64 = 0;
    let remaining = args.len().saturating_sub(base);
    let mut i = 0;
    while i < remaining {
        let at = |k: usize| args.get(base + k);
        let arg = at(i);
        if word(arg, "withdist") {
            withdist = true;
        } else if word(arg, "withhash") {
            withhash = true;
        } else if word(arg, "withcoord") {
            withcoords = true;
        } else if word(arg, "any") {
            any = true;
        } else if word(arg, "asc") {
            sort = Sort::Asc;
        } else if word(arg, "desc") {
            sort = Sort::Desc;
        } else if word(arg, "count") && i + 1 < remaining {
            count = parse_i64(at(i + 1))?;
            if count <= 0 {
                return Err(CmdError::err("COUNT must be > 0"));
            }
            i += 1;
        } else if word(arg, "store") && i + 1 < remaining && !flags.nostore && !flags.search {
            storekey = Some(at(i + 1));
            storedist = false;
            i += 1;
        } else if word(arg, "storedist") && i + 1 < remaining && !flags.nostore && !flags.search {
            storekey = Some(at(i + 1));
            storedist = true;
            i += 1;
        } else if word(arg, "storedist") && flags.search && flags.searchstore {
            storedist = true;
        } else if word(arg, "frommember") && i + 1 < remaining && flags.search && !fromloc {
            if exists {
                xy = member_score(ctx, src, at(i + 1))
                    .and_then(geohash::decode_score)
                    .ok_or_else(|| CmdError::err("could not decode requested zset member"))?;
            }
            frommember = true;
            i += 1;
        } else if word(arg, "fromlonlat") && i + 2 < remaining && flags.search && !frommember {
            xy = parse_lon_lat(at(i + 1), at(i + 2))?;
            fromloc = true;
            i += 2;
        } else if word(arg, "byradius") && i + 2 < remaining && flags.search && !bybox {
            let (r, conv) = parse_distance(at(i + 1), at(i + 2))?;
            kind = ShapeKind::Circle(r);
            conversion = conv;
            byradius = true;
            i += 2;
        } else if word(arg, "bybox") && i + 3 < remaining && flags.search && !byradius {
            let (w, h, conv) = parse_box(at(i + 1), at(i + 2), at(i + 3))?;
            kind = ShapeKind::Rect(w, h);
            conversion = conv;
            bybox = true;
            i += 3;
        } else {
            return Err(CmdError::Syntax);
        }
        i += 1;
    }

    let cmdname = || String::from_utf8_lossy(args.get(0)).into_owned();
    if storekey.is_some() && (withdist || withhash || withcoords) {
        let what = if flags.searchstore {
            "GEOSEARCHSTORE"
        } else {
            "STORE option in GEORADIUS"
        };
        return Err(CmdError::Other(
            format!("ERR {what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options")
                .into(),
        ));
    }
    if flags.search && !(frommember || fromloc) {
        return Err(CmdError::Other(
            format!(
                "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for {}",
                cmdname()
            )
            .into(),
        ));
    }
    if flags.search && !(byradius || bybox) {
        return Err(CmdError::Other(
            format!(
                "ERR exactly one of BYRADIUS and BYBOX can be specified for {}",
                cmdname()
            )
            .into(),
        ));
    }
    if any && count == 0 {
        return Err(CmdError::err("the ANY argument requires COUNT argument"));
    }

    if !exists {
        return Ok(match storekey {
            Some(dst) => {
                delete_store_key(ctx, dst);
                Reply::Int(0)
            }
            None => Reply::Array(vec![]),
        });
    }
    if count != 0 && sort == Sort::None && !any {
        sort = Sort::Asc;
    }

    let shape = Shape {
        xy,
        kind,
        conversion,
    };
    let resp3 = ctx.sess.resp3();
    let lim = limits(ctx);
    let Some(Value::ZSet(z)) = ctx.db().ks.get(src).map(|e| &e.value) else {
        return Ok(Reply::Array(vec![]));
    };
    let limit = if any {
        usize::try_from(count).unwrap_or(usize::MAX)
    } else {
        0
    };
    let mut points = members_of_all_neighbors(z, &shape, limit);

    if points.is_empty() && storekey.is_none() {
        return Ok(Reply::Array(vec![]));
    }
    let returned = if count == 0 {
        points.len()
    } else {
        points
            .len()
            .min(usize::try_from(count).unwrap_or(usize::MAX))
    };
    if sort != Sort::None {
        // Redis's comparators: by distance, equal distances comparing equal.
        let asc = |a: &Point, b: &Point| -> i32 {
            if a.dist > b.dist {
                1
            } else if a.dist == b.dist {
                0
            } else {
                -1
            }
        };
        let cmp = |a: &Point, b: &Point| {
            if sort == Sort::Asc {
                asc(a, b)
            } else {
                -asc(a, b)
            }
        };
        if returned == points.len() {
            // glibc's qsort is a stable merge sort.
            crate::compact::sort_by(&mut points, |a, b| cmp(a, b).cmp(&0));
        } else if returned > 0 {
            pqsort(&mut points, &cmp, 0, returned - 1);
        }
    }
    points.truncate(returned);

    let Some(dst) = storekey else {
        let mut out = Vec::with_capacity(returned);
        let opts = usize::from(withdist) + usize::from(withhash) + usize::from(withcoords);
        for p in &points {
            let dist = p.dist / conversion;
            if opts == 0 {
                out.push(Reply::bulk(p.member));
                continue;
            }
            let mut item = Vec::with_capacity(opts + 1);
            item.push(Reply::bulk(p.member));
            if withdist {
                item.push(Reply::Bulk(fmt_distance(dist).into_bytes()));
            }
            if withhash {
                item.push(Reply::Int(p.score as i64));
            }
            if withcoords {
                item.push(Reply::Array(vec![
                    coord_reply(p.xy[0], resp3),
                    coord_reply(p.xy[1], resp3),
                ]));
            }
            out.push(Reply::Array(item));
        }
        return Ok(Reply::Array(out));
    };

    // STORE / STOREDIST / GEOSEARCHSTORE: a sorted set of the results.
    let mut seen: HashSet<&[u8]> = HashSet::with_capacity(points.len());
    let mut entries: Vec<(Box<[u8]>, f64)> = Vec::with_capacity(points.len());
    for p in &points {
        if seen.insert(p.member) {
            let score = if storedist {
                p.dist / conversion
            } else {
                p.score
            };
            entries.push((p.member.into(), score));
        }
    }
    drop(seen);
    let n = returned as u64;
    if entries.is_empty() {
        delete_store_key(ctx, dst);
        return Ok(Reply::Int(0));
    }
    crate::compact::sort_by(&mut entries, |a, b| {
        a.1.partial_cmp(&b.1)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.0.cmp(&b.0))
    });
    let zs = ZSet::from_sorted(entries, lim);
    store_zset(ctx, dst, zs);
    let event = if flags.search {
        "geosearchstore"
    } else {
        "georadiusstore"
    };
    ctx.notify('z', event, dst);
    ctx.dirty(n);
    Ok(Reply::Int(n as i64))
}

/// Redis's `pqsort` (NetBSD's quicksort with Bentley–McIlroy partitioning, recursing
/// only into parts that overlap `lrange..=rrange`), ported so that elements comparing
/// equal end up in the same order as in Redis.
fn pqsort<T, F: Fn(&T, &T) -> i32>(v: &mut [T], cmp: &F, lrange: usize, rrange: usize) {
    let n = v.len() as isize;
    pqsort_part(v, cmp, 0, n, lrange as isize, rrange as isize);
}

fn pqsort_part<T, F: Fn(&T, &T) -> i32>(
    v: &mut [T],
    cmp: &F,
    mut lo: isize,
    mut n: isize,
    lr: isize,
    rr: isize,
) {
    let c = |v: &[T], i: isize, j: isize| cmp(&v[i as usize], &v[j as usize]);
    let swap = |v: &mut [T], i: isize, j: isize| v.swap(i as usize, j as usize);
    let vecswap = |v: &mut [T], i: isize, j: isize, k: isize| {
        for t in 0..k {
            v.swap((i + t) as usize, (j + t) as usize);
        }
    };
    let med3 = |v: &[T], a: isize, b: isize, d: isize| {
        if c(v, a, b) < 0 {
            if c(v, b, d) < 0 {
                b
            } else if c(v, a, d) < 0 {
                d
            } else {
                a
            }
        } else if c(v, b, d) > 0 {
            b
        } else if c(v, a, d) < 0 {
            a
        } else {
            d
        }
    };
    // Whether the part [s, s + k) lies entirely before or after the wanted range.
    let outside = |s: isize, k: isize| (lr < s && rr < s) || (lr >= s + k && rr >= s + k);
    loop {
        if n < 7 {
            for pm in lo + 1..lo + n {
                let mut pl = pm;
                while pl > lo && c(v, pl - 1, pl) > 0 {
                    swap(v, pl, pl - 1);
                    pl -= 1;
                }
            }
            return;
        }
        let mut pm = lo + n / 2;
        if n > 7 {
            let mut pl = lo;
            let mut pn = lo + n - 1;
            if n > 40 {
                let d = n / 8;
                pl = med3(v, pl, pl + d, pl + 2 * d);
                pm = med3(v, pm - d, pm, pm + d);
                pn = med3(v, pn - 2 * d, pn - d, pn);
            }
            pm = med3(v, pl, pm, pn);
        }
        swap(v, lo, pm);
        let (mut pa, mut pb) = (lo + 1, lo + 1);
        let (mut pc, mut pd) = (lo + n - 1, lo + n - 1);
        loop {
            while pb <= pc {
                let r = c(v, pb, lo);
                if r > 0 {
                    break;
                }
                if r == 0 {
                    swap(v, pa, pb);
                    pa += 1;
                }
                pb += 1;
            }
            while pb <= pc {
                let r = c(v, pc, lo);
                if r < 0 {
                    break;
                }
                if r == 0 {
                    swap(v, pc, pd);
                    pd -= 1;
                }
                pc -= 1;
            }
            if pb > pc {
                break;
            }
            swap(v, pb, pc);
            pb += 1;
            pc -= 1;
        }
        let pn = lo + n;
        let r = (pa - lo).min(pb - pa);
        vecswap(v, lo, pb - r, r);
        let r = (pd - pc).min(pn - pd - 1);
        vecswap(v, pb, pn - r, r);
        let r = pb - pa;
        if r > 1 && !outside(lo, r) {
            pqsort_part(v, cmp, lo, r, lr, rr);
        }
        let r = pd - pc;
        if r > 1 {
            lo = pn - r;
            n = r;
            if !outside(lo, n) {
                continue;
            }
        }
        return;
    }
}

/// Delete the destination of a search that stored nothing, notifying `del`.
fn delete_store_key(ctx: &mut Ctx, dst: &[u8]) {
    let _ = ctx.lookup_write(dst);
    if ctx.db().ks.remove(dst).is_some() {
        ctx.signal_modified(dst);
        ctx.notify('g', "del", dst);
        ctx.dirty(1);
    }
}

/// Scan the centre box and its neighbours (`membersOfAllNeighbors`), stopping once
/// `limit` points are found (0 = no limit).
fn members_of_all_neighbors<'z>(z: &'z ZSet, shape: &Shape, limit: usize) -> Vec<Point<'z>> {
    let r = geohash::areas_by_shape(shape);
    let n = r.neighbors;
    let boxes: [HashBits; 9] = [
        r.hash,
        n.north,
        n.south,
        n.east,
        n.west,
        n.north_east,
        n.north_west,
        n.south_east,
        n.south_west,
    ];
    let prepared = geohash::PreparedShape::new(shape);
    let mut out = Vec::new();
    let mut last_processed = 0usize;
    for (i, b) in boxes.iter().enumerate() {
        if b.is_zero() {
            continue;
        }
        // Large radii can make neighbours coincide: skip a box equal to the last one.
        if last_processed != 0 && *b == boxes[last_processed] {
            continue;
        }
        if !out.is_empty() && limit != 0 && out.len() >= limit {
            break;
        }
        let min = geohash::align52(*b);
        let max = geohash::align52(HashBits {
            bits: b.bits.wrapping_add(1),
            step: b.step,
        });
        points_in_range(z, min as f64, max as f64, &prepared, &mut out, limit);
        last_processed = i;
    }
    out
}

/// Append the points of scores in `[min, max)` that fall in the shape
/// (`geoGetPointsInRange`).
fn points_in_range<'z>(
    z: &'z ZSet,
    min: f64,
    max: f64,
    shape: &geohash::PreparedShape,
    out: &mut Vec<Point<'z>>,
    limit: usize,
) {
    let first = z.count_score_below(min, false);
    for (member, score) in z.iter_at(first, false) {
        if score >= max {
            break;
        }
        if let Some((xy, dist)) = shape.score_if_within(score) {
            out.push(Point {
                member,
                score,
                xy,
                dist,
            });
        }
        if !out.is_empty() && limit != 0 && out.len() >= limit {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pqsort_sorts_the_requested_prefix() {
        let cmp = |a: &i64, b: &i64| (a > b) as i32 - (a < b) as i32;
        let mut seed = 12345u64;
        for n in [1usize, 2, 6, 7, 8, 40, 41, 100, 1000] {
            let v: Vec<i64> = (0..n)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
                    (seed >> 40) as i64 % 50
                })
                .collect();
            let mut sorted = v.clone();
            sorted.sort();
            for k in [1, n / 2, n] {
                if k == 0 {
                    continue;
                }
                let mut w = v.clone();
                pqsort(&mut w, &cmp, 0, k - 1);
                assert_eq!(&w[..k], &sorted[..k], "n={n} k={k}");
                let mut all = w.clone();
                all.sort();
                assert_eq!(all, sorted, "a permutation");
            }
        }
    }

    #[test]
    fn formats_like_redis() {
        assert_eq!(fmt_distance(0.0), "0.0000");
        assert_eq!(fmt_distance(166274.1516), "166274.1516");
        assert_eq!(fmt_distance(0.5), "0.5000");
        assert_eq!(fmt_distance(56.44126), "56.4413");
        assert_eq!(fmt_coord(13.361389338970184), "13.36138933897018433");
        assert_eq!(fmt_coord(-180.0), "-180");
        assert_eq!(fmt_coord(0.5), "0.5");
    }
}
