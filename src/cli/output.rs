//! Printing rows: a table fitted to the terminal (light or box-drawn), a GitHub markdown table,
//! RFC 4180 CSV, one JSON document per statement, one JSON object per line, or one
//! `column = value` per line.

use std::io::{self, Write};

use comfy_table::{presets, ContentArrangement, Table};
use entrevue::{DateStyle, Rows, Value};

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
    /// A picture as SVG: a timeline of meetings, a network of actors, a chain for `path`.
    Svg,
    /// The same picture in one self-contained HTML page (a table for other answers).
    Html,
    /// The network of actors as a Graphviz DOT graph.
    Dot,
}

/// Every format, in the order usage messages list them.
pub const FORMATS: [Format; 10] = [
    Format::Table,
    Format::Box,
    Format::Markdown,
    Format::Line,
    Format::Csv,
    Format::Json,
    Format::Jsonl,
    Format::Svg,
    Format::Html,
    Format::Dot,
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
            Format::Svg => "svg",
            Format::Html => "html",
            Format::Dot => "dot",
        }
    }

    /// The picture format this is, if it draws one: a picture needs the database as well as
    /// the rows, so the session draws it, not the printer.
    pub fn picture(self) -> Option<entrevue::picture::PictureFormat> {
        use entrevue::picture::PictureFormat;
        match self {
            Format::Svg => Some(PictureFormat::Svg),
            Format::Html => Some(PictureFormat::Html),
            Format::Dot => Some(PictureFormat::Dot),
            _ => None,
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
    /// How dates are written (`.dates`, `--dates`).
    pub dates: DateStyle,
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
    let in_style;
    let rows = match style.dates {
        DateStyle::Text => rows,
        dates => {
            in_style = rows.clone().dates_in(dates);
            &in_style
        }
    };
    match style.format {
        Format::Table | Format::Box | Format::Markdown => print_table(out, rows, style, None)?,
        Format::Line => print_lines(out, rows)?,
        // Drawn by the session, which has the database.
        Format::Svg | Format::Html | Format::Dot => {}
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
        // The cells are wrapped here, to widths chosen here (`fitted`): comfy-table's own
        // arrangement breaks words (a date, a status) and gives empty columns full width.
        table.set_content_arrangement(ContentArrangement::Disabled);
        table.load_style(match style.format {
            Format::Markdown => presets::ASCII_MARKDOWN,
            Format::Box => presets::UTF8_FULL,
            _ => presets::UTF8_FULL_CONDENSED,
        });
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
        let mut header = style.headers.then(|| rows.columns.clone());
        let mut body: Vec<Vec<String>> = rows
            .rows
            .iter()
            .map(|row| row.iter().map(text).collect())
            .collect();
        // Wrapping a cell over several lines would break a markdown table.
        let tight = match (style.width, markdown) {
            (Some(width), false) => fit(header.as_mut(), &mut body, usize::from(width)),
            _ => false,
        };
        if let Some(header) = header {
            table.set_header(header);
        }
        for row in body {
            table.add_row(row);
        }
        if tight {
            for column in table.column_iter_mut() {
                column.set_padding((0, 0));
            }
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

/// Wraps the cells of a table (header included) so that it is at most `width` columns wide,
/// when it can be: each cell is wrapped to its column's width from [`column_widths`]. Returns
/// whether the columns go without their padding: when with it there is no room for every
/// value's longest word.
fn fit(header: Option<&mut Vec<String>>, body: &mut [Vec<String>], width: usize) -> bool {
    let columns = header
        .as_ref()
        .map(|h| h.len())
        .or_else(|| body.first().map(Vec::len))
        .unwrap_or(0);
    if columns == 0 {
        return false;
    }
    let mut natural = vec![0; columns];
    let mut header_word = vec![0; columns];
    let mut body_word = vec![0; columns];
    for (i, cell) in header
        .iter()
        .flat_map(|h| h.iter())
        .enumerate()
        .take(columns)
    {
        natural[i] = text_width(cell);
        header_word[i] = word_width(cell);
    }
    for row in body.iter() {
        for (i, cell) in row.iter().enumerate().take(columns) {
            natural[i] = natural[i].max(text_width(cell));
            body_word[i] = body_word[i].max(word_width(cell));
        }
    }
    let whole_words: Vec<usize> = header_word
        .iter()
        .zip(&body_word)
        .map(|(h, b)| *h.max(b))
        .collect();
    // Each column has a rule on its left (and the last one on its right too), and one space
    // of padding on either side, in both table styles.
    let mut room = width.saturating_sub(3 * columns + 1);
    let mut tight = false;
    let least: usize = natural
        .iter()
        .zip(&body_word)
        .map(|(&n, &w)| w.clamp(1, n.max(1)))
        .sum();
    if least > room {
        // Cells without padding still read apart, between their rules; words cut do not.
        room = width.saturating_sub(columns + 1);
        tight = true;
    }
    // Better a header cut than a value: a date or a name cut in two reads as another.
    let widths = column_widths(&natural, &[&whole_words, &body_word], room);
    if widths == natural {
        return tight;
    }
    let wrap_row = |row: &mut Vec<String>| {
        for (cell, &width) in row.iter_mut().zip(&widths) {
            *cell = wrap(cell, width);
        }
    };
    if let Some(header) = header {
        wrap_row(header);
    }
    body.iter_mut().for_each(wrap_row);
    tight
}

/// The display width of a cell: that of its longest line.
fn text_width(text: &str) -> usize {
    text.lines()
        .map(textwrap::core::display_width)
        .max()
        .unwrap_or(0)
}

/// The display width of the longest word of a cell (words are separated by spaces and line
/// breaks).
fn word_width(text: &str) -> usize {
    text.split([' ', '\n'])
        .map(textwrap::core::display_width)
        .max()
        .unwrap_or(0)
}

/// How wide each column may be, given its natural width (its widest cell, header included)
/// and `room` columns for all of them together.
///
/// When every column fits whole, each gets its natural width. Otherwise every column gets at
/// least its `floors` (the width of its longest word: of the first list that fits in `room`),
/// so that no such word is cut, and the room left goes first to the columns that need least
/// to be whole: narrow columns (a date, a status, a count) stay whole, and long text shares
/// what remains. Only when no list of floors fits are words cut, each column getting an even
/// share (up to its longest word), the narrowest kept whole first. A column is never narrower
/// than 1.
fn column_widths(natural: &[usize], floors: &[&[usize]], room: usize) -> Vec<usize> {
    let natural: Vec<usize> = natural.iter().map(|&n| n.max(1)).collect();
    if natural.iter().sum::<usize>() <= room {
        return natural;
    }
    let mut floor = natural.clone();
    for words in floors {
        floor = natural
            .iter()
            .zip(words.iter())
            .map(|(&n, &w)| w.clamp(1, n))
            .collect();
        if floor.iter().sum::<usize>() <= room {
            return share(floor, &natural, room);
        }
    }
    share(vec![1; natural.len()], &floor, room)
}

/// Widens `widths` towards `wanted`, spending at most what `room` leaves over their sum: the
/// columns wanting least are served first, whole, while they want no more than an even share;
/// those wanting more share the rest evenly.
fn share(mut widths: Vec<usize>, wanted: &[usize], room: usize) -> Vec<usize> {
    let mut left = room.saturating_sub(widths.iter().sum());
    let need = |i: usize, widths: &[usize]| wanted[i].saturating_sub(widths[i]);
    let mut order: Vec<usize> = (0..widths.len()).collect();
    order.sort_by_key(|&i| need(i, &widths));
    for (served, &i) in order.iter().enumerate() {
        let waiting = order.len() - served;
        let given = need(i, &widths).min(left / waiting.max(1));
        widths[i] += given;
        left -= given;
    }
    // What integer division left over goes, a column at a time, to the widest wants.
    for &i in order.iter().rev() {
        let given = need(i, &widths).min(left);
        widths[i] += given;
        left -= given;
    }
    widths
}

/// Wraps text to lines at most `width` wide, breaking only between words, except a word that
/// is alone wider than `width`. Existing line breaks are kept.
fn wrap(text: &str, width: usize) -> String {
    let options = textwrap::Options::new(width.max(1))
        .break_words(true)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .wrap_algorithm(textwrap::WrapAlgorithm::FirstFit);
    textwrap::wrap(text, options).join("\n")
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

#[cfg(test)]
mod tests {
    use super::{column_widths, wrap};
    use proptest::prelude::*;

    #[test]
    fn a_date_a_status_and_a_handle_are_never_split() {
        assert_eq!(wrap("2025-11-30", 10), "2025-11-30");
        assert_eq!(wrap("occurred in Miami", 9), "occurred\nin Miami");
        assert_eq!(wrap("#12224 and #7", 7), "#12224\nand #7");
        // Only a word wider than the column is cut.
        assert_eq!(wrap("Kirill Dmitriev", 4), "Kiri\nll\nDmit\nriev");
        assert_eq!(wrap("", 5), "");
    }

    #[test]
    fn narrow_columns_keep_their_width_and_long_text_wraps() {
        // meeting, date, status, participants: the long text takes what is left.
        let natural = [3, 10, 8, 80];
        let words = [3, 10, 8, 9];
        assert_eq!(column_widths(&natural, &[&words], 200), natural);
        assert_eq!(column_widths(&natural, &[&words], 40), [3, 10, 8, 19]);
        // An empty column is as wide as its header.
        assert_eq!(column_widths(&[4, 30], &[&[4, 6]], 20), [4, 16]);
        assert_eq!(column_widths(&[4, 0], &[&[4, 0]], 2), [1, 1]);
        // A header is cut before a value is.
        let headers = [7, 10, 12];
        let values = [3, 10, 9];
        assert_eq!(
            column_widths(&[7, 10, 60], &[&headers, &values], 25),
            [4, 10, 11]
        );
    }

    #[test]
    fn words_are_cut_only_when_the_longest_do_not_fit() {
        assert_eq!(column_widths(&[10, 30], &[&[10, 12]], 15), [7, 8]);
        assert_eq!(column_widths(&[3, 10, 30], &[&[3, 10, 12]], 15), [3, 6, 6]);
        assert_eq!(column_widths(&[10, 30], &[&[10, 12]], 0), [1, 1]);
    }

    proptest! {
        #[test]
        fn wrapping_keeps_all_text_and_whole_words(
            words in proptest::collection::vec("[a-zé0-9#:-]{1,12}", 0..12),
            width in 1usize..30,
        ) {
            let text = words.join(" ");
            let wrapped = wrap(&text, width);
            // No text is lost: only line breaks come in, in place of a space or inside a word
            // too wide for the column.
            prop_assert_eq!(wrapped.replace(['\n', ' '], ""), text.replace(' ', ""));
            for line in wrapped.lines() {
                prop_assert!(line.chars().count() <= width, "{:?} wider than {}", line, width);
            }
            // A word that fits is on one line.
            let pieces: Vec<&str> = wrapped.split([' ', '\n']).collect();
            for word in words.iter().filter(|w| w.chars().count() <= width) {
                prop_assert!(pieces.contains(&word.as_str()), "{:?} split in {:?}", word, wrapped);
            }
        }

        #[test]
        fn column_widths_fit_the_room_and_spare_words(
            columns in proptest::collection::vec((0usize..40, 0usize..40), 1..8),
            room in 0usize..120,
        ) {
            let natural: Vec<usize> = columns.iter().map(|&(a, b)| a.max(b)).collect();
            let words: Vec<usize> = columns.iter().map(|&(a, b)| a.min(b)).collect();
            let widths = column_widths(&natural, &[&words], room);
            prop_assert_eq!(widths.len(), natural.len());
            let total: usize = widths.iter().sum();
            prop_assert!(total <= room.max(natural.len()));
            for i in 0..widths.len() {
                prop_assert!(widths[i] >= 1 && widths[i] <= natural[i].max(1));
            }
            let floors: usize = words.iter().zip(&natural).map(|(&w, &n)| w.clamp(1, n.max(1))).sum();
            if floors <= room {
                for i in 0..widths.len() {
                    prop_assert!(widths[i] >= words[i], "column {} cut: {:?}", i, widths);
                }
            }
        }
    }
}
