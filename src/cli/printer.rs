//! One question's rows printed as they come, in bounded memory: CSV, JSON, JSON lines and
//! `line` print each row when it arrives; a table must know its widths, so it holds its rows —
//! all of them in a file, or on a terminal only the first and last few (`.maxrows`), with the
//! count of the rest, as duckdb's shell does.

use std::collections::VecDeque;
use std::io::{self, Write};

use entrevue::{RowRecord, Rows, Value};

use super::output::{cell, print_part, print_rows, Format, Style};

/// What a printer holds between rows.
enum Held {
    /// Nothing: each row is printed as it comes.
    Nothing,
    /// Every row, for a table printed whole.
    All(Vec<Vec<Value>>),
    /// The first `half` rows and the last `half`, for a table on a terminal.
    Ends {
        head: Vec<Vec<Value>>,
        tail: VecDeque<Vec<Value>>,
        half: usize,
    },
}

/// Prints one statement's rows: [`begin`](Self::begin), a [`row`](Self::row) each, then
/// [`end`](Self::end).
pub struct RowPrinter {
    style: Style,
    columns: Vec<String>,
    held: Held,
    /// How many rows came.
    count: usize,
    /// Rows printed but not yet written: written a block at a time, since a write per row
    /// costs a system call each.
    pending: Vec<u8>,
}

/// How much printed text is gathered before it is written.
const BLOCK: usize = 64 * 1024;

impl RowPrinter {
    /// A printer of rows in `style`; on a terminal, a table longer than `max_rows` (unless 0)
    /// shows its first and last rows.
    pub fn new(style: Style, max_rows: usize) -> RowPrinter {
        // A picture, like a table, needs every row before it is drawn.
        let table = matches!(style.format, Format::Table | Format::Box | Format::Markdown)
            || style.format.picture().is_some();
        let held = match (table, style.width) {
            (false, _) => Held::Nothing,
            // A terminal: the table is read, not kept.
            (true, Some(_))
                if max_rows > 0
                    && style.format != Format::Markdown
                    && style.format.picture().is_none() =>
            {
                Held::Ends {
                    head: Vec::new(),
                    tail: VecDeque::new(),
                    half: max_rows.div_ceil(2),
                }
            }
            (true, _) => Held::All(Vec::new()),
        };
        RowPrinter {
            style,
            columns: Vec::new(),
            held,
            count: 0,
            pending: Vec::new(),
        }
    }

    /// Starts the rows: a CSV header, or the opening of a JSON array.
    pub fn begin(&mut self, out: &mut dyn Write, columns: &[String]) -> io::Result<()> {
        self.columns = columns.to_vec();
        match self.style.format {
            Format::Csv if self.style.headers => csv_record(out, columns),
            Format::Json => write!(out, "["),
            _ => Ok(()),
        }
    }

    /// One row: printed now, or held for the table.
    pub fn row(&mut self, out: &mut dyn Write, row: Vec<Value>) -> io::Result<()> {
        self.count += 1;
        // A picture draws dates at their precision from the typed values.
        let row = match self.style.format.picture() {
            Some(_) => row,
            None => row
                .into_iter()
                .map(|value| value.dates_in(self.style.dates))
                .collect(),
        };
        match &mut self.held {
            Held::All(rows) => rows.push(row),
            Held::Ends { head, tail, half } => {
                if head.len() < *half {
                    head.push(row);
                } else {
                    if tail.len() == *half {
                        tail.pop_front();
                    }
                    tail.push_back(row);
                }
            }
            Held::Nothing => {
                let mut pending = std::mem::take(&mut self.pending);
                self.print_row(&mut pending, &row)?;
                if pending.len() >= BLOCK {
                    out.write_all(&pending)?;
                    pending.clear();
                }
                self.pending = pending;
            }
        }
        Ok(())
    }

    fn print_row(&self, out: &mut Vec<u8>, row: &[Value]) -> io::Result<()> {
        match self.style.format {
            Format::Csv => csv_record(out, row.iter().map(cell)),
            Format::Json => {
                let record = RowRecord::new(&self.columns, row);
                let text = serde_json::to_string_pretty(&record).map_err(io::Error::other)?;
                let lead = if self.count == 1 { "\n" } else { ",\n" };
                write!(out, "{lead}  {}", text.replace('\n', "\n  "))
            }
            Format::Jsonl => {
                let record = RowRecord::new(&self.columns, row);
                serde_json::to_writer(&mut *out, &record).map_err(io::Error::other)?;
                writeln!(out)
            }
            Format::Line => {
                if self.count > 1 {
                    writeln!(out)?;
                }
                let width = self
                    .columns
                    .iter()
                    .map(|c| c.chars().count())
                    .max()
                    .unwrap_or(0);
                for (column, value) in self.columns.iter().zip(row) {
                    writeln!(out, "{column:>width$} = {}", cell(value))?;
                }
                Ok(())
            }
            Format::Table | Format::Box | Format::Markdown => Ok(()),
            Format::Svg | Format::Html | Format::Dot => Ok(()),
        }
    }

    /// The rows held, for a picture, which the session draws.
    pub fn into_rows(self, note: Option<String>) -> Rows {
        let rows = match self.held {
            Held::All(rows) => rows,
            Held::Ends { head, tail, .. } => head.into_iter().chain(tail).collect(),
            Held::Nothing => Vec::new(),
        };
        Rows {
            columns: self.columns,
            rows,
            note,
        }
    }

    /// Ends the rows: the table, with how many rows there were and how many are shown; the
    /// close of a JSON array; the answer's note.
    pub fn end(self, out: &mut dyn Write, note: Option<String>) -> io::Result<()> {
        let RowPrinter {
            style,
            columns,
            held,
            count,
            pending,
        } = self;
        out.write_all(&pending)?;
        match style.format {
            Format::Json if count == 0 => writeln!(out, "]")?,
            Format::Json => writeln!(out, "\n]")?,
            _ => {}
        }
        let (rows, elided) = match held {
            // Only tables show a question's note.
            Held::Nothing => return Ok(()),
            Held::All(rows) => (rows, 0),
            Held::Ends { head, tail, .. } => {
                let elided = count - head.len() - tail.len();
                let mut rows = head;
                if elided > 0 {
                    rows.push(columns.iter().map(|_| Value::Text("…".into())).collect());
                }
                rows.extend(tail);
                (rows, elided)
            }
        };
        let table = Rows {
            columns,
            rows,
            note,
        };
        match elided {
            0 => print_rows(out, &table, style),
            _ => print_part(out, &table, style, count),
        }
    }
}

/// One CSV record (RFC 4180 quoting), written at once.
fn csv_record<I>(out: &mut dyn Write, fields: I) -> io::Result<()>
where
    I: IntoIterator,
    I::Item: AsRef<[u8]>,
{
    let mut writer = csv::WriterBuilder::new()
        .buffer_capacity(1024)
        .from_writer(out);
    writer.write_record(fields).map_err(io::Error::other)?;
    writer.flush()
}
