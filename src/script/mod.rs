//! Lua-free scripting hooks.
//!
//! Cinnabar embeds no Lua. Instead the host registers named functions (Rust closures
//! natively, JS functions in the npm package) that run atomically — no other command
//! interleaves — and call commands through [`ScriptCtx::call`] / [`ScriptCtx::pcall`],
//! with the semantics of Redis's `redis.call` / `redis.pcall`:
//!
//! * `call` returns a command's error as `Err`, so `?` aborts the function and the
//!   error becomes the reply of FCALL (like a Lua error raised by `redis.call`);
//!   `pcall` returns it as a `Reply::Error` value the function can inspect.
//! * Commands flagged `noscript` are refused; a read-only function (or FCALL_RO /
//!   EVAL_RO) may not run write commands; blocking commands never block.
//! * Effects, not the call, are propagated: AOF and replicas see the writes the function
//!   made, wrapped in MULTI/EXEC, never the FCALL itself.
//!
//! `FCALL name numkeys key... arg...` and `FCALL_RO` run a function by name.
//! `EVAL script numkeys ...` / `EVALSHA sha1 ...` run the function registered for that
//! exact script body (or its SHA1) with [`crate::Engine::register_script`]; any other
//! script gets a clear error, since there is no interpreter to run it.

use std::rc::Rc;

use crate::reply::{CmdError, Reply};

/// A registered function: `(ctx, keys, args) -> reply`.
pub type HookFn = dyn Fn(&mut ScriptCtx, &[Vec<u8>], &[Vec<u8>]) -> Result<Reply, CmdError>;

/// One registered function.
#[derive(Clone)]
pub struct Hook {
    /// Its name (FCALL name).
    pub name: String,
    /// May not write (usable with FCALL_RO / EVAL_RO).
    pub read_only: bool,
    /// The body.
    pub func: Rc<HookFn>,
    /// Library it belongs to (FUNCTION LIST).
    pub library: String,
}

impl std::fmt::Debug for Hook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hook")
            .field("name", &self.name)
            .field("read_only", &self.read_only)
            .finish()
    }
}

/// Registered functions and script bodies.
#[derive(Debug, Default, Clone)]
pub struct Registry {
    /// Functions by name.
    pub functions: Functions,
    /// Script SHA1 (lower-case hex) → function name.
    pub scripts: crate::compact::ByteMap<String>,
}

/// Registered functions in name order (a sorted vector, see [`crate::compact`]).
#[derive(Debug, Default, Clone)]
pub struct Functions(crate::compact::ByteMap<Hook>);

impl Functions {
    /// Register (or replace) function `name`; the replaced one if any.
    pub fn insert(&mut self, name: String, hook: Hook) -> Option<Hook> {
        self.0.insert(name, hook)
    }

    /// Function `name`.
    pub fn get(&self, name: &str) -> Option<&Hook> {
        self.0.get(name)
    }

    /// The functions in name order.
    pub fn values(&self) -> std::slice::Iter<'_, Hook> {
        self.0.values()
    }
}

/// Lower-case hex SHA1 of a script body (as SCRIPT LOAD returns).
pub fn sha1_hex(body: &[u8]) -> String {
    sha1_smol::Sha1::from(body).digest().to_string()
}

/// What a running function can do: call commands.
pub struct ScriptCtx<'e> {
    pub(crate) engine: &'e mut crate::Engine,
    pub(crate) sess: &'e mut crate::Session,
    pub(crate) read_only: bool,
    pub(crate) now: i64,
}

