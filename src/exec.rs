//! Execution: a plan, run over storage, into rows.
//!
//! Operators pass one of two streams up the tree — meetings (posting entries, in date order)
//! or (actor, count) groups — until a projection turns them into rows. Posting entries carry
//! each meeting's date, place and (in actor lists) participants, so most questions read no
//! meeting record; records that are read are read once per query and cached.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::rc::Rc;
use std::sync::atomic::AtomicBool;

use crate::error::{Error, Result};
use crate::model::{Actor, Document, Id, Meeting, Place, PlaceId, Record, Status};
use crate::plan::{self, Column, Named, Pairing, PathSearch, Plan, Predicate, Scan, SortKey};
use crate::rows::{Rows, Value};
use crate::storage::{cast_of, member, List, Member, Posting, Reader};

/// Runs a plan; stops with [`Error::Interrupted`] when `interrupt` is set.
pub(crate) fn execute(reader: Reader<'_>, plan: &Plan, interrupt: &AtomicBool) -> Result<Rows> {
    let ctx = Ctx {
        reader,
        cache: RefCell::default(),
        interrupt,
    };
    match ctx.run(plan)? {
        Stream::Rows(rows) => Ok(rows),
        _ => Err(Error::Invalid("a plan must end in a projection".into())),
    }
}

enum Stream {
    Meetings(Vec<Posting>),
    Counts(Vec<(u64, i64)>),
    Rows(Rows),
}

#[derive(Default)]
struct Cache {
    meetings: HashMap<u64, Rc<Meeting>>,
    actors: HashMap<u64, Rc<Actor>>,
    places: HashMap<u64, Rc<Place>>,
}

struct Ctx<'a> {
    reader: Reader<'a>,
    cache: RefCell<Cache>,
    interrupt: &'a AtomicBool,
}

fn missing<R: Record>(id: u64) -> Error {
    Error::Corrupt(format!(
        "an index refers to {} #{id}, which does not exist",
        R::KIND
    ))
}

/// Whether a participant counts under the certainty rule.
fn counts(m: &Member, any_certainty: bool) -> bool {
    any_certainty || m.confirmed
}

/// Whether a meeting passes one predicate, given its entry and participants.
fn test(posting: &Posting, cast: &[Member], predicate: &Predicate) -> bool {
    match predicate {
        Predicate::Status(statuses) => statuses.contains(&posting.status),
        Predicate::Inside(_, places) => places.contains(&PlaceId::new(posting.place)),
        Predicate::Attended(actor, any) => {
            member(cast, actor.id.get()).is_some_and(|m| counts(m, *any))
        }
        Predicate::Met(a, b, any) => match (member(cast, a.id.get()), member(cast, b.id.get())) {
            (Some(ma), Some(mb)) => {
                counts(ma, *any) && counts(mb, *any) && a.id != b.id && ma.met(mb)
            }
            _ => false,
        },
        Predicate::MinParticipants(n) => cast.iter().filter(|m| m.confirmed).count() as u64 >= *n,
    }
}

