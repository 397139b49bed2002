//! Small index entries — handles, names, references, terms — stored many to a sled key.
//!
//! sled spends 150–250 bytes of its files and a few microseconds of a load on every key,
//! whatever its size, and these tables hold hundreds of thousands of entries of a few dozen
//! bytes (BENCHMARKS.md: `names` took 22.5 MB of files for 4.6 MB of entries). So their
//! entries are kept in *pages*: a sorted run of entries, each key front-coded against the one
//! before, stored under the key of the page's **last** entry. The first page whose key is at or
//! after a key is the only one that can hold it, and sled finds that page in one forward step
//! of an iterator (a backward step costs more).
//!
//! ```text
//! page  = version: u8 = 1 | count: varint ≥ 1 | count × entry
//! entry = shared: varint | suffix length: varint | suffix | value length: varint | value
//! ```
//!
//! `shared` is how many leading bytes the key has in common with the entry before (0 for the
//! first). Keys ascend strictly within a page and from one page to the next.
//!
//! Only `kv` sees pages: the store's reads yield entries ([`get`], [`range`]), and an overlay's
//! pending entries become page writes when it commits or spills ([`page_writes`]). A bulk load
//! cuts its sorted entries into pages at once ([`pages`]).

use std::collections::BTreeMap;
use std::ops::Bound;

use sled::IVec;

use super::values::{get_varint, put_varint};
use super::{storage_error, Table};
use crate::error::{Error, Result};

const VERSION: u8 = 1;

/// An entry: its key and value.
type Entry = (IVec, IVec);
/// What a range read yields (as `kv::KvIter`).
type Entries<'a> = Box<dyn Iterator<Item = Result<Entry>> + 'a>;

/// The size a page is cut at. A read walks the page from its start, so this bounds what a
/// lookup decodes (~80 names); and a change rewrites a page, so it bounds a write too.
const PAGE_BYTES: usize = 2048;

fn malformed(table: Table) -> Error {
    Error::Corrupt(format!("a page of the {} table is malformed", table.name()))
}

/// The entries of one page, walked in order, checked as they are read.
struct Cursor {
    table: Table,
    page: IVec,
    at: usize,
    left: u64,
    key: Vec<u8>,
    value: std::ops::Range<usize>,
    /// Whether an entry has been read.
    read: bool,
}

impl Cursor {
    fn new(table: Table, page: IVec) -> Result<Cursor> {
        let mut at = 1;
        if page.first() != Some(&VERSION) {
            return Err(malformed(table));
        }
        let left = get_varint(&page, &mut at).map_err(|_| malformed(table))?;
        if left == 0 {
            return Err(malformed(table));
        }
        Ok(Cursor {
            table,
            page,
            at,
            left,
            key: Vec::new(),
            value: 0..0,
            read: false,
        })
    }

    /// Moves to the next entry; `false` at the end of the page (which must end there).
    fn advance(&mut self) -> Result<bool> {
        if self.left == 0 {
            return match self.at == self.page.len() {
                true => Ok(false),
                false => Err(malformed(self.table)),
            };
        }
        let table = self.table;
        let bytes = self.page.as_ref();
        let mut at = self.at;
        // A length is taken as far as the page goes: a damaged one must not overflow.
        let span = |at: &mut usize| -> Result<std::ops::Range<usize>> {
            let length = get_varint(bytes, at).map_err(|_| malformed(table))?;
            let end = usize::try_from(length)
                .ok()
                .and_then(|length| at.checked_add(length))
                .filter(|end| *end <= bytes.len())
                .ok_or_else(|| malformed(table))?;
            Ok(std::mem::replace(at, end)..end)
        };
        let shared = get_varint(bytes, &mut at).map_err(|_| malformed(table))?;
        let shared = usize::try_from(shared).map_err(|_| malformed(table))?;
        let suffix = &bytes[span(&mut at)?];
        // The key must follow the one before: it keeps `shared` bytes of it, then differs
        // upward (the first key shares nothing, and only it may be empty).
        let ascends = match (self.read, self.key.get(shared), suffix.first()) {
            (false, _, _) => shared == 0,
            (true, Some(before), Some(after)) => after > before,
            (true, None, Some(_)) => shared == self.key.len(),
            (true, _, None) => false,
        };
        if !ascends {
            return Err(malformed(table));
        }
        self.key.truncate(shared);
        self.key.extend_from_slice(suffix);
        self.value = span(&mut at)?;
        self.at = at;
        self.left -= 1;
        self.read = true;
        Ok(true)
    }

