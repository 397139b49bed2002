//! Exchange formats: the database, or what a question returns, written as FollowTheMoney
//! entities, GEXF, GraphML or Neo4j bulk-import CSV; the whole database as the Parquet table
//! bundle (feature `parquet`, streamed through `tables.rs`); and FollowTheMoney or GDELT files
//! read into an empty database.
//!
//! Every other export works from a [`Snapshot`]: the records of one read, kept by id, cut down
//! to a question's rows when asked. The graph formats share one definition of their edges
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
/// `path` in `format`. The file (the directory, for Neo4j) must not exist yet.
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
    let mut snapshot = engine.read(|reader| Snapshot::read(&reader))?;
    if let Some(rows) = rows {
        snapshot = snapshot.select(rows)?;
    }
    match format {
        ExportFormat::Ftm => {
            let (text, count) = ftm::write(&snapshot)?;
            files::write_new(path, text.as_bytes())?;
            Ok(ExportReport {
                written: vec![format!("{count} entities")],
            })
        }
        ExportFormat::Gexf | ExportFormat::Graphml => {
            let graph = graph::Graph::of(&snapshot);
            let bytes = if format == ExportFormat::Gexf {
                gexf::write(&snapshot, &graph)?
            } else {
                graphml::write(&snapshot, &graph)?
            };
            files::write_new(path, &bytes)?;
            Ok(ExportReport {
                written: vec![
                    format!("{} nodes", graph.nodes.len()),
                    format!("{} edges", graph.edges.len()),
                ],
            })
        }
        ExportFormat::Parquet => export_parquet(engine, rows.is_some(), path),
        ExportFormat::Neo4j => {
            let tables = neo4j::write(&snapshot)?;
            files::write_directory(path, &tables)?;
            Ok(ExportReport {
                written: tables
                    .iter()
                    .map(|(name, _, rows)| format!("{rows} rows in {name}"))
                    .collect(),
            })
        }
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