impl ScriptCtx<'_> {
    /// Run a command; its error is returned as `Err` (`redis.call`).
    pub fn call<A: AsRef<[u8]>>(&mut self, argv: &[A]) -> Result<Reply, CmdError> {
        match self.pcall(argv) {
            Reply::Error(e) => Err(CmdError::Other(e)),
            r => Ok(r),
        }
    }

    /// Run a command; its error is returned as a `Reply::Error` value (`redis.pcall`).
    pub fn pcall<A: AsRef<[u8]>>(&mut self, argv: &[A]) -> Reply {
        let args = crate::cmd::ArgvBuf::from_parts(argv.iter().map(|a| a.as_ref()));
        self.engine
            .script_call(self.sess, &args.args(), self.read_only, self.now)
    }

    /// The database the function runs in.
    pub fn db(&self) -> usize {
        self.sess.db
    }

    /// Whether the function was started read-only.
    pub fn read_only(&self) -> bool {
        self.read_only
    }
}

/// Built-in hooks available in every engine (the `cinnabar` library).
pub mod builtins {
    use super::*;

    fn arg(args: &[Vec<u8>], i: usize) -> Result<&[u8], CmdError> {
        args.get(i)
            .map(|a| a.as_slice())
            .ok_or_else(|| CmdError::err("wrong number of arguments for this function"))
    }

    fn key(keys: &[Vec<u8>], i: usize) -> Result<&[u8], CmdError> {
        keys.get(i)
            .map(|a| a.as_slice())
            .ok_or_else(|| CmdError::err("this function needs a key"))
    }

    /// `FCALL cas 1 key expected new` → 1 if the value was `expected` and is now `new`, else 0.
    pub fn cas(ctx: &mut ScriptCtx, keys: &[Vec<u8>], args: &[Vec<u8>]) -> Result<Reply, CmdError> {
        let k = key(keys, 0)?;
        let (expected, new) = (arg(args, 0)?, arg(args, 1)?);
        match ctx.call(&[b"GET".as_slice(), k])? {
            Reply::Bulk(v) if v == expected => {
                ctx.call(&[b"SET".as_slice(), k, new, b"KEEPTTL"])?;
                Ok(Reply::Int(1))
            }
            _ => Ok(Reply::Int(0)),
        }
    }

    /// `FCALL rate_limit 1 key limit window_ms` → remaining allowance (≥ 0) or -1 when
    /// the fixed window's limit is exhausted.
    pub fn rate_limit(
        ctx: &mut ScriptCtx,
        keys: &[Vec<u8>],
        args: &[Vec<u8>],
    ) -> Result<Reply, CmdError> {
        let k = key(keys, 0)?;
        let limit = crate::types::string::parse_i64(arg(args, 0)?).ok_or(CmdError::NotInteger)?;
        let window = arg(args, 1)?;
        crate::types::string::parse_i64(window)
            .filter(|w| *w > 0)
            .ok_or(CmdError::NotInteger)?;
        let n = match ctx.call(&[b"INCR".as_slice(), k])? {
            Reply::Int(n) => n,
            _ => return Err(CmdError::err("unexpected reply")),
        };
        if n == 1 {
            ctx.call(&[b"PEXPIRE".as_slice(), k, window])?;
        }
        Ok(Reply::Int(if n > limit { -1 } else { limit - n }))
    }

    /// `FCALL_RO mget_map numkeys key...` → a map of key → value for the keys that exist.
    pub fn mget_map(
        ctx: &mut ScriptCtx,
        keys: &[Vec<u8>],
        _args: &[Vec<u8>],
    ) -> Result<Reply, CmdError> {
        let mut out = Vec::new();
        for k in keys {
            if let Reply::Bulk(v) = ctx.call(&[b"GET".as_slice(), k.as_slice()])? {
                out.push((Reply::bulk(k), Reply::Bulk(v)));
            }
        }
        Ok(Reply::Map(out))
    }

    /// The token check shared by redis-py's lock scripts: is `KEYS[1]` holding `ARGV[1]`?
    fn holds_token(
        ctx: &mut ScriptCtx,
        keys: &[Vec<u8>],
        args: &[Vec<u8>],
    ) -> Result<bool, CmdError> {
        let k = key(keys, 0)?;
        let token = arg(args, 0)?;
        Ok(matches!(ctx.call(&[b"GET".as_slice(), k])?, Reply::Bulk(v) if v == token))
    }

