//! Neo4j bulk-import CSV (`neo4j-admin database import full`): one file per node label and per
//! relationship type, headers in the import tool's notation (`:ID`, `:LABEL`, `:START_ID`,
//! `:END_ID`, `:TYPE`, `name:string[]` arrays split on `;`, its default). Ids are global
//! (`actor:witkoff`, `meeting:m02`), so one id space serves every file.

use crate::error::{Error, Result};
use crate::model::SourceRef;

use super::Snapshot;

/// A CSV file being written into memory.
struct Table {
    name: &'static str,
    writer: csv::Writer<Vec<u8>>,
    rows: usize,
}

impl Table {
    fn new(name: &'static str, header: &[&str]) -> Result<Table> {
        let mut table = Table {
            name,
            writer: csv::Writer::from_writer(Vec::new()),
            rows: 0,
        };
        table.row(header)?;
        table.rows = 0;
        Ok(table)
    }

    fn row<S: AsRef<[u8]>>(&mut self, fields: &[S]) -> Result<()> {
        self.rows += 1;
        self.writer.write_record(fields).map_err(|e| {
            Error::Internal(format!(
                "writing the Neo4j file {} into memory failed: {e}",
                self.name
            ))
        })
    }

    fn finish(self) -> Result<(String, String, usize)> {
        let name = self.name;
        let bytes = self.writer.into_inner().map_err(|e| {
            Error::Internal(format!(
                "writing the Neo4j file {name} into memory failed: {e}"
            ))
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            Error::Internal(format!("the Neo4j file {name} is not UTF-8 text: {e}"))
        })?;
        Ok((name.to_string(), text, self.rows))
    }
}

fn opt<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map_or(String::new(), ToString::to_string)
}

/// A file: its name, its text, and how many rows it has.
type File = (String, String, usize);

/// Every file.
pub(super) fn write(s: &Snapshot) -> Result<Vec<File>> {
    let mut out = actors(s)?;
    out.extend(places(s)?);
    out.extend(meetings(s)?);
    out.push(relations(s)?);
    Ok(out)
}

/// Actors and their affiliations.
fn actors(s: &Snapshot) -> Result<Vec<File>> {
    let id = |kind: &str, handle: &str| format!("{kind}:{handle}");
    let actor = |i: u64| {
        s.actors
            .get(&i)
            .map_or(String::new(), |a| id("actor", &a.handle))
    };
    let mut out = Vec::new();
    let mut t = Table::new(
        "actors.csv",
        &[
            "id:ID",
            "handle",
            "name",
            "kind",
            "aliases:string[]",
            "titles:string[]",
            ":LABEL",
        ],
    )?;
    let mut affiliated = Table::new("affiliated_with.csv", &[":START_ID", ":END_ID", ":TYPE"])?;
    for a in s.actors.values() {
        let titles: Vec<&str> = a.titles.iter().map(|t| t.text.as_str()).collect();
        let label = format!("Actor;{}", capitalised(a.kind.as_str()));
        t.row(&[
            id("actor", &a.handle),
            a.handle.clone(),
            a.name.clone(),
            a.kind.to_string(),
            a.aliases.join(";"),
            titles.join(";"),
            label,
        ])?;
        if let Some(to) = a.affiliation {
            affiliated.row(&[
                id("actor", &a.handle),
                actor(to.get()),
                "AFFILIATED_WITH".into(),
            ])?;
        }
    }
    out.push(t.finish()?);
    out.push(affiliated.finish()?);
    Ok(out)
}

