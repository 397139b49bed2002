//! Record pages: the records of one kind, packed [`PER_PAGE`] consecutive ids to a sled value.
//!
//! ```text
//! key   = id >> PAGE_BITS: u64 BE
//! value = VALUE_VERSION: u8 | slots                     (plain: every kind but meetings)
//!       | PACKED_VERSION: u8 | slots packed            (meetings: `compress`)
//! slots = count: varint | count × ( id & (PER_PAGE - 1): u8 | len: varint | record: len bytes )
//! ```
//!
//! Slots are in id order; `record` is the value encoding of `values` (its own version byte,
//! then bincode). sled pays ~100 bytes and ~12 µs of bulk-load time per key here, which a
//! record of 30 bytes cannot carry: one key per meeting made a million meetings cost 160 MiB
//! and half the import. A page amortises the key over up to 64 records; reading one record
//! walks the slot headers of its page, and writing one rewrites its page (a few KB).

use std::collections::BTreeSet;

use sled::IVec;

use super::compress::{pack_into, unpack};
use super::keys::{decode_id_key, encode_id_key};
use super::kv::{KvRead, Overlay};
use super::values::{get_varint, put_varint, PACKED_VERSION, VALUE_VERSION};
use super::Table;
use crate::error::{Error, Result};

const PAGE_BITS: u32 = 6;

/// Records per page at most.
pub(crate) const PER_PAGE: u64 = 1 << PAGE_BITS;

/// The key of the page holding record `id`.
pub(crate) fn page_key(id: u64) -> [u8; 8] {
    encode_id_key(id >> PAGE_BITS)
}

fn corrupt(page: u64, what: &str) -> Error {
    Error::Corrupt(format!("record page {page}: {what}"))
}

/// The slots of a page: (id, encoded record), in id order.
pub(crate) fn decode_page(key: &[u8], value: &[u8]) -> Result<Vec<(u64, Vec<u8>)>> {
    let mut slots = Vec::new();
    walk_page(key, value, |id, record| {
        slots.push((id, record.to_vec()));
        true
    })?;
    Ok(slots)
}

/// Calls `visit` with each slot of a page in id order, until it returns false.
fn walk_page(key: &[u8], value: &[u8], visit: impl FnMut(u64, &[u8]) -> bool) -> Result<()> {
    let page = decode_id_key(key)?;
    if page > u64::MAX >> PAGE_BITS {
        return Err(corrupt(page, "key out of range"));
    }
    let (&version, body) = value
        .split_first()
        .ok_or_else(|| corrupt(page, "empty value"))?;
    match version {
        VALUE_VERSION => walk_slots(page, body, visit),
        PACKED_VERSION => {
            let mut raw = Vec::new();
            unpack(body, &mut raw)?;
            walk_slots(page, &raw, visit)
        }
        _ => Err(corrupt(page, "unknown version")),
    }
}

/// Walks the slots of page `page`: `value` is what follows the version byte, unpacked.
fn walk_slots(page: u64, value: &[u8], mut visit: impl FnMut(u64, &[u8]) -> bool) -> Result<()> {
    let mut at = 0;
    let count = get_varint(value, &mut at)?;
    if count == 0 || count > PER_PAGE {
        return Err(corrupt(page, "bad record count"));
    }
    let mut previous = None;
    for _ in 0..count {
        let low = *value.get(at).ok_or_else(|| corrupt(page, "truncated"))?;
        at += 1;
        let len = get_varint(value, &mut at)? as usize;
        let end = at
            .checked_add(len)
            .filter(|end| *end <= value.len())
            .ok_or_else(|| corrupt(page, "truncated"))?;
        let id = page << PAGE_BITS | u64::from(low);
        if u64::from(low) >= PER_PAGE || previous.is_some_and(|prev| prev >= id) {
            return Err(corrupt(page, "slots out of order"));
        }
        previous = Some(id);
        if !visit(id, &value[at..end]) {
            return Ok(());
        }
        at = end;
    }
    if at != value.len() {
        return Err(corrupt(page, "trailing bytes"));
    }
    Ok(())
}

/// Encodes slots (in id order, all of one page) of `table`: packed for meetings, whose pages
/// are most of the records' bytes and which the common questions read from the posting lists
/// instead; plain for the other kinds, read a record at a time as rows are made.
pub(crate) fn encode_page<'r>(
    table: Table,
    slots: impl ExactSizeIterator<Item = (u64, &'r [u8])>,
) -> Result<Vec<u8>> {
    let plain = encode_plain(slots);
    Ok(for_disk(table, &plain)?.unwrap_or(plain))
}

/// The slots, plain.
fn encode_plain<'r>(slots: impl ExactSizeIterator<Item = (u64, &'r [u8])>) -> Vec<u8> {
    let mut plain = vec![VALUE_VERSION];
    put_varint(&mut plain, slots.len() as u64);
    for (id, record) in slots {
        plain.push((id & (PER_PAGE - 1)) as u8);
        put_varint(&mut plain, record.len() as u64);
        plain.extend_from_slice(record);
    }
    plain
}

