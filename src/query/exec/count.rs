//! Pairs and counting: the participants of meetings paired with an anchor, counted per actor.

use super::Ctx;
use crate::error::Result;
use crate::model::{Certainty, RecordKind, Status};
use crate::query::catalog::{Catalog, Member};
use crate::query::plan::{PairCount, Pairing};

/// An actor paired with the anchor: in how many meetings, and (when asked for) which.
pub(super) struct Tally {
    pub actor: u64,
    pub count: i64,
    /// The meetings with their status (as the question's view sees it), in the order they
    /// were read; empty unless the plan wants details.
    pub meetings: Vec<(u64, Status)>,
}

impl<C: Catalog> Ctx<'_, C> {
    /// Every participant paired with the anchor, counted, in actor order.
    pub(super) fn count(&self, count: &PairCount) -> Result<Vec<Tally>> {
        let anchor = count.anchor.id.get();
        let any = count.any_certainty;
        let mut actors = Vec::new();
        let mut pairs = Vec::new();
        self.each_meeting(&count.meetings, &mut |entry, cast| {
            let partners = match count.pairing {
                Pairing::OnSide => self.on_side(entry.meeting, anchor, any)?,
                pairing => {
                    let cast = self.participants(entry.meeting, cast)?;
                    paired_with(&cast, anchor, pairing, any)
                }
            };
            for other in partners {
                match count.details {
                    true => pairs.push((other, (entry.meeting, entry.status))),
                    false => actors.push(other),
                }
            }
            Ok(())
        })?;
        if count.details {
            // Stable: each actor's meetings stay in the order they were read.
            pairs.sort_by_key(|(actor, _)| *actor);
            return Ok(pairs
                .chunk_by(|a, b| a.0 == b.0)
                .map(|same| Tally {
                    actor: same[0].0,
                    count: same.len() as i64,
                    meetings: same.iter().map(|(_, m)| *m).collect(),
                })
                .collect());
        }
        let last_id = self.catalog.last_id(RecordKind::Actor)?;
        Ok(count_each(actors, last_id)
            .into_iter()
            .map(|(actor, count)| Tally {
                actor,
                count,
                meetings: Vec::new(),
            })
            .collect())
    }
}

/// The participants of a cast that count and are paired with `anchor`, itself taking part.
fn paired_with(cast: &[Member], anchor: u64, pairing: Pairing, any: bool) -> Vec<u64> {
    let Some(me) = Member::find(cast, anchor).filter(|m| m.counts(any)) else {
        return Vec::new();
    };
    cast.iter()
        .filter(|other| {
            let paired = match pairing {
                Pairing::Counterparts => me.met(other),
                Pairing::Companions => me.together(other),
                Pairing::OnSide => false,
            };
            other.actor != me.actor && other.counts(any) && paired
        })
        .map(|other| other.actor)
        .collect()
}

impl<C: Catalog> Ctx<'_, C> {
    /// The participants of a meeting that count and took part on `side` (sides are read from
    /// the meeting record: list entries number them within the meeting).
    fn on_side(&self, meeting: u64, side: u64, any: bool) -> Result<Vec<u64>> {
        let m = self.meeting(meeting)?;
        Ok(m.participants
            .iter()
            .filter(|p| {
                p.side.is_some_and(|s| s.get() == side)
                    && (any || p.certainty == Certainty::Confirmed)
            })
            .map(|p| p.actor.get())
            .collect())
    }
}

/// (actor, how many times it occurs), in actor order. Ids are handed out in sequence, so when
/// there are many occurrences a dense array indexed by id counts them faster than a sort.
pub(super) fn count_each(mut actors: Vec<u64>, last_id: u64) -> Vec<(u64, i64)> {
    let dense = (actors.len() as u64).saturating_mul(4) >= last_id
        && last_id < 1 << 28
        && actors.iter().all(|a| *a <= last_id);
    if dense {
        let mut counts = vec![0u32; last_id as usize + 1];
        for a in actors {
            counts[a as usize] += 1;
        }
        return counts
            .into_iter()
            .enumerate()
            .filter(|(_, n)| *n > 0)
            .map(|(a, n)| (a as u64, i64::from(n)))
            .collect();
    }
    actors.sort_unstable();
    actors
        .chunk_by(|a, b| a == b)
        .map(|same| (same[0], same.len() as i64))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::count_each;
    use proptest::prelude::*;

    proptest! {
        /// The dense and the sorting count agree, whatever the ids.
        #[test]
        fn both_ways_of_counting_agree(actors in proptest::collection::vec(0u64..300, 0..400)) {
            let mut expected = std::collections::BTreeMap::new();
            for a in &actors {
                *expected.entry(*a).or_insert(0i64) += 1;
            }
            let expected: Vec<(u64, i64)> = expected.into_iter().collect();
            for last_id in [0, 150, 299, 300, 100_000] {
                prop_assert_eq!(count_each(actors.clone(), last_id), expected.clone());
            }
        }
    }
}
