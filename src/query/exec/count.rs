//! Pairs and counting: the participants of meetings paired with an anchor, counted per actor.

use super::Ctx;
use crate::error::Result;
use crate::model::RecordKind;
use crate::query::catalog::{Catalog, Member};
use crate::query::plan::{PairCount, Pairing};

impl<C: Catalog> Ctx<'_, C> {
    /// (actor, number of meetings) for every participant paired with the anchor, in actor
    /// order.
    pub(super) fn count(&self, count: &PairCount) -> Result<Vec<(u64, i64)>> {
        let anchor = count.anchor.id.get();
        let any = count.any_certainty;
        let mut actors = Vec::new();
        self.each_meeting(&count.meetings, &mut |entry, cast| {
            let cast = self.participants(entry.meeting, cast)?;
            let Some(me) = Member::find(&cast, anchor).filter(|m| m.counts(any)) else {
                return Ok(());
            };
            for other in cast.iter() {
                let paired = match count.pairing {
                    Pairing::Counterparts => me.met(other),
                    Pairing::Companions => me.together(other),
                };
                if other.actor != me.actor && other.counts(any) && paired {
                    actors.push(other.actor);
                }
            }
            Ok(())
        })?;
        let last_id = self.catalog.last_id(RecordKind::Actor)?;
        Ok(count_each(actors, last_id))
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
