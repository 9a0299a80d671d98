//! Per-operation latency of the keyspace table while most of it is deleted, as a large
//! eviction does (issue 6): fill N keys, then delete keys in random order until KEEP are
//! left, inserting one new key every 8 deletions, and time every operation. Shows the
//! longest single insert/remove (thread CPU time on Linux), which is where a
//! whole-table compaction would show.
//!
//!   cargo run --release --example keyspace_drain -- [N=1000000] [KEEP=50000] [VALUE=250]

use cinnabar::db::keyspace::{Keyspace, NO_EXPIRE};
use cinnabar::types::Value;
use std::time::Instant;

/// This thread's CPU time in ns: per-operation times without the preemptions of a busy
/// machine (wall-clock times there include other processes' time slices).
#[cfg(target_os = "linux")]
fn cpu_ns() -> u64 {
    #[repr(C)]
    struct Timespec {
        sec: i64,
        nsec: i64,
    }
    unsafe extern "C" {
        fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
    }
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut ts = Timespec { sec: 0, nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec.
    unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.sec as u64 * 1_000_000_000 + ts.nsec as u64
}

#[cfg(not(target_os = "linux"))]
fn cpu_ns() -> u64 {
    use std::sync::OnceLock;
    static T0: OnceLock<Instant> = OnceLock::new();
    T0.get_or_init(Instant::now).elapsed().as_nanos() as u64
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("a number"))
        .collect();
    let n = args.first().copied().unwrap_or(1_000_000);
    let keep = args.get(1).copied().unwrap_or(50_000);
    let vsize = args.get(2).copied().unwrap_or(250);
    let value = vec![b'v'; vsize];
    let mut ks = Keyspace::new();
    // Keys are ids formatted into one reused buffer: the loop itself allocates nothing
    // per key (its own frees would otherwise fill the allocator's small-chunk bins and
    // bill the keyspace for consolidating them).
    let mut buf: Vec<u8> = Vec::with_capacity(32);
    let key = |buf: &mut Vec<u8>, id: u64| {
        use std::io::Write;
        buf.clear();
        let _ = write!(buf, "key:{id:012}");
    };
    let mut keys: Vec<u64> = (0..n as u64).collect();
    for &id in &keys {
        key(&mut buf, id);
        ks.insert(&buf, Value::string(&value), NO_EXPIRE);
    }
    let mut x = 42u64;
    let mut rnd = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    // TRACE=1: print every operation over 5 ms.
    let trace = std::env::var_os("TRACE").is_some();
    let mut times: Vec<u64> = Vec::with_capacity(2 * n);
    let mut next_id = n as u64;
    let start = Instant::now();
    while keys.len() > keep {
        let j = (rnd() % keys.len() as u64) as usize;
        key(&mut buf, keys.swap_remove(j));
        let t = cpu_ns();
        let removed = ks.remove(&buf);
        let dt = cpu_ns() - t;
        drop(removed);
        if trace && dt > 5_000_000 {
            eprintln!("remove {dt} ns, len {} slots {}", ks.len(), ks.slot_count());
        }
        times.push(dt);
        if times.len() % 8 == 0 {
            key(&mut buf, next_id);
            keys.push(next_id);
            next_id += 1;
            let v = Value::string(&value);
            let t = cpu_ns();
            ks.insert(&buf, v, NO_EXPIRE);
            let dt = cpu_ns() - t;
            if trace && dt > 5_000_000 {
                eprintln!("insert {dt} ns, len {} slots {}", ks.len(), ks.slot_count());
            }
            times.push(dt);
        }
    }
    let total = start.elapsed();
    times.sort_unstable();
    let q = |p: f64| times[((times.len() - 1) as f64 * p) as usize] as f64 / 1000.0;
    println!(
        "{n} keys -> {} ({} ops, {:.0} ms): per op p50 {:.2} us, p99.9 {:.2} us, p99.99 {:.2} us, max {:.1} us; slots {}",
        ks.len(),
        times.len(),
        total.as_secs_f64() * 1000.0,
        q(0.5),
        q(0.999),
        q(0.9999),
        q(1.0),
        ks.slot_count()
    );
}
