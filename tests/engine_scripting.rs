//! Lua-free scripting hooks: FCALL/FCALL_RO/EVAL/EVALSHA through registered functions,
//! call vs pcall error semantics, read-only enforcement, effect propagation.

use std::rc::Rc;

use cinnabar::clock::ManualClock;
use cinnabar::cmd::ArgvBuf;
use cinnabar::rng::Rng;
use cinnabar::script::ScriptCtx;
use cinnabar::{CmdError, Config, Engine, Reply};

fn engine() -> (Engine, cinnabar::ClientHandle) {
    let mut e = Engine::with_rng(
        Config::default(),
        Box::new(ManualClock::new(1_000_000)),
        Rng::seeded(1),
    );
    let c = e.connect();
    (e, c)
}

fn run(e: &mut Engine, c: cinnabar::ClientHandle, argv: &[&str]) -> Reply {
    e.execute(c, &ArgvBuf::from_parts(argv).args())
}

fn err(text: &str) -> Reply {
    Reply::Error(text.to_string().into())
}

#[test]
fn registered_function_runs_commands_and_returns_a_value() {
    let (mut e, c) = engine();
    e.register_function(
        "incr_both",
        false,
        Rc::new(|ctx: &mut ScriptCtx, keys: &[Vec<u8>], args: &[Vec<u8>]| {
            let by = &args[0];
            let a = ctx.call(&[b"INCRBY".as_slice(), &keys[0], by])?;
            let b = ctx.call(&[b"INCRBY".as_slice(), &keys[1], by])?;
            Ok(Reply::Array(vec![a, b]))
        }),
    );
    assert_eq!(
        run(&mut e, c, &["FCALL", "incr_both", "2", "x", "y", "5"]),
        Reply::Array(vec![Reply::Int(5), Reply::Int(5)])
    );
    assert_eq!(run(&mut e, c, &["GET", "y"]), Reply::bulk("5"));
}

#[test]
fn call_raises_and_pcall_returns_errors() {
    let (mut e, c) = engine();
    e.register_function(
        "raise",
        false,
        Rc::new(|ctx: &mut ScriptCtx, _k: &[Vec<u8>], _a: &[Vec<u8>]| {
            ctx.call(&["SET", "before", "1"])?;
            ctx.call(&["INCR", "text"])?; // fails: not an integer
            ctx.call(&["SET", "after", "1"])?;
            Ok(Reply::Ok)
        }),
    );
    e.register_function(
        "catch",
        false,
        Rc::new(|ctx: &mut ScriptCtx, _k: &[Vec<u8>], _a: &[Vec<u8>]| {
            let r = ctx.pcall(&["INCR", "text"]);
            Ok(Reply::Array(vec![r, Reply::Int(1)]))
        }),
    );
    assert_eq!(run(&mut e, c, &["SET", "text", "abc"]), Reply::Ok);
    assert_eq!(
        run(&mut e, c, &["FCALL", "raise", "0"]),
        err("ERR value is not an integer or out of range")
    );
    // Like Redis scripts, effects before the error stay; nothing after it ran.
    assert_eq!(
        run(&mut e, c, &["EXISTS", "before", "after"]),
        Reply::Int(1)
    );
    assert_eq!(
        run(&mut e, c, &["FCALL", "catch", "0"]),
        Reply::Array(vec![
            err("ERR value is not an integer or out of range"),
            Reply::Int(1)
        ])
    );
}

#[test]
fn read_only_rules() {
    let (mut e, c) = engine();
    let writer =
        Rc::new(|ctx: &mut ScriptCtx, _k: &[Vec<u8>], _a: &[Vec<u8>]| ctx.call(&["SET", "k", "v"]));
    e.register_function("writer", false, writer.clone());
    e.register_function("sneaky", true, writer);
    assert_eq!(
        run(&mut e, c, &["FCALL_RO", "writer", "0"]),
        err("ERR Can not execute a script with write flag using *_ro command.")
    );
    assert_eq!(
        run(&mut e, c, &["FCALL", "sneaky", "0"]),
        err("ERR Write commands are not allowed from read-only scripts.")
    );
    assert_eq!(run(&mut e, c, &["EXISTS", "k"]), Reply::Int(0));
    // noscript commands are refused inside hooks.
    e.register_function(
        "nested",
        false,
        Rc::new(|ctx: &mut ScriptCtx, _k: &[Vec<u8>], _a: &[Vec<u8>]| ctx.call(&["MULTI"])),
    );
    assert_eq!(
        run(&mut e, c, &["FCALL", "nested", "0"]),
        err("ERR This Redis command is not allowed from script")
    );
}

