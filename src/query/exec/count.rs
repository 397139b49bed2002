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
    /// Every participant paired with the anchor, counted, in actor order (each actor once).
    pub(super) fn count(&self, count: &PairCount) -> Result<Vec<Tally>> {
        let anchor = count.anchor.id.get();
        let any = count.any_certainty;
        let mut counter = Counter::new(self.catalog.last_id(RecordKind::Actor)?);
        let mut pairs = Vec::new();
        self.each_meeting(&count.meetings, &mut |entry, cast| {
            let mut pair = |other: u64| match count.details {
                true => pairs.push((other, (entry.meeting, entry.status))),
                false => counter.add(other),
            };
            match count.pairing {
                Pairing::OnSide => self.on_side(entry.meeting, anchor, any)?.for_each(pair),
                pairing => {
                    let cast = self.participants(entry.meeting, cast)?;
                    paired_with(&cast, anchor, pairing, any, &mut pair);
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
        Ok(counter
            .counts()
            .into_iter()
            .map(|(actor, count)| Tally {
                actor,
                count,
                meetings: Vec::new(),
            })
            .collect())
    }
}

/// Hands `pair` the participants of a cast that count and are paired with `anchor`, itself
/// taking part (none when it does not count there).
fn paired_with(
    cast: &[Member],
    anchor: u64,
    pairing: Pairing,
    any: bool,
    pair: &mut impl FnMut(u64),
) {
    let Some(me) = Member::find(cast, anchor).filter(|m| m.counts(any)) else {
        return;
    };
    for other in cast {
        let paired = match pairing {
            Pairing::Counterparts => me.met(other),
            Pairing::Companions => me.together(other),
            Pairing::OnSide => false,
        };
        if other.actor != me.actor && other.counts(any) && paired {
            pair(other.actor);
        }
    }
}

impl<C: Catalog> Ctx<'_, C> {
    /// The participants of a meeting that count and took part on `side` (sides are read from
    /// the meeting record: list entries number them within the meeting).
    fn on_side(&self, meeting: u64, side: u64, any: bool) -> Result<impl Iterator<Item = u64>> {
        let m = self.meeting(meeting)?;
        let actors: Vec<u64> = m
            .participants
            .iter()
            .filter(|p| {
                p.side.is_some_and(|s| s.get() == side)
                    && (any || p.certainty == Certainty::Confirmed)
            })
            .map(|p| p.actor.get())
            .collect();
        Ok(actors.into_iter())
    }
}

/// How many times each actor id occurs. Ids are handed out in sequence, so once there are
/// many occurrences (a quarter of the ids handed out) an array indexed by id counts them
/// faster than listing and sorting them; until then they are listed, so that a quiet actor's
/// question does not pay for an array of every id.
pub(super) struct Counter {
    listed: Vec<u64>,
    /// Empty until the occurrences are many; then a count per id up to `last_id`.
    dense: Vec<u32>,
    last_id: u64,
}

impl Counter {
    pub(super) fn new(last_id: u64) -> Counter {
        Counter {
            listed: Vec::new(),
            dense: Vec::new(),
            last_id,
        }
    }

    #[inline]
    pub(super) fn add(&mut self, actor: u64) {
        if let Some(n) = self.dense.get_mut(actor as usize) {
            *n = n.saturating_add(1);
            return;
        }
        // Past the last id (never, in a sound store) or not yet counting densely.
        self.listed.push(actor);
        if self.dense.is_empty()
            && (self.listed.len() as u64).saturating_mul(4) >= self.last_id
            && self.last_id < 1 << 28
        {
            self.dense = vec![0; self.last_id as usize + 1];
            let listed = std::mem::take(&mut self.listed);
            listed.into_iter().for_each(|a| self.add(a));
        }
    }

    /// (actor, how many times it occurred), in actor order.
    pub(super) fn counts(self) -> Vec<(u64, i64)> {
        let mut listed = self.listed;
        listed.sort_unstable();
        let beyond = listed
            .chunk_by(|a, b| a == b)
            .map(|same| (same[0], same.len() as i64));
        // Listed ids are all past the array's when there is one.
        self.dense
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(a, n)| (a as u64, i64::from(*n)))
            .chain(beyond)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Counter;
    use proptest::prelude::*;

    proptest! {
        /// Counting by list and by array agree with a plain count, whatever the ids and
        /// wherever the counter switches from one to the other.
        #[test]
        fn every_way_of_counting_agrees(actors in proptest::collection::vec(0u64..300, 0..400)) {
            let mut expected = std::collections::BTreeMap::new();
            for a in &actors {
                *expected.entry(*a).or_insert(0i64) += 1;
            }
            let expected: Vec<(u64, i64)> = expected.into_iter().collect();
            for last_id in [0, 1, 150, 299, 300, 100_000] {
                let mut counter = Counter::new(last_id);
                actors.iter().for_each(|a| counter.add(*a));
                prop_assert_eq!(counter.counts(), expected.clone());
            }
        }
    }
}
