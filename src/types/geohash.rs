//! Geohash math, ported from Redis's `geohash.c` and `geohash_helper.c` so that scores,
//! distances and search results match Redis bit for bit.
//!
//! A position is stored in a sorted set as a 52-bit interleaved geohash (26 steps of
//! longitude and latitude bits, latitude in the even bits) used as the score. The
//! latitude range is that of the Web Mercator projection (±85.05112878), not ±90.
//!
//! Searches (GEOSEARCH, GEORADIUS) pick a geohash precision from the radius
//! ([`estimate_steps_by_radius`]), take the box containing the centre and its eight
//! neighbours ([`areas_by_shape`]), drop the neighbours the search area cannot reach,
//! and scan each box's score range, filtering points by exact distance.

/// Smallest longitude.
pub const LONG_MIN: f64 = -180.0;
/// Largest longitude.
pub const LONG_MAX: f64 = 180.0;
/// Smallest latitude (Web Mercator limit).
pub const LAT_MIN: f64 = -85.051_128_78;
/// Largest latitude.
pub const LAT_MAX: f64 = 85.051_128_78;
/// Steps (bits per coordinate) of stored hashes.
pub const STEP_MAX: u8 = 26;

/// `M_PI / 180`.
const D_R: f64 = std::f64::consts::PI / 180.0;
/// Earth's quadratic mean radius for WGS-84, in metres (Redis's value).
pub const EARTH_RADIUS_IN_METERS: f64 = 6_372_797.560_856;
const MERCATOR_MAX: f64 = 20_037_726.37;

/// An interleaved hash of `step` bits per coordinate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HashBits {
    /// The interleaved bits.
    pub bits: u64,
    /// Bits per coordinate.
    pub step: u8,
}

impl HashBits {
    /// Redis's `HASHISZERO`.
    #[inline]
    pub fn is_zero(&self) -> bool {
        self.bits == 0 && self.step == 0
    }
}

/// A closed interval.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Range {
    /// Lower end.
    pub min: f64,
    /// Upper end.
    pub max: f64,
}

/// The cell a hash stands for.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Area {
    /// The hash.
    pub hash: HashBits,
    /// Longitude span.
    pub longitude: Range,
    /// Latitude span.
    pub latitude: Range,
}

/// The eight neighbours of a cell.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Neighbors {
    /// North.
    pub north: HashBits,
    /// East.
    pub east: HashBits,
    /// West.
    pub west: HashBits,
    /// South.
    pub south: HashBits,
    /// North-east.
    pub north_east: HashBits,
    /// South-east.
    pub south_east: HashBits,
    /// North-west.
    pub north_west: HashBits,
    /// South-west.
    pub south_west: HashBits,
}

/// The boxes to scan for a search.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Radius {
    /// The centre's cell.
    pub hash: HashBits,
    /// The centre cell's area.
    pub area: Area,
    /// Its neighbours (zeroed when useless).
    pub neighbors: Neighbors,
}

/// The search area of GEOSEARCH / GEORADIUS.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ShapeKind {
    /// BYRADIUS: radius in the unit.
    Circle(f64),
    /// BYBOX: width and height in the unit.
    Rect(f64, f64),
}

/// A search shape: centre, kind, and the unit's size in metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shape {
    /// Centre longitude, latitude.
    pub xy: [f64; 2],
    /// Circle or box.
    pub kind: ShapeKind,
    /// Metres per unit.
    pub conversion: f64,
}

/// The coordinate ranges of stored hashes.
pub const LONG_RANGE: Range = Range {
    min: LONG_MIN,
    max: LONG_MAX,
};
/// Latitude range of stored hashes.
pub const LAT_RANGE: Range = Range {
    min: LAT_MIN,
    max: LAT_MAX,
};

#[inline]
fn deg_rad(ang: f64) -> f64 {
    ang * D_R
}
#[inline]
fn rad_deg(ang: f64) -> f64 {
    ang / D_R
}

