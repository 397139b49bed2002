//! Planning: a question's AST → a logical plan, with every name resolved.
//!
//! Every question lowers into the same algebra: a scan of one index (an actor's, a place's, or
//! the date index), filters on meetings, an expansion from meetings to the participants paired
//! with an anchor, a count per actor, a projection to columns, a sort, a limit and the columns
//! kept for `return` — or one of three special operators (shortest path, profile, sources). The
//! executor (`exec`) knows only these operators; `explain` prints them. Several actors are
//! met by scanning the one with the shortest list and filtering on the others.

use std::collections::BTreeSet;
use std::fmt;

use crate::error::{Error, Result};
use crate::model::{Actor, ActorId, DateSpan, Meeting, MeetingId, Place, PlaceId, Status};
use crate::resolve::resolve;
use crate::storage::Reader;
use crate::syntax::{Filters, NameRef, Order, Query, Question, Span, StatusFilter};

/// How far `path` searches by default, in hops.
pub(crate) const MAX_PATH_HOPS: usize = 6;

/// A resolved record with the name it goes by in `explain`.
#[derive(Clone, Debug)]
pub(crate) struct Named<T> {
    pub id: T,
    pub label: String,
}

impl<T> fmt::Display for Named<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

/// Which meetings count, by status and by the certainty of their participants.
#[derive(Clone, Debug)]
pub(crate) struct Counted {
    pub statuses: Vec<Status>,
    /// Only confirmed participants count unless the question widened the statuses.
    pub any_certainty: bool,
}

impl Counted {
    fn from_filter(filter: Option<&StatusFilter>) -> Counted {
        let statuses = match filter {
            None => vec![Status::Occurred],
            Some(StatusFilter::All) => Status::ALL.to_vec(),
            Some(StatusFilter::Including(extra)) => {
                let mut all = vec![Status::Occurred];
                all.extend(extra.iter().filter(|s| **s != Status::Occurred));
                all
            }
        };
        let any_certainty = statuses.len() > 1;
        Counted {
            statuses,
            any_certainty,
        }
    }

    fn everything() -> Counted {
        Counted {
            statuses: Status::ALL.to_vec(),
            any_certainty: true,
        }
    }

    pub(crate) fn is_everything(&self) -> bool {
        self.statuses.len() == Status::ALL.len()
    }
}

/// Where meetings come from.
#[derive(Clone, Debug)]
pub(crate) enum Scan {
    /// `actor_meetings`: one actor's meetings in date order.
    Actor(Named<ActorId>, Option<DateSpan>),
    /// `place_meetings` of a place and every place inside it.
    Places(Named<PlaceId>, Vec<PlaceId>, Option<DateSpan>),
    /// `date_meetings`: every meeting in date order.
    All(Option<DateSpan>),
}

/// A test on one meeting.
#[derive(Clone, Debug)]
pub(crate) enum Predicate {
    /// Its status is one of these (read from the posting entry).
    Status(Vec<Status>),
    /// It was held at one of these places.
    Inside(Named<PlaceId>, BTreeSet<PlaceId>),
    /// The actor took part (confirmed, unless any certainty counts).
    Attended(Named<ActorId>, bool),
    /// The two actors took part on different sides (or a side is unknown).
    Met(Named<ActorId>, Named<ActorId>, bool),
    /// At least this many confirmed participants.
    MinParticipants(u64),
}

/// Which participants an expansion pairs with its anchor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pairing {
    /// On another side, or either side unknown: they met.
    Counterparts,
    /// On the same known side: they were together.
    Companions,
}

/// An output column.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Column {
    /// The record number of the row's actor or meeting (what an import keeps of its ids).
    Id,
    ActorName,
    ActorHandle,
    Count,
    MeetingHandle,
    Date,
    PlaceName,
    Kind,
    Status,
    Participants,
    /// The anchor's side, role, and the other participants, for a timeline.
    SideOf(ActorId),
    RoleOf(ActorId),
    OthersThan(ActorId),
}

