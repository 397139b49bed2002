//! Where an export reads its records: the database, kind by kind through the reader's
//! iterators (one read, so a consistent view, and one record in memory at a time), or a
//! [`Snapshot`] a question selected. Every format writes from either through the same code;
//! what it needs to name references is the small index [`Names`].

use std::collections::BTreeMap;

use crate::error::Result;
use crate::model::{Actor, ActorKind, Document, Id, Place, Record};
use crate::query::CancellationToken;
use crate::storage::Reader;

use super::snapshot::Holds;
use super::Snapshot;

/// Records of every kind, each kind in id order.
pub(super) trait Records {
    /// Calls `each` with every record of kind `R` and its id, in id order.
    fn each<R: Record>(&self, each: impl FnMut(u64, &R) -> Result<()>) -> Result<()>
    where
        Snapshot: Holds<R>;
}

/// The records a read of the database sees; Ctrl-C stops the walk at the next record.
pub(super) struct Stored<'r, 'a> {
    pub reader: &'r Reader<'a>,
    pub cancel: &'r CancellationToken,
}

impl Records for Stored<'_, '_> {
    fn each<R: Record>(&self, mut each: impl FnMut(u64, &R) -> Result<()>) -> Result<()>
    where
        Snapshot: Holds<R>,
    {
        for entry in self.reader.all::<R>() {
            self.cancel.check()?;
            let (id, record) = entry?;
            each(id.get(), &record)?;
        }
        Ok(())
    }
}

impl Records for Snapshot {
    fn each<R: Record>(&self, mut each: impl FnMut(u64, &R) -> Result<()>) -> Result<()>
    where
        Snapshot: Holds<R>,
    {
        for (id, record) in self.map() {
            each(*id, record)?;
        }
        Ok(())
    }
}

/// What names an actor where another record refers to it.
pub(super) struct ActorName {
    pub handle: String,
    pub kind: ActorKind,
    pub name: String,
    pub affiliation: Option<u64>,
}

/// What names a place where another record refers to it.
pub(super) struct PlaceName {
    pub handle: String,
    pub name: String,
    pub parent: Option<u64>,
}

/// The handles (and the few fields the formats show beside them) of every actor, place and
/// document, by id: all an export keeps while it writes meetings and relations. Actors and
/// places may refer to ones with higher ids, so these are read before anything is written.
#[derive(Default)]
pub(super) struct Names {
    pub actors: BTreeMap<u64, ActorName>,
    pub places: BTreeMap<u64, PlaceName>,
    pub documents: BTreeMap<u64, String>,
}

impl Names {
    /// The names of every actor, place and document of `records`.
    pub(super) fn of(records: &impl Records) -> Result<Names> {
        let mut names = Names::default();
        records.each(|id, a: &Actor| {
            let name = ActorName {
                handle: a.handle.clone(),
                kind: a.kind,
                name: a.name.clone(),
                affiliation: a.affiliation.map(Id::get),
            };
            names.actors.insert(id, name);
            Ok(())
        })?;
        records.each(|id, p: &Place| {
            let name = PlaceName {
                handle: p.handle.clone(),
                name: p.name.clone(),
                parent: p.parent.map(Id::get),
            };
            names.places.insert(id, name);
            Ok(())
        })?;
        records.each(|id, d: &Document| {
            names.documents.insert(id, d.handle.clone());
            Ok(())
        })?;
        Ok(names)
    }

    /// The actor `id`.
    pub(super) fn actor(&self, id: Id<Actor>) -> Option<&ActorName> {
        self.actors.get(&id.get())
    }

    /// The place `id`.
    pub(super) fn place(&self, id: Id<Place>) -> Option<&PlaceName> {
        self.places.get(&id.get())
    }

    /// The handle of the document `id`.
    pub(super) fn document(&self, id: Id<Document>) -> Option<&str> {
        self.documents.get(&id.get()).map(String::as_str)
    }

    /// A place named `name` inside `parent`, with the places around it, innermost first:
    /// "Miami, Florida, United States".
    pub(super) fn place_chain(&self, name: &str, parent: Option<u64>) -> String {
        let mut names = vec![name];
        let mut at = parent;
        while let Some(parent) = at.and_then(|p| self.places.get(&p)) {
            if names.len() > 64 {
                break;
            }
            names.push(&parent.name);
            at = parent.parent;
        }
        names.join(", ")
    }
}
