//! The table bundle as Parquet files, one per table, in a new or empty directory.
//!
//! Rows are gathered into Arrow columns and written as a record batch (and a row group) every
//! [`BATCH_ROWS`] rows, so memory stays bounded whatever the size of the database. Each file
//! is written under a `.partial` name and linked to its own name only once every file is
//! whole: a failed export leaves none of them behind.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{
    ArrayBuilder, Date32Builder, Int32Builder, Int64Builder, ListBuilder, StringBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::error::{Error, Result};
use crate::storage::Reader;

use super::files;
use super::tables::{self, Cell, Kind, Sink, Table};

/// Rows per record batch and per row group.
const BATCH_ROWS: usize = 65_536;

/// The Arrow type of a column.
fn data_type(kind: Kind) -> DataType {
    match kind {
        Kind::Int64 => DataType::Int64,
        Kind::Int32 => DataType::Int32,
        Kind::Text => DataType::Utf8,
        Kind::Date => DataType::Date32,
        Kind::TextList => DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true))),
    }
}

/// A column being gathered.
enum Builder {
    Int64(Int64Builder),
    Int32(Int32Builder),
    Text(StringBuilder),
    Date(Date32Builder),
    List(ListBuilder<StringBuilder>),
}

impl Builder {
    fn new(kind: Kind) -> Builder {
        match kind {
            Kind::Int64 => Builder::Int64(Int64Builder::new()),
            Kind::Int32 => Builder::Int32(Int32Builder::new()),
            Kind::Text => Builder::Text(StringBuilder::new()),
            Kind::Date => Builder::Date(Date32Builder::new()),
            Kind::TextList => Builder::List(ListBuilder::new(StringBuilder::new())),
        }
    }

    /// Appends `cell`; false when it is not of the column's kind.
    fn append(&mut self, cell: &Cell<'_>) -> bool {
        match (self, cell) {
            (Builder::Int64(b), Cell::Null) => b.append_null(),
            (Builder::Int32(b), Cell::Null) => b.append_null(),
            (Builder::Text(b), Cell::Null) => b.append_null(),
            (Builder::Date(b), Cell::Null) => b.append_null(),
            (Builder::List(b), Cell::Null) => b.append_null(),
            (Builder::Int64(b), Cell::Int(v)) => b.append_value(*v),
            (Builder::Int32(b), Cell::Int(v)) => match i32::try_from(*v) {
                Ok(v) => b.append_value(v),
                Err(_) => return false,
            },
            (Builder::Text(b), Cell::Text(t)) => b.append_value(t),
            (Builder::Date(b), Cell::Date(day)) => b.append_value(day.0),
            (Builder::List(b), Cell::List(items)) => {
                for item in *items {
                    b.values().append_value(item);
                }
                b.append(true);
            }
            _ => return false,
        }
        true
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Builder::Int64(b) => Arc::new(b.finish()),
            Builder::Int32(b) => Arc::new(b.finish()),
            Builder::Text(b) => Arc::new(b.finish()),
            Builder::Date(b) => Arc::new(b.finish()),
            Builder::List(b) => Arc::new(b.finish()),
        }
    }

    fn len(&self) -> usize {
        match self {
            Builder::Int64(b) => b.len(),
            Builder::Int32(b) => b.len(),
            Builder::Text(b) => b.len(),
            Builder::Date(b) => b.len(),
            Builder::List(b) => b.len(),
        }
    }
}

/// One table's file being written.
struct TableFile {
    table: Table,
    schema: SchemaRef,
    builders: Vec<Builder>,
    writer: ArrowWriter<File>,
    rows: u64,
    partial: PathBuf,
}

