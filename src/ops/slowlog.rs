//! The slow log: commands that took at least `slowlog-log-slower-than` microseconds,
//! newest first, at most `slowlog-max-len` entries (Redis's slowlog.c).
//!
//! Arguments are stored as Redis stores them: at most 32 (the last one then says how
//! many more there were) and at most 128 bytes each (with a note of the bytes left
//! out), so a huge command cannot make the log itself huge.

use std::collections::VecDeque;

use crate::cmd::Args;

/// Most arguments kept per entry.
pub const MAX_ARGC: usize = 32;
/// Most bytes kept per argument.
pub const MAX_STRING: usize = 128;

/// One slow log entry.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Unique, increasing id.
    pub id: u64,
    /// Unix time (seconds) when the command ran.
    pub time: i64,
    /// Duration in microseconds.
    pub duration: u64,
    /// The (truncated) arguments.
    pub argv: Vec<Vec<u8>>,
    /// Client address `ip:port`.
    pub peer: String,
    /// Client name.
    pub name: Vec<u8>,
}

/// The slow log.
#[derive(Debug, Default)]
pub struct SlowLog {
    /// Entries, newest first.
    pub entries: VecDeque<Entry>,
    next_id: u64,
}

/// Arguments as the slow log and the ACL keep them (Redis's `slowlogCreateEntry`).
pub fn truncated_argv(args: &Args, redacted: &[bool]) -> Vec<Vec<u8>> {
    let argc = args.len();
    let n = argc.min(MAX_ARGC);
    let mut out = Vec::with_capacity(n);
    for j in 0..n {
        if n != argc && j == n - 1 {
            out.push(format!("... ({} more arguments)", argc - n + 1).into_bytes());
        } else if redacted.get(j).copied().unwrap_or(false) {
            out.push(b"(redacted)".to_vec());
        } else {
            let a = args.get(j);
            if a.len() > MAX_STRING {
                let mut s = a[..MAX_STRING].to_vec();
                s.extend_from_slice(
                    format!("... ({} more bytes)", a.len() - MAX_STRING).as_bytes(),
                );
                out.push(s);
            } else {
                out.push(a.to_vec());
            }
        }
    }
    out
}

impl SlowLog {
    /// Add an entry, dropping the oldest beyond `max_len`.
    pub fn push(&mut self, mut e: Entry, max_len: usize) {
        e.id = self.next_id;
        self.next_id += 1;
        self.entries.push_front(e);
        self.entries.truncate(max_len);
    }

    /// Forget every entry (ids keep increasing, as in Redis).
    pub fn reset(&mut self) {
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::ArgvBuf;

    #[test]
    fn truncation_like_redis() {
        let long = "x".repeat(200);
        let mut parts: Vec<String> = vec!["set".into(), long];
        for i in 0..40 {
            parts.push(i.to_string());
        }
        let buf = ArgvBuf::from_parts(parts.iter().map(String::as_str));
        let argv = truncated_argv(&buf.args(), &[]);
        assert_eq!(argv.len(), 32);
        assert_eq!(argv[1].len(), 128 + "... (72 more bytes)".len());
        assert!(argv[1].ends_with(b"... (72 more bytes)"));
        assert_eq!(argv[31], b"... (11 more arguments)".to_vec());
        let mut log = SlowLog::default();
        for i in 0..5 {
            log.push(
                Entry {
                    id: 0,
                    time: i,
                    duration: 1,
                    argv: vec![],
                    peer: String::new(),
                    name: vec![],
                },
                3,
            );
        }
        assert_eq!(log.entries.len(), 3);
        assert_eq!(log.entries[0].id, 4);
    }
}
