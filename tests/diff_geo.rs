//! Differential tests of the geo commands against a real redis-server: GEOADD (NX, XX,
//! CH, errors), GEOPOS, GEODIST (all units), GEOHASH, GEOSEARCH / GEOSEARCHSTORE
//! (FROMMEMBER / FROMLONLAT, BYRADIUS / BYBOX, ASC / DESC, COUNT [ANY], WITHCOORD,
//! WITHDIST, WITHHASH, STOREDIST), GEORADIUS / GEORADIUSBYMEMBER and their `_RO`
//! variants (STORE / STOREDIST), every argument error, randomized searches over
//! listpack and skiplist encoded sets, and keyspace events.
//!
//! RESP2 replies are compared byte for byte (coordinates are printed the same way by
//! both: Redis's 17-decimal "human" format). Two comparisons are numeric instead, both
//! because the 7.0 oracle formats doubles with `%.17g` where Redis 7.2 (our target)
//! prints the shortest representation — the same double either way: sorted-set scores
//! that are not integers (ZRANGE WITHSCORES after STOREDIST); and RESP3 coordinate
//! doubles, which Redis prints with 17 decimals (its RESP2 text) where Cinnabar sends
//! the exact double (equal within 1e-17).
#![cfg(feature = "native")]
mod common;

use common::{Pair, show};

/// Flatten a reply into tokens: bulk payloads, and other lines as they are.
fn tokens(raw: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(raw).into_owned();
    let mut out = Vec::new();
    let mut lines = text.split("\r\n");
    while let Some(l) = lines.next() {
        if l.is_empty() {
            continue;
        }
        if let Some(n) = l.strip_prefix('$') {
            if n != "-1" {
                out.push(format!("${}", lines.next().unwrap_or("")));
                continue;
            }
        }
        out.push(l.to_string());
    }
    out
}

/// Compare replies token by token, numbers by value: equal, or within 1e-17 (Redis's
/// RESP3 coordinates are rounded to 17 decimal places, so a coordinate near 0 keeps
/// fewer significant digits there than the exact double Cinnabar sends).
#[track_caller]
fn check_numeric(p: &mut Pair, args: &[&str]) {
    let (r, c) = p.both(args);
    let (tr, tc) = (tokens(&r), tokens(&c));
    let close = |a: &str, b: &str| match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x == y || (x - y).abs() <= 1e-17,
        _ => false,
    };
    let same = tr.len() == tc.len()
        && tr.iter().zip(&tc).all(|(a, b)| {
            a == b || (a.len() > 1 && b.len() > 1 && a[..1] == b[..1] && close(&a[1..], &b[1..]))
        });
    assert!(
        same,
        "{args:?}\n  redis:    {}\n  cinnabar: {}",
        show(&r),
        show(&c)
    );
}

/// Points around the world: (longitude, latitude, name).
const PLACES: &[(&str, &str, &str)] = &[
    ("13.361389", "38.115556", "Palermo"),
    ("15.087269", "37.502669", "Catania"),
    ("12.758489", "38.788135", "edge1"),
    ("17.241510", "38.788135", "edge2"),
    ("2.352222", "48.856613", "Paris"),
    ("-0.127758", "51.507351", "London"),
    ("13.404954", "52.520008", "Berlin"),
    ("-73.935242", "40.730610", "NewYork"),
    ("-122.419418", "37.774929", "SanFrancisco"),
    ("139.691711", "35.689487", "Tokyo"),
    ("151.209290", "-33.868820", "Sydney"),
    ("-58.381592", "-34.603722", "BuenosAires"),
    ("179.999", "0.5", "EastDateLine"),
    ("-179.999", "0.5", "WestDateLine"),
    ("0", "85.05", "North"),
    ("0", "-85.05", "South"),
    ("0", "0", "Origin"),
    ("0.0001", "0.0001", "NearOrigin"),
    ("-0.0001", "-0.0001", "NearOrigin2"),
    ("24.945831", "60.192059", "Helsinki"),
    ("-21.942400", "64.146600", "Reykjavik"),
];

fn load(p: &mut Pair, key: &str) {
    let mut cmd = vec!["GEOADD", key];
    for (x, y, m) in PLACES {
        cmd.extend([*x, *y, *m]);
    }
    p.check(&cmd);
}

