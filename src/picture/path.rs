//! A chain of meetings (`path`) drawn left to right: each actor a box, each step an arrow
//! to the next actor labelled with its meeting and date.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::exchange::Snapshot;
use crate::model::Meeting;
use crate::rows::Rows;

use super::describe::meeting_lines;
use super::svg::{escape, num, open, title};

const STEP: f64 = 230.0;
const BOX: f64 = 150.0;
const Y: f64 = 70.0;

/// The chain of the rows, in their order.
pub(super) fn svg(rows: &Rows, snapshot: &Snapshot) -> String {
    let by_handle: BTreeMap<&str, &Meeting> = snapshot
        .meetings
        .values()
        .map(|m| (m.handle.as_str(), m))
        .collect();
    let text = |row: &[crate::rows::Value], name: &str| {
        rows.column(name)
            .and_then(|i| row.get(i))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    let mut actors: Vec<String> = Vec::new();
    for row in &rows.rows {
        if actors.is_empty() {
            actors.push(text(row, "from"));
        }
        actors.push(text(row, "to"));
    }
    let width = 40.0 + STEP * actors.len().max(1) as f64;
    let mut out = String::new();
    open(&mut out, "path", width, 150.0);
    out.push_str(
        "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" \
         markerHeight=\"8\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker></defs>\n",
    );
    if rows.rows.is_empty() {
        let note = rows.note.as_deref().unwrap_or("no chain");
        let _ = writeln!(
            out,
            "<text x=\"20\" y=\"30\">{}</text>\n</svg>",
            escape(note)
        );
        return out;
    }
    for (i, actor) in actors.iter().enumerate() {
        let x = 20.0 + STEP * i as f64;
        let _ = writeln!(
            out,
            "<g class=\"actor\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"34\" rx=\"6\" \
             fill=\"#e8f1f8\" stroke=\"#0072b2\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text></g>",
            num(x),
            num(Y - 17.0),
            num(BOX),
            num(x + BOX / 2.0),
            num(Y + 4.0),
            escape(actor),
        );
    }
    for (i, row) in rows.rows.iter().enumerate() {
        let handle = text(row, "meeting");
        let date = text(row, "date");
        let status = match text(row, "status") {
            s if s.is_empty() => "occurred".to_string(),
            s => s,
        };
        let x1 = 20.0 + STEP * i as f64 + BOX;
        let x2 = x1 + STEP - BOX;
        let tip = meeting_lines(
            &handle,
            &date,
            &status,
            by_handle.get(handle.as_str()).copied(),
            snapshot,
        );
        let _ = writeln!(
            out,
            "<g class=\"step meeting status-{s}\" data-meeting=\"{h}\" data-date=\"{d}\">{t}\
             <line class=\"mark\" x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#555\" \
             stroke-width=\"2\" marker-end=\"url(#arrow)\"/>\
             <text x=\"{m}\" y=\"{}\" text-anchor=\"middle\">#{h}</text>\
             <text class=\"date\" x=\"{m}\" y=\"{}\" text-anchor=\"middle\">{d}</text></g>",
            num(x1 + 2.0),
            num(x2 - 2.0),
            num(Y - 26.0),
            num(Y + 32.0),
            s = escape(&status),
            h = escape(&handle),
            d = escape(&date),
            t = title(&tip),
            y = num(Y),
            m = num((x1 + x2) / 2.0),
        );
    }
    out.push_str("</svg>\n");
    out
}
