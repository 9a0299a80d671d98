//! Streams in RDB files: Redis's `RDB_TYPE_STREAM_LISTPACKS*` encodings.
//!
//! Each chunk is written as its radix-tree key (the 16-byte big-endian master id) and
//! the listpack Redis would hold for it (master entry, then `flags ms-delta seq-delta
//! [nfields fields] values lp-count` per entry), followed by the stream metadata and the
//! consumer groups with their PELs. Type 19 (`STREAM_LISTPACKS_2`, Redis 7.0) is
//! written; types 15, 19 and 21 are read.

use crate::compact::IdSet;

use super::group::{Group, NO_CONSUMER, Nack};
use super::{
    Chunk, FLAG_DELETED, FLAG_SAMEFIELDS, Stream, StreamId, lp_int_size, put_elem, put_varint,
    zigzag,
};
use crate::persist::encodings::{Elem as LpElem, ListpackWriter, listpack_entries};
use crate::persist::rdb::{self, RdbError, Reader, WriteOpts, err, ty};

/// The type byte streams are written with.
pub const TYPE: u8 = ty::STREAM_LISTPACKS_2;

/// The listpack Redis would hold for `chunk`.
pub fn chunk_listpack(master: StreamId, c: &Chunk) -> Vec<u8> {
    let mut w = ListpackWriter::new();
    w.push_int(i64::from(c.live));
    w.push_int(i64::from(c.deleted));
    w.push_int(i64::from(c.nmaster));
    for f in c.master_fields() {
        push(&mut w, f);
    }
    w.push_int(0);
    let mut p = c.entries_start as usize;
    while p < c.data.len() {
        let h = c.head_at(master, p);
        let same = h.flags & FLAG_SAMEFIELDS != 0;
        w.push_int(i64::from(h.flags));
        w.push_int(h.id.ms.wrapping_sub(master.ms) as i64);
        w.push_int(h.id.seq.wrapping_sub(master.seq) as i64);
        if !same {
            w.push_int(h.nfields as i64);
        }
        let e = super::EntryRef {
            id: h.id,
            chunk: c,
            head: h,
        };
        for (f, v) in e.fields() {
            if !same {
                push(&mut w, f);
            }
            push(&mut w, v);
        }
        let n = h.nfields as i64;
        w.push_int(n + 3 + if same { 0 } else { n + 1 });
        p = c.entry_end(&h);
    }
    w.finish()
}

fn push(w: &mut ListpackWriter, e: super::Elem<'_>) {
    match e {
        super::Elem::Int(v) => w.push_int(v),
        super::Elem::Str(s) => w.push(s),
    }
}

/// Append the body of a stream value (after the type byte [`TYPE`]).
pub fn write(out: &mut Vec<u8>, s: &Stream, opts: WriteOpts) {
    rdb::write_len(out, s.chunks.len() as u64);
    for (master, c) in &s.chunks {
        rdb::write_string(out, &master.to_be_bytes(), opts);
        rdb::write_string(out, &chunk_listpack(*master, c), opts);
    }
    rdb::write_len(out, s.length);
    rdb::write_len(out, s.last_id.ms);
    rdb::write_len(out, s.last_id.seq);
    rdb::write_len(out, s.first_id.ms);
    rdb::write_len(out, s.first_id.seq);
    rdb::write_len(out, s.max_deleted_id.ms);
    rdb::write_len(out, s.max_deleted_id.seq);
    rdb::write_len(out, s.entries_added);
    rdb::write_len(out, s.groups.len() as u64);
    for (name, g) in s.groups.iter() {
        rdb::write_string(out, name, opts);
        rdb::write_len(out, g.last_id.ms);
        rdb::write_len(out, g.last_id.seq);
        rdb::write_len(out, g.entries_read as u64);
        rdb::write_len(out, g.pel.len() as u64);
        for (id, n) in &g.pel {
            out.extend_from_slice(&id.to_be_bytes());
            rdb::write_ms(out, n.delivery_time);
            rdb::write_len(out, n.delivery_count);
        }
        rdb::write_len(out, g.consumer_count() as u64);
        for c in g.consumers() {
            rdb::write_string(out, &c.name, opts);
            rdb::write_ms(out, c.seen_time);
            rdb::write_len(out, c.pel.len() as u64);
            for id in &c.pel {
                out.extend_from_slice(&id.to_be_bytes());
            }
        }
    }
}

fn int(e: Option<&LpElem<'_>>) -> Result<i64, RdbError> {
    match e {
        Some(LpElem::Int(v)) => Ok(*v),
        Some(LpElem::Bytes(b)) => crate::types::string::parse_i64(b)
            .map_or_else(|| err("Stream listpack integer expected"), Ok),
        None => err("Truncated stream listpack"),
    }
}

