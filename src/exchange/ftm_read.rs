//! Reading FollowTheMoney entities (JSON lines) into records, written as they are read.
//!
//! An entity with our `entrevue` extension is read back exactly: its record rebuilt from the
//! FtM properties FtM can say (names, aliases, titles, summaries) and the extension (the
//! rest). Any other entity is read as well as it maps (`ftm_foreign.rs`), and what does not
//! map is reported, not guessed.
//!
//! The file is read twice, a line at a time. The first pass writes actors, places and
//! documents — with the affiliation or parent they name when that was read already, else bare
//! — and gives each meeting its key; the second sets the affiliations and parents named
//! further down, writes relations, and meetings a window at a time (`window.rs`) with their
//! sources. What stays in memory is the keys: entity ids and handles with the record each
//! names; sources that other FtM data gives before their meeting wait for it.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde_json::{Map, Value};

use crate::engine::Transaction;
use crate::error::Result;
use crate::model::{Id, Meeting, Record, RecordKind, SourceRef};
use crate::query::CancellationToken;

use super::files::Lines;
use super::window::Window;
use super::{add_counted, at_line};

/// One entity of the file.
pub(super) struct Entity<'a> {
    pub line: usize,
    pub id: &'a str,
    pub schema: &'a str,
    pub properties: &'a Map<String, Value>,
}

impl Entity<'_> {
    /// The text values of property `name`.
    pub(super) fn values(&self, name: &str) -> Vec<&str> {
        match self.properties.get(name) {
            Some(Value::Array(values)) => values.iter().filter_map(Value::as_str).collect(),
            Some(Value::String(value)) => vec![value.as_str()],
            _ => Vec::new(),
        }
    }

    /// The first text value of property `name`.
    pub(super) fn first(&self, name: &str) -> Option<&str> {
        self.values(name).into_iter().next()
    }
}

/// The import under way: the transaction written into, and the keys that find its records.
///
/// A record's number is its id once written; a meeting's is its key in `meetings` (its place
/// among the file's meetings), given in the first pass and written in the second.
pub(super) struct Builder<'t, 'db> {
    pub tx: &'t mut Transaction<'db>,
    pub file: &'t str,
    /// Our records by kind and handle.
    pub handles: HashMap<(RecordKind, String), u64>,
    /// FtM entity id → our record, for entities from elsewhere (ours are found by handle: their
    /// ids only repeat the handle).
    pub entities: HashMap<String, (RecordKind, u64)>,
    pub meetings: Window<u64>,
    /// Meetings given a key so far.
    keys: u64,
    /// Sources read before their meeting, by its key: other FtM data may document an event
    /// further down.
    waiting: HashMap<u64, Vec<SourceRef>>,
    /// Actors and places written bare because the affiliation or parent they name comes
    /// further down: the second pass sets it.
    pub unlinked: HashSet<(RecordKind, u64)>,
    /// Records written per kind, in `RecordKind::ALL` order, but for meetings.
    counts: [u64; 5],
    pub skipped: Vec<String>,
}

impl<'t, 'db> Builder<'t, 'db> {
    fn new(tx: &'t mut Transaction<'db>, file: &'t str) -> Self {
        Builder {
            tx,
            file,
            handles: HashMap::new(),
            entities: HashMap::new(),
            meetings: Window::new(),
            keys: 0,
            waiting: HashMap::new(),
            unlinked: HashSet::new(),
            counts: [0; 5],
            skipped: Vec::new(),
        }
    }

    /// Writes `record`, read at `line` from entity `ftm` (when from elsewhere), and notes its
    /// handle: its id.
    pub(super) fn add<R: Record>(
        &mut self,
        record: R,
        line: usize,
        ftm: Option<&str>,
    ) -> Result<u64> {
        let handle = record.handle().to_string();
        let id = add_counted(self.tx, self.file, line, &mut self.counts, record)?;
        self.note(R::KIND, id, &handle, ftm);
        Ok(id)
    }

    /// A key for the meeting of entity `ftm` (when from elsewhere), with this handle, which the
    /// second pass writes.
    pub(super) fn meeting_key(&mut self, handle: &str, ftm: Option<&str>) -> u64 {
        self.keys += 1;
        self.note(RecordKind::Meeting, self.keys, handle, ftm);
        self.keys
    }