/// Interleave the low 32 bits of `x` (even positions) and `y` (odd positions).
#[inline]
pub fn interleave64(xlo: u32, ylo: u32) -> u64 {
    const B: [u64; 5] = [
        0x5555_5555_5555_5555,
        0x3333_3333_3333_3333,
        0x0F0F_0F0F_0F0F_0F0F,
        0x00FF_00FF_00FF_00FF,
        0x0000_FFFF_0000_FFFF,
    ];
    const S: [u32; 5] = [1, 2, 4, 8, 16];
    let mut x = xlo as u64;
    let mut y = ylo as u64;
    for i in (0..5).rev() {
        x = (x | (x << S[i])) & B[i];
        y = (y | (y << S[i])) & B[i];
    }
    x | (y << 1)
}

/// Undo [`interleave64`]: even bits in the low half, odd bits in the high half.
#[inline]
pub fn deinterleave64(interleaved: u64) -> u64 {
    const B: [u64; 6] = [
        0x5555_5555_5555_5555,
        0x3333_3333_3333_3333,
        0x0F0F_0F0F_0F0F_0F0F,
        0x00FF_00FF_00FF_00FF,
        0x0000_FFFF_0000_FFFF,
        0x0000_0000_FFFF_FFFF,
    ];
    const S: [u32; 6] = [0, 1, 2, 4, 8, 16];
    let mut x = interleaved;
    let mut y = interleaved >> 1;
    for i in 0..6 {
        x = (x | (x >> S[i])) & B[i];
        y = (y | (y >> S[i])) & B[i];
    }
    x | (y << 32)
}

/// Encode a position with `step` bits per coordinate over the given ranges
/// (`geohashEncode`); `None` outside the supported area.
pub fn encode(
    long_range: Range,
    lat_range: Range,
    longitude: f64,
    latitude: f64,
    step: u8,
) -> Option<HashBits> {
    if step > 32
        || step == 0
        || (lat_range.min == 0.0 && lat_range.max == 0.0)
        || (long_range.min == 0.0 && long_range.max == 0.0)
    {
        return None;
    }
    if !(LONG_MIN..=LONG_MAX).contains(&longitude) || !(LAT_MIN..=LAT_MAX).contains(&latitude) {
        return None;
    }
    if latitude < lat_range.min
        || latitude > lat_range.max
        || longitude < long_range.min
        || longitude > long_range.max
    {
        return None;
    }
    let mut lat_offset = (latitude - lat_range.min) / (lat_range.max - lat_range.min);
    let mut long_offset = (longitude - long_range.min) / (long_range.max - long_range.min);
    let scale = (1u64 << step) as f64;
    lat_offset *= scale;
    long_offset *= scale;
    // C's double -> uint32_t conversion truncates toward zero.
    Some(HashBits {
        bits: interleave64(lat_offset as u32, long_offset as u32),
        step,
    })
}

/// Encode with the stored ranges (`geohashEncodeWGS84`).
pub fn encode_wgs84(longitude: f64, latitude: f64, step: u8) -> Option<HashBits> {
    encode(LONG_RANGE, LAT_RANGE, longitude, latitude, step)
}

/// The cell of `hash` (`geohashDecode`).
pub fn decode(long_range: Range, lat_range: Range, hash: HashBits) -> Option<Area> {
    if hash.is_zero()
        || (lat_range.min == 0.0 && lat_range.max == 0.0)
        || (long_range.min == 0.0 && long_range.max == 0.0)
    {
        return None;
    }
    let step = hash.step as u32;
    let sep = deinterleave64(hash.bits);
    let lat_scale = lat_range.max - lat_range.min;
    let long_scale = long_range.max - long_range.min;
    let ilato = sep as u32;
    let ilono = (sep >> 32) as u32;
    let div = (1u64 << step.min(63)) as f64;
    Some(Area {
        hash,
        latitude: Range {
            min: lat_range.min + (ilato as f64 / div) * lat_scale,
            max: lat_range.min + (ilato.wrapping_add(1) as f64 / div) * lat_scale,
        },
        longitude: Range {
            min: long_range.min + (ilono as f64 / div) * long_scale,
            max: long_range.min + (ilono.wrapping_add(1) as f64 / div) * long_scale,
        },
    })
}

