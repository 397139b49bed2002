//! Bringing a database of an older format to this one, as a compaction: every tree copied
//! into fresh files, the trees whose layout changed rewritten on the way, then swapped in
//! behind the compaction's commit marker (so a kill leaves the old format or the new one).
//!
//! Format 5 kept one sled key per entry in `handles`, `names`, `refs` and `terms`; format 6
//! keeps them in entry pages (`entry_pages`). Nothing else changed.

use super::compact::{copy_tree, LARGEST_FIRST};
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
        let to = fresh.open_tree(table.name()).map_err(storage_error)?;
        match table.in_entry_pages() {
            true => into_pages(store.tree(table), &to)?,
            false => copy_tree(store.tree(table), &to)?,
        }
    }
    let meta = fresh.open_tree(Table::Meta.name()).map_err(storage_error)?;
    meta.insert(META_FORMAT, &super::FORMAT_VERSION.to_be_bytes())
        .map_err(storage_error)?;
    Ok(())
}

/// The entries of `from`, one a key as format 5 kept them, written to `to` as entry pages.
fn into_pages(from: &sled::Tree, to: &sled::Tree) -> Result<()> {
    let mut entries = from.iter();
    let mut held = Vec::with_capacity(ENTRIES_AT_ONCE);
    loop {
        held.clear();
        for entry in entries.by_ref().take(ENTRIES_AT_ONCE) {
            held.push(entry.map_err(storage_error)?);
        }
        if held.is_empty() {
            return Ok(());
        }
        for part in entry_pages::pages(&held).chunks(BATCH) {
            let mut batch = sled::Batch::default();
            for (key, page) in part {
                batch.insert(key.as_slice(), page.as_slice());
            }
            to.apply_batch(batch).map_err(storage_error)?;
        }
    }
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::storage::compact::tests::{cut_short_at_every_step, leave_uncommitted, Contents};
    use crate::storage::compact::wait_released;
    use crate::storage::kv::{KvRead, Overlay};

    /// Every entry of every table as reads see it, but the format version.
    fn entries(store: &Store) -> Result<Contents> {
        let mut all = Vec::new();
        for table in Table::ALL {
            for entry in store.range(table, &[], None, false) {
                let (key, value) = entry?;
                if (table, key.as_ref()) != (Table::Meta, META_FORMAT) {
                    all.push((table, key.to_vec(), value.to_vec()));
                }
            }
        }
        Ok(all)
    }

    /// A closed database of format 5 in `dir`, with thousands of entries in each table that
    /// changed; returns its entries.
    fn of_format_5(dir: &Path) -> Result<Contents> {
        let store = Store::open(dir)?;
        let mut overlay = Overlay::new(&store);
        for n in 0..3000u32 {
            let key = n.wrapping_mul(2_654_435_761).to_be_bytes();
            for table in Table::ALL.into_iter().filter(|t| t.in_entry_pages()) {
                overlay.put(table, &key[..], vec![(n % 251) as u8; (n % 40) as usize]);
            }
        }
        overlay.commit()?;
        let expected = entries(&store)?;
        flatten(&store)?;
        drop(store);
        wait_released(dir)?;
        Ok(expected)
    }

    /// What the next process finds: the database in this format, holding the same entries.
    fn opened_in_this_format(dir: &Path) -> Result<(u32, Contents)> {
        let store = Store::open(dir)?;
        let format = store
            .tree(Table::Meta)
            .get(META_FORMAT)
            .map_err(storage_error)?;
        let format = format.map_or(0, |f| f.iter().fold(0, |n, b| n << 8 | u32::from(*b)));
        let found = entries(&store)?;
        drop(store);
        wait_released(dir)?;
        Ok((format, found))
    }

    /// A migration killed anywhere after its commit is finished by the next open; one killed
    /// before it, its copy half-written, is made again: either way the database opens in this
    /// format with every entry it held.
    #[test]
    fn a_migration_cut_short_anywhere_leaves_every_entry() -> Result<()> {
        let prepare = |dir: &Path| {
            let expected = of_format_5(dir);
            assert!(expected.is_ok(), "{expected:?}");
            expected.unwrap_or_default()
        };
        cut_short_at_every_step(prepare, fill, |dir, expected, case| {
            let found = opened_in_this_format(dir);
            assert!(
                matches!(&found, Ok((format, found)) if *format == super::super::FORMAT_VERSION && found == expected),
                "{case}: {:?}",
                found.map(|(format, found)| (format, found.len(), expected.len()))
            );
        });

        let dir = tempfile::tempdir().map_err(|e| crate::Error::Internal(e.to_string()))?;
        let expected = of_format_5(dir.path())?;
        let store = crate::storage::compact::tests::open_as_is(dir.path());
        leave_uncommitted(dir.path(), |fresh| fill(&store, fresh));
        drop(store);
        wait_released(dir.path())?;
        let (format, found) = opened_in_this_format(dir.path())?;
        assert_eq!(format, super::super::FORMAT_VERSION);
        assert!(
            found == expected,
            "the entries differ after an uncommitted copy"
        );
        Ok(())
    }
}
