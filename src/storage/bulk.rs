//! Bulk loading into an empty database: records with ids chosen by the caller, written in
//! key order with plain sled batches instead of one transaction per record.
//!
//! The index entries are those `index_entries` gives ordinary writes (so `check` agrees), taken
//! from the same `each_index_entry` without its map of identities; they are gathered in memory,
//! sorted (duplicates collapsed as that map does), and posting lists are cut into full chunks at
//! once. Posting entries wait as each meeting's entry and participants, kept once
//! (`gathered`): decoded one by one, a million meetings' five million entries took over 300 MB.
//!
//! Atomicity: loading starts by setting `meta:loading`; a load that fails is discarded by its
//! caller (`Store::discarded`: sled's files swapped for fresh ones holding what [`clear`]
//! leaves), and a database opened with the marker still set (the process died) is discarded
//! on open. Only an empty database can be bulk-loaded, so discarding it restores what was
//! there.

use std::collections::{BTreeMap, HashMap};

use super::compact::LARGEST_FIRST;
use super::gathered::Gathered;
use super::kv::{storage_error, BATCH};
use super::pages::{encode_page, page_key, PER_PAGE};
use super::read::{count_key, next_id_key, read_counter, record_table};
use super::records::{each_index_entry, Context, IndexEntry};
use super::state::GENERATION;
use super::values::encode_value;
use super::{entry_pages, Store, Table};
use crate::error::{Error, Result};
use crate::model::text::Language;
use crate::model::{DateSpan, Record, RecordKind, RecordRef};
use crate::query::{bound_of, source_languages};

/// `meta` key set while a bulk load is in progress.
pub(crate) const LOADING: &[u8] = b"loading";

/// Key-value pairs to write into one table.
type Pairs = Vec<(Vec<u8>, Vec<u8>)>;

/// Records gathered for one bulk load.
pub(crate) struct Bulk<'s> {
    store: &'s Store,
    /// (id, encoded record) per record table.
    records: BTreeMap<Table, Vec<(u64, Vec<u8>)>>,
    entries: BTreeMap<Table, Pairs>,
    /// Posting entries, each meeting's kept once (a few bytes each, where a `Posting` takes a
    /// hundred).
    postings: Gathered,
    counts: BTreeMap<RecordKind, (u64, u64)>,
    /// The publication dates of the documents loaded, which the entries of undated meetings
    /// take their bound from: documents are added before the meetings citing them.
    published: HashMap<u64, DateSpan>,
    /// The languages of the documents loaded, which quotes are stemmed in.
    languages: HashMap<u64, Language>,
    /// The sum of every record's share of each counter.
    counts_of_texts: BTreeMap<(Table, Vec<u8>), u64>,
}

