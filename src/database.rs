//! The embedding API: [`Database`], every public operation in one place. Each is a thin call
//! into the layer that does the work: the engine (locks, transactions), the query layer,
//! scripts, imports.
//!
//! Concurrency: any number of threads read at once; one writer at a time, and a reader sees the
//! state before or after a whole write, never part of one (see `engine`).

use std::path::Path;

use crate::copy::CopyReport;
use crate::engine::{Engine, Transaction};
use crate::error::{Error, Result};
use crate::exchange::{ExchangeReport, ExportFormat, ExportReport, ImportFormat};
use crate::extract::{ExtractOptions, Extraction};
use crate::import::ImportReport;
use crate::model::{
    Actor, ActorId, DateSpan, Id, MeetingId, Place, PlaceId, Record, RecordKind, RelationId,
};
use crate::query::{resolve, CancellationToken, List, MemoryCatalog};
use crate::rows::Rows;
use crate::script::{ScriptHandler, ScriptOptions, ScriptReport};
use crate::storage::{CheckReport, Store};

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
    engine: Engine,
}

/// Stops the statement a [`Database`] is running, from another thread or a signal handler; the
/// statement fails with [`Error::Interrupted`](crate::Error::Interrupted), and a script that
/// was writing keeps nothing.
#[derive(Clone, Debug)]
pub struct InterruptHandle {
    cancel: CancellationToken,
}