fn put_lp_elem(out: &mut Vec<u8>, e: Option<&LpElem<'_>>) -> Result<(), RdbError> {
    match e {
        Some(LpElem::Bytes(b)) => put_elem(out, b),
        Some(LpElem::Int(v)) => {
            let z = zigzag(*v);
            if z < (1 << 63) {
                put_varint(out, (z << 1) | 1);
            } else {
                put_elem(out, &LpElem::Int(*v).to_vec());
            }
        }
        None => return err("Truncated stream listpack"),
    }
    Ok(())
}

/// Decode one stream listpack into a chunk.
fn chunk_from_listpack(lp: &[u8]) -> Result<Chunk, RdbError> {
    let els = listpack_entries(lp)?;
    if els.is_empty() {
        return err("Empty listpack inside stream");
    }
    let mut it = els.iter();
    let live = int(it.next())?;
    let deleted = int(it.next())?;
    let nmaster = int(it.next())?;
    let (Ok(live32), Ok(deleted32), Ok(nmaster32)) = (
        u32::try_from(live),
        u32::try_from(deleted),
        u32::try_from(nmaster),
    ) else {
        return err("Bad stream listpack counters");
    };
    let mut c = Chunk {
        live: live32,
        deleted: deleted32,
        nmaster: nmaster32,
        ..Chunk::default()
    };
    for _ in 0..nmaster32 {
        put_lp_elem(&mut c.data, it.next())?;
    }
    if int(it.next())? != 0 {
        return err("Bad stream master entry terminator");
    }
    c.entries_start = c.data.len() as u32;
    let (mut seen_live, mut seen_deleted) = (0u64, 0u64);
    while let Some(f) = it.next() {
        let flags = int(Some(f))?;
        if !(0..=3).contains(&flags) {
            return err("Bad stream entry flags");
        }
        let flags = flags as u8;
        let ms_delta = int(it.next())?;
        let seq_delta = int(it.next())?;
        c.data.push(flags);
        put_varint(&mut c.data, ms_delta as u64);
        put_varint(&mut c.data, zigzag(seq_delta));
        let same = flags & FLAG_SAMEFIELDS != 0;
        let nf = if same {
            nmaster
        } else {
            let nf = int(it.next())?;
            if nf < 0 || nf as usize > els.len() {
                return err("Bad stream entry field count");
            }
            put_varint(&mut c.data, nf as u64);
            nf
        };
        let n = if same { nf } else { nf * 2 };
        for _ in 0..n {
            put_lp_elem(&mut c.data, it.next())?;
        }
        let lp_count = int(it.next())?;
        if lp_count != nf + 3 + if same { 0 } else { nf + 1 } {
            return err("Bad stream entry lp-count");
        }
        if flags & FLAG_DELETED != 0 {
            seen_deleted += 1;
        } else {
            seen_live += 1;
        }
    }
    if seen_live != u64::from(live32) || seen_deleted != u64::from(deleted32) {
        return err("Stream listpack entry count mismatch");
    }
    let counters = lp_int_size(live) + lp_int_size(deleted);
    c.lp_body = (lp.len().saturating_sub(counters)) as u64;
    Ok(c)
}

