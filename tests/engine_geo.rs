//! Geo commands through `Engine::execute`: GEOADD propagated as ZADD, search results
//! against a brute-force scan, STORE destinations (encodings, scores, TTL), RESP3 reply
//! shapes, keyspace events and memory accounting.

use cinnabar::clock::ManualClock;
use cinnabar::cmd::ArgvBuf;
use cinnabar::rng::Rng;
use cinnabar::types::geohash;
use cinnabar::{ClientHandle, Config, Engine, Reply};

const T0: i64 = 1_700_000_000_000;

struct T {
    e: Engine,
    c: ClientHandle,
}

impl T {
    fn new() -> T {
        let clock = ManualClock::new(T0);
        let mut e = Engine::with_rng(Config::default(), Box::new(clock), Rng::seeded(3));
        let c = e.connect();
        T { e, c }
    }

    fn run<B: AsRef<[u8]>>(&mut self, parts: &[B]) -> Reply {
        let a = ArgvBuf::from_parts(parts.iter().map(|p| p.as_ref()));
        self.e.execute(self.c, &a.args())
    }

    fn int<B: AsRef<[u8]>>(&mut self, parts: &[B]) -> i64 {
        match self.run(parts) {
            Reply::Int(i) => i,
            other => panic!("expected an integer, got {other:?}"),
        }
    }

    fn err<B: AsRef<[u8]>>(&mut self, parts: &[B]) -> String {
        match self.run(parts) {
            Reply::Error(e) => e.into_owned(),
            other => panic!("expected an error, got {other:?}"),
        }
    }

    fn bulks<B: AsRef<[u8]>>(&mut self, parts: &[B]) -> Vec<String> {
        match self.run(parts) {
            Reply::Array(v) => v
                .into_iter()
                .map(|r| match r {
                    Reply::Bulk(b) => String::from_utf8(b).expect("utf8"),
                    other => panic!("expected bulks, got {other:?}"),
                })
                .collect(),
            other => panic!("expected an array, got {other:?}"),
        }
    }

