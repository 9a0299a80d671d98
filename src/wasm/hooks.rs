//! Hooks: JS functions that FCALL/EVAL run inside the engine, registered with
//! `WasmEngine::register_hook`.
//!
//! A JS hook runs in the middle of `WasmEngine::exec` (FCALL → Engine::run_hook → the
//! closure registered by `register_hook` → the JS trampoline), while the `WasmEngine` is
//! mutably borrowed. So `redis.call` cannot be a `WasmEngine` method; it is the free
//! function `hook_call`, which reaches the running hook's `ScriptCtx` through `CURRENT`,
//! and it has its own I/O area (`HOOK_IO`, same layout as the engine's meta block:
//! args ptr/cap, lens ptr/cap, out ptr/len) so that nothing the outer `exec` borrows is
//! written while it runs.
//!
//! The trampoline's return value is encoded by JS (pkg/src/hooks.js) in this format,
//! all integers little-endian:
//!
//! | tag | value                     | payload                      |
//! |-----|---------------------------|------------------------------|
//! | 1   | bulk string               | u32 len, bytes               |
//! | 2   | integer                   | i64                          |
//! | 3   | double                    | f64                          |
//! | 4   | nil                       |                              |
//! | 5   | array                     | u32 n, n values              |
//! | 6   | status (`+...`)           | u32 len, bytes               |
//! | 7   | error (`-...`)            | u32 len, bytes               |
//! | 8   | map                       | u32 n, n × (key, value)      |
//! | 9   | set                       | u32 n, n values              |

use super::*;

/// Deepest nesting of a hook's return value.
const MAX_DEPTH: usize = 128;

struct HookIo {
    args: Vec<u8>,
    lens: Vec<u32>,
    ranges: Vec<Range<usize>>,
    out: Vec<u8>,
    meta: Box<[u32; META_LEN]>,
}

impl HookIo {
    fn new() -> HookIo {
        let mut io = HookIo {
            args: vec![0; 4096],
            lens: vec![0; 64],
            ranges: Vec::new(),
            out: Vec::with_capacity(4096),
            meta: Box::new([0; META_LEN]),
        };
        io.update_meta();
        io
    }

    fn update_meta(&mut self) {
        let m = &mut self.meta;
        m[0] = self.args.as_ptr() as u32;
        m[1] = self.args.len() as u32;
        m[2] = self.lens.as_ptr() as u32;
        m[3] = self.lens.len() as u32;
        m[4] = self.out.as_ptr() as u32;
        m[5] = self.out.len() as u32;
    }
}

thread_local! {
    static HOOK_IO: RefCell<HookIo> = RefCell::new(HookIo::new());
    /// The `ScriptCtx` of the hook whose JS function is running, or null.
    static CURRENT: Cell<*mut ScriptCtx<'static>> = const { Cell::new(std::ptr::null_mut()) };
}

/// Address of the hook I/O area's meta block (it never moves).
#[wasm_bindgen]
pub fn hook_io_meta() -> *const u32 {
    HOOK_IO.with(|io| io.borrow().meta.as_ptr())
}

/// Make room in the hook I/O area for `bytes` argument bytes and `nargs` arguments.
#[wasm_bindgen]
pub fn hook_io_reserve(bytes: usize, nargs: usize) {
    HOOK_IO.with(|io| {
        let mut io = io.borrow_mut();
        let io = &mut *io;
        grow_areas(&mut io.args, &mut io.lens, bytes, nargs);
        io.update_meta();
    });
}

/// `redis.call` / `redis.pcall` of the running hook: runs the command whose `nargs`
/// arguments are in the hook I/O area and leaves its reply, RESP-encoded in the session's
/// protocol, in the area's output; returns its length. Outside a hook, the reply is an
/// error.
#[wasm_bindgen]
pub fn hook_call(nargs: u32) -> u32 {
    // Taken out (CURRENT is null meanwhile): whatever runs below sees no hook.
    let ptr = CURRENT.with(|c| c.replace(std::ptr::null_mut()));
    let reply = if ptr.is_null() {
        None
    } else {
        // SAFETY: `ptr` was set by `run_js_hook` from the `&mut ScriptCtx` it was given,
        // which lives until `run_js_hook` returns, and `run_js_hook` restores the previous
        // value (null outside hooks) before it returns; it does not touch the context
        // itself while the JS function runs. We are inside that JS function (wasm is
        // single-threaded and the call is synchronous), so the context is alive, and since
        // we took the pointer out of CURRENT, this is the only reference to it until we
        // put it back below.
        let ctx = unsafe { &mut *ptr };
        // The hook's session speaks RESP3 unless the host sent HELLO 2.
        let resp3 = ctx.sess.resp3();
        Some(HOOK_IO.with(|io| {
            let io = &mut *io.borrow_mut();
            match build_ranges(&io.lens, io.args.len(), nargs as usize, &mut io.ranges) {
                false => (Reply::Error("ERR bad argument area".into()), resp3),
                true => {
                    let argv: Vec<&[u8]> = io
                        .ranges
                        .iter()
                        .map(|r| io.args.get(r.clone()).unwrap_or_default())
                        .collect();
                    (ctx.pcall(&argv), resp3)
                }
            }
        }))
    };
    CURRENT.with(|c| c.set(ptr));
    HOOK_IO.with(|io| {
        let io = &mut *io.borrow_mut();
        io.out.clear();
        match reply {
            Some((r, resp3)) => crate::resp::encode(&r, resp3, &mut io.out),
            None => io
                .out
                .extend_from_slice(b"-ERR redis.call/pcall can only be used while a hook runs\r\n"),
        }
        io.update_meta();
        io.out.len() as u32
    })
}