#[test]
fn geoadd_options_and_errors() {
    let mut p = Pair::new();
    p.check_all(&[
        &[
            "GEOADD",
            "g",
            "13.361389",
            "38.115556",
            "Palermo",
            "15.087269",
            "37.502669",
            "Catania",
        ],
        &["GEOADD", "g", "13.361389", "38.115556", "Palermo"],
        &[
            "GEOADD",
            "g",
            "CH",
            "13.361389",
            "38.115556",
            "Palermo",
            "13.5",
            "38.1",
            "P2",
        ],
        &[
            "GEOADD", "g", "NX", "CH", "13.3", "38.1", "Palermo", "13.6", "38.2", "X",
        ],
        &[
            "GEOADD", "g", "XX", "CH", "13.3", "38.1", "Palermo", "13.6", "38.2", "Y",
        ],
        &["GEOADD", "g", "ch", "xx", "13.31", "38.1", "Palermo"],
        &["GEOADD", "g", "XX", "13.4", "38.1", "Palermo"],
        &["GEOADD", "g", "NX", "13.4", "38.1", "Palermo"],
        &["ZRANGE", "g", "0", "-1", "WITHSCORES"],
        &["ZSCORE", "g", "Palermo"],
        &["OBJECT", "ENCODING", "g"],
        // Errors.
        &["GEOADD", "g", "XX", "NX", "13.3", "38.1", "Palermo"],
        &["GEOADD", "g", "13.3", "38.1"],
        &["GEOADD", "g", "13.3", "38.1", "a", "1"],
        &["GEOADD", "g", "NX", "CH", "XX"],
        &["GEOADD", "g", "NX", "CH", "CH"],
        &["GEOADD", "g", "GT", "13.3", "38.1", "a"],
        &["GEOADD", "g", "200", "100", "m"],
        &["GEOADD", "g", "180.000001", "0", "m"],
        &["GEOADD", "g", "0", "85.05112879", "m"],
        &["GEOADD", "g", "0", "-85.05112879", "m"],
        &["GEOADD", "g", "-inf", "0", "m"],
        &["GEOADD", "g", "abc", "10", "m"],
        &["GEOADD", "g", "10", "abc", "m"],
        &["GEOADD", "g", "10", "", "m"],
        &["GEOADD", "g", "nan", "10", "m"],
        &["GEOADD", "g", "1", "1", "ok", "200", "1", "bad"],
        &["ZSCORE", "g", "ok"],
        &["GEOADD", "g", "1", "1"],
        &["GEOADD", "g"],
        // The extremes of the supported area.
        &[
            "GEOADD",
            "g",
            "180",
            "85.05112878",
            "ne",
            "-180",
            "-85.05112878",
            "sw",
        ],
        &[
            "GEOADD",
            "g",
            "-180",
            "85.05112878",
            "nw",
            "180",
            "-85.05112878",
            "se",
        ],
        &["ZRANGE", "g", "0", "-1", "WITHSCORES"],
        &["GEOPOS", "g", "ne", "sw", "nw", "se"],
        &["GEOHASH", "g", "ne", "sw", "nw", "se"],
        // Wrong type.
        &["RPUSH", "l", "a"],
        &["GEOADD", "l", "1", "1", "a"],
        &["GEOADD", "l", "1", "1000", "a"],
    ]);
    // Many members: the set becomes a skiplist.
    let mut cmd: Vec<String> = vec!["GEOADD".into(), "big".into()];
    for i in 0..300 {
        cmd.push(format!("{}", -170.0 + i as f64 * 1.1));
        cmd.push(format!("{}", -80.0 + i as f64 * 0.5));
        cmd.push(format!("m{i}"));
    }
    p.check(&cmd);
    p.check(&["OBJECT", "ENCODING", "big"]);
    p.check(&["ZRANGE", "big", "0", "-1", "WITHSCORES"]);
}

