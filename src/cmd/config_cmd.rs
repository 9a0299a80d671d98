//! CONFIG: GET, SET, RESETSTAT, REWRITE, HELP, over the one parameter table in
//! `crate::config`.
//!
//! `CONFIG SET` takes several name/value pairs and is atomic, as Redis 7: every name is
//! checked (unknown, immutable, protected, duplicate) and every value validated before
//! any is applied. `dir` and `dbfilename` are protected configs (Redis refuses them
//! unless `enable-protected-configs` is on, which we do not offer).

use super::{Args, Ctx, Handler, Stats};
use crate::config::{self, Kind, Param};
use crate::reply::{CmdError, CmdResult, Reply};

/// Handlers of this family.
pub const COMMANDS: &[(&str, Handler)] = &[
    ("config|get", get),
    ("config|set", set),
    ("config|resetstat", resetstat),
    ("config|rewrite", rewrite),
    ("config|help", help),
];

/// Parameters CONFIG SET refuses as "protected".
const PROTECTED: &[&str] = &["dir", "dbfilename"];

/// ```text
/// CONFIG GET parameter [parameter ...]
/// ```
///
/// A name without glob characters is looked up directly (and echoed as given); a
/// pattern is matched, case-insensitively, against every name and alias.
pub fn get(ctx: &mut Ctx, args: &Args) -> CmdResult {
    let cfg = &ctx.st.config;
    let mut seen: crate::compact::ByteMap<()> = crate::compact::ByteMap::new();
    let mut out: Vec<(Reply, Reply)> = Vec::new();
    for i in 2..args.len() {
        let pattern = args.get(i);
        if !pattern.iter().any(|c| matches!(c, b'[' | b'*' | b'?')) {
            let Ok(name) = std::str::from_utf8(pattern) else {
                continue;
            };
            if seen.contains_key(name.to_ascii_lowercase()) {
                continue;
            }
            if config::find_param(name).is_some()
                && let Some(v) = cfg.get(name)
            {
                seen.insert(name.to_ascii_lowercase(), ());
                out.push((Reply::bulk(name), Reply::bulk(v)));
            }
            continue;
        }
        for p in config::PARAMS {
            for name in std::iter::once(&p.name).chain(p.aliases.iter()) {
                if seen.contains_key(name)
                    || !crate::glob::glob_match(pattern, name.as_bytes(), true)
                {
                    continue;
                }
                if let Some(v) = cfg.get(name) {
                    seen.insert(name, ());
                    out.push((Reply::bulk(*name), Reply::bulk(v)));
                }
            }
        }
    }
    Ok(Reply::Map(out))
}

/// Parse an integer as Redis's config code does (`string2ll`: no sign `+`, no spaces).
fn redis_int(value: &str) -> Option<i64> {
    crate::types::string::parse_i64(value.as_bytes())
}

/// Validate `value` for `p`; returns the value to store.
fn validate(p: &Param, value: &str) -> Result<String, String> {
    if p.name == "hz" {
        // Redis accepts 0..=INT_MAX and clamps to 1..=500 (CONFIG_MIN_HZ/CONFIG_MAX_HZ).
        let v = redis_int(value).ok_or("argument couldn't be parsed into an integer")?;
        if !(0..=i64::from(i32::MAX)).contains(&v) {
            return Err("argument must be between 0 and 2147483647 inclusive".into());
        }
        return Ok(v.clamp(1, 500).to_string());
    }
    if let Kind::Int(..) = p.kind
        && redis_int(value).is_none()
    {
        return Err("argument couldn't be parsed into an integer".into());
    }
    config::canonical(p, value).map_err(|e| match e {
        config::ConfigError::Invalid(why) => why,
        config::ConfigError::Immutable => "can't set immutable config".into(),
        config::ConfigError::Unknown => "unknown option".into(),
    })
}

/// ```text
/// CONFIG SET parameter value [parameter value ...]
/// ```
pub fn set(ctx: &mut Ctx, args: &Args) -> CmdResult {
    if args.len() % 2 != 0 {
        return Err(CmdError::Syntax);
    }
    let failed = |name: &[u8], why: &str| {
        CmdError::err(format!(
            "CONFIG SET failed (possibly related to argument '{}') - {why}",
            String::from_utf8_lossy(name)
        ))
    };
    // Pass 1: names. The first problem, in argument order, is the one reported.
    let mut params: Vec<&'static Param> = Vec::new();
    for i in (2..args.len()).step_by(2) {
        let raw = args.get(i);
        let param = std::str::from_utf8(raw).ok().and_then(config::find_param);
        let Some(p) = param else {
            return Err(CmdError::err(format!(
                "Unknown option or number of arguments for CONFIG SET - '{}'",
                String::from_utf8_lossy(raw)
            )));
        };
        if !p.mutable {
            return Err(failed(raw, "can't set immutable config"));
        }
        if PROTECTED.contains(&p.name) {
            return Err(failed(raw, "can't set protected config"));
        }
        if params.iter().any(|q| std::ptr::eq(*q, p)) {
            return Err(failed(raw, "duplicate parameter"));
        }
        params.push(p);
    }
    // Pass 2: values, all validated before any is applied.
    let mut values = Vec::with_capacity(params.len());
    for (k, p) in params.iter().enumerate() {
        let name = args.get(2 + 2 * k);
        let raw = args.get(3 + 2 * k);
        let value =
            std::str::from_utf8(raw).map_err(|_| failed(name, "argument must be valid text"))?;
        values.push(validate(p, value).map_err(|why| failed(name, &why))?);
    }
    // Pass 3: apply.
    for (p, v) in params.iter().zip(values) {
        ctx.st
            .config
            .set(p.name, &v, true)
            .map_err(|_| failed(p.name.as_bytes(), "can't set config"))?;
        crate::ops::config_changed(ctx.st, p.name);
    }
    Ok(Reply::Ok)
}

/// ```text
/// CONFIG RESETSTAT
/// ```
pub fn resetstat(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    ctx.st.stats = Stats::default();
    crate::ops::reset_stats(ctx.st);
    Ok(Reply::Ok)
}

/// ```text
/// CONFIG REWRITE
/// ```
///
/// Only possible when the host started from a config file (host fact `config_file`);
/// the file is rewritten through the host's file access (see `config_rewrite`).
pub fn rewrite(ctx: &mut Ctx, _args: &Args) -> CmdResult {
    let file = ctx
        .st
        .host_info
        .iter()
        .rev()
        .find(|(k, v)| k == "config_file" && !v.is_empty())
        .map(|(_, v)| v.clone());
    let Some(file) = file else {
        return Err(CmdError::err("The server is running without a config file"));
    };
    super::config_rewrite::rewrite_file(ctx, &file)?;
    Ok(Reply::Ok)
}

/// ```text
/// CONFIG HELP
/// ```
pub fn help(_ctx: &mut Ctx, _args: &Args) -> CmdResult {
    Ok(super::command::help_reply(
        "CONFIG",
        &[
            "GET <pattern> [<pattern> ...]",
            "    The parameters whose names match the glob-style <pattern>s, with their values.",
            "SET <directive> <value> [<directive> <value> ...]",
            "    Set each <directive> to <value>; all or none are applied.",
            "RESETSTAT",
            "    Zero the counters INFO reports.",
            "REWRITE",
            "    Write the running configuration back to the config file.",
        ],
    ))
}
