//! The narrow seam between Entrevue and sled: ordered reads, and an overlay that gathers the
//! writes of one transaction and commits them atomically.
//!
//! Contract of [`KvRead::range`]: it yields every entry with `from <= key < to` (`to = None`:
//! no upper bound), ascending, or descending when `reverse` is set.
//!
//! An [`Overlay`] reads through its own pending writes, so a transaction sees what it has
//! written. It is only ever built by the one writer, under the database's writer lock, so
//! nothing else changes the committed state between its reads and its commit.

use std::collections::BTreeMap;
use std::iter::Peekable;
use std::ops::Bound;

use sled::transaction::{ConflictableTransactionError, TransactionError};
use sled::{IVec, Transactional};

pub(crate) use super::storage_error;
use super::{entry_pages, Store, Table};
use crate::error::{Error, Result};

/// Keys per sled batch, in bulk loads and when an overlay spills: larger batches made sled use
/// gigabytes of memory for no speed gain.
pub(crate) const BATCH: usize = 1000;

/// A key and its value.
pub(crate) type Entry = (IVec, IVec);
/// What a range read yields.
pub(crate) type KvIter<'a> = Box<dyn Iterator<Item = Result<Entry>> + 'a>;

/// Ordered, consistent reads of the tables.
pub(crate) trait KvRead {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<IVec>>;
    fn range<'a>(
        &'a self,
        table: Table,
        from: &[u8],
        to: Option<&[u8]>,
        reverse: bool,
    ) -> KvIter<'a>;

    /// Every entry whose key starts with `prefix`, ascending.
    fn prefix<'a>(&'a self, table: Table, prefix: &[u8]) -> KvIter<'a> {
        let end = super::keys::prefix_end(prefix);
        self.range(table, prefix, end.as_deref(), false)
    }

    /// The counter stored under `key` (a u64 BE), 0 when there is none.
    fn counter(&self, table: Table, key: &[u8]) -> Result<u64> {
        match self.get(table, key)? {
            None => Ok(0),
            Some(bytes) => <[u8; 8]>::try_from(bytes.as_ref())
                .map(u64::from_be_bytes)
                .map_err(|_| Error::Corrupt(format!("malformed counter in {}", table.name()))),
        }
    }
}

fn bounds(from: &[u8], to: Option<&[u8]>) -> (Bound<IVec>, Bound<IVec>) {
    let upper = match to {
        Some(to) => Bound::Excluded(IVec::from(to)),
        None => Bound::Unbounded,
    };
    (Bound::Included(IVec::from(from)), upper)
}

impl KvRead for Store {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<IVec>> {
        tree_get(self.tree(table), table, key)
    }

    fn range<'a>(
        &'a self,
        table: Table,
        from: &[u8],
        to: Option<&[u8]>,
        reverse: bool,
    ) -> KvIter<'a> {
        tree_range(self.tree(table), table, from, to, reverse)
    }
}

/// The value of `key` in `tree`, which holds `table`.
pub(crate) fn tree_get(tree: &sled::Tree, table: Table, key: &[u8]) -> Result<Option<IVec>> {
    if table.in_entry_pages() {
        return entry_pages::get(tree, table, key);
    }
    tree.get(key).map_err(storage_error)
}

/// The entries of `tree`, which holds `table`, with `from <= key < to`, as
/// [`KvRead::range`] yields them.
pub(crate) fn tree_range<'a>(
    tree: &sled::Tree,
    table: Table,
    from: &[u8],
    to: Option<&[u8]>,
    reverse: bool,
) -> KvIter<'a> {
    if table.in_entry_pages() {
        return entry_pages::range(tree, table, from, to, reverse);
    }
    if to.is_some_and(|to| to <= from) {
        return Box::new(std::iter::empty());
    }
    let iter = tree.range(bounds(from, to));
    let iter = iter.map(|r| r.map_err(storage_error));
    if reverse {
        Box::new(iter.rev())
    } else {
        Box::new(iter)
    }
}

/// Turns a pending value into the one the store keeps (`None`: as it is). A layer above keeps
/// values in the form it rewrites cheaply while a transaction lasts — record pages unpacked —
/// and says here how each is stored.
pub(crate) type Finish = fn(Table, &[u8]) -> Result<Option<Vec<u8>>>;

/// Pending writes over a [`Store`]: `Some(value)` to put, `None` to delete.
pub(crate) struct Overlay<'s> {
    store: &'s Store,
    changes: BTreeMap<Table, BTreeMap<IVec, Option<IVec>>>,
    /// The bytes of the keys and values pending, to know when a load should spill them.
    bytes: usize,
    /// Applied to each value as it leaves for the store.
    finish: Option<Finish>,
}