/// The packed form of a plain page of `table` when its kind is packed and packing makes it
/// smaller; `None` keeps it as it is. A transaction's overlay keeps the pages it writes plain
/// and packs them with this as they leave for the store ([`Overlay::finishing`]): a load of
/// meetings one by one rewrites each page up to 64 times, and packing it every time was a
/// fifth of a script's load.
pub(crate) fn for_disk(table: Table, page: &[u8]) -> Result<Option<Vec<u8>>> {
    let Some((&VALUE_VERSION, raw)) = page.split_first() else {
        return Ok(None);
    };
    if table != Table::Meetings {
        return Ok(None);
    }
    let mut out = Vec::with_capacity(page.len());
    out.push(PACKED_VERSION);
    Ok(pack_into(&mut out, raw)?.then_some(out))
}

/// `read` applied to the encoded record `id` where it lies in its page, if it is stored.
pub(crate) fn read<T>(
    kv: &dyn KvRead,
    table: Table,
    id: u64,
    read: impl FnOnce(&[u8]) -> Result<T>,
) -> Result<Option<T>> {
    let key = page_key(id);
    let Some(page) = kv.get(table, &key)? else {
        return Ok(None);
    };
    let mut read = Some(read);
    let mut found = None;
    walk_page(&key, &page, |slot, record| {
        if slot == id {
            found = read.take().map(|read| read(record));
        }
        slot < id
    })?;
    found.transpose()
}

/// `read` applied to each stored record among `ids`, in id order, each page read once: a
/// selection of many records then costs a walk of their pages rather than one per record
/// (a meeting page is unpacked whole to reach any of its records).
pub(crate) fn read_each(
    kv: &dyn KvRead,
    table: Table,
    ids: &BTreeSet<u64>,
    mut read: impl FnMut(u64, &[u8]) -> Result<()>,
) -> Result<()> {
    let mut ids = ids.iter().copied().peekable();
    let mut wanted = Vec::new();
    while let Some(&first) = ids.peek() {
        wanted.clear();
        while let Some(id) = ids.next_if(|id| id >> PAGE_BITS == first >> PAGE_BITS) {
            wanted.push(id);
        }
        let key = page_key(first);
        let Some(page) = kv.get(table, &key)? else {
            continue;
        };
        let last = wanted[wanted.len() - 1];
        let mut outcome = Ok(());
        walk_page(&key, &page, |slot, record| {
            if wanted.binary_search(&slot).is_ok() {
                outcome = read(slot, record);
            }
            outcome.is_ok() && slot < last
        })?;
        outcome?;
    }
    Ok(())
}

/// Whether record `id` is stored.
pub(crate) fn contains(kv: &dyn KvRead, table: Table, id: u64) -> Result<bool> {
    Ok(read(kv, table, id, |_| Ok(()))?.is_some())
}

/// Stores (`Some`) or removes (`None`) the encoded record `id`, rewriting its page.
pub(crate) fn set(
    ov: &mut Overlay<'_>,
    table: Table,
    id: u64,
    record: Option<&[u8]>,
) -> Result<()> {
    let key = page_key(id);
    let page: Option<IVec> = ov.get(table, &key)?;
    let mut slots = match &page {
        Some(bytes) => decode_page(&key, bytes)?,
        None => Vec::new(),
    };
    match (slots.binary_search_by_key(&id, |(i, _)| *i), record) {
        (Ok(i), Some(r)) => slots[i].1 = r.to_vec(),
        (Err(i), Some(r)) => slots.insert(i, (id, r.to_vec())),
        (Ok(i), None) => {
            slots.remove(i);
        }
        (Err(_), None) => {}
    }
    let slots = slots.iter().map(|(id, r)| (*id, r.as_slice()));
    if slots.len() == 0 {
        ov.delete(table, &key[..]);
    } else if ov.finishes() {
        // Packed once, as the overlay writes it out.
        ov.put(table, &key[..], encode_plain(slots));
    } else {
        ov.put(table, &key[..], encode_page(table, slots)?);
    }
    Ok(())
}

