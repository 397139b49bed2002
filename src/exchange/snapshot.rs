//! The records of one read, by id, with what selects a part of them: a question's part of the
//! database for an export, and what a picture draws.

use std::collections::{BTreeMap, BTreeSet};

use crate::error::{Error, Result};
use crate::model::{Actor, Document, Id, Meeting, Place, Record, RecordKind, Relation};
use crate::query::{first_days, Catalog, List};
use crate::rows::Rows;
use crate::storage::Reader;

/// Records of every kind by id.
#[derive(Clone, Debug, Default, PartialEq)]
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
        selection(self, rows)
    }

    /// The part of the database a question's rows select, as [`Snapshot::select`] makes it,
    /// reading from `catalog` only the records it selects.
    pub(crate) fn select_from(catalog: &impl Catalog, rows: &Rows) -> Result<Snapshot> {
        selection(catalog, rows)
    }

    /// These actors and meetings, read from `catalog` a page of records at a time, with
    /// everything they refer to, closed as [`Snapshot::select`] closes its selection.
    pub(crate) fn gather(
        catalog: &impl Catalog,
        actors: BTreeSet<u64>,
        meetings: BTreeSet<u64>,
    ) -> Result<Snapshot> {
        closed(catalog, actors, meetings)
    }
}

/// Where a selection reads its records: a snapshot in memory, or the database.
trait Source {
    /// The records of kind `R` among `ids` that it holds.
    fn records<R: Record + Clone>(&self, ids: &BTreeSet<u64>) -> Result<BTreeMap<u64, R>>
    where
        Snapshot: Holds<R>;
    /// The relations whose ends are both among `actors`.
    fn relations_among(&self, actors: &BTreeSet<u64>) -> Result<BTreeMap<u64, Relation>>;
    /// The ids of the records of kind `R` whose handles are among `handles`.
    fn with_handles<R: Record + Clone>(&self, handles: &BTreeSet<String>) -> Result<BTreeSet<u64>>
    where
        Snapshot: Holds<R>;
    /// The meetings in which at least two of `actors` take part.
    fn shared_meetings(&self, actors: &BTreeSet<u64>) -> Result<BTreeSet<u64>>;
}

/// A snapshot's map of one kind of record.
pub(super) trait Holds<R> {
    fn map(&self) -> &BTreeMap<u64, R>;
}

