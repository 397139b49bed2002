//! Rows that give no picture, as a plain table.

use std::fmt::Write;

use crate::rows::{Rows, Value};

use super::svg::{escape, num};

/// A value as one cell: lists joined with "; ".
fn cell(value: &Value) -> String {
    match value {
        Value::List(items) => items.join("; "),
        other => other.to_string(),
    }
}

/// An HTML table, every cell escaped.
pub(super) fn html(rows: &Rows) -> String {
    let mut out = String::from("<table>\n<thead><tr>");
    for column in &rows.columns {
        let _ = write!(out, "<th>{}</th>", escape(column));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &rows.rows {
        out.push_str("<tr>");
        for value in row {
            let _ = write!(out, "<td>{}</td>", escape(&cell(value)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    out
}

/// The same table inside an SVG document, for `svg` output of rows without a picture.
pub(super) fn svg(rows: &Rows) -> String {
    let height = 40.0 + 22.0 * (rows.rows.len() + 1) as f64;
    let width = 200.0 * rows.columns.len().max(1) as f64;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"table\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\"><foreignObject x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\">\
         <div xmlns=\"http://www.w3.org/1999/xhtml\">{}</div></foreignObject></svg>\n",
        html(rows),
        w = num(width),
        h = num(height),
    )
}
