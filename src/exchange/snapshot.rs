//! The records of one read, by id, with what selects a part of them: a question's part of the
//! database for an export, and what a picture draws.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, Result};
use crate::model::{Actor, Document, Id, Meeting, Place, Record, RecordKind, Relation};
use crate::query::Catalog;
use crate::rows::Rows;
use crate::storage::Reader;

/// Records of every kind by id.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    /// Actors by id.
    pub actors: BTreeMap<u64, Actor>,
    /// Places by id.
    pub places: BTreeMap<u64, Place>,
    /// Documents by id.
    pub documents: BTreeMap<u64, Document>,
    /// Meetings by id.
    pub meetings: BTreeMap<u64, Meeting>,
    /// Relations by id.
    pub relations: BTreeMap<u64, Relation>,
}

fn all<R: Record>(reader: &Reader<'_>) -> Result<BTreeMap<u64, R>> {
    reader
        .all::<R>()
        .map(|r| r.map(|(id, record)| (id.get(), record)))
        .collect()
}

impl Snapshot {
    /// Every record `reader` sees.
    pub(crate) fn read(reader: &Reader<'_>) -> Result<Snapshot> {
        Ok(Snapshot {
            actors: all(reader)?,
            places: all(reader)?,
            documents: all(reader)?,
            meetings: all(reader)?,
            relations: all(reader)?,
        })
    }

    /// Records per kind, in [`RecordKind::ALL`] order.
    pub fn counts(&self) -> [u64; 5] {
        [
            self.actors.len() as u64,
            self.places.len() as u64,
            self.documents.len() as u64,
            self.meetings.len() as u64,
            self.relations.len() as u64,
        ]
    }

    /// The part of the records a question's rows select.
    ///
    /// Rows with a `meeting` column (meetings, a timeline, a path, `when`/`where`) select those
    /// meetings. Rows with a `handle` column and no `meeting` column (`who met`, `who was
    /// with`, `who is`) select those actors and the meetings at least two of them took part
    /// in. Either way the selection is closed over its references — participants, sides,
    /// affiliations, places with the places around them, cited documents — so that it is a
    /// database of its own, and it keeps the relations between the actors it holds.
    pub fn select(&self, rows: &Rows) -> Result<Snapshot> {
        let mut meetings = BTreeSet::new();
        let mut actors = BTreeSet::new();
        if rows.column("meeting").is_some() {
            let handles = rows.texts("meeting");
            meetings.extend(by_handle(&self.meetings, &handles));
        } else if rows.column("handle").is_some() {
            let handles = rows.texts("handle");
            actors.extend(by_handle(&self.actors, &handles));
            for (id, meeting) in &self.meetings {
                let inside = meeting
                    .participants
                    .iter()
                    .filter(|p| actors.contains(&p.actor.get()))
                    .count();
                if inside >= 2 {
                    meetings.insert(*id);
                }
            }
        } else {
            return Err(Error::Invalid(format!(
                "cannot export what this question returns: its rows have neither a meeting \
                 column nor an actor's handle column (it has {}); ask for meetings or actors, \
                 or add `return meeting` or `return handle`",
                rows.columns.join(", ")
            )));
        }
        closed(self, actors, meetings)
    }

    /// These actors and meetings, read from `catalog` record by record, with everything
    /// they refer to, closed as [`Snapshot::select`] closes its selection.
    pub(crate) fn gather(
        catalog: &impl Catalog,
        actors: BTreeSet<u64>,
        meetings: BTreeSet<u64>,
    ) -> Result<Snapshot> {
        closed(catalog, actors, meetings)
    }
}

/// The ids of the records whose handles are among `handles`.
fn by_handle<'a, R: Record>(
    records: &'a BTreeMap<u64, R>,
    handles: &'a BTreeSet<String>,
) -> impl Iterator<Item = u64> + 'a {
    records
        .iter()
        .filter(|(_, r)| handles.contains(r.handle()))
        .map(|(id, _)| *id)
}

/// Where a selection reads its records: a snapshot in memory, or the database.
trait Source {
    fn record<R: Record + Clone>(&self, id: u64) -> Result<Option<R>>
    where
        Snapshot: Holds<R>;
    /// The relations whose ends are both among `actors`.
    fn relations_among(&self, actors: &BTreeSet<u64>) -> Result<BTreeMap<u64, Relation>>;
}

