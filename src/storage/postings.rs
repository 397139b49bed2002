//! Chunked posting lists: for an owner (an actor, a place, or owner 0 for "all meetings"), its
//! meetings in date order, packed many to a sled value.
//!
//! sled pays about 1.6 µs per scanned key and stores small keys at ~9× their size, so one key
//! per (actor, meeting) pair would make a hub with 139k meetings cost ~220 ms to list. Instead a
//! list is cut into chunks of at most [`MAX_CHUNK`] entries:
//!
//! ```text
//! key    = owner: u64 BE | day: u32 BE | meeting: u64 BE     (a lower bound of the chunk's entries)
//! value  = VALUE_VERSION: u8 | count: varint | entries          (plain)
//!        | PACKED_VERSION: u8 | count: varint | entries packed   (`compress`)
//! entry  = day | meeting | span | flags | shape | place | [ owner's side ] | others | others × member
//! flags  = status index (bits 0-2) | 0x08 the owner takes part | 0x10 … confirmed | 0x20 … has a side
//! member = actor | member flags (has a side << 1 | confirmed) | [ side ]
//! ```
//!
//! The entries are stored a field at a time, each field a column (`entries`).
//!
//! Entries are sorted by (day, meeting), deltas taken from the previous entry (the first from
//! zero). Invariants, verified by `check`: chunks are non-empty and hold at most `MAX_CHUNK`
//! entries; each chunk's key is ≤ its first entry; every entry is < the next chunk's key.
//! A chunk keeps its key when its first entry is removed, so keys are lower bounds, not copies.
//!
//! An entry carries what the questions ask of a meeting most — its date as written (`shape`,
//! see `DateSpan::shape`; for a meeting with no date whose sources are dated, shape
//! `catalog::BEFORE` and the day of its bound, which lists it by that day), status, place, and in actor lists its whole cast — so that "who met",
//! "meetings with", "path" and the date, status and place filters read no meeting record. The
//! cast is stored without the owner (whose own flags ride in `flags`), members in actor order,
//! each with its certainty and side; sides are numbered within the meeting (see [`Member`]).

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use super::compress::{pack_into, unpack};
use super::entries::{decode_columns, encode_columns, ColumnScratch};
use super::keys::{decode_chunk_key, encode_chunk_key};
use super::kv::{Entry, KvRead, Overlay};
use super::values::{get_varint, put_varint, PACKED_VERSION, VALUE_VERSION};
use super::Table;
use crate::error::{Error, Result};
use crate::query::{CastSink, EntryCast, Gathered, MeetingEntry, Member, Visit};

/// Entries per chunk at most; a chunk that grows past it splits in two.
pub(crate) const MAX_CHUNK: usize = 512;

/// The participants of one meeting, in actor order: a slice of a buffer that the entries of a
/// decoded chunk share, so decoding allocates once per chunk rather than once per entry.
#[derive(Clone, Debug, Default)]
pub(crate) struct Cast {
    // A Vec rather than a slice so that sharing the decoded buffer does not copy it.
    members: Option<Arc<Vec<Member>>>,
    start: u32,
    end: u32,
}

impl Cast {
    fn within(members: &Arc<Vec<Member>>, start: usize, end: usize) -> Cast {
        Cast {
            members: Some(members.clone()),
            start: start as u32,
            end: end as u32,
        }
    }
}

impl From<Vec<Member>> for Cast {
    fn from(members: Vec<Member>) -> Cast {
        let end = members.len();
        Cast::within(&Arc::new(members), 0, end)
    }
}

impl std::ops::Deref for Cast {
    type Target = [Member];

    fn deref(&self) -> &[Member] {
        match &self.members {
            Some(all) => &all[self.start as usize..self.end as usize],
            None => &[],
        }
    }
}

impl PartialEq for Cast {
    fn eq(&self, other: &Cast) -> bool {
        **self == **other
    }
}

impl Eq for Cast {}

/// One meeting in a posting list: the entry questions read, and its participants (in actor
/// lists; empty in the place and date lists).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Posting {
    pub entry: MeetingEntry,
    pub cast: Cast,
}

