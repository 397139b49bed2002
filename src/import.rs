//! Importing the CSV layout of event datasets (GDELT/ICEWS-like): `actors.csv`, `places.csv`,
//! `meetings.csv` and `participation.csv`, as produced by the benchmark generator.
//!
//! Every file is read and checked before anything is written, so a malformed row gives a
//! `file:line: message` error and leaves the database as it was. What is held meanwhile is
//! kept small: a meeting is its row's id, date and place, and participations are pairs of
//! numbers; each meeting becomes a record only as the bulk load takes it. Rows are held to the
//! rules of the language's own writes — names by [`check_name`], ids from 1 to [`MAX_ID`],
//! places nested at most [`MAX_PLACE_DEPTH`] deep — so that whatever imports also dumps and
//! reloads. The CSV ids become both the records' ids and their handles (`who met #12224`). An
//! actor's `country_id` must be empty or the id of a place in `places.csv`; it is checked, not
//! stored (actors have no place). Writing uses the bulk path, which needs an empty database
//! and is atomic (see `storage::bulk`).

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::model::{
    check_name, Actor, ActorKind, DateSpan, Id, Meeting, Participant, Place, PlaceKind, MAX_ID,
};
use crate::storage::MAX_PLACE_DEPTH;

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

/// Imports the four files from `dir` into the empty database of `engine`; see
/// [`Database::import_csv`](crate::Database::import_csv).
pub(crate) fn import_csv(
    engine: &Engine,
    dir: &Path,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ImportReport> {
    let places = read_places(dir)?;
    let actors = read_actors(dir, &places)?;
    let meetings = read_meetings(dir, &places)?;
    let (casts, participations) = read_participation(dir, &actors, &meetings)?;
    let report = ImportReport {
        actors: actors.list.len() as u64,
        places: places.list.len() as u64,
        meetings: meetings.rows.len() as u64,
        participations,
    };
    // What finds a meeting by id is done with; the rest is moved into the load, so that it
    // is let go before the load writes.
    drop(meetings.index);
    engine.bulk(
        move |bulk| {
            for (place_id, place) in &places.list {
                bulk.add(*place_id, place)?;
            }
            for (actor_id, actor) in &actors.list {
                bulk.add(*actor_id, actor)?;
            }
            let mut casts = casts.each().peekable();
            for (i, row) in meetings.rows.iter().enumerate() {
                let cast = casts
                    .next_if(|cast| cast.first().is_some_and(|&(m, _)| m == i))
                    .unwrap_or_default();
                bulk.add(row.id, &row.record(cast))?;
            }
            Ok(())
        },
        progress,
    )?;
    Ok(report)
}

// ---- reading CSV ----------------------------------------------------------------------------

/// One CSV file being read, with its path for messages.
struct Rows {
    path: String,
    columns: usize,
    header: String,
    reader: csv::Reader<std::fs::File>,
}

/// One row of a CSV file: its fields and where it is.
struct Row<'a> {
    fields: &'a csv::StringRecord,
    path: &'a str,
    line: u64,
}

impl Row<'_> {
    /// A mistake in this row, as `file:line: message`.
    fn error(&self, message: impl std::fmt::Display) -> Error {
        Error::Invalid(format!("{}:{}: {message}", self.path, self.line))
    }

    fn field(&self, column: usize) -> &str {
        self.fields.get(column).unwrap_or_default()
    }

    /// The id in `column`, named `what` in messages: a whole number from 1 to [`MAX_ID`].
    fn id(&self, column: usize, what: &str) -> Result<u64> {
        let field = self.field(column);
        let too_large = || {
            self.error(format!(
                "{what} {} is too large: ids go from 1 to {MAX_ID}",
                short(field)
            ))
        };
        match field.parse::<u64>() {
            Ok(n) if (1..=MAX_ID).contains(&n) => Ok(n),
            Ok(0) => Err(self.error(format!("{what} is 0: ids start at 1"))),
            Ok(_) => Err(too_large()),
            // Digits alone fail to parse only when they overflow.
            Err(_) if !field.is_empty() && field.bytes().all(|b| b.is_ascii_digit()) => {
                Err(too_large())
            }
            Err(_) => Err(self.error(format!(
                "{what} '{}' is not a whole number from 1 to {MAX_ID}",
                short(field)
            ))),
        }
    }

    /// The id in `column`, or `None` when the field is empty.
    fn optional_id(&self, column: usize, what: &str) -> Result<Option<u64>> {
        if self.field(column).is_empty() {
            Ok(None)
        } else {
            self.id(column, what).map(Some)
        }
    }

    /// The name in `column`, in its stored form ([`check_name`]).
    fn name(&self, column: usize) -> Result<String> {
        check_name(self.field(column)).map_err(|e| match e {
            Error::Invalid(why) => self.error(why),
            other => other,
        })
    }
}

