//! Importing the CSV layout of event datasets (GDELT/ICEWS-like): `actors.csv`, `places.csv`,
//! `meetings.csv` and `participation.csv`, as produced by the benchmark generator.
//!
//! Every file is read and checked before anything is written, so a malformed row gives a
//! `file:line: message` error and leaves the database as it was. The CSV ids become both the
//! records' ids and their handles (`who met #12224`). Writing uses the bulk path, which needs an
//! empty database and is atomic (see `storage::bulk`).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::model::{Actor, ActorKind, DateSpan, Id, Meeting, Participant, Place, PlaceKind};

/// What an import brought in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Actors read from `actors.csv`.
    pub actors: u64,
    /// Places read from `places.csv`.
    pub places: u64,
    /// Meetings read from `meetings.csv`.
    pub meetings: u64,
    /// Rows of `participation.csv`.
    pub participations: u64,
}

/// Rows of one CSV file, with the file's path for messages.
struct Rows {
    path: PathBuf,
    reader: csv::Reader<std::fs::File>,
}

impl Rows {
    fn open(dir: &Path, name: &str, header: &[&str]) -> Result<Rows> {
        let path = dir.join(name);
        let file = std::fs::File::open(&path).map_err(|e| Error::Io {
            path: path.clone(),
            source: e,
        })?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(file);
        let found: Vec<String> = reader
            .headers()
            .map_err(|e| Error::Invalid(format!("{}: {e}", path.display())))?
            .iter()
            .map(str::to_string)
            .collect();
        if found != header {
            return Err(Error::Invalid(format!(
                "{}:1: expected the columns {}, found {}",
                path.display(),
                header.join(","),
                found.join(",")
            )));
        }
        Ok(Rows { path, reader })
    }

    /// Calls `row` with each record and its line number.
    fn each(
        mut self,
        mut row: impl FnMut(&csv::StringRecord, &dyn Fn(String) -> Error) -> Result<()>,
    ) -> Result<()> {
        let mut record = csv::StringRecord::new();
        loop {
            let more = self
                .reader
                .read_record(&mut record)
                .map_err(|e| Error::Invalid(format!("{}: {e}", self.path.display())))?;
            if !more {
                return Ok(());
            }
            let line = record.position().map_or(0, |p| p.line());
            let path = self.path.display().to_string();
            let at = move |message: String| Error::Invalid(format!("{path}:{line}: {message}"));
            row(&record, &at)?;
        }
    }
}

fn id(field: &str, what: &str, at: &dyn Fn(String) -> Error) -> Result<u64> {
    match field.parse::<u64>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(at(format!(
            "{what} '{field}' is not a positive whole number"
        ))),
    }
}

/// Imports the four files from `dir` into the empty database of `engine`; see
/// [`Database::import_csv`](crate::Database::import_csv).
pub(crate) fn import_csv(
    engine: &Engine,
    dir: &Path,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ImportReport> {
    let mut report = ImportReport::default();

    let mut places: Vec<(u64, Place)> = Vec::new();
    let mut parents: HashMap<u64, Option<u64>> = HashMap::new();
    Rows::open(dir, "places.csv", &["id", "name", "parent_id"])?.each(|r, at| {
        let place_id = id(&r[0], "id", at)?;
        let parent = if r[2].is_empty() {
            None
        } else {
            Some(id(&r[2], "parent_id", at)?)
        };
        if parents.insert(place_id, parent).is_some() {
            return Err(at(format!("place id {place_id} appears twice")));
        }
        let mut place = Place::new(PlaceKind::Site, &r[1]);
        place.handle = place_id.to_string();
        place.parent = parent.map(Id::new);
        places.push((place_id, place));
        Ok(())
    })?;
    // A place's kind follows its depth: countries at the top, then regions, cities, sites.
    for (place_id, place) in &mut places {
        let mut depth = 0;
        let mut at = *place_id;
        while let Some(Some(parent)) = parents.get(&at) {
            if !parents.contains_key(parent) {
                return Err(Error::Invalid(format!(
                    "places.csv: place {place_id} has an unknown parent {parent}"
                )));
            }
            depth += 1;
            if depth > crate::storage::MAX_PLACE_DEPTH {
                return Err(Error::Invalid(format!(
                    "places.csv: place {place_id} is in a cycle of parents"
                )));
            }
            at = *parent;
        }
        place.kind = [PlaceKind::Country, PlaceKind::Region, PlaceKind::City][..]
            .get(depth)
            .copied()
            .unwrap_or(PlaceKind::Site);
    }

    let mut actors: Vec<(u64, Actor)> = Vec::new();
    let mut actor_ids: HashSet<u64> = HashSet::new();
    Rows::open(dir, "actors.csv", &["id", "name", "kind", "country_id"])?.each(|r, at| {
        let actor_id = id(&r[0], "id", at)?;
        let kind = ActorKind::from_word(&r[2]).ok_or_else(|| {
            at(format!(
                "'{}' is not an actor kind (person, organisation, country, group)",
                &r[2]
            ))
        })?;
        if !actor_ids.insert(actor_id) {
            return Err(at(format!("actor id {actor_id} appears twice")));
        }
        let mut actor = Actor::new(kind, &r[1]);
        actor.handle = actor_id.to_string();
        actors.push((actor_id, actor));
        Ok(())
    })?;

    let mut meetings: Vec<(u64, Meeting)> = Vec::new();
    let mut meeting_index: HashMap<u64, usize> = HashMap::new();
    Rows::open(dir, "meetings.csv", &["id", "date", "place_id"])?.each(|r, at| {
        let meeting_id = id(&r[0], "id", at)?;
        let date: DateSpan = r[1].parse().map_err(|e: Error| at(e.to_string()))?;
        let place = id(&r[2], "place_id", at)?;
        if !parents.contains_key(&place) {
            return Err(at(format!("no place with id {place}")));
        }
        if meeting_index.insert(meeting_id, meetings.len()).is_some() {
            return Err(at(format!("meeting id {meeting_id} appears twice")));
        }
        let mut meeting = Meeting::new("meeting").on(date).at(Id::new(place));
        meeting.handle = meeting_id.to_string();
        meetings.push((meeting_id, meeting));
        Ok(())
    })?;

    Rows::open(dir, "participation.csv", &["meeting_id", "actor_id"])?.each(|r, at| {
        let meeting_id = id(&r[0], "meeting_id", at)?;
        let actor_id = id(&r[1], "actor_id", at)?;
        let Some(&i) = meeting_index.get(&meeting_id) else {
            return Err(at(format!("no meeting with id {meeting_id}")));
        };
        if !actor_ids.contains(&actor_id) {
            return Err(at(format!("no actor with id {actor_id}")));
        }
        let meeting = &mut meetings[i].1;
        if meeting.participant(Id::new(actor_id)).is_some() {
            return Err(at(format!(
                "actor {actor_id} is listed twice in meeting {meeting_id}"
            )));
        }
        meeting
            .participants
            .push(Participant::new(Id::new(actor_id)));
        report.participations += 1;
        Ok(())
    })?;

    report.places = places.len() as u64;
    report.actors = actors.len() as u64;
    report.meetings = meetings.len() as u64;
    engine.bulk(
        |bulk| {
            for (place_id, place) in &places {
                bulk.add(*place_id, place)?;
            }
            for (actor_id, actor) in &actors {
                bulk.add(*actor_id, actor)?;
            }
            for (meeting_id, meeting) in &meetings {
                bulk.add(*meeting_id, meeting)?;
            }
            Ok(())
        },
        progress,
    )?;
    Ok(report)
}