/// Places, their parents, and documents.
fn places(s: &Snapshot) -> Result<Vec<File>> {
    let id = |kind: &str, handle: &str| format!("{kind}:{handle}");
    let mut out = Vec::new();
    let mut t = Table::new(
        "places.csv",
        &[
            "id:ID",
            "handle",
            "name",
            "kind",
            "aliases:string[]",
            ":LABEL",
        ],
    )?;
    let mut inside = Table::new("inside.csv", &[":START_ID", ":END_ID", ":TYPE"])?;
    for p in s.places.values() {
        t.row(&[
            id("place", &p.handle),
            p.handle.clone(),
            p.name.clone(),
            p.kind.to_string(),
            p.aliases.join(";"),
            "Place".into(),
        ])?;
        if let Some(parent) = p.parent.and_then(|i| s.places.get(&i.get())) {
            inside.row(&[
                id("place", &p.handle),
                id("place", &parent.handle),
                "INSIDE".into(),
            ])?;
        }
    }
    out.push(t.finish()?);
    out.push(inside.finish()?);
    let mut t = Table::new(
        "documents.csv",
        &[
            "id:ID",
            "handle",
            "title",
            "outlet",
            "language",
            "published",
            "url",
            "file",
            ":LABEL",
        ],
    )?;
    for d in s.documents.values() {
        t.row(&[
            id("document", &d.handle),
            d.handle.clone(),
            d.title.clone(),
            opt(&d.outlet),
            opt(&d.language),
            opt(&d.published),
            opt(&d.url),
            opt(&d.file),
            "Document".into(),
        ])?;
    }
    out.push(t.finish()?);
    Ok(out)
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Meetings, their participants, places and sources.
fn meetings(s: &Snapshot) -> Result<Vec<File>> {
    let actor = |i: u64| {
        s.actors
            .get(&i)
            .map_or(String::new(), |a| format!("actor:{}", a.handle))
    };
    let mut t = Table::new(
        "meetings.csv",
        &[
            "id:ID",
            "handle",
            "kind",
            "date",
            "first_day:date",
            "last_day:date",
            "status",
            "summary",
            ":LABEL",
        ],
    )?;
    let mut part = Table::new(
        "participated_in.csv",
        &[":START_ID", ":END_ID", ":TYPE", "side", "role", "certainty"],
    )?;
    let mut held = Table::new("held_at.csv", &[":START_ID", ":END_ID", ":TYPE"])?;
    let mut sources = Table::new(
        "sourced_by.csv",
        &[
            ":START_ID",
            ":END_ID",
            ":TYPE",
            "quote",
            "says_status",
            "says_date",
        ],
    )?;
    for m in s.meetings.values() {
        let mid = format!("meeting:{}", m.handle);
        let (first, last) = m
            .date
            .as_ref()
            .map(super::ftm::day_bounds)
            .unwrap_or_default();
        t.row(&[
            mid.clone(),
            m.handle.clone(),
            m.kind.clone(),
            opt(&m.date),
            first,
            last,
            m.status.to_string(),
            opt(&m.summary),
            "Meeting".into(),
        ])?;
        for p in &m.participants {
            let side = p
                .side
                .and_then(|i| s.actors.get(&i.get()))
                .map_or(String::new(), |a| a.handle.clone());
            part.row(&[
                actor(p.actor.get()),
                mid.clone(),
                "PARTICIPATED_IN".into(),
                side,
                opt(&p.role),
                p.certainty.to_string(),
            ])?;
        }
        if let Some(place) = m.place.and_then(|i| s.places.get(&i.get())) {
            held.row(&[
                mid.clone(),
                format!("place:{}", place.handle),
                "HELD_AT".into(),
            ])?;
        }
        source_rows(s, &mut sources, &mid, &m.sources)?;
    }
    Ok(vec![
        t.finish()?,
        part.finish()?,
        held.finish()?,
        sources.finish()?,
    ])
}

/// Relations, with their documents' handles.
fn relations(s: &Snapshot) -> Result<File> {
    let actor = |i: u64| {
        s.actors
            .get(&i)
            .map_or(String::new(), |a| format!("actor:{}", a.handle))
    };
    let mut rel = Table::new(
        "relations.csv",
        &[
            ":START_ID",
            ":END_ID",
            ":TYPE",
            "handle",
            "predicate",
            "during",
            "sources:string[]",
        ],
    )?;
    for r in s.relations.values() {
        let docs: Vec<&str> = r
            .sources
            .iter()
            .filter_map(|x| s.documents.get(&x.document.get()))
            .map(|d| d.handle.as_str())
            .collect();
        rel.row(&[
            actor(r.subject.get()),
            actor(r.object.get()),
            r.predicate.to_uppercase(),
            r.handle.clone(),
            r.predicate.clone(),
            opt(&r.during),
            docs.join(";"),
        ])?;
    }
    rel.finish()
}

fn source_rows(s: &Snapshot, t: &mut Table, from: &str, refs: &[SourceRef]) -> Result<()> {
    for r in refs {
        let Some(d) = s.documents.get(&r.document.get()) else {
            continue;
        };
        t.row(&[
            from.to_string(),
            format!("document:{}", d.handle),
            "SOURCED_BY".into(),
            r.quote.clone(),
            opt(&r.says_status),
            opt(&r.says_date),
        ])?;
    }
    Ok(())
}
