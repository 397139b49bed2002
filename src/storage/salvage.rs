//! Reading what can still be read from a damaged database.
//!
//! A damaged sled database may refuse to open, open and then panic in an iterator, or hand
//! back pages that do not decode. Salvage never writes to the damaged directory: it copies its
//! files aside and opens the copy, first as it is, then without sled's snapshot (which makes
//! sled rebuild its page table from the log). It then walks each record table with every call
//! into sled guarded: a panic, an error or a key that does not move forward ends that table's
//! walk, and what was read up to there is kept. Only records are read; the indexes are rebuilt
//! from them by the new database.

use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use super::compact;
use super::keys::{decode_id_key, encode_id_key};
use super::pages::{decode_page, PER_PAGE};
use super::read::record_table;
use super::values::decode_value;
use super::watchdog;
use super::Store;
use crate::error::{Error, Result};
use crate::model::Record;

/// How many times a walk starts again past damage before giving up on a table.
const RESUMES: u32 = 12;

/// What could not be read, in words, one line per finding.
#[derive(Debug, Default)]
pub(crate) struct Damage {
    pub(crate) findings: Vec<String>,
}

/// A damaged database opened for reading, on a copy of its files.
pub(crate) struct Salvage {
    store: Store,
    copy: PathBuf,
}

impl Salvage {
    /// Copies the database at `damaged` into `scratch` (which must not exist) and opens the
    /// copy, trying without sled's snapshot if it does not open as it is.
    pub(crate) fn open(damaged: &Path, scratch: &Path, damage: &mut Damage) -> Result<Salvage> {
        copy_files(damaged, scratch)?;
        // A compaction cut short after its commit leaves the database half in its copy's
        // folder: finished in the copy, as the next open of the database would finish it.
        if let Err(why) = compact::settle(scratch) {
            damage.findings.push(format!(
                "an unfinished compaction could not be finished ({why}); the files were read \
                 as they are"
            ));
        }
        match open_guarded(scratch) {
            Ok(store) => return Ok(Salvage::new(store, scratch)),
            Err(why) => damage.findings.push(format!(
                "the files did not open as they are ({why}); tried again without sled's snapshot"
            )),
        }
        for entry in fs::read_dir(scratch).map_err(|e| io(scratch, e))? {
            let entry = entry.map_err(|e| io(scratch, e))?;
            if entry.file_name().to_string_lossy().starts_with("snap.") {
                fs::remove_file(entry.path()).map_err(|e| io(scratch, e))?;
            }
        }
        match open_guarded(scratch) {
            Ok(store) => Ok(Salvage::new(store, scratch)),
            Err(why) => Err(Error::Invalid(format!(
                "nothing can be read from {}: its files do not open, even without sled's \
                 snapshot ({why})",
                damaged.display()
            ))),
        }
    }

    fn new(store: Store, copy: &Path) -> Salvage {
        Salvage {
            store,
            copy: copy.to_path_buf(),
        }
    }