impl Posting {
    /// The sort key within a list.
    pub(crate) fn key(&self) -> (u32, u64) {
        self.entry.key()
    }
}

thread_local! {
    /// The column buffers of the chunks this thread encodes.
    static SCRATCH: RefCell<ColumnScratch> = RefCell::new(ColumnScratch::default());
}

/// Appends the entries of a chunk, each with its participants, in columns (`entries`), as
/// they follow its header.
fn put_body<'a>(
    out: &mut Vec<u8>,
    owner: u64,
    entries: impl Iterator<Item = (&'a MeetingEntry, &'a [Member])>,
) {
    SCRATCH.with(|scratch| encode_columns(out, &mut scratch.borrow_mut(), owner, entries));
}

/// Encodes the entries of `owner`'s list (sorted by key): packed when that makes them smaller.
pub(crate) fn encode_chunk(owner: u64, entries: &[Posting]) -> Result<Vec<u8>> {
    let all = entries.iter().map(|p| (&p.entry, &*p.cast));
    encode_chunk_of(owner, entries.len(), all)
}

/// [`encode_chunk`] of `count` entries given with their participants.
pub(crate) fn encode_chunk_of<'a>(
    owner: u64,
    count: usize,
    entries: impl Iterator<Item = (&'a MeetingEntry, &'a [Member])>,
) -> Result<Vec<u8>> {
    let mut body = Vec::new();
    put_body(&mut body, owner, entries);
    let mut out = Vec::with_capacity(12 + body.len() / 2);
    out.push(PACKED_VERSION);
    put_varint(&mut out, count as u64);
    if !pack_into(&mut out, &body)? {
        out[0] = VALUE_VERSION;
        out.extend_from_slice(&body);
    }
    Ok(out)
}

/// Appends the entries of `owner`'s list as a chunk that is never packed.
fn put_unpacked(out: &mut Vec<u8>, owner: u64, entries: &[Posting]) {
    out.push(VALUE_VERSION);
    put_varint(out, entries.len() as u64);
    put_body(out, owner, entries.iter().map(|p| (&p.entry, &*p.cast)));
}

fn corrupt(what: &str) -> Error {
    Error::Corrupt(format!("posting chunk: {what}"))
}

/// The number of entries in a chunk, read from its header alone.
fn chunk_len(bytes: &[u8]) -> Result<u64> {
    Ok(chunk_header(bytes)?.1)
}

/// A chunk's header: whether its entries are packed, their count, and where they start.
fn chunk_header(bytes: &[u8]) -> Result<(bool, u64, usize)> {
    let (&version, _) = bytes.split_first().ok_or_else(|| corrupt("empty value"))?;
    let packed = match version {
        VALUE_VERSION => false,
        PACKED_VERSION => true,
        _ => return Err(corrupt("unknown version")),
    };
    let mut at = 1;
    let count = get_varint(bytes, &mut at)?;
    if count > MAX_CHUNK as u64 * 2 {
        return Err(corrupt("too many entries"));
    }
    Ok((packed, count, at))
}

fn decode_chunk(owner: u64, bytes: &[u8]) -> Result<Vec<Posting>> {
    decode_chunks(owner, std::iter::once(Ok(bytes)))
}

/// The entries of several chunks of `owner`'s list, in the order given; their members go
/// into one buffer, which the entries then share, so decoding allocates once in all.
fn decode_chunks<'b>(
    owner: u64,
    chunks: impl Iterator<Item = Result<&'b [u8]>>,
) -> Result<Vec<Posting>> {
    let mut entries = Vec::new();
    let mut all: Vec<Member> = Vec::new();
    let mut ranges = Vec::new();
    let mut scratch = Scratch::default();
    for bytes in chunks {
        decode_entries(
            owner,
            bytes?,
            (0, u32::MAX),
            &mut scratch,
            &mut |entry, cast| {
                ranges.push((all.len(), all.len() + cast.len()));
                all.extend_from_slice(cast);
                entries.push(*entry);
                Ok(())
            },
        )?;
    }
    let all = Arc::new(all);
    Ok(entries
        .into_iter()
        .zip(ranges)
        .map(|(entry, (start, end))| Posting {
            entry,
            cast: Cast::within(&all, start, end),
        })
        .collect())
}

