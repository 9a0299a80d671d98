//! Property test: the sorted set (both encodings, and the conversion between them) agrees
//! with a simple model — a `Vec` of (score, member) kept sorted — under random adds
//! (with every ZADD flag), removals, pops and rank-range removals. After each step the
//! order, ranks, scores, range by score, and reverse iteration are compared; a separate
//! phase with equal scores compares ranges by lex. Fixed seeds, bounded iterations.

use cinnabar::rng::Rng;
use cinnabar::types::zset::{AddFlags, AddOutcome, LexRange, Limits, ScoreRange, ZSet};

/// The model: sorted by (score, member), no duplicate members.
#[derive(Default)]
struct Model {
    v: Vec<(f64, Vec<u8>)>,
}

fn lt(a: &(f64, Vec<u8>), s: f64, m: &[u8]) -> bool {
    a.0 < s || (a.0 == s && a.1.as_slice() < m)
}

impl Model {
    fn pos(&self, m: &[u8]) -> Option<usize> {
        self.v.iter().position(|e| e.1 == m)
    }
    fn insert(&mut self, s: f64, m: &[u8]) {
        let at = self.v.partition_point(|e| lt(e, s, m));
        self.v.insert(at, (s, m.to_vec()));
    }
    fn add(&mut self, m: &[u8], score: f64, f: AddFlags) -> AddOutcome {
        match self.pos(m) {
            Some(i) => {
                if f.nx {
                    return AddOutcome::Skipped;
                }
                let cur = self.v[i].0;
                let mut new = score;
                if f.incr {
                    new += cur;
                    if new.is_nan() {
                        return AddOutcome::NaN;
                    }
                }
                if (f.lt && new >= cur) || (f.gt && new <= cur) {
                    return AddOutcome::Skipped;
                }
                if new != cur {
                    self.v.remove(i);
                    self.insert(new, m);
                    AddOutcome::Updated(new)
                } else {
                    AddOutcome::Unchanged(new)
                }
            }
            None if !f.xx => {
                self.insert(score, m);
                AddOutcome::Added(score)
            }
            None => AddOutcome::Skipped,
        }
    }
}

const SCORES: &[f64] = &[
    f64::NEG_INFINITY,
    -2.5,
    -1.0,
    -0.0,
    0.0,
    1.0,
    1.0,
    2.0,
    3.5,
    f64::INFINITY,
];

fn pick_score(rng: &mut Rng) -> f64 {
    if rng.below(3) == 0 {
        SCORES[rng.below(SCORES.len() as u64) as usize]
    } else {
        rng.below(50) as f64 - 25.0
    }
}

fn member(rng: &mut Rng, n: u64) -> Vec<u8> {
    let i = rng.below(n);
    // Some long members to cross the listpack value limit.
    if i % 17 == 16 {
        format!("long-{i}-{}", "x".repeat(70)).into_bytes()
    } else {
        format!("m{i:03}").into_bytes()
    }
}

fn flags(rng: &mut Rng) -> AddFlags {
    let mut f = AddFlags::default();
    match rng.below(8) {
        0 => f.nx = true,
        1 => f.xx = true,
        2 => f.gt = true,
        3 => f.lt = true,
        4 => f.incr = true,
        5 => {
            f.xx = true;
            f.gt = true;
        }
        _ => {}
    }
    f
}

fn same_bits(a: f64, b: f64) -> bool {
    a == b && a.is_sign_negative() == b.is_sign_negative()
}

/// Compare `z` with the model; the whole order and the structural invariants only when
/// `full` (they cost O(N log N)), ranks, scores and ranges always.
fn compare(z: &ZSet, m: &Model, rng: &mut Rng, step: usize, full: bool) {
    assert_eq!(z.len(), m.v.len(), "step {step}: len");
    if full {
        z.check().unwrap_or_else(|e| panic!("step {step}: {e}"));
        let got: Vec<(f64, Vec<u8>)> = z.iter().map(|(mm, s)| (s, mm.to_vec())).collect();
        assert_eq!(got.len(), m.v.len());
        for (g, w) in got.iter().zip(&m.v) {
            assert!(
                same_bits(g.0, w.0) && g.1 == w.1,
                "step {step}: order {g:?} vs {w:?}"
            );
        }
    }
    if m.v.is_empty() {
        return;
    }
    let n = m.v.len();
    // Ranks and scores of a few members (and a missing one).
    for _ in 0..4 {
        let r = rng.below(n as u64) as usize;
        let (s, mem) = &m.v[r];
        assert_eq!(z.rank(mem), Some((r, *s)), "step {step}: rank");
        assert_eq!(z.score(mem), Some(*s));
        let (gm, gs) = z.get(r).expect("get");
        assert_eq!((gm, gs), (mem.as_slice(), *s));
    }
    assert_eq!(z.rank(b"absent"), None);
    assert!(z.get(n).is_none());
    // Iteration from a rank, both ways (a window of up to 20).
    let r = rng.below(n as u64) as usize;
    let fwd: Vec<&[u8]> = z.iter_at(r, false).take(20).map(|(mm, _)| mm).collect();
    let want: Vec<&[u8]> = m.v[r..].iter().take(20).map(|e| e.1.as_slice()).collect();
    assert_eq!(fwd, want, "step {step}: forward from {r}");
    let back: Vec<&[u8]> = z.iter_at(r, true).take(20).map(|(mm, _)| mm).collect();
    let want: Vec<&[u8]> = m.v[..=r]
        .iter()
        .rev()
        .take(20)
        .map(|e| e.1.as_slice())
        .collect();
    assert_eq!(back, want, "step {step}: backward from {r}");
    // Score ranges.
    for _ in 0..3 {
        let range = ScoreRange {
            min: pick_score(rng),
            max: pick_score(rng),
            minex: rng.below(2) == 0,
            maxex: rng.below(2) == 0,
        };
        let first = m.v.partition_point(|e| !range.gte_min(e.0));
        let end = m.v.partition_point(|e| range.lte_max(e.0));
        let want = (first < end).then(|| (first, end - 1));
        assert_eq!(z.score_range(&range), want, "step {step}: {range:?}");
    }
}