    fn key(&self) -> &[u8] {
        &self.key
    }

    fn value(&self) -> &[u8] {
        &self.page[self.value.clone()]
    }
}

/// The value of `key` in the pages of `tree`.
pub(super) fn get(tree: &sled::Tree, table: Table, key: &[u8]) -> Result<Option<IVec>> {
    let Some(found) = tree.range(key..).next() else {
        return Ok(None);
    };
    let (_, page) = found.map_err(storage_error)?;
    let mut cursor = Cursor::new(table, page)?;
    while cursor.advance()? {
        match cursor.key().cmp(key) {
            std::cmp::Ordering::Less => {}
            std::cmp::Ordering::Equal => return Ok(Some(IVec::from(cursor.value()))),
            std::cmp::Ordering::Greater => return Ok(None),
        }
    }
    Ok(None)
}

/// The entries of the pages of `tree` with `from <= key < to`, as `KvRead::range` yields them.
pub(super) fn range<'a>(
    tree: &sled::Tree,
    table: Table,
    from: &[u8],
    to: Option<&[u8]>,
    reverse: bool,
) -> Entries<'a> {
    if to.is_some_and(|to| to <= from) {
        return Box::new(std::iter::empty());
    }
    if reverse {
        return backward(tree, table, from, to);
    }
    Box::new(Forward {
        table,
        pages: tree.range(from..),
        cursor: None,
        page_key: IVec::default(),
        from: from.to_vec(),
        to: to.map(<[u8]>::to_vec),
        done: false,
    })
}

/// A range read in ascending order: the pages from the first that can hold `from`, each
/// walked without a copy of the entries outside the range.
struct Forward {
    table: Table,
    pages: sled::Iter,
    /// The page being walked, at its current entry.
    cursor: Option<Cursor>,
    /// The key of the page `cursor` walks.
    page_key: IVec,
    from: Vec<u8>,
    to: Option<Vec<u8>>,
    done: bool,
}

impl Forward {
    fn step(&mut self) -> Result<Option<Entry>> {
        loop {
            let moved = match self.cursor.as_mut() {
                Some(cursor) => cursor.advance()?,
                None => false,
            };
            if !moved && !self.open_next()? {
                return Ok(None);
            }
            let Some(cursor) = &self.cursor else {
                return Ok(None);
            };
            let key = cursor.key();
            if key < self.from.as_slice() {
                continue;
            }
            if self.to.as_deref().is_some_and(|to| key >= to) {
                return Ok(None);
            }
            return Ok(Some((IVec::from(key), IVec::from(cursor.value()))));
        }
    }

    /// Closes the page walked to its end (its last key must be its key) and opens the next,
    /// at its first entry, which must come after the page before; `false` after the last.
    fn open_next(&mut self) -> Result<bool> {
        let before = match self.cursor.take() {
            Some(done) if done.key() != self.page_key.as_ref() => {
                return Err(malformed(self.table))
            }
            Some(_) => Some(self.page_key.clone()),
            None => None,
        };
        let Some(next) = self.pages.next() else {
            return Ok(false);
        };
        let (key, page) = next.map_err(storage_error)?;
        let mut cursor = Cursor::new(self.table, page)?;
        if !cursor.advance()? || before.is_some_and(|b| cursor.key() <= b.as_ref()) {
            return Err(malformed(self.table));
        }
        self.page_key = key;
        self.cursor = Some(cursor);
        Ok(true)
    }
}

impl Iterator for Forward {
    type Item = Result<Entry>;

