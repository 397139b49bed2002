//! Exchange formats: the database, or what a question returns, written as FollowTheMoney
//! entities, GEXF, GraphML or Neo4j bulk-import CSV; the whole database as the Parquet table
//! bundle (feature `parquet`, streamed through `tables.rs`); and FollowTheMoney or GDELT files
//! read into an empty database.
//!
//! Every other export reads its records through `records.rs`: the whole database kind by kind
//! inside one read, each entity, row or node written to the new file as it is made and only
//! the handles that name references kept (`Names`); or the [`Snapshot`] a question's rows
//! select (the records of one read, by id). The graph formats share one definition of their edges
//! (`graph.rs`), which uses the query layer's "met" and "together" so that an exported edge is
//! exactly an answer of `who met` or `who was with`.

mod files;
mod ftm;
mod ftm_foreign;
mod ftm_ours;
mod ftm_read;
mod ftm_records;
mod gdelt;
mod gexf;
mod graph;
mod graphml;
mod neo4j;
#[cfg(feature = "parquet")]
mod parquet;
mod records;
mod snapshot;
#[cfg(feature = "parquet")]
mod tables;
mod window;
mod xml;

use std::fmt;
use std::path::Path;

use crate::engine::{Engine, Transaction};
use crate::error::{Error, Result};
use crate::model::{Actor, Document, Meeting, Place, Record, RecordKind, Relation};
use crate::rows::Rows;

pub use snapshot::Snapshot;

/// A format [`export`] writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// FollowTheMoney entities, one JSON object a line.
    Ftm,
    /// GEXF 1.3: actors and their met/together edges, with the meetings' dates.
    Gexf,
    /// GraphML: the same graph as GEXF.
    Graphml,
    /// Neo4j bulk-import CSV files in a new directory.
    Neo4j,
    /// The table bundle (docs/TABLES.md) as Parquet files in a new or empty directory; only
    /// in a build with the feature `parquet`.
    Parquet,
}

impl ExportFormat {
    /// Every format, with the word that names it.
    pub const ALL: [(ExportFormat, &'static str); 5] = [
        (ExportFormat::Ftm, "ftm"),
        (ExportFormat::Gexf, "gexf"),
        (ExportFormat::Graphml, "graphml"),
        (ExportFormat::Neo4j, "neo4j"),
        (ExportFormat::Parquet, "parquet"),
    ];
}

/// A format [`import`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportFormat {
    /// FollowTheMoney entities, one JSON object a line.
    Ftm,
    /// GDELT 2.0 event files (tab-separated, 61 columns).
    Gdelt,
}

/// What an export wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExportReport {
    /// Lines, nodes or rows written, each with what they are ("52 entities", "27 nodes").
    pub written: Vec<String>,
}

impl fmt::Display for ExportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "exported {}", self.written.join(", "))
    }
}

/// How many of the things an import left out its report shows.
const SHOWN: usize = 20;

/// What an import brought in, and what it left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExchangeReport {
    /// Records written per kind, in [`RecordKind::ALL`](crate::RecordKind::ALL) order.
    pub imported: [u64; 5],
    /// What was left out, one sentence each (`file:line: why`).
    pub skipped: Vec<String>,
}

impl fmt::Display for ExchangeReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, p, d, m, r] = self.imported;
        write!(
            f,
            "imported {a} actors, {p} places, {d} documents, {m} meetings, {r} relations"
        )?;
        if !self.skipped.is_empty() {
            write!(f, "; left out:")?;
            // A large foreign file may leave out thousands: the first ones show what and why.
            for why in self.skipped.iter().take(SHOWN) {
                write!(f, "\n  {why}")?;
            }
            if self.skipped.len() > SHOWN {
                write!(f, "\n  … and {} more", self.skipped.len() - SHOWN)?;
            }
        }
        Ok(())
    }
}

/// Writes the database, or the part of it `rows` selects (see [`Snapshot::select`]), to
/// `path` in `format`. The file (the directory, for Neo4j) must not exist yet; a failed or
/// interrupted export leaves none of it.
///
/// The whole database is written as it is read, kind by kind inside one read; a selection is
/// read record by record into a [`Snapshot`] first (its meetings found through the handles and
/// the actors' lists), then written by the same code.
pub(crate) fn export(
    engine: &Engine,
    format: ExportFormat,
    rows: Option<&Rows>,
    path: &Path,
) -> Result<ExportReport> {
    files::outside(path, engine.path())?;
    if format == ExportFormat::Parquet {
        return export_parquet(engine, rows.is_some(), path);
    }
    // An interrupt left over from earlier work must not stop this one.
    let cancel = engine.cancel();
    cancel.reset();
    let written = match rows {
        Some(rows) => {
            let selected = engine.read(|reader| Snapshot::select_from(&reader, rows))?;
            write(&selected, format, path)?
        }
        None => engine.read(|reader| {
            let stored = records::Stored {
                reader: &reader,
                cancel,
            };
            write(&stored, format, path)
        })?,
    };
    Ok(ExportReport { written })
}