    /// Notes that entity `ftm` (when from elsewhere), with this handle (none when empty), is
    /// our record `number`.
    pub(super) fn note(&mut self, kind: RecordKind, number: u64, handle: &str, ftm: Option<&str>) {
        if !handle.is_empty() {
            self.handles.insert((kind, handle.to_string()), number);
        }
        if let Some(ftm) = ftm {
            self.entities.insert(ftm.to_string(), (kind, number));
        }
    }

    /// Our record of `kind` with this handle.
    pub(super) fn handle_of<R>(&self, kind: RecordKind, handle: &str) -> Option<Id<R>> {
        self.handles
            .get(&(kind, handle.to_string()))
            .map(|id| Id::new(*id))
    }

    /// Adds the meeting with key `key`, read at `line`, with the sources that waited for it.
    pub(super) fn add_meeting(&mut self, key: u64, mut m: Meeting, line: usize) -> Result<()> {
        if let Some(mut earlier) = self.waiting.remove(&key) {
            earlier.append(&mut m.sources);
            m.sources = earlier;
        }
        self.meetings.add(self.tx, self.file, key, m, line)
    }

    /// Adds a source, read at `line`, to the meeting with key `key`, which may come later.
    pub(super) fn add_source(&mut self, key: u64, source: SourceRef, line: usize) -> Result<()> {
        if self.meetings.contains(&key) {
            self.meetings
                .add_source(self.tx, self.file, &key, source, line)
        } else {
            self.waiting.entry(key).or_default().push(source);
            Ok(())
        }
    }

    /// Writes the meetings left in the window: the records written per kind.
    fn finish(mut self) -> Result<([u64; 5], Vec<String>)> {
        self.meetings.flush(self.tx, self.file)?;
        if let Some(count) = self.counts.get_mut(3) {
            *count = self.meetings.written();
        }
        Ok((self.counts, self.skipped))
    }
}

/// Reads the file in two passes (see the module's notes) and writes its records into `tx`
/// through the same checks as the language's writes. Returns the records written per kind,
/// and a sentence for each entity left out.
pub(super) fn import(
    tx: &mut Transaction<'_>,
    path: &Path,
    file: &str,
    progress: &mut dyn FnMut(u64, u64),
    cancel: &CancellationToken,
) -> Result<([u64; 5], Vec<String>)> {
    let mut b = Builder::new(tx, file);
    each_entity(path, file, 0, progress, cancel, |entity, ext| match ext {
        Some(ext) => super::ftm_ours::record(&mut b, entity, ext),
        None => super::ftm_foreign::record(&mut b, entity),
    })?;
    each_entity(path, file, 1, progress, cancel, |entity, ext| match ext {
        Some(ext) => super::ftm_ours::link(&mut b, entity, ext),
        None => super::ftm_foreign::link(&mut b, entity),
    })?;
    b.finish()
}

/// Calls `each` on every entity of pass `pass` (of two) over the file, with its `entrevue`
/// extension if it has one; blank lines are passed over.
fn each_entity(
    path: &Path,
    file: &str,
    pass: u64,
    progress: &mut dyn FnMut(u64, u64),
    cancel: &CancellationToken,
    mut each: impl FnMut(&Entity<'_>, Option<&Map<String, Value>>) -> Result<()>,
) -> Result<()> {
    let mut lines = Lines::open(path, (pass, 2), progress, cancel)?;
    let empty = Map::new();
    while let Some((line, text)) = lines.next_line()? {
        if text.trim().is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(text)
            .map_err(|e| at_line(file, line, format!("the line is not a JSON object ({e})")))?;
        let shape = |what: &str| at_line(file, line, format!("an FtM entity needs {what}"));
        let object = value
            .as_object()
            .ok_or_else(|| shape("to be a JSON object"))?;
        let id = object
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| shape("an \"id\""))?;
        let schema = object
            .get("schema")
            .and_then(Value::as_str)
            .ok_or_else(|| shape("a \"schema\""))?;
        let properties = match object.get("properties") {
            Some(Value::Object(p)) => p,
            None => &empty,
            Some(_) => return Err(shape("\"properties\" to be an object")),
        };
        let entity = Entity {
            line,
            id,
            schema,
            properties,
        };
        each(&entity, object.get("entrevue").and_then(Value::as_object))?;
    }
    Ok(())
}