    fn next(&mut self) -> Option<Result<Entry>> {
        if self.done {
            return None;
        }
        let step = self.step().transpose();
        self.done = !matches!(step, Some(Ok(_)));
        step
    }
}

/// A range read in descending order: each page that can hold part of the range decoded whole
/// (no reader of these tables walks them backward often).
fn backward<'a>(tree: &sled::Tree, table: Table, from: &[u8], to: Option<&[u8]>) -> Entries<'a> {
    // The last page that can hold a key below `to` is the first whose key is at or after it.
    let upper = match to.map(|to| tree.range(to..).next()) {
        Some(Some(Err(e))) => return Box::new(std::iter::once(Err(storage_error(e)))),
        Some(Some(Ok((key, _)))) => Bound::Included(key),
        Some(None) | None => Bound::Unbounded,
    };
    let from = from.to_vec();
    let to = to.map(<[u8]>::to_vec);
    let pages = tree.range((Bound::Included(IVec::from(from.as_slice())), upper));
    let entries = pages.rev().flat_map(move |page| {
        let entries = page
            .map_err(storage_error)
            .and_then(|(key, page)| decode(table, &key, page));
        let entries: Vec<Result<Entry>> = match entries {
            Ok(entries) => entries
                .into_iter()
                .rev()
                .filter(|(key, _)| {
                    key.as_ref() >= from.as_slice()
                        && to.as_deref().is_none_or(|to| key.as_ref() < to)
                })
                .map(Ok)
                .collect(),
            Err(e) => vec![Err(e)],
        };
        entries
    });
    Box::new(entries)
}

/// Every entry of a page stored under `key`, checked.
fn decode(table: Table, key: &[u8], page: IVec) -> Result<Vec<Entry>> {
    let mut cursor = Cursor::new(table, page)?;
    let mut entries = Vec::new();
    while cursor.advance()? {
        entries.push((IVec::from(cursor.key()), IVec::from(cursor.value())));
    }
    match cursor.key() == key {
        true => Ok(entries),
        false => Err(malformed(table)),
    }
}

/// The bytes an entry takes after `before` in a page.
fn entry_size(before: &[u8], key: &[u8], value: &[u8]) -> usize {
    let shared = shared_prefix(before, key);
    varint_size(shared) + varint_size(key.len() - shared) + key.len() - shared
        + varint_size(value.len())
        + value.len()
}

fn shared_prefix(a: &[u8], b: &[u8]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

fn varint_size(n: usize) -> usize {
    (usize::BITS - (n | 1).leading_zeros()).div_ceil(7) as usize
}

/// The bytes each of `entries` (sorted) takes in a page after the one before it.
fn sizes<K: AsRef<[u8]>, V: AsRef<[u8]>>(entries: &[(K, V)]) -> impl Iterator<Item = usize> + '_ {
    entries.iter().scan(&[][..], |before, (key, value)| {
        let size = entry_size(before, key.as_ref(), value.as_ref());
        *before = key.as_ref();
        Some(size)
    })
}

/// One page holding `entries` (sorted, at least one).
fn encode<K: AsRef<[u8]>, V: AsRef<[u8]>>(entries: &[(K, V)]) -> Vec<u8> {
    let size: usize = sizes(entries).sum();
    let mut page = Vec::with_capacity(1 + varint_size(entries.len()) + size);
    page.push(VERSION);
    put_varint(&mut page, entries.len() as u64);
    let mut before: &[u8] = &[];
    for (key, value) in entries {
        let (key, value) = (key.as_ref(), value.as_ref());
        let shared = shared_prefix(before, key);
        put_varint(&mut page, shared as u64);
        put_varint(&mut page, (key.len() - shared) as u64);
        page.extend_from_slice(&key[shared..]);
        put_varint(&mut page, value.len() as u64);
        page.extend_from_slice(value);
        before = key;
    }
    page
}

