//! Glob-style pattern matching, as Redis's `stringmatchlen`.
