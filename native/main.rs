//! `cinnabar-server`: the Cinnabar engine behind a RESP server, like redis-server.
//!
//! ```text
//! cinnabar-server [/path/to/cinnabar.conf] [--port 6379] [--bind 127.0.0.1] [--<option> value ...]
//! ```

mod aof;
mod clock;
mod config;
mod connection;
mod limits;
mod persistence;
mod server;

fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.iter().any(|a| a == "--version" || a == "-v") {
        println!(
            "Cinnabar server v={} (Redis-compatible {})",
            env!("CARGO_PKG_VERSION"),
            cinnabar::REDIS_VERSION
        );
        return;
    }
    if argv.iter().any(|a| a == "--help" || a == "-h") {
        println!("Usage: cinnabar-server [/path/to/cinnabar.conf] [--option value ...]");
        println!("Examples:");
        println!("  cinnabar-server                      (127.0.0.1:6379, in memory)");
        println!("  cinnabar-server --port 7000 --databases 32");
        println!("  cinnabar-server ./cinnabar.conf --maxmemory 64mb");
        return;
    }
    let startup = match config::parse_args(&argv) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            std::process::exit(1);
        }
    };
    let local = tokio::task::LocalSet::new();
    let code = local.block_on(&rt, server::run(startup));
    std::process::exit(code);
}
