//! Neo4j bulk-import CSV (`neo4j-admin database import full`): one file per node label and per
//! relationship type, headers in the import tool's notation (`:ID`, `:LABEL`, `:START_ID`,
//! `:END_ID`, `:TYPE`, `name:string[]` arrays split on `;`, its default). Ids are global
//! (`actor:witkoff`, `meeting:m02`), so one id space serves every file.

use crate::error::Result;
use crate::model::{Actor, Document, Meeting, Place, Relation, SourceRef};

use super::files::{NewDirectory, NewFile};
use super::records::{Names, Records};

/// A CSV file being written, a row at a time.
struct Table {
    name: &'static str,
    writer: csv::Writer<NewFile>,
    rows: usize,
}

impl Table {
    fn new(dir: &NewDirectory, name: &'static str, header: &[&str]) -> Result<Table> {
        let mut table = Table {
            name,
            writer: csv::Writer::from_writer(dir.file(name)?),
            rows: 0,
        };
        table.row(header)?;
        table.rows = 0;
        Ok(table)
    }

    fn row<S: AsRef<[u8]>>(&mut self, fields: &[S]) -> Result<()> {
        self.rows += 1;
        self.writer
            .write_record(fields)
            .map_err(|e| self.writer.get_ref().failed(e))
    }

    /// The file whole on disk: its name and how many rows it has.
    fn finish(self) -> Result<(String, usize)> {
        let file = self.writer.into_inner().map_err(|e| {
            let error = e.error().to_string();
            e.into_inner().get_ref().failed(error)
        })?;
        file.finish()?;
        Ok((self.name.to_string(), self.rows))
    }
}

fn opt<T: ToString>(value: &Option<T>) -> String {
    value.as_ref().map_or(String::new(), ToString::to_string)
}

/// A file written: its name and how many rows it has.
type Written = (String, usize);

/// Every file, into the new directory `dir`, each row written as its record is read.
pub(super) fn write(records: &impl Records, dir: NewDirectory) -> Result<Vec<Written>> {
    let names = Names::of(records)?;
    let mut out = actors(records, &names, &dir)?;
    out.extend(places(records, &names, &dir)?);
    out.extend(meetings(records, &names, &dir)?);
    out.push(relations(records, &names, &dir)?);
    dir.finish();
    Ok(out)
}

fn id(kind: &str, handle: &str) -> String {
    format!("{kind}:{handle}")
}

/// The node id of the actor `i`, or nothing when it is not there.
fn actor_id(names: &Names, i: crate::model::Id<Actor>) -> String {
    names
        .actor(i)
        .map_or(String::new(), |a| id("actor", &a.handle))
}

/// Actors and their affiliations.
fn actors(records: &impl Records, names: &Names, dir: &NewDirectory) -> Result<Vec<Written>> {
    let mut t = Table::new(
        dir,
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
    let mut affiliated = Table::new(
        dir,
        "affiliated_with.csv",
        &[":START_ID", ":END_ID", ":TYPE"],
    )?;
    records.each(|_, a: &Actor| {
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
                actor_id(names, to),
                "AFFILIATED_WITH".into(),
            ])?;
        }
        Ok(())
    })?;
    Ok(vec![t.finish()?, affiliated.finish()?])
}

/// Places, their parents, and documents.
fn places(records: &impl Records, names: &Names, dir: &NewDirectory) -> Result<Vec<Written>> {
    let mut t = Table::new(
        dir,
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
    let mut inside = Table::new(dir, "inside.csv", &[":START_ID", ":END_ID", ":TYPE"])?;
    records.each(|_, p: &Place| {
        t.row(&[
            id("place", &p.handle),
            p.handle.clone(),
            p.name.clone(),
            p.kind.to_string(),
            p.aliases.join(";"),
            "Place".into(),
        ])?;
        if let Some(parent) = p.parent.and_then(|i| names.place(i)) {
            inside.row(&[
                id("place", &p.handle),
                id("place", &parent.handle),
                "INSIDE".into(),
            ])?;
        }
        Ok(())
    })?;
    let mut out = vec![t.finish()?, inside.finish()?];
    let mut t = Table::new(
        dir,
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
    records.each(|_, d: &Document| {
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
        ])
    })?;
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
fn meetings(records: &impl Records, names: &Names, dir: &NewDirectory) -> Result<Vec<Written>> {
    let mut t = Table::new(
        dir,
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
        dir,
        "participated_in.csv",
        &[":START_ID", ":END_ID", ":TYPE", "side", "role", "certainty"],
    )?;
    let mut held = Table::new(dir, "held_at.csv", &[":START_ID", ":END_ID", ":TYPE"])?;
    let mut sources = Table::new(
        dir,
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
    records.each(|_, m: &Meeting| {
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
                .and_then(|i| names.actor(i))
                .map_or(String::new(), |a| a.handle.clone());
            part.row(&[
                actor_id(names, p.actor),
                mid.clone(),
                "PARTICIPATED_IN".into(),
                side,
                opt(&p.role),
                p.certainty.to_string(),
            ])?;
        }
        if let Some(place) = m.place.and_then(|i| names.place(i)) {
            held.row(&[
                mid.clone(),
                format!("place:{}", place.handle),
                "HELD_AT".into(),
            ])?;
        }
        source_rows(names, &mut sources, &mid, &m.sources)
    })?;
    Ok(vec![
        t.finish()?,
        part.finish()?,
        held.finish()?,
        sources.finish()?,
    ])
}

/// Relations, with their documents' handles.
fn relations(records: &impl Records, names: &Names, dir: &NewDirectory) -> Result<Written> {
    let mut rel = Table::new(
        dir,
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
    records.each(|_, r: &Relation| {
        let docs: Vec<&str> = r
            .sources
            .iter()
            .filter_map(|x| names.document(x.document))
            .collect();
        rel.row(&[
            actor_id(names, r.subject),
            actor_id(names, r.object),
            r.predicate.to_uppercase(),
            r.handle.clone(),
            r.predicate.clone(),
            opt(&r.during),
            docs.join(";"),
        ])
    })?;
    rel.finish()
}

fn source_rows(names: &Names, t: &mut Table, from: &str, refs: &[SourceRef]) -> Result<()> {
    for r in refs {
        let Some(d) = names.document(r.document) else {
            continue;
        };
        t.row(&[
            from.to_string(),
            format!("document:{d}"),
            "SOURCED_BY".into(),
            r.quote.clone(),
            opt(&r.says_status),
            opt(&r.says_date),
        ])?;
    }
    Ok(())
}
