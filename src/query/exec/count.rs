//! Pairs and counting: the participants of meetings paired with an anchor, counted per actor.

use super::scan::test;
use super::Ctx;
use crate::error::Result;
use crate::model::{Certainty, DateSpan, RecordKind, Status};
use crate::query::catalog::{first_days, CastSink, Catalog, Fields, List, MeetingEntry, Member};
use crate::query::plan::{PairCount, Pairing, Predicate, Scan};

/// An actor paired with the anchor: in how many meetings, and (when asked for) which.
pub(super) struct Tally {
    pub actor: u64,
    pub count: i64,
    /// The meetings with their status (as the question's view sees it), in the order they
    /// were read; `None` unless the plan wants details. Boxed, so that a count without them
    /// (a hub's has tens of thousands of tallies) holds a word per tally for them, not three.
    #[expect(
        clippy::box_collection,
        reason = "a thin pointer: one word where a Vec takes three"
    )]
    pub meetings: Option<Box<Vec<(u64, Status)>>>,
}

impl Tally {
    /// The meetings behind the count, when the plan wanted them.
    pub(super) fn meetings(&self) -> &[(u64, Status)] {
        self.meetings.as_deref().map_or(&[], Vec::as_slice)
    }
}

impl<C: Catalog> Ctx<'_, C> {
    /// Every participant paired with the anchor, counted, in actor order (each actor once).
    pub(super) fn count(&self, count: &PairCount) -> Result<Vec<Tally>> {
        match from_own_list(count) {
            Some((list, during)) => self.count_in_list(count, list, during),
            None => self.count_by_scan(count),
        }
    }

    /// The count made from the anchor's own list as it is decoded ([`from_own_list`]).
    fn count_in_list(
        &self,
        count: &PairCount,
        list: List,
        during: Option<&DateSpan>,
    ) -> Result<Vec<Tally>> {
        let mut counter = Counter::new(self.catalog.last_id(RecordKind::Actor)?);
        let mut sink = Paired {
            filters: &count.meetings.filters,
            during,
            pairing: count.pairing,
            any: count.any_certainty,
            me: None,
            counter: &mut counter,
        };
        self.catalog
            .scan_casts(list, first_days(during), &mut sink)?;
        Ok(tallies(counter))
    }

    /// The count made from the meetings the scan hands over, whatever the plan asks.
    fn count_by_scan(&self, count: &PairCount) -> Result<Vec<Tally>> {
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
                    meetings: Some(Box::new(same.iter().map(|(_, m)| *m).collect())),
                })
                .collect());
        }
        Ok(tallies(counter))
    }
}

/// What `counter` counted, one tally per actor, in actor order.
fn tallies(counter: Counter) -> Vec<Tally> {
    // Made to size at once: a hub's tallies are megabytes, grown by doubling they were copied
    // and their pages touched twice over.
    let mut tallies = Vec::with_capacity(counter.most_actors());
    counter.each_count(|actor, count| {
        tallies.push(Tally {
            actor,
            count,
            meetings: None,
        })
    });
    tallies
}

/// The anchor's own list and the date filter, when a count can be made from that list's
/// entries alone: the meetings are the anchor's, seen as recorded, tested only on what an
/// entry holds, and no meeting is kept per actor. Each entry then gives the anchor's part
/// and the others' as they are decoded, and nothing is built per meeting.
fn from_own_list(count: &PairCount) -> Option<(List, Option<&DateSpan>)> {
    let meetings = &count.meetings;
    let Scan::Actor(actor, during) = &meetings.scan else {
        return None;
    };
    let plain = !count.details && meetings.view.is_none() && count.pairing != Pairing::OnSide;
    (plain && actor.id == count.anchor.id && meetings.filters.iter().all(Predicate::on_entry))
        .then(|| (List::Actor(actor.id.get()), during.as_ref()))
}