/// The centre of a cell, clamped to the supported area.
pub fn area_to_long_lat(area: &Area) -> [f64; 2] {
    let lon = ((area.longitude.min + area.longitude.max) / 2.0).clamp(LONG_MIN, LONG_MAX);
    let lat = ((area.latitude.min + area.latitude.max) / 2.0).clamp(LAT_MIN, LAT_MAX);
    [lon, lat]
}

/// C's `(uint64_t)double` as x86-64 compilers emit it (out-of-range values included).
pub fn score_to_bits(score: f64) -> u64 {
    const TWO63: f64 = 9_223_372_036_854_775_808.0;
    let cvt = |v: f64| -> i64 {
        if (-TWO63..TWO63).contains(&v) {
            v as i64
        } else {
            i64::MIN
        }
    };
    if score < TWO63 {
        cvt(score) as u64
    } else {
        (cvt(score - TWO63) as u64) ^ (1u64 << 63)
    }
}

/// Decode a stored score into (longitude, latitude) (`decodeGeohash`).
pub fn decode_score(score: f64) -> Option<[f64; 2]> {
    let hash = HashBits {
        bits: score_to_bits(score),
        step: STEP_MAX,
    };
    decode(LONG_RANGE, LAT_RANGE, hash).map(|a| area_to_long_lat(&a))
}

/// Shift a hash to 52 bits (`geohashAlign52Bits`).
#[inline]
pub fn align52(hash: HashBits) -> u64 {
    hash.bits << (52 - hash.step as u32 * 2)
}

/// The score GEOADD stores for a position (`None` outside the supported area).
pub fn score_of(longitude: f64, latitude: f64) -> Option<u64> {
    encode_wgs84(longitude, latitude, STEP_MAX).map(align52)
}

fn move_x(hash: &mut HashBits, d: i8) {
    if d == 0 {
        return;
    }
    let shift = 64 - hash.step as u32 * 2;
    let mut x = hash.bits & 0xaaaa_aaaa_aaaa_aaaa;
    let y = hash.bits & 0x5555_5555_5555_5555;
    let zz = 0x5555_5555_5555_5555u64.checked_shr(shift).unwrap_or(0);
    if d > 0 {
        x = x.wrapping_add(zz.wrapping_add(1));
    } else {
        x |= zz;
        x = x.wrapping_sub(zz.wrapping_add(1));
    }
    x &= 0xaaaa_aaaa_aaaa_aaaau64.checked_shr(shift).unwrap_or(0);
    hash.bits = x | y;
}

fn move_y(hash: &mut HashBits, d: i8) {
    if d == 0 {
        return;
    }
    let shift = 64 - hash.step as u32 * 2;
    let x = hash.bits & 0xaaaa_aaaa_aaaa_aaaa;
    let mut y = hash.bits & 0x5555_5555_5555_5555;
    let zz = 0xaaaa_aaaa_aaaa_aaaau64.checked_shr(shift).unwrap_or(0);
    if d > 0 {
        y = y.wrapping_add(zz.wrapping_add(1));
    } else {
        y |= zz;
        y = y.wrapping_sub(zz.wrapping_add(1));
    }
    y &= 0x5555_5555_5555_5555u64.checked_shr(shift).unwrap_or(0);
    hash.bits = x | y;
}

fn moved(hash: HashBits, dx: i8, dy: i8) -> HashBits {
    let mut h = hash;
    move_x(&mut h, dx);
    move_y(&mut h, dy);
    h
}

/// The eight neighbours of a cell (`geohashNeighbors`).
pub fn neighbors(hash: HashBits) -> Neighbors {
    Neighbors {
        east: moved(hash, 1, 0),
        west: moved(hash, -1, 0),
        south: moved(hash, 0, -1),
        north: moved(hash, 0, 1),
        north_west: moved(hash, -1, 1),
        north_east: moved(hash, 1, 1),
        south_east: moved(hash, 1, -1),
        south_west: moved(hash, -1, -1),
    }
}

