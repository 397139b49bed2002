//! Bringing a database of an older format to this one, as a compaction: every tree copied
//! into fresh files, the trees whose layout changed rewritten on the way, then swapped in
//! behind the compaction's commit marker (so a kill leaves the old format or the new one).
//!
//! Format 5 kept one sled key per entry in `handles`, `names`, `refs` and `terms`; format 6
//! keeps them in entry pages (`entry_pages`). Nothing else changed.

use super::compact::LARGEST_FIRST;
use super::entry_pages;
use super::kv::{storage_error, BATCH};
use super::{Store, Table, META_FORMAT};
use crate::error::Result;

/// The format this module brings to the current one.
pub(super) const FROM: u32 = 5;

/// Entries of a table cut into pages at a time: a bound on what the copy holds.
const ENTRIES_AT_ONCE: usize = 100_000;

/// Fills `fresh` with `store`'s trees in the current format.
pub(super) fn fill(store: &Store, fresh: &sled::Db) -> Result<()> {
    for table in LARGEST_FIRST {
        let from = store.tree(table);
        let to = fresh.open_tree(table.name()).map_err(storage_error)?;
        let mut held: Vec<(sled::IVec, sled::IVec)> = Vec::new();
        let write = |entries: &mut Vec<(sled::IVec, sled::IVec)>| -> Result<()> {
            let stored: Vec<(Vec<u8>, Vec<u8>)> = if table.in_entry_pages() {
                entry_pages::pages(entries)
            } else {
                entries
                    .iter()
                    .map(|(k, v)| (k.to_vec(), v.to_vec()))
                    .collect()
            };
            entries.clear();
            for part in stored.chunks(BATCH) {
                let mut batch = sled::Batch::default();
                for (key, value) in part {
                    batch.insert(key.as_slice(), value.as_slice());
                }
                to.apply_batch(batch).map_err(storage_error)?;
            }
            Ok(())
        };
        for entry in from.iter() {
            let (key, value) = entry.map_err(storage_error)?;
            let value = match (table, key.as_ref()) {
                (Table::Meta, META_FORMAT) => {
                    sled::IVec::from(&super::FORMAT_VERSION.to_be_bytes())
                }
                _ => value,
            };
            held.push((key, value));
            if held.len() == ENTRIES_AT_ONCE {
                write(&mut held)?;
            }
        }
        write(&mut held)?;
    }
    Ok(())
}

/// Rewrites the entry tables of `store` as format 5 kept them, one key per entry, and stamps
/// it format 5: what a database of that format holds, for tests of the migration.
#[cfg(test)]
pub(crate) fn flatten(store: &Store) -> Result<()> {
    use super::kv::KvRead;
    for table in Table::ALL.into_iter().filter(|t| t.in_entry_pages()) {
        let entries = store
            .range(table, &[], None, false)
            .collect::<Result<Vec<_>>>()?;
        let tree = store.tree(table);
        tree.clear().map_err(storage_error)?;
        for (key, value) in entries {
            tree.insert(key, value).map_err(storage_error)?;
        }
    }
    store
        .tree(Table::Meta)
        .insert(META_FORMAT, &FROM.to_be_bytes())
        .map_err(storage_error)?;
    store.flush()
}