/// What decoding a chunk needs besides the chunk, kept from chunk to chunk so that a list
/// costs no allocation per chunk: the unpacked body and one entry's participants.
#[derive(Default)]
struct Scratch {
    raw: Vec<u8>,
    cast: EntryCast,
}

/// Decodes a chunk, handing `visit` each entry whose first day lies in `days` with its
/// participants.
fn decode_entries(
    owner: u64,
    bytes: &[u8],
    days: (u32, u32),
    scratch: &mut Scratch,
    visit: &mut dyn FnMut(&MeetingEntry, &[Member]) -> Result<()>,
) -> Result<()> {
    let Scratch { raw, cast } = scratch;
    decode_into(owner, bytes, days, raw, &mut Gathered::new(cast, visit))
}

/// Decodes a chunk into `sink` (`raw` holds the body once unpacked).
fn decode_into<S: CastSink>(
    owner: u64,
    bytes: &[u8],
    days: (u32, u32),
    raw: &mut Vec<u8>,
    sink: &mut S,
) -> Result<()> {
    let (packed, count, at) = chunk_header(bytes)?;
    let body = bytes.get(at..).unwrap_or_default();
    if packed {
        unpack(body, raw)?;
        decode_columns(owner, raw, count, days, sink)
    } else {
        decode_columns(owner, body, count, days, sink)
    }
}

/// A chunk as stored: its key (owner, lower bound) and entries.
pub(crate) struct Chunk {
    pub owner: u64,
    pub bound: (u32, u64),
    pub entries: Vec<Posting>,
}

fn chunk_from(key: &[u8], value: &[u8]) -> Result<Chunk> {
    let (owner, day, meeting) = decode_chunk_key(key)?;
    Ok(Chunk {
        owner,
        bound: (day, meeting),
        entries: decode_chunk(owner, value)?,
    })
}

/// The smallest key strictly after `key`.
fn just_after(key: &[u8]) -> Vec<u8> {
    let mut after = key.to_vec();
    after.push(0);
    after
}

/// The chunk of `owner` whose bound is the greatest one ≤ `at`.
fn floor_chunk(kv: &dyn KvRead, table: Table, owner: u64, at: (u32, u64)) -> Result<Option<Chunk>> {
    let from = encode_chunk_key(owner, 0, 0);
    let to = just_after(&encode_chunk_key(owner, at.0, at.1));
    match kv.range(table, &from, Some(&to), true).next() {
        Some(entry) => entry.and_then(|(k, v)| chunk_from(&k, &v)).map(Some),
        None => Ok(None),
    }
}

fn first_chunk(kv: &dyn KvRead, table: Table, owner: u64) -> Result<Option<Chunk>> {
    match kv.prefix(table, &owner.to_be_bytes()).next() {
        Some(entry) => entry.and_then(|(k, v)| chunk_from(&k, &v)).map(Some),
        None => Ok(None),
    }
}

/// Writes `entries` as the chunk with this bound, splitting it if it grew too large.
fn write_chunk(
    ov: &mut Overlay<'_>,
    table: Table,
    owner: u64,
    bound: (u32, u64),
    entries: &[Posting],
) -> Result<()> {
    let key = encode_chunk_key(owner, bound.0, bound.1);
    if entries.is_empty() {
        ov.delete(table, &key[..]);
    } else if entries.len() <= MAX_CHUNK {
        ov.put(table, &key[..], encode_chunk(owner, entries)?);
    } else {
        let (low, high) = entries.split_at(entries.len() / 2);
        ov.put(table, &key[..], encode_chunk(owner, low)?);
        let high_key = encode_chunk_key(owner, high[0].entry.day, high[0].entry.meeting);
        ov.put(table, &high_key[..], encode_chunk(owner, high)?);
    }
    Ok(())
}