/// The precision at which nine cells cover a radius (`geohashEstimateStepsByRadius`).
pub fn estimate_steps_by_radius(range_meters: f64, lat: f64) -> u8 {
    if range_meters == 0.0 {
        return 26;
    }
    let mut range = range_meters;
    let mut step: i32 = 1;
    while range < MERCATOR_MAX {
        range *= 2.0;
        step += 1;
    }
    step -= 2;
    if !(-66.0..=66.0).contains(&lat) {
        step -= 1;
        if !(-80.0..=80.0).contains(&lat) {
            step -= 1;
        }
    }
    step.clamp(1, 26) as u8
}

/// The shape's bounding box: [min lon, min lat, max lon, max lat] (`geohashBoundingBox`).
pub fn bounding_box(shape: &Shape) -> [f64; 4] {
    let [longitude, latitude] = shape.xy;
    let (h, w) = match shape.kind {
        ShapeKind::Circle(r) => (r, r),
        ShapeKind::Rect(wd, ht) => (ht / 2.0, wd / 2.0),
    };
    let height = shape.conversion * h;
    let width = shape.conversion * w;
    let lat_delta = rad_deg(height / EARTH_RADIUS_IN_METERS);
    let long_delta_top =
        rad_deg(width / EARTH_RADIUS_IN_METERS / deg_rad(latitude + lat_delta).cos());
    let long_delta_bottom =
        rad_deg(width / EARTH_RADIUS_IN_METERS / deg_rad(latitude - lat_delta).cos());
    let southern = latitude < 0.0;
    [
        if southern {
            longitude - long_delta_bottom
        } else {
            longitude - long_delta_top
        },
        latitude - lat_delta,
        if southern {
            longitude + long_delta_bottom
        } else {
            longitude + long_delta_top
        },
        latitude + lat_delta,
    ]
}

/// The centre cell and the useful neighbours to scan for `shape`
/// (`geohashCalculateAreasByShapeWGS84`).
pub fn areas_by_shape(shape: &Shape) -> Radius {
    let [min_lon, min_lat, max_lon, max_lat] = bounding_box(shape);
    let [longitude, latitude] = shape.xy;
    let radius_meters = match shape.kind {
        ShapeKind::Circle(r) => r,
        ShapeKind::Rect(w, h) => ((w / 2.0) * (w / 2.0) + (h / 2.0) * (h / 2.0)).sqrt(),
    } * shape.conversion;

    let mut steps = estimate_steps_by_radius(radius_meters, latitude);
    let cell = |steps: u8| {
        let hash = encode(LONG_RANGE, LAT_RANGE, longitude, latitude, steps).unwrap_or(HashBits {
            bits: 0,
            step: steps,
        });
        let n = neighbors(hash);
        let area = decode(LONG_RANGE, LAT_RANGE, hash).unwrap_or_default();
        (hash, n, area)
    };
    let (mut hash, mut n, mut area) = cell(steps);

    // A step one coarser when a neighbour does not reach the edge of the search area.
    let dec = |h: HashBits| decode(LONG_RANGE, LAT_RANGE, h).unwrap_or_default();
    let north = dec(n.north);
    let south = dec(n.south);
    let east = dec(n.east);
    let west = dec(n.west);
    let decrease = north.latitude.max < max_lat
        || south.latitude.min > min_lat
        || east.longitude.max < max_lon
        || west.longitude.min > min_lon;
    if steps > 1 && decrease {
        steps -= 1;
        (hash, n, area) = cell(steps);
    }

    // Exclude the neighbours the search area cannot reach.
    if steps >= 2 {
        let zero = HashBits::default();
        if area.latitude.min < min_lat {
            n.south = zero;
            n.south_west = zero;
            n.south_east = zero;
        }
        if area.latitude.max > max_lat {
            n.north = zero;
            n.north_east = zero;
            n.north_west = zero;
        }
        if area.longitude.min < min_lon {
            n.west = zero;
            n.south_west = zero;
            n.north_west = zero;
        }
        if area.longitude.max > max_lon {
            n.east = zero;
            n.south_east = zero;
            n.north_east = zero;
        }
    }
    Radius {
        hash,
        area,
        neighbors: n,
    }
}