    fn encoding(&self, key: &str) -> &'static str {
        self.e.state().dbs[0]
            .ks
            .get(key.as_bytes())
            .expect("key present")
            .value
            .encoding()
    }

    fn mem(&self) -> usize {
        self.e.state().dbs[0].ks.mem()
    }

    fn propagated(&mut self) -> Vec<String> {
        self.e
            .take_propagated()
            .into_iter()
            .map(|c| {
                c.iter()
                    .map(|a| String::from_utf8_lossy(a).into_owned())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .filter(|c| !c.to_ascii_lowercase().starts_with("select"))
            .collect()
    }
}

/// A small deterministic generator.
struct Lcg(u64);
impl Lcg {
    fn unit(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
}

#[test]
fn geoadd_is_propagated_as_zadd() {
    let mut t = T::new();
    t.e.enable_propagation();
    assert_eq!(
        t.int(&[
            "GEOADD",
            "g",
            "13.361389",
            "38.115556",
            "Palermo",
            "15.087269",
            "37.502669",
            "Catania"
        ]),
        2
    );
    assert_eq!(
        t.int(&["GEOADD", "g", "13.361389", "38.115556", "Palermo"]),
        0
    ); // no change
    assert_eq!(
        t.int(&[
            "GEOADD", "g", "CH", "XX", "13.4", "38.1", "Palermo", "1", "1", "new"
        ]),
        1
    );
    assert!(
        t.err(&["GEOADD", "g", "200", "1", "x"])
            .starts_with("ERR invalid longitude,latitude pair 200.000000,1.000000")
    );
    t.run(&[
        "GEOSEARCH",
        "g",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "200",
        "km",
    ]);
    t.run(&["GEORADIUS", "g", "15", "37", "200", "km", "STORE", "d"]);
    assert_eq!(
        t.propagated(),
        vec![
            "zadd g 3479099956230698 Palermo 3479447370796909 Catania",
            "zadd g CH XX 3479099937378871 Palermo 3377822707026402 new",
            "GEORADIUS g 15 37 200 km STORE d",
        ]
    );
    assert_eq!(t.encoding("g"), "listpack");
}

#[test]
fn radius_searches_find_exactly_the_points_in_range() {
    // Away from the poles, the nine-box scan must find every point within the radius
    // and nothing else: compare with a scan of all members.
    let mut t = T::new();
    let mut g = Lcg(77);
    let mut pts = Vec::new();
    let mut cmd: Vec<String> = vec!["GEOADD".into(), "g".into()];
    for i in 0..2000 {
        let (x, y) = (g.range(-30.0, 30.0), g.range(-50.0, 50.0));
        cmd.extend([format!("{x:.6}"), format!("{y:.6}"), format!("p{i}")]);
        pts.push(format!("p{i}"));
    }
    t.run(&cmd);
    assert_eq!(t.encoding("g"), "skiplist");
    let mut decoded = Vec::new();
    for m in &pts {
        let Reply::Array(xy) = t.run(&["GEOPOS", "g", m]) else {
            panic!("geopos")
        };
        let Reply::Array(c) = &xy[0] else {
            panic!("pair")
        };
        let num = |r: &Reply| match r {
            Reply::Bulk(b) => std::str::from_utf8(b).unwrap().parse::<f64>().unwrap(),
            other => panic!("{other:?}"),
        };
        decoded.push((m.clone(), num(&c[0]), num(&c[1])));
    }
    for q in 0..60 {
        let (x, y) = (g.range(-25.0, 25.0), g.range(-45.0, 45.0));
        let km = [1.0, 50.0, 300.0, 1500.0][q % 4];
        let (sx, sy) = (format!("{x}"), format!("{y}"));
        let mut got = t.bulks(&[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            &sx,
            &sy,
            "BYRADIUS",
            &km.to_string(),
            "km",
        ]);
        got.sort();
        let mut want: Vec<String> = decoded
            .iter()
            .filter(|(_, px, py)| geohash::distance(x, y, *px, *py) <= km * 1000.0)
            .map(|(m, _, _)| m.clone())
            .collect();
        want.sort();
        assert_eq!(got, want, "query {q}: ({x}, {y}) {km} km");
        // Sorted by distance with ASC.
        let asc = t.bulks(&["GEORADIUS", "g", &sx, &sy, &km.to_string(), "km", "ASC"]);
        let dist = |m: &String| {
            let (_, px, py) = decoded.iter().find(|(n, _, _)| n == m).unwrap();
            geohash::distance(x, y, *px, *py)
        };
        assert!(asc.windows(2).all(|w| dist(&w[0]) <= dist(&w[1])));
        assert_eq!(asc.len(), want.len());
    }
}

#[test]
fn store_destinations() {
    let mut t = T::new();
    t.run(&[
        "GEOADD",
        "g",
        "13.361389",
        "38.115556",
        "Palermo",
        "15.087269",
        "37.502669",
        "Catania",
    ]);
    assert_eq!(
        t.int(&[
            "GEOSEARCHSTORE",
            "d",
            "g",
            "FROMLONLAT",
            "15",
            "37",
            "BYRADIUS",
            "200",
            "km",
            "STOREDIST"
        ]),
        2
    );
    assert_eq!(t.encoding("d"), "listpack");
    match t.run(&["ZSCORE", "d", "Catania"]) {
        Reply::Double(v) => assert!((v - 56.4413).abs() < 1e-4, "{v}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        t.int(&["GEORADIUS", "g", "15", "37", "200", "km", "STORE", "d"]),
        2
    );
    assert_eq!(
        t.run(&["ZSCORE", "d", "Palermo"]),
        Reply::Double(3479099956230698.0)
    );
    // Destinations lose their TTL; empty results delete them.
    t.run(&["EXPIRE", "d", "100"]);
    t.int(&["GEORADIUS", "g", "15", "37", "200", "km", "STORE", "d"]);
    assert_eq!(t.int(&["TTL", "d"]), -1);
    assert_eq!(
        t.int(&["GEORADIUS", "g", "15", "37", "1", "m", "STORE", "d"]),
        0
    );
    assert_eq!(t.int(&["EXISTS", "d"]), 0);
    // A big result is a skiplist.
    let mut cmd: Vec<String> = vec!["GEOADD".into(), "many".into()];
    for i in 0..300 {
        cmd.extend([
            format!("{}", 10.0 + (i % 20) as f64 * 0.001),
            format!("{}", 40.0 + (i / 20) as f64 * 0.001),
            format!("m{i}"),
        ]);
    }
    t.run(&cmd);
    assert_eq!(
        t.int(&[
            "GEOSEARCHSTORE",
            "big",
            "many",
            "FROMLONLAT",
            "10.01",
            "40.007",
            "BYRADIUS",
            "10",
            "km"
        ]),
        300
    );
    assert_eq!(t.encoding("big"), "skiplist");
    assert_eq!(
        t.int(&[
            "GEOSEARCHSTORE",
            "big",
            "many",
            "FROMLONLAT",
            "10.01",
            "40.007",
            "BYRADIUS",
            "10",
            "km",
            "COUNT",
            "5"
        ]),
        5
    );
    assert_eq!(t.encoding("big"), "listpack");
}

#[test]
fn resp3_coordinates_are_doubles() {
    let mut t = T::new();
    t.run(&["HELLO", "3"]);
    t.run(&["GEOADD", "g", "13.361389", "38.115556", "Palermo"]);
    match t.run(&["GEOPOS", "g", "Palermo", "nope"]) {
        Reply::Array(v) => {
            assert_eq!(v[1], Reply::NilArray);
            let Reply::Array(xy) = &v[0] else {
                panic!("pair")
            };
            assert!(matches!(xy[0], Reply::Double(x) if (x - 13.361389).abs() < 1e-5));
            assert!(matches!(xy[1], Reply::Double(y) if (y - 38.115556).abs() < 1e-5));
        }
        other => panic!("{other:?}"),
    }
    // Distances stay bulk strings, hashes integers.
    match t.run(&[
        "GEOSEARCH",
        "g",
        "FROMMEMBER",
        "Palermo",
        "BYRADIUS",
        "1",
        "km",
        "WITHDIST",
        "WITHHASH",
    ]) {
        Reply::Array(v) => assert_eq!(
            v[0],
            Reply::Array(vec![
                Reply::bulk("Palermo"),
                Reply::bulk("0.0000"),
                Reply::Int(3479099956230698)
            ])
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn events_and_memory() {
    let mut t = T::new();
    let empty = t.mem();
    let sub = t.e.connect();
    t.e.execute(
        sub,
        &ArgvBuf::from_parts(["PSUBSCRIBE", "__keyevent@0__:*"]).args(),
    );
    t.run(&["CONFIG", "SET", "notify-keyspace-events", "Ezg"]);
    t.e.take_messages();
    t.run(&[
        "GEOADD",
        "g",
        "13.361389",
        "38.115556",
        "Palermo",
        "15.087269",
        "37.502669",
        "Catania",
    ]);
    t.run(&["GEORADIUS", "g", "15", "37", "200", "km", "STORE", "a"]);
    t.run(&[
        "GEOSEARCHSTORE",
        "b",
        "g",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "200",
        "km",
    ]);
    t.run(&[
        "GEOSEARCHSTORE",
        "b",
        "g",
        "FROMLONLAT",
        "15",
        "37",
        "BYRADIUS",
        "1",
        "m",
    ]);
    let events: Vec<String> =
        t.e.take_messages()
            .into_iter()
            .filter_map(|(_, m)| {
                let s = String::from_utf8_lossy(&m).into_owned();
                ["zadd", "georadiusstore", "geosearchstore", "del"]
                    .into_iter()
                    .find(|e| s.contains(&format!("__keyevent@0__:{e}\r\n")))
                    .map(str::to_string)
            })
            .collect();
    assert_eq!(
        events,
        vec!["zadd", "georadiusstore", "geosearchstore", "del"]
    );
    t.run(&["DEL", "g", "a", "b"]);
    assert_eq!(t.mem(), empty);
}

#[test]
fn errors() {
    let mut t = T::new();
    t.run(&["RPUSH", "l", "a"]);
    let wt = "WRONGTYPE Operation against a key holding the wrong kind of value";
    assert_eq!(t.err(&["GEOADD", "l", "1", "1", "a"]), wt);
    assert_eq!(t.err(&["GEOPOS", "l", "a"]), wt);
    assert_eq!(
        t.err(&[
            "GEOSEARCH",
            "l",
            "FROMLONLAT",
            "1",
            "1",
            "BYRADIUS",
            "1",
            "km"
        ]),
        wt
    );
    t.run(&["GEOADD", "g", "1", "1", "a"]);
    assert_eq!(
        t.err(&["GEOADD", "g", "XX", "NX", "1", "1", "a"]),
        "ERR syntax error"
    );
    assert_eq!(
        t.err(&["GEODIST", "g", "a", "a", "yd"]),
        "ERR unsupported unit provided. please use M, KM, FT, MI"
    );
    assert_eq!(
        t.err(&["GEORADIUS", "g", "1", "1", "-1", "km"]),
        "ERR radius cannot be negative"
    );
    assert_eq!(
        t.err(&["GEORADIUS", "g", "1", "1", "x", "km"]),
        "ERR need numeric radius"
    );
    assert_eq!(
        t.err(&[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "1",
            "1",
            "BYBOX",
            "x",
            "1",
            "km"
        ]),
        "ERR need numeric width"
    );
    assert_eq!(
        t.err(&[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "1",
            "1",
            "BYBOX",
            "1",
            "-1",
            "km"
        ]),
        "ERR height or width cannot be negative"
    );
    assert_eq!(
        t.err(&["GEOSEARCH", "g", "FROMMEMBER", "zz", "BYRADIUS", "1", "km"]),
        "ERR could not decode requested zset member"
    );
    assert_eq!(
        t.err(&[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "1",
            "1",
            "BYRADIUS",
            "1",
            "km",
            "COUNT",
            "0"
        ]),
        "ERR COUNT must be > 0"
    );
    assert_eq!(
        t.err(&[
            "GEOSEARCH",
            "g",
            "FROMLONLAT",
            "1",
            "1",
            "BYRADIUS",
            "1",
            "km",
            "ANY"
        ]),
        "ERR the ANY argument requires COUNT argument"
    );
    assert_eq!(
        t.err(&["geoSearch", "g", "BYRADIUS", "1", "km", "ASC", "WITHDIST"]),
        "ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geoSearch"
    );
    assert_eq!(
        t.err(&["GEOSEARCH", "g", "FROMLONLAT", "1", "1", "ASC", "WITHDIST"]),
        "ERR exactly one of BYRADIUS and BYBOX can be specified for GEOSEARCH"
    );
    assert_eq!(
        t.err(&[
            "GEOSEARCHSTORE",
            "d",
            "g",
            "FROMLONLAT",
            "1",
            "1",
            "BYRADIUS",
            "1",
            "km",
            "WITHDIST"
        ]),
        "ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options"
    );
    assert_eq!(
        t.err(&[
            "GEORADIUS",
            "g",
            "1",
            "1",
            "1",
            "km",
            "WITHHASH",
            "STORE",
            "d"
        ]),
        "ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options"
    );
    assert_eq!(
        t.err(&["GEORADIUS_RO", "g", "1", "1", "1", "km", "STORE", "d"]),
        "ERR syntax error"
    );
}