/// At most 40 characters of a field, for a message, control characters escaped.
fn short(field: &str) -> String {
    let mut shown = String::new();
    for (n, c) in field.chars().enumerate() {
        if n == 40 {
            shown.push('…');
            break;
        }
        if c.is_control() {
            shown.extend(c.escape_debug());
        } else {
            shown.push(c);
        }
    }
    shown
}

impl Rows {
    fn open(dir: &Path, name: &str, header: &[&str]) -> Result<Rows> {
        let path = dir.join(name);
        let file = std::fs::File::open(&path).map_err(|e| Error::Io {
            path: path.clone(),
            source: e,
        })?;
        let path = path.display().to_string();
        // Rows of the wrong length are let through to be reported here, with what they hold.
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .from_reader(file);
        let found: Vec<String> = reader
            .headers()
            .map_err(|e| csv_error(&path, e))?
            .iter()
            .map(str::to_string)
            .collect();
        if found != header {
            return Err(Error::Invalid(format!(
                "{path}:1: expected the columns {}, found {}",
                header.join(","),
                short(&found.join(","))
            )));
        }
        Ok(Rows {
            path,
            columns: header.len(),
            header: header.join(","),
            reader,
        })
    }

    /// Calls `each` with every row, after checking that it has the file's columns.
    fn each(mut self, mut each: impl FnMut(&Row<'_>) -> Result<()>) -> Result<()> {
        let mut fields = csv::StringRecord::new();
        loop {
            let more = self
                .reader
                .read_record(&mut fields)
                .map_err(|e| csv_error(&self.path, e))?;
            if !more {
                return Ok(());
            }
            let row = Row {
                fields: &fields,
                path: &self.path,
                line: fields.position().map_or(0, |p| p.line()),
            };
            // A quote that is never closed swallows the line breaks and commas after it into
            // one field. A line break alone, in a row of the right length, is left for the
            // field's own check to name.
            let broken = |f: &str| f.contains(['\n', '\r']);
            let swallowed = fields.iter().any(|f| broken(f) && f.contains(','));
            if swallowed || (fields.len() != self.columns && fields.iter().any(broken)) {
                return Err(row.error(
                    "a quoted field runs over several lines: the quote opened on this line is \
                     probably never closed",
                ));
            }
            if fields.len() != self.columns {
                let hint = if fields.len() < self.columns && fields.iter().any(|f| f.contains(','))
                {
                    ": the quote opened on this line is probably never closed"
                } else {
                    ""
                };
                return Err(row.error(format!(
                    "expected {} fields ({}), found {}{hint}",
                    self.columns,
                    self.header,
                    fields.len()
                )));
            }
            each(&row)?;
        }
    }
}

/// The csv reader's error in a sentence of our own, with the file and line.
fn csv_error(path: &str, e: csv::Error) -> Error {
    let line = e
        .position()
        .map_or(String::new(), |p| format!(":{}", p.line()));
    let what = match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => {
            format!("field {} is not valid UTF-8 text", err.field() + 1)
        }
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("expected {expected_len} fields, found {len}"),
        csv::ErrorKind::Io(io) => format!("the file could not be read ({io})"),
        _ => format!("the file is not valid CSV ({e})"),
    };
    Error::Invalid(format!("{path}{line}: {what}"))
}

// ---- the four files ---------------------------------------------------------------------------

/// Places by id, in file order, with the line each came from.
struct Places {
    list: Vec<(u64, Place)>,
    lines: Vec<u64>,
    index: HashMap<u64, usize>,
    path: String,
}

fn read_places(dir: &Path) -> Result<Places> {
    let mut places = Places {
        list: Vec::new(),
        lines: Vec::new(),
        index: HashMap::new(),
        path: String::new(),
    };
    let rows = Rows::open(dir, "places.csv", &["id", "name", "parent_id"])?;
    places.path = rows.path.clone();
    rows.each(|r| {
        let place_id = r.id(0, "id")?;
        let mut place = Place::new(PlaceKind::Site, r.name(1)?);
        place.parent = r.optional_id(2, "parent_id")?.map(Id::new);
        place.handle = place_id.to_string();
        if places.index.insert(place_id, places.list.len()).is_some() {
            return Err(r.error(format!("place id {place_id} appears twice")));
        }
        places.list.push((place_id, place));
        places.lines.push(r.line);
        Ok(())
    })?;
    set_place_kinds(&mut places)?;
    Ok(places)
}