/// Distance along a meridian (`geohashGetLatDistance`).
pub fn lat_distance(lat1d: f64, lat2d: f64) -> f64 {
    EARTH_RADIUS_IN_METERS * (deg_rad(lat2d) - deg_rad(lat1d)).abs()
}

/// Great-circle distance in metres by the haversine formula (`geohashGetDistance`).
pub fn distance(lon1d: f64, lat1d: f64, lon2d: f64, lat2d: f64) -> f64 {
    let lon1r = deg_rad(lon1d);
    let lon2r = deg_rad(lon2d);
    let v = ((lon2r - lon1r) / 2.0).sin();
    if v == 0.0 {
        return lat_distance(lat1d, lat2d);
    }
    let lat1r = deg_rad(lat1d);
    let lat2r = deg_rad(lat2d);
    let u = ((lat2r - lat1r) / 2.0).sin();
    let a = u * u + lat1r.cos() * lat2r.cos() * v * v;
    2.0 * EARTH_RADIUS_IN_METERS * a.sqrt().asin()
}

/// The distance from the centre when the point is inside the shape (`geoWithinShape`
/// after decoding).
pub fn distance_if_within(shape: &Shape, xy: [f64; 2]) -> Option<f64> {
    let [x1, y1] = shape.xy;
    let [x2, y2] = xy;
    match shape.kind {
        ShapeKind::Circle(r) => {
            let d = distance(x1, y1, x2, y2);
            (d <= r * shape.conversion).then_some(d)
        }
        ShapeKind::Rect(w, h) => {
            let width_m = w * shape.conversion;
            let height_m = h * shape.conversion;
            if lat_distance(y2, y1) > height_m / 2.0 {
                return None;
            }
            if distance(x2, y2, x1, y2) > width_m / 2.0 {
                return None;
            }
            Some(distance(x1, y1, x2, y2))
        }
    }
}

/// The even bits of `v` packed into 32 bits (one half of [`deinterleave64`]).
#[inline]
fn even_bits(v: u64) -> u32 {
    let mut x = v & 0x5555_5555_5555_5555;
    x = (x | (x >> 1)) & 0x3333_3333_3333_3333;
    x = (x | (x >> 2)) & 0x0F0F_0F0F_0F0F_0F0F;
    x = (x | (x >> 4)) & 0x00FF_00FF_00FF_00FF;
    x = (x | (x >> 8)) & 0x0000_FFFF_0000_FFFF;
    x = (x | (x >> 16)) & 0x0000_0000_FFFF_FFFF;
    x as u32
}

/// The centre of cell `i` of a 26-step coordinate over `range`, clamped to it: the
/// arithmetic of [`decode`] then [`area_to_long_lat`] for one coordinate.
#[inline]
fn cell_centre(i: u32, range: Range) -> f64 {
    let div = (1u64 << STEP_MAX) as f64;
    let scale = range.max - range.min;
    let lo = range.min + (i as f64 / div) * scale;
    let hi = range.min + (i.wrapping_add(1) as f64 / div) * scale;
    ((lo + hi) / 2.0).max(range.min).min(range.max)
}

/// A shape prepared for testing many points (GEOSEARCH's scan): the centre's radians
/// and cosine are computed once, and a circle rejects a point whose latitude difference
/// alone puts it outside before any trigonometry. The distances are bit-identical to
/// [`distance_if_within`]'s.
#[derive(Debug, Clone, Copy)]
pub struct PreparedShape {
    shape: Shape,
    lon1r: f64,
    lat1r: f64,
    cos_lat1: f64,
    /// Radius in metres (circle).
    radius_m: f64,
    /// A latitude arc beyond this is outside the circle: the haversine distance is never
    /// below the latitude arc; the margin covers rounding, so borderline points still
    /// get the exact test.
    lat_reject: f64,
}

