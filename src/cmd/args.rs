//! Command arguments as byte slices, without a copy per argument.

use std::ops::Range;

/// The arguments of one command (`args.get(0)` is the command name), as ranges into one
/// buffer: the connection's read buffer natively, or a buffer the JS glue filled.
#[derive(Debug, Clone, Copy)]
pub struct Args<'a> {
    buf: &'a [u8],
    ranges: &'a [Range<usize>],
}

impl<'a> Args<'a> {
    /// Arguments `ranges` within `buf`. Ranges must lie within `buf`.
    pub fn new(buf: &'a [u8], ranges: &'a [Range<usize>]) -> Self {
        Args { buf, ranges }
    }

    /// Number of arguments, including the command name.
    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Argument `i`; an empty slice if out of range (the central arity check makes the
    /// fixed positions safe; optional ones are checked against `len()` by handlers).
    #[inline]
    pub fn get(&self, i: usize) -> &'a [u8] {
        match self.ranges.get(i) {
            Some(r) => self.buf.get(r.clone()).unwrap_or(&[]),
            None => &[],
        }
    }

    /// Iterate over all arguments.
    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        (0..self.len()).map(move |i| self.get(i))
    }

    /// Arguments from `start` on.
    pub fn tail(&self, start: usize) -> Args<'a> {
        Args {
            buf: self.buf,
            ranges: self.ranges.get(start..).unwrap_or(&[]),
        }
    }

    /// Owned copies of all arguments.
    pub fn to_vecs(&self) -> Vec<Vec<u8>> {
        self.iter().map(|a| a.to_vec()).collect()
    }

    /// Whether argument `i` equals `word`, ASCII case-insensitively.
    #[inline]
    pub fn is(&self, i: usize, word: &str) -> bool {
        self.get(i).eq_ignore_ascii_case(word.as_bytes())
    }
}

/// An owned argument vector that can lend [`Args`].
#[derive(Debug, Default, Clone)]
pub struct ArgvBuf {
    buf: Vec<u8>,
    ranges: Vec<Range<usize>>,
}

impl ArgvBuf {
    /// Empty.
    pub fn new() -> Self {
        Self::default()
    }

    /// From a list of arguments.
    pub fn from_parts<I, B>(parts: I) -> Self
    where
        I: IntoIterator<Item = B>,
        B: AsRef<[u8]>,
    {
        let mut a = ArgvBuf::new();
        for p in parts {
            a.push(p.as_ref());
        }
        a
    }

    /// Append one argument.
    pub fn push(&mut self, arg: &[u8]) {
        let start = self.buf.len();
        self.buf.extend_from_slice(arg);
        self.ranges.push(start..self.buf.len());
    }

    /// Remove all arguments, keeping the allocation.
    pub fn clear(&mut self) {
        self.buf.clear();
        self.ranges.clear();
    }

    /// Borrow as [`Args`].
    pub fn args(&self) -> Args<'_> {
        Args::new(&self.buf, &self.ranges)
    }
}
