//! Writing an imported [`Snapshot`] through one transaction, so that every record meets the
//! same checks as the language's own writes (names, handles, references, place depth), and a
//! failure anywhere writes nothing.

use std::collections::HashMap;

use crate::engine::Transaction;
use crate::error::{Error, Result};
use crate::model::{Id, Record, RecordKind, SourceRef};

use super::Snapshot;

/// Old id → new id, per kind.
#[derive(Default)]
struct Ids {
    actors: HashMap<u64, u64>,
    places: HashMap<u64, u64>,
    documents: HashMap<u64, u64>,
}

/// Says where the record came from around a write's error.
fn located(snapshot: &Snapshot, file: &str, kind: RecordKind, id: u64, e: Error) -> Error {
    match e {
        Error::Interrupted => e,
        other => Error::Invalid(format!("{}{other}", snapshot.at(file, kind, id))),
    }
}

fn missing(snapshot: &Snapshot, file: &str, kind: RecordKind, id: u64, what: &str) -> Error {
    Error::Invalid(format!(
        "{}the {} refers to a {what} that is not in the file",
        snapshot.at(file, kind, id),
        kind.word()
    ))
}

fn map<R>(ids: &HashMap<u64, u64>, old: Id<R>) -> Option<Id<R>> {
    ids.get(&old.get()).map(|n| Id::new(*n))
}

fn add<R: Record>(
    tx: &mut Transaction<'_>,
    snapshot: &Snapshot,
    file: &str,
    id: u64,
    record: R,
) -> Result<u64> {
    tx.add(record)
        .map(Id::get)
        .map_err(|e| located(snapshot, file, R::KIND, id, e))
}

/// Adds every record of `snapshot`: places (parents first), actors (then their
/// affiliations), documents, meetings, relations.
pub(super) fn write(snapshot: &Snapshot, tx: &mut Transaction<'_>, file: &str) -> Result<()> {
    let mut ids = Ids::default();
    places(snapshot, tx, file, &mut ids)?;
    for (id, actor) in &snapshot.actors {
        let mut bare = actor.clone();
        bare.affiliation = None;
        let new = add(tx, snapshot, file, *id, bare)?;
        ids.actors.insert(*id, new);
    }
    for (id, actor) in &snapshot.actors {
        let Some(affiliation) = actor.affiliation else {
            continue;
        };
        let mut full = actor.clone();
        full.affiliation = Some(
            map(&ids.actors, affiliation)
                .ok_or_else(|| missing(snapshot, file, RecordKind::Actor, *id, "actor"))?,
        );
        let new = map(&ids.actors, Id::new(*id))
            .ok_or_else(|| missing(snapshot, file, RecordKind::Actor, *id, "actor"))?;
        tx.update(new, full)
            .map_err(|e| located(snapshot, file, RecordKind::Actor, *id, e))?;
    }
    for (id, document) in &snapshot.documents {
        let new = add(tx, snapshot, file, *id, document.clone())?;
        ids.documents.insert(*id, new);
    }
    meetings_and_relations(snapshot, tx, file, &ids)
}

/// Places, each after its parent; a parent never reached is missing or in a cycle.
fn places(snapshot: &Snapshot, tx: &mut Transaction<'_>, file: &str, ids: &mut Ids) -> Result<()> {
    let mut left: Vec<u64> = snapshot.places.keys().copied().collect();
    while !left.is_empty() {
        let before = left.len();
        let mut later = Vec::new();
        for id in left {
            let Some(mut place) = snapshot.places.get(&id).cloned() else {
                continue;
            };
            if let Some(parent) = place.parent {
                match map(&ids.places, parent) {
                    Some(new) => place.parent = Some(new),
                    None => {
                        later.push(id);
                        continue;
                    }
                }
            }
            let new = add(tx, snapshot, file, id, place)?;
            ids.places.insert(id, new);
        }
        if let (true, Some(&id)) = (later.len() == before, later.first()) {
            return Err(Error::Invalid(format!(
                "{}the place's parent is not in the file, or places are each other's parents",
                snapshot.at(file, RecordKind::Place, id)
            )));
        }
        left = later;
    }
    Ok(())
}

fn sources(
    snapshot: &Snapshot,
    file: &str,
    kind: RecordKind,
    id: u64,
    ids: &Ids,
    sources: &[SourceRef],
) -> Result<Vec<SourceRef>> {
    sources
        .iter()
        .map(|s| {
            let mut s = s.clone();
            s.document = map(&ids.documents, s.document)
                .ok_or_else(|| missing(snapshot, file, kind, id, "document"))?;
            Ok(s)
        })
        .collect()
}

fn meetings_and_relations(
    snapshot: &Snapshot,
    tx: &mut Transaction<'_>,
    file: &str,
    ids: &Ids,
) -> Result<()> {
    let actor = |kind, id, old| {
        map(&ids.actors, old).ok_or_else(|| missing(snapshot, file, kind, id, "actor"))
    };
    for (id, meeting) in &snapshot.meetings {
        let kind = RecordKind::Meeting;
        let mut m = meeting.clone();
        if let Some(place) = m.place {
            m.place = Some(
                map(&ids.places, place)
                    .ok_or_else(|| missing(snapshot, file, kind, *id, "place"))?,
            );
        }
        for p in &mut m.participants {
            p.actor = actor(kind, *id, p.actor)?;
            if let Some(side) = p.side {
                p.side = Some(actor(kind, *id, side)?);
            }
        }
        m.sources = sources(snapshot, file, kind, *id, ids, &m.sources)?;
        add(tx, snapshot, file, *id, m)?;
    }
    for (id, relation) in &snapshot.relations {
        let kind = RecordKind::Relation;
        let mut r = relation.clone();
        r.subject = actor(kind, *id, r.subject)?;
        r.object = actor(kind, *id, r.object)?;
        r.sources = sources(snapshot, file, kind, *id, ids, &r.sources)?;
        add(tx, snapshot, file, *id, r)?;
    }
    Ok(())
}