impl<'s> Overlay<'s> {
    pub(crate) fn new(store: &'s Store) -> Self {
        Overlay {
            store,
            changes: BTreeMap::new(),
            bytes: 0,
            finish: None,
        }
    }

    /// An overlay whose values are passed through `finish` when they are written to the store.
    pub(crate) fn finishing(store: &'s Store, finish: Finish) -> Self {
        Overlay {
            finish: Some(finish),
            ..Overlay::new(store)
        }
    }

    /// Whether values are finished on their way to the store (see [`Overlay::finishing`]).
    pub(crate) fn finishes(&self) -> bool {
        self.finish.is_some()
    }

    /// The value the store keeps for `value`, pending in `table`.
    fn finished(&self, table: Table, value: &IVec) -> Result<IVec> {
        match self.finish {
            Some(finish) => Ok(finish(table, value)?.map_or_else(|| value.clone(), IVec::from)),
            None => Ok(value.clone()),
        }
    }

    /// The writes that make the store hold `pending`, a table's changes: each value finished;
    /// or, in a table of entry pages, the pages the entries fall in, rewritten.
    fn stored(
        &self,
        table: Table,
        pending: BTreeMap<IVec, Option<IVec>>,
    ) -> Result<Vec<(IVec, Option<IVec>)>> {
        if table.in_entry_pages() {
            let writes = entry_pages::page_writes(self.store.tree(table), table, &pending)?;
            return Ok(writes.into_iter().collect());
        }
        pending
            .into_iter()
            .map(|(key, value)| Ok((key, value.map(|v| self.finished(table, &v)).transpose()?)))
            .collect()
    }

    pub(crate) fn put(&mut self, table: Table, key: impl Into<IVec>, value: impl Into<IVec>) {
        self.set(table, key.into(), Some(value.into()));
    }

    pub(crate) fn delete(&mut self, table: Table, key: impl Into<IVec>) {
        self.set(table, key.into(), None);
    }

    fn set(&mut self, table: Table, key: IVec, value: Option<IVec>) {
        let size =
            |key: &IVec, value: &Option<IVec>| key.len() + value.as_ref().map_or(0, |v| v.len());
        self.bytes += size(&key, &value);
        let key_len = key.len();
        if let Some(old) = self.changes.entry(table).or_default().insert(key, value) {
            self.bytes -= key_len + old.as_ref().map_or(0, |v| v.len());
        }
    }

    /// The bytes of the keys and values pending.
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    /// Writes every pending change straight into the store, in key order and sled batches of
    /// [`BATCH`] keys, and starts empty again. Not atomic: only a load into an empty
    /// database spills, its atomicity coming from the loading marker (see `bulk`).
    pub(crate) fn spill(&mut self) -> Result<()> {
        for (table, changes) in std::mem::take(&mut self.changes) {
            let tree = self.store.tree(table);
            let changes: Vec<(IVec, Option<IVec>)> = self.stored(table, changes)?;
            for part in changes.chunks(BATCH) {
                let mut batch = sled::Batch::default();
                for (key, value) in part {
                    match value {
                        Some(value) => batch.insert(key.clone(), value.clone()),
                        None => batch.remove(key.clone()),
                    }
                }
                tree.apply_batch(batch).map_err(storage_error)?;
            }
        }
        self.bytes = 0;
        Ok(())
    }

    /// Whether any write is pending.
    pub(crate) fn is_empty(&self) -> bool {
        self.changes.values().all(BTreeMap::is_empty)
    }

    /// Applies every pending write in one sled transaction: all of them become visible (and,
    /// after a crash, are recovered) together, or none do.
    pub(crate) fn commit(mut self) -> Result<()> {
        if self.is_empty() {
            return Ok(());
        }
        // Made into what the store keeps before the transaction, which sled may run more than
        // once. Nothing else writes meanwhile (see the module's note), so the pages read here
        // are still those the transaction changes.
        let mut changes = Vec::with_capacity(self.changes.len());
        for (table, pending) in std::mem::take(&mut self.changes) {
            changes.push((table, self.stored(table, pending)?));
        }
        let trees: Vec<&sled::Tree> = changes.iter().map(|(t, _)| self.store.tree(*t)).collect();
        let result: Result<(), TransactionError<()>> = trees.as_slice().transaction(|views| {
            for (view, (_, pending)) in views.iter().zip(&changes) {
                for (key, value) in pending {
                    match value {
                        Some(value) => view.insert(key.clone(), value.clone())?,
                        None => view.remove(key.clone())?,
                    };
                }
            }
            Ok::<(), ConflictableTransactionError<()>>(())
        });
        result.map_err(|e| match e {
            TransactionError::Storage(e) => storage_error(e),
            // Nothing in the transaction aborts it.
            TransactionError::Abort(()) => Error::Internal("a transaction aborted itself".into()),
        })
    }
}

