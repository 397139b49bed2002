//! The embedding API: [`Database`] and its write [`Transaction`].
//!
//! Concurrency: any number of threads read at once; one writes at a time. A writer gathers its
//! changes privately and holds the `visible` lock only while committing them, so a reader always
//! sees the state before or after a whole write, never part of one.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock, RwLockReadGuard};

use crate::error::Result;
use crate::model::{
    Actor, ActorId, DateSpan, Id, MeetingId, Place, PlaceId, Record, RecordKind, RelationId,
};
use crate::resolve::resolve;
use crate::storage::{self, Bulk, CheckReport, Reader, Store, Write};

/// An Entrevue database: actors, places, documents, meetings and relations, with their indexes.
///
/// Open one per process and share it (`&Database` is `Send + Sync`); a second process that opens
/// the same directory gets [`Error::Locked`](crate::Error::Locked).
///
/// ```
/// use entrevue::{Actor, ActorKind, Database, DateSpan, Meeting, Participant};
///
/// let db = Database::temporary()?;
/// let witkoff = db.add(Actor::new(ActorKind::Person, "Steve Witkoff").alias("Witkoff"))?;
/// let umerov = db.add(Actor::new(ActorKind::Person, "Rustem Umerov").alias("Oumerov"))?;
/// let talks = db.add(
///     Meeting::new("talks")
///         .on("2025-11-30".parse()?)
///         .with(Participant::new(witkoff))
///         .with(Participant::new(umerov)),
/// )?;
///
/// assert_eq!(db.resolve_actor("oumerov")?, umerov);
/// assert_eq!(db.meetings_of(witkoff, Some(&"2025-11".parse()?))?, [talks]);
/// assert!(db.check()?.is_clean());
/// # Ok::<(), entrevue::Error>(())
/// ```
pub struct Database {
    store: Store,
    /// Held for the whole of a write: one writer at a time.
    writer: Mutex<()>,
    /// Readers share it; a writer takes it exclusively only to commit.
    visible: RwLock<()>,
    /// Readers pass through it before taking `visible`; a committing writer holds it, so new
    /// readers wait behind the commit instead of starving it (std's `RwLock` lets a reader that
    /// comes back quickly overtake a woken writer).
    turnstile: Mutex<()>,
    /// Set to stop the statement that is running.
    interrupt: Arc<AtomicBool>,
}

/// Fails with [`Error::Interrupted`](crate::Error::Interrupted) once `flag` is set: the one
/// check the executor and the script runner make wherever they do work per record or statement.
pub(crate) fn check_interrupt(flag: &AtomicBool) -> Result<()> {
    if flag.load(Ordering::Relaxed) {
        Err(crate::Error::Interrupted)
    } else {
        Ok(())
    }
}

/// Stops the statement a [`Database`] is running, from another thread or a signal handler; the
/// statement fails with [`Error::Interrupted`](crate::Error::Interrupted), and a script that
/// was writing keeps nothing.
#[derive(Clone, Debug)]
pub struct InterruptHandle {
    flag: Arc<AtomicBool>,
}

impl InterruptHandle {
    /// Asks the running statement to stop.
    pub fn interrupt(&self) {
        self.flag.store(true, Ordering::Relaxed);
    }
}

/// How many records of each kind a database holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Actors.
    pub actors: u64,
    /// Places.
    pub places: u64,
    /// Documents.
    pub documents: u64,
    /// Meetings.
    pub meetings: u64,
    /// Relations.
    pub relations: u64,
}

impl Database {
    /// Opens the database in directory `path`, creating an empty one if there is none.
    ///
    /// Fails with [`Error::Locked`](crate::Error::Locked) when another process has it open,
    /// and with [`Error::UnsupportedFormat`](crate::Error::UnsupportedFormat) when it was
    /// written in a format this build does not read.
    pub fn open(path: impl AsRef<Path>) -> Result<Database> {
        Ok(Database::new(Store::open(path.as_ref())?))
    }

    /// An empty database in a temporary directory, deleted when the value is dropped.
    pub fn temporary() -> Result<Database> {
        Ok(Database::new(Store::temporary()?))
    }

