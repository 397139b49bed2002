//! GDELT 2.0 event files: tab-separated, 61 columns, with or without a header line.
//!
//! Events of CAMEO root code 04 (consult: discuss, visit, host, meet, mediate, negotiate)
//! become meetings of their two actors, each on the side of its country (the actor whose
//! CAMEO code is the bare country code, or a country actor named by the code); the place is
//! the action's location as a tree — country, then ADM1 region, then city — named from
//! `ActionGeo_FullName`; the date is `SQLDATE`, a day; `SOURCEURL` is the document. Events that
//! repeat one meeting (same day, place and pair of actors) are merged into it, each event
//! kept as a source. Other events are left out, and counted in the report.
//!
//! Records are written as the file is read: actors, places and documents when first seen,
//! meetings a window at a time, so that a report repeating a meeting of the window costs
//! nothing more than a source; a report of a meeting already written updates it. What stays
//! in memory is the keys that find records again, never the records.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::engine::Transaction;
use crate::error::{Error, Result};
use crate::model::{
    check_name, Actor, ActorKind, DateSpan, Document, Id, Meeting, Participant, Place, PlaceKind,
    RecordKind, SourceRef,
};
use crate::query::CancellationToken;

use super::files::Lines;
use super::window::Window;
use super::{add_counted, at_line, written_at};

const COLUMNS: usize = 61;
const SQLDATE: usize = 1;
/// Code, name and country code of each actor.
const ACTORS: [(usize, usize, usize); 2] = [(5, 6, 7), (15, 16, 17)];
const EVENT_CODE: usize = 26;
const ROOT_CODE: usize = 28;
const GEO_TYPE: usize = 51;
const GEO_NAME: usize = 52;
const GEO_COUNTRY: usize = 53;
const GEO_ADM1: usize = 54;
const GEO_FEATURE: usize = 58;
const SOURCE_URL: usize = 60;

/// What makes two events one meeting: the day, the place (0: none) and the pair of actors.
type MergeKey = (DateSpan, u64, u64, u64);

/// The import under way: the transaction written into, and the keys that find its records.
struct Load<'t, 'db> {
    tx: &'t mut Transaction<'db>,
    file: &'t str,
    actors: HashMap<String, u64>,
    places: HashMap<String, u64>,
    documents: HashMap<String, u64>,
    /// The handles given to actors and places; meetings' are looked up in the transaction.
    handles: HashSet<(RecordKind, String)>,
    meetings: Window<MergeKey>,
    /// Records written per kind, in `RecordKind::ALL` order, but for meetings (`meetings`
    /// counts those).
    counts: [u64; 5],
}

impl Load<'_, '_> {
    /// Writes `record`, read at `line`: its id.
    fn add<R: crate::model::Record>(&mut self, record: R, line: usize) -> Result<u64> {
        add_counted(self.tx, self.file, line, &mut self.counts, record)
    }

    /// The id the next record of `kind` will get in a new database, for handles made of it.
    fn next(&self, kind: RecordKind) -> u64 {
        let written = RecordKind::ALL
            .iter()
            .position(|k| *k == kind)
            .and_then(|i| self.counts.get(i));
        written.copied().unwrap_or(0) + 1
    }
}

/// A handle from `text`: letters and digits, the rest as `-`, at most 60 long, made unique
/// against those `taken` says are.
fn handle(
    kind: RecordKind,
    text: &str,
    id: u64,
    mut taken: impl FnMut(&str) -> Result<bool>,
) -> Result<String> {
    let slug: String = text
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .take(60)
        .collect();
    let slug = slug.trim_matches('-');
    let mut h = if slug.is_empty() {
        format!("{}{id}", kind.handle_prefix())
    } else {
        slug.to_string()
    };
    let mut n = 2;
    while taken(&h)? {
        h = format!("{slug}-{n}");
        n += 1;
    }
    Ok(h)
}

/// One row, split, with where it is.
struct Row<'a> {
    fields: Vec<&'a str>,
    file: &'a str,
    line: usize,
}

impl Row<'_> {
    fn error(&self, message: impl std::fmt::Display) -> Error {
        at_line(self.file, self.line, message)
    }

    fn name(&self, column: usize, what: &str) -> Result<String> {
        check_name(self.fields[column].trim()).map_err(|e| {
            self.error(format!(
                "{what} '{}' cannot be a name: {e}",
                self.fields[column]
            ))
        })
    }

    fn date(&self) -> Result<DateSpan> {
        let text = self.fields[SQLDATE];
        let bad = || self.error(format!("SQLDATE '{text}' is not a date YYYYMMDD"));
        if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let number = |range: std::ops::Range<usize>| text[range].parse::<u16>().map_err(|_| bad());
        let (y, m, d) = (number(0..4)?, number(4..6)?, number(6..8)?);
        let year = i16::try_from(y).map_err(|_| bad())?;
        DateSpan::day(year, m as u8, d as u8)
            .map_err(|e| self.error(format!("SQLDATE '{text}': {e}")))
    }
}

