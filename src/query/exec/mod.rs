//! Execution: a plan, run over a [`Catalog`], into rows.
//!
//! Meetings are pushed from the catalog's scan through the filters as each list entry is read
//! (`scan`); they are then either kept, one row each, or paired with an anchor and counted per
//! actor (`count`); a projection turns them into rows (`project`), which are sorted, limited
//! and cut (`order`). `path`, `profile` and `sources` are operators of their own. List entries
//! carry each meeting's date, place and (in actor lists) participants, so most questions read
//! no meeting record; records that are read are read once per question and cached.

mod count;
mod order;
mod path;
mod profile;
mod project;
mod scan;

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::cancel::CancellationToken;
use super::catalog::{Catalog, Member};
use super::plan::{Input, Plan};
use crate::error::{Error, Result};
use crate::model::{Actor, Id, Meeting, Place, Record};
use crate::rows::{Rows, Value};

/// Runs a plan; stops with [`Error::Interrupted`] once `cancel` is cancelled.
pub(crate) fn execute<C: Catalog>(
    catalog: &C,
    plan: &Plan,
    cancel: &CancellationToken,
) -> Result<Rows> {
    let ctx = Ctx {
        catalog,
        cache: RefCell::default(),
        cancel,
    };
    ctx.run(plan)
}

#[derive(Default)]
struct Cache {
    meetings: HashMap<u64, Rc<Meeting>>,
    actors: HashMap<u64, Rc<Actor>>,
    places: HashMap<u64, Rc<Place>>,
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
    fn run(&self, plan: &Plan) -> Result<Rows> {
        match plan {
            Plan::Project(Input::Meetings(meetings), columns) => {
                let found = self.meetings(meetings)?;
                self.project_meetings(found, columns)
            }
            Plan::Project(Input::Counts(count), columns) => {
                let counts = self.count(count)?;
                self.project_counts(counts, columns)
            }
            Plan::Sort(input, keys) => {
                let mut rows = self.run(input)?;
                order::sort(&mut rows, keys, None);
                Ok(rows)
            }
            Plan::Limit(input, n) => {
                let n = usize::try_from(*n).unwrap_or(usize::MAX);
                let mut rows = match &**input {
                    // The first n in order need not put the rest in order.
                    Plan::Sort(input, keys) => {
                        let mut rows = self.run(input)?;
                        order::sort(&mut rows, keys, Some(n));
                        rows
                    }
                    input => self.run(input)?,
                };
                rows.rows.truncate(n);
                Ok(rows)
            }
            Plan::Keep(input, keep) => Ok(order::keep(self.run(input)?, keep)),
            Plan::Path(search) => self.path(search),
            Plan::Profile(actor) => self.profile(actor),
            Plan::Sources(meeting) => self.sources(meeting),
        }
    }

    /// Fails once the question has been cancelled; called wherever work is done per record.
    fn go_on(&self) -> Result<()> {
        self.cancel.check()
    }

    /// A record, read once per question and shared after that.
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
            self.catalog
                .record::<R>(Id::new(id))?
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

    fn names(&self, participants: impl Iterator<Item = u64>) -> Result<Vec<String>> {
        participants
            .map(|id| Ok(self.actor(id)?.name.clone()))
            .collect()
    }
}
