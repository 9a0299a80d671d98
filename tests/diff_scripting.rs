//! Scripting error paths against the real redis-server (it has no matching functions
//! or scripts loaded, so both must refuse in the same words).
#![cfg(feature = "native")]
mod common;

#[test]
fn unknown_functions_and_scripts() {
    let mut p = common::Pair::new();
    p.check(&["FCALL", "nosuchfn", "0"]);
    p.check(&["FCALL_RO", "nosuchfn", "0"]);
    p.check(&["EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "0"]);
    p.check(&[
        "EVALSHA_RO",
        "ffffffffffffffffffffffffffffffffffffffff",
        "0",
    ]);
    p.check(&[
        "SCRIPT",
        "EXISTS",
        "ffffffffffffffffffffffffffffffffffffffff",
    ]);
    p.check(&["SCRIPT", "FLUSH"]);
    p.check(&["SCRIPT", "FLUSH", "ASYNC"]);
    p.check(&["FCALL"]);
    p.check(&["EVAL", "return 1"]);
}