impl<'s> Bulk<'s> {
    /// Starts a bulk load; the database must hold no records.
    pub(crate) fn new(store: &'s Store) -> Result<Bulk<'s>> {
        let empty = Table::ALL
            .iter()
            .filter(|t| **t != Table::Meta)
            .all(|t| store.tree(*t).is_empty());
        if !empty {
            return Err(Error::Invalid(
                "an import needs an empty database: open a new one to import into".into(),
            ));
        }
        Ok(Bulk {
            store,
            records: BTreeMap::new(),
            entries: BTreeMap::new(),
            postings: Gathered::default(),
            counts: BTreeMap::new(),
            published: HashMap::new(),
            languages: HashMap::new(),
            counts_of_texts: BTreeMap::new(),
        })
    }

    /// Adds a record with this id. The caller guarantees that ids are unique per kind and that
    /// every reference points at a record of the load.
    pub(crate) fn add<R: Record>(&mut self, id: u64, record: &R) -> Result<()> {
        self.records
            .entry(record_table(R::KIND))
            .or_default()
            .push((id, encode_value(record)?));
        let context = self.context(id, record.as_record_ref())?;
        let mut plain: Vec<(Table, Vec<u8>, Vec<u8>)> = Vec::new();
        let counts_of_texts = &mut self.counts_of_texts;
        let postings = &mut self.postings;
        each_index_entry(
            id,
            record.as_record_ref(),
            &context,
            &mut |entry| match entry {
                IndexEntry::Posting {
                    table,
                    owner,
                    posting,
                } => postings.push(table, owner, &posting),
                IndexEntry::Kv { table, key, value } => plain.push((table, key, value)),
                IndexEntry::Count { table, key, amount } => {
                    *counts_of_texts.entry((table, key)).or_default() += amount
                }
            },
        );
        // Two entries of one record with the same key are one, holding the first (as in
        // `index_entries`): two aliases that fold alike.
        plain.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        plain.dedup_by(|later, first| (later.0, &later.1) == (first.0, &first.1));
        for (table, key, value) in plain {
            self.entries.entry(table).or_default().push((key, value));
        }
        let (count, max) = self.counts.entry(R::KIND).or_default();
        *count += 1;
        *max = (*max).max(id);
        Ok(())
    }

    /// What the entries of record `id` take from the documents loaded before it, noting
    /// what a document gives the records that will cite it.
    fn context(&mut self, id: u64, record: RecordRef<'_>) -> Result<Context> {
        if let RecordRef::Document(d) = record {
            if let Some(published) = d.published {
                self.published.insert(id, published);
            }
            if let Some(language) = Language::of_code(d.language.as_deref()) {
                self.languages.insert(id, language);
            }
        }
        let bound = match record {
            RecordRef::Meeting(m) => {
                bound_of(m, &mut |d| Ok(self.published.get(&d.get()).copied()))?
            }
            _ => None,
        };
        let languages =
            source_languages(record, &mut |d| Ok(self.languages.get(&d.get()).copied()))?;
        Ok(Context { bound, languages })
    }

    /// Marks the ids of `kind` up to `last` as handed out, held by a record or not, so that
    /// the next new record gets a later one.
    pub(crate) fn reserve_ids(&mut self, kind: RecordKind, last: u64) {
        let (_, max) = self.counts.entry(kind).or_default();
        *max = (*max).max(last);
    }

    /// Writes everything and makes it durable. On failure the marker stays set: the caller
    /// discards the load (`Store::discarded`), or else the next open does.
    ///
    /// The state file is rewritten only once the marker is gone: a process that dies before
    /// then leaves the state from before the load, which the emptied database matches.
    pub(crate) fn finish(self, progress: &mut dyn FnMut(u64, u64)) -> Result<()> {
        let store = self.store;
        mark(store)?;
        self.write(progress).and_then(|()| unmark(store))
    }

    fn write(self, progress: &mut dyn FnMut(u64, u64)) -> Result<()> {
        let mut batches: Vec<(Table, Pairs)> = Vec::new();
        for (table, mut records) in self.records {
            records.sort_unstable_by_key(|(id, _)| *id);
            if let Some(w) = records.windows(2).find(|w| w[0].0 == w[1].0) {
                return Err(Error::Invalid(format!(
                    "two records of {} share the id {}",
                    table.name(),
                    w[0].0
                )));
            }
            let pages = records
                .chunk_by(|a, b| a.0 / PER_PAGE == b.0 / PER_PAGE)
                .map(|page| {
                    let slots = page.iter().map(|(id, r)| (*id, r.as_slice()));
                    Ok((page_key(page[0].0).to_vec(), encode_page(table, slots)?))
                })
                .collect::<Result<_>>()?;
            batches.push((table, pages));
        }
        let mut entries_by_table = self.entries;
        for ((table, key), amount) in self.counts_of_texts {
            let counter = (key, amount.to_be_bytes().to_vec());
            entries_by_table.entry(table).or_default().push(counter);
        }
        for (table, mut entries) in entries_by_table {
            entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            if let Some(w) = entries.windows(2).find(|w| w[0].0 == w[1].0) {
                let what = if table == Table::Handles {
                    "handle"
                } else {
                    table.name()
                };
                return Err(Error::Invalid(format!(
                    "two records share the same {what} ({})",
                    String::from_utf8_lossy(&w[0].0[1..])
                )));
            }
            if table.in_entry_pages() {
                entries = entry_pages::pages(&entries);
            }
            batches.push((table, entries));
        }
        let mut chunks: BTreeMap<Table, Pairs> = BTreeMap::new();
        for (table, list) in self.postings.into_chunks()? {
            chunks.entry(table).or_default().extend(list);
        }
        batches.extend(chunks);
        let generation = read_counter(self.store, GENERATION)? + 1;
        let mut counters = vec![(GENERATION.to_vec(), generation.to_be_bytes().to_vec())];
        for (kind, (count, max)) in self.counts {
            counters.push((count_key(kind), count.to_be_bytes().to_vec()));
            counters.push((next_id_key(kind), max.to_be_bytes().to_vec()));
        }
        batches.push((Table::Meta, counters));
        // In the order a compaction copies the trees: sled then leaves the same room.
        batches.sort_by_key(|(table, _)| LARGEST_FIRST.iter().position(|t| t == table));

        let total: u64 = batches.iter().map(|(_, e)| e.len() as u64).sum();
        let mut done = 0;
        for (table, entries) in batches {
            let tree = self.store.tree(table);
            for part in entries.chunks(BATCH) {
                let mut batch = sled::Batch::default();
                for (key, value) in part {
                    batch.insert(key.as_slice(), value.as_slice());
                }
                tree.apply_batch(batch).map_err(storage_error)?;
                done += part.len() as u64;
                progress(done, total);
            }
        }
        Ok(())
    }
}

/// Sets the loading marker, durably, before anything of a load is written.
fn mark(store: &Store) -> Result<()> {
    let meta = store.tree(Table::Meta);
    meta.insert(LOADING, &[1u8][..]).map_err(storage_error)?;
    meta.flush().map_err(storage_error).map(|_| ())
}

/// Ends a load whose writes are all in the store: they are made durable, then the marker is
/// removed, then the state file rewritten.
fn unmark(store: &Store) -> Result<()> {
    store.flush_data()?;
    store
        .tree(Table::Meta)
        .remove(LOADING)
        .map_err(storage_error)?;
    store.flush()
}

/// Whether `store` is empty and has never handed out an id: clearing it (which forgets the
/// counters) then gives back exactly what was there, and what the state file says.
fn pristine(store: &Store) -> Result<bool> {
    let empty = Table::ALL
        .iter()
        .filter(|t| **t != Table::Meta)
        .all(|t| store.tree(*t).is_empty());
    if !empty {
        return Ok(false);
    }
    for kind in RecordKind::ALL {
        if read_counter(store, &next_id_key(kind))? != 0 {
            return Ok(false);
        }
    }
    Ok(true)
}

/// A load of an empty database through ordinary writes (`Write::loading`), which write into
/// the store as they go: marked as a bulk load is, so that a failure, or a process that dies
/// before [`Load::finish`], leaves a database whose load is discarded — by the caller
/// (`Store::discarded`), or else by the next open.
pub(crate) struct Load<'s> {
    store: &'s Store,
}