impl Column {
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Column::Id => "id",
            Column::ActorName => "actor",
            Column::ActorHandle => "handle",
            Column::Count => "meetings",
            Column::MeetingHandle => "meeting",
            Column::Date => "date",
            Column::PlaceName => "place",
            Column::Kind => "kind",
            Column::Status => "status",
            Column::Participants => "participants",
            Column::SideOf(_) => "side",
            Column::RoleOf(_) => "role",
            Column::OthersThan(_) => "with",
        }
    }
}

/// A sort key: a column position and a direction.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SortKey {
    pub column: usize,
    pub descending: bool,
}

/// The shortest-path search.
#[derive(Clone, Debug)]
pub(crate) struct PathSearch {
    pub from: Named<ActorId>,
    pub to: Named<ActorId>,
    pub counted: Counted,
    pub inside: Option<(Named<PlaceId>, BTreeSet<PlaceId>)>,
    pub during: Option<DateSpan>,
    pub max_hops: usize,
}

/// A logical plan.
#[derive(Clone, Debug)]
pub(crate) enum Plan {
    /// Meetings from one index.
    Scan(Scan),

    /// Meetings that pass a predicate.
    Filter(Box<Plan>, Predicate),
    /// (meeting, participant) pairs for the participants paired with an anchor.
    Expand(Box<Plan>, Named<ActorId>, Pairing, bool),
    /// (actor, number of meetings) per participant.
    CountByActor(Box<Plan>),
    /// Rows of named columns.
    Project(Box<Plan>, Vec<Column>),
    /// Rows in order.
    Sort(Box<Plan>, Vec<SortKey>),
    /// The first rows.
    Limit(Box<Plan>, u64),
    /// These columns of each row, in this order.
    Keep(Box<Plan>, Vec<usize>),
    /// The shortest chain of "met" between two actors.
    Path(PathSearch),
    /// An actor's profile.
    Profile(Named<ActorId>),
    /// The sources of a meeting.
    Sources(Named<MeetingId>),
}

/// Where the statement came from, to locate errors.
pub(crate) struct Source<'a> {
    pub text: &'a str,
    pub name: Option<&'a str>,
}

impl Source<'_> {
    pub(crate) fn at(&self, span: Span, error: Error) -> Error {
        Error::at(
            crate::syntax::Location::of(self.text, span.start, self.name),
            error,
        )
    }
}

struct Planner<'a> {
    reader: Reader<'a>,
    source: &'a Source<'a>,
}

/// Lowers a question into a plan.
pub(crate) fn plan_query(reader: Reader<'_>, source: &Source<'_>, query: &Query) -> Result<Plan> {
    Planner { reader, source }.query(query)
}