/// Counts, from the anchor's own list, the participants paired with it.
struct Paired<'a> {
    filters: &'a [Predicate],
    during: Option<&'a DateSpan>,
    pairing: Pairing,
    any: bool,
    /// The anchor's part in the entry being read, when it counts there.
    me: Option<Member>,
    counter: &'a mut Counter,
}

impl CastSink for Paired<'_> {
    /// Only what the filters test: a hub's count decodes neither meetings nor dates nor
    /// places when no filter asks for them.
    fn fields(&self) -> Fields {
        let place = |p: &Predicate| matches!(p, Predicate::Inside(..));
        Fields {
            dates: self.during.is_some(),
            meeting: false,
            place: self.filters.iter().any(place),
        }
    }

    #[inline]
    fn entry(&mut self, entry: &MeetingEntry, owner: Option<Member>) -> Result<bool> {
        self.me = owner.filter(|me| me.counts(self.any));
        Ok(self.me.is_some()
            && entry.within(self.during)
            && self.filters.iter().all(|p| test(entry, &[], p)))
    }

    #[inline]
    fn member(&mut self, other: Member) {
        if let Some(me) = &self.me {
            if other.counts(self.any) && pairs(me, &other, self.pairing) {
                self.counter.add(other.actor);
            }
        }
    }

    fn end(&mut self) -> Result<()> {
        Ok(())
    }
}

/// Whether `other` is paired with `me` in a meeting.
#[inline]
fn pairs(me: &Member, other: &Member, pairing: Pairing) -> bool {
    match pairing {
        Pairing::Counterparts => me.met(other),
        Pairing::Companions => me.together(other),
        Pairing::OnSide => false,
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
        if other.actor != me.actor && other.counts(any) && pairs(me, other, pairing) {
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

    /// At least as many as the actors counted.
    fn most_actors(&self) -> usize {
        self.dense.iter().filter(|n| **n > 0).count() + self.listed.len()
    }

    /// Hands `each` every actor counted and how many times it occurred, in actor order.
    pub(super) fn each_count(self, mut each: impl FnMut(u64, i64)) {
        let mut listed = self.listed;
        listed.sort_unstable();
        // Listed ids are all past the array's when there is one.
        for (actor, n) in self.dense.iter().enumerate() {
            if *n > 0 {
                each(actor as u64, i64::from(*n));
            }
        }
        for same in listed.chunk_by(|a, b| a == b) {
            each(same[0], same.len() as i64);
        }
    }
}

/// For a test above this layer: the count of `question`, as (actor, count), made from the
/// anchor's own list and through the scan; `None` when its plan does not take the list's way.
#[cfg(test)]
pub(crate) fn counted_both_ways<C: Catalog>(
    catalog: &C,
    question: &str,
) -> Option<[Vec<(u64, i64)>; 2]> {
    use crate::query::plan::{plan_query, Input, Plan};
    use crate::syntax::{parse, Source, Statement};
    let parsed = parse(question).ok()?;
    let Statement::Query(query) = &parsed.first()?.0 else {
        return None;
    };
    let source = Source {
        text: question,
        name: None,
    };
    let plan = plan_query(catalog, source, query).ok()?;
    let mut plan = &plan;
    let count = loop {
        match plan {
            Plan::Project(Input::Counts(count), _) => break count,
            Plan::Sort(inner, _) | Plan::Limit(inner, _) | Plan::Keep(inner, _) => plan = inner,
            _ => return None,
        }
    };
    let (list, during) = from_own_list(count)?;
    let cancel = crate::query::CancellationToken::default();
    let ctx = Ctx {
        catalog,
        cache: Default::default(),
        cancel: &cancel,
    };
    let pairs = |tallies: Vec<Tally>| tallies.iter().map(|t| (t.actor, t.count)).collect();
    Some([
        pairs(ctx.count_in_list(count, list, during).ok()?),
        pairs(ctx.count_by_scan(count).ok()?),
    ])
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
                let mut counts = Vec::new();
                counter.each_count(|actor, n| counts.push((actor, n)));
                prop_assert_eq!(counts, expected.clone());
            }
        }
    }
}
