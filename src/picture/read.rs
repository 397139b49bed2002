//! The records a picture draws, read one by one rather than the whole database: a timeline's
//! or a chain's meetings; a network's actors, the actor it centres on, and the occurred
//! meetings at least two of them shared — found from the actors' posting lists, whose
//! entries carry each meeting's status and participants, so no other meeting is read.
//! Each set is closed over participants, places and documents by [`Snapshot::gather`].

use std::collections::{BTreeMap, BTreeSet};

use crate::error::Result;
use crate::exchange::Snapshot;
use crate::model::{Actor, Meeting, Status};
use crate::query::{first_days, Catalog, List};
use crate::rows::Rows;

use super::network::centre_among;
use super::{kind_of, PictureKind, PictureOptions};

/// What a picture of `rows` needs from `catalog`.
pub(crate) fn records(
    catalog: &impl Catalog,
    rows: &Rows,
    options: &PictureOptions,
) -> Result<Snapshot> {
    let mut actors = BTreeSet::new();
    let mut meetings = BTreeSet::new();
    match kind_of(rows) {
        PictureKind::Timeline | PictureKind::Path => {
            for handle in rows.texts("meeting") {
                meetings.extend(
                    catalog
                        .by_handle::<Meeting>(&handle)?
                        .map(|(id, _)| id.get()),
                );
            }
        }
        PictureKind::Network => {
            for handle in rows.texts("handle") {
                actors.extend(catalog.by_handle::<Actor>(&handle)?.map(|(id, _)| id.get()));
            }
            // Each occurred meeting of theirs with its participants, as the lists hold it.
            let mut casts: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
            for &actor in &actors {
                catalog.scan(List::Actor(actor), first_days(None), &mut |entry, cast| {
                    if entry.status == Status::Occurred {
                        casts.insert(entry.meeting, cast.iter().map(|m| m.actor).collect());
                    }
                    Ok(())
                })?;
            }
            let centre = match &options.centre {
                Some(h) => catalog.by_handle::<Actor>(h)?.map(|(id, _)| id.get()),
                None => centre_among(&actors, casts.values()),
            };
            actors.extend(centre);
            meetings.extend(casts.iter().filter_map(|(id, cast)| {
                let inside = cast.iter().filter(|a| actors.contains(a)).count();
                (inside >= 2).then_some(*id)
            }));
        }
        PictureKind::Table => {}
    }
    Snapshot::gather(catalog, actors, meetings)
}