/// Adds `posting` to the list of `owner`. Adding an entry that is already there replaces it.
pub(crate) fn insert(
    ov: &mut Overlay<'_>,
    table: Table,
    owner: u64,
    posting: Posting,
) -> Result<()> {
    let chunk = match floor_chunk(ov, table, owner, posting.key())? {
        Some(chunk) => chunk,
        None => match first_chunk(ov, table, owner)? {
            // Every chunk starts after the new entry: it joins the first chunk, whose bound moves.
            Some(mut chunk) => {
                let old = encode_chunk_key(owner, chunk.bound.0, chunk.bound.1);
                ov.delete(table, &old[..]);
                chunk.bound = posting.key();
                chunk
            }
            None => Chunk {
                owner,
                bound: posting.key(),
                entries: Vec::new(),
            },
        },
    };
    let mut entries = chunk.entries;
    match entries.binary_search_by_key(&posting.key(), Posting::key) {
        Ok(i) => entries[i] = posting,
        Err(i) => entries.insert(i, posting),
    }
    write_chunk(ov, table, owner, chunk.bound, &entries)
}

/// Removes `posting` from the list of `owner`; a missing entry means the index is corrupt.
pub(crate) fn remove(
    ov: &mut Overlay<'_>,
    table: Table,
    owner: u64,
    posting: Posting,
) -> Result<()> {
    let missing = || {
        Error::Corrupt(format!(
            "{} has no entry for meeting {} under owner {owner}",
            table.name(),
            posting.entry.meeting
        ))
    };
    let chunk = floor_chunk(ov, table, owner, posting.key())?.ok_or_else(missing)?;
    let mut entries = chunk.entries;
    let i = entries
        .binary_search_by_key(&posting.key(), Posting::key)
        .map_err(|_| missing())?;
    entries.remove(i);
    write_chunk(ov, table, owner, chunk.bound, &entries)
}

/// The entries of `owner` whose first day lies in `days` (inclusive), in order.
pub(crate) fn scan(
    kv: &dyn KvRead,
    table: Table,
    owner: u64,
    days: (u32, u32),
) -> Result<Vec<MeetingEntry>> {
    let mut found = Vec::new();
    visit(kv, table, owner, days, &mut |entry, _| {
        found.push(*entry);
        Ok(())
    })?;
    Ok(found)
}

/// Hands `visit` the entries of `owner` whose first day lies in `days`, in order, each with
/// its participants, as the chunks are decoded: nothing is collected.
pub(crate) fn visit(
    kv: &dyn KvRead,
    table: Table,
    owner: u64,
    days: (u32, u32),
    visit: Visit<'_>,
) -> Result<()> {
    let mut cast = EntryCast::default();
    visit_casts(kv, table, owner, days, &mut Gathered::new(&mut cast, visit))
}

/// Hands `sink` the entries of `owner` whose first day lies in `days`, in order, as the
/// chunks are decoded.
pub(crate) fn visit_casts<S: CastSink>(
    kv: &dyn KvRead,
    table: Table,
    owner: u64,
    days: (u32, u32),
    sink: &mut S,
) -> Result<()> {
    // From day 0 the list starts at its first chunk: no need to look for the one before.
    let floor = match days.0 {
        0 => None,
        day => floor_chunk(kv, table, owner, (day, 0))?,
    };
    let start = match floor {
        Some(chunk) => encode_chunk_key(owner, chunk.bound.0, chunk.bound.1),
        None => encode_chunk_key(owner, 0, 0),
    };
    let end = just_after(&encode_chunk_key(owner, days.1, u64::MAX));
    let mut raw = Vec::new();
    for entry in kv.range(table, &start, Some(&end), false) {
        let (_, value) = entry?;
        decode_into(owner, &value, days, &mut raw, sink)?;
    }
    Ok(())
}