/// Reads the file in two passes, a line at a time, writing the records into `tx` as they are
/// made: the first pass checks every row's columns and writes the countries' actors, so that
/// a country is named by its actor wherever it appears first; the second writes the
/// consultations. Returns the records written per kind, and what was left out.
pub(super) fn import(
    tx: &mut Transaction<'_>,
    path: &Path,
    file: &str,
    progress: &mut dyn FnMut(u64, u64),
    cancel: &CancellationToken,
) -> Result<([u64; 5], Vec<String>)> {
    let mut load = Load {
        tx,
        file,
        actors: HashMap::new(),
        places: HashMap::new(),
        documents: HashMap::new(),
        handles: HashSet::new(),
        meetings: Window::new(),
        counts: [0; 5],
    };
    // Actors that are countries (code = country code) name their country's side.
    each_row(path, file, 0, progress, cancel, |row| {
        for (code, name, country) in ACTORS {
            let c = row.fields[country];
            if !c.is_empty() && row.fields[code] == c && row.fields[ROOT_CODE] == "04" {
                let name = row.name(name, "the actor name")?;
                let key = format!("country:{c}");
                actor(&mut load, &key, &name, ActorKind::Country, row.line)?;
            }
        }
        Ok(())
    })?;
    let (mut other, mut lone) = (0, 0);
    each_row(path, file, 1, progress, cancel, |row| {
        if row.fields[ROOT_CODE] != "04" {
            other += 1;
        } else if row.fields[6].trim().is_empty() || row.fields[16].trim().is_empty() {
            lone += 1;
        } else {
            event(&mut load, row)?;
        }
        Ok(())
    })?;
    load.meetings.flush(load.tx, file)?;
    if let Some(count) = load.counts.get_mut(3) {
        *count = load.meetings.written();
    }
    let mut skipped = Vec::new();
    if other > 0 {
        skipped.push(format!(
            "{file}: {other} events of other CAMEO root codes than 04 (consult)"
        ));
    }
    if lone > 0 {
        skipped.push(format!(
            "{file}: {lone} consultations with only one named actor"
        ));
    }
    Ok((load.counts, skipped))
}

/// Calls `each` on every event row of pass `pass` (of two) over the file, each checked to have
/// its 61 columns; blank lines and a header line are passed over.
fn each_row(
    path: &Path,
    file: &str,
    pass: u64,
    progress: &mut dyn FnMut(u64, u64),
    cancel: &CancellationToken,
    mut each: impl FnMut(&Row<'_>) -> Result<()>,
) -> Result<()> {
    let mut lines = Lines::open(path, (pass, 2), progress, cancel)?;
    while let Some((n, line)) = lines.next_line()? {
        if line.is_empty() || (n == 1 && line.to_ascii_uppercase().starts_with("GLOBALEVENTID")) {
            continue;
        }
        let row = Row {
            fields: line.split('\t').collect(),
            file,
            line: n,
        };
        if row.fields.len() != COLUMNS {
            return Err(row.error(format!(
                "expected {COLUMNS} tab-separated columns (a GDELT 2.0 event), found {}",
                row.fields.len()
            )));
        }
        each(&row)?;
    }
    Ok(())
}

/// The actor with this key, written if new.
fn actor(
    load: &mut Load<'_, '_>,
    key: &str,
    name: &str,
    kind: ActorKind,
    line: usize,
) -> Result<u64> {
    if let Some(id) = load.actors.get(key) {
        return Ok(*id);
    }
    let taken = &load.handles;
    let h = handle(RecordKind::Actor, name, load.next(RecordKind::Actor), |h| {
        Ok(taken.contains(&(RecordKind::Actor, h.to_string())))
    })?;
    let id = load.add(Actor::new(kind, name).with_handle(&h), line)?;
    load.handles.insert((RecordKind::Actor, h));
    load.actors.insert(key.to_string(), id);
    Ok(id)
}

/// The place with this key, written if new.
fn place(
    load: &mut Load<'_, '_>,
    key: String,
    (name, kind): (&str, PlaceKind),
    parent: Option<u64>,
    line: usize,
) -> Result<u64> {
    if let Some(id) = load.places.get(&key) {
        return Ok(*id);
    }
    let taken = &load.handles;
    let h = handle(RecordKind::Place, name, load.next(RecordKind::Place), |h| {
        Ok(taken.contains(&(RecordKind::Place, h.to_string())))
    })?;
    let mut p = Place::new(kind, name).with_handle(&h);
    p.parent = parent.map(Id::new);
    let id = load.add(p, line)?;
    load.handles.insert((RecordKind::Place, h));
    load.places.insert(key, id);
    Ok(id)
}

/// The action's place: country, ADM1 region, city, as deep as the row says.
fn action_place(load: &mut Load<'_, '_>, row: &Row<'_>) -> Result<Option<u64>> {
    let country = row.fields[GEO_COUNTRY];
    let full = row.fields[GEO_NAME];
    if country.is_empty() || full.trim().is_empty() {
        return Ok(None);
    }
    let parts: Vec<&str> = full
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let named = |text: &str| {
        check_name(text).map_err(|e| {
            row.error(format!(
                "ActionGeo_FullName '{full}' cannot be a place name: {e}"
            ))
        })
    };
    let top = named(parts.last().copied().unwrap_or(country))?;
    let line = row.line;
    let mut at = place(
        load,
        format!("c:{country}"),
        (&top, PlaceKind::Country),
        None,
        line,
    )?;
    let kind = row.fields[GEO_TYPE];
    let adm1 = row.fields[GEO_ADM1];
    if kind != "1" && !adm1.is_empty() && adm1 != country && parts.len() >= 2 {
        let region = named(parts[parts.len() - 2])?;
        let key = format!("r:{adm1}");
        at = place(load, key, (&region, PlaceKind::Region), Some(at), line)?;
    }
    if (kind == "3" || kind == "4") && parts.len() >= 3 {
        let city = named(parts[0])?;
        let key = format!("p:{}:{}", row.fields[GEO_FEATURE], parts.join(","));
        at = place(load, key, (&city, PlaceKind::City), Some(at), line)?;
    }
    Ok(Some(at))
}

/// CAMEO 04x as a meeting's kind.
fn kind(code: &str) -> &'static str {
    match code {
        "041" => "call",
        "042" | "043" => "visit",
        "045" => "mediation",
        "046" => "talks",
        _ => "meeting",
    }
}

