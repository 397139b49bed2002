//! Execution: a plan, run over a [`Catalog`], into rows.
//!
//! Meetings are pushed from the catalog's scan through the filters as each list entry is read
//! (`scan`); they are then either kept, one row each, or paired with an anchor and counted per
//! actor (`count`); a projection turns them into rows (`project`), which are sorted, limited
//! and cut (`order`). `path`, `profile` and `sources` are operators of their own. List entries
//! carry each meeting's date, place and (in actor lists) participants, so most questions read
//! no meeting record; records that are read are read once per question and cached.

mod count;
#[cfg(test)]
pub(crate) use count::counted_both_ways;
mod order;
mod path;
mod profile;
mod project;
mod quotes;
mod scan;
mod view;

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::cancel::CancellationToken;
use super::catalog::{Catalog, Member};
use super::plan::{Column, Input, PairCount, Plan, SortKey};
use crate::error::{Error, Result};
use crate::model::{Actor, Document, Id, Meeting, Place, Record};
use crate::rows::{RowSink, Rows, Value};

/// The names of a projection's columns.
fn column_names(columns: &[Column]) -> Vec<String> {
    columns.iter().map(|c| c.name().to_string()).collect()
}

/// Hands rows already made to a sink; returns their note.
fn emit(rows: Rows, sink: &mut dyn RowSink) -> Result<Option<String>> {
    sink.columns(&rows.columns)?;
    for row in rows.rows {
        if sink.full() {
            break;
        }
        sink.row(row)?;
    }
    Ok(rows.note)
}

/// Runs a plan into rows; stops with [`Error::Interrupted`] once `cancel` is cancelled.
pub(crate) fn execute<C: Catalog>(
    catalog: &C,
    plan: &Plan,
    cancel: &CancellationToken,
) -> Result<Rows> {
    let mut rows = Rows::default();
    rows.note = execute_into(catalog, plan, cancel, &mut rows)?;
    Ok(rows)
}

/// Runs a plan, handing its rows to `sink` as they are made, and returns the answer's note.
/// Rows of meetings in date order are never all held: see [`Ctx::stream`].
pub(crate) fn execute_into<C: Catalog>(
    catalog: &C,
    plan: &Plan,
    cancel: &CancellationToken,
    sink: &mut dyn RowSink,
) -> Result<Option<String>> {
    let ctx = Ctx {
        catalog,
        cache: RefCell::default(),
        cancel,
    };
    ctx.stream(plan, sink)
}

/// How many meetings a question keeps read: a projection of a million meetings reads each
/// once, so keeping them all would only hold memory; a path or a profile reads far fewer.
const MEETINGS_KEPT: usize = 1 << 14;

/// How many actors or places a question keeps read: they recur (a name in many rows), and
/// even a large database has few enough that this bounds memory without forgetting them.
const NAMES_KEPT: usize = 1 << 21;

#[derive(Default)]
struct Cache {
    meetings: HashMap<u64, Rc<Meeting>>,
    actors: HashMap<u64, Rc<Actor>>,
    places: HashMap<u64, Rc<Place>>,
    documents: HashMap<u64, Rc<Document>>,
}

/// What one run of a plan shares: the catalog, the records read so far, the cancellation.
struct Ctx<'a, C> {
    catalog: &'a C,
    cache: RefCell<Cache>,
    cancel: &'a CancellationToken,
}

fn missing<R: Record>(id: u64) -> Error {
    Error::Corrupt(format!(
        "an index refers to {} #{id}, which does not exist",
        R::KIND
    ))
}