#[test]
fn geopos_geodist_geohash() {
    let mut p = Pair::new();
    load(&mut p, "g");
    let names: Vec<&str> = PLACES.iter().map(|t| t.2).collect();
    let mut pos = vec!["GEOPOS", "g"];
    pos.extend(&names);
    pos.push("missing");
    p.check(&pos);
    let mut hash = vec!["GEOHASH", "g"];
    hash.extend(&names);
    hash.push("missing");
    p.check(&hash);
    for a in &names {
        for b in &names {
            p.check(&["GEODIST", "g", a, b]);
        }
        for unit in ["m", "km", "mi", "ft", "KM", "Mi"] {
            p.check(&["GEODIST", "g", a, "Palermo", unit]);
        }
    }
    p.check_all(&[
        &["GEOPOS", "g"],
        &["GEOPOS", "nokey", "a", "b"],
        &["GEOHASH", "g"],
        &["GEOHASH", "nokey", "a"],
        &["GEODIST", "g", "Palermo", "missing"],
        &["GEODIST", "g", "missing", "Palermo"],
        &["GEODIST", "nokey", "a", "b"],
        &["GEODIST", "nokey", "a", "b", "foo"],
        &["GEODIST", "g", "Palermo", "Catania", "foo"],
        &["GEODIST", "g", "Palermo", "Catania", "km", "x"],
        &["GEODIST", "g", "Palermo"],
        // Plain sorted-set members decode too.
        &[
            "ZADD",
            "z",
            "0",
            "zero",
            "1",
            "one",
            "4503599627370495",
            "max52",
            "-5",
            "neg",
        ],
        &["GEOPOS", "z", "zero", "one", "max52"],
        &["GEOHASH", "z", "zero", "one", "max52"],
        &["GEODIST", "z", "zero", "max52"],
        &["RPUSH", "l", "a"],
        &["GEOPOS", "l", "a"],
        &["GEOHASH", "l", "a"],
        &["GEODIST", "l", "a", "b"],
        &["GEODIST", "l", "a", "b", "foo"],
    ]);
    // RESP3: coordinates are doubles (same value, 7.0 prints 17 decimals).
    p.both(&["HELLO", "3"]);
    let mut pos = vec!["GEOPOS", "g"];
    pos.extend(&names);
    check_numeric(&mut p, &pos);
    check_numeric(
        &mut p,
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "300",
            "km",
            "ASC",
            "WITHCOORD",
            "WITHDIST",
            "WITHHASH",
        ],
    );
    p.check(&["GEODIST", "g", "Palermo", "Catania"]);
    p.check(&["GEOHASH", "g", "Palermo", "missing"]);
    p.check(&["GEOPOS", "g", "missing"]);
}