fn run(lim: Limits, seed: u64, steps: usize, members: u64, full_every: usize) {
    let mut rng = Rng::seeded(seed);
    let mut z = ZSet::with_hint(0, 0, lim);
    let mut m = Model::default();
    for step in 0..steps {
        match rng.below(12) {
            0..=5 => {
                let mem = member(&mut rng, members);
                let f = flags(&mut rng);
                let s = pick_score(&mut rng);
                assert_eq!(z.add(&mem, s, f, lim), m.add(&mem, s, f), "step {step}");
                // A listpack stores integral scores as integers: -0 reads back as 0.
                if z.is_listpack() {
                    if let Some(i) = m.pos(&mem) {
                        if m.v[i].0 == 0.0 {
                            m.v[i].0 = 0.0;
                        }
                    }
                }
            }
            6 | 7 => {
                let mem = member(&mut rng, members);
                let want = m.pos(&mem).map(|i| m.v.remove(i)).is_some();
                assert_eq!(z.remove(&mem), want, "step {step}");
            }
            8 => {
                let max = rng.below(2) == 0;
                let want = if m.v.is_empty() {
                    None
                } else if max {
                    m.v.pop()
                } else {
                    Some(m.v.remove(0))
                };
                let got = z.pop(max).map(|(mm, s)| (s, mm.into_vec()));
                assert_eq!(got, want, "step {step}: pop");
            }
            9 if rng.below(4) == 0 => {
                let n = m.v.len().max(1) as u64;
                let a = rng.below(n) as usize;
                let b = a + rng.below(4) as usize;
                let want = if a < m.v.len() {
                    let e = b.min(m.v.len() - 1);
                    m.v.drain(a..=e).count()
                } else {
                    0
                };
                assert_eq!(z.remove_ranks(a, b), want, "step {step}: remove_ranks");
            }
            _ => {}
        }
        compare(&z, &m, &mut rng, step, step % full_every == 0);
    }
    compare(&z, &m, &mut rng, steps, true);
}

#[test]
fn listpack_and_conversion_agree_with_model() {
    run(Limits::default(), 1, 4000, 200, 1);
}

#[test]
fn small_limits_convert_early_and_agree() {
    run(
        Limits {
            max_entries: 8,
            max_value: 64,
        },
        2,
        4000,
        60,
        1,
    );
}

#[test]
fn skiplist_agrees_with_model() {
    run(
        Limits {
            max_entries: 0,
            max_value: 64,
        },
        3,
        6000,
        400,
        10,
    );
}

#[test]
fn big_skiplist_ranks_and_ranges() {
    // Many elements: exercises high skiplist levels and long spans.
    run(
        Limits {
            max_entries: 0,
            max_value: 64,
        },
        4,
        20000,
        5000,
        1000,
    );
}

#[test]
fn lex_ranges_agree_with_model() {
    for (lim, seed) in [
        (Limits::default(), 5u64),
        (
            Limits {
                max_entries: 0,
                max_value: 64,
            },
            6,
        ),
    ] {
        let mut rng = Rng::seeded(seed);
        let mut z = ZSet::with_hint(0, 0, lim);
        let mut names: Vec<Vec<u8>> = Vec::new();
        for _ in 0..100 {
            let len = 1 + rng.below(3) as usize;
            let mem: Vec<u8> = (0..len).map(|_| b'a' + rng.below(5) as u8).collect();
            if z.add(&mem, 0.0, AddFlags::default(), lim) != AddOutcome::Unchanged(0.0) {
                names.push(mem);
            }
        }
        names.sort();
        names.dedup();
        assert_eq!(z.len(), names.len());
        let bound = |rng: &mut Rng| -> Vec<u8> {
            match rng.below(8) {
                0 => b"-".to_vec(),
                1 => b"+".to_vec(),
                k => {
                    let mut b = vec![if k % 2 == 0 { b'[' } else { b'(' }];
                    let len = rng.below(3) as usize;
                    b.extend((0..len).map(|_| b'a' + rng.below(6) as u8));
                    b
                }
            }
        };
        for _ in 0..3000 {
            let (lo, hi) = (bound(&mut rng), bound(&mut rng));
            let range = LexRange::parse(&lo, &hi).expect("valid lex range");
            let want: Vec<usize> = (0..names.len())
                .filter(|&i| range.gte_min(&names[i]) && range.lte_max(&names[i]))
                .collect();
            assert_eq!(z.lex_first(&range), want.first().copied(), "{lo:?} {hi:?}");
            assert_eq!(z.lex_last(&range), want.last().copied(), "{lo:?} {hi:?}");
            assert_eq!(z.lex_count(&range), want.len(), "{lo:?} {hi:?}");
        }
    }
}
