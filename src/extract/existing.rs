//! What of an extraction the database has already: the meeting a proposal is (found through
//! the posting lists of its participants, read only up to the proposal's last day), and the
//! first document handle not in use.

use std::collections::BTreeMap;

use crate::error::Result;
use crate::model::{Document, Id, Meeting, RecordKind};
use crate::query::{day_key, Catalog, List};
use crate::syntax::lexical::quote;

use super::meetings::{same_people, same_place};
use super::world::World;
use super::Proposal;

/// A meeting of the database that a proposal is.
#[derive(Clone, Debug)]
pub(crate) struct Existing {
    pub handle: String,
    /// Its `source` clauses as a script writes them: a `set` replaces the list, so a proposal
    /// to add a source repeats the ones there are.
    pub sources: Vec<String>,
}

/// A meeting a list holds, as the comparison with a proposal needs it.
struct Listed {
    place: Option<String>,
    participants: Vec<String>,
}

/// Sets the `existing` of each dated proposal that matches a meeting of the database (same
/// date, place and people, as candidates merge), and returns those meetings.
pub(crate) fn find<C: Catalog>(
    catalog: &C,
    world: &mut World,
    proposals: &mut [Proposal],
) -> Result<Vec<Existing>> {
    let mut found: Vec<Existing> = Vec::new();
    for p in proposals.iter_mut() {
        let Some(date) = p.date else { continue };
        let handles: Vec<String> = p.participants.iter().map(|x| x.handle.clone()).collect();
        let mut listed: BTreeMap<u64, Listed> = BTreeMap::new();
        for handle in &handles {
            let Some(id) = world.actor_id(handle) else {
                continue;
            };
            let mut seen: Vec<(u64, u64, Vec<u64>)> = Vec::new();
            let days = (0, day_key(date.last_day()));
            catalog.scan(List::Actor(id), days, &mut |entry, cast| {
                if entry.date().is_some_and(|d| d.overlaps(&date)) {
                    seen.push((
                        entry.meeting,
                        entry.place,
                        cast.iter().map(|m| m.actor).collect(),
                    ));
                }
                Ok(())
            })?;
            for (meeting, place, cast) in seen {
                if listed.contains_key(&meeting) {
                    continue;
                }
                let mut participants = Vec::new();
                for actor in cast {
                    world.load_actor(catalog, actor)?;
                    participants.extend(world.handle_of(actor).map(str::to_string));
                }
                if place != 0 {
                    world.load_place(catalog, place, 0)?;
                }
                let place = world.place_handle_of(place).map(str::to_string);
                listed.insert(
                    meeting,
                    Listed {
                        place,
                        participants,
                    },
                );
            }
        }
        let same = listed.into_iter().find(|(_, m)| {
            same_place(world, m.place.as_deref(), p.place.as_deref())
                && same_people(world, &m.participants, &handles)
        });
        if let Some((id, _)) = same {
            if let Some(meeting) = described(catalog, id)? {
                p.existing = Some(meeting.handle.clone());
                found.push(meeting);
            }
        }
    }
    Ok(found)
}

/// Meeting `id`'s handle and its sources as `source` clauses.
fn described<C: Catalog>(catalog: &C, id: u64) -> Result<Option<Existing>> {
    let Some(m) = catalog.record::<Meeting>(Id::new(id))? else {
        return Ok(None);
    };
    let mut sources = Vec::new();
    for s in &m.sources {
        let Some(doc) = catalog.record::<Document>(s.document)? else {
            continue;
        };
        let mut clause = format!("source #{} {}", doc.handle, quote(&s.quote));
        if let Some(status) = s.says_status {
            clause.push_str(&format!(" says {status}"));
        }
        if let Some(date) = s.says_date {
            clause.push_str(&format!(" says {date}"));
        }
        sources.push(clause);
    }
    Ok(Some(Existing {
        handle: m.handle,
        sources,
    }))
}

/// A document handle no document has, nor any of `taken`: `dNNN`, from the number of
/// document ids handed out (the handles this command gives follow one another) upwards.
pub(crate) fn next_document<C: Catalog>(catalog: &C, taken: &[String]) -> Result<String> {
    let mut n = catalog.last_id(RecordKind::Document)?;
    loop {
        let handle = format!("d{n:03}");
        if !taken.contains(&handle) && catalog.by_handle::<Document>(&handle)?.is_none() {
            return Ok(handle);
        }
        n += 1;
    }
}
