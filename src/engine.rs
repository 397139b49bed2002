//! The store with its concurrency rules: one writer at a time, readers that always see one
//! whole state, and the token that cancels running work. [`Database`](crate::Database) is its
//! public face; statements (`script`, `write`, `import`) run on it.
//!
//! A writer gathers its changes privately and holds the `visible` lock only while committing
//! them, so a reader always sees the state before or after a whole write, never part of one.

use std::path::Path;
use std::sync::{Mutex, PoisonError, RwLock, RwLockReadGuard};
use std::thread::ThreadId;

use crate::error::{Error, Result};
use crate::model::{Actor, Place};
use crate::model::{ActorId, Id, PlaceId, Record};
use crate::query::{resolve, CancellationToken};
use crate::storage::{self, Bulk, CheckReport, Load, Reader, Store, Write};

/// The store, its locks, and the cancellation of running work.
pub(crate) struct Engine {
    store: Store,
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
            store,
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

    pub(crate) fn store(&self) -> &Store {
        &self.store
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

    /// Runs `f` on one consistent state of the committed store.
    pub(crate) fn read<T>(&self, f: impl FnOnce(Reader<'_>) -> Result<T>) -> Result<T> {
        let _snapshot = self.snapshot()?;
        f(Reader::new(&self.store))
    }

    /// Runs `f` as one atomic write: everything it does becomes visible together when it
    /// returns `Ok`, and nothing does when it returns an error.
    pub(crate) fn transaction<T>(
        &self,
        f: impl FnOnce(&mut Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let _writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let mut tx = Transaction {
            write: Write::new(&self.store),
        };
        let out = f(&mut tx)?;
        let _turn = self
            .turnstile
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let _visible = self.visible.write().unwrap_or_else(PoisonError::into_inner);
        // Durable before it is acknowledged, and before readers see it: what a reader was
        // shown is never lost by a crash.
        if tx.write.commit()? {
            self.store.flush()?;
        }
        Ok(out)
    }

    /// Runs `f` as one atomic write, as [`Engine::transaction`] does; into a database that is
    /// empty and has never handed out an id, as a load instead (`storage::Load`): the writes go
    /// to the store as they are made, in bounded memory, while readers wait, and a failure
    /// clears the database again.
    pub(crate) fn load<T>(&self, f: impl FnOnce(&mut Transaction<'_>) -> Result<T>) -> Result<T> {
        let writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let turn = self
            .turnstile
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let visible = self.visible.write().unwrap_or_else(PoisonError::into_inner);
        let Some(load) = Load::begin(&self.store)? else {
            drop((visible, turn, writer));
            return self.transaction(f);
        };
        *self.loader.lock().unwrap_or_else(PoisonError::into_inner) =
            Some(std::thread::current().id());
        let mut tx = Transaction {
            write: Write::loading(&self.store),
        };
        let out = f(&mut tx).and_then(|out| tx.write.commit().map(|_| out));
        *self.loader.lock().unwrap_or_else(PoisonError::into_inner) = None;
        match out {
            Ok(out) => load.finish().map(|()| out),
            Err(e) => {
                load.abandon()?;
                Err(e)
            }
        }
    }

    /// Runs a bulk load into this empty database: `fill` adds the records, then they are written
    /// while readers wait, and a failure leaves the database empty again.
    pub(crate) fn bulk(
        &self,
        fill: impl FnOnce(&mut Bulk<'_>) -> Result<()>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<()> {
        let _writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let mut bulk = Bulk::new(&self.store)?;
        fill(&mut bulk)?;
        let _turn = self
            .turnstile
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let _visible = self.visible.write().unwrap_or_else(PoisonError::into_inner);
        bulk.finish(progress)
    }

    /// The integrity check, on one consistent state.
    pub(crate) fn check(&self) -> Result<CheckReport> {
        let _snapshot = self.snapshot()?;
        storage::check(&self.store)
    }

    /// The database directory, unless it is temporary.
    pub(crate) fn path(&self) -> Option<&Path> {
        self.store.path()
    }
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