impl TableFile {
    fn create(table: Table, dir: &Path) -> Result<TableFile> {
        let columns = table.columns();
        let schema: SchemaRef = Arc::new(Schema::new(
            columns
                .iter()
                .map(|c| Field::new(c.name, data_type(c.kind), c.nullable))
                .collect::<Vec<_>>(),
        ));
        let partial = dir.join(format!("{}.parquet.partial", table.name()));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&partial)
            .map_err(|e| cannot_write(&partial, e))?;
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(BATCH_ROWS))
            .build();
        let writer = ArrowWriter::try_new(file, schema.clone(), Some(properties))
            .map_err(|e| cannot_write(&partial, e))?;
        Ok(TableFile {
            table,
            schema,
            builders: columns.iter().map(|c| Builder::new(c.kind)).collect(),
            writer,
            rows: 0,
            partial,
        })
    }

    fn row(&mut self, cells: &[Cell<'_>]) -> Result<()> {
        let columns = self.table.columns();
        if cells.len() != columns.len() {
            return Err(Error::Internal(format!(
                "a row of {} has {} cells for {} columns",
                self.table.name(),
                cells.len(),
                columns.len()
            )));
        }
        for ((builder, cell), column) in self.builders.iter_mut().zip(cells).zip(columns) {
            if !builder.append(cell) {
                return Err(Error::Internal(format!(
                    "the column {} of {} cannot hold {cell:?}",
                    column.name,
                    self.table.name()
                )));
            }
        }
        self.rows += 1;
        if self.builders.first().map_or(0, Builder::len) >= BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    /// Writes the rows gathered so far as one record batch.
    fn flush(&mut self) -> Result<()> {
        let arrays: Vec<ArrayRef> = self.builders.iter_mut().map(Builder::finish).collect();
        let batch = RecordBatch::try_new(self.schema.clone(), arrays).map_err(|e| {
            Error::Internal(format!(
                "the rows of {} do not fit its columns: {e}",
                self.table.name()
            ))
        })?;
        self.writer
            .write(&batch)
            .map_err(|e| cannot_write(&self.partial, e))
    }

    /// Writes the last rows and the footer, and puts the file on disk.
    fn finish(mut self) -> Result<(Table, u64, PathBuf)> {
        self.flush()?;
        let file = self
            .writer
            .into_inner()
            .map_err(|e| cannot_write(&self.partial, e))?;
        file.sync_all()
            .map_err(|e| cannot_write(&self.partial, e))?;
        Ok((self.table, self.rows, self.partial))
    }
}

fn cannot_write(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Invalid(format!(
        "cannot write the Parquet file '{}': {e}",
        path.display()
    ))
}

/// Every table's file, rows sent to each by its table.
struct Bundle {
    files: Vec<TableFile>,
}

impl Sink for Bundle {
    fn row(&mut self, table: Table, cells: &[Cell<'_>]) -> Result<()> {
        match self.files.iter_mut().find(|f| f.table == table) {
            Some(file) => file.row(cells),
            None => Err(Error::Internal(format!(
                "no file is open for the table {}",
                table.name()
            ))),
        }
    }
}

/// Writes the bundle of what `reader` sees into the new or empty directory `dir`; says how
/// many rows each table has. On an error nothing of it is left: no file, and no directory
/// that the export created.
pub(super) fn export(reader: &Reader<'_>, dir: &Path) -> Result<Vec<(&'static str, u64)>> {
    let created = files::empty_directory(dir)?;
    let mut made = Vec::new();
    let result = write(reader, dir, &mut made);
    if result.is_err() {
        for path in &made {
            let _ = fs::remove_file(path);
        }
        if created {
            let _ = fs::remove_dir(dir);
        }
    }
    result
}

/// Writes the files, adding each path it creates to `made`.
fn write(
    reader: &Reader<'_>,
    dir: &Path,
    made: &mut Vec<PathBuf>,
) -> Result<Vec<(&'static str, u64)>> {
    let mut bundle = Bundle { files: Vec::new() };
    for table in Table::ALL {
        let file = TableFile::create(table, dir)?;
        made.push(file.partial.clone());
        bundle.files.push(file);
    }
    tables::visit(reader, &mut bundle)?;
    let mut done = Vec::new();
    for file in bundle.files {
        done.push(file.finish()?);
    }
    let mut counts = Vec::new();
    for (table, rows, partial) in done {
        let path = dir.join(format!("{}.parquet", table.name()));
        // A link, unlike a rename, never replaces a file that appeared meanwhile.
        fs::hard_link(&partial, &path).map_err(|e| match e.kind() {
            io::ErrorKind::AlreadyExists => Error::Invalid(format!(
                "cannot write the export to '{}': it already exists; name a new directory",
                path.display()
            )),
            _ => cannot_write(&path, e),
        })?;
        made.push(path);
        fs::remove_file(&partial).map_err(|e| cannot_write(&partial, e))?;
        counts.push((table.name(), rows));
    }
    Ok(counts)
}