impl PreparedShape {
    /// Prepare `shape`.
    pub fn new(shape: &Shape) -> PreparedShape {
        let [x1, y1] = shape.xy;
        let lat1r = deg_rad(y1);
        let radius_m = match shape.kind {
            ShapeKind::Circle(r) => r * shape.conversion,
            ShapeKind::Rect(..) => 0.0,
        };
        PreparedShape {
            shape: *shape,
            lon1r: deg_rad(x1),
            lat1r,
            cos_lat1: lat1r.cos(),
            radius_m,
            lat_reject: radius_m * (1.0 + 1e-9) + 1e-9,
        }
    }

    /// The position and distance of a stored score inside the shape: as
    /// [`decode_score`] then [`PreparedShape::distance_if_within`], but a circle looks at
    /// the latitude (half the decoding) before decoding the longitude.
    #[inline]
    pub fn score_if_within(&self, score: f64) -> Option<([f64; 2], f64)> {
        let bits = score_to_bits(score);
        if bits == 0 {
            return None;
        }
        let lat = cell_centre(even_bits(bits), LAT_RANGE);
        if let ShapeKind::Circle(_) = self.shape.kind {
            let lat2r = deg_rad(lat);
            if EARTH_RADIUS_IN_METERS * (lat2r - self.lat1r).abs() > self.lat_reject {
                return None;
            }
        }
        let xy = [cell_centre(even_bits(bits >> 1), LONG_RANGE), lat];
        match self.shape.kind {
            ShapeKind::Circle(_) => self.circle_distance(xy, deg_rad(lat)),
            ShapeKind::Rect(..) => distance_if_within(&self.shape, xy),
        }
        .map(|d| (xy, d))
    }

    /// The distance from the centre when the point is inside the shape (as
    /// [`distance_if_within`]).
    #[inline]
    pub fn distance_if_within(&self, xy: [f64; 2]) -> Option<f64> {
        let ShapeKind::Circle(_) = self.shape.kind else {
            return distance_if_within(&self.shape, xy);
        };
        let lat2r = deg_rad(xy[1]);
        if EARTH_RADIUS_IN_METERS * (lat2r - self.lat1r).abs() > self.lat_reject {
            return None;
        }
        self.circle_distance(xy, lat2r)
    }

    /// The circle test after the latitude check (`lat2r`: the point's latitude in
    /// radians).
    #[inline]
    fn circle_distance(&self, xy: [f64; 2], lat2r: f64) -> Option<f64> {
        let [x2, y2] = xy;
        // `distance(x1, y1, x2, y2)` with the centre's terms precomputed.
        let v = ((deg_rad(x2) - self.lon1r) / 2.0).sin();
        let d = if v == 0.0 {
            lat_distance(self.shape.xy[1], y2)
        } else {
            let u = ((lat2r - self.lat1r) / 2.0).sin();
            let a = u * u + self.cos_lat1 * lat2r.cos() * v * v;
            2.0 * EARTH_RADIUS_IN_METERS * a.sqrt().asin()
        };
        (d <= self.radius_m).then_some(d)
    }
}

