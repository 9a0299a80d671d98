//! LCS: the longest common subsequence of two strings.
//!
//! The classic dynamic-programming table `L[i][j]` (LCS length of the first `i` bytes of
//! `a` and the first `j` bytes of `b`) is filled, then walked back from `(alen, blen)`:
//! on equal bytes both indexes step back and the byte joins the result; otherwise the
//! index whose step keeps the larger length steps back (`j` on ties). The walk decides
//! *which* of several equally long subsequences is reported and how the IDX ranges are
//! grouped, so it follows Redis's `lcsCommand` step for step; the replies match.
//!
//! The table holds `(alen+1)*(blen+1)` u32 cells; like Redis 7 we refuse tables larger
//! than `proto-max-bulk-len` bytes. `LEN` alone needs only two rows.

use super::super::{Args, Ctx, parse_i64};
use super::as_str;
use crate::reply::{CmdError, CmdResult, Reply};

/// ```text
/// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]
/// ```
pub fn lcs(ctx: &mut Ctx, args: &Args) -> CmdResult {
    // Both keys are looked up before either is type-checked, as in Redis.
    let a = read_for_lcs(ctx, args.get(1));
    let b = read_for_lcs(ctx, args.get(2));
    let (Some(a), Some(b)) = (a, b) else {
        return Err(CmdError::err(
            "The specified keys must contain string values",
        ));
    };

    let (mut getlen, mut getidx, mut withmatchlen) = (false, false, false);
    let mut minmatchlen: u64 = 0;
    let mut j = 3;
    while j < args.len() {
        let opt = args.get(j);
        let more = args.len() - 1 - j;
        if opt.eq_ignore_ascii_case(b"IDX") {
            getidx = true;
        } else if opt.eq_ignore_ascii_case(b"LEN") {
            getlen = true;
        } else if opt.eq_ignore_ascii_case(b"WITHMATCHLEN") {
            withmatchlen = true;
        } else if opt.eq_ignore_ascii_case(b"MINMATCHLEN") && more > 0 {
            minmatchlen = parse_i64(args.get(j + 1))?.max(0) as u64;
            j += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    if getlen && getidx {
        return Err(CmdError::err(
            "If you want both the length and indexes, please just use IDX.",
        ));
    }
    if a.len() as u64 >= u32::MAX as u64 - 1 || b.len() as u64 >= u32::MAX as u64 - 1 {
        return Err(CmdError::err("String too long for LCS"));
    }
    let cells = (a.len() as u64 + 1) * (b.len() as u64 + 1);
    if cells.saturating_mul(4) > ctx.st.config.proto_max_bulk_len as u64 {
        return Err(CmdError::err(
            "Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
        ));
    }
    if getlen {
        return Ok(Reply::Int(lcs_len(&a, &b) as i64));
    }
    let table = build_table(&a, &b, cells as usize).ok_or_else(|| {
        CmdError::err("Insufficient memory, failed allocating transient memory for LCS")
    })?;
    Ok(walk(&a, &b, &table, getidx, withmatchlen, minmatchlen))
}

/// The string at `key` (empty if absent), or `None` if it holds another type.
fn read_for_lcs(ctx: &mut Ctx, key: &[u8]) -> Option<Vec<u8>> {
    match ctx.lookup_read(key) {
        None => Some(Vec::new()),
        Some(e) => as_str(&e.value).ok().map(|s| s.to_vec()),
    }
}

/// LCS length with two rows of the table.
fn lcs_len(a: &[u8], b: &[u8]) -> u32 {
    let mut prev = vec![0u32; b.len() + 1];
    let mut cur = vec![0u32; b.len() + 1];
    for &ai in a {
        for (j, &bj) in b.iter().enumerate() {
            cur[j + 1] = if ai == bj {
                prev[j] + 1
            } else {
                prev[j + 1].max(cur[j])
            };
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The full table, row-major with rows of `b.len() + 1` cells; `None` if it cannot be
/// allocated.
fn build_table(a: &[u8], b: &[u8], cells: usize) -> Option<Vec<u32>> {
    let w = b.len() + 1;
    let mut t: Vec<u32> = Vec::new();
    t.try_reserve_exact(cells).ok()?;
    t.resize(cells, 0);
    for (i, &ai) in a.iter().enumerate() {
        // Row i+1 from row i.
        let (done, rest) = t.split_at_mut((i + 1) * w);
        let prev = &done[i * w..];
        let cur = &mut rest[..w];
        for (j, &bj) in b.iter().enumerate() {
            cur[j + 1] = if ai == bj {
                prev[j] + 1
            } else {
                prev[j + 1].max(cur[j])
            };
        }
    }
    Some(t)
}

/// Walk the table back and build the reply: the subsequence, or with IDX the matching
/// ranges (longest-index first) and the length.
fn walk(
    a: &[u8],
    b: &[u8],
    t: &[u32],
    getidx: bool,
    withmatchlen: bool,
    minmatchlen: u64,
) -> Reply {
    let w = b.len() + 1;
    let at = |i: usize, j: usize| t[j + i * w];
    let (alen, blen) = (a.len(), b.len());
    let total = at(alen, blen);
    let mut idx = total as usize;
    let mut result = vec![0u8; idx];
    let mut matches = Vec::new();
    // `arange_start == alen` means "no range being tracked".
    let (mut arange_start, mut arange_end, mut brange_start, mut brange_end) = (alen, 0, 0, 0);
    let (mut i, mut j) = (alen, blen);
    while i > 0 && j > 0 {
        let mut emit = false;
        if a[i - 1] == b[j - 1] {
            result[idx - 1] = a[i - 1];
            if arange_start == alen {
                arange_start = i - 1;
                arange_end = i - 1;
                brange_start = j - 1;
                brange_end = j - 1;
            } else if arange_start == i && brange_start == j {
                // Contiguous with the current range: extend it backwards.
                arange_start -= 1;
                brange_start -= 1;
            } else {
                emit = true;
            }
            if arange_start == 0 || brange_start == 0 {
                emit = true;
            }
            idx -= 1;
            i -= 1;
            j -= 1;
        } else {
            if at(i - 1, j) > at(i, j - 1) {
                i -= 1;
            } else {
                j -= 1;
            }
            if arange_start != alen {
                emit = true;
            }
        }
        if emit {
            let match_len = (arange_end - arange_start + 1) as u64;
            if getidx && (minmatchlen == 0 || match_len >= minmatchlen) {
                let mut m = vec![
                    Reply::Array(vec![
                        Reply::Int(arange_start as i64),
                        Reply::Int(arange_end as i64),
                    ]),
                    Reply::Array(vec![
                        Reply::Int(brange_start as i64),
                        Reply::Int(brange_end as i64),
                    ]),
                ];
                if withmatchlen {
                    m.push(Reply::Int(match_len as i64));
                }
                matches.push(Reply::Array(m));
            }
            arange_start = alen;
        }
    }
    if getidx {
        Reply::Map(vec![
            (Reply::bulk("matches"), Reply::Array(matches)),
            (Reply::bulk("len"), Reply::Int(total as i64)),
        ])
    } else {
        Reply::Bulk(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(a: &[u8], b: &[u8]) -> Vec<u32> {
        build_table(a, b, (a.len() + 1) * (b.len() + 1)).expect("small table")
    }

    #[test]
    fn subsequence_and_length_agree() {
        let (a, b) = (&b"ohmytext"[..], &b"mynewtext"[..]);
        assert_eq!(
            walk(a, b, &table(a, b), false, false, 0),
            Reply::bulk("mytext")
        );
        assert_eq!(lcs_len(a, b), 6);
        assert_eq!(lcs_len(b"", b"abc"), 0);
        assert_eq!(
            walk(b"", b"", &table(b"", b""), false, false, 0),
            Reply::bulk("")
        );
    }

    #[test]
    fn idx_ranges_match_redis_documentation() {
        let (a, b) = (&b"ohmytext"[..], &b"mynewtext"[..]);
        let r = walk(a, b, &table(a, b), true, true, 4);
        let range = |x: i64, y: i64| Reply::Array(vec![Reply::Int(x), Reply::Int(y)]);
        assert_eq!(
            r,
            Reply::Map(vec![
                (
                    Reply::bulk("matches"),
                    Reply::Array(vec![Reply::Array(vec![
                        range(4, 7),
                        range(5, 8),
                        Reply::Int(4)
                    ])])
                ),
                (Reply::bulk("len"), Reply::Int(6)),
            ])
        );
    }
}
