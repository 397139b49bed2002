//! The store with its concurrency rules: one writer at a time, readers that always see one
//! whole state, and the token that cancels running work. [`Database`](crate::Database) is its
//! public face; statements (`script`, `write`, `import`) run on it.
//!
//! A writer gathers its changes privately and holds the `visible` lock only while committing
//! them, so a reader always sees the state before or after a whole write, never part of one.

use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::thread::ThreadId;

use crate::error::{Error, Result};
use crate::model::{Actor, Place};
use crate::model::{ActorId, Id, PlaceId, Record};
use crate::query::{resolve, CancellationToken};
use crate::storage::{self, Bulk, CheckReport, Load, Reader, Store, Write};

/// The store, its locks, and the cancellation of running work.
pub(crate) struct Engine {
    /// Taken shared by every read and write, exclusively only by a compaction, which closes
    /// the store and opens it again on its new files; `None` only after a compaction that
    /// could not open them again.
    store: RwLock<Option<Store>>,
    /// The database directory, unless it is temporary; a compaction keeps it.
    path: Option<PathBuf>,
    /// Held for the whole of a write: one writer at a time.
    writer: Mutex<()>,
    /// Readers share it; a writer takes it exclusively only to commit.
    visible: RwLock<()>,
    /// Readers pass through it before taking `visible`; a committing writer holds it, so new
    /// readers wait behind the commit instead of starving it (std's `RwLock` lets a reader that
    /// comes back quickly overtake a woken writer).
    turnstile: Mutex<()>,
    /// Cancelled to stop the statement that is running.
    cancel: CancellationToken,
    /// The thread running a load (see [`Engine::load`]), which holds `visible` throughout: a
    /// read it asks for outside the load would wait for itself.
    loader: Mutex<Option<ThreadId>>,
}

impl Engine {
    pub(crate) fn new(store: Store) -> Engine {
        Engine {
            path: store.path().map(Path::to_path_buf),
            store: RwLock::new(Some(store)),
            writer: Mutex::new(()),
            visible: RwLock::new(()),
            turnstile: Mutex::new(()),
            cancel: CancellationToken::default(),
            loader: Mutex::new(None),
        }
    }

    /// The token that stops the running statement.
    pub(crate) fn cancel(&self) -> &CancellationToken {
        &self.cancel
    }

    /// Runs `f` on the store. Readers take `visible` (or the writer lock) first, so that
    /// this lock is only ever waited for by a compaction, which holds both.
    pub(crate) fn with_store<T>(&self, f: impl FnOnce(&Store) -> Result<T>) -> Result<T> {
        let store = self.store.read().unwrap_or_else(PoisonError::into_inner);
        f(store.as_ref().ok_or_else(closed)?)
    }