/// How far a place's depth in the tree is worked out.
#[derive(Clone, Copy)]
enum Depth {
    Unknown,
    /// On the chain of parents being walked now: meeting it again is a cycle.
    Walking,
    Known(usize),
}

/// Gives each place the kind its depth implies — countries at the top, then regions, cities,
/// sites — after checking that every parent exists, that parents form no cycle, and that no
/// place lies deeper than [`MAX_PLACE_DEPTH`]. Each place is walked once.
fn set_place_kinds(places: &mut Places) -> Result<()> {
    let at_line = |places: &Places, i: usize, message: String| {
        Error::Invalid(format!("{}:{}: {message}", places.path, places.lines[i]))
    };
    let mut depths = vec![Depth::Unknown; places.list.len()];
    for start in 0..places.list.len() {
        let mut chain = Vec::new();
        let mut at = start;
        // The depth of the first place above the chain, or None when the chain reaches the top.
        let above = loop {
            match depths[at] {
                Depth::Known(d) => break Some(d),
                Depth::Walking => {
                    let from = chain.iter().position(|&i| i == at).unwrap_or(0);
                    let ids: Vec<String> = chain[from..]
                        .iter()
                        .chain([&at])
                        .take(12)
                        .map(|&i| places.list[i].0.to_string())
                        .collect();
                    let more = if chain.len() - from > 11 {
                        " → …"
                    } else {
                        ""
                    };
                    let id = places.list[at].0;
                    let cycle = ids.join(" → ");
                    return Err(at_line(
                        places,
                        at,
                        format!("place {id} is in a cycle of parents: {cycle}{more}"),
                    ));
                }
                Depth::Unknown => {}
            }
            depths[at] = Depth::Walking;
            chain.push(at);
            let Some(parent) = places.list[at].1.parent else {
                break None;
            };
            match places.index.get(&parent.get()) {
                Some(&i) => at = i,
                None => {
                    let id = places.list[at].0;
                    return Err(at_line(
                        places,
                        at,
                        format!(
                            "place {id} has parent_id {}, but no place has that id",
                            parent.get()
                        ),
                    ));
                }
            }
        };
        let top = above.map_or(0, |d| d + 1);
        for (depth, &i) in (top..).zip(chain.iter().rev()) {
            if depth > MAX_PLACE_DEPTH {
                let id = places.list[i].0;
                return Err(at_line(
                    places,
                    i,
                    format!(
                        "place {id} is nested too deeply: it has {depth} places above it, and \
                         places nest at most {MAX_PLACE_DEPTH} deep"
                    ),
                ));
            }
            depths[i] = Depth::Known(depth);
            places.list[i].1.kind = [PlaceKind::Country, PlaceKind::Region, PlaceKind::City]
                .get(depth)
                .copied()
                .unwrap_or(PlaceKind::Site);
        }
    }
    Ok(())
}

/// Actors by id, in file order.
struct Actors {
    list: Vec<(u64, Actor)>,
    ids: HashSet<u64>,
}

fn read_actors(dir: &Path, places: &Places) -> Result<Actors> {
    let mut actors = Actors {
        list: Vec::new(),
        ids: HashSet::new(),
    };
    let rows = Rows::open(dir, "actors.csv", &["id", "name", "kind", "country_id"])?;
    rows.each(|r| {
        let actor_id = r.id(0, "id")?;
        let name = r.name(1)?;
        let kind = ActorKind::from_word(r.field(2)).ok_or_else(|| {
            r.error(format!(
                "'{}' is not an actor kind (person, organisation, country, group)",
                short(r.field(2))
            ))
        })?;
        if let Some(country) = r.optional_id(3, "country_id")? {
            if !places.index.contains_key(&country) {
                return Err(r.error(format!(
                    "country_id {country} is not the id of a place in places.csv"
                )));
            }
        }
        if !actors.ids.insert(actor_id) {
            return Err(r.error(format!("actor id {actor_id} appears twice")));
        }
        let mut actor = Actor::new(kind, name);
        actor.handle = actor_id.to_string();
        actors.list.push((actor_id, actor));
        Ok(())
    })?;
    Ok(actors)
}

/// Meetings in file order, as their rows give them: an id, a date and a place, a few dozen
/// bytes each where a whole `Meeting` takes hundreds. Each becomes a record only as it is
/// handed to the bulk load.
struct Meetings {
    rows: Vec<MeetingRow>,
    /// Each meeting's position in `rows`, by id.
    index: HashMap<u64, usize>,
}

