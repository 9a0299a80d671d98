//! redis.conf-style configuration: a file given as the first argument, then `--name value`
//! options on the command line, applied in that order (later wins), as redis-server does.

use cinnabar::Config;
use cinnabar::config::{ConfigError, find_param};
use cinnabar::resp::parse::split_args;

/// What the command line asked for.
#[derive(Debug, Default)]
pub struct Startup {
    /// The configuration.
    pub config: Config,
    /// The config file path, if one was given (absolute).
    pub config_file: Option<String>,
    /// `rename-command old new` directives: (line number, line, old, new).
    pub renames: Vec<(usize, String, String, String)>,
    /// `user <name> <rules...>` directives (name first).
    pub users: Vec<Vec<Vec<u8>>>,
}

/// A fatal configuration error, reported like Redis's "FATAL CONFIG FILE ERROR".
#[derive(Debug)]
pub struct BadConfig {
    pub line_no: usize,
    pub line: String,
    pub reason: String,
}

impl std::fmt::Display for BadConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "\n*** FATAL CONFIG FILE ERROR (cinnabar {}) ***",
            env!("CARGO_PKG_VERSION")
        )?;
        writeln!(
            f,
            "Reading the configuration file, at line {}",
            self.line_no
        )?;
        writeln!(f, ">>> '{}'", self.line)?;
        write!(f, "{}", self.reason)
    }
}

/// Split config text into lines of arguments (comments and blank lines dropped).
fn lines(text: &str) -> Result<Vec<(usize, String, Vec<String>)>, BadConfig> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut buf = Vec::new();
        let mut ranges = Vec::new();
        if !split_args(line.as_bytes(), &mut buf, &mut ranges) {
            return Err(BadConfig {
                line_no: i + 1,
                line: line.into(),
                reason: "Unbalanced quotes in configuration line".into(),
            });
        }
        let args: Vec<String> = ranges
            .into_iter()
            .map(|r| String::from_utf8_lossy(&buf[r]).into_owned())
            .collect();
        out.push((i + 1, line.to_string(), args));
    }
    Ok(out)
}

/// Apply one directive (`name value...`).
fn apply(config: &mut Config, args: &[String]) -> Result<(), String> {
    let Some((name, values)) = args.split_first() else {
        return Ok(());
    };
    let name = name.to_ascii_lowercase();
    if values.is_empty() {
        return Err("wrong number of arguments".into());
    }
    // Multi-word parameters (bind, save) keep all their words.
    let value = values.join(" ");
    let value = if name == "save" && value == "\"\"" {
        String::new()
    } else {
        value
    };
    if find_param(&name).is_none() {
        return Err("Bad directive or wrong number of arguments".into());
    }
    match config.set(&name, &value, false) {
        Ok(()) => Ok(()),
        Err(ConfigError::Invalid(why)) => Err(why),
        Err(ConfigError::Unknown) => Err("Bad directive or wrong number of arguments".into()),
        Err(ConfigError::Immutable) => Err("can't set immutable config".into()),
    }
}

/// Parse the command line (without the program name).
pub fn parse_args(argv: &[String]) -> Result<Startup, String> {
    let mut startup = Startup::default();
    let mut rest = argv;
    let mut text = String::new();
    if let Some(first) = argv.first() {
        if !first.starts_with("--") {
            let contents = std::fs::read_to_string(first)
                .map_err(|e| format!("Fatal error, can't open config file '{first}': {e}"))?;
            text.push_str(&contents);
            text.push('\n');
            let abs = std::fs::canonicalize(first)
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| first.clone());
            startup.config_file = Some(abs);
            rest = &argv[1..];
        }
    }
    // `--port 7000 --save 60 100` becomes config lines.
    let mut cli = String::new();
    for a in rest {
        if let Some(name) = a.strip_prefix("--") {
            if !cli.is_empty() {
                cli.push('\n');
            }
            cli.push_str(name);
        } else {
            cli.push(' ');
            if a.is_empty() {
                cli.push_str("\"\"");
            } else if a.contains(char::is_whitespace) || a.contains('"') {
                cli.push('"');
                cli.push_str(&a.replace('\\', "\\\\").replace('"', "\\\""));
                cli.push('"');
            } else {
                cli.push_str(a);
            }
        }
    }
    text.push_str(&cli);
    for (line_no, line, args) in lines(&text).map_err(|e| e.to_string())? {
        // [limits hook] directives that are not parameters: applied by limits.rs.
        let directive = args.first().map(|a| a.to_ascii_lowercase());
        if directive.as_deref() == Some("rename-command") {
            if args.len() != 3 {
                return Err(BadConfig {
                    line_no,
                    line,
                    reason: "wrong number of arguments".into(),
                }
                .to_string());
            }
            startup
                .renames
                .push((line_no, line, args[1].clone(), args[2].clone()));
            continue;
        }
        if directive.as_deref() == Some("user") {
            if args.len() < 2 {
                return Err(BadConfig {
                    line_no,
                    line,
                    reason: "wrong number of arguments".into(),
                }
                .to_string());
            }
            startup
                .users
                .push(args[1..].iter().map(|a| a.as_bytes().to_vec()).collect());
            continue;
        }
        apply(&mut startup.config, &args).map_err(|reason| {
            BadConfig {
                line_no,
                line,
                reason,
            }
            .to_string()
        })?;
    }
    Ok(startup)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn cli_overrides_and_units() {
        let st = parse_args(&s(&[
            "--port",
            "7000",
            "--maxmemory",
            "64mb",
            "--bind",
            "127.0.0.1",
            "::1",
        ]))
        .unwrap();
        assert_eq!(st.config.get("port"), Some("7000"));
        assert_eq!(st.config.maxmemory, 64 * 1024 * 1024);
        assert_eq!(st.config.get("bind"), Some("127.0.0.1 ::1"));
    }

    #[test]
    fn bad_directive_is_fatal() {
        let e = parse_args(&s(&["--nosuchthing", "1"])).unwrap_err();
        assert!(e.contains("FATAL CONFIG FILE ERROR"), "{e}");
        let e = parse_args(&s(&["--port", "notanumber"])).unwrap_err();
        assert!(e.contains("integer"), "{e}");
    }

    #[test]
    fn config_file_then_cli() {
        let dir = std::env::temp_dir().join(format!("cinnabar-conf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("c.conf");
        std::fs::write(&f, "# comment\nport 7001\ndatabases 4\nsave \"\"\n").unwrap();
        let st = parse_args(&s(&[f.to_str().unwrap(), "--port", "7002"])).unwrap();
        assert_eq!(st.config.get("port"), Some("7002"));
        assert_eq!(st.config.databases, 4);
        assert!(st.config_file.is_some());
        std::fs::remove_dir_all(&dir).ok();
    }
}
