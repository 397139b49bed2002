//! Printing rows: a table fitted to the terminal (light or box-drawn), a GitHub markdown table,
//! RFC 4180 CSV, one JSON document per statement, one JSON object per line, or one
//! `column = value` per line.

use std::io::{self, Write};

use comfy_table::{presets, ContentArrangement, Table};
use entrevue::{Rows, Value};

/// An output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table with borders, fitted to the terminal.
    Table,
    /// Comma-separated values with a header line (RFC 4180).
    Csv,
    /// One JSON array of objects per statement.
    Json,
    /// One JSON object per row, one per line.
    Jsonl,
    /// A table drawn with Unicode box characters, every row ruled.
    Box,
    /// A GitHub markdown table.
    Markdown,
    /// One `column = value` per line, a blank line between rows.
    Line,
}

/// Every format, in the order usage messages list them.
pub const FORMATS: [Format; 7] = [
    Format::Table,
    Format::Box,
    Format::Markdown,
    Format::Line,
    Format::Csv,
    Format::Json,
    Format::Jsonl,
];

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Box => "box",
            Format::Markdown => "markdown",
            Format::Line => "line",
        }
    }

    pub fn from_name(name: &str) -> Option<Format> {
        FORMATS.into_iter().find(|f| f.name() == name)
    }
}

/// How rows are printed.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub format: Format,
    pub headers: bool,
    /// The terminal's width, when printing to one.
    pub width: Option<u16>,
}

/// A value as one cell of text: lists joined with "; " so they stay one CSV field.
pub fn cell(value: &Value) -> String {
    match value {
        Value::List(items) => items.join("; "),
        other => other.to_string(),
    }
}

/// Prints one statement's rows. Rows without columns (the result of a write) print nothing.
pub fn print_rows(out: &mut dyn Write, rows: &Rows, style: Style) -> io::Result<()> {
    if rows.columns.is_empty() {
        return Ok(());
    }
    match style.format {
        Format::Table | Format::Box | Format::Markdown => print_table(out, rows, style, None)?,
        Format::Line => print_lines(out, rows)?,
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(out);
            if style.headers {
                writer
                    .write_record(&rows.columns)
                    .map_err(io::Error::other)?;
            }
            for row in &rows.rows {
                writer
                    .write_record(row.iter().map(cell))
                    .map_err(io::Error::other)?;
            }
            writer.flush()?;
        }
        Format::Json => {
            let records: Vec<_> = rows.records().collect();
            serde_json::to_writer_pretty(&mut *out, &records).map_err(io::Error::other)?;
            writeln!(out)?;
        }
        Format::Jsonl => {
            for record in rows.records() {
                serde_json::to_writer(&mut *out, &record).map_err(io::Error::other)?;
                writeln!(out)?;
            }
        }
    }
    Ok(())
}

/// Some of a table's rows (the first and last, with a row of `…` between them), and a footer
/// saying that there were `total`.
pub fn print_part(out: &mut dyn Write, rows: &Rows, style: Style, total: usize) -> io::Result<()> {
    print_table(out, rows, style, Some(total))
}

/// A table: light rules (`table`), box drawing (`box`) or GitHub markdown (`markdown`); the
/// rows it shows are all there were unless `total` says otherwise.
fn print_table(
    out: &mut dyn Write,
    rows: &Rows,
    style: Style,
    total: Option<usize>,
) -> io::Result<()> {
    let markdown = style.format == Format::Markdown;
    if rows.is_empty() && !markdown {
        writeln!(out, "(no rows)")?;
    } else {
        let mut table = Table::new();
        if markdown {
            // Wrapping a cell over several lines would break the markdown table.
            table.load_style(presets::ASCII_MARKDOWN);
            table.set_content_arrangement(ContentArrangement::Disabled);
        } else {
            table.load_style(if style.format == Format::Box {
                presets::UTF8_FULL
            } else {
                presets::UTF8_FULL_CONDENSED
            });
            table.set_content_arrangement(ContentArrangement::Dynamic);
            if let Some(width) = style.width {
                table.set_width(width);
            }
        }
        let text = |v: &Value| {
            let text = match v {
                Value::List(items) => items.join(", "),
                other => other.to_string(),
            };
            if markdown {
                // A `|` would end the cell, a line break the row.
                text.replace('|', "\\|").replace('\n', " ")
            } else {
                text
            }
        };
        if style.headers {
            table.set_header(&rows.columns);
        }
        for row in &rows.rows {
            table.add_row(row.iter().map(text));
        }
        // Line by line, so that an interrupt stops a long table part-way.
        for line in table.lines() {
            writeln!(out, "{line}")?;
        }
        match total {
            Some(total) => {
                let shown = rows.len().saturating_sub(1);
                writeln!(
                    out,
                    "{total} rows ({shown} shown; .maxrows N shows N, .maxrows 0 all)"
                )?;
            }
            None if style.format == Format::Table => {
                let n = rows.len();
                writeln!(out, "{n} row{}", if n == 1 { "" } else { "s" })?;
            }
            None => {}
        }
    }
    if let Some(note) = &rows.note {
        writeln!(out, "{note}")?;
    }
    Ok(())
}

/// One `column = value` per line, the names aligned on the right, a blank line between rows.
fn print_lines(out: &mut dyn Write, rows: &Rows) -> io::Result<()> {
    let width = rows
        .columns
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(0);
    for (i, row) in rows.rows.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        for (column, value) in rows.columns.iter().zip(row) {
            writeln!(out, "{column:>width$} = {}", cell(value))?;
        }
    }
    Ok(())
}