    /// redis-py `Lock.release`: delete the lock if we still own it.
    pub fn lock_release(
        ctx: &mut ScriptCtx,
        keys: &[Vec<u8>],
        args: &[Vec<u8>],
    ) -> Result<Reply, CmdError> {
        if !holds_token(ctx, keys, args)? {
            return Ok(Reply::Int(0));
        }
        ctx.call(&[b"DEL".as_slice(), key(keys, 0)?])?;
        Ok(Reply::Int(1))
    }

    /// redis-py `Lock.extend`: add (or, with ARGV[3] = "1", set) the TTL if we own it.
    pub fn lock_extend(
        ctx: &mut ScriptCtx,
        keys: &[Vec<u8>],
        args: &[Vec<u8>],
    ) -> Result<Reply, CmdError> {
        if !holds_token(ctx, keys, args)? {
            return Ok(Reply::Int(0));
        }
        let k = key(keys, 0)?;
        let pttl = match ctx.call(&[b"PTTL".as_slice(), k])? {
            Reply::Int(n) => n,
            _ => 0,
        };
        if pttl < 0 {
            return Ok(Reply::Int(0));
        }
        let add = crate::types::string::parse_i64(arg(args, 1)?).ok_or(CmdError::NotInteger)?;
        let new_ttl = if arg(args, 2)? == b"0" {
            add.saturating_add(pttl)
        } else {
            add
        };
        ctx.call(&[b"PEXPIRE".as_slice(), k, new_ttl.to_string().as_bytes()])?;
        Ok(Reply::Int(1))
    }

    /// redis-py `Lock.reacquire`: reset the TTL if we own it.
    pub fn lock_reacquire(
        ctx: &mut ScriptCtx,
        keys: &[Vec<u8>],
        args: &[Vec<u8>],
    ) -> Result<Reply, CmdError> {
        if !holds_token(ctx, keys, args)? {
            return Ok(Reply::Int(0));
        }
        ctx.call(&[b"PEXPIRE".as_slice(), key(keys, 0)?, arg(args, 1)?])?;
        Ok(Reply::Int(1))
    }

    /// SHA1s of the Lua bodies of redis-py's `Lock` scripts (unchanged across redis-py
    /// 4.x–8.x), so `r.lock(...)` works unmodified: EVALSHA of these runs the hooks above.
    pub const REDIS_PY_LOCK_SCRIPTS: &[(&str, &str)] = &[
        (
            "c3f8721cbb97f72bc19e972846bd7aaf91901658",
            "redis_py_lock_release",
        ),
        (
            "a4e8783852e6b949f9ef3a97212805108459a890",
            "redis_py_lock_extend",
        ),
        (
            "1cac51482acf5858da00f6d685d68f886cd6b6b2",
            "redis_py_lock_reacquire",
        ),
    ];

    /// Register the built-ins.
    pub fn register(reg: &mut Registry) {
        let mut add = |name: &str, ro: bool, f: Rc<HookFn>| {
            reg.functions.insert(
                name.to_string(),
                Hook {
                    name: name.to_string(),
                    read_only: ro,
                    func: f,
                    library: "cinnabar".into(),
                },
            );
        };
        add("cas", false, Rc::new(cas));
        add("rate_limit", false, Rc::new(rate_limit));
        add("mget_map", true, Rc::new(mget_map));
        add("redis_py_lock_release", false, Rc::new(lock_release));
        add("redis_py_lock_extend", false, Rc::new(lock_extend));
        add("redis_py_lock_reacquire", false, Rc::new(lock_reacquire));
        for (sha, f) in REDIS_PY_LOCK_SCRIPTS {
            reg.scripts.insert(*sha, (*f).to_string());
        }
    }
}