#[test]
fn argument_errors_match_redis() {
    let (mut e, c) = engine();
    assert_eq!(
        run(&mut e, c, &["FCALL", "nope", "0"]),
        err("ERR Function not found")
    );
    assert_eq!(
        run(&mut e, c, &["FCALL", "cas", "-1"]),
        err("ERR Number of keys can't be negative")
    );
    assert_eq!(
        run(&mut e, c, &["FCALL", "cas", "3", "a"]),
        err("ERR Number of keys can't be greater than number of args")
    );
    assert_eq!(
        run(&mut e, c, &["FCALL", "cas", "x"]),
        err("ERR value is not an integer or out of range")
    );
    assert_eq!(
        run(
            &mut e,
            c,
            &["EVALSHA", "0000000000000000000000000000000000000000", "0"]
        ),
        err("NOSCRIPT No matching script. Please use EVAL.")
    );
    match run(&mut e, c, &["EVAL", "return 1", "0"]) {
        Reply::Error(t) => assert!(t.contains("no Lua interpreter"), "{t}"),
        other => panic!("expected an error, got {other:?}"),
    }
}

#[test]
fn eval_runs_the_hook_registered_for_that_body() {
    let (mut e, c) = engine();
    let body = "return redis.call('INCRBY', KEYS[1], ARGV[1])";
    let sha = e.register_script(body.as_bytes(), "incrby_hook");
    e.register_function(
        "incrby_hook",
        false,
        Rc::new(|ctx: &mut ScriptCtx, k: &[Vec<u8>], a: &[Vec<u8>]| {
            ctx.call(&[b"INCRBY".as_slice(), &k[0], &a[0]])
        }),
    );
    assert_eq!(
        run(&mut e, c, &["EVAL", body, "1", "n", "7"]),
        Reply::Int(7)
    );
    assert_eq!(
        run(&mut e, c, &["EVALSHA", &sha, "1", "n", "3"]),
        Reply::Int(10)
    );
    assert_eq!(
        run(&mut e, c, &["EVALSHA", &sha.to_uppercase(), "1", "n", "1"]),
        Reply::Int(11)
    );
    assert_eq!(
        run(&mut e, c, &["SCRIPT", "EXISTS", &sha, "ffff"]),
        Reply::Array(vec![Reply::Int(1), Reply::Int(0)])
    );
    assert_eq!(
        run(&mut e, c, &["SCRIPT", "LOAD", body]),
        Reply::Bulk(sha.into_bytes())
    );
}

#[test]
fn effects_are_propagated_not_the_call() {
    let (mut e, c) = engine();
    e.enable_propagation();
    assert_eq!(run(&mut e, c, &["SET", "lock", "owner1"]), Reply::Ok);
    let _ = e.take_propagated();
    assert_eq!(
        run(
            &mut e,
            c,
            &["FCALL", "cas", "1", "lock", "owner1", "owner2"]
        ),
        Reply::Int(1)
    );
    let prop = e.take_propagated();
    let names: Vec<String> = prop
        .iter()
        .map(|c| String::from_utf8_lossy(&c[0]).to_uppercase())
        .collect();
    assert_eq!(names, ["MULTI", "SET", "EXEC"], "{prop:?}");
    // A read-only hook propagates nothing.
    assert!(matches!(
        run(&mut e, c, &["FCALL_RO", "mget_map", "1", "lock"]),
        Reply::Map(_)
    ));
    assert!(e.take_propagated().is_empty());
}

#[test]
fn builtin_rate_limit_counts_down_then_refuses() {
    let (mut e, c) = engine();
    let mut seen = vec![];
    for _ in 0..4 {
        match run(&mut e, c, &["FCALL", "rate_limit", "1", "rl", "3", "1000"]) {
            Reply::Int(n) => seen.push(n),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(seen, [2, 1, 0, -1]);
    assert!(matches!(run(&mut e, c, &["PTTL", "rl"]), Reply::Int(t) if t > 0 && t <= 1000));
    let _: Option<CmdError> = None;
}