/// Run a JS hook: hand it the keys and arguments, make its context reachable by
/// `hook_call` for the duration, and turn its encoded return value into a reply.
pub(super) fn run_js_hook(
    trampoline: &js_sys::Function,
    ctx: &mut ScriptCtx,
    keys: &[Vec<u8>],
    args: &[Vec<u8>],
) -> Result<Reply, CmdError> {
    HOOK_IO.with(|io| {
        let io = &mut *io.borrow_mut();
        io.out.clear();
        let list = |items: &[Vec<u8>], out: &mut Vec<u8>| {
            out.push(b'*');
            crate::resp::encode::push_int(out, items.len() as i64);
            out.extend_from_slice(b"\r\n");
            for it in items {
                out.push(b'$');
                crate::resp::encode::push_int(out, it.len() as i64);
                out.extend_from_slice(b"\r\n");
                out.extend_from_slice(it);
                out.extend_from_slice(b"\r\n");
            }
        };
        io.out.extend_from_slice(b"*2\r\n");
        list(keys, &mut io.out);
        list(args, &mut io.out);
        io.update_meta();
    });
    let ptr: *mut ScriptCtx<'static> = (ctx as *mut ScriptCtx<'_>).cast();
    let prev = CURRENT.with(|c| c.replace(ptr));
    let result = trampoline.call0(&JsValue::NULL);
    CURRENT.with(|c| c.set(prev));
    let n = match result {
        Ok(v) => v.as_f64().unwrap_or(-1.0),
        // The trampoline only throws for a trap of the engine inside the hook (a panic):
        // continue unwinding to the outer call, which reports it and closes the database.
        Err(e) => wasm_bindgen::throw_val(e),
    };
    HOOK_IO.with(|io| {
        let io = io.borrow();
        let len = if n >= 0.0 { n as usize } else { usize::MAX };
        let Some(bytes) = io.args.get(..len) else {
            return Err(CmdError::err("hook returned a malformed value"));
        };
        let mut pos = 0;
        match decode_value(bytes, &mut pos, 0) {
            Some(Reply::Error(e)) => Err(CmdError::Other(e)),
            Some(r) if pos == bytes.len() => Ok(r),
            _ => Err(CmdError::err("hook returned a malformed value")),
        }
    })
}

fn take<'a>(b: &'a [u8], pos: &mut usize, n: usize) -> Option<&'a [u8]> {
    let end = pos.checked_add(n)?;
    let s = b.get(*pos..end)?;
    *pos = end;
    Some(s)
}

fn take_u32(b: &[u8], pos: &mut usize) -> Option<usize> {
    let s = take(b, pos, 4)?;
    Some(u32::from_le_bytes(s.try_into().ok()?) as usize)
}

fn take_8(b: &[u8], pos: &mut usize) -> Option<[u8; 8]> {
    take(b, pos, 8)?.try_into().ok()
}

/// A status or error line: no CR/LF may reach the protocol (Redis replaces them too).
fn line_text(b: &[u8]) -> std::borrow::Cow<'static, str> {
    let s: String = String::from_utf8_lossy(b)
        .chars()
        .map(|c| if c == '\r' || c == '\n' { ' ' } else { c })
        .collect();
    s.into()
}

/// Decode one value of the hook return format (see the table above).
fn decode_value(b: &[u8], pos: &mut usize, depth: usize) -> Option<Reply> {
    if depth > MAX_DEPTH {
        return None;
    }
    let tag = *take(b, pos, 1)?.first()?;
    Some(match tag {
        1 => {
            let n = take_u32(b, pos)?;
            Reply::Bulk(take(b, pos, n)?.to_vec())
        }
        2 => Reply::Int(i64::from_le_bytes(take_8(b, pos)?)),
        3 => Reply::Double(f64::from_le_bytes(take_8(b, pos)?)),
        4 => Reply::Nil,
        5 | 9 => {
            let n = take_u32(b, pos)?;
            // Each value takes at least one byte: no allocation beyond the input's size.
            let mut items = Vec::with_capacity(n.min(b.len().saturating_sub(*pos)));
            for _ in 0..n {
                items.push(decode_value(b, pos, depth + 1)?);
            }
            if tag == 5 {
                Reply::Array(items)
            } else {
                Reply::Set(items)
            }
        }
        6 => {
            let n = take_u32(b, pos)?;
            Reply::Simple(line_text(take(b, pos, n)?))
        }
        7 => {
            let n = take_u32(b, pos)?;
            Reply::Error(line_text(take(b, pos, n)?))
        }
        8 => {
            let n = take_u32(b, pos)?;
            let mut items = Vec::with_capacity(n.min(b.len().saturating_sub(*pos) / 2));
            for _ in 0..n {
                let k = decode_value(b, pos, depth + 1)?;
                let v = decode_value(b, pos, depth + 1)?;
                items.push((k, v));
            }
            Reply::Map(items)
        }
        _ => return None,
    })
}