/// The 11-character standard geohash of a stored score (GEOHASH): decoded, then
/// re-encoded over ±180/±90 with the last character always `0`.
pub fn geohash_string(score: f64) -> Option<[u8; 11]> {
    const ALPHABET: &[u8; 32] = b"0123456789bcdefghjkmnpqrstuvwxyz";
    let xy = decode_score(score)?;
    let hash = encode(
        Range {
            min: -180.0,
            max: 180.0,
        },
        Range {
            min: -90.0,
            max: 90.0,
        },
        xy[0],
        xy[1],
        26,
    )
    .unwrap_or(HashBits { bits: 0, step: 26 });
    let mut out = [b'0'; 11];
    for (i, c) in out.iter_mut().enumerate().take(10) {
        let idx = (hash.bits >> (52 - (i + 1) * 5)) & 0x1f;
        *c = ALPHABET[idx as usize];
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn palermo_scores_and_hash_like_redis() {
        // Values from redis-server: GEOADD Sicily 13.361389 38.115556 Palermo.
        assert_eq!(score_of(13.361389, 38.115556), Some(3479099956230698));
        assert_eq!(score_of(15.087269, 37.502669), Some(3479447370796909));
        assert_eq!(&geohash_string(3479099956230698.0).unwrap(), b"sqc8b49rny0");
        assert_eq!(&geohash_string(3479447370796909.0).unwrap(), b"sqdtr74hyu0");
        let xy = decode_score(3479099956230698.0).unwrap();
        assert_eq!(format!("{:.17}", xy[0]), "13.36138933897018433");
        assert_eq!(format!("{:.17}", xy[1]), "38.11555639549629859");
        assert_eq!(score_of(200.0, 10.0), None);
        assert_eq!(score_of(10.0, 86.0), None);
    }

    #[test]
    fn interleave_round_trips() {
        for (x, y) in [
            (0u32, 0u32),
            (1, 0),
            (0, 1),
            (0x3ff_ffff, 0x155_5555),
            (u32::MAX, 7),
        ] {
            let d = deinterleave64(interleave64(x, y));
            assert_eq!((d as u32, (d >> 32) as u32), (x, y));
        }
    }

    #[test]
    fn prepared_shape_matches_the_plain_test() {
        let mut seed = 0x1234_5678_9abc_def0u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        for kind in [
            ShapeKind::Circle(2.0),
            ShapeKind::Circle(0.0),
            ShapeKind::Circle(500.0),
            ShapeKind::Rect(3.0, 1.0),
        ] {
            let shape = Shape {
                xy: [13.361389, 38.115556],
                kind,
                conversion: 1000.0,
            };
            let p = PreparedShape::new(&shape);
            for i in 0..20000 {
                let (x, y) = if i % 2 == 0 {
                    (
                        13.361389 + (next() - 0.5) * 0.1,
                        38.115556 + (next() - 0.5) * 0.1,
                    )
                } else {
                    (next() * 360.0 - 180.0, next() * 170.0 - 85.0)
                };
                let score = score_of(x, y).unwrap() as f64;
                let want = decode_score(score)
                    .and_then(|xy| distance_if_within(&shape, xy).map(|d| (xy, d)));
                assert_eq!(p.score_if_within(score), want, "{x},{y} {kind:?}");
            }
            assert_eq!(p.score_if_within(0.0), None);
            // The centre itself (radius 0 included).
            let c = score_of(13.361389, 38.115556).unwrap() as f64;
            let want =
                decode_score(c).and_then(|xy| distance_if_within(&shape, xy).map(|d| (xy, d)));
            assert_eq!(p.score_if_within(c), want);
        }
        // Points exactly on the circle (radius = their distance, in metres) and just
        // outside it: the latitude pre-check must not decide either way.
        let centre = [2.35, 48.85];
        for i in 0..2000 {
            let (x, y) = if i % 3 == 0 {
                (centre[0], centre[1] + (next() - 0.5) * 0.2)
            } else {
                (
                    centre[0] + (next() - 0.5) * 0.2,
                    centre[1] + (next() - 0.5) * 0.2,
                )
            };
            let score = score_of(x, y).unwrap() as f64;
            let xy = decode_score(score).unwrap();
            let d = distance(centre[0], centre[1], xy[0], xy[1]);
            for r in [
                d,
                d * (1.0 - 1e-15),
                d * (1.0 + 1e-15),
                f64::from_bits(d.to_bits() - 1),
            ] {
                let shape = Shape {
                    xy: centre,
                    kind: ShapeKind::Circle(r),
                    conversion: 1.0,
                };
                let want = distance_if_within(&shape, xy).map(|d| (xy, d));
                assert_eq!(PreparedShape::new(&shape).score_if_within(score), want);
            }
        }
    }

    #[test]
    fn distances_and_steps() {
        let d = distance(13.361389, 38.115556, 15.087269, 37.502669);
        assert!((d - 166274.15).abs() < 1.0, "{d}");
        assert_eq!(estimate_steps_by_radius(0.0, 0.0), 26);
        assert_eq!(estimate_steps_by_radius(200_000.0, 38.0), 6);
        assert_eq!(estimate_steps_by_radius(f64::INFINITY, 0.0), 1);
        let n = neighbors(HashBits { bits: 0, step: 1 });
        assert_eq!(n.east.step, 1);
    }
}