impl Planner<'_> {
    fn actor(&self, name: &NameRef) -> Result<Named<ActorId>> {
        self.named::<Actor>(name)
    }

    fn place(&self, name: &NameRef) -> Result<Named<PlaceId>> {
        self.named::<Place>(name)
    }

    /// The record a name stands for, labelled with its canonical name (read once).
    fn named<R: crate::resolve::Named>(
        &self,
        name: &NameRef,
    ) -> Result<Named<crate::model::Id<R>>> {
        let (id, record) = self.lookup::<R>(name)?;
        let label = match record {
            Some(r) => r.name().to_string(),
            None => self
                .reader
                .get(id)?
                .map_or_else(|| name.text.clone(), |r| r.name().to_string()),
        };
        Ok(Named { id, label })
    }

    fn meeting(&self, name: &NameRef) -> Result<Named<MeetingId>> {
        let text = name.text.trim_start_matches('#');
        match self.reader.by_handle::<Meeting>(text)? {
            Some(id) => Ok(Named {
                id,
                label: format!("#{text}"),
            }),
            None => Err(self.source.at(
                name.span,
                Error::NotFound {
                    kind: "meeting",
                    name: name.text.clone(),
                    suggestions: Vec::new(),
                },
            )),
        }
    }

    /// The id a name stands for, with the record when finding it meant reading it.
    fn lookup<R: crate::resolve::Named>(
        &self,
        name: &NameRef,
    ) -> Result<(crate::model::Id<R>, Option<R>)> {
        let found = if name.is_handle {
            match self.reader.by_handle_read::<R>(&name.text)? {
                Some(found) => Ok(found),
                None => Err(Error::NotFound {
                    kind: R::KIND.word(),
                    name: format!("#{}", name.text),
                    suggestions: Vec::new(),
                }),
            }
        } else {
            resolve::<R>(&self.reader, &name.text).map(|id| (id, None))
        };
        found.map_err(|e| self.source.at(name.span, e))
    }

    fn inside(&self, name: &NameRef) -> Result<(Named<PlaceId>, BTreeSet<PlaceId>)> {
        let place = self.place(name)?;
        let inside = self.reader.places_inside(place.id)?.into_iter().collect();
        Ok((place, inside))
    }

    fn query(&self, query: &Query) -> Result<Plan> {
        let filters = &query.filters;
        let during = filters.during.as_ref().map(|(d, _)| *d);
        let counted = Counted::from_filter(filters.statuses.as_ref());
        let (plan, columns, default_order): (Plan, Vec<Column>, Vec<SortKey>) = match &query
            .question
        {
            Question::WhoMet(name) | Question::WhoWasWith(name) => {
                let anchor = self.actor(name)?;
                let pairing = match query.question {
                    Question::WhoMet(_) => Pairing::Counterparts,
                    _ => Pairing::Companions,
                };
                let meetings = self.filtered(
                    Plan::Scan(Scan::Actor(anchor.clone(), during)),
                    filters,
                    &counted,
                )?;
                let pairs =
                    Plan::Expand(Box::new(meetings), anchor, pairing, counted.any_certainty);
                let columns = vec![Column::ActorName, Column::ActorHandle, Column::Count];
                let order = vec![
                    SortKey {
                        column: 2,
                        descending: true,
                    },
                    SortKey {
                        column: 0,
                        descending: false,
                    },
                ];
                (Plan::CountByActor(Box::new(pairs)), columns, order)
            }
            Question::WhenDidMeet(a, b) | Question::WhereDidMeet(a, b) => {
                let (a, b) = (self.actor(a)?, self.actor(b)?);
                let scan = Plan::Scan(Scan::Actor(a.clone(), during));
                let meetings = self.filtered(scan, filters, &counted)?;
                let met = Plan::Filter(
                    Box::new(meetings),
                    Predicate::Met(a, b, counted.any_certainty),
                );
                let (columns, date_column) = match query.question {
                    Question::WhenDidMeet(..) => (
                        vec![
                            Column::Date,
                            Column::PlaceName,
                            Column::MeetingHandle,
                            Column::Kind,
                        ],
                        0,
                    ),
                    _ => (
                        vec![
                            Column::PlaceName,
                            Column::Date,
                            Column::MeetingHandle,
                            Column::Kind,
                        ],
                        1,
                    ),
                };
                (
                    met,
                    columns,
                    vec![SortKey {
                        column: date_column,
                        descending: false,
                    }],
                )
            }
            Question::Meetings(names) => {
                let actors = names
                    .iter()
                    .map(|n| self.actor(n))
                    .collect::<Result<Vec<_>>>()?;
                // Scan the actor with the fewest meetings; the others are looked up in the
                // cast that each of its entries carries.
                let mut scanned = (!actors.is_empty()).then_some(0);
                if actors.len() > 1 {
                    let mut fewest = u64::MAX;
                    for (i, actor) in actors.iter().enumerate() {
                        let n = self.reader.meeting_count(actor.id)?;
                        if n < fewest {
                            (scanned, fewest) = (Some(i), n);
                        }
                    }
                }
                let mut place_used = false;
                let source = match (scanned, &filters.place) {
                    (Some(i), _) => Plan::Scan(Scan::Actor(actors[i].clone(), during)),
                    (None, Some(place)) => {
                        let (place, inside) = self.inside(place)?;
                        place_used = true;
                        Plan::Scan(Scan::Places(place, inside.into_iter().collect(), during))
                    }
                    (None, None) => Plan::Scan(Scan::All(during)),
                };
                let mut plan = self.filtered_except_place(source, filters, &counted, place_used)?;
                for (i, actor) in actors.into_iter().enumerate() {
                    // The scanned actor took part in every meeting of its list, at some certainty.
                    if Some(i) != scanned || !counted.any_certainty {
                        plan = Plan::Filter(
                            Box::new(plan),
                            Predicate::Attended(actor, counted.any_certainty),
                        );
                    }
                }
                let columns = vec![
                    Column::MeetingHandle,
                    Column::Date,
                    Column::PlaceName,
                    Column::Kind,
                    Column::Status,
                    Column::Participants,
                ];
                (
                    plan,
                    columns,
                    vec![SortKey {
                        column: 1,
                        descending: false,
                    }],
                )
            }
            Question::Timeline(name) => {
                let anchor = self.actor(name)?;
                let counted = match filters.statuses {
                    None => Counted::everything(),
                    Some(_) => counted,
                };
                let scan = Plan::Scan(Scan::Actor(anchor.clone(), during));
                let plan = self.filtered(scan, filters, &counted)?;
                let id = anchor.id;
                let columns = vec![
                    Column::Date,
                    Column::MeetingHandle,
                    Column::Kind,
                    Column::PlaceName,
                    Column::Status,
                    Column::SideOf(id),
                    Column::RoleOf(id),
                    Column::OthersThan(id),
                ];
                (
                    plan,
                    columns,
                    vec![SortKey {
                        column: 0,
                        descending: false,
                    }],
                )
            }
            Question::Path(from, to) => {
                let (from, to) = (self.actor(from)?, self.actor(to)?);
                let inside = filters.place.as_ref().map(|p| self.inside(p)).transpose()?;
                if filters.min_participants.is_some() {
                    return Err(self.filter_error(query, "with at least", "path"));
                }
                let search = PathSearch {
                    from,
                    to,
                    counted,
                    inside,
                    during,
                    max_hops: MAX_PATH_HOPS,
                };
                return self.fixed(Plan::Path(search), path_columns(), query);
            }
            Question::WhoIs(name) => {
                self.no_filters(query, "who is")?;
                return self.fixed(Plan::Profile(self.actor(name)?), profile_columns(), query);
            }
            Question::Sources(name) => {
                self.no_filters(query, "sources of")?;
                let meeting = self.meeting(name)?;
                return self.fixed(Plan::Sources(meeting), sources_columns(), query);
            }
        };
        // Project what is shown (the returned columns, or the question's own) and what the
        // order needs besides, so that no record is read for a column nobody asked for.
        let defaults: Vec<(Column, bool)> = default_order
            .iter()
            .map(|k| (columns[k.column].clone(), k.descending))
            .collect();
        let mut available = columns.clone();
        available.push(Column::Id);
        let available_names: Vec<&'static str> = available.iter().map(Column::name).collect();
        let shown: Vec<Column> = if query.returns.is_empty() {
            columns
        } else {
            self.returned(query, &available_names)?
                .into_iter()
                .map(|i| available[i].clone())
                .collect()
        };
        let mut projected = shown.clone();
        for order in &query.order {
            let i = self.column(&order.column, order.span, &available_names, "order by")?;
            if !projected.contains(&available[i]) {
                projected.push(available[i].clone());
            }
        }
        let default_keys = defaults
            .into_iter()
            .filter_map(|(column, descending)| {
                let column = projected.iter().position(|c| *c == column)?;
                Some(SortKey { column, descending })
            })
            .collect();
        let names: Vec<&'static str> = projected.iter().map(Column::name).collect();
        let output = (0..shown.len()).collect();
        let plan = Plan::Project(Box::new(plan), projected);
        self.ordered(plan, names, output, query, default_keys)
    }

    /// The position of column `name` among `names`, or an error at `span` listing them.
    fn column(&self, name: &str, span: Span, names: &[&str], clause: &str) -> Result<usize> {
        names.iter().position(|c| *c == name).ok_or_else(|| {
            let error = Error::Invalid(format!(
                "there is no column '{name}' to {clause}; the columns are {}",
                names.join(", ")
            ));
            self.source.at(span, error)
        })
    }

    /// The positions, among `names`, of the columns `return` lists.
    fn returned(&self, query: &Query, names: &[&str]) -> Result<Vec<usize>> {
        query
            .returns
            .iter()
            .map(|c| self.column(&c.name, c.span, names, "return"))
            .collect()
    }

    /// Adds the status, place and size filters a question asked for.
    fn filtered(&self, plan: Plan, filters: &Filters, counted: &Counted) -> Result<Plan> {
        self.filtered_except_place(plan, filters, counted, false)
    }

    fn filtered_except_place(
        &self,
        plan: Plan,
        filters: &Filters,
        counted: &Counted,
        place_used: bool,
    ) -> Result<Plan> {
        let mut plan = plan;
        if !counted.is_everything() {
            plan = Plan::Filter(Box::new(plan), Predicate::Status(counted.statuses.clone()));
        }
        if let (Some(place), false) = (&filters.place, place_used) {
            let (place, inside) = self.inside(place)?;
            plan = Plan::Filter(Box::new(plan), Predicate::Inside(place, inside));
        }
        if let Some(n) = filters.min_participants {
            plan = Plan::Filter(Box::new(plan), Predicate::MinParticipants(n));
        }
        Ok(plan)
    }

    fn no_filters(&self, query: &Query, form: &str) -> Result<()> {
        let f = &query.filters;
        let given = [
            (f.place.is_some(), "in"),
            (f.during.is_some(), "during"),
            (f.statuses.is_some(), "including"),
            (f.min_participants.is_some(), "with at least"),
        ];
        match given.iter().find(|(on, _)| *on) {
            Some((_, filter)) => Err(self.filter_error(query, filter, form)),
            None => Ok(()),
        }
    }

    fn filter_error(&self, query: &Query, filter: &str, form: &str) -> Error {
        let span = query.filters.place.as_ref().map(|p| p.span).or(query
            .filters
            .during
            .as_ref()
            .map(|d| d.1));
        let error = Error::Invalid(format!("`{filter}` does not apply to `{form}`"));
        match span {
            Some(span) => self.source.at(span, error),
            None => error,
        }
    }

    /// Adds `order by` (before the question's own order) and `limit`.
    /// Sorts, limits, and keeps the `output` columns (positions among `columns`).
    fn ordered(
        &self,
        plan: Plan,
        columns: Vec<&'static str>,
        output: Vec<usize>,
        query: &Query,
        default: Vec<SortKey>,
    ) -> Result<Plan> {
        let mut keys = Vec::new();
        for Order {
            column,
            span,
            descending,
        } in &query.order
        {
            keys.push(SortKey {
                column: self.column(column, *span, &columns, "order by")?,
                descending: *descending,
            });
        }
        let chosen: Vec<usize> = keys.iter().map(|k: &SortKey| k.column).collect();
        keys.extend(default.into_iter().filter(|k| !chosen.contains(&k.column)));
        let mut plan = plan;
        if !keys.is_empty() {
            plan = Plan::Sort(Box::new(plan), keys);
        }
        if let Some(n) = query.limit {
            plan = Plan::Limit(Box::new(plan), n);
        }
        if output.len() < columns.len() || output.iter().enumerate().any(|(i, c)| i != *c) {
            plan = Plan::Keep(Box::new(plan), output);
        }
        Ok(plan)
    }

    /// The columns of a question with fixed columns: all of them, or those `return` lists.
    fn fixed(&self, plan: Plan, columns: Vec<&'static str>, query: &Query) -> Result<Plan> {
        let output = if query.returns.is_empty() {
            (0..columns.len()).collect()
        } else {
            self.returned(query, &columns)?
        };
        self.ordered(plan, columns, output, query, Vec::new())
    }
}