#[test]
fn searches_with_every_option() {
    let mut p = Pair::new();
    load(&mut p, "g");
    let centres: &[(&str, &str)] = &[
        ("15", "37"),
        ("0", "0"),
        ("2", "49"),
        ("179.9", "0"),
        ("-179.9", "1"),
        ("0", "84"),
        ("0", "-84"),
    ];
    let shapes: &[&[&str]] = &[
        &["BYRADIUS", "200", "km"],
        &["BYRADIUS", "1000", "km"],
        &["BYRADIUS", "5000", "mi"],
        &["BYRADIUS", "30", "m"],
        &["BYRADIUS", "0", "m"],
        &["BYRADIUS", "20000000", "m"],
        &["BYBOX", "400", "400", "km"],
        &["BYBOX", "2000", "100", "km"],
        &["BYBOX", "100", "4000", "mi"],
        &["BYBOX", "1000000", "30000", "ft"],
        &["BYBOX", "40000", "40000", "km"],
    ];
    let opts: &[&[&str]] = &[
        &[],
        &["ASC"],
        &["DESC"],
        &["WITHDIST", "ASC"],
        &["WITHCOORD", "WITHHASH", "DESC"],
        &["WITHDIST", "WITHCOORD", "WITHHASH", "ASC"],
        &["COUNT", "1"],
        &["COUNT", "3", "DESC", "WITHDIST"],
        &["COUNT", "2", "ANY"],
        &["COUNT", "100", "ANY", "ASC"],
    ];
    for (x, y) in centres {
        for shape in shapes {
            for o in opts {
                let mut cmd = vec!["GEOSEARCH", "g", "FROMLONLAT", x, y];
                cmd.extend(*shape);
                cmd.extend(*o);
                p.check(&cmd);
            }
        }
    }
    for m in ["Palermo", "Origin", "EastDateLine", "North", "Sydney"] {
        for shape in shapes {
            for o in opts {
                let mut cmd = vec!["GEOSEARCH", "g", "FROMMEMBER", m];
                cmd.extend(*shape);
                cmd.extend(*o);
                p.check(&cmd);
            }
            if shape[0] == "BYRADIUS" {
                let mut cmd = vec![
                    "GEORADIUSBYMEMBER",
                    "g",
                    m,
                    shape[1],
                    shape[2],
                    "WITHDIST",
                    "ASC",
                ];
                p.check(&cmd);
                cmd[0] = "GEORADIUSBYMEMBER_RO";
                p.check(&cmd);
            }
        }
    }
    for (x, y) in centres {
        for o in opts {
            let mut cmd = vec!["GEORADIUS", "g", x, y, "3000", "km"];
            cmd.extend(*o);
            p.check(&cmd);
            cmd[0] = "GEORADIUS_RO";
            p.check(&cmd);
        }
    }
    // Options in other orders and cases.
    p.check_all(&[
        &[
            "GEOSEARCH",
            "g",
            "BYRADIUS",
            "500",
            "KM",
            "FROMLONLAT",
            "15",
            "37",
            "withdist",
            "asc",
        ],
        &[
            "geosearch",
            "g",
            "bybox",
            "500",
            "500",
            "km",
            "frommember",
            "Palermo",
            "count",
            "2",
            "desc",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMMEMBER",
            "Palermo",
            "FROMMEMBER",
            "Catania",
            "BYRADIUS",
            "200",
            "km",
            "ASC",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "FROMLONLAT",
            "13",
            "38",
            "BYRADIUS",
            "200",
            "km",
            "ASC",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "1",
            "km",
            "BYRADIUS",
            "300",
            "km",
            "ASC",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "300",
            "km",
            "ASC",
            "DESC",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "300",
            "km",
            "COUNT",
            "1",
            "COUNT",
            "5",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "300",
            "km",
            "ANY",
            "COUNT",
            "1",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "inf",
            "km",
            "ASC",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYBOX",
            "inf",
            "1",
            "km",
            "ASC",
        ],
        &[
            "GEORADIUS",
            "g",
            "15",
            "37",
            "300",
            "km",
            "WITHDIST",
            "WITHDIST",
        ],
    ]);
}