    /// Holds a consistent view: no commit can happen until the guard is dropped. Refused to
    /// the thread of a load, which would wait for itself.
    fn snapshot(&self) -> Result<RwLockReadGuard<'_, ()>> {
        let loader = *self.loader.lock().unwrap_or_else(PoisonError::into_inner);
        if loader == Some(std::thread::current().id()) {
            return Err(Error::Invalid(
                "the database is being loaded by the script that asks: only its own \
                 statements can read it until the script ends"
                    .into(),
            ));
        }
        let _turn = self
            .turnstile
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        Ok(self.visible.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Holds readers out, for a commit or a change of the files: the turnstile first, so that
    /// new readers queue behind it, then `visible` exclusively, once the readers in it leave.
    /// Dropped, `visible` goes first (a tuple drops in order), then the turnstile.
    fn readers_held(&self) -> (RwLockWriteGuard<'_, ()>, MutexGuard<'_, ()>) {
        let turn = self
            .turnstile
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let visible = self.visible.write().unwrap_or_else(PoisonError::into_inner);
        (visible, turn)
    }

    /// Runs `f` on one consistent state of the committed store.
    pub(crate) fn read<T>(&self, f: impl FnOnce(Reader<'_>) -> Result<T>) -> Result<T> {
        let _snapshot = self.snapshot()?;
        self.with_store(|store| f(Reader::new(store)))
    }

    /// Runs `f` as one atomic write: everything it does becomes visible together when it
    /// returns `Ok`, and nothing does when it returns an error.
    pub(crate) fn transaction<T>(
        &self,
        f: impl FnOnce(&mut Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let _writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        self.with_store(|store| self.transaction_on(store, f))
    }

    /// [`Engine::transaction`], the writer lock held.
    fn transaction_on<T>(
        &self,
        store: &Store,
        f: impl FnOnce(&mut Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut tx = Transaction {
            write: Write::new(store),
        };
        let out = f(&mut tx)?;
        let _readers_out = self.readers_held();
        // Durable before it is acknowledged, and before readers see it: what a reader was
        // shown is never lost by a crash.
        if tx.write.commit()? {
            store.flush()?;
        }
        Ok(out)
    }

    /// Runs `f` as one atomic write, as [`Engine::transaction`] does; into a database that is
    /// empty and has never handed out an id, as a load instead (`storage::Load`): the writes go
    /// to the store as they are made, in bounded memory, while readers wait, and a failure —
    /// or a panic, which then goes on — discards the load (`Store::discarded`). A load large
    /// enough is compacted at its end.
    pub(crate) fn load<T>(&self, f: impl FnOnce(&mut Transaction<'_>) -> Result<T>) -> Result<T> {
        let writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let readers_out = self.readers_held();
        let store = self.store.read().unwrap_or_else(PoisonError::into_inner);
        let current = store.as_ref().ok_or_else(closed)?;
        let Some(load) = Load::begin(current)? else {
            drop(readers_out);
            return self.transaction_on(current, f);
        };
        *self.loader.lock().unwrap_or_else(PoisonError::into_inner) =
            Some(std::thread::current().id());
        let written = catch_unwind(AssertUnwindSafe(|| {
            let mut tx = Transaction {
                write: Write::loading(current),
            };
            f(&mut tx).and_then(|out| tx.write.commit().map(|_| out))
        }));
        *self.loader.lock().unwrap_or_else(PoisonError::into_inner) = None;
        let out = written.map(|out| out.and_then(|out| load.finish().map(|()| out)));
        drop(store);
        let mut slot = self.store.write().unwrap_or_else(PoisonError::into_inner);
        let out = match out {
            Ok(Ok(out)) => self.compact_if_worth_it(slot).map(|()| out),
            Ok(Err(e)) => discard(&mut slot).and(Err(e)),
            Err(panic) => {
                // Should this fail too, the marker stays set and the next open discards.
                let _ = discard(&mut slot);
                drop(slot);
                resume_unwind(panic)
            }
        };
        drop((readers_out, writer));
        out
    }

    /// Runs a bulk load into this empty database: `fill` adds the records, then they are written
    /// while readers wait, and a failure to write them discards them (`Store::discarded`).
    /// Written in key order, the largest tree first, as a compaction writes them, they take
    /// no more room than a compaction would leave, so none follows.
    pub(crate) fn bulk(
        &self,
        fill: impl FnOnce(&mut Bulk<'_>) -> Result<()>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<()> {
        let _writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let store = self.store.read().unwrap_or_else(PoisonError::into_inner);
        let mut bulk = Bulk::new(store.as_ref().ok_or_else(closed)?)?;
        fill(&mut bulk)?;
        let _readers_out = self.readers_held();
        let written = bulk.finish(progress);
        drop(store);
        if let Err(e) = written {
            let mut slot = self.store.write().unwrap_or_else(PoisonError::into_inner);
            return discard(&mut slot).and(Err(e));
        }
        Ok(())
    }

    /// Rewrites the database's files compactly (`Store::compacted`), while readers and
    /// writers wait.
    pub(crate) fn compact(&self) -> Result<()> {
        let _writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let _readers_out = self.readers_held();
        compact(&mut self.store.write().unwrap_or_else(PoisonError::into_inner))
    }

    /// Compacts the store just loaded when its files are large enough for it to pay (see
    /// [`COMPACT_AFTER_LOAD`]). The load stands whether or not the compaction can be made
    /// (there may be no room for the copy): only a compaction that swapped the files and
    /// could not open them again is an error. `entrevue compact` can be run later.
    fn compact_if_worth_it(&self, mut store: RwLockWriteGuard<'_, Option<Store>>) -> Result<()> {
        let size = store.as_ref().ok_or_else(closed)?.size_on_disk()?;
        if size < COMPACT_AFTER_LOAD {
            return Ok(());
        }
        match compact(&mut store) {
            Err(e) if store.is_none() => Err(e),
            _ => Ok(()),
        }
    }

    /// The integrity check, on one consistent state.
    pub(crate) fn check(&self) -> Result<CheckReport> {
        let _snapshot = self.snapshot()?;
        self.with_store(storage::check)
    }

    /// The database directory, unless it is temporary.
    pub(crate) fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }
}

/// The size of sled's files after a load from which the load is compacted: a rewrite takes
/// back about a fifth of them, and costs about what writing them did again. (See
/// BENCHMARKS.md, "compaction after a bulk load".)
pub(crate) const COMPACT_AFTER_LOAD: u64 = 32 << 20;

/// What replaces a store's files with new ones and opens it again: [`Store::compacted`] or
/// [`Store::discarded`].
type Rebuild = fn(Store) -> (Result<()>, Option<Store>);

/// Compacts the store in `slot`, leaving it empty only when the new files would not open.
fn compact(slot: &mut Option<Store>) -> Result<()> {
    rebuild(slot, Store::compacted)
}

/// Discards the unfinished load of the store in `slot` (see [`compact`]).
fn discard(slot: &mut Option<Store>) -> Result<()> {
    rebuild(slot, Store::discarded)
}

fn rebuild(slot: &mut Option<Store>, how: Rebuild) -> Result<()> {
    let store = slot.take().ok_or_else(closed)?;
    let (result, store) = how(store);
    *slot = store;
    result
}

/// The error for a database that a failed compaction, or a failed discard of a load, left
/// closed.
fn closed() -> Error {
    Error::Invalid(
        "the database was closed when its new files, swapped in by a compaction or to \
         discard an unfinished load, could not be opened again; open it again (opening \
         finishes the swap)"
            .into(),
    )
}

/// An atomic write in progress; see [`Database::transaction`]. Its reads see its own writes.
pub struct Transaction<'db> {
    write: Write<'db>,
}

impl Transaction<'_> {
    /// Reads that see everything this transaction wrote.
    pub(crate) fn reader(&mut self) -> Result<Reader<'_>> {
        self.write.settle()?;
        Ok(self.write.reader())
    }

    /// Reads of the records, names, handles and references this transaction sees — what
    /// binding a name needs. In a load, posting lists may lag behind the meetings added:
    /// [`Transaction::reader`] is the complete view.
    pub(crate) fn records(&self) -> Reader<'_> {
        self.write.reader()
    }

    /// Stores a new record; see [`Database::add`].
    pub fn add<R: Record>(&mut self, record: R) -> Result<Id<R>> {
        self.write.add(record)
    }

    /// Replaces a record; see [`Database::update`].
    pub fn update<R: Record>(&mut self, id: Id<R>, record: R) -> Result<()> {
        self.write.update(id, record)
    }

    /// Deletes a record; see [`Database::delete`].
    pub fn delete<R: Record>(&mut self, id: Id<R>) -> Result<()> {
        self.write.delete(id)
    }

    /// The record with id `id`, as this transaction sees it.
    pub fn get<R: Record>(&self, id: Id<R>) -> Result<Option<R>> {
        self.write.reader().get(id)
    }

    /// The record of kind `R` with this handle, as this transaction sees it.
    pub fn by_handle<R: Record>(&self, handle: &str) -> Result<Option<Id<R>>> {
        self.write.reader().by_handle(handle)
    }

    /// The one actor `name` designates; see [`Database::resolve_actor`].
    pub fn resolve_actor(&self, name: &str) -> Result<ActorId> {
        resolve::<Actor, _>(&self.write.reader(), name)
    }

    /// The one place `name` designates; see [`Database::resolve_place`].
    pub fn resolve_place(&self, name: &str) -> Result<PlaceId> {
        resolve::<Place, _>(&self.write.reader(), name)
    }
}
