//! Real-client tests: redis-py, ioredis and redis-cli (with redis-benchmark) against a
//! fresh `cinnabar-server`, and the same scripts against a fresh real `redis-server`.
//!
//! The scripts live in `tests/clients/`; each reads the server's port from
//! `CINNABAR_PORT`, asserts real replies, and exits non-zero on any failure. Running them
//! against Redis too keeps their expectations honest: a script that fails against Redis
//! is a wrong test, not a Cinnabar bug.
//!
//! Needs what `scripts/setup.sh` installs (redis-py, `tests/clients/node/node_modules`,
//! redis-tools). Each run is bounded by coreutils `timeout`.
#![cfg(feature = "native")]
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

/// Upper bound for one client script, in seconds.
const SCRIPT_TIMEOUT_SECS: &str = "600";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Which server a script runs against.
#[derive(Clone, Copy, Debug)]
enum Target {
    Cinnabar,
    Redis,
}

/// Runs `program args...` (from the repo root, under `timeout`) against a fresh server of
/// the given kind, and panics with the script's output unless it exits 0.
fn run_against(target: Target, program: &str, args: &[&str], needs: &dyn Fn() -> Option<String>) {
    if let Some(missing) = needs() {
        panic!("{missing}: run `bash scripts/setup.sh` first");
    }
    let server = match target {
        Target::Cinnabar => common::start_cinnabar(&[]),
        Target::Redis => common::start_redis(&[]),
    };
    let out = Command::new("timeout")
        .args(["--kill-after=10", SCRIPT_TIMEOUT_SECS, program])
        .args(args)
        .current_dir(root())
        .env("CINNABAR_HOST", "127.0.0.1")
        .env("CINNABAR_PORT", server.port.to_string())
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    drop(server);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{program} {args:?} against {target:?} failed ({}):\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
        out.status
    );
    // The script's own report, shown with --nocapture.
    println!("{stdout}");
}

fn python_has_redis() -> Option<String> {
    let ok = Command::new("python3")
        .args(["-c", "import redis"])
        .status()
        .is_ok_and(|s| s.success());
    (!ok).then(|| "python3 cannot import redis (redis-py)".to_string())
}

fn node_modules_present() -> Option<String> {
    let dir = root().join("tests/clients/node/node_modules/ioredis");
    (!dir.is_dir()).then(|| format!("{} is missing", dir.display()))
}

fn redis_tools_present() -> Option<String> {
    for tool in ["redis-cli", "redis-benchmark"] {
        let found = Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            return Some(format!("{tool} is not installed"));
        }
    }
    None
}

fn redis_py(target: Target) {
    run_against(
        target,
        "python3",
        &["tests/clients/test_redis_py.py"],
        &python_has_redis,
    );
}

fn ioredis(target: Target) {
    let script = Path::new("tests/clients/node/test_ioredis.mjs");
    let script = script.to_str().unwrap_or_default();
    run_against(
        target,
        "node",
        &["--test", "--test-reporter=spec", script],
        &node_modules_present,
    );
}

fn redis_cli(target: Target) {
    run_against(
        target,
        "bash",
        &["tests/clients/test_redis_cli.sh"],
        &redis_tools_present,
    );
}

#[test]
fn redis_py_against_cinnabar() {
    redis_py(Target::Cinnabar);
}

#[test]
fn redis_py_against_redis() {
    redis_py(Target::Redis);
}

#[test]
fn ioredis_against_cinnabar() {
    ioredis(Target::Cinnabar);
}

#[test]
fn ioredis_against_redis() {
    ioredis(Target::Redis);
}

#[test]
fn redis_cli_and_benchmark_against_cinnabar() {
    redis_cli(Target::Cinnabar);
}

#[test]
fn redis_cli_and_benchmark_against_redis() {
    redis_cli(Target::Redis);
}
