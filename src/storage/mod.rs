//! Storage: records and their indexes in sled trees.
//!
//! One sled tree per record kind and per index ([`Table`]); keys hand-encoded and
//! order-preserving (`keys`); values bincode behind a version byte (`values`); meetings listed
//! per actor, per place and per date in chunked posting lists (`postings`). Every write goes
//! through an [`Overlay`] and commits in one sled transaction (`kv`); `records` derives every
//! index entry of a record from the record alone, which is what both writes and the integrity
//! check (`check`) rely on.
//!
//! **Architecture invariant:** this is the only module that names sled or bincode.

mod bulk;
mod check;
mod compact;
mod compress;
mod directory;
mod entries;
mod entry_pages;
mod gathered;
mod keys;
mod kv;
mod migrate;
mod pages;
mod postings;
mod read;
mod records;
mod salvage;
mod state;
mod terms;
mod values;
mod watchdog;

use std::fs::File;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

pub(crate) use crate::error::{Error, Result};
pub(crate) use bulk::{Bulk, Load};
pub use check::CheckReport;
#[cfg(test)]
pub(crate) use migrate::flatten as flattened_to_format_5;
pub(crate) use read::{Reader, MAX_PLACE_DEPTH};
pub(crate) use records::Write;
pub(crate) use salvage::{Damage, Salvage};
pub(crate) use state::State;

/// The on-disk format this build reads and writes. Bump it (and make `migrate` bring the
/// format before to it) whenever a key layout or a value version changes.
pub(crate) const FORMAT_VERSION: u32 = 6;

/// The sled trees, one per record kind and per index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Table {
    /// Format version and counters.
    Meta,
    Actors,
    Places,
    Documents,
    Meetings,
    Relations,
    /// (kind, handle) → id.
    Handles,
    /// (folded name, kind, id) → original spelling.
    Names,
    /// Posting chunks: actor → its meetings in date order.
    ActorMeetings,
    /// Posting chunks: place → the meetings held there (not inside it) in date order.
    PlaceMeetings,
    /// Posting chunks: one list (owner 0) of every meeting in date order.
    DateMeetings,
    /// (referenced record, referring record) → (), for references not covered by postings.
    Refs,
    /// The full-text index: (term, text) → positions, and the counts BM25 weighs with.
    Terms,
}

impl Table {
    pub(crate) const ALL: [Table; 13] = [
        Table::Meta,
        Table::Actors,
        Table::Places,
        Table::Documents,
        Table::Meetings,
        Table::Relations,
        Table::Handles,
        Table::Names,
        Table::ActorMeetings,
        Table::PlaceMeetings,
        Table::DateMeetings,
        Table::Refs,
        Table::Terms,
    ];

    /// The sled tree name.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Table::Meta => "meta",
            Table::Actors => "actors",
            Table::Places => "places",
            Table::Documents => "documents",
            Table::Meetings => "meetings",
            Table::Relations => "relations",
            Table::Handles => "handles",
            Table::Names => "names",
            Table::ActorMeetings => "actor_meetings",
            Table::PlaceMeetings => "place_meetings",
            Table::DateMeetings => "date_meetings",
            Table::Refs => "refs",
            Table::Terms => "terms",
        }
    }

    /// Whether the table's entries are kept many to a sled key (`entry_pages`): the index
    /// tables of small entries. Every read and write goes through `kv`, which alone sees the
    /// pages.
    pub(crate) const fn in_entry_pages(self) -> bool {
        matches!(
            self,
            Table::Handles | Table::Names | Table::Refs | Table::Terms
        )
    }
}

/// `meta` keys.
pub(super) const META_FORMAT: &[u8] = b"format";

/// An open sled database and its trees.
pub(crate) struct Store {
    db: sled::Db,
    trees: Vec<sled::Tree>,
    path: Option<PathBuf>,
    /// The lock on the directory, held while the store is open.
    _lock: Option<File>,
    /// Whether opening found an unfinished bulk load and discarded it.
    discarded_load: bool,
}

impl Store {
    /// Opens (or creates) the database in the directory `path`, refusing one that is damaged:
    /// sled's files that do not open, or that hold less than the last durable commit left.
    pub(crate) fn open(path: &Path) -> Result<Store> {
        let lock = directory::claim(path)?;
        Store::open_claimed(path, lock)
    }

