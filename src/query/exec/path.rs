//! The shortest chain of "met" between two actors.

use std::collections::{HashMap, VecDeque};

use super::Ctx;
use crate::error::Result;
use crate::model::PlaceId;
use crate::query::catalog::{first_days, Catalog, List, Member};
use crate::query::plan::{PathSearch, PATH_COLUMNS};
use crate::rows::{Rows, Value};

impl<C: Catalog> Ctx<'_, C> {
    /// Who `actor` met in the meetings the search counts, with the meeting of each encounter.
    fn encounters(&self, actor: u64, search: &PathSearch) -> Result<Vec<(u64, u64)>> {
        let mut found = Vec::new();
        let during = search.during.as_ref();
        let any = search.counted.any_certainty;
        self.catalog.scan(
            List::Actor(actor),
            first_days(during),
            &mut |entry, cast| {
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
                        found.push((other.actor, entry.meeting));
                    }
                }
                Ok(())
            },
        )?;
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
                for (other, meeting) in self.encounters(actor, search)? {
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
            rows.note = Some(format!(
                "no chain of meetings links {} to {} within {} hops",
                search.from, search.to, search.max_hops
            ));
            return Ok(rows);
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
        for (step, (a, b, meeting)) in chain.into_iter().enumerate() {
            let meeting = self.meeting(meeting)?;
            rows.rows.push(vec![
                Value::Int(step as i64 + 1),
                Value::Text(self.actor(a)?.name.clone()),
                Value::Text(self.actor(b)?.name.clone()),
                Value::Text(meeting.handle.clone()),
                meeting.date.map_or(Value::Null, Value::Date),
                self.place_name(meeting.place.map_or(0, |p| p.get()))?,
            ]);
        }
        Ok(rows)
    }
}