/// The position among `lists` (table, owner) of the one holding fewest entries, the first of
/// equals: what the planner asks to scan the shortest list. Entries are counted from the
/// chunk headers without decoding them, the lists in step, always the one counted least so
/// far next: once that one ends it is the shortest, so a quiet actor's list beside a hub's
/// costs a chunk or two of each, not the hub's whole list.
pub(crate) fn shortest(kv: &dyn KvRead, lists: &[(Table, u64)]) -> Result<usize> {
    let mut chunks: Vec<_> = lists
        .iter()
        .map(|(table, owner)| kv.prefix(*table, &owner.to_be_bytes()))
        .collect();
    let mut counted = vec![0u64; lists.len()];
    loop {
        let Some(least) = (0..lists.len()).min_by_key(|&i| (counted[i], i)) else {
            return Ok(0);
        };
        match chunks.get_mut(least).and_then(Iterator::next) {
            Some(entry) => counted[least] += chunk_len(&entry?.1)?,
            None => return Ok(least),
        }
    }
}

/// Whether `owner` has any entry at all.
pub(crate) fn has_any(kv: &dyn KvRead, table: Table, owner: u64) -> Result<bool> {
    Ok(first_chunk(kv, table, owner)?.is_some())
}

/// Every chunk of the table, in key order.
pub(crate) fn chunks(kv: &dyn KvRead, table: Table) -> impl Iterator<Item = Result<Chunk>> + '_ {
    kv.range(table, &[], None, false)
        .map(|entry| entry.and_then(|(k, v)| chunk_from(&k, &v)))
}

/// A list sorted by key, cut into full chunks: each chunk's key and value.
pub(crate) fn cut(
    owner: u64,
    list: &[Posting],
) -> impl Iterator<Item = Result<(Vec<u8>, Vec<u8>)>> + '_ {
    list.chunks(MAX_CHUNK).map(move |chunk| {
        let first = &chunk[0].entry;
        let key = encode_chunk_key(owner, first.day, first.meeting).to_vec();
        Ok((key, encode_chunk(owner, chunk)?))
    })
}

/// The entries a load has added to posting lists and not yet put in them: per list, each
/// entry encoded on its own (a one-entry chunk behind its length), a few bytes where a decoded
/// [`Posting`] takes a hundred. [`settle`] puts them in their list.
#[derive(Default)]
pub(crate) struct Pending {
    lists: HashMap<(Table, u64), Vec<u8>>,
    /// One entry's encoding, before its length is known.
    one: Vec<u8>,
}

impl Pending {
    /// Keeps `posting` for the list of `owner`.
    pub(crate) fn push(&mut self, table: Table, owner: u64, posting: &Posting) {
        // Left unpacked: a single entry does not compress, and settling reads it soon.
        self.one.clear();
        put_unpacked(&mut self.one, owner, std::slice::from_ref(posting));
        let list = self.lists.entry((table, owner)).or_default();
        put_varint(list, self.one.len() as u64);
        list.extend_from_slice(&self.one);
    }

    /// The entries kept for the list of `owner`, no longer kept here.
    pub(crate) fn take(&mut self, table: Table, owner: u64) -> Option<Vec<u8>> {
        self.lists.remove(&(table, owner))
    }

    /// Every list with entries kept, in key order.
    pub(crate) fn lists(&self) -> Vec<(Table, u64)> {
        let mut lists: Vec<(Table, u64)> = self.lists.keys().copied().collect();
        lists.sort_unstable();
        lists
    }
}