impl Ctx<'_> {
    /// Fails once the statement has been interrupted; called wherever work is done per record.
    fn go_on(&self) -> Result<()> {
        crate::database::check_interrupt(self.interrupt)
    }

    /// A record, read once per query and shared after that.
    fn cached<R: Record>(
        &self,
        id: u64,
        slot: fn(&mut Cache) -> &mut HashMap<u64, Rc<R>>,
    ) -> Result<Rc<R>> {
        let hit = slot(&mut self.cache.borrow_mut()).get(&id).cloned();
        if let Some(record) = hit {
            return Ok(record);
        }
        let record = Rc::new(
            self.reader
                .get::<R>(Id::new(id))?
                .ok_or_else(|| missing::<R>(id))?,
        );
        slot(&mut self.cache.borrow_mut()).insert(id, record.clone());
        Ok(record)
    }

    fn meeting(&self, id: u64) -> Result<Rc<Meeting>> {
        self.go_on()?;
        self.cached(id, |c| &mut c.meetings)
    }

    fn actor(&self, id: u64) -> Result<Rc<Actor>> {
        self.cached(id, |c| &mut c.actors)
    }

    fn place(&self, id: u64) -> Result<Rc<Place>> {
        self.cached(id, |c| &mut c.places)
    }

    /// The participants of a meeting: `cast`, the ones its entry carries (actor lists do), or
    /// when that is empty, those of the meeting record.
    fn participants<'c>(&self, meeting: u64, cast: &'c [Member]) -> Result<Cow<'c, [Member]>> {
        if !cast.is_empty() {
            return Ok(Cow::Borrowed(cast));
        }
        Ok(Cow::Owned(cast_of(&*self.meeting(meeting)?)))
    }

    fn run(&self, plan: &Plan) -> Result<Stream> {
        Ok(match plan {
            Plan::Scan(scan) => Stream::Meetings(self.scan(scan, &[])?),

            Plan::Filter(..) => {
                // A chain of filters is tested as the scan under it decodes each entry.
                let mut predicates = Vec::new();
                let mut input = plan;
                while let Plan::Filter(inner, predicate) = input {
                    predicates.push(predicate);
                    input = inner;
                }
                predicates.reverse();
                let Plan::Scan(scan) = input else {
                    return Err(Error::Invalid("a filter needs a scan under it".into()));
                };
                Stream::Meetings(self.scan(scan, &predicates)?)
            }
            Plan::Expand(..) => {
                return Err(Error::Invalid(
                    "an expansion to participants must be counted".into(),
                ))
            }
            Plan::CountByActor(input) => {
                let Plan::Expand(meetings, anchor, pairing, any) = &**input else {
                    return Err(Error::Invalid(
                        "a count needs an expansion to participants".into(),
                    ));
                };
                let mut actors = Vec::new();
                for posting in self.meetings(meetings)? {
                    let cast = self.participants(posting.meeting, &posting.cast)?;
                    let Some(me) = member(&cast, anchor.id.get()).filter(|m| counts(m, *any))
                    else {
                        continue;
                    };
                    for other in cast.iter() {
                        let paired = match pairing {
                            Pairing::Counterparts => me.met(other),
                            Pairing::Companions => me.together(other),
                        };
                        if other.actor != me.actor && counts(other, *any) && paired {
                            actors.push(other.actor);
                        }
                    }
                }
                let last_id = self.reader.last_id(crate::model::RecordKind::Actor)?;
                Stream::Counts(count_each(actors, last_id))
            }
            Plan::Project(input, columns) => Stream::Rows(self.project(self.run(input)?, columns)?),
            Plan::Sort(input, keys) => {
                let mut rows = self.rows(input)?;
                sort(&mut rows, keys, None);
                Stream::Rows(rows)
            }
            Plan::Limit(input, n) => {
                let n = usize::try_from(*n).unwrap_or(usize::MAX);
                let rows = match &**input {
                    // The first n in order need not put the rest in order.
                    Plan::Sort(input, keys) => {
                        let mut rows = self.rows(input)?;
                        sort(&mut rows, keys, Some(n));
                        rows
                    }
                    _ => self.rows(input)?,
                };
                let mut rows = rows;
                rows.rows.truncate(n);
                Stream::Rows(rows)
            }
            Plan::Keep(input, keep) => {
                let rows = self.rows(input)?;
                Stream::Rows(Rows {
                    columns: keep.iter().map(|&i| rows.columns[i].clone()).collect(),
                    rows: rows
                        .rows
                        .into_iter()
                        .map(|row| keep.iter().map(|&i| row[i].clone()).collect())
                        .collect(),
                    note: rows.note,
                })
            }
            Plan::Path(search) => Stream::Rows(self.path(search)?),
            Plan::Profile(actor) => Stream::Rows(self.profile(actor)?),
            Plan::Sources(meeting) => Stream::Rows(self.sources(meeting)?),
        })
    }

    fn meetings(&self, plan: &Plan) -> Result<Vec<Posting>> {
        match self.run(plan)? {
            Stream::Meetings(m) => Ok(m),
            _ => Err(Error::Invalid(
                "this step needs a stream of meetings".into(),
            )),
        }
    }

    fn rows(&self, plan: &Plan) -> Result<Rows> {
        match self.run(plan)? {
            Stream::Rows(r) => Ok(r),
            _ => Err(Error::Invalid("this step needs rows".into())),
        }
    }

    /// The meetings of a scan that pass every predicate, in date order.
    fn scan(&self, scan: &Scan, predicates: &[&Predicate]) -> Result<Vec<Posting>> {
        let needs_participants = predicates.iter().any(|p| {
            matches!(
                p,
                Predicate::Attended(..) | Predicate::Met(..) | Predicate::MinParticipants(_)
            )
        });
        let mut keep = |p: &Posting, cast: &[Member]| {
            if predicates.is_empty() {
                return Ok(true);
            }
            let cast = match needs_participants {
                true => self.participants(p.meeting, cast)?,
                false => Cow::Borrowed(cast),
            };
            Ok(predicates.iter().all(|predicate| test(p, &cast, predicate)))
        };
        match scan {
            Scan::Actor(actor, during) => {
                self.reader
                    .meetings_where(List::Actor(actor.id.get()), during.as_ref(), &mut keep)
            }
            Scan::Places(_, places, during) => {
                let mut all = Vec::new();
                for place in places {
                    all.extend(self.reader.meetings_where(
                        List::Place(place.get()),
                        during.as_ref(),
                        &mut keep,
                    )?);
                }
                all.sort_by_key(Posting::key);
                Ok(all)
            }
            Scan::All(during) => self
                .reader
                .meetings_where(List::All, during.as_ref(), &mut keep),
        }
    }

    fn project(&self, stream: Stream, columns: &[Column]) -> Result<Rows> {
        let mut rows = Rows {
            columns: columns.iter().map(|c| c.name().to_string()).collect(),
            ..Rows::default()
        };
        match stream {
            Stream::Counts(counts) => {
                let needs_record = columns
                    .iter()
                    .any(|c| matches!(c, Column::ActorName | Column::ActorHandle));
                for (actor, count) in counts {
                    self.go_on()?;
                    let record = needs_record.then(|| self.actor(actor)).transpose()?;
                    let row = columns
                        .iter()
                        .map(|c| match (c, &record) {
                            (Column::Id, _) => Value::Int(actor as i64),
                            (Column::ActorName, Some(a)) => Value::Text(a.name.clone()),
                            (Column::ActorHandle, Some(a)) => Value::Text(a.handle.clone()),
                            (Column::Count, _) => Value::Int(count),
                            _ => Value::Null,
                        })
                        .collect();
                    rows.rows.push(row);
                }
            }
            Stream::Meetings(meetings) => {
                for posting in meetings {
                    self.go_on()?;
                    let row = columns
                        .iter()
                        .map(|c| self.meeting_value(&posting, c))
                        .collect::<Result<_>>()?;
                    rows.rows.push(row);
                }
            }
            Stream::Rows(_) => {
                return Err(Error::Invalid("this stream cannot be projected".into()));
            }
        }
        Ok(rows)
    }

    fn names(&self, participants: impl Iterator<Item = u64>) -> Result<Vec<String>> {
        participants
            .map(|id| Ok(self.actor(id)?.name.clone()))
            .collect()
    }

    fn place_name(&self, place: u64) -> Result<Value> {
        Ok(match place {
            0 => Value::Null,
            id => Value::Text(self.place(id)?.name.clone()),
        })
    }

    /// A column of a meeting: from its posting entry when that holds it, else from the record.
    fn meeting_value(&self, posting: &Posting, column: &Column) -> Result<Value> {
        match column {
            Column::Id => return Ok(Value::Int(posting.meeting as i64)),
            Column::Date => return Ok(posting.date().map_or(Value::Null, Value::Date)),
            Column::PlaceName => return self.place_name(posting.place),
            Column::Status => return Ok(Value::Text(posting.status.to_string())),
            _ => {}
        }
        let m = self.meeting(posting.meeting)?;
        let text_or_null = |t: Option<String>| t.map_or(Value::Null, Value::Text);
        Ok(match column {
            Column::MeetingHandle => Value::Text(m.handle.clone()),
            Column::Id | Column::Date | Column::PlaceName | Column::Status => Value::Null,
            Column::Kind => Value::Text(m.kind.clone()),
            Column::Participants => {
                Value::List(self.names(m.participants.iter().map(|p| p.actor.get()))?)
            }
            Column::SideOf(actor) => {
                let side = m.participant(*actor).and_then(|p| p.side);
                text_or_null(
                    side.map(|s| self.actor(s.get()))
                        .transpose()?
                        .map(|a| a.name.clone()),
                )
            }
            Column::RoleOf(actor) => {
                text_or_null(m.participant(*actor).and_then(|p| p.role.clone()))
            }
            Column::OthersThan(actor) => Value::List(
                self.names(
                    m.participants
                        .iter()
                        .filter(|p| p.actor != *actor)
                        .map(|p| p.actor.get()),
                )?,
            ),
            Column::ActorName | Column::ActorHandle | Column::Count => Value::Null,
        })
    }

    /// Who `actor` met in the meetings the search counts, with the meeting of each encounter.
    fn encounters(&self, actor: u64, search: &PathSearch) -> Result<Vec<(u64, u64)>> {
        let mut found = Vec::new();
        for posting in self
            .reader
            .meetings_of_actor(actor, search.during.as_ref())?
        {
            if !search.counted.statuses.contains(&posting.status) {
                continue;
            }
            if let Some((_, places)) = &search.inside {
                if !places.contains(&PlaceId::new(posting.place)) {
                    continue;
                }
            }
            let any = search.counted.any_certainty;
            let cast = self.participants(posting.meeting, &posting.cast)?;
            let Some(me) = member(&cast, actor).filter(|m| counts(m, any)) else {
                continue;
            };
            for other in cast.iter() {
                if other.actor != actor && counts(other, any) && me.met(other) {
                    found.push((other.actor, posting.meeting));
                }
            }
        }
        Ok(found)
    }

    /// Bidirectional breadth-first search: grow the smaller frontier one hop at a time until the
    /// two meet; each actor remembers the actor and meeting it was reached through.
    fn path(&self, search: &PathSearch) -> Result<Rows> {
        let columns: Vec<String> = plan::path_columns().iter().map(|c| c.to_string()).collect();
        let (from, to) = (search.from.id.get(), search.to.id.get());
        let mut rows = Rows {
            columns,
            ..Rows::default()
        };
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

    fn profile(&self, actor: &Named<crate::model::ActorId>) -> Result<Rows> {
        let a = self.actor(actor.id.get())?;
        let mut rows = Rows::new(&plan::profile_columns());
        let mut add =
            |field: &str, value: Value| rows.rows.push(vec![Value::Text(field.into()), value]);
        add("name", Value::Text(a.name.clone()));
        add("handle", Value::Text(a.handle.clone()));
        add("kind", Value::Text(a.kind.to_string()));
        add("aliases", Value::List(a.aliases.clone()));
        if let Some(aff) = a.affiliation {
            add(
                "affiliation",
                Value::Text(self.actor(aff.get())?.name.clone()),
            );
        }
        for title in &a.titles {
            let during = title.during.map(|d| format!(" ({d})")).unwrap_or_default();
            add("title", Value::Text(format!("{}{during}", title.text)));
        }
        for (kind, id) in self
            .reader
            .referrers(crate::model::RecordKind::Actor, actor.id.get())?
        {
            if kind != crate::model::RecordKind::Relation {
                continue;
            }
            let Some(r) = self.reader.get::<crate::model::Relation>(Id::new(id))? else {
                continue;
            };
            let during = r.during.map(|d| format!(" ({d})")).unwrap_or_default();
            let (s, o) = (self.actor(r.subject.get())?, self.actor(r.object.get())?);
            add(
                "relation",
                Value::Text(format!("{} {} {}{during}", s.name, r.predicate, o.name)),
            );
        }
        let mut by_status: BTreeMap<Status, i64> = BTreeMap::new();
        for posting in self.reader.meetings_of_actor(actor.id.get(), None)? {
            *by_status.entry(posting.status).or_default() += 1;
        }
        let summary: Vec<String> = by_status.iter().map(|(s, n)| format!("{n} {s}")).collect();
        add(
            "meetings",
            Value::Text(if summary.is_empty() {
                "none".into()
            } else {
                summary.join(", ")
            }),
        );
        Ok(rows)
    }

    fn sources(&self, meeting: &Named<crate::model::MeetingId>) -> Result<Rows> {
        let m = self.meeting(meeting.id.get())?;
        let mut rows = Rows::new(&plan::sources_columns());
        for source in &m.sources {
            let doc: Document = self
                .reader
                .get(source.document)?
                .ok_or_else(|| missing::<Document>(source.document.get()))?;
            let says: Vec<String> = source
                .says_status
                .map(|s| s.to_string())
                .into_iter()
                .chain(source.says_date.map(|d| d.to_string()))
                .collect();
            rows.rows.push(vec![
                Value::Text(doc.handle),
                doc.outlet.map_or(Value::Null, Value::Text),
                doc.published.map_or(Value::Null, Value::Date),
                Value::Text(source.quote.clone()),
                if says.is_empty() {
                    Value::Null
                } else {
                    Value::Text(says.join(" "))
                },
            ]);
        }
        Ok(rows)
    }
}