#[test]
fn search_argument_errors() {
    let mut p = Pair::new();
    load(&mut p, "g");
    p.check_all(&[
        &["RPUSH", "l", "a"],
        // GEOSEARCH.
        &["GEOSEARCH", "g", "FROMLONLAT", "15", "37"],
        &["GEOSEARCH", "g", "BYRADIUS", "10", "km"],
        &[
            "GEOSEARCH",
            "g",
            "FROMMEMBER",
            "Palermo",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "10",
            "km",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "FROMMEMBER",
            "Palermo",
            "BYRADIUS",
            "10",
            "km",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "10",
            "km",
            "BYBOX",
            "1",
            "1",
            "km",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYBOX",
            "1",
            "1",
            "km",
            "BYRADIUS",
            "10",
            "km",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMMEMBER",
            "nope",
            "BYRADIUS",
            "10",
            "km",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYBOX",
            "-1",
            "1",
            "km",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYBOX",
            "1",
            "-1",
            "km",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYBOX",
            "a",
            "1",
            "km",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYBOX",
            "1",
            "a",
            "km",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYBOX",
            "a",
            "a",
            "kmx",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYBOX",
            "1",
            "1",
            "kmx",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYBOX",
            "1",
            "1",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "-1",
            "km",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "x",
            "km",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "1",
            "yd",
        ],
        &["GEOSEARCH", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "1"],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "200",
            "37",
            "BYRADIUS",
            "1",
            "km",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "x",
            "37",
            "BYRADIUS",
            "1",
            "km",
        ],
        &["GEOSEARCH", "g", "FROMLONLAT", "15", "BYRADIUS", "1", "km"],
        &["GEOSEARCH", "g", "FROMMEMBER", "BYRADIUS", "1", "km"],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "10",
            "km",
            "STORE",
            "x",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "10",
            "km",
            "STOREDIST",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "10",
            "km",
            "ANY",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "10",
            "km",
            "COUNT",
            "0",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "10",
            "km",
            "COUNT",
            "-3",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "10",
            "km",
            "COUNT",
            "x",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "10",
            "km",
            "COUNT",
        ],
        &[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "10",
            "km",
            "FOO",
        ],
        &["geosearch", "g", "fromlonlat", "15", "37"],
        &["GeoSearch", "g", "byradius", "10", "km", "asc"],
        &[
            "GEOSEARCH",
            "nokey",
            "FROMMEMBER",
            "x",
            "BYRADIUS",
            "10",
            "km",
        ],
        &[
            "GEOSEARCH",
            "nokey",
            "FROMMEMBER",
            "x",
            "BYRADIUS",
            "-10",
            "km",
        ],
        &["GEOSEARCH", "nokey", "FROMLONLAT", "15", "37"],
        &[
            "GEOSEARCH",
            "nokey",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "10",
            "km",
            "ANY",
        ],
        &[
            "GEOSEARCH",
            "l",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "10",
            "km",
        ],
        &["GEOSEARCH", "l", "FROMLONLAT", "15", "37"],
        &["GEOSEARCH", "g", "FROMLONLAT", "15"],
        // GEOSEARCHSTORE.
        &[
            "GEOSEARCHSTORE",
            "d",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "10",
            "km",
            "WITHDIST",
        ],
        &[
            "GEOSEARCHSTORE",
            "d",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "10",
            "km",
            "WITHHASH",
            "STOREDIST",
        ],
        &[
            "GEOSEARCHSTORE",
            "d",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "10",
            "km",
            "STORE",
            "x",
        ],
        &["GEOSEARCHSTORE", "d", "g", "FROMLONLAT", "15", "37"],
        &[
            "GEOSEARCHSTORE",
            "d",
            "l",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "10",
            "km",
        ],
        &[
            "GEOSEARCHSTORE",
            "d",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
        ],
        // GEORADIUS family.
        &["GEORADIUS", "g", "15", "37", "200", "foo"],
        &["GEORADIUS", "g", "15", "37", "-1", "km"],
        &["GEORADIUS", "g", "15", "37", "abc", "km"],
        &["GEORADIUS", "g", "200", "37", "1", "km"],
        &["GEORADIUS", "g", "15", "x", "1", "km"],
        &["GEORADIUS", "g", "15", "37", "200", "km", "COUNT", "0"],
        &["GEORADIUS", "g", "15", "37", "200", "km", "COUNT"],
        &["GEORADIUS", "g", "15", "37", "200", "km", "ANY"],
        &["GEORADIUS", "g", "15", "37", "200", "km", "STORE"],
        &[
            "GEORADIUS",
            "g",
            "15",
            "37",
            "200",
            "km",
            "STORE",
            "d",
            "WITHDIST",
        ],
        &[
            "GEORADIUS",
            "g",
            "15",
            "37",
            "200",
            "km",
            "WITHCOORD",
            "STOREDIST",
            "d",
        ],
        &[
            "GEORADIUS",
            "g",
            "15",
            "37",
            "200",
            "km",
            "FROMMEMBER",
            "Palermo",
        ],
        &[
            "GEORADIUS",
            "g",
            "15",
            "37",
            "200",
            "km",
            "BYRADIUS",
            "1",
            "km",
        ],
        &["GEORADIUS", "l", "15", "37", "200", "km"],
        &["GEORADIUS", "l", "200", "37", "200", "km"],
        &["GEORADIUS", "nokey", "200", "37", "200", "km"],
        &["GEORADIUS", "nokey", "15", "37", "200", "km", "WITHDIST"],
        &["GEORADIUS_RO", "g", "15", "37", "200", "km", "STORE", "d"],
        &[
            "GEORADIUS_RO",
            "g",
            "15",
            "37",
            "200",
            "km",
            "STOREDIST",
            "d",
        ],
        &["GEORADIUSBYMEMBER", "g", "nope", "200", "km"],
        &["GEORADIUSBYMEMBER", "g", "Palermo", "abc", "km"],
        &["GEORADIUSBYMEMBER", "g", "Palermo", "200", "lightyears"],
        &["GEORADIUSBYMEMBER", "nokey", "nope", "abc", "km"],
        &["GEORADIUSBYMEMBER", "nokey", "nope", "abc", "km", "FOO"],
        &[
            "GEORADIUSBYMEMBER",
            "nokey",
            "nope",
            "1",
            "km",
            "STORE",
            "d",
        ],
        &["GEORADIUSBYMEMBER", "l", "nope", "200", "km"],
        &[
            "GEORADIUSBYMEMBER_RO",
            "g",
            "Palermo",
            "200",
            "km",
            "STORE",
            "d",
        ],
        &["GEORADIUSBYMEMBER", "g", "Palermo", "200"],
    ]);
}