impl<'s> Load<'s> {
    /// Marks `store` as loading, when it is empty and has never handed out an id; `None`
    /// otherwise (a database that held records once is written in transactions).
    pub(crate) fn begin(store: &'s Store) -> Result<Option<Load<'s>>> {
        if !pristine(store)? {
            return Ok(None);
        }
        mark(store)?;
        Ok(Some(Load { store }))
    }

    /// Ends the load once everything is written: durable, then unmarked.
    pub(crate) fn finish(self) -> Result<()> {
        unmark(self.store)
    }
}

/// The `meta` keys a load writes, which emptying the database removes: the record counts and
/// the last ids handed out. Forgetting them gives back a database that never handed out an
/// id, which is what a load starts from.
fn counter_keys() -> impl Iterator<Item = Vec<u8>> {
    RecordKind::ALL
        .into_iter()
        .flat_map(|kind| [count_key(kind), next_id_key(kind)])
}

/// Writes into `fresh`, the new files of a discarded load, what [`clear`] leaves of `store`:
/// the `meta` keys other than the marker and the counters (the format version and the
/// generation), and no other key.
pub(super) fn fill_emptied(store: &Store, fresh: &sled::Db) -> Result<()> {
    let dropped: Vec<Vec<u8>> = counter_keys().chain([LOADING.to_vec()]).collect();
    let meta = fresh.open_tree(Table::Meta.name()).map_err(storage_error)?;
    for pair in store.tree(Table::Meta).iter() {
        let (key, value) = pair.map_err(storage_error)?;
        if !dropped.iter().any(|d| d.as_slice() == key.as_ref()) {
            meta.insert(key, value).map_err(storage_error)?;
        }
    }
    Ok(())
}

/// Removes every record and index entry in place, one key at a time, keeping the format
/// version and the generation: what [`Store::discarded`] does where sled's files cannot be
/// swapped for fresh ones.
///
/// The marker goes last: a process that dies while clearing leaves it set, and the next open
/// discards the load instead of finding a half-emptied database.
pub(crate) fn clear(store: &Store) -> Result<()> {
    for table in Table::ALL {
        let tree = store.tree(table);
        if table == Table::Meta {
            for key in counter_keys() {
                tree.remove(key).map_err(storage_error)?;
            }
        } else {
            tree.clear().map_err(storage_error)?;
        }
    }
    unmark(store)
}

#[cfg(test)]
mod tests {
    use super::super::compact::tests::{
        contents, cut_short_at_every_step, leave_uncommitted, open_as_is, opens_whole, Contents,
    };
    use super::super::compact::wait_released;
    use super::super::state::GENERATION;
    use super::*;
    use std::path::Path;