impl InterruptHandle {
    /// Asks the running statement to stop.
    pub fn interrupt(&self) {
        self.cancel.cancel();
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
            engine: Engine::new(store),
        }
    }

    /// A handle that stops the statement this database is running.
    pub fn interrupt_handle(&self) -> InterruptHandle {
        InterruptHandle {
            cancel: self.engine.cancel().clone(),
        }
    }

    /// The database directory, or `None` for a temporary database.
    pub fn path(&self) -> Option<&Path> {
        self.engine.path()
    }

    pub(crate) fn read<T>(
        &self,
        f: impl FnOnce(crate::storage::Reader<'_>) -> Result<T>,
    ) -> Result<T> {
        self.engine.read(f)
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
        self.engine.transaction(f)
    }

    /// Runs one statement and returns its rows.
    ///
    /// ```
    /// use entrevue::Database;
    ///
    /// let db = Database::temporary()?;
    /// db.execute("load demo;")?;
    /// let rows = db.query("who met Oumerov order by actor")?;
    /// assert_eq!(rows.columns, ["actor", "handle", "meetings"]);
    /// assert!(rows.values("actor").iter().any(|v| v.as_text() == Some("Steve Witkoff")));
    /// # Ok::<(), entrevue::Error>(())
    /// ```
    pub fn query(&self, text: &str) -> Result<Rows> {
        let mut all = self.execute(text)?;
        match all.len() {
            1 => Ok(all.remove(0)),
            n => Err(Error::Invalid(format!(
                "expected one statement, found {n}; use `execute` to run a script"
            ))),
        }
    }

    /// Runs a script atomically and returns the rows of each statement.
    pub fn execute(&self, text: &str) -> Result<Vec<Rows>> {
        let mut all = Vec::new();
        self.run_script(text, &ScriptOptions::default(), &mut |result| {
            if let Ok(rows) = result {
                all.push(rows);
            }
        })?;
        Ok(all)
    }

    /// Runs a script, handing each statement's result to `on_result` as it comes.
    ///
    /// Without `keep_going`, the script is parsed whole first, and the first error stops it,
    /// is returned, and undoes every write the script made; with it, each statement is parsed
    /// and run on its own, and errors (syntax errors too) go to `on_result`.
    pub fn run_script(
        &self,
        text: &str,
        options: &ScriptOptions,
        on_result: &mut dyn FnMut(Result<Rows, &Error>),
    ) -> Result<ScriptReport> {
        crate::script::run_script(&self.engine, text, options, on_result)
    }

    /// Runs a script whose directive lines (a line starting with `.` between statements) go to
    /// `handler`, in order, inside the script's own snapshot or transaction: a script with
    /// directives is still one unit, kept or undone whole. Statements' results go to `handler`
    /// too. See [`ScriptHandler`](crate::script::ScriptHandler).
    pub fn run_script_with(
        &self,
        text: &str,
        options: &ScriptOptions,
        handler: &mut dyn ScriptHandler,
    ) -> Result<ScriptReport> {
        crate::script::run_script_with(&self.engine, text, options, handler)
    }

    /// Imports `actors.csv`, `places.csv`, `meetings.csv` and `participation.csv` from `dir`
    /// into this database, which must be empty. `progress(done, total)` is called as the
    /// records and index entries are written.
    pub fn import_csv(
        &self,
        dir: &Path,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<ImportReport> {
        crate::import::import_csv(&self.engine, dir, progress)
    }

    /// Writes the database to `path` in `format`, or, given a question, what its rows select
    /// (see [`Snapshot::select`](crate::Snapshot::select)). The file (for Neo4j, the
    /// directory) must not exist yet.
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// let db = entrevue::Database::temporary()?;
    /// db.execute("load demo;")?;
    /// let path = dir.path().join("talks.ftm.json");
    /// db.export(entrevue::ExportFormat::Ftm, Some("meetings with Witkoff"), &path)?;
    /// assert!(std::fs::read_to_string(&path).unwrap().contains("\"schema\":\"Event\""));
    /// # Ok::<(), entrevue::Error>(())
    /// ```
    pub fn export(
        &self,
        format: ExportFormat,
        question: Option<&str>,
        path: &Path,
    ) -> Result<ExportReport> {
        let rows = question.map(|q| self.query(q)).transpose()?;
        crate::exchange::export(&self.engine, format, rows.as_ref(), path)
    }

    /// Imports a FollowTheMoney or GDELT file into this database, which must be empty: all of
    /// it, or on an error (`file:line: message`) nothing. The report says what was left out.
    /// [`InterruptHandle::interrupt`] stops it at the next line read, with
    /// [`Error::Interrupted`], keeping nothing.
    pub fn import_file(&self, format: ImportFormat, path: &Path) -> Result<ExchangeReport> {
        self.import_file_with_progress(format, path, &mut |_, _| {})
    }

    /// [`import_file`](Self::import_file), calling `progress(done, total)` as the file is read
    /// a line at a time (bytes read, of the file's size times the passes over it).
    pub fn import_file_with_progress(
        &self,
        format: ImportFormat,
        path: &Path,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<ExchangeReport> {
        crate::exchange::import(&self.engine, format, path, progress)
    }

    /// The meetings a news article reports, proposed as a script to review (nothing is
    /// written): its document, each meeting with its date, place, participants (resolved
    /// through this database's names and aliases), status and the verbatim sentences that
    /// report it; a meeting the database already has gets the article as new sources.
    ///
    /// ```
    /// use entrevue::{Database, ExtractOptions};
    ///
    /// let db = Database::temporary()?;
    /// db.execute("load demo;")?;
    /// let options = ExtractOptions { published: Some("2026-01-31".parse()?), ..Default::default() };
    /// let text = "Talks in Florida\nSteve Witkoff met Kirill Dmitriev on Saturday in Florida.";
    /// let found = db.extract(text, &options)?;
    /// assert_eq!(found.proposals.len(), 1);
    /// assert_eq!(found.proposals[0].existing.as_deref(), Some("m09"));
    /// # Ok::<(), entrevue::Error>(())
    /// ```
    pub fn extract(&self, text: &str, options: &ExtractOptions) -> Result<Extraction> {
        self.read(|r| crate::extract::extract(&r, text, options))
    }

    /// [`extract`](Self::extract) from the file at `path`, which must be UTF-8 text; its name
    /// becomes the document's `file` unless `options` gives one.
    pub fn extract_file(&self, path: &Path, options: &ExtractOptions) -> Result<Extraction> {
        let shown = path.display();
        let bytes = std::fs::read(path)
            .map_err(|e| Error::Invalid(format!("cannot read the article '{shown}': {e}")))?;
        let not_text = |why: &str| {
            Error::Invalid(format!(
                "'{shown}' is not an article to read: {why}; expected plain UTF-8 text"
            ))
        };
        if bytes.contains(&0) {
            return Err(not_text("it contains NUL bytes, as binary files do"));
        }
        let text = String::from_utf8(bytes).map_err(|_| not_text("it is not UTF-8 text"))?;
        let mut options = options.clone();
        if options.file.is_none() {
            options.file = path.file_name().map(|n| n.to_string_lossy().into_owned());
        }
        self.extract(&text, &options)
    }

    /// A question as one SQL query over the tables `export --format parquet` writes, for
    /// DuckDB or Spark SQL: generated from the plan Entrevue runs, with names bound as the
    /// question binds them, so that its rows are Entrevue's answer (see README, `entrevue sql`).
    /// Forms that SQL cannot express are refused with the reason.
    ///
    /// ```
    /// use entrevue::{Database, Dialect};
    ///
    /// let db = Database::temporary()?;
    /// db.execute("load demo;")?;
    /// let sql = db.sql("who met Witkoff return id, meetings", Dialect::DuckDb)?;
    /// assert!(sql.starts_with("-- Entrevue: who met Witkoff return id, meetings\n"));
    /// assert!(db.sql("who is Witkoff", Dialect::Spark).is_err());
    /// # Ok::<(), entrevue::Error>(())
    /// ```
    pub fn sql(&self, question: &str, dialect: crate::query::Dialect) -> Result<String> {
        let statements = crate::syntax::parse(question).map_err(Error::Parse)?;
        let query = match statements.as_slice() {
            [(crate::syntax::Statement::Query(query), _)] => query,
            _ => {
                return Err(Error::Invalid(
                    "expected one question (such as `who met Witkoff`) to write as SQL".into(),
                ))
            }
        };
        let source = crate::syntax::Source {
            text: question,
            name: None,
        };
        self.read(|r| crate::query::sql(&r, source, query, dialect))
    }

    /// Every record, by id, as one read sees them: what pictures of an answer read the
    /// participants, sides, summaries and quotes of its meetings from.
    pub fn snapshot(&self) -> Result<crate::exchange::Snapshot> {
        self.read(|r| crate::exchange::Snapshot::read(&r))
    }

    /// A picture of `rows` (see [`crate::picture`]): SVG, an HTML page or Graphviz DOT.
    /// Only the records the picture draws are read, not the whole database.
    pub fn picture(
        &self,
        rows: &Rows,
        format: crate::picture::PictureFormat,
        options: &crate::picture::PictureOptions,
    ) -> Result<String> {
        let snapshot = self.read(|r| crate::picture::records(&r, rows, options))?;
        Ok(crate::picture::draw(rows, &snapshot, format, options))
    }

    /// A copy of every record in a [`MemoryCatalog`], which answers questions from the
    /// records alone, without indexes.
    pub fn memory_copy(&self) -> Result<MemoryCatalog> {
        let mut memory = MemoryCatalog::new();
        self.read(|r| {
            copy_all::<Actor>(&r, &mut memory)?;
            copy_all::<Place>(&r, &mut memory)?;
            copy_all::<crate::model::Document>(&r, &mut memory)?;
            copy_all::<crate::model::Meeting>(&r, &mut memory)?;
            copy_all::<crate::model::Relation>(&r, &mut memory)
        })?;
        Ok(memory)
    }

    /// Whether opening found an import that never finished (the process died) and discarded
    /// it, leaving the database empty as it was before the import.
    pub fn discarded_import(&self) -> bool {
        self.engine
            .with_store(|store| Ok(store.discarded_load()))
            .unwrap_or(false)
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
        self.read(|r| resolve::<Actor, _>(&r, name))
    }

    /// The one place `name` designates (a name, an alias or a handle).
    pub fn resolve_place(&self, name: &str) -> Result<PlaceId> {
        self.read(|r| resolve::<Place, _>(&r, name))
    }

    /// The meetings of `actor` in date order (an undated meeting at the bound its sources give
    /// it, else last), of any status, optionally only those that lie wholly within `during`.
    pub fn meetings_of(&self, actor: ActorId, during: Option<&DateSpan>) -> Result<Vec<MeetingId>> {
        self.read(|r| {
            Ok(
                crate::query::meetings_in(&r, &[List::Actor(actor.get())], during)?
                    .iter()
                    .map(|p| Id::new(p.meeting))
                    .collect(),
            )
        })
    }

    /// The meetings held at `place` or at any place inside it, in date order.
    pub fn meetings_in(&self, place: PlaceId, during: Option<&DateSpan>) -> Result<Vec<MeetingId>> {
        self.read(|r| {
            let lists: Vec<List> = r
                .places_inside(place)?
                .into_iter()
                .map(|p| List::Place(p.get()))
                .collect();
            Ok(crate::query::meetings_in(&r, &lists, during)?
                .iter()
                .map(|p| Id::new(p.meeting))
                .collect())
        })
    }

    /// Every meeting that lies wholly within `during`, in date order; every meeting without one.
    pub fn meetings_during(&self, during: Option<&DateSpan>) -> Result<Vec<MeetingId>> {
        self.read(|r| {
            Ok(crate::query::meetings_in(&r, &[List::All], during)?
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
        self.engine.check()
    }

    /// Makes every committed write durable now. Every write that returns `Ok` is already
    /// durable (it is flushed before it returns, and before readers see it); this is for
    /// callers that wrote to the engine by other means.
    pub fn flush(&self) -> Result<()> {
        self.engine.with_store(|store| store.flush())
    }

    /// Copies the database, as one consistent state, into a new database in directory `to`
    /// (which must not exist). Writers wait while it is read; readers do not.
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// use entrevue::Database;
    ///
    /// let db = Database::temporary()?;
    /// db.execute("load demo;")?;
    /// let report = db.backup(dir.path().join("copy"))?;
    /// let copy = Database::open(dir.path().join("copy"))?;
    /// assert_eq!(copy.stats()?, db.stats()?);
    /// assert_eq!(report.lost(), Some(0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn backup(&self, to: impl AsRef<Path>) -> Result<CopyReport> {
        crate::copy::backup(&self.engine, to.as_ref())
    }

    /// Copies every record that can still be read from the damaged database in directory
    /// `damaged` into a new database in directory `to` (which must not exist), with its indexes
    /// rebuilt, and reports what could not be read. References to records that were lost are
    /// dropped (a participant, a source, a place), and a relation whose ends were lost is
    /// dropped with them. The damaged files are not changed.
    pub fn recover(damaged: impl AsRef<Path>, to: impl AsRef<Path>) -> Result<CopyReport> {
        crate::copy::recover(damaged.as_ref(), to.as_ref())
    }

    /// Rewrites the database's files compactly: every table copied in key order into new
    /// files beside the old ones, which then take their place. The records do not change;
    /// sled's files after many writes, or after a bulk load, hold each value several times,
    /// and the copy holds it once. Readers and writers wait while it runs; a process killed
    /// at any moment leaves the database as it was before or after, which the next open
    /// finishes. Needs room on disk for the copy. A temporary database is left as it is.
    /// Returns the bytes on disk before and after.
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// use entrevue::Database;
    ///
    /// let db = Database::open(dir.path().join("db"))?;
    /// db.execute("load demo;")?;
    /// let before = db.stats()?;
    /// db.compact()?;
    /// assert_eq!(db.stats()?, before);
    /// assert!(db.check()?.is_clean());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn compact(&self) -> Result<(u64, u64)> {
        let before = self.size_on_disk()?;
        self.engine.compact()?;
        Ok((before, self.size_on_disk()?))
    }

    /// Bytes the database takes on disk.
    pub fn size_on_disk(&self) -> Result<u64> {
        self.engine.with_store(|store| store.size_on_disk())
    }
}

fn copy_all<R: Record>(
    reader: &crate::storage::Reader<'_>,
    memory: &mut MemoryCatalog,
) -> Result<()> {
    for entry in reader.all::<R>() {
        let (id, record) = entry?;
        memory.insert(id, record);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Database;
    use crate::model::Actor;
    use crate::query::counted_both_ways;

    /// A database of format 5 (one sled key per name, reference, handle and term) opens in
    /// format 6, its entries moved into pages: the check is clean and every kind of entry
    /// still answers as it did.
    #[test]
    fn a_database_of_the_format_before_is_brought_to_this_one() -> crate::error::Result<()> {
        let dir = tempfile::tempdir().map_err(|e| crate::Error::Internal(e.to_string()))?;
        let path = dir.path().join("db");
        let questions = [
            "who met Witkoff",                 // names
            "who met #usa",                    // handles
            "quotes matching 'cessez le feu'", // terms
            "sources of #m01",                 // refs
            "delete place #florida",           // refs: refused, it holds places
        ];
        let ask = |db: &Database| -> Vec<String> {
            questions
                .iter()
                .map(|q| match db.execute(q) {
                    Ok(rows) => format!("{rows:?}"),
                    Err(e) => e.to_string(),
                })
                .collect()
        };
        let before = {
            let db = Database::open(&path)?;
            db.execute("load demo")?;
            ask(&db)
        };
        {
            let store = crate::storage::Store::open(&path)?;
            crate::storage::flattened_to_format_5(&store)?;
        }
        let db = Database::open(&path)?;
        assert_eq!(ask(&db), before);
        let report = db.check()?;
        assert!(report.is_clean(), "{report:?}");
        assert!(report.index_entries > 1000, "{report:?}");
        Ok(())
    }

    /// On the demo data, with its sides, doubtful participants and meetings that did not
    /// occur, a count made from the anchor's own list as it is decoded is the count the scan
    /// makes, for every actor and every form of question that takes that way; and some of
    /// them count someone. (A question that widens what counts and shows the meetings behind
    /// each count keeps them per actor, which only the scan does.)
    #[test]
    fn a_count_from_the_anchors_list_is_the_count_of_the_scan() -> crate::error::Result<()> {
        let db = Database::temporary()?;
        db.execute("load demo")?;
        let forms = [
            "who met {}",
            "who was with {}",
            "who met {} including all return actor, meetings",
            "who was with {} including planned, possible return handle, meetings",
            "who met {} during 2025",
            "who met {} in Florida including all return actor, meetings",
            "who met {} between 2025-11-01 and 2025-11-30",
            "who met {} return actor, meetings order by meetings desc limit 3",
        ];
        let handles: Vec<String> = db
            .all::<Actor>()?
            .into_iter()
            .map(|(_, actor)| actor.handle)
            .collect();
        let mut counted = 0;
        db.read(|reader| {
            for handle in &handles {
                for form in forms {
                    let question = form.replace("{}", handle);
                    let both = counted_both_ways(&reader, &question);
                    assert!(both.is_some(), "{question} is not counted from the list");
                    if let Some([from_list, scanned]) = both {
                        assert_eq!(from_list, scanned, "{question}");
                        counted += from_list.len();
                    }
                }
            }
            Ok(())
        })?;
        assert!(counted > 100, "only {counted} actors counted in all");
        Ok(())
    }
}