    /// Opens the database in `path`, whose lock `lock` holds, as [`Store::open`] does; first
    /// finishes or undoes a compaction a process left unfinished.
    fn open_claimed(path: &Path, lock: File) -> Result<Store> {
        compact::settle(path)?;
        let remembered = state::load(path)?;
        let config = sled::Config::new().path(path);
        let db = open_sled(&config, path)?;
        let mut store = Store::with_db(db, Some(path.to_path_buf()), Some(lock))?;
        // A load that did not finish (the process died) is discarded, which gives back the
        // empty database it started from. Compared as it will be once discarded, and before
        // anything is written: a damaged file that sled reads back as an earlier moment of a
        // finished load must be refused with the state file left as it was, never discarded
        // and remembered as empty.
        let unfinished = store
            .tree(Table::Meta)
            .contains_key(bulk::LOADING)
            .map_err(storage_error)?;
        let mut found = State::of(&store, FORMAT_VERSION)?;
        if unfinished {
            found.counters = [(0, 0); 5];
        }
        if let Some(remembered) = remembered {
            found
                .follows(&remembered)
                .map_err(|what| damaged(path, &what))?;
        }
        if unfinished {
            store = match store.discarded() {
                (Ok(()), Some(emptied)) => emptied,
                (Err(e), _) => return Err(e),
                (Ok(()), None) => {
                    return Err(Error::Internal(
                        "discarding an unfinished load left the database closed".into(),
                    ))
                }
            };
            store.discarded_load = true;
        }
        let store = store.in_current_format()?;
        store.flush()?;
        Ok(store)
    }

    /// A database that lives in a temporary directory and disappears when dropped.
    pub(crate) fn temporary() -> Result<Store> {
        let db = sled::Config::new()
            .temporary(true)
            .open()
            .map_err(storage_error)?;
        Store::with_db(db, None, None)?.in_current_format()
    }

    fn with_db(db: sled::Db, path: Option<PathBuf>, lock: Option<File>) -> Result<Store> {
        let trees = Table::ALL
            .iter()
            .map(|t| db.open_tree(t.name()).map_err(storage_error))
            .collect::<Result<Vec<_>>>()?;
        Ok(Store {
            db,
            trees,
            path,
            _lock: lock,
            discarded_load: false,
        })
    }

    /// The store in [`FORMAT_VERSION`]: a new database is stamped with it, one of the format
    /// before is migrated to it (`migrate`), any other is refused.
    fn in_current_format(self) -> Result<Store> {
        match self.stored_format()? {
            Some(FORMAT_VERSION) => Ok(self),
            None => {
                self.stamp_format()?;
                Ok(self)
            }
            Some(migrate::FROM) => self.migrated(),
            Some(found) => Err(Error::UnsupportedFormat {
                found,
                supported: FORMAT_VERSION,
            }),
        }
    }

    /// The format version `meta` holds; `None` in a database never stamped.
    fn stored_format(&self) -> Result<Option<u32>> {
        let stored = self.tree(Table::Meta).get(META_FORMAT);
        stored
            .map_err(storage_error)?
            .map(|bytes| {
                <[u8; 4]>::try_from(bytes.as_ref())
                    .map(u32::from_be_bytes)
                    .map_err(|_| Error::Corrupt("malformed format version".into()))
            })
            .transpose()
    }

    /// Stamps a new, empty database with [`FORMAT_VERSION`].
    fn stamp_format(&self) -> Result<()> {
        if !Table::ALL.iter().all(|&t| self.tree(t).is_empty()) {
            return Err(Error::Corrupt(
                "the database has data but no format version".into(),
            ));
        }
        let meta = self.tree(Table::Meta);
        meta.insert(META_FORMAT, &FORMAT_VERSION.to_be_bytes())
            .map_err(storage_error)?;
        meta.flush().map_err(storage_error)?;
        Ok(())
    }

    /// The store brought from the format before to this one: a compaction whose copy
    /// rewrites what changed (`migrate::fill`), then the store opened again on it.
    fn migrated(self) -> Result<Store> {
        let Some(dir) = self.directory() else {
            return Err(Error::Internal(
                "a temporary database of an older format".into(),
            ));
        };
        self.flush()?;
        compact::build_and_commit(&dir, |fresh| migrate::fill(&self, fresh))?;
        match self.reopened(&dir) {
            (Ok(()), Some(store)) => Ok(store),
            (Err(e), _) => Err(e),
            (Ok(()), None) => Err(Error::Internal(
                "bringing the database to the current format left it closed".into(),
            )),
        }
    }

    pub(crate) fn tree(&self, table: Table) -> &sled::Tree {
        // `trees` holds one tree per `Table::ALL` entry, in that order.
        &self.trees[table as usize]
    }

    /// The database directory, unless it is temporary.
    pub(crate) fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Whether opening found an unfinished bulk load and discarded it.
    pub(crate) fn discarded_load(&self) -> bool {
        self.discarded_load
    }

    /// Makes everything committed so far durable, then records the state it reached for the
    /// next open to compare with (see `state`).
    /// A temporary database, which disappears when dropped, has nothing to make durable.
    pub(crate) fn flush(&self) -> Result<()> {
        let Some(dir) = &self.path else {
            return Ok(());
        };
        self.flush_data()?;
        state::save(dir, &State::of(self, FORMAT_VERSION)?)
    }

    /// Makes everything committed so far durable, leaving the state file as it is.
    pub(crate) fn flush_data(&self) -> Result<()> {
        self.db.flush().map(|_| ()).map_err(storage_error)
    }