/// Read a stream value of type `t` (15, 19 or 21).
pub fn read(r: &mut Reader<'_>, t: u8) -> Result<Stream, RdbError> {
    let n = r.count(2)?;
    let mut chunks = Vec::with_capacity(n);
    let mut prev: Option<StreamId> = None;
    for _ in 0..n {
        let key = r.string()?;
        let Some(master) = StreamId::from_be_bytes(&key).filter(|_| key.len() == 16) else {
            return err("Stream node key entry is not the size of a stream ID");
        };
        if prev.is_some_and(|p| p >= master) {
            return err("Stream node keys out of order");
        }
        prev = Some(master);
        let lp = r.string()?;
        chunks.push((master, chunk_from_listpack(&lp)?));
    }
    let mut s = Stream::from_chunks(chunks);
    let length = r.len()?;
    if length != s.length {
        return err("Stream length does not match its entries");
    }
    s.last_id = StreamId::new(r.len()?, r.len()?);
    if t >= ty::STREAM_LISTPACKS_2 {
        s.first_id = StreamId::new(r.len()?, r.len()?);
        s.max_deleted_id = StreamId::new(r.len()?, r.len()?);
        s.entries_added = r.len()?;
    } else {
        s.first_id = s.first_entry_id(false).unwrap_or(StreamId::ZERO);
        s.entries_added = s.length;
    }
    let ngroups = r.count(1)?;
    for _ in 0..ngroups {
        let name = r.string()?;
        let last = StreamId::new(r.len()?, r.len()?);
        let entries_read = if t >= ty::STREAM_LISTPACKS_2 {
            r.len()? as i64
        } else {
            s.estimate_distance(last)
        };
        let mut g = Group::new(last, entries_read);
        let npel = r.count(16)?;
        for _ in 0..npel {
            let id = StreamId::from_be_bytes(r.take(16)?).unwrap_or_default();
            let delivery_time = r.i64_le()?;
            let delivery_count = r.len()?;
            g.pel.insert(
                id,
                Nack {
                    delivery_time,
                    delivery_count,
                    consumer: NO_CONSUMER,
                },
            );
        }
        let ncons = r.count(1)?;
        for _ in 0..ncons {
            let cname = r.string()?;
            let seen = r.i64_le()?;
            let active = if t >= ty::STREAM_LISTPACKS_3 {
                r.i64_le()?
            } else {
                seen
            };
            let Some(cid) = g.create_consumer(&cname, seen) else {
                return err("Duplicated consumer name in stream group");
            };
            let mut pel = IdSet::new();
            let np = r.count(16)?;
            for _ in 0..np {
                let id = StreamId::from_be_bytes(r.take(16)?).unwrap_or_default();
                match g.pel.get_mut(&id) {
                    Some(n) if n.consumer == NO_CONSUMER => n.consumer = cid,
                    _ => return err("Consumer entry not found in group global PEL"),
                }
                pel.insert(id);
            }
            if let Some(c) = g.consumer_mut(cid) {
                c.active_time = active;
                c.pel = pel;
            }
        }
        // PEL entries no consumer claims would dangle: Redis refuses them under deep
        // sanitization; they are dropped here.
        g.pel.retain(|_, n| n.consumer != NO_CONSUMER);
        if s.groups.insert(name, g).is_some() {
            return err("Duplicated consumer group name");
        }
    }
    // Empty streams are kept: they carry their last id and groups.
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::stream::NodeLimits;

    #[test]
    fn round_trip() {
        let mut s = Stream::new();
        for i in 1..=150u64 {
            let v = i.to_string();
            let pairs: Vec<&[u8]> = if i % 2 == 0 {
                vec![b"a", v.as_bytes()]
            } else {
                vec![b"b", b"x", b"c", v.as_bytes()]
            };
            s.append(StreamId::new(i, 1), &pairs, NodeLimits::default());
        }
        s.delete(StreamId::new(7, 1));
        s.max_deleted_id = StreamId::new(7, 1);
        let mut g = Group::new(StreamId::new(5, 1), 5);
        let c = g.create_consumer(b"alice", 1000).unwrap();
        g.deliver(StreamId::new(3, 1), c, 1234);
        s.groups.insert(b"grp", g);
        let mut out = Vec::new();
        write(&mut out, &s, WriteOpts::default());
        let mut r = Reader::new(&out);
        let back = read(&mut r, TYPE).unwrap();
        assert_eq!(r.remaining(), 0);
        assert_eq!(back.len(), s.len());
        let a: Vec<_> = s
            .range(StreamId::ZERO, StreamId::MAX, false)
            .map(|e| {
                (
                    e.id,
                    e.fields()
                        .map(|(f, v)| (f.to_vec(), v.to_vec()))
                        .collect::<Vec<_>>(),
                )
            })
            .collect();
        let b: Vec<_> = back
            .range(StreamId::ZERO, StreamId::MAX, false)
            .map(|e| {
                (
                    e.id,
                    e.fields()
                        .map(|(f, v)| (f.to_vec(), v.to_vec()))
                        .collect::<Vec<_>>(),
                )
            })
            .collect();
        assert_eq!(a, b);
        for ((k1, c1), (k2, c2)) in s.chunks().zip(back.chunks()) {
            assert_eq!(k1, k2);
            assert_eq!(c1.lp_bytes(), c2.lp_bytes());
            assert_eq!(c1.lp_bytes() as usize, chunk_listpack(*k1, c1).len());
        }
        let g = back.groups.get(b"grp").unwrap();
        assert_eq!(g.pel.get(&StreamId::new(3, 1)).unwrap().delivery_time, 1234);
        assert_eq!(
            g.consumer_name(g.pel.get(&StreamId::new(3, 1)).unwrap().consumer),
            b"alice"
        );
        assert_eq!(back.max_deleted_id, StreamId::new(7, 1));
    }
}