/// One consultation: a new meeting, or one more source of the same meeting.
fn event(load: &mut Load<'_, '_>, row: &Row<'_>) -> Result<()> {
    let date = row.date()?;
    let mut cast = Vec::new();
    for (code, name, country) in ACTORS {
        let name = row.name(name, "the actor name")?;
        let c = row.fields[country];
        let country_key = format!("country:{c}");
        let id = if !c.is_empty() && row.fields[code] == c {
            actor(load, &country_key, &name, ActorKind::Country, row.line)?
        } else {
            let key = format!("{}:{name}", row.fields[code]);
            actor(load, &key, &name, ActorKind::Organisation, row.line)?
        };
        let side = if c.is_empty() {
            None
        } else {
            Some(actor(load, &country_key, c, ActorKind::Country, row.line)?)
        };
        cast.push((id, side));
    }
    let place = action_place(load, row)?;
    let source = SourceRef::new(Id::new(document(load, row)?), quote(row));
    let (a, b) = match cast.as_slice() {
        [(a, _), (b, _)] => ((*a).min(*b), (*a).max(*b)),
        _ => return Err(row.error("an event has two actors")),
    };
    let key = (date, place.unwrap_or(0), a, b);
    if load.meetings.contains(&key) {
        return load
            .meetings
            .add_source(load.tx, load.file, &key, source, row.line);
    }
    let mut m = Meeting::new(kind(row.fields[EVENT_CODE])).on(date);
    m.handle = meeting_handle(load, row)?;
    m.place = place.map(Id::new);
    for (actor, side) in cast {
        if m.participant(Id::new(actor)).is_none() {
            let mut p = Participant::new(Id::new(actor));
            p.side = side.map(Id::new);
            m.participants.push(p);
        }
    }
    m.sources.push(source);
    load.meetings.add(load.tx, load.file, key, m, row.line)
}

/// The handle of the meeting an event is the first report of, free among the meetings written
/// and those of the window.
fn meeting_handle(load: &Load<'_, '_>, row: &Row<'_>) -> Result<String> {
    let text = format!("gdelt-{}", row.fields[0]);
    let meetings = &load.meetings;
    handle(
        RecordKind::Meeting,
        &text,
        meetings.written() + meetings.waiting() + 1,
        |h| {
            meetings
                .taken(load.tx, h)
                .map_err(|e| written_at(load.file, row.line, e))
        },
    )
}

/// The document of the event's source: its URL, or the event when it has none.
fn document(load: &mut Load<'_, '_>, row: &Row<'_>) -> Result<u64> {
    let url = row.fields[SOURCE_URL].trim();
    let title = if url.is_empty() {
        format!("GDELT event {}", row.fields[0])
    } else {
        url.to_string()
    };
    if let Some(id) = load.documents.get(&title) {
        return Ok(*id);
    }
    let handle = format!("gdelt-source-{}", load.next(RecordKind::Document));
    let mut d = Document::new(handle, &title);
    d.url = (!url.is_empty()).then(|| url.to_string());
    let id = load.add(d, row.line)?;
    load.documents.insert(title, id);
    Ok(id)
}

/// What the event says, kept as its source's quote.
fn quote(row: &Row<'_>) -> String {
    format!(
        "GDELT event {}: {} — CAMEO {} — {}",
        row.fields[0],
        row.fields[6].trim(),
        row.fields[EVENT_CODE],
        row.fields[16].trim()
    )
}