/// Whether `owner`'s list holds more than `n` entries, counted from its chunks' headers up to
/// the first chunk that tells.
fn holds_more_than(kv: &dyn KvRead, table: Table, owner: u64, n: u64) -> Result<bool> {
    let mut total = 0;
    for entry in kv.prefix(table, &owner.to_be_bytes()) {
        total += chunk_len(&entry?.1)?;
        if total > n {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The entries [`Pending::push`] encoded for `owner`.
fn decode_pending(owner: u64, bytes: &[u8]) -> Result<Vec<Posting>> {
    let mut at = 0;
    let entries = std::iter::from_fn(|| {
        (at < bytes.len()).then(|| {
            let len = get_varint(bytes, &mut at)? as usize;
            let end = at
                .checked_add(len)
                .filter(|end| *end <= bytes.len())
                .ok_or_else(|| Error::Internal("a pending posting entry is cut short".into()))?;
            let one = &bytes[at..end];
            at = end;
            Ok(one)
        })
    });
    decode_chunks(owner, entries)
}

/// Puts the entries kept by [`Pending`] for `owner` in its list: inserted one by one when the
/// list already holds more entries than they are, else the whole list rewritten in full chunks
/// (so that what settling costs stays in proportion to what was added). An entry with the key
/// of one already there replaces it, as [`insert`] does.
pub(crate) fn settle(ov: &mut Overlay<'_>, table: Table, owner: u64, pending: &[u8]) -> Result<()> {
    let added = decode_pending(owner, pending)?;
    if holds_more_than(ov, table, owner, added.len() as u64)? {
        for posting in added {
            insert(ov, table, owner, posting)?;
        }
        return Ok(());
    }
    let stored: Vec<Entry> = ov
        .prefix(table, &owner.to_be_bytes())
        .collect::<Result<_>>()?;
    let mut list = Vec::new();
    for (key, value) in stored {
        list.extend(decode_chunk(owner, &value)?);
        ov.delete(table, key);
    }
    list.extend(added);
    // A stable sort keeps an added entry after a stored one with the same key: it wins.
    list.sort_by_key(Posting::key);
    let mut unique: Vec<Posting> = Vec::with_capacity(list.len());
    for posting in list {
        if unique
            .last()
            .is_some_and(|last| last.key() == posting.key())
        {
            unique.pop();
        }
        unique.push(posting);
    }
    for chunk in cut(owner, &unique) {
        let (key, value) = chunk?;
        ov.put(table, key, value);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DateSpan, Day, Status};
    use crate::query::day_key;
    use crate::storage::Store;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn posting(day: u32, meeting: u64) -> Posting {
        Posting {
            entry: MeetingEntry {
                day,
                meeting,
                span: day % 3,
                status: Status::ALL[(meeting % 6) as usize],
                shape: 0,
                place: meeting % 5,
            },
            cast: Cast::default(),
        }
    }

    /// A cast of up to five actors around `owner`, with varied sides and certainty.
    fn cast(owner: u64, seed: u64) -> Cast {
        let mut members: Vec<Member> = (0..seed % 5)
            .map(|i| Member {
                actor: owner + 1 + i * (seed % 300 + 1),
                side: (seed >> i) % 3,
                confirmed: (seed >> i) & 4 == 0,
            })
            .collect();
        if !seed.is_multiple_of(7) {
            members.push(Member {
                actor: owner,
                side: seed % 2,
                confirmed: !seed.is_multiple_of(3),
            });
        }
        members.sort_unstable();
        Cast::from(members)
    }

    /// The entries of an actor list with their participants, as the scan hands them over.
    fn scan_with_casts(kv: &dyn KvRead, owner: u64, days: (u32, u32)) -> Vec<Posting> {
        let mut found = Vec::new();
        visit(kv, Table::ActorMeetings, owner, days, &mut |entry, cast| {
            found.push(Posting {
                entry: *entry,
                cast: Cast::from(cast.to_vec()),
            });
            Ok(())
        })
        .unwrap();
        found
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Random inserts and removes over a few owners read back exactly like a sorted map,
        /// whether the writes are committed one by one or all together, and every chunk keeps
        /// its invariants.
        #[test]
        fn behaves_like_a_sorted_set(
            ops in proptest::collection::vec((0u64..3, 0u32..40, 0u64..2000, any::<bool>()), 0..1500),
            commit_each in any::<bool>(),
        ) {
            let store = Store::temporary().unwrap();
            let mut model: BTreeMap<(u64, u32, u64), Posting> = BTreeMap::new();
            let mut ov = Overlay::new(&store);
            for (owner, day, meeting, add) in ops {
                let mut p = posting(day, meeting);
                p.cast = cast(owner + 1, meeting);
                let present = model.contains_key(&(owner, day, meeting));
                if add {
                    insert(&mut ov, Table::ActorMeetings, owner + 1, p.clone()).unwrap();
                    model.insert((owner, day, meeting), p);
                } else if present {
                    remove(&mut ov, Table::ActorMeetings, owner + 1, p).unwrap();
                    model.remove(&(owner, day, meeting));
                } else {
                    prop_assert!(remove(&mut ov, Table::ActorMeetings, owner + 1, p).is_err());
                }
                if commit_each {
                    std::mem::replace(&mut ov, Overlay::new(&store)).commit().unwrap();
                }
            }
            ov.commit().unwrap();
            for owner in 0..3 {
                for days in [(0, 39), (5, 5), (10, 30), (39, 0)] {
                    let got = scan_with_casts(&store, owner + 1, days);
                    let want: Vec<Posting> = model.iter()
                        .filter(|((o, d, _), _)| *o == owner && days.0 <= *d && *d <= days.1)
                        .map(|(_, p)| p.clone()).collect();
                    prop_assert_eq!(got, want);
                }
            }
            // The shortest of any lists (owners 1-3 and one with none) is the first of those
            // with the fewest entries in the model.
            let lists: Vec<(Table, u64)> = [3, 1, 4, 2, 3].iter().map(|o| (Table::ActorMeetings, *o)).collect();
            for n in 0..=lists.len() {
                let sizes: Vec<usize> = lists[..n].iter()
                    .map(|(_, o)| model.keys().filter(|(owner, _, _)| owner + 1 == *o).count())
                    .collect();
                let fewest = sizes.iter().min().map_or(0, |m| sizes.iter().position(|s| s == m).unwrap());
                prop_assert_eq!(shortest(&store, &lists[..n]).unwrap(), fewest);
            }
            let mut previous_end: Option<(u64, (u32, u64))> = None;
            for chunk in chunks(&store, Table::ActorMeetings) {
                let chunk = chunk.unwrap();
                prop_assert!(!chunk.entries.is_empty() && chunk.entries.len() <= MAX_CHUNK);
                prop_assert!(chunk.bound <= chunk.entries[0].key());
                prop_assert!(chunk.entries.windows(2).all(|w| w[0].key() < w[1].key()));
                if let Some((owner, last)) = previous_end {
                    prop_assert!(owner != chunk.owner || last < chunk.bound);
                }
                previous_end = Some((chunk.owner, chunk.entries.last().unwrap().key()));
            }
        }
    }

    #[test]
    fn chunks_round_trip_and_reject_garbage() {
        let owner = 4410;

        let entries: Vec<Posting> = (0..700u64)
            .map(|i| {
                let mut p = posting(day_key(Day(20_000 + i as i32 / 3)), 1_000_000 - i * 7);
                if i % 4 == 0 {
                    let text = ["2025-11", "~2020-03-01", "2019..2020-02", "2025-12-30"];
                    let date: DateSpan = text[(i / 4 % 4) as usize].parse().unwrap();
                    let e = &mut p.entry;
                    e.day = day_key(date.first_day());
                    e.span = (date.last_day().0 - date.first_day().0) as u32;
                    e.shape = date.shape();
                    assert_eq!(e.date(), Some(date));
                }
                p.cast = cast(owner, i);
                p
            })
            .collect();
        let mut sorted = entries.clone();
        sorted.sort_by_key(Posting::key);
        sorted.dedup_by_key(|p| p.key());
        let bytes = encode_chunk(owner, &sorted).unwrap();
        assert_eq!(decode_chunk(owner, &bytes).unwrap(), sorted);
        assert_eq!(chunk_len(&bytes).unwrap(), sorted.len() as u64);
        for bad in [&b""[..], &[1], &[1, 5, 0], &[2, 0], &[1, 1, 0, 0, 0, 9]] {
            assert!(decode_chunk(owner, bad).is_err());
        }
    }
}