/// Sorted entries cut into pages of about equal size, as few as [`PAGE_BYTES`] allows, each
/// under the key of its last entry. A page that a write made too large is cut in two halves
/// (not one full page and a sliver), so that the next write there does not cut it again.
pub(super) fn pages<K: AsRef<[u8]>, V: AsRef<[u8]>>(entries: &[(K, V)]) -> Vec<(Vec<u8>, Vec<u8>)> {
    let sizes: Vec<usize> = sizes(entries).collect();
    let total: usize = sizes.iter().sum();
    let share = total / total.div_ceil(PAGE_BYTES).max(1);
    let mut pages = Vec::with_capacity(total.div_ceil(PAGE_BYTES));
    let mut start = 0;
    let mut held = 0;
    for (at, size) in sizes.iter().enumerate() {
        held += size;
        if held >= share || at + 1 == entries.len() {
            let part = &entries[start..=at];
            pages.push((part[part.len() - 1].0.as_ref().to_vec(), encode(part)));
            start = at + 1;
            held = 0;
        }
    }
    pages
}

/// The writes of whole pages that apply `changes` (`Some` to put an entry, `None` to remove
/// it) to the pages of `tree`: each page that a change falls in is read, changed, cut again
/// and written; a page left with no entry is removed, and one whose last key changed moves.
/// A page left under a quarter of the cut size takes in the page after it, so that removals
/// do not leave a trail of small pages (each a key).
pub(super) fn page_writes(
    tree: &sled::Tree,
    table: Table,
    changes: &BTreeMap<IVec, Option<IVec>>,
) -> Result<BTreeMap<IVec, Option<IVec>>> {
    let mut writes = BTreeMap::new();
    let mut changes = changes.iter().peekable();
    while let Some(&(first, _)) = changes.peek() {
        // The page a change falls in: the first whose key is at or after it. The last page
        // also takes every change after it (its key then moves).
        let found = match tree.range(first.as_ref()..).next() {
            Some(found) => Some(found.map_err(storage_error)?),
            None => tree.last().map_err(storage_error)?,
        };
        let mut merged: Vec<Entry> = Vec::new();
        let mut next = found;
        loop {
            let (old, bound) = match next.take() {
                Some((key, page)) => {
                    let entries = decode(table, &key, page)?;
                    writes.insert(key.clone(), None);
                    let after = tree
                        .range::<&[u8], _>((Bound::Excluded(key.as_ref()), Bound::Unbounded))
                        .next();
                    let after = after.transpose().map_err(storage_error)?;
                    (entries, after.map(|after| (key, after)))
                }
                None => (Vec::new(), None),
            };
            // Up to the page's key, or every change left when no page follows.
            let within = |(key, _): &(&IVec, &Option<IVec>)| {
                bound.as_ref().is_none_or(|(last, _)| *key <= last)
            };
            let mut old = old.into_iter().peekable();
            while let Some((key, change)) = changes.next_if(within) {
                merged.extend(std::iter::from_fn(|| old.next_if(|(k, _)| k < key)));
                old.next_if(|(k, _)| k == key);
                if let Some(value) = change {
                    merged.push((key.clone(), value.clone()));
                }
            }
            merged.extend(old);
            let held: usize = merged.iter().map(|(k, v)| k.len() + v.len() + 3).sum();
            match bound {
                Some((_, after)) if held < PAGE_BYTES / 4 => next = Some(after),
                _ => break,
            }
        }
        for (key, page) in pages(&merged) {
            writes.insert(IVec::from(key), Some(IVec::from(page)));
        }
    }
    Ok(writes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    type Model = BTreeMap<Vec<u8>, Vec<u8>>;

    fn tree() -> Result<(sled::Db, sled::Tree)> {
        let db = sled::Config::new()
            .temporary(true)
            .open()
            .map_err(storage_error)?;
        let tree = db.open_tree("pages").map_err(storage_error)?;
        Ok((db, tree))
    }

    /// Pages written as a bulk load writes them.
    fn store(tree: &sled::Tree, pages: Vec<(Vec<u8>, Vec<u8>)>) -> Result<()> {
        for (key, page) in pages {
            tree.insert(key, page).map_err(storage_error)?;
        }
        Ok(())
    }

    /// Ten thousand entries whose keys share their beginnings, as sorted names do.
    fn numbered_names() -> Vec<(Vec<u8>, Vec<u8>)> {
        (0..10_000u32)
            .map(|n| (format!("name {n:05}").into_bytes(), b"Name".to_vec()))
            .collect()
    }

    fn fail(e: Error) -> TestCaseError {
        TestCaseError::fail(e.to_string())
    }

    fn write(tree: &sled::Tree, writes: BTreeMap<IVec, Option<IVec>>) -> Result<()> {
        for (key, page) in writes {
            match page {
                Some(page) => tree.insert(key, page),
                None => tree.remove(key),
            }
            .map_err(storage_error)?;
        }
        Ok(())
    }

    fn entries(iter: Entries<'_>) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
        iter.map(|e| e.map(|(k, v)| (k.to_vec(), v.to_vec())))
            .collect()
    }

    /// Keys of a few letters from a small alphabet share prefixes, as names and references do;
    /// an occasional long value makes pages split.
    fn key() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(prop_oneof![Just(b'a'), Just(b'b'), Just(0u8)], 0..6)
    }

    fn value() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            8 => proptest::collection::vec(any::<u8>(), 0..12),
            1 => proptest::collection::vec(any::<u8>(), 300..900),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Pages read and changed as a sorted map would be.
        #[test]
        fn pages_behave_as_a_sorted_map(
            start in proptest::collection::btree_map(key(), value(), 0..60),
            rounds in proptest::collection::vec(
                proptest::collection::btree_map(key(), proptest::option::of(value()), 0..20),
                1..4,
            ),
            from in key(),
            to in proptest::option::of(key()),
        ) {
            let (_db, tree) = tree().map_err(fail)?;
            let start: Vec<(Vec<u8>, Vec<u8>)> = start.into_iter().collect();
            store(&tree, pages(&start)).map_err(fail)?;
            let mut model: Model = start.into_iter().collect();
            for round in rounds {
                let changes: BTreeMap<IVec, Option<IVec>> = round
                    .iter()
                    .map(|(k, v)| (IVec::from(k.as_slice()), v.as_deref().map(IVec::from)))
                    .collect();
                write(&tree, page_writes(&tree, Table::Names, &changes).map_err(fail)?)
                    .map_err(fail)?;
                for (k, v) in round {
                    match v {
                        Some(v) => model.insert(k, v),
                        None => model.remove(&k),
                    };
                }
                let all = entries(range(&tree, Table::Names, &[], None, false)).map_err(fail)?;
                let expected: Vec<_> = model.clone().into_iter().collect();
                prop_assert_eq!(all, expected);
            }
            for k in model.keys().chain([&from]) {
                let got = get(&tree, Table::Names, k).map_err(fail)?;
                prop_assert_eq!(got.map(|v| v.to_vec()), model.get(k).cloned());
            }
            let upper = to.as_deref();
            for reverse in [false, true] {
                let got = entries(range(&tree, Table::Names, &from, upper, reverse)).map_err(fail)?;
                let mut expected: Vec<_> = model
                    .iter()
                    .filter(|(k, _)| **k >= from && upper.is_none_or(|t| k.as_slice() < t))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                if reverse {
                    expected.reverse();
                }
                prop_assert_eq!(got, expected);
            }
            // Each page is under the cut size unless one entry alone is over it; none is empty.
            for page in tree.iter() {
                let (_, page) = page.map_err(|e| fail(storage_error(e)))?;
                prop_assert!(page.len() <= 2 * PAGE_BYTES, "{} bytes", page.len());
            }
        }

        /// Damaged pages are reported, never a panic, whatever their bytes.
        #[test]
        fn damaged_pages_are_errors(
            stored in proptest::collection::btree_map(key(), proptest::collection::vec(any::<u8>(), 0..40), 1..6),
            probe in key(),
        ) {
            let (_db, tree) = tree().map_err(fail)?;
            for (key, page) in &stored {
                tree.insert(key.as_slice(), page.as_slice()).map_err(|e| fail(storage_error(e)))?;
            }
            let _ = get(&tree, Table::Refs, &probe);
            // A forward read stops at its first error, and yields keys in ascending order
            // before it.
            let read: Vec<_> = range(&tree, Table::Refs, &[], None, false).collect();
            if let Some(at) = read.iter().position(Result::is_err) {
                prop_assert_eq!(at + 1, read.len());
            }
            let keys: Vec<_> = read.iter().filter_map(|e| e.as_ref().ok()).map(|(k, _)| k).collect();
            prop_assert!(keys.windows(2).all(|w| w[0] < w[1]));
            let _: Vec<_> = range(&tree, Table::Refs, &[], None, true).collect();
            let changes = BTreeMap::from([(IVec::from(probe.as_slice()), None)]);
            let _ = page_writes(&tree, Table::Refs, &changes);
        }
    }

    /// Lengths as large as a varint holds are refused, not added up past the end.
    #[test]
    fn a_damaged_length_is_an_error() -> Result<()> {
        let (_db, tree) = tree()?;
        let huge = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        let suffix = [&[VERSION, 1, 0][..], &huge[..]].concat();
        let value = [&[VERSION, 1, 0, 1, b'k'][..], &huge[..]].concat();
        for page in [suffix, value] {
            tree.insert(b"k", page).map_err(storage_error)?;
            assert!(matches!(
                get(&tree, Table::Names, b"k"),
                Err(Error::Corrupt(_))
            ));
            let read: Vec<_> = range(&tree, Table::Names, &[], None, false).collect();
            assert!(matches!(read.as_slice(), [Err(Error::Corrupt(_))]));
        }
        Ok(())
    }

    /// Removing most entries leaves pages of about a quarter of the cut size or more, not one
    /// small page for each page there was.
    #[test]
    fn removals_merge_small_pages() -> Result<()> {
        let all = numbered_names();
        let (_db, tree) = tree()?;
        store(&tree, pages(&all))?;
        let before = tree.len();
        let removed: BTreeMap<IVec, Option<IVec>> = all
            .iter()
            .enumerate()
            .filter(|(n, _)| n % 20 != 0)
            .map(|(_, (key, _))| (IVec::from(key.as_slice()), None))
            .collect();
        write(&tree, page_writes(&tree, Table::Names, &removed)?)?;
        let left = entries(range(&tree, Table::Names, &[], None, false))?;
        let kept: Vec<_> = all.into_iter().step_by(20).collect();
        assert_eq!(left, kept);
        let bytes: usize = kept.iter().map(|(k, v)| k.len() + v.len() + 3).sum();
        assert!(
            tree.len() <= bytes / (PAGE_BYTES / 4) + 1,
            "{} of {before} pages left",
            tree.len()
        );
        Ok(())
    }

    #[test]
    fn a_load_fills_its_pages() -> Result<()> {
        let cut = pages(&numbered_names());
        let bytes: usize = cut.iter().map(|(_, page)| page.len()).sum();
        // Front coding keeps ~4 of an entry's 10 key bytes, so ~9 bytes an entry.
        assert!(bytes < 10_000 * 10, "{bytes} bytes");
        // Full pages: each but the last between three quarters of the cut size and one entry
        // over it.
        let (last, full) = cut
            .split_last()
            .ok_or_else(|| Error::Internal("no page".into()))?;
        assert!(last.1.len() <= PAGE_BYTES + 32);
        for (_, page) in full {
            assert!(
                (PAGE_BYTES * 3 / 4..=PAGE_BYTES + 32).contains(&page.len()),
                "{}",
                page.len()
            );
        }
        let (_db, tree) = tree()?;
        store(&tree, cut)?;
        let back = range(
            &tree,
            Table::Names,
            b"name 00999",
            Some(b"name 01001"),
            false,
        );
        let keys: Vec<Vec<u8>> = back
            .map(|e| e.map(|(k, _)| k.to_vec()))
            .collect::<Result<_>>()?;
        assert_eq!(keys, vec![b"name 00999".to_vec(), b"name 01000".to_vec()]);
        Ok(())
    }
}
