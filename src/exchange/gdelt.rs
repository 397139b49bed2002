//! GDELT 2.0 event files: tab-separated, 61 columns, with or without a header line.
//!
//! Events of CAMEO root code 04 (consult: discuss, visit, host, meet, mediate, negotiate)
//! become meetings of their two actors, each on the side of its country (the actor whose
//! CAMEO code is the bare country code, or a country actor named by the code); the place is
//! the action's location as a tree — country, then ADM1 region, then city — named from
//! `ActionGeo_FullName`; the date is `SQLDATE`, a day; `SOURCEURL` is the document. Events that
//! repeat one meeting (same day, place and pair of actors) are merged into it, each event
//! kept as a source. Other events are left out, and counted in the report.

use std::collections::HashMap;
use std::path::Path;

use crate::error::{Error, Result};
use crate::model::{
    check_name, Actor, ActorKind, DateSpan, Document, Id, Meeting, Participant, Place, PlaceKind,
    RecordKind, SourceRef,
};

use super::files::Lines;
use super::{at_line, Snapshot};

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

/// The records being built, with the keys that find them again.
#[derive(Default)]
struct Load {
    snapshot: Snapshot,
    actors: HashMap<String, u64>,
    places: HashMap<String, u64>,
    documents: HashMap<String, u64>,
    meetings: HashMap<(DateSpan, u64, u64, u64), u64>,
    handles: HashMap<(RecordKind, String), u64>,
}