/// Writes `records` to `path` in `format` (any but Parquet); what it wrote.
fn write(
    records: &impl records::Records,
    format: ExportFormat,
    path: &Path,
) -> Result<Vec<String>> {
    match format {
        ExportFormat::Ftm => {
            let count = ftm::write(records, files::NewFile::create(path)?)?;
            Ok(vec![format!("{count} entities")])
        }
        ExportFormat::Gexf | ExportFormat::Graphml => {
            let file = files::NewFile::create(path)?;
            let names = records::Names::of(records)?;
            let graph = graph::Graph::of(records)?;
            if format == ExportFormat::Gexf {
                gexf::write(&names, &graph, file)?;
            } else {
                graphml::write(&names, &graph, file)?;
            }
            Ok(vec![
                format!("{} nodes", names.actors.len()),
                format!("{} edges", graph.edge_count()),
            ])
        }
        ExportFormat::Neo4j => {
            let tables = neo4j::write(records, files::NewDirectory::create(path)?)?;
            Ok(tables
                .iter()
                .map(|(name, rows)| format!("{rows} rows in {name}"))
                .collect())
        }
        ExportFormat::Parquet => Err(Error::Internal(
            "the Parquet export has its own writer".into(),
        )),
    }
}

/// Writes the whole database as the Parquet table bundle, streamed from one read.
#[cfg(feature = "parquet")]
fn export_parquet(engine: &Engine, selected: bool, path: &Path) -> Result<ExportReport> {
    if selected {
        return Err(Error::Invalid(
            "the Parquet export writes the whole database: it takes no question (--query); \
             select with SQL over its tables instead"
                .into(),
        ));
    }
    // An interrupt left over from earlier work must not stop this one.
    let cancel = engine.cancel();
    cancel.reset();
    let counts = engine.read(|reader| parquet::export(&reader, path, cancel))?;
    Ok(ExportReport {
        written: counts
            .iter()
            .map(|(name, rows)| format!("{rows} rows in {name}.parquet"))
            .collect(),
    })
}

/// Without the feature `parquet`, the Parquet export is refused with how to get it.
#[cfg(not(feature = "parquet"))]
fn export_parquet(_: &Engine, _: bool, _: &Path) -> Result<ExportReport> {
    Err(Error::Invalid(
        "this Entrevue was built without Parquet support: build it with \
         `cargo build --release --features parquet` to export Parquet"
            .into(),
    ))
}

/// Reads `path` in `format` into the empty database of `engine`: all of it or nothing. The
/// file is read a line at a time; `progress(done, total)` is told the bytes read of all passes.
///
/// A database that has never held a record is loaded (`Engine::load`): records go to the store
/// as they are made, in bounded memory, and a failure, or a process that dies, leaves the
/// database empty again. Any other empty database takes the import in one transaction.
/// [`Database::interrupt_handle`](crate::Database::interrupt_handle) stops it at the next line
/// read, with [`Error::Interrupted`], keeping nothing of it.
pub(crate) fn import(
    engine: &Engine,
    format: ImportFormat,
    path: &Path,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ExchangeReport> {
    let shown = path.display().to_string();
    // An interrupt left over from earlier work must not stop this one.
    let cancel = engine.cancel();
    cancel.reset();
    let (imported, skipped) = engine.load(|tx| {
        empty(tx)?;
        match format {
            ImportFormat::Ftm => ftm_read::import(tx, path, &shown, progress, cancel),
            ImportFormat::Gdelt => gdelt::import(tx, path, &shown, progress, cancel),
        }
    })?;
    Ok(ExchangeReport { imported, skipped })
}

/// Refuses a database that holds records: an import makes a database, it does not merge.
fn empty(tx: &Transaction<'_>) -> Result<()> {
    let reader = tx.records();
    let empty = reader.all::<Actor>().next().is_none()
        && reader.all::<Place>().next().is_none()
        && reader.all::<Document>().next().is_none()
        && reader.all::<Meeting>().next().is_none()
        && reader.all::<Relation>().next().is_none();
    if empty {
        Ok(())
    } else {
        Err(Error::Invalid(
            "an import needs an empty database: open a new one to import into".into(),
        ))
    }
}

/// Writes `record`, read at `file:line`, and counts it in `counts` (records per kind, in
/// [`RecordKind::ALL`] order): its id.
fn add_counted<R: Record>(
    tx: &mut Transaction<'_>,
    file: &str,
    line: usize,
    counts: &mut [u64; 5],
    record: R,
) -> Result<u64> {
    let id = tx.add(record).map_err(|e| written_at(file, line, e))?;
    if let Some(count) = RecordKind::ALL
        .iter()
        .position(|k| *k == R::KIND)
        .and_then(|i| counts.get_mut(i))
    {
        *count += 1;
    }
    Ok(id.get())
}

/// An error writing the record read at `file:line`, said with where it was read.
fn written_at(file: &str, line: usize, e: Error) -> Error {
    match e {
        Error::Interrupted => e,
        other => at_line(file, line, other),
    }
}

/// An error about a line of an input file.
fn at_line(file: &str, line: usize, message: impl fmt::Display) -> Error {
    Error::Invalid(format!("{file}:{line}: {message}"))
}
