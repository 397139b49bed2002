//! Meetings along time: a lane per participant (or per side), each date drawn at its own
//! precision — a day a point, a month, a year or a range a bar across it, an approximate
//! date with soft edges — and undated meetings in a strip of their own.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::exchange::Snapshot;
use crate::model::{Certainty, DateSpan, Meeting};
use crate::rows::{Rows, Value};

use super::describe::{actor_name, meeting_lines};
use super::svg::{escape, num, open, title};
use super::Lanes;

const LEFT: f64 = 180.0;
const PLOT: f64 = 760.0;
const TOP: f64 = 40.0;
const LANE: f64 = 34.0;
const UNDATED: f64 = 180.0;
const LEGEND: f64 = 70.0;

/// One meeting of the rows, as the rows give it (a view may have changed its date and
/// status), with its record when the snapshot has it.
struct Item<'a> {
    handle: String,
    date: Option<DateSpan>,
    status: String,
    meeting: Option<&'a Meeting>,
    /// The lanes it is drawn on, with whether the participant there is only possible.
    lanes: Vec<(usize, bool)>,
}

/// The meetings of the rows, once each, in the rows' order, and the lanes' labels.
fn items<'a>(rows: &Rows, snapshot: &'a Snapshot, lanes: Lanes) -> (Vec<Item<'a>>, Vec<String>) {
    let by_handle: BTreeMap<&str, &Meeting> = snapshot
        .meetings
        .values()
        .map(|m| (m.handle.as_str(), m))
        .collect();
    let (meeting, date, status) = (
        rows.column("meeting"),
        rows.column("date"),
        rows.column("status"),
    );
    let mut labels: Vec<String> = Vec::new();
    let mut lane_of: BTreeMap<Option<u64>, usize> = BTreeMap::new();
    let mut items: Vec<Item<'a>> = Vec::new();
    for row in &rows.rows {
        let Some(Value::Text(handle)) = meeting.and_then(|i| row.get(i)) else {
            continue;
        };
        if items.iter().any(|i| &i.handle == handle) {
            continue;
        }
        let record = by_handle.get(handle.as_str()).copied();
        let date = match date.and_then(|i| row.get(i)) {
            Some(Value::Date(d)) => Some(*d),
            Some(_) => None,
            None => record.and_then(|m| m.date),
        };
        let status = match status.and_then(|i| row.get(i)) {
            Some(Value::Text(s)) => s.clone(),
            _ => record.map_or_else(|| "occurred".to_string(), |m| m.status.to_string()),
        };
        let mut on = Vec::new();
        for p in record
            .map(|m| m.participants.as_slice())
            .unwrap_or_default()
        {
            let key = match lanes {
                Lanes::Actors => Some(p.actor.get()),
                Lanes::Sides => p.side.map(|s| s.get()),
            };
            let lane = *lane_of.entry(key).or_insert_with(|| {
                labels
                    .push(key.map_or_else(|| "no side".to_string(), |id| actor_name(snapshot, id)));
                labels.len() - 1
            });
            let uncertain = p.certainty != Certainty::Confirmed;
            match on.iter_mut().find(|(l, _)| *l == lane) {
                // On a side's lane, one confirmed participant makes the meeting certain.
                Some((_, u)) => *u = *u && uncertain,
                None => on.push((lane, uncertain)),
            }
        }
        if on.is_empty() {
            let lane = *lane_of.entry(None).or_insert_with(|| {
                labels.push("no participant known".to_string());
                labels.len() - 1
            });
            on.push((lane, false));
        }
        items.push(Item {
            handle: handle.clone(),
            date,
            status,
            meeting: record,
            lanes: on,
        });
    }
    (items, labels)
}

/// The horizontal scale: first day shown, and how many days the plot spans.
struct Scale {
    first: i32,
    days: f64,
}