#[test]
fn store_variants() {
    let mut p = Pair::new();
    load(&mut p, "g");
    let cmds: &[&[&str]] = &[
        &["GEORADIUS", "g", "15", "37", "300", "km", "STORE", "d1"],
        &[
            "GEORADIUS",
            "g",
            "15",
            "37",
            "3000",
            "km",
            "STOREDIST",
            "d2",
            "COUNT",
            "5",
            "DESC",
        ],
        &[
            "GEORADIUSBYMEMBER",
            "g",
            "Palermo",
            "300",
            "km",
            "STORE",
            "d3",
        ],
        &[
            "GEORADIUSBYMEMBER",
            "g",
            "Paris",
            "3000",
            "km",
            "STOREDIST",
            "d4",
            "ASC",
            "COUNT",
            "2",
        ],
        &[
            "GEOSEARCHSTORE",
            "d5",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "300",
            "km",
        ],
        &[
            "GEOSEARCHSTORE",
            "d6",
            "g",
            "FROMMEMBER",
            "Paris",
            "BYBOX",
            "3000",
            "3000",
            "km",
            "STOREDIST",
            "ASC",
            "COUNT",
            "3",
        ],
        &[
            "GEOSEARCHSTORE",
            "d7",
            "g",
            "FROMLONLAT",
            "0",
            "0",
            "BYRADIUS",
            "20000",
            "km",
            "COUNT",
            "2",
            "ANY",
        ],
        &[
            "GEOSEARCHSTORE",
            "g",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "300",
            "km",
        ],
    ];
    for c in cmds {
        p.check(c);
        let dst = if c[0] == "GEOSEARCHSTORE" {
            c[1]
        } else {
            c[c.iter()
                .position(|a| a.starts_with("STORE"))
                .map_or(0, |i| i + 1)]
        };
        p.check(&["ZRANGE", dst, "0", "-1"]);
        p.check(&["OBJECT", "ENCODING", dst]);
        check_numeric(&mut p, &["ZRANGE", dst, "0", "-1", "WITHSCORES"]);
    }
    // Empty results delete the destination; a missing source too.
    p.check_all(&[
        &["SET", "s", "x"],
        &["GEORADIUS", "g", "15", "37", "1", "m", "STORE", "s"],
        &["EXISTS", "s"],
        &["SET", "s", "x"],
        &[
            "GEOSEARCHSTORE",
            "s",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "1",
            "m",
        ],
        &["EXISTS", "s"],
        &["SET", "s", "x"],
        &[
            "GEOSEARCHSTORE",
            "s",
            "nokey",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "1",
            "m",
        ],
        &["EXISTS", "s"],
        &["SET", "s", "x"],
        &[
            "GEORADIUSBYMEMBER",
            "nokey",
            "a",
            "1",
            "m",
            "STOREDIST",
            "s",
        ],
        &["EXISTS", "s"],
        &[
            "GEOSEARCHSTORE",
            "s",
            "nokey",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "1",
            "m",
        ],
        // The destination replaces any type and loses its TTL.
        &["RPUSH", "lst", "a"],
        &[
            "GEOSEARCHSTORE",
            "lst",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "300",
            "km",
        ],
        &["TYPE", "lst"],
        &["SET", "t", "x", "EX", "100"],
        &["GEORADIUS", "g", "15", "37", "300", "km", "STORE", "t"],
        &["TTL", "t"],
    ]);
    // Many results: a skiplist destination.
    let mut cmd: Vec<String> = vec!["GEOADD".into(), "many".into()];
    for i in 0..200 {
        cmd.extend([
            format!("{}", 10.0 + (i % 20) as f64 * 0.01),
            format!("{}", 40.0 + (i / 20) as f64 * 0.01),
            format!("p{i}"),
        ]);
    }
    p.check(&cmd);
    p.check(&[
        "GEOSEARCHSTORE",
        "md",
        "many",
        "FROMLONLAT",
        "10.1",
        "40.05",
        "BYRADIUS",
        "50",
        "km",
    ]);
    p.check(&["OBJECT", "ENCODING", "md"]);
    p.check(&["ZRANGE", "md", "0", "-1", "WITHSCORES"]);
    p.check(&[
        "GEOSEARCHSTORE",
        "md2",
        "many",
        "FROMLONLAT",
        "10.1",
        "40.05",
        "BYRADIUS",
        "5",
        "km",
        "STOREDIST",
    ]);
    p.check(&["ZCARD", "md2"]);
}