/// Every stored record of a table, (id, encoded record), in id order.
pub(crate) fn all(
    kv: &dyn KvRead,
    table: Table,
) -> impl Iterator<Item = Result<(u64, Vec<u8>)>> + '_ {
    kv.range(table, &[], None, false).flat_map(|entry| {
        let slots: Vec<Result<(u64, Vec<u8>)>> = match entry {
            Ok((key, value)) => match decode_page(&key, &value) {
                Ok(slots) => slots.into_iter().map(Ok).collect(),
                Err(e) => vec![Err(e)],
            },
            Err(e) => vec![Err(e)],
        };
        slots
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::Store;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Random stores and removes read back like a map, whether committed one by one or
        /// together, and no page is left empty.
        #[test]
        fn pages_behave_like_a_map(
            ops in proptest::collection::vec((0u64..300, proptest::option::of(proptest::collection::vec(any::<u8>(), 0..40))), 0..400),
            commit_each in any::<bool>(),
            wanted in proptest::collection::btree_set(0u64..300, 0..120),
        ) {
            let store = Store::temporary().unwrap();
            let mut model: BTreeMap<u64, Vec<u8>> = BTreeMap::new();
            let mut ov = Overlay::new(&store);
            for (id, record) in ops {
                set(&mut ov, Table::Actors, id, record.as_deref()).unwrap();
                match record {
                    Some(r) => { model.insert(id, r); }
                    None => { model.remove(&id); }
                }
                if commit_each {
                    std::mem::replace(&mut ov, Overlay::new(&store)).commit().unwrap();
                }
            }
            ov.commit().unwrap();
            let stored: Vec<(u64, Vec<u8>)> = all(&store, Table::Actors).collect::<Result<_>>().unwrap();
            let expected: Vec<(u64, Vec<u8>)> = model.clone().into_iter().collect();
            prop_assert_eq!(stored, expected);
            for id in 0..300 {
                let stored = read(&store, Table::Actors, id, |r| Ok(r.to_vec())).unwrap();
                prop_assert_eq!(stored, model.get(&id).cloned());
                prop_assert_eq!(contains(&store, Table::Actors, id).unwrap(), model.contains_key(&id));
            }
            // Several records at once: those stored among the wanted, in id order.
            let mut each = Vec::new();
            read_each(&store, Table::Actors, &wanted, |id, r| {
                each.push((id, r.to_vec()));
                Ok(())
            }).unwrap();
            let expected: Vec<(u64, Vec<u8>)> = model.into_iter().filter(|(id, _)| wanted.contains(id)).collect();
            prop_assert_eq!(each, expected);
        }

        #[test]
        fn garbage_pages_never_panic(value in proptest::collection::vec(any::<u8>(), 0..60)) {
            let _ = decode_page(&page_key(128), &value);
        }
    }

    /// Pages a finishing overlay keeps plain are stored as `encode_page` would have made them:
    /// packed when that is smaller, whether committed or spilled, and read back the same.
    #[test]
    fn a_finishing_overlay_stores_pages_as_encoded() {
        for spill in [false, true] {
            let store = Store::temporary().unwrap();
            let mut ov = Overlay::finishing(&store, for_disk);
            let record = |id: u64| format!("meeting {id} at the usual place").into_bytes();
            for id in 0..200 {
                set(&mut ov, Table::Meetings, id, Some(&record(id))).unwrap();
                set(&mut ov, Table::Actors, id, Some(&record(id))).unwrap();
            }
            // Pending pages are plain, and read as such.
            let pending = ov.get(Table::Meetings, &page_key(0)).unwrap().unwrap();
            assert_eq!(pending[0], VALUE_VERSION);
            assert_eq!(
                read(&ov, Table::Meetings, 5, |r| Ok(r.to_vec())).unwrap(),
                Some(record(5))
            );
            match spill {
                true => ov.spill().unwrap(),
                false => ov.commit().unwrap(),
            }
            for table in [Table::Meetings, Table::Actors] {
                let stored: Vec<(u64, Vec<u8>)> =
                    all(&store, table).collect::<Result<_>>().unwrap();
                assert_eq!(
                    stored,
                    (0..200).map(|id| (id, record(id))).collect::<Vec<_>>()
                );
                for page in 0..4 {
                    let key = page_key(page * PER_PAGE);
                    let value = store.get(table, &key).unwrap().unwrap();
                    let slots = decode_page(&key, &value).unwrap();
                    let expected =
                        encode_page(table, slots.iter().map(|(i, r)| (*i, r.as_slice()))).unwrap();
                    assert_eq!(value.as_ref(), expected.as_slice(), "{table:?} page {page}");
                }
            }
            let meeting_page = store.get(Table::Meetings, &page_key(0)).unwrap().unwrap();
            assert_eq!(meeting_page[0], PACKED_VERSION);
        }
    }

    #[test]
    fn malformed_pages_are_corrupt() {
        let key = page_key(0);
        for bad in [
            &b""[..],
            &[1, 0],
            &[1, 1, 5, 9, 1],
            &[1, 2, 3, 0, 3, 0],
            &[2, 1, 0, 0],
        ] {
            assert!(
                matches!(decode_page(&key, bad), Err(Error::Corrupt(_))),
                "{bad:?}"
            );
        }
        let slots = [(1, &b"ab"[..]), (63, &b""[..])];
        let want = vec![(1, b"ab".to_vec()), (63, Vec::new())];
        for table in [Table::Actors, Table::Meetings] {
            let good = encode_page(table, slots.into_iter()).unwrap();
            assert_eq!(decode_page(&key, &good).unwrap(), want);
        }
        let many: Vec<(u64, Vec<u8>)> = (0..64).map(|id| (id, b"meeting m".repeat(3))).collect();
        let packed = encode_page(
            Table::Meetings,
            many.iter().map(|(i, r)| (*i, r.as_slice())),
        )
        .unwrap();
        assert_eq!(packed[0], PACKED_VERSION);
        assert_eq!(decode_page(&key, &packed).unwrap(), many);
    }
}