    fn new(store: Store) -> Database {
        Database {
            store,
            writer: Mutex::new(()),
            visible: RwLock::new(()),
            turnstile: Mutex::new(()),
            interrupt: Arc::new(AtomicBool::new(false)),
        }
    }

    /// A handle that stops the statement this database is running.
    pub fn interrupt_handle(&self) -> InterruptHandle {
        InterruptHandle {
            flag: self.interrupt.clone(),
        }
    }

    /// The flag the executor watches; cleared when a script starts.
    pub(crate) fn interrupt_flag(&self) -> &AtomicBool {
        &self.interrupt
    }

    /// The database directory, or `None` for a temporary database.
    pub fn path(&self) -> Option<&Path> {
        self.store.path()
    }

    /// Holds a consistent view: no commit can happen until the guard is dropped.
    fn snapshot(&self) -> RwLockReadGuard<'_, ()> {
        let _turn = self
            .turnstile
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        self.visible.read().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn read<T>(&self, f: impl FnOnce(Reader<'_>) -> Result<T>) -> Result<T> {
        let _snapshot = self.snapshot();
        f(Reader::new(&self.store))
    }

    /// Runs `f` as one atomic write: everything it does becomes visible together when it
    /// returns `Ok`, and nothing does when it returns an error.
    ///
    /// ```
    /// use entrevue::{Actor, ActorKind, Database, Error};
    ///
    /// let db = Database::temporary()?;
    /// let result = db.transaction(|tx| {
    ///     tx.add(Actor::new(ActorKind::Person, "Marco Rubio"))?;
    ///     tx.add(Actor::new(ActorKind::Person, "")) // invalid: no name
    /// });
    /// assert!(result.is_err());
    /// assert_eq!(db.stats()?.actors, 0);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn transaction<T>(&self, f: impl FnOnce(&mut Transaction<'_>) -> Result<T>) -> Result<T> {
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
        tx.write.commit()?;
        Ok(out)
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

    /// Whether opening found an import that never finished (the process died) and discarded
    /// it, leaving the database empty as it was before the import.
    pub fn discarded_import(&self) -> bool {
        self.store.discarded_load()
    }

    /// Stores a new record and returns its id. An empty handle is replaced by one the database
    /// assigns (`a12`, `m7` …); a handle already taken by a record of the same kind is refused.
    pub fn add<R: Record>(&self, record: R) -> Result<Id<R>> {
        self.transaction(|tx| tx.add(record))
    }

    /// Replaces the record with id `id`; an empty handle keeps the current one.
    pub fn update<R: Record>(&self, id: Id<R>, record: R) -> Result<()> {
        self.transaction(|tx| tx.update(id, record))
    }

    /// Deletes the record with id `id`. Refused with [`Error::InUse`](crate::Error::InUse) while
    /// other records refer to it (a meeting to its participants, a relation to its actors …).
    pub fn delete<R: Record>(&self, id: Id<R>) -> Result<()> {
        self.transaction(|tx| tx.delete(id))
    }

    /// The record with id `id`, if there is one.
    pub fn get<R: Record>(&self, id: Id<R>) -> Result<Option<R>> {
        self.read(|r| r.get(id))
    }

    /// Every record of one kind, in id order.
    pub fn all<R: Record>(&self) -> Result<Vec<(Id<R>, R)>> {
        self.read(|r| r.all().collect())
    }

    /// The record of kind `R` with this handle.
    pub fn by_handle<R: Record>(&self, handle: &str) -> Result<Option<Id<R>>> {
        self.read(|r| r.by_handle(handle))
    }

    /// Every actor with a name or alias that folds like `name` (see [`fold_name`](crate::fold_name)).
    pub fn find_actors(&self, name: &str) -> Result<Vec<ActorId>> {
        self.read(|r| {
            Ok(r.named(RecordKind::Actor, name)?
                .into_iter()
                .map(Id::new)
                .collect())
        })
    }

    /// Every place with a name or alias that folds like `name`.
    pub fn find_places(&self, name: &str) -> Result<Vec<PlaceId>> {
        self.read(|r| {
            Ok(r.named(RecordKind::Place, name)?
                .into_iter()
                .map(Id::new)
                .collect())
        })
    }

    /// The one actor `name` designates (a name, an alias or a handle).
    ///
    /// Fails with [`Error::NotFound`](crate::Error::NotFound), with suggestions, or
    /// [`Error::Ambiguous`](crate::Error::Ambiguous), with the candidates.
    pub fn resolve_actor(&self, name: &str) -> Result<ActorId> {
        self.read(|r| resolve::<Actor>(&r, name))
    }

    /// The one place `name` designates (a name, an alias or a handle).
    pub fn resolve_place(&self, name: &str) -> Result<PlaceId> {
        self.read(|r| resolve::<Place>(&r, name))
    }

    /// The meetings of `actor` in date order (undated last), of any status, optionally only
    /// those that lie wholly within `during`.
    pub fn meetings_of(&self, actor: ActorId, during: Option<&DateSpan>) -> Result<Vec<MeetingId>> {
        self.read(|r| {
            Ok(r.meetings_of_actor(actor.get(), during)?
                .iter()
                .map(|p| Id::new(p.meeting))
                .collect())
        })
    }

    /// The meetings held at `place` or at any place inside it, in date order.
    pub fn meetings_in(&self, place: PlaceId, during: Option<&DateSpan>) -> Result<Vec<MeetingId>> {
        self.read(|r| {
            Ok(r.meetings_inside_place(place, during)?
                .iter()
                .map(|p| Id::new(p.meeting))
                .collect())
        })
    }

    /// Every meeting that lies wholly within `during`, in date order; every meeting without one.
    pub fn meetings_during(&self, during: Option<&DateSpan>) -> Result<Vec<MeetingId>> {
        self.read(|r| {
            Ok(r.meetings_by_date(during)?
                .iter()
                .map(|p| Id::new(p.meeting))
                .collect())
        })
    }

    /// `place` and every place inside it, at any depth.
    pub fn places_inside(&self, place: PlaceId) -> Result<Vec<PlaceId>> {
        self.read(|r| r.places_inside(place))
    }

    /// The relations `actor` is the subject or object of.
    pub fn relations_of(&self, actor: ActorId) -> Result<Vec<RelationId>> {
        self.read(|r| {
            Ok(r.referrers(RecordKind::Actor, actor.get())?
                .into_iter()
                .filter(|(kind, _)| *kind == RecordKind::Relation)
                .map(|(_, id)| Id::new(id))
                .collect())
        })
    }

    /// How many records of each kind there are.
    pub fn stats(&self) -> Result<Stats> {
        self.read(|r| {
            Ok(Stats {
                actors: r.count(RecordKind::Actor)?,
                places: r.count(RecordKind::Place)?,
                documents: r.count(RecordKind::Document)?,
                meetings: r.count(RecordKind::Meeting)?,
                relations: r.count(RecordKind::Relation)?,
            })
        })
    }

    /// Verifies that every index agrees with the records, and reports each disagreement.
    pub fn check(&self) -> Result<CheckReport> {
        let _snapshot = self.snapshot();
        storage::check(&self.store)
    }

    /// Makes every committed write durable now (sled also does so every half second).
    pub fn flush(&self) -> Result<()> {
        self.store.flush()
    }

    /// Bytes the database takes on disk.
    pub fn size_on_disk(&self) -> Result<u64> {
        self.store.size_on_disk()
    }
}

/// An atomic write in progress; see [`Database::transaction`]. Its reads see its own writes.
pub struct Transaction<'db> {
    write: Write<'db>,
}

impl Transaction<'_> {
    pub(crate) fn reader(&self) -> Reader<'_> {
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
        resolve::<Actor>(&self.write.reader(), name)
    }

    /// The one place `name` designates; see [`Database::resolve_place`].
    pub fn resolve_place(&self, name: &str) -> Result<PlaceId> {
        resolve::<Place>(&self.write.reader(), name)
    }
}