/// A small deterministic generator.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 11
    }
    fn unit(&mut self) -> f64 {
        self.next() as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
}

#[test]
fn randomized_searches_agree() {
    let mut p = Pair::new();
    let mut g = Lcg(2024);
    for (round, n) in [50usize, 400, 1500].into_iter().enumerate() {
        let key = format!("r{round}");
        let centres: Vec<(f64, f64)> = (0..4)
            .map(|_| (g.range(-180.0, 180.0), g.range(-85.0, 85.0)))
            .chain([(179.95, 0.0), (0.0, 84.9), (-179.95, -84.9)])
            .collect();
        let mut cmd: Vec<String> = vec!["GEOADD".into(), key.clone()];
        for i in 0..n {
            let (cx, cy) = centres[(g.next() % centres.len() as u64) as usize];
            let spread = [0.01, 0.5, 5.0][(g.next() % 3) as usize];
            let (x, y) = if g.next() % 5 == 0 {
                (g.range(-180.0, 180.0), g.range(-85.05, 85.05))
            } else {
                (
                    (cx + g.range(-spread, spread)).clamp(-180.0, 180.0),
                    (cy + g.range(-spread, spread)).clamp(-85.05, 85.05),
                )
            };
            cmd.extend([format!("{x:.6}"), format!("{y:.6}"), format!("m{i}")]);
        }
        p.check(&cmd);
        for q in 0..250 {
            let (cx, cy) = centres[(g.next() % centres.len() as u64) as usize];
            let x = format!("{:.5}", (cx + g.range(-1.0, 1.0)).clamp(-180.0, 180.0));
            let y = format!("{:.5}", (cy + g.range(-1.0, 1.0)).clamp(-85.0, 85.0));
            let (unit, conv) = [("m", 1.0), ("km", 1000.0), ("mi", 1609.34), ("ft", 0.3048)]
                [(g.next() % 4) as usize];
            let metres =
                [1.0, 100.0, 1000.0, 5000.0, 20000.0, 100000.0, 1e6, 5e6][(g.next() % 8) as usize];
            let r = format!("{}", metres / conv);
            if q % 2 == 0 {
                p.check(&[
                    "GEOSEARCH",
                    &key,
                    "FROMLONLAT",
                    &x,
                    &y,
                    "BYRADIUS",
                    &r,
                    unit,
                    "ASC",
                    "WITHDIST",
                    "WITHCOORD",
                    "WITHHASH",
                ]);
            } else {
                let h = format!("{}", metres / conv * g.range(0.2, 3.0));
                p.check(&[
                    "GEOSEARCH",
                    &key,
                    "FROMLONLAT",
                    &x,
                    &y,
                    "BYBOX",
                    &r,
                    &h,
                    unit,
                    "DESC",
                    "WITHDIST",
                ]);
            }
            if q % 10 == 0 {
                let m = format!("m{}", g.next() % n as u64);
                p.check(&[
                    "GEORADIUSBYMEMBER",
                    &key,
                    &m,
                    &r,
                    unit,
                    "WITHDIST",
                    "COUNT",
                    "5",
                ]);
                p.check(&[
                    "GEOSEARCH",
                    &key,
                    "FROMMEMBER",
                    &m,
                    "BYRADIUS",
                    &r,
                    unit,
                    "COUNT",
                    "3",
                    "ANY",
                ]);
                p.check(&["GEORADIUS", &key, &x, &y, &r, unit]);
                let m2 = format!("m{}", g.next() % n as u64);
                p.check(&["GEODIST", &key, &m, &m2, unit]);
                p.check(&["GEOHASH", &key, &m, &m2]);
                p.check(&["GEOPOS", &key, &m, &m2]);
            }
        }
    }
}