impl Scale {
    fn of(items: &[Item<'_>]) -> Option<Scale> {
        let dated = items.iter().filter_map(|i| i.date);
        let first = dated.clone().map(|d| d.first_day().0).min()?;
        let last = dated.map(|d| d.last_day().0).max()?;
        // A little room around, so that soft edges and points at the ends show whole.
        let pad = ((last - first) / 20).max(2);
        Some(Scale {
            first: first - pad,
            days: f64::from(last - first + 1 + 2 * pad),
        })
    }

    /// The x of the start of `day`.
    fn x(&self, day: i32) -> f64 {
        LEFT + f64::from(day - self.first) / self.days * PLOT
    }
}

/// The timeline of the meetings in `rows`.
pub(super) fn svg(rows: &Rows, snapshot: &Snapshot, lanes: Lanes) -> String {
    let (items, labels) = items(rows, snapshot, lanes);
    let scale = Scale::of(&items);
    let undated = items.iter().filter(|i| i.date.is_none()).count();
    let width = LEFT + PLOT + if undated > 0 { UNDATED } else { 20.0 };
    let height = TOP + LANE * labels.len().max(1) as f64 + LEGEND + 20.0;
    let mut out = String::new();
    open(&mut out, "timeline", width, height);
    out.push_str(DEFS);
    if items.is_empty() {
        out.push_str("<text x=\"20\" y=\"30\">no meetings</text>\n</svg>\n");
        return out;
    }
    for (i, label) in labels.iter().enumerate() {
        let y = lane_y(i);
        let _ = writeln!(
            out,
            "<g class=\"lane\"><line class=\"axis\" x1=\"{l}\" y1=\"{y}\" x2=\"{r}\" y2=\"{y}\"/>\
             <text class=\"lane-label\" x=\"8\" y=\"{ty}\">{}</text></g>",
            escape(label),
            l = num(LEFT),
            r = num(width - 10.0),
            y = num(y),
            ty = num(y + 4.0),
        );
    }
    if let Some(scale) = &scale {
        axis(&mut out, scale, lane_y(labels.len()) - LANE / 2.0);
    }
    if undated > 0 {
        let x = LEFT + PLOT + 20.0;
        let _ = writeln!(
            out,
            "<g class=\"undated-strip\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" \
             fill=\"#f4f4f4\"/><text x=\"{}\" y=\"{}\">undated</text></g>",
            num(x - 8.0),
            num(TOP - 14.0),
            num(UNDATED - 14.0),
            num(LANE * labels.len() as f64 + 8.0),
            num(x),
            num(TOP - 18.0),
        );
    }
    let mut undated_seen = 0;
    for (n, item) in items.iter().enumerate() {
        let extent = match (item.date, &scale) {
            (Some(date), Some(scale)) => Extent::Dated(date, scale),
            _ => {
                undated_seen += 1;
                Extent::Undated(undated_seen - 1)
            }
        };
        // Dates alternate above and below their lane, so that close dates do not overlap.
        meeting(&mut out, item, extent, snapshot, n % 2 == 1);
    }
    legend(&mut out, lane_y(labels.len()) + 10.0);
    out.push_str("</svg>\n");
    out
}

fn lane_y(i: usize) -> f64 {
    TOP + LANE * i as f64 + LANE / 2.0
}

/// Where a meeting lies across.
enum Extent<'s> {
    Dated(DateSpan, &'s Scale),
    /// The n-th undated meeting.
    Undated(usize),
}

/// One meeting: a group with its tooltip, a mark on each of its lanes, its date once.
fn meeting(
    out: &mut String,
    item: &Item<'_>,
    extent: Extent<'_>,
    snapshot: &Snapshot,
    date_below: bool,
) {
    let (precision, approximate, date_text) = match item.date {
        Some(d) => (precision_word(&d), d.is_approximate(), d.to_string()),
        None => ("undated", false, String::new()),
    };
    let soft = if approximate { " approximate" } else { "" };
    let _ =
        write!(
        out,
        "<g class=\"meeting status-{status} precision-{precision}{soft}\" data-meeting=\"{h}\" \
         data-date=\"{d}\">{t}",
        status = escape(&item.status),
        h = escape(&item.handle),
        d = escape(&date_text),
        t = title(&meeting_lines(&item.handle, &date_text, &item.status, item.meeting, snapshot)),
    );
    let (x1, x2) = match &extent {
        Extent::Dated(date, scale) => (scale.x(date.first_day().0), scale.x(date.last_day().0 + 1)),
        Extent::Undated(n) => {
            let x = LEFT + PLOT + 26.0 + 16.0 * (*n % 9) as f64;
            (x - 5.0, x + 5.0)
        }
    };
    let point = precision == "day" || precision == "undated";
    let struck = matches!(item.status.as_str(), "ruled_out" | "denied" | "cancelled");
    for &(lane, uncertain) in &item.lanes {
        let y = lane_y(lane);
        let class = if uncertain {
            "lane-mark uncertain"
        } else {
            "lane-mark"
        };
        let _ = write!(out, "<g class=\"{class}\">");
        if approximate {
            // Soft edges: a faded band reaching past the date on both sides.
            let reach = ((x2 - x1) * 0.4).max(8.0);
            let _ = write!(
                out,
                "<rect class=\"soft\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"14\" fill=\"url(#soft)\"/>",
                num(x1 - reach),
                num(y - 7.0),
                num(x2 - x1 + 2.0 * reach),
            );
        }
        let cx = (x1 + x2) / 2.0;
        if point {
            let _ = write!(
                out,
                "<circle class=\"mark\" cx=\"{}\" cy=\"{}\" r=\"6\"/>",
                num(cx),
                num(y)
            );
        } else {
            let _ = write!(
                out,
                "<rect class=\"mark\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"10\" rx=\"3\"/>",
                num(x1),
                num(y - 5.0),
                num((x2 - x1).max(3.0)),
            );
        }
        if struck {
            let _ = write!(
                out,
                "<line class=\"strike\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
                num(cx - 7.0),
                num(y + 7.0),
                num(cx + 7.0),
                num(y - 7.0),
            );
        }
        out.push_str("</g>");
    }
    if let Some(&(lane, _)) = item.lanes.first() {
        let label = if date_text.is_empty() {
            "undated".to_string()
        } else {
            date_text
        };
        let _ = write!(
            out,
            "<text class=\"date\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            num((x1 + x2) / 2.0),
            num(lane_y(lane) + if date_below { 17.0 } else { -9.0 }),
            escape(&label),
        );
    }
    out.push_str("</g>\n");
}

/// The class word of a date's precision.
fn precision_word(date: &DateSpan) -> &'static str {
    date.precision().as_str()
}

