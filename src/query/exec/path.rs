//! The shortest chain of "met" between two actors.

use std::collections::{HashMap, VecDeque};

use super::Ctx;
use crate::error::Result;
use crate::model::PlaceId;
use crate::query::catalog::{first_days, Catalog, List, Member, UNDATED};
use crate::query::plan::{PathSearch, PATH_COLUMNS};
use crate::rows::{Rows, Value};

impl<C: Catalog> Ctx<'_, C> {
    /// Who `actor` met in the meetings the search counts, with the meeting of each encounter
    /// and its first and last days (as day keys; undated meetings are [`UNDATED`]).
    fn encounters(&self, actor: u64, search: &PathSearch) -> Result<Vec<Encounter>> {
        let mut found = Vec::new();
        let during = search.during.as_ref();
        let any = search.counted.any_certainty;
        let view = search.view.as_ref();
        // A view may move a meeting to another date, so the list is read whole under one.
        let days = first_days(during.filter(|_| view.is_none()));
        self.catalog
            .scan(List::Actor(actor), days, &mut |entry, cast| {
                let Some(entry) = self.through(entry, view)? else {
                    return Ok(());
                };
                let entry = &entry;
                let counted = entry.within(during)
                    && search.counted.statuses.contains(&entry.status)
                    && search
                        .inside
                        .as_ref()
                        .is_none_or(|(_, places)| places.contains(&PlaceId::new(entry.place)));
                if !counted {
                    return Ok(());
                }
                let cast = self.participants(entry.meeting, cast)?;
                let Some(me) = Member::find(&cast, actor).filter(|m| m.counts(any)) else {
                    return Ok(());
                };
                for other in cast.iter() {
                    if other.actor != actor && other.counts(any) && me.met(other) {
                        found.push(Encounter {
                            other: other.actor,
                            meeting: entry.meeting,
                            // A bounded meeting's first day is unknown: undated here.
                            first: if entry.dated() { entry.day } else { UNDATED },
                            last: entry.last_day(),
                        });
                    }
                }
                Ok(())
            })?;
        Ok(found)
    }

    /// Bidirectional breadth-first search: grow the smaller frontier one hop at a time until
    /// the two meet; each actor remembers the actor and meeting it was reached through.
    pub(super) fn path(&self, search: &PathSearch) -> Result<Rows> {
        let (from, to) = (search.from.id.get(), search.to.id.get());
        let mut rows = Rows::new(PATH_COLUMNS);
        if from == to {
            rows.note = Some(format!(
                "{} and {} are the same actor",
                search.from, search.to
            ));
            return Ok(rows);
        }
        let found = match search.time_order {
            true => self.chain_in_time_order(search)?,
            false => self.shortest_chain(search)?,
        };
        let Some(chain) = found else {
            let order = if search.time_order {
                " in time order"
            } else {
                ""
            };
            rows.note = Some(format!(
                "no chain of meetings{order} links {} to {} within {} hops",
                search.from, search.to, search.max_hops
            ));
            return Ok(rows);
        };
        for (step, (a, b, id)) in chain.into_iter().enumerate() {
            let meeting = self.meeting(id)?;
            let seen = match &search.view {
                Some(view) => self.view_of(id, view)?,
                None => None,
            };
            let (status, date) = seen.unwrap_or((meeting.status, meeting.date));
            rows.rows.push(vec![
                Value::Int(step as i64 + 1),
                Value::Text(self.actor(a)?.name.clone()),
                Value::Text(self.actor(b)?.name.clone()),
                Value::Text(meeting.handle.clone()),
                date.map_or(Value::Null, Value::Date),
                Value::Text(status.to_string()),
                self.place_name(meeting.place.map_or(0, |p| p.get()))?,
            ]);
        }
        Ok(rows)
    }

    /// The fewest meetings from `from` to `to` in which each meeting is no earlier than the
    /// one before, judged at the dates' own precision: a meeting may follow another unless it
    /// surely ended before that one began (a month is not before one of its days), and never
    /// before any meeting earlier in the chain. Undated meetings cannot be placed, so they are
    /// not used. A breadth-first search from `from` over (actor, earliest day the next
    /// meeting may end on): an actor is reached again when a chain brings it there with an
    /// earlier such day, since that leaves more meetings open after it.
    fn chain_in_time_order(&self, search: &PathSearch) -> Result<Option<Chain>> {
        let (from, to) = (search.from.id.get(), search.to.id.get());
        let mut states: Vec<State> = vec![(from, 0, None)];
        let mut best: HashMap<u64, u32> = HashMap::from([(from, 0)]);
        let mut frontier = vec![0usize];
        for _ in 0..search.max_hops {
            let mut next = Vec::new();
            for state in frontier {
                let (actor, after, _) = states[state];
                for e in self.encounters(actor, search)? {
                    self.go_on()?;
                    if e.first == UNDATED || e.last < after {
                        continue;
                    }
                    let later = after.max(e.first);
                    if best.get(&e.other).is_some_and(|b| *b <= later) {
                        continue;
                    }
                    best.insert(e.other, later);
                    states.push((e.other, later, Some((state, e.meeting))));
                    if e.other == to {
                        return Ok(Some(walk_back(&states, states.len() - 1)));
                    }
                    next.push(states.len() - 1);
                }
            }
            if next.is_empty() {
                break;
            }
            frontier = next;
        }
        Ok(None)
    }

    /// The shortest chain of "met", whatever the dates.
    fn shortest_chain(&self, search: &PathSearch) -> Result<Option<Chain>> {
        let (from, to) = (search.from.id.get(), search.to.id.get());
        // Each reached actor: the actor and meeting it was reached through.
        type Trail = HashMap<u64, Option<(u64, u64)>>;
        let mut reached: [Trail; 2] = [HashMap::from([(from, None)]), HashMap::from([(to, None)])];
        let mut frontier: [VecDeque<u64>; 2] = [VecDeque::from([from]), VecDeque::from([to])];
        let mut hops = 0;
        let meeting_point = 'search: loop {
            if hops >= search.max_hops || frontier[0].is_empty() || frontier[1].is_empty() {
                break None;
            }
            hops += 1;
            let side = usize::from(frontier[1].len() < frontier[0].len());
            let mut next = VecDeque::new();
            let mut current: Vec<u64> = frontier[side].drain(..).collect();
            current.sort_unstable();
            for actor in current {
                for Encounter { other, meeting, .. } in self.encounters(actor, search)? {
                    self.go_on()?;
                    if reached[side].contains_key(&other) {
                        continue;
                    }
                    reached[side].insert(other, Some((actor, meeting)));
                    if reached[1 - side].contains_key(&other) {
                        break 'search Some(other);
                    }
                    next.push_back(other);
                }
            }
            frontier[side] = next;
        };
        let Some(middle) = meeting_point else {
            return Ok(None);
        };
        // Walk back to `from`, then forward to `to`.
        let mut chain: Vec<(u64, u64, u64)> = Vec::new();
        let mut at = middle;
        while let Some(Some((prev, meeting))) = reached[0].get(&at) {
            chain.push((*prev, at, *meeting));
            at = *prev;
        }
        chain.reverse();
        let mut at = middle;
        while let Some(Some((next, meeting))) = reached[1].get(&at) {
            chain.push((at, *next, *meeting));
            at = *next;
        }
        Ok(Some(chain))
    }
}

/// A chain of steps: (from, to, meeting).
type Chain = Vec<(u64, u64, u64)>;

/// A state of the search in time order: the actor, the day key the next meeting must not end
/// before, and the state and meeting it was reached through.
type State = (u64, u32, Option<(usize, u64)>);

/// One meeting in which an actor met another.
struct Encounter {
    other: u64,
    meeting: u64,
    first: u32,
    last: u32,
}

/// The chain that ends at `state`, from the search's start.
fn walk_back(states: &[State], mut state: usize) -> Chain {
    let mut chain = Vec::new();
    while let (actor, _, Some((previous, meeting))) = states[state] {
        chain.push((states[previous].0, actor, meeting));
        state = previous;
    }
    chain.reverse();
    chain
}