impl<C: Catalog> Ctx<'_, C> {
    /// Runs a plan into a sink. Meetings are projected as the scan reads them, and sorting
    /// them by date needs only the meetings of one first day at a time (lists are in date
    /// order); a limit stops the projection once met and a column cut maps each row. Counts,
    /// other sorts and the operators of their own make all their rows first.
    fn stream(&self, plan: &Plan, sink: &mut dyn RowSink) -> Result<Option<String>> {
        match plan {
            Plan::Project(Input::Meetings(meetings), columns) => {
                sink.columns(&column_names(columns))?;
                self.project_meetings(meetings, columns, sink)?;
                Ok(None)
            }
            Plan::Project(Input::Counts(count), columns) => {
                let counts = self.count(count)?;
                sink.columns(&column_names(columns))?;
                self.project_counts(counts.iter(), columns, sink)?;
                Ok(None)
            }
            Plan::Sort(input, keys) => {
                if let Some((count, columns)) = order::by_numbers(input, keys) {
                    return self.ranked_counts(count, columns, keys, None, sink);
                }
                match order::date_runs(input, keys) {
                    Some(date) => {
                        let mut runs = order::DateRuns::new(date, keys, sink);
                        let note = self.stream(input, &mut runs)?;
                        runs.finish()?;
                        Ok(note)
                    }
                    None => {
                        let mut rows = self.collect(input)?;
                        order::sort(&mut rows, keys, None);
                        emit(rows, sink)
                    }
                }
            }
            Plan::Limit(input, n) => {
                let n = usize::try_from(*n).unwrap_or(usize::MAX);
                if let Plan::Sort(sorted, keys) = &**input {
                    if let Some((count, columns)) = order::by_numbers(sorted, keys) {
                        return self.ranked_counts(count, columns, keys, Some(n), sink);
                    }
                }
                match &**input {
                    // The first n in order need not put the rest in order.
                    Plan::Sort(input, keys) if order::date_runs(input, keys).is_none() => {
                        let mut rows = self.collect(input)?;
                        order::sort(&mut rows, keys, Some(n));
                        rows.rows.truncate(n);
                        emit(rows, sink)
                    }
                    input => self.stream(input, &mut order::Limited::new(n, sink)),
                }
            }
            Plan::Keep(input, keep) => self.stream(input, &mut order::Kept::new(keep, sink)),
            Plan::Path(search) => emit(self.path(search)?, sink),
            Plan::Profile(actor, view) => emit(self.profile(actor, view.as_ref())?, sink),
            Plan::Sources(sourced) => emit(self.sources(sourced)?, sink),
            Plan::Reported(document) => emit(self.reported(document)?, sink),
            Plan::Relations(actor, min_sources) => emit(self.relations(actor, *min_sources)?, sink),
            Plan::Disputes(meeting) => emit(self.disputes(meeting.as_ref())?, sink),
            Plan::Quotes(search) => emit(self.quotes(search)?, sink),
            Plan::PlaceProfile(place, view) => {
                emit(self.place_profile(place, view.as_ref())?, sink)
            }
        }
    }

    /// The rows of a count in the order of `keys` (only the first `first`), when every key is
    /// a number of the tallies ([`order::by_numbers`]): the tallies are put in order and only
    /// the rows kept are made.
    fn ranked_counts(
        &self,
        count: &PairCount,
        columns: &[Column],
        keys: &[SortKey],
        first: Option<usize>,
        sink: &mut dyn RowSink,
    ) -> Result<Option<String>> {
        let tallies = self.count(count)?;
        let order = order::rank(&tallies, columns, keys, first);
        sink.columns(&column_names(columns))?;
        // `rank` hands out positions among the tallies only.
        self.project_counts(order.iter().map(|&i| &tallies[i]), columns, sink)?;
        Ok(None)
    }

    /// All the rows of a plan.
    fn collect(&self, plan: &Plan) -> Result<Rows> {
        let mut rows = Rows::default();
        rows.note = self.stream(plan, &mut rows)?;
        Ok(rows)
    }

    /// Fails once the question has been cancelled; called wherever work is done per record.
    fn go_on(&self) -> Result<()> {
        self.cancel.check()
    }

    /// A record, read once per question and shared after that.
    fn cached<R: Record>(
        &self,
        id: u64,
        limit: usize,
        slot: fn(&mut Cache) -> &mut HashMap<u64, Rc<R>>,
    ) -> Result<Rc<R>> {
        let hit = slot(&mut self.cache.borrow_mut()).get(&id).cloned();
        if let Some(record) = hit {
            return Ok(record);
        }
        let record = Rc::new(
            self.catalog
                .record::<R>(Id::new(id))?
                .ok_or_else(|| missing::<R>(id))?,
        );
        let mut cache = self.cache.borrow_mut();
        let kept = slot(&mut cache);
        if kept.len() >= limit {
            kept.clear();
        }
        kept.insert(id, record.clone());
        Ok(record)
    }

    fn meeting(&self, id: u64) -> Result<Rc<Meeting>> {
        self.go_on()?;
        self.cached(id, MEETINGS_KEPT, |c| &mut c.meetings)
    }

    fn actor(&self, id: u64) -> Result<Rc<Actor>> {
        self.cached(id, NAMES_KEPT, |c| &mut c.actors)
    }

    fn place(&self, id: u64) -> Result<Rc<Place>> {
        self.cached(id, NAMES_KEPT, |c| &mut c.places)
    }

    /// The participants of a meeting: `cast`, those its list entry carries (actor lists do),
    /// or when that is empty, those of the meeting record.
    fn participants<'c>(&self, meeting: u64, cast: &'c [Member]) -> Result<Cow<'c, [Member]>> {
        if !cast.is_empty() {
            return Ok(Cow::Borrowed(cast));
        }
        Ok(Cow::Owned(Member::cast_of(&*self.meeting(meeting)?)))
    }

    fn place_name(&self, place: u64) -> Result<Value> {
        Ok(match place {
            0 => Value::Null,
            id => Value::Text(self.place(id)?.name.clone()),
        })
    }
}
