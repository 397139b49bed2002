//! `explain`: a plan as an indented tree, outermost step first, each with the index or records
//! it reads.

use std::fmt;

use super::plan::{Column, Input, Meetings, Pairing, Plan, Predicate, Scan, Sourced, View};
use crate::model::{DateSpan, Status};

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_plan(self, f, 0)
    }
}

fn statuses(list: &[Status]) -> String {
    list.iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn during(d: Option<&DateSpan>) -> String {
    d.map(|d| format!(" during {d}")).unwrap_or_default()
}

fn certainty(any: bool) -> &'static str {
    if any {
        "any certainty"
    } else {
        "confirmed"
    }
}

const FROM_PARTICIPANTS: &str = "participants in actor-list entries, else meeting records";

fn write_plan(plan: &Plan, f: &mut fmt::Formatter<'_>, depth: usize) -> fmt::Result {
    let pad = "  ".repeat(depth);
    match plan {
        Plan::Project(input, columns) => {
            let names: Vec<&str> = columns.iter().map(Column::name).collect();
            writeln!(f, "{pad}Project {}", names.join(", "))?;
            write_input(input, f, depth + 1)
        }
        Plan::Sort(input, keys) => {
            let keys: Vec<String> = keys
                .iter()
                .map(|k| {
                    let direction = if k.descending { " desc" } else { "" };
                    format!("column {}{direction}", k.column + 1)
                })
                .collect();
            writeln!(f, "{pad}Sort by {}", keys.join(", "))?;
            write_plan(input, f, depth + 1)
        }
        Plan::Limit(input, n) => {
            writeln!(f, "{pad}Limit {n}")?;
            write_plan(input, f, depth + 1)
        }
        Plan::Keep(input, columns) => {
            let list: Vec<String> = columns.iter().map(|c| (c + 1).to_string()).collect();
            writeln!(f, "{pad}Keep columns {}", list.join(", "))?;
            write_plan(input, f, depth + 1)
        }
        Plan::Path(p) => {
            let place = p
                .inside
                .as_ref()
                .map(|(p, _)| format!(" in {p}"))
                .unwrap_or_default();
            let (order, search) = match p.time_order {
                true => (
                    ", each meeting no earlier than the one before (dated meetings only)",
                    "breadth-first search from the first actor",
                ),
                false => ("", "bidirectional breadth-first search"),
            };
            writeln!(
                f,
                "{pad}Shortest path from {} to {} over \"met\", at most {} hops, meetings with status in ({}){place}{}{order}{}   [{search} over actor_meetings and meeting records{}]",
                p.from,
                p.to,
                p.max_hops,
                statuses(&p.counted.statuses),
                during(p.during.as_ref()),
                seen_as(p.view.as_ref()),
                reads_for(p.view.as_ref()),
            )
        }
        Plan::Profile(a, view) => writeln!(
            f,
            "{pad}Profile of {a}{}   [actor record, names, refs, actor_meetings{}]",
            seen_as(view.as_ref()),
            reads_for(view.as_ref()),
        ),
        Plan::Sources(Sourced::Meeting(m)) => writeln!(
            f,
            "{pad}Sources of meeting {m}   [meeting record, document records]"
        ),
        Plan::Sources(Sourced::Relation(r)) => writeln!(
            f,
            "{pad}Sources of relation {r}   [relation record, document records]"
        ),
        Plan::Quotes(search) => {
            let clauses: Vec<String> = search.clauses.iter().map(|c| c.join(" ")).collect();
            let kept = match &search.view {
                None => String::new(),
                Some(View::AsOf(date)) => format!(", published by {date}"),
                Some(View::According(document)) => format!(", of {document}"),
            };
            writeln!(
                f,
                "{pad}Texts matching {clauses:?} by BM25 score{kept}   [index terms: each stem's postings and count; the records of the hits, document records]"
            )
        }
        Plan::Disputes(Some(m)) => writeln!(
            f,
            "{pad}Disputes of {m}   [meeting record, document records]"
        ),
        Plan::Disputes(None) => writeln!(
            f,
            "{pad}Disputes of every meeting   [index date_meetings, every meeting record, document records]"
        ),
        Plan::Relations(a, min_sources) => writeln!(
            f,
            "{pad}Relations of {a}{}   [refs, relation records]",
            min_sources
                .map(|n| format!(" with at least {n} sources"))
                .unwrap_or_default()
        ),
        Plan::Reported(d) => writeln!(
            f,
            "{pad}Reported by {d}   [refs, meeting and relation records]"
        ),
        Plan::PlaceProfile(p, view) => writeln!(
            f,
            "{pad}Profile of place {p}{}   [place record, places inside, place_meetings{}]",
            seen_as(view.as_ref()),
            reads_for(view.as_ref()),
        ),
    }
}