    /// Every record of kind `R` that still reads back, in id order. Where the walk stops on
    /// damage, it starts again past the damaged spot, farther each time.
    pub(crate) fn records<R: Record>(&self, damage: &mut Damage) -> Vec<(u64, R)> {
        let word = R::KIND.word();
        let mut records = Vec::new();
        let mut unreadable = 0u64;
        let mut last_page: Option<u64> = None;
        let mut from = Vec::new();
        let mut stops = Vec::new();
        for attempt in 0..=RESUMES {
            let walked =
                watchdog::walk(&self.store, record_table(R::KIND), from, |(key, value)| {
                    // A damaged tree can lead the iterator back to keys it gave already.
                    let page = decode_id_key(&key).ok();
                    if page.is_none() || page <= last_page {
                        unreadable += 1;
                        return;
                    }
                    last_page = page;
                    match decode_page(&key, &value) {
                        Ok(slots) => {
                            for (id, bytes) in slots {
                                match decode_value::<R>(&bytes) {
                                    Ok(record) => records.push((id, record)),
                                    Err(_) => unreadable += 1,
                                }
                            }
                        }
                        Err(_) => unreadable += 1,
                    }
                });
            let Err(why) = walked else { break };
            let skip = 1u64 << attempt.min(40);
            let resume = last_page.map_or(skip - 1, |p| p.saturating_add(skip));
            stops.push((why, resume.saturating_mul(PER_PAGE)));
            from = encode_id_key(resume).to_vec();
        }
        if let (Some((why, first)), Some((_, last))) = (stops.first(), stops.last()) {
            damage.findings.push(format!(
                "reading the {word}s stopped at {} damaged spot(s) ({why}), from {word} #{first} \
                 to #{last}, and went on past each{}",
                stops.len(),
                if stops.len() > RESUMES as usize {
                    "; the rest of them could not be read"
                } else {
                    ""
                }
            ));
        }
        if unreadable > 0 {
            damage.findings.push(format!(
                "{unreadable} {word} record(s) or page(s) did not decode"
            ));
        }
        records
    }

    /// The counters the damaged database's own `meta` table still holds, if they read.
    pub(crate) fn remembered(&self) -> Option<super::state::State> {
        watchdog::watched(&self.store, |kv| {
            super::state::State::of(kv, super::FORMAT_VERSION)
        })
        .ok()
    }

    /// Closes the copy and removes it.
    pub(crate) fn close(self) -> Result<()> {
        let Salvage { store, copy } = self;
        drop(store);
        fs::remove_dir_all(&copy).map_err(|e| io(&copy, e))
    }
}

/// Opens sled on `path`, turning its panics and errors into a sentence.
fn open_guarded(path: &Path) -> std::result::Result<Store, String> {
    let config = sled::Config::new().path(path);
    match catch_unwind(AssertUnwindSafe(|| config.open())) {
        Ok(Ok(db)) => match catch_unwind(AssertUnwindSafe(|| Store::with_db(db, None, None))) {
            Ok(Ok(store)) => Ok(store),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err("its tables do not read back".into()),
        },
        Ok(Err(_)) => Err("sled reported damaged data".into()),
        Err(_) => Err("sled failed while reading them".into()),
    }
}

/// Copies the files of a database directory (not its lock) into `to`.
fn copy_files(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir(to).map_err(|e| io(to, e))?;
    for entry in fs::read_dir(from).map_err(|e| io(from, e))? {
        let entry = entry.map_err(|e| io(from, e))?;
        let kind = entry.file_type().map_err(|e| io(&entry.path(), e))?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            copy_files(&entry.path(), &target)?;
        } else if kind.is_file() {
            fs::copy(entry.path(), &target).map_err(|e| io(&entry.path(), e))?;
        }
    }
    Ok(())
}

fn io(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::{Damage, Salvage};
    use crate::storage::compact::copy_every_tree;
    use crate::storage::compact::tests::{contents, cut_short_at_every_step, filled};

    /// A compaction killed after its commit, at every step of its swap: a recovery reads
    /// the files the compaction made, not a mix of old and new.
    #[test]
    fn a_swap_cut_short_anywhere_is_finished_before_reading() {
        cut_short_at_every_step(filled, copy_every_tree, |dir, expected, case| {
            // The copy is made beside the case's temporary directory, and removed after.
            let copy = dir.with_extension("salvaged");
            let mut damage = Damage::default();
            let opened = Salvage::open(dir, &copy, &mut damage);
            assert!(opened.is_ok(), "{case}: {:?}", opened.err());
            if let Ok(salvage) = opened {
                assert!(
                    contents(&salvage.store) == *expected,
                    "{case}: the contents differ"
                );
            }
            assert!(damage.findings.is_empty(), "{case}: {:?}", damage.findings);
            let _ = std::fs::remove_dir_all(&copy);
        });
    }
}