macro_rules! holds {
    ($record:ty, $field:ident) => {
        impl Holds<$record> for Snapshot {
            fn map(&self) -> &BTreeMap<u64, $record> {
                &self.$field
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
    fn records<R: Record + Clone>(&self, ids: &BTreeSet<u64>) -> Result<BTreeMap<u64, R>>
    where
        Snapshot: Holds<R>,
    {
        let map = self.map();
        let held = ids
            .iter()
            .filter_map(|id| Some((*id, map.get(id)?.clone())));
        Ok(held.collect())
    }

    fn relations_among(&self, actors: &BTreeSet<u64>) -> Result<BTreeMap<u64, Relation>> {
        Ok(self
            .relations
            .iter()
            .filter(|(_, r)| actors.contains(&r.subject.get()) && actors.contains(&r.object.get()))
            .map(|(id, r)| (*id, r.clone()))
            .collect())
    }

    fn with_handles<R: Record + Clone>(&self, handles: &BTreeSet<String>) -> Result<BTreeSet<u64>>
    where
        Snapshot: Holds<R>,
    {
        Ok(self
            .map()
            .iter()
            .filter(|(_, r)| handles.contains(r.handle()))
            .map(|(id, _)| *id)
            .collect())
    }

    fn shared_meetings(&self, actors: &BTreeSet<u64>) -> Result<BTreeSet<u64>> {
        Ok(self
            .meetings
            .iter()
            .filter(|(_, m)| {
                let inside = m.participants.iter();
                inside.filter(|p| actors.contains(&p.actor.get())).count() >= 2
            })
            .map(|(id, _)| *id)
            .collect())
    }
}

impl<C: Catalog> Source for C {
    fn records<R: Record + Clone>(&self, ids: &BTreeSet<u64>) -> Result<BTreeMap<u64, R>>
    where
        Snapshot: Holds<R>,
    {
        let mut found = BTreeMap::new();
        Catalog::records(self, ids, &mut |id, record: R| {
            found.insert(id, record);
            Ok(())
        })?;
        Ok(found)
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

    fn with_handles<R: Record + Clone>(&self, handles: &BTreeSet<String>) -> Result<BTreeSet<u64>>
    where
        Snapshot: Holds<R>,
    {
        let mut ids = BTreeSet::new();
        for handle in handles {
            ids.extend(self.by_handle::<R>(handle)?.map(|(id, _)| id.get()));
        }
        Ok(ids)
    }

    fn shared_meetings(&self, actors: &BTreeSet<u64>) -> Result<BTreeSet<u64>> {
        // Each actor's list carries every meeting of theirs with its participants, so no
        // meeting outside the lists is read.
        let mut shared = BTreeSet::new();
        for &actor in actors {
            self.scan(List::Actor(actor), first_days(None), &mut |entry, cast| {
                if cast.iter().filter(|m| actors.contains(&m.actor)).count() >= 2 {
                    shared.insert(entry.meeting);
                }
                Ok(())
            })?;
        }
        Ok(shared)
    }
}

/// The part of `source` a question's rows select (see [`Snapshot::select`]).
fn selection(source: &impl Source, rows: &Rows) -> Result<Snapshot> {
    let (actors, meetings) = if rows.column("meeting").is_some() {
        let meetings = source.with_handles::<Meeting>(&rows.texts("meeting"))?;
        (BTreeSet::new(), meetings)
    } else if rows.column("handle").is_some() {
        let actors = source.with_handles::<Actor>(&rows.texts("handle"))?;
        let meetings = source.shared_meetings(&actors)?;
        (actors, meetings)
    } else {
        return Err(Error::Invalid(format!(
            "cannot export what this question returns: its rows have neither a meeting \
             column nor an actor's handle column (it has {}); ask for meetings or actors, \
             or add `return meeting` or `return handle`",
            rows.columns.join(", ")
        )));
    };
    closed(source, actors, meetings)
}

/// The snapshot holding these actors and meetings and everything they refer to. Records are
/// read a round at a time (the meetings, then the actors and places they name, then the
/// affiliations and parents those name), so that a store reads each page once a round.
fn closed(
    source: &impl Source,
    mut actors: BTreeSet<u64>,
    meeting_ids: BTreeSet<u64>,
) -> Result<Snapshot> {
    let mut out = Snapshot {
        meetings: source.records(&meeting_ids)?,
        ..Snapshot::default()
    };
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
    // Affiliations, and the places around places, as far as they go.
    out.actors = reaching(source, &mut actors, |a: &Actor| a.affiliation.map(Id::get))?;
    out.places = reaching(source, &mut places, |p: &Place| p.parent.map(Id::get))?;
    out.relations = source.relations_among(&actors)?;
    for r in out.relations.values() {
        documents.extend(r.sources.iter().map(|s| s.document.get()));
    }
    out.documents = source.records(&documents)?;
    Ok(out)
}

/// The records `ids` name, and round after round those that they name through `next`; `ids`
/// gains every id named.
fn reaching<R: Record + Clone>(
    source: &impl Source,
    ids: &mut BTreeSet<u64>,
    next: impl Fn(&R) -> Option<u64>,
) -> Result<BTreeMap<u64, R>>
where
    Snapshot: Holds<R>,
{
    let mut found = BTreeMap::new();
    let mut round = ids.clone();
    while !round.is_empty() {
        let read: BTreeMap<u64, R> = source.records(&round)?;
        round = read
            .values()
            .filter_map(&next)
            .filter(|id| ids.insert(*id))
            .collect();
        found.extend(read);
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::Snapshot;
    use crate::Database;

    /// An export's selection, read record by record through the handles and the actors'
    /// lists, is the selection made from every record in memory.
    #[test]
    fn a_selection_read_from_the_store_is_the_one_made_in_memory() {
        let db = Database::temporary().unwrap();
        db.execute("load demo;").unwrap();
        let everything = db.snapshot().unwrap();
        let mut selected_meetings = 0;
        for question in [
            "meetings with Witkoff",
            "meetings in Florida",
            "timeline of Umerov",
            "who met Witkoff",
            "who was with Witkoff",
            "who met Kushner return handle",
            "meetings status planned",
        ] {
            let rows = db.query(question).unwrap();
            let stored = db.read(|r| Snapshot::select_from(&r, &rows)).unwrap();
            let in_memory = everything.select(&rows).unwrap();
            assert!(!stored.actors.is_empty(), "{question} selects no actor");
            assert_eq!(stored, in_memory, "{question}");
            if question.starts_with("who") {
                // Actors' rows select the meetings they shared, found through their lists.
                assert!(!stored.meetings.is_empty(), "{question} selects no meeting");
            }
            selected_meetings += stored.meetings.len();
        }
        assert!(selected_meetings > 0);
    }
}