/// One row of `meetings.csv`.
struct MeetingRow {
    id: u64,
    date: DateSpan,
    place: u64,
}

impl MeetingRow {
    /// The record of this row, with these participants.
    fn record(&self, cast: &[(usize, u64)]) -> Meeting {
        let mut meeting = Meeting::new("meeting")
            .on(self.date)
            .at(Id::new(self.place));
        meeting.handle = self.id.to_string();
        meeting.participants = cast
            .iter()
            .map(|&(_, actor)| Participant::new(Id::new(actor)))
            .collect();
        meeting
    }
}

fn read_meetings(dir: &Path, places: &Places) -> Result<Meetings> {
    let mut meetings = Meetings {
        rows: Vec::new(),
        index: HashMap::new(),
    };
    let rows = Rows::open(dir, "meetings.csv", &["id", "date", "place_id"])?;
    rows.each(|r| {
        let meeting_id = r.id(0, "id")?;
        let date: DateSpan = r.field(1).parse().map_err(|e: Error| r.error(e))?;
        let place = r.id(2, "place_id")?;
        if !places.index.contains_key(&place) {
            return Err(r.error(format!("no place with id {place}")));
        }
        if meetings
            .index
            .insert(meeting_id, meetings.rows.len())
            .is_some()
        {
            return Err(r.error(format!("meeting id {meeting_id} appears twice")));
        }
        meetings.rows.push(MeetingRow {
            id: meeting_id,
            date,
            place,
        });
        Ok(())
    })?;
    Ok(meetings)
}

/// Every participation row as (the meeting's position in `Meetings::rows`, the actor),
/// sorted by meeting and, within a meeting, in file order: each meeting's cast in one run.
struct Casts(Vec<(usize, u64)>);

impl Casts {
    /// Each meeting's cast, in meeting order, meetings without participants left out.
    fn each(&self) -> impl Iterator<Item = &[(usize, u64)]> {
        self.0.chunk_by(|a, b| a.0 == b.0)
    }

    /// Whether some meeting lists an actor twice.
    fn has_repeat(&self) -> bool {
        let mut actors = Vec::new();
        self.each().any(|cast| {
            actors.clear();
            actors.extend(cast.iter().map(|&(_, actor)| actor));
            actors.sort_unstable();
            actors.windows(2).any(|w| w[0] == w[1])
        })
    }
}

/// Reads every participation row: the casts and the number of rows.
///
/// The rows are checked as they are read, except for an actor listed twice in one meeting,
/// which is found once the rows are sorted by meeting; the row that repeats comes before the
/// first other mistake, if any, and is found again by [`first_repeat`].
fn read_participation(dir: &Path, actors: &Actors, meetings: &Meetings) -> Result<(Casts, u64)> {
    let mut pairs = Vec::new();
    let rows = Rows::open(dir, "participation.csv", &["meeting_id", "actor_id"])?;
    let read = rows.each(|r| {
        let meeting_id = r.id(0, "meeting_id")?;
        let actor_id = r.id(1, "actor_id")?;
        let Some(&i) = meetings.index.get(&meeting_id) else {
            return Err(r.error(format!("no meeting with id {meeting_id}")));
        };
        if !actors.ids.contains(&actor_id) {
            return Err(r.error(format!("no actor with id {actor_id}")));
        }
        pairs.push((i, actor_id));
        Ok(())
    });
    // Stable, so each cast keeps the order of the file; the rows usually come by meeting
    // already, which the sort finds in one pass.
    pairs.sort_by_key(|&(i, _)| i);
    let count = pairs.len() as u64;
    let casts = Casts(pairs);
    if casts.has_repeat() {
        return Err(first_repeat(dir)?);
    }
    read?;
    Ok((casts, count))
}

/// The error of the first row of `participation.csv` that lists an actor again in the same
/// meeting, when the rows are known to have one and to be well formed up to it.
fn first_repeat(dir: &Path) -> Result<Error> {
    let mut seen = HashSet::new();
    let rows = Rows::open(dir, "participation.csv", &["meeting_id", "actor_id"])?;
    let read = rows.each(|r| {
        let meeting_id = r.id(0, "meeting_id")?;
        let actor_id = r.id(1, "actor_id")?;
        if !seen.insert((meeting_id, actor_id)) {
            return Err(r.error(format!(
                "actor {actor_id} is listed twice in meeting {meeting_id}"
            )));
        }
        Ok(())
    });
    match read {
        Err(e) => Ok(e),
        Ok(()) => Err(Error::Internal(
            "participation.csv lists an actor twice in a meeting, but no row repeats one".into(),
        )),
    }
}