/// (actor, how many times it occurs), in actor order. Ids are handed out in sequence, so when
/// there are many occurrences a dense array indexed by id counts them faster than a sort.
fn count_each(mut actors: Vec<u64>, last_id: u64) -> Vec<(u64, i64)> {
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

/// Puts rows in order (only the first `first` of them, when given, the rest after them in no
/// particular order). Ties keep their input order, so the first n are those a full sort gives.
fn sort(rows: &mut Rows, keys: &[SortKey], first: Option<usize>) {
    // Sort positions by one byte key per row (see `Value::push_sort_bytes`), ties by position.
    let order: Vec<usize> = {
        let mut bytes = Vec::new();
        let mut ends = Vec::with_capacity(rows.rows.len());
        for row in &rows.rows {
            for k in keys {
                row[k.column].push_sort_bytes(&mut bytes, k.descending);
            }
            ends.push(bytes.len());
        }
        let key = |i: usize| &bytes[if i == 0 { 0 } else { ends[i - 1] }..ends[i]];
        let compare = |&x: &usize, &y: &usize| key(x).cmp(key(y)).then(x.cmp(&y));
        let mut order: Vec<usize> = (0..rows.rows.len()).collect();
        match first {
            Some(n) if n < order.len() => {
                if n > 0 {
                    order.select_nth_unstable_by(n - 1, compare);
                }
                order[..n].sort_unstable_by(compare);
            }
            // A stable sort keeps ties in input order without comparing positions, and is
            // quick on the long runs of equal keys that counts have.
            _ => order.sort_by(|&x, &y| key(x).cmp(key(y))),
        }
        order
    };
    let mut taken: Vec<Option<Vec<Value>>> = std::mem::take(&mut rows.rows)
        .into_iter()
        .map(Some)
        .collect();
    rows.rows = order.into_iter().filter_map(|i| taken[i].take()).collect();
}

#[cfg(test)]
mod tests {
    use super::{count_each, sort};
    use crate::plan::SortKey;
    use crate::rows::{Rows, Value};
    use proptest::prelude::*;

    proptest! {
        /// The first n rows of a partial sort are the first n of a full sort, ties included.
        #[test]
        fn the_first_n_agree_with_a_full_sort(
            cells in proptest::collection::vec((0i64..5, 0usize..4), 0..60),
            n in 0usize..70,
            descending in any::<bool>(),
        ) {
            let names = ["b", "A", "a", "ä"];
            let rows = Rows {
                columns: vec!["count".into(), "name".into(), "position".into()],
                rows: cells
                    .iter()
                    .enumerate()
                    .map(|(i, (c, t))| {
                        vec![Value::Int(*c), Value::Text(names[*t].into()), Value::Int(i as i64)]
                    })
                    .collect(),
                note: None,
            };
            let keys = [
                SortKey { column: 0, descending },
                SortKey { column: 1, descending: false },
            ];
            let (mut full, mut partial) = (rows.clone(), rows);
            sort(&mut full, &keys, None);
            sort(&mut partial, &keys, Some(n));
            full.rows.truncate(n);
            partial.rows.truncate(n);
            prop_assert_eq!(full.rows, partial.rows);
        }

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