    /// Rewrites sled's files compactly (see `compact`): every tree copied in key order into
    /// a fresh directory, which takes the place of the old files, the lock held throughout.
    /// Gives back the store open on the new files — or, when the copy could not be made, on
    /// the old ones, unchanged —, and `None` only when the files were swapped but could not be
    /// opened again (the error says why; the next open finishes the swap).
    pub(crate) fn compacted(self) -> (Result<()>, Option<Store>) {
        let Some(dir) = self.directory() else {
            return (Ok(()), Some(self));
        };
        if let Err(e) = self.flush().and_then(|()| {
            compact::build_and_commit(&dir, |fresh| compact::copy_every_tree(&self, fresh))
        }) {
            return (Err(e), Some(self));
        }
        self.reopened(&dir)
    }

    /// Gives back the empty database an unfinished load (marked `meta:loading`) started from,
    /// as [`Store::compacted`] gives back its copy: sled's files are swapped for fresh ones
    /// holding what `bulk::clear` would leave, which takes what creating a database takes
    /// whatever the load wrote. The state file is left as the load found it, which the
    /// emptied database matches. Where no swap can be made — a temporary database, which has
    /// no directory, or no fresh files that can be written there —, the load's keys are
    /// removed in place, one at a time.
    pub(crate) fn discarded(self) -> (Result<()>, Option<Store>) {
        let Some(dir) = self.directory() else {
            return (bulk::clear(&self), Some(self));
        };
        match compact::build_and_commit(&dir, |fresh| bulk::fill_emptied(&self, fresh)) {
            Ok(()) => self.reopened(&dir),
            Err(_) => (bulk::clear(&self), Some(self)),
        }
    }

    /// The directory of a store that holds its lock (one opened with [`Store::open`]).
    fn directory(&self) -> Option<PathBuf> {
        self._lock.as_ref().and(self.path.clone())
    }

    /// Closes the store, whose directory `dir` holds a committed swap, and opens it again,
    /// the lock held throughout: opening finishes the swap.
    fn reopened(self, dir: &Path) -> (Result<()>, Option<Store>) {
        let Store {
            db, trees, _lock, ..
        } = self;
        drop(trees);
        drop(db);
        let reopened = compact::wait_released(dir).and_then(|()| match _lock {
            Some(lock) => Store::open_claimed(dir, lock),
            None => Err(Error::Internal(
                "a database in a directory is open without its lock".into(),
            )),
        });
        match reopened {
            Ok(store) => (Ok(()), Some(store)),
            Err(e) => (Err(e), None),
        }
    }

    /// Bytes the database takes on disk.
    pub(crate) fn size_on_disk(&self) -> Result<u64> {
        self.db.size_on_disk().map_err(storage_error)
    }
}

/// The integrity check, on its own thread so that damaged data that makes sled spin is
/// reported instead of hanging (see `watchdog`).
pub(crate) fn check(store: &Store) -> Result<CheckReport> {
    watchdog::watched(store, check::check)
}

/// The state a database directory's state file remembers, if it has one that reads.
pub(crate) fn remembered_state(path: &Path) -> Option<State> {
    state::load(path).ok().flatten()
}

/// The error for a database whose files are damaged.
fn damaged(path: &Path, what: &str) -> Error {
    Error::Damaged {
        path: path.to_path_buf(),
        what: what.to_string(),
    }
}

/// sled's error in our words.
pub(crate) fn storage_error(e: sled::Error) -> Error {
    match e {
        // sled's own text ("Read corrupted data at file offset None backtrace ()") says
        // nothing a user can act on.
        sled::Error::Corruption { .. } => {
            Error::Corrupt("part of the database file does not read back as it was written".into())
        }
        other => Error::Storage {
            source: Box::new(other),
        },
    }
}

/// Opens sled's files. Our lock is held, so no other process has them; if sled still finds
/// its own lock taken, it is this process letting go of them (a database just closed here
/// releases sled's lock when sled's background thread ends, a moment after the drop): wait
/// for it, a little.
fn open_sled(config: &sled::Config, path: &Path) -> Result<sled::Db> {
    let started = std::time::Instant::now();
    loop {
        // sled panics on some damaged files instead of returning an error.
        let opened = match catch_unwind(AssertUnwindSafe(|| config.open())) {
            Ok(opened) => opened.map_err(|e| open_error(e, path)),
            Err(_) => return Err(damaged(path, "its files cannot be read back")),
        };
        match opened {
            Err(Error::Locked { .. }) if started.elapsed() < SLED_RELEASE_WAIT => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            opened => return opened,
        }
    }
}

/// How long to wait for this process's own hold on sled's files to end.
const SLED_RELEASE_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Turns sled's open errors into ours; sled reports a lock held by another process only as an
/// I/O error whose message says so.
fn open_error(e: sled::Error, path: &Path) -> Error {
    let text = e.to_string();
    if text.contains("could not acquire lock") || text.contains("WouldBlock") {
        Error::Locked {
            path: path.to_path_buf(),
        }
    } else if let sled::Error::Io(io) = e {
        directory::cannot_use(path, io)
    } else {
        storage_error(e)
    }
}