    /// A database in `dir` killed in the middle of a load: a new database, then the loading
    /// marker, the generation and counters a load writes and thousands of keys, made durable
    /// without the state file (which a load rewrites only once it is finished). Returns what
    /// discarding the load must leave: the new database's keys and the load's generation.
    fn loading(dir: &Path) -> Contents {
        let store = Store::open(dir).unwrap();
        let mut expected = contents(&store);
        let meta = store.tree(Table::Meta);
        meta.insert(LOADING, &[1u8][..]).unwrap();
        meta.insert(GENERATION, &1u64.to_be_bytes()).unwrap();
        expected.push((
            Table::Meta,
            GENERATION.to_vec(),
            1u64.to_be_bytes().to_vec(),
        ));
        for kind in RecordKind::ALL {
            meta.insert(count_key(kind), &4000u64.to_be_bytes())
                .unwrap();
            meta.insert(next_id_key(kind), &4000u64.to_be_bytes())
                .unwrap();
        }
        for n in 0..4000u64 {
            let value = vec![(n % 251) as u8; (n % 300) as usize];
            for table in [Table::Actors, Table::Names, Table::ActorMeetings] {
                store
                    .tree(table)
                    .insert(n.to_be_bytes(), &value[..])
                    .unwrap();
            }
        }
        store.flush_data().unwrap();
        drop(store);
        wait_released(dir).unwrap();
        expected.sort();
        expected
    }

    /// Discarding a load, by the process that made it or by the next open, leaves the keys
    /// of the database before it (and the load's generation): the check is clean, the state
    /// file agrees, and nothing of the swap is left.
    #[test]
    fn a_discarded_load_leaves_the_database_it_started_from() {
        let dir = tempfile::tempdir().unwrap();
        let expected = loading(dir.path());
        let store = Store::open(dir.path()).unwrap();
        assert!(store.discarded_load());
        assert!(contents(&store) == expected, "the open left other keys");
        assert!(crate::storage::check(&store).unwrap().is_clean());
        drop(store);
        wait_released(dir.path()).unwrap();
        opens_whole(dir.path(), &expected, "reopened after the discard");

        let dir = tempfile::tempdir().unwrap();
        let expected = loading(dir.path());
        let store = open_as_is(dir.path());
        let lock = super::super::directory::claim(dir.path()).unwrap();
        let store = Store {
            _lock: Some(lock),
            ..store
        };
        let (result, store) = store.discarded();
        result.unwrap();
        let store = store.unwrap();
        assert!(contents(&store) == expected, "the discard left other keys");
        assert!(
            !store.discarded_load(),
            "the discard's own reopen found a load"
        );
        drop(store);
        wait_released(dir.path()).unwrap();
        opens_whole(dir.path(), &expected, "reopened after discarding");
    }

    /// A discard killed after its commit, at every step of its swap: the next open finishes
    /// it and finds the database the load started from.
    #[test]
    fn a_discard_cut_short_anywhere_is_finished_by_the_next_open() {
        cut_short_at_every_step(loading, fill_emptied, opens_whole);
    }

    /// A discard killed before its commit, the new files written: the next open removes
    /// them and discards the load again.
    #[test]
    fn a_discard_killed_before_its_commit_is_made_again() {
        let dir = tempfile::tempdir().unwrap();
        let expected = loading(dir.path());
        let store = open_as_is(dir.path());
        leave_uncommitted(dir.path(), |fresh| fill_emptied(&store, fresh));
        drop(store);
        wait_released(dir.path()).unwrap();
        opens_whole(
            dir.path(),
            &expected,
            "the new files written, not committed",
        );
    }
}
