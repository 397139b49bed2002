//! The table bundle: the database as eight plain tables (docs/TABLES.md is their contract),
//! whatever file format writes them. Each table is named with its columns and their types,
//! and [`visit`] hands a [`Sink`] every row of every table, reading the records in id order
//! from one read: one record at a time, so a database of any size goes through in bounded
//! memory.
//!
//! Texts are what Entrevue prints (the rows' own formatting); "met" is the query layer's
//! [`Member`], counted as `who met` counts by default.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::error::Result;
use crate::model::{Actor, DateSpan, Day, Document, Meeting, Place, Relation, SourceRef, Status};
use crate::query::{bound_of, Member};
use crate::rows::Value;
use crate::storage::Reader;

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A 64-bit integer: ids.
    Int64,
    /// A 32-bit integer: positions and depths.
    Int32,
    /// UTF-8 text.
    Text,
    /// A calendar day.
    Date,
    /// A list of texts.
    TextList,
}

/// A column: its name, what it holds, and whether it may be empty (null).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Column {
    pub name: &'static str,
    pub kind: Kind,
    pub nullable: bool,
}

const fn column(name: &'static str, kind: Kind) -> Column {
    Column {
        name,
        kind,
        nullable: false,
    }
}

const fn nullable(name: &'static str, kind: Kind) -> Column {
    Column {
        name,
        kind,
        nullable: true,
    }
}

use Kind::{Date, Int32, Int64, Text, TextList};

/// The tables, in the order [`visit`] first writes to them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Table {
    Actors,
    Places,
    Documents,
    Meetings,
    Participation,
    Sources,
    Relations,
    Met,
}

impl Table {
    /// Every table.
    pub(crate) const ALL: [Table; 8] = [
        Table::Actors,
        Table::Places,
        Table::Documents,
        Table::Meetings,
        Table::Participation,
        Table::Sources,
        Table::Relations,
        Table::Met,
    ];

    /// The table's name: its file's name, without the extension.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Table::Actors => "actors",
            Table::Places => "places",
            Table::Documents => "documents",
            Table::Meetings => "meetings",
            Table::Participation => "participation",
            Table::Sources => "sources",
            Table::Relations => "relations",
            Table::Met => "met",
        }
    }

    /// The table's columns, in order.
    pub(crate) fn columns(self) -> &'static [Column] {
        match self {
            Table::Actors => {
                const COLUMNS: &[Column] = &[
                    column("id", Int64),
                    column("handle", Text),
                    column("name", Text),
                    column("kind", Text),
                    nullable("affiliation", Int64),
                    column("aliases", TextList),
                ];
                COLUMNS
            }
            Table::Places => {
                const COLUMNS: &[Column] = &[
                    column("id", Int64),
                    column("handle", Text),
                    column("name", Text),
                    column("kind", Text),
                    nullable("parent", Int64),
                    column("depth", Int32),
                    column("aliases", TextList),
                ];
                COLUMNS
            }
            Table::Documents => {
                const COLUMNS: &[Column] = &[
                    column("id", Int64),
                    column("handle", Text),
                    column("title", Text),
                    nullable("outlet", Text),
                    nullable("language", Text),
                    nullable("published", Text),
                    nullable("published_first", Date),
                    nullable("published_last", Date),
                    nullable("url", Text),
                    nullable("file", Text),
                ];
                COLUMNS
            }
            Table::Meetings => {
                const COLUMNS: &[Column] = &[
                    column("id", Int64),
                    column("handle", Text),
                    column("kind", Text),
                    nullable("date", Text),
                    nullable("edtf", Text),
                    nullable("first_day", Date),
                    nullable("last_day", Date),
                    nullable("precision", Text),
                    nullable("before", Date),
                    column("status", Text),
                    nullable("place", Int64),
                    nullable("summary", Text),
                ];
                COLUMNS
            }
            Table::Participation => {
                const COLUMNS: &[Column] = &[
                    column("meeting", Int64),
                    column("position", Int32),
                    column("actor", Int64),
                    nullable("side", Int64),
                    nullable("role", Text),
                    column("certainty", Text),
                ];
                COLUMNS
            }
            Table::Sources => {
                const COLUMNS: &[Column] = &[
                    column("record_kind", Text),
                    column("record", Int64),
                    column("position", Int32),
                    column("document", Int64),
                    column("quote", Text),
                    nullable("says_status", Text),
                    nullable("says_date", Text),
                ];
                COLUMNS
            }
            Table::Relations => {
                const COLUMNS: &[Column] = &[
                    column("id", Int64),
                    column("handle", Text),
                    column("subject", Int64),
                    column("predicate", Text),
                    column("object", Int64),
                    nullable("during", Text),
                    nullable("first_day", Date),
                    nullable("last_day", Date),
                ];
                COLUMNS
            }
            Table::Met => {
                const COLUMNS: &[Column] = &[
                    column("src", Int64),
                    column("dst", Int64),
                    column("meeting", Int64),
                    nullable("first_day", Date),
                ];
                COLUMNS
            }
        }
    }
}

