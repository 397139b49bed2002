//! Reading FollowTheMoney entities (JSON lines) into records.
//!
//! An entity with our `entrevue` extension is read back exactly: its record rebuilt from the
//! FtM properties FtM can say (names, aliases, titles, summaries) and the extension (the
//! rest). Any other entity is read as well as it maps (`ftm_foreign.rs`), and what does not
//! map is reported, not guessed.

use std::collections::HashMap;
use std::path::Path;

use serde_json::{Map, Value};

use crate::engine::Transaction;
use crate::error::Result;
use crate::model::{Id, RecordKind};

use super::files::Lines;
use super::{at_line, Snapshot};

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

/// The records being built, each kind with its ids handed out in file order, and the handles
/// that our own entities refer to each other by.
#[derive(Default)]
pub(super) struct Builder {
    pub snapshot: Snapshot,
    pub handles: HashMap<(RecordKind, String), u64>,
    /// FtM entity id → our record.
    pub entities: HashMap<String, (RecordKind, u64)>,
    pub skipped: Vec<String>,
}

impl Builder {
    /// A new record of `kind` read at `line`: its id.
    pub(super) fn next(&mut self, kind: RecordKind, line: usize, handle: &str, ftm: &str) -> u64 {
        let s = &self.snapshot;
        let id = 1 + match kind {
            RecordKind::Actor => s.actors.len(),
            RecordKind::Place => s.places.len(),
            RecordKind::Document => s.documents.len(),
            RecordKind::Meeting => s.meetings.len(),
            RecordKind::Relation => s.relations.len(),
        } as u64;
        self.snapshot.lines.insert((kind, id), line);
        if !handle.is_empty() {
            self.handles.insert((kind, handle.to_string()), id);
        }
        self.entities.insert(ftm.to_string(), (kind, id));
        id
    }

    /// Our record of `kind` with this handle.
    pub(super) fn handle_of<R>(&self, kind: RecordKind, handle: &str) -> Option<Id<R>> {
        self.handles
            .get(&(kind, handle.to_string()))
            .map(|id| Id::new(*id))
    }
}

/// Reads the file (see [`read`]) and writes its records into `tx` through the same checks as
/// the language's writes. Returns the records written per kind, and what was left out.
pub(super) fn import(
    tx: &mut Transaction<'_>,
    path: &Path,
    file: &str,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<([u64; 5], Vec<String>)> {
    let (records, skipped) = read(path, file, progress)?;
    super::snapshot_write::write(&records, tx, file)?;
    Ok((records.counts(), skipped))
}

/// Reads the file in two passes, a line at a time, so that neither its text nor its JSON is
/// held whole: the first makes every entity's record, the second links the records (an entity
/// may refer to one further down, whose id the first pass has found). Returns the records, and
/// a sentence for each entity left out.
fn read(
    path: &Path,
    file: &str,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<(Snapshot, Vec<String>)> {
    let mut b = Builder::default();
    each_entity(path, file, 0, progress, |entity, ext| match ext {
        Some(ext) => super::ftm_ours::record(&mut b, entity, ext, file),
        None => {
            super::ftm_foreign::record(&mut b, entity, file);
            Ok(())
        }
    })?;
    each_entity(path, file, 1, progress, |entity, ext| match ext {
        Some(ext) => super::ftm_ours::link(&mut b, entity, ext, file),
        None => {
            super::ftm_foreign::link(&mut b, entity, file);
            Ok(())
        }
    })?;
    Ok((b.snapshot, b.skipped))
}

/// Calls `each` on every entity of pass `pass` (of two) over the file, with its `entrevue`
/// extension if it has one; blank lines are passed over.
fn each_entity(
    path: &Path,
    file: &str,
    pass: u64,
    progress: &mut dyn FnMut(u64, u64),
    mut each: impl FnMut(&Entity<'_>, Option<&Map<String, Value>>) -> Result<()>,
) -> Result<()> {
    let mut lines = Lines::open(path, pass, 2, progress)?;
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