/// A snapshot's map of one kind of record.
pub(super) trait Holds<R> {
    fn map(&self) -> &BTreeMap<u64, R>;
    fn map_mut(&mut self) -> &mut BTreeMap<u64, R>;
}

macro_rules! holds {
    ($record:ty, $field:ident) => {
        impl Holds<$record> for Snapshot {
            fn map(&self) -> &BTreeMap<u64, $record> {
                &self.$field
            }
            fn map_mut(&mut self) -> &mut BTreeMap<u64, $record> {
                &mut self.$field
            }
        }
    };
}
holds!(Actor, actors);
holds!(Place, places);
holds!(Document, documents);
holds!(Meeting, meetings);
holds!(Relation, relations);

impl Source for Snapshot {
    fn record<R: Record + Clone>(&self, id: u64) -> Result<Option<R>>
    where
        Snapshot: Holds<R>,
    {
        Ok(self.map().get(&id).cloned())
    }

    fn relations_among(&self, actors: &BTreeSet<u64>) -> Result<BTreeMap<u64, Relation>> {
        Ok(self
            .relations
            .iter()
            .filter(|(_, r)| actors.contains(&r.subject.get()) && actors.contains(&r.object.get()))
            .map(|(id, r)| (*id, r.clone()))
            .collect())
    }
}

impl<C: Catalog> Source for C {
    fn record<R: Record + Clone>(&self, id: u64) -> Result<Option<R>>
    where
        Snapshot: Holds<R>,
    {
        Catalog::record(self, Id::new(id))
    }

    fn relations_among(&self, actors: &BTreeSet<u64>) -> Result<BTreeMap<u64, Relation>> {
        let mut found = BTreeMap::new();
        for &actor in actors {
            for (kind, id) in self.referrers(RecordKind::Actor, actor)? {
                if kind != RecordKind::Relation || found.contains_key(&id) {
                    continue;
                }
                if let Some(r) = Catalog::record::<Relation>(self, Id::new(id))? {
                    if actors.contains(&r.subject.get()) && actors.contains(&r.object.get()) {
                        found.insert(id, r);
                    }
                }
            }
        }
        Ok(found)
    }
}

/// The records `ids` of one kind that `source` holds, into `into`.
fn copy<R: Record + Clone>(
    source: &impl Source,
    ids: &BTreeSet<u64>,
    into: &mut Snapshot,
) -> Result<()>
where
    Snapshot: Holds<R>,
{
    for &id in ids {
        if let Some(record) = source.record::<R>(id)? {
            into.map_mut().insert(id, record);
        }
    }
    Ok(())
}

/// The snapshot holding these actors and meetings and everything they refer to.
fn closed(
    source: &impl Source,
    mut actors: BTreeSet<u64>,
    meeting_ids: BTreeSet<u64>,
) -> Result<Snapshot> {
    let mut out = Snapshot::default();
    copy::<Meeting>(source, &meeting_ids, &mut out)?;
    let mut places = BTreeSet::new();
    let mut documents = BTreeSet::new();
    for m in out.meetings.values() {
        for p in &m.participants {
            actors.insert(p.actor.get());
            actors.extend(p.side.map(Id::get));
        }
        places.extend(m.place.map(Id::get));
        documents.extend(m.sources.iter().map(|s| s.document.get()));
    }
    // Affiliations, as far as they go.
    let mut todo: Vec<u64> = actors.iter().copied().collect();
    while let Some(id) = todo.pop() {
        let Some(actor) = source.record::<Actor>(id)? else {
            continue;
        };
        if let Some(a) = actor.affiliation {
            if actors.insert(a.get()) {
                todo.push(a.get());
            }
        }
        out.actors.insert(id, actor);
    }
    let mut todo: Vec<u64> = places.iter().copied().collect();
    while let Some(id) = todo.pop() {
        let Some(place) = source.record::<Place>(id)? else {
            continue;
        };
        if let Some(parent) = place.parent {
            if places.insert(parent.get()) {
                todo.push(parent.get());
            }
        }
        out.places.insert(id, place);
    }
    out.relations = source.relations_among(&actors)?;
    for r in out.relations.values() {
        documents.extend(r.sources.iter().map(|s| s.document.get()));
    }
    copy::<Document>(source, &documents, &mut out)?;
    Ok(out)
}