/// One value of a row, of its column's [`Kind`].
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Cell<'a> {
    Null,
    Int(i64),
    Text(Cow<'a, str>),
    Date(Day),
    List(&'a [String]),
}

/// Where the rows go.
pub(crate) trait Sink {
    /// One row of `table`, a cell per column.
    fn row(&mut self, table: Table, cells: &[Cell<'_>]) -> Result<()>;
}

/// An id as a cell: ids are at most `MAX_ID` = 2^48 − 1, exact in an `i64`.
fn id(id: u64) -> Cell<'static> {
    Cell::Int(id as i64)
}

fn optional_id(value: Option<u64>) -> Cell<'static> {
    value.map_or(Cell::Null, id)
}

/// A position within a record: lists are far shorter than 2^31.
fn position(index: usize) -> Cell<'static> {
    Cell::Int(index as i64)
}

fn text(value: &str) -> Cell<'_> {
    Cell::Text(Cow::Borrowed(value))
}

fn optional_text(value: Option<&str>) -> Cell<'_> {
    value.map_or(Cell::Null, text)
}

fn owned(value: String) -> Cell<'static> {
    Cell::Text(Cow::Owned(value))
}

/// A date as Entrevue prints it.
fn printed(date: Option<DateSpan>) -> Cell<'static> {
    date.map_or(Cell::Null, |d| owned(Value::Date(d).to_string()))
}

fn first_day(date: Option<DateSpan>) -> Cell<'static> {
    date.map_or(Cell::Null, |d| Cell::Date(d.first_day()))
}

fn last_day(date: Option<DateSpan>) -> Cell<'static> {
    date.map_or(Cell::Null, |d| Cell::Date(d.last_day()))
}

/// Hands `sink` every row of every table, from the records `reader` sees.
pub(crate) fn visit(reader: &Reader<'_>, sink: &mut dyn Sink) -> Result<()> {
    actors(reader, sink)?;
    places(reader, sink)?;
    documents(reader, sink)?;
    meetings(reader, sink)?;
    relations(reader, sink)
}

fn actors(reader: &Reader<'_>, sink: &mut dyn Sink) -> Result<()> {
    for record in reader.all::<Actor>() {
        let (key, a) = record?;
        sink.row(
            Table::Actors,
            &[
                id(key.get()),
                text(&a.handle),
                text(&a.name),
                text(a.kind.as_str()),
                optional_id(a.affiliation.map(|x| x.get())),
                Cell::List(&a.aliases),
            ],
        )?;
    }
    Ok(())
}

fn places(reader: &Reader<'_>, sink: &mut dyn Sink) -> Result<()> {
    // A parent may come after its place in id order: the tree is read first, ids only.
    let mut parents: HashMap<u64, u64> = HashMap::new();
    for record in reader.all::<Place>() {
        let (key, p) = record?;
        if let Some(parent) = p.parent {
            parents.insert(key.get(), parent.get());
        }
    }
    for record in reader.all::<Place>() {
        let (key, p) = record?;
        // The tree has no cycle and is at most 64 deep (a write invariant).
        let mut depth = 0;
        let mut at = key.get();
        while let Some(parent) = parents.get(&at) {
            depth += 1;
            at = *parent;
        }
        sink.row(
            Table::Places,
            &[
                id(key.get()),
                text(&p.handle),
                text(&p.name),
                text(p.kind.as_str()),
                optional_id(p.parent.map(|x| x.get())),
                Cell::Int(depth),
                Cell::List(&p.aliases),
            ],
        )?;
    }
    Ok(())
}