impl KvRead for Overlay<'_> {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<IVec>> {
        match self.changes.get(&table).and_then(|c| c.get(key)) {
            Some(pending) => Ok(pending.clone()),
            None => self.store.get(table, key),
        }
    }

    fn range<'a>(
        &'a self,
        table: Table,
        from: &[u8],
        to: Option<&[u8]>,
        reverse: bool,
    ) -> KvIter<'a> {
        let committed = self.store.range(table, from, to, reverse);
        let Some(changes) = self.changes.get(&table) else {
            return committed;
        };
        if to.is_some_and(|to| to <= from) {
            return Box::new(std::iter::empty());
        }
        let pending = changes.range::<[u8], _>((
            Bound::Included(from),
            to.map_or(Bound::Unbounded, Bound::Excluded),
        ));
        let pending: PendingIter<'_> = if reverse {
            Box::new(pending.rev())
        } else {
            Box::new(pending)
        };
        Box::new(Merge {
            committed: committed.peekable(),
            pending: pending.peekable(),
            reverse,
        })
    }
}

/// Pending writes in key order: `Some` to put, `None` to delete.
type PendingIter<'a> = Box<dyn Iterator<Item = (&'a IVec, &'a Option<IVec>)> + 'a>;

/// Merges committed entries with pending writes; a pending write hides the committed entry
/// with the same key, and a pending delete yields nothing.
struct Merge<'a> {
    committed: Peekable<KvIter<'a>>,
    pending: Peekable<PendingIter<'a>>,
    reverse: bool,
}

impl Iterator for Merge<'_> {
    type Item = Result<Entry>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let order = match (self.committed.peek(), self.pending.peek()) {
                (None, None) => return None,
                (Some(Err(_)), _) | (Some(Ok(_)), None) => return self.committed.next(),
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (Some(Ok((ck, _))), Some((pk, _))) => {
                    let order = ck.cmp(*pk);
                    if self.reverse {
                        order.reverse()
                    } else {
                        order
                    }
                }
            };
            match order {
                std::cmp::Ordering::Less => return self.committed.next(),
                std::cmp::Ordering::Equal => {
                    self.committed.next();
                }
                std::cmp::Ordering::Greater => {}
            }
            if let Some((key, Some(value))) = self.pending.next() {
                return Some(Ok((key.clone(), value.clone())));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn keys(iter: KvIter<'_>) -> std::result::Result<Vec<Vec<u8>>, TestCaseError> {
        iter.map(|r| r.map(|(k, _)| k.to_vec()).map_err(fail))
            .collect()
    }

    fn fail(e: Error) -> TestCaseError {
        TestCaseError::fail(e.to_string())
    }

    proptest! {
        /// The overlay reads exactly like a map with the pending writes applied, in both
        /// directions and over any bounds; after commit, the store reads the same.
        #[test]
        fn overlay_reads_like_the_merged_map(
            committed in proptest::collection::btree_map(proptest::collection::vec(0u8..4, 0..3), any::<u8>(), 0..12),
            writes in proptest::collection::vec((proptest::collection::vec(0u8..4, 0..3), proptest::option::of(any::<u8>())), 0..12),
            from in proptest::collection::vec(0u8..4, 0..3),
            to in proptest::option::of(proptest::collection::vec(0u8..4, 0..3)),
            reverse in any::<bool>(),
        ) {
            // A plain table, and one whose entries are kept in pages.
            for table in [Table::Relations, Table::Names] {
                let store = Store::temporary().map_err(fail)?;
                let mut setup = Overlay::new(&store);
                for (k, v) in &committed {
                    setup.put(table, k.as_slice(), vec![*v]);
                }
                setup.commit().map_err(fail)?;
                let mut model: BTreeMap<Vec<u8>, u8> = committed.clone();
                let mut overlay = Overlay::new(&store);
                for (k, v) in &writes {
                    match v {
                        Some(v) => { overlay.put(table, k.as_slice(), vec![*v]); model.insert(k.clone(), *v); }
                        None => { overlay.delete(table, k.as_slice()); model.remove(k); }
                    }
                }
                let mut expected: Vec<Vec<u8>> = model.keys()
                    .filter(|k| **k >= from && to.as_ref().is_none_or(|to| *k < to))
                    .cloned().collect();
                if reverse { expected.reverse(); }
                prop_assert_eq!(keys(overlay.range(table, &from, to.as_deref(), reverse))?, expected.clone());
                for (k, v) in &model {
                    prop_assert_eq!(overlay.get(table, k).map_err(fail)?.map(|v| v[0]), Some(*v));
                }
                overlay.commit().map_err(fail)?;
                prop_assert_eq!(keys(store.range(table, &from, to.as_deref(), reverse))?, expected);
            }
        }
    }
}