fn write_input(input: &Input, f: &mut fmt::Formatter<'_>, depth: usize) -> fmt::Result {
    match input {
        Input::Meetings(meetings) => write_meetings(meetings, f, depth),
        Input::Counts(count) => {
            let pad = "  ".repeat(depth);
            writeln!(f, "{pad}Count meetings per actor")?;
            let who = match count.pairing {
                Pairing::Counterparts => "participants who met",
                Pairing::Companions => "participants on the same side as",
                Pairing::OnSide => "participants on the side of",
            };
            writeln!(
                f,
                "{pad}  Expand to {who} {} ({})   [{FROM_PARTICIPANTS}]",
                count.anchor,
                certainty(count.any_certainty)
            )?;
            write_meetings(&count.meetings, f, depth + 2)
        }
    }
}

/// The filters, the last tested outermost, then the scan under them.
fn write_meetings(meetings: &Meetings, f: &mut fmt::Formatter<'_>, depth: usize) -> fmt::Result {
    let mut depth = depth;
    for predicate in meetings.filters.iter().rev() {
        let pad = "  ".repeat(depth);
        let (text, source) = match predicate {
            Predicate::Status(s) => (format!("status in ({})", statuses(s)), "posting entries"),
            Predicate::Inside(p, all) => (
                format!(
                    "place is {p} or one of the {} places inside it",
                    all.len() - 1
                ),
                "posting entries",
            ),
            Predicate::Attended(a, any) => (
                format!("{a} took part ({})", certainty(*any)),
                FROM_PARTICIPANTS,
            ),
            Predicate::Met(a, b, any) => (
                format!(
                    "{a} met {b}: different sides or a side unknown ({})",
                    certainty(*any)
                ),
                FROM_PARTICIPANTS,
            ),
            Predicate::MinSources(n) => (
                format!("at least {n} documents report it"),
                "meeting records, document records under `as of`",
            ),
            Predicate::MinParticipants(n) => (
                format!("at least {n} confirmed participants"),
                FROM_PARTICIPANTS,
            ),
        };
        writeln!(f, "{pad}Filter {text}   [{source}]")?;
        depth += 1;
    }
    if let Some(view) = &meetings.view {
        let pad = "  ".repeat(depth);
        let whose = whose(view);
        writeln!(
            f,
            "{pad}View each meeting {whose}   [every meeting record of the list, document records; gathered and sorted by date]"
        )?;
        depth += 1;
    }
    let pad = "  ".repeat(depth);
    match &meetings.scan {
        Scan::Actor(a, d) => writeln!(
            f,
            "{pad}Scan meetings of {a}{}   [index actor_meetings, by date]",
            during(d.as_ref())
        ),
        Scan::Places(p, all, d) => writeln!(
            f,
            "{pad}Scan meetings in {p} and the {} places inside it{}   [index place_meetings, merged by date]",
            all.len() - 1,
            during(d.as_ref())
        ),
        Scan::All(d) => writeln!(
            f,
            "{pad}Scan all meetings{}   [index date_meetings]",
            during(d.as_ref())
        ),
    }
}

/// Whose account a view takes of each meeting.
fn whose(view: &View) -> String {
    match view {
        View::AsOf(date) => format!("as the latest documents published by {date} report it"),
        View::According(document) => format!("as {document} reports it"),
    }
}

/// ", each meeting as … reports it" when there is a view.
fn seen_as(view: Option<&View>) -> String {
    view.map(|v| format!(", each meeting {}", whose(v)))
        .unwrap_or_default()
}

/// What a view reads besides the lists.
fn reads_for(view: Option<&View>) -> &'static str {
    match view {
        Some(_) => ", meeting and document records",
        None => "",
    }
}