#[test]
fn keyspace_events_of_geo_writes() {
    let mut p = Pair::new();
    p.check(&["CONFIG", "SET", "notify-keyspace-events", "KEA"]);
    let (mut rs, mut cs) = p.connect_more();
    rs.cmd(&["PSUBSCRIBE", "__key*__:*"]);
    cs.cmd(&["PSUBSCRIBE", "__key*__:*"]);
    let cmds: &[&[&str]] = &[
        &[
            "GEOADD",
            "g",
            "13.361389",
            "38.115556",
            "Palermo",
            "15.087269",
            "37.502669",
            "Catania",
        ],
        &["GEOADD", "g", "13.361389", "38.115556", "Palermo"],
        &["GEOADD", "g", "XX", "13.4", "38.1", "Palermo"],
        &["GEORADIUS", "g", "15", "37", "200", "km", "STORE", "a"],
        &[
            "GEORADIUSBYMEMBER",
            "g",
            "Palermo",
            "200",
            "km",
            "STOREDIST",
            "a",
        ],
        &[
            "GEOSEARCHSTORE",
            "b",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "200",
            "km",
        ],
        &[
            "GEOSEARCHSTORE",
            "b",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "1",
            "m",
        ],
        &[
            "GEOSEARCHSTORE",
            "a",
            "nokey",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "1",
            "m",
        ],
        &["SET", "end", "1"],
    ];
    for c in cmds {
        p.check(c);
    }
    loop {
        let (r, c) = (rs.read_reply(), cs.read_reply());
        assert_eq!(show(&c), show(&r));
        if r.ends_with(b"end\r\n") && r.windows(3).any(|w| w == b"set") {
            break;
        }
    }
}

#[test]
fn ties_under_count_come_out_in_redis_order() {
    // Many members at the same few positions: equal distances, which Redis orders with
    // its partial quicksort (pqsort) under COUNT and with a stable sort otherwise.
    let mut p = Pair::new();
    let mut cmd: Vec<String> = vec!["GEOADD".into(), "t".into()];
    for i in 0..150 {
        let (x, y) = [
            ("10", "10"),
            ("10.01", "10"),
            ("9.99", "10"),
            ("10", "10.01"),
        ][i % 4];
        cmd.extend([x.to_string(), y.to_string(), format!("m{i:03}")]);
    }
    p.check(&cmd);
    for k in [1, 2, 5, 7, 8, 20, 40, 41, 75, 149, 150, 200] {
        let k = k.to_string();
        p.check(&[
            "GEOSEARCH",
            "t",
            "FROMLONLAT",
            "10",
            "10",
            "BYRADIUS",
            "10",
            "km",
            "COUNT",
            &k,
            "ASC",
        ]);
        p.check(&[
            "GEOSEARCH",
            "t",
            "FROMLONLAT",
            "10",
            "10",
            "BYRADIUS",
            "10",
            "km",
            "COUNT",
            &k,
            "DESC",
        ]);
        p.check(&["GEORADIUS", "t", "10.005", "10", "10", "km", "COUNT", &k]);
        p.check(&[
            "GEOSEARCHSTORE",
            "d",
            "t",
            "FROMLONLAT",
            "10",
            "10",
            "BYBOX",
            "10",
            "10",
            "km",
            "COUNT",
            &k,
            "DESC",
        ]);
        p.check(&["ZRANGE", "d", "0", "-1"]);
    }
    p.check(&[
        "GEOSEARCH",
        "t",
        "FROMLONLAT",
        "10",
        "10",
        "BYRADIUS",
        "10",
        "km",
        "ASC",
    ]);
    p.check(&[
        "GEOSEARCH",
        "t",
        "FROMLONLAT",
        "10",
        "10",
        "BYRADIUS",
        "10",
        "km",
        "DESC",
    ]);
}