/// A handle from `text`: letters and digits, the rest as `-`, at most 60 long, made unique.
fn handle(load: &mut Load, kind: RecordKind, text: &str, id: u64) -> String {
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
    while load.handles.contains_key(&(kind, h.clone())) {
        h = format!("{slug}-{n}");
        n += 1;
    }
    load.handles.insert((kind, h.clone()), id);
    h
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

/// Reads the file in two passes, a line at a time, keeping only the records and the keys that
/// find them again (never the rows): the first pass checks every row's columns and names the
/// countries' actors, so that a country is named by its actor wherever it appears first; the
/// second reads the consultations. Returns the records, and what was left out.
pub(super) fn read(
    path: &Path,
    file: &str,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(Snapshot, Vec<String>)> {
    let mut load = Load::default();
    // Actors that are countries (code = country code) name their country's side.
    each_row(path, file, 0, progress, |row| {
        for (code, name, country) in ACTORS {
            let c = row.fields[country];
            if !c.is_empty() && row.fields[code] == c && row.fields[ROOT_CODE] == "04" {
                let name = row.name(name, "the actor name")?;
                actor(
                    &mut load,
                    &format!("country:{c}"),
                    &name,
                    ActorKind::Country,
                );
            }
        }
        Ok(())
    })?;
    let (mut other, mut lone) = (0, 0);
    each_row(path, file, 1, progress, |row| {
        if row.fields[ROOT_CODE] != "04" {
            other += 1;
        } else if row.fields[6].trim().is_empty() || row.fields[16].trim().is_empty() {
            lone += 1;
        } else {
            event(&mut load, row)?;
        }
        Ok(())
    })?;
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
    Ok((load.snapshot, skipped))
}

/// Calls `each` on every event row of pass `pass` (of two) over the file, each checked to have
/// its 61 columns; blank lines and a header line are passed over.
fn each_row(
    path: &Path,
    file: &str,
    pass: u64,
    progress: &mut dyn FnMut(u64, u64),
    mut each: impl FnMut(&Row<'_>) -> Result<()>,
) -> Result<()> {
    let mut lines = Lines::open(path, pass, 2, progress)?;
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

/// The actor with this key, added if new.
fn actor(load: &mut Load, key: &str, name: &str, kind: ActorKind) -> u64 {
    if let Some(id) = load.actors.get(key) {
        return *id;
    }
    let id = load.snapshot.actors.len() as u64 + 1;
    let h = handle(load, RecordKind::Actor, name, id);
    load.snapshot
        .actors
        .insert(id, Actor::new(kind, name).with_handle(h));
    load.actors.insert(key.to_string(), id);
    id
}

/// The place with this key, added if new.
fn place(load: &mut Load, key: String, name: &str, kind: PlaceKind, parent: Option<u64>) -> u64 {
    if let Some(id) = load.places.get(&key) {
        return *id;
    }
    let id = load.snapshot.places.len() as u64 + 1;
    let h = handle(load, RecordKind::Place, name, id);
    let mut p = Place::new(kind, name).with_handle(h);
    p.parent = parent.map(Id::new);
    load.snapshot.places.insert(id, p);
    load.places.insert(key, id);
    id
}

/// The action's place: country, ADM1 region, city, as deep as the row says.
fn action_place(load: &mut Load, row: &Row<'_>) -> Result<Option<u64>> {
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
    let mut at = place(load, format!("c:{country}"), &top, PlaceKind::Country, None);
    let kind = row.fields[GEO_TYPE];
    let adm1 = row.fields[GEO_ADM1];
    if kind != "1" && !adm1.is_empty() && adm1 != country && parts.len() >= 2 {
        let region = named(parts[parts.len() - 2])?;
        at = place(
            load,
            format!("r:{adm1}"),
            &region,
            PlaceKind::Region,
            Some(at),
        );
    }
    if (kind == "3" || kind == "4") && parts.len() >= 3 {
        let city = named(parts[0])?;
        let key = format!("p:{}:{}", row.fields[GEO_FEATURE], parts.join(","));
        at = place(load, key, &city, PlaceKind::City, Some(at));
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
fn event(load: &mut Load, row: &Row<'_>) -> Result<()> {
    let date = row.date()?;
    let mut cast = Vec::new();
    for (code, name, country) in ACTORS {
        let name = row.name(name, "the actor name")?;
        let c = row.fields[country];
        let id = if !c.is_empty() && row.fields[code] == c {
            actor(load, &format!("country:{c}"), &name, ActorKind::Country)
        } else {
            actor(
                load,
                &format!("{}:{name}", row.fields[code]),
                &name,
                ActorKind::Organisation,
            )
        };
        let side =
            (!c.is_empty()).then(|| actor(load, &format!("country:{c}"), c, ActorKind::Country));
        cast.push((id, side));
    }
    let place = action_place(load, row)?;
    let url = row.fields[SOURCE_URL].trim();
    let title = if url.is_empty() {
        format!("GDELT event {}", row.fields[0])
    } else {
        url.to_string()
    };
    let document = match load.documents.get(&title) {
        Some(id) => *id,
        None => {
            let id = load.snapshot.documents.len() as u64 + 1;
            let mut d = Document::new(format!("gdelt-source-{id}"), &title);
            d.url = (!url.is_empty()).then(|| url.to_string());
            load.snapshot.documents.insert(id, d);
            load.documents.insert(title, id);
            id
        }
    };
    let quote = format!(
        "GDELT event {}: {} — CAMEO {} — {}",
        row.fields[0],
        row.fields[6].trim(),
        row.fields[EVENT_CODE],
        row.fields[16].trim()
    );
    let source = SourceRef::new(Id::new(document), quote);
    let pair = (cast[0].0.min(cast[1].0), cast[0].0.max(cast[1].0));
    let key = (date, place.unwrap_or(0), pair.0, pair.1);
    if let Some(id) = load.meetings.get(&key) {
        if let Some(m) = load.snapshot.meetings.get_mut(id) {
            m.sources.push(source);
        }
        return Ok(());
    }
    let id = load.snapshot.meetings.len() as u64 + 1;
    let mut m = Meeting::new(kind(row.fields[EVENT_CODE])).on(date);
    m.handle = handle(
        load,
        RecordKind::Meeting,
        &format!("gdelt-{}", row.fields[0]),
        id,
    );
    m.place = place.map(Id::new);
    for (actor, side) in cast {
        if m.participant(Id::new(actor)).is_none() {
            let mut p = Participant::new(Id::new(actor));
            p.side = side.map(Id::new);
            m.participants.push(p);
        }
    }
    m.sources.push(source);
    load.snapshot
        .lines
        .insert((RecordKind::Meeting, id), row.line);
    load.snapshot.meetings.insert(id, m);
    load.meetings.insert(key, id);
    Ok(())
}