/// Ticks at the start of each month (or each year, over a long span), labelled.
fn axis(out: &mut String, scale: &Scale, bottom: f64) {
    let last = scale.first + scale.days as i32;
    let long = scale.days > 3.0 * 366.0;
    let mut ticks = Vec::new();
    let mut day = scale.first;
    while day <= last && ticks.len() < 400 {
        let iso = crate::model::Day(day).iso();
        let starts = if long {
            iso.ends_with("-01-01")
        } else {
            iso.ends_with("-01")
        };
        if starts {
            ticks.push((
                day,
                if long {
                    iso[..4].to_string()
                } else {
                    iso[..7].to_string()
                },
            ));
        }
        day += 1;
    }
    out.push_str("<g class=\"time-axis\">");
    for (day, label) in ticks {
        let x = scale.x(day);
        let _ = write!(
            out,
            "<line class=\"axis\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\"/>\
             <text class=\"date\" x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            num(TOP - 12.0),
            num(bottom),
            num(TOP - 16.0),
            escape(&label),
            x = num(x),
        );
    }
    out.push_str("</g>\n");
}

/// The gradient that draws an approximate date's soft edges.
const DEFS: &str = "<defs><linearGradient id=\"soft\" x1=\"0\" x2=\"1\" y1=\"0\" y2=\"0\">\
<stop offset=\"0\" stop-color=\"#0072b2\" stop-opacity=\"0\"/>\
<stop offset=\"0.3\" stop-color=\"#0072b2\" stop-opacity=\"0.35\"/>\
<stop offset=\"0.7\" stop-color=\"#0072b2\" stop-opacity=\"0.35\"/>\
<stop offset=\"1\" stop-color=\"#0072b2\" stop-opacity=\"0\"/></linearGradient></defs>\n";

/// What each look means.
fn legend(out: &mut String, top: f64) {
    let entries: [(&str, &str, bool); 7] = [
        ("status-occurred", "occurred", true),
        ("status-planned", "planned", true),
        ("status-possible", "possible", true),
        ("status-ruled_out", "ruled out, denied or cancelled", true),
        ("status-occurred uncertain", "possible participant", true),
        ("status-occurred", "a month, a year or a range", false),
        (
            "status-occurred approximate",
            "approximate (soft edges)",
            false,
        ),
    ];
    out.push_str("<g class=\"legend\">");
    for (i, (class, label, point)) in entries.iter().enumerate() {
        let x = LEFT + (i % 4) as f64 * 190.0;
        let y = top + 14.0 + (i / 4) as f64 * 22.0;
        let _ = write!(out, "<g class=\"{class}\">");
        if *point {
            let _ = write!(
                out,
                "<circle class=\"mark\" cx=\"{}\" cy=\"{}\" r=\"6\"/>",
                num(x),
                num(y)
            );
        } else {
            let _ = write!(
                out,
                "<rect class=\"mark\" x=\"{}\" y=\"{}\" width=\"20\" height=\"10\" rx=\"3\"/>",
                num(x - 10.0),
                num(y - 5.0),
            );
        }
        if class.contains("ruled_out") {
            let _ = write!(
                out,
                "<line class=\"strike\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
                num(x - 7.0),
                num(y + 7.0),
                num(x + 7.0),
                num(y - 7.0),
            );
        }
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\">{}</text></g>",
            num(x + 14.0),
            num(y + 4.0),
            escape(label)
        );
    }
    out.push_str("</g>\n");
}