fn documents(reader: &Reader<'_>, sink: &mut dyn Sink) -> Result<()> {
    for record in reader.all::<Document>() {
        let (key, d) = record?;
        sink.row(
            Table::Documents,
            &[
                id(key.get()),
                text(&d.handle),
                text(&d.title),
                optional_text(d.outlet.as_deref()),
                optional_text(d.language.as_deref()),
                printed(d.published),
                first_day(d.published),
                last_day(d.published),
                optional_text(d.url.as_deref()),
                optional_text(d.file.as_deref()),
            ],
        )?;
    }
    Ok(())
}

/// Meetings, with their participants, sources and the pairs who met there.
fn meetings(reader: &Reader<'_>, sink: &mut dyn Sink) -> Result<()> {
    for record in reader.all::<Meeting>() {
        let (key, m) = record?;
        let key = key.get();
        let bound = bound_of(&m, &mut |document| {
            Ok(reader.get(document)?.and_then(|d: Document| d.published))
        })?;
        let date = match (m.date, bound) {
            (Some(d), _) => printed(Some(d)),
            (None, Some(day)) => owned(Value::Before(day).to_string()),
            (None, None) => Cell::Null,
        };
        let precision = m.date.map_or(Cell::Null, |d| {
            text(if d.is_approximate() {
                "approximate"
            } else {
                d.precision().as_str()
            })
        });
        sink.row(
            Table::Meetings,
            &[
                id(key),
                text(&m.handle),
                text(&m.kind),
                date,
                m.date.map_or(Cell::Null, |d| owned(d.edtf())),
                first_day(m.date),
                last_day(m.date),
                precision,
                bound.map_or(Cell::Null, Cell::Date),
                text(m.status.as_str()),
                optional_id(m.place.map(|x| x.get())),
                optional_text(m.summary.as_deref()),
            ],
        )?;
        participation(key, &m, sink)?;
        sources("meeting", key, &m.sources, sink)?;
        met(key, &m, sink)?;
    }
    Ok(())
}

fn participation(meeting: u64, m: &Meeting, sink: &mut dyn Sink) -> Result<()> {
    for (index, p) in m.participants.iter().enumerate() {
        sink.row(
            Table::Participation,
            &[
                id(meeting),
                position(index),
                id(p.actor.get()),
                optional_id(p.side.map(|x| x.get())),
                optional_text(p.role.as_deref()),
                text(p.certainty.as_str()),
            ],
        )?;
    }
    Ok(())
}

fn sources(kind: &'static str, record: u64, refs: &[SourceRef], sink: &mut dyn Sink) -> Result<()> {
    for (index, s) in refs.iter().enumerate() {
        sink.row(
            Table::Sources,
            &[
                text(kind),
                id(record),
                position(index),
                id(s.document.get()),
                text(&s.quote),
                s.says_status.map_or(Cell::Null, |x| text(x.as_str())),
                printed(s.says_date),
            ],
        )?;
    }
    Ok(())
}

/// Both directions of every pair who met at an occurred meeting, by the rule `who met`
/// counts with (confirmed participants), in (src, dst) order.
fn met(meeting: u64, m: &Meeting, sink: &mut dyn Sink) -> Result<()> {
    if m.status != Status::Occurred {
        return Ok(());
    }
    let cast: Vec<Member> = Member::cast_of(m)
        .into_iter()
        .filter(|x| x.counts(false))
        .collect();
    for a in &cast {
        for b in &cast {
            if a.actor != b.actor && a.met(b) {
                sink.row(
                    Table::Met,
                    &[id(a.actor), id(b.actor), id(meeting), first_day(m.date)],
                )?;
            }
        }
    }
    Ok(())
}

fn relations(reader: &Reader<'_>, sink: &mut dyn Sink) -> Result<()> {
    for record in reader.all::<Relation>() {
        let (key, r) = record?;
        sink.row(
            Table::Relations,
            &[
                id(key.get()),
                text(&r.handle),
                id(r.subject.get()),
                text(&r.predicate),
                id(r.object.get()),
                printed(r.during),
                first_day(r.during),
                last_day(r.during),
            ],
        )?;
        sources("relation", key.get(), &r.sources, sink)?;
    }
    Ok(())
}