pub(crate) fn path_columns() -> Vec<&'static str> {
    vec!["step", "from", "to", "meeting", "date", "place"]
}

pub(crate) fn profile_columns() -> Vec<&'static str> {
    vec!["field", "value"]
}

pub(crate) fn sources_columns() -> Vec<&'static str> {
    vec!["document", "outlet", "published", "quote", "says"]
}

// ---- explain ------------------------------------------------------------------------------

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_tree(f, 0)
    }
}

fn statuses(list: &[Status]) -> String {
    list.iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn during(d: &Option<DateSpan>) -> String {
    d.map(|d| format!(" during {d}")).unwrap_or_default()
}

fn certainty(any: bool) -> &'static str {
    if any {
        "any certainty"
    } else {
        "confirmed"
    }
}

impl Plan {
    fn write_tree(&self, f: &mut fmt::Formatter<'_>, depth: usize) -> fmt::Result {
        let pad = "  ".repeat(depth);
        match self {
            Plan::Scan(Scan::Actor(a, d)) => {
                writeln!(f, "{pad}Scan meetings of {a}{}   [index actor_meetings, by date]", during(d))
            }
            Plan::Scan(Scan::Places(p, all, d)) => writeln!(
                f,
                "{pad}Scan meetings in {p} and the {} places inside it{}   [index place_meetings, merged by date]",
                all.len() - 1,
                during(d)
            ),
            Plan::Scan(Scan::All(d)) => writeln!(f, "{pad}Scan all meetings{}   [index date_meetings]", during(d)),
            Plan::Filter(input, predicate) => {
                let (text, source) = match predicate {
                    Predicate::Status(s) => (format!("status in ({})", statuses(s)), "posting entries"),
                    Predicate::Inside(p, all) => {
                        (format!("place is {p} or one of the {} places inside it", all.len() - 1), "posting entries")
                    }
                    Predicate::Attended(a, any) => (format!("{a} took part ({})", certainty(*any)), "participants in actor-list entries, else meeting records"),
                    Predicate::Met(a, b, any) => {
                        (format!("{a} met {b}: different sides or a side unknown ({})", certainty(*any)), "participants in actor-list entries, else meeting records")
                    }
                    Predicate::MinParticipants(n) => (format!("at least {n} confirmed participants"), "participants in actor-list entries, else meeting records"),
                };
                writeln!(f, "{pad}Filter {text}   [{source}]")?;
                input.write_tree(f, depth + 1)
            }
            Plan::Expand(input, anchor, pairing, any) => {
                let who = match pairing {
                    Pairing::Counterparts => "participants who met",
                    Pairing::Companions => "participants on the same side as",
                };
                writeln!(f, "{pad}Expand to {who} {anchor} ({})   [participants in actor-list entries, else meeting records]", certainty(*any))?;
                input.write_tree(f, depth + 1)
            }
            Plan::CountByActor(input) => {
                writeln!(f, "{pad}Count meetings per actor")?;
                input.write_tree(f, depth + 1)
            }
            Plan::Project(input, columns) => {
                let names: Vec<&str> = columns.iter().map(Column::name).collect();
                writeln!(f, "{pad}Project {}", names.join(", "))?;
                input.write_tree(f, depth + 1)
            }
            Plan::Sort(input, keys) => {
                let keys: Vec<String> = keys
                    .iter()
                    .map(|k| format!("column {}{}", k.column + 1, if k.descending { " desc" } else { "" }))
                    .collect();
                writeln!(f, "{pad}Sort by {}", keys.join(", "))?;
                input.write_tree(f, depth + 1)
            }
                        Plan::Limit(input, n) => {
                writeln!(f, "{pad}Limit {n}")?;
                input.write_tree(f, depth + 1)
            }
            Plan::Keep(input, columns) => {
                let list: Vec<String> = columns.iter().map(|c| (c + 1).to_string()).collect();
                writeln!(f, "{pad}Keep columns {}", list.join(", "))?;
                input.write_tree(f, depth + 1)
            }
            Plan::Path(p) => {
                let place = p.inside.as_ref().map(|(p, _)| format!(" in {p}")).unwrap_or_default();
                writeln!(
                    f,
                    "{pad}Shortest path from {} to {} over \"met\", at most {} hops, meetings with status in ({}){place}{}   [bidirectional breadth-first search over actor_meetings and meeting records]",
                    p.from,
                    p.to,
                    p.max_hops,
                    statuses(&p.counted.statuses),
                    during(&p.during)
                )
            }
            Plan::Profile(a) => writeln!(f, "{pad}Profile of {a}   [actor record, names, refs, actor_meetings]"),
            Plan::Sources(m) => writeln!(f, "{pad}Sources of meeting {m}   [meeting record, document records]"),
        }
    }
}
