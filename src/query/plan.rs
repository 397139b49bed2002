//! Planning: a question's AST → a logical plan, with every name bound.
//!
//! Every question lowers into the same algebra: meetings read from one list (an actor's, a
//! place's and those inside it, or all by date) and tested by filters as they are read; either
//! projected one row per meeting, or expanded to the participants paired with an anchor and
//! counted per actor; then sorted, limited and cut to the columns `return` asked for. `as of`
//! and `according to` put a view of the meetings before the filters. The other forms have
//! operators of their own (shortest path, profiles, sources, disputes). The shapes are typed,
//! so the executor never meets a plan it cannot run. One function plans each question form
//! and names its default order by column name.

use std::collections::BTreeSet;

use super::binder::{Binder, Named};
use super::catalog::{Catalog, List};
use crate::error::{Error, Result};
use crate::model::text::words;
use crate::model::{
    Actor, ActorId, DateSpan, Document, DocumentId, Meeting, MeetingId, Place, PlaceId, Relation,
    RelationId, Status,
};
use crate::syntax::{Filters, NameRef, Query, Question, Source, Span, StatusFilter};

/// How far `path` searches by default, in hops.
pub(crate) const MAX_PATH_HOPS: usize = 6;

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
            Some(StatusFilter::Only(only)) => {
                let mut only = only.clone();
                only.sort();
                only.dedup();
                only
            }
            Some(StatusFilter::Including(extra)) => {
                let mut all = vec![Status::Occurred];
                all.extend(extra.iter().filter(|s| **s != Status::Occurred));
                all
            }
        };
        // Participants who are not confirmed count once the question asks for meetings that
        // did not (or not only) occur: a planned meeting has expected participants.
        let any_certainty = statuses != [Status::Occurred];
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

impl Scan {
    /// The lists the scan reads, and the date filter it applies.
    pub(crate) fn lists(&self) -> (Vec<List>, Option<&DateSpan>) {
        match self {
            Scan::Actor(actor, during) => (vec![List::Actor(actor.id.get())], during.as_ref()),
            Scan::Places(_, places, during) => (
                places.iter().map(|p| List::Place(p.get())).collect(),
                during.as_ref(),
            ),
            Scan::All(during) => (vec![List::All], during.as_ref()),
        }
    }
}

/// A test on one meeting.
#[derive(Clone, Debug)]
pub(crate) enum Predicate {
    /// Its status is one of these (read from the list entry).
    Status(Vec<Status>),
    /// It was held at one of these places.
    Inside(Named<PlaceId>, BTreeSet<PlaceId>),
    /// The actor took part (confirmed, unless any certainty counts).
    Attended(Named<ActorId>, bool),
    /// The two actors took part on different sides (or a side is unknown).
    Met(Named<ActorId>, Named<ActorId>, bool),
    /// At least this many confirmed participants.
    MinParticipants(u64),
    /// At least this many distinct documents report it (those the view counts, under one).
    MinSources(u64),
}

impl Predicate {
    /// Whether it is tested on a list entry alone, with no participant and no record.
    pub(crate) fn on_entry(&self) -> bool {
        matches!(self, Predicate::Status(_) | Predicate::Inside(..))
    }

    /// Whether testing it needs the meeting's participants.
    pub(crate) fn needs_participants(&self) -> bool {
        matches!(
            self,
            Predicate::Attended(..) | Predicate::Met(..) | Predicate::MinParticipants(_)
        )
    }
}

/// Whose account of the meetings a question takes: each meeting's status and date as some
/// of its sources report them, instead of as recorded, and only the meetings they report.
#[derive(Clone, Debug)]
pub(crate) enum View {
    /// As the documents published on or before the last day of this date report them.
    AsOf(DateSpan),
    /// As this one document reports them.
    According(Named<DocumentId>),
}

/// Meetings read from a scan, seen through a view when the question asks for one, keeping
/// those that pass every filter (tested in this order, as each entry is read).
#[derive(Clone, Debug)]
pub(crate) struct Meetings {
    pub scan: Scan,
    /// Applied before the filters, so that they test the status and date it gives.
    pub view: Option<View>,
    pub filters: Vec<Predicate>,
}

/// Which participants an expansion pairs with its anchor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pairing {
    /// On another side, or either side unknown: they met.
    Counterparts,
    /// On the same known side: they were together.
    Companions,
    /// On the anchor's side (the anchor need not take part): they took part for it.
    OnSide,
}

/// The participants of some meetings paired with an anchor, counted per actor.
#[derive(Clone, Debug)]
pub(crate) struct PairCount {
    pub meetings: Meetings,
    pub anchor: Named<ActorId>,
    pub pairing: Pairing,
    pub any_certainty: bool,
    /// Whether each actor's meetings are kept, for the columns that describe them.
    pub details: bool,
}

/// What a projection makes rows of.
#[derive(Clone, Debug)]
pub(crate) enum Input {
    /// One row per meeting.
    Meetings(Meetings),
    /// One row per (actor, number of meetings).
    Counts(PairCount),
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
    /// The anchor's side, role, certainty, and the other participants, for a timeline.
    SideOf(ActorId),
    RoleOf(ActorId),
    CertaintyOf(ActorId),
    OthersThan(ActorId),
    /// How many distinct documents report the meeting (those the view counts, under one).
    Sources,
    /// Of an actor counted with an anchor, over the meetings counted: its sides, its roles,
    /// the surest certainty it took part at, and the meetings themselves.
    Sides,
    Roles,
    Surest,
    Via,
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
            Column::SideOf(_) | Column::Sides => "side",
            Column::RoleOf(_) | Column::Roles => "role",
            Column::CertaintyOf(_) | Column::Surest => "certainty",
            Column::OthersThan(_) => "with",
            Column::Via => "via",
            Column::Sources => "sources",
        }
    }
}

impl Column {
    /// Whether the column describes the meetings behind a count (which are then kept).
    fn needs_details(&self) -> bool {
        matches!(
            self,
            Column::Sides | Column::Roles | Column::Surest | Column::Via
        )
    }
}

/// A sort key: a column position and a direction.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SortKey {
    pub column: usize,
    pub descending: bool,
}

/// Filters a form without a scan of meetings may still take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kept {
    /// `as of`, `according to`.
    View,
    /// `with at least N sources`.
    Sources,
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
    /// Each meeting of the chain no earlier than the one before.
    pub time_order: bool,
    /// Whose account of the meetings the search goes by.
    pub view: Option<View>,
}

/// A logical plan: every node yields rows.
#[derive(Clone, Debug)]
pub(crate) enum Plan {
    /// Rows of named columns.
    Project(Input, Vec<Column>),
    /// Rows in order.
    Sort(Box<Plan>, Vec<SortKey>),
    /// The first rows.
    Limit(Box<Plan>, u64),
    /// These columns of each row, in this order.
    Keep(Box<Plan>, Vec<usize>),
    /// The shortest chain of "met" between two actors.
    Path(PathSearch),
    /// An actor's profile, its meetings seen through the view if any.
    Profile(Named<ActorId>, Option<View>),
    /// The sources of a meeting or a relation.
    Sources(Sourced),
    /// What a document reports, with its quotes.
    Reported(Named<DocumentId>),
    /// The relations of an actor, those with at least this many sources.
    Relations(Named<ActorId>, Option<u64>),
    /// A place's profile, its meetings seen through the view if any.
    PlaceProfile(Named<PlaceId>, Option<View>),
    /// The sources of meetings (of one, or of all) that disagree, one row per source.
    Disputes(Option<Named<MeetingId>>),
    /// The texts (quotes, summaries, titles) holding some of the searched words, by score.
    Quotes(Search),
}

/// `quotes matching`: what to look for, and the view that keeps the texts it counts.
#[derive(Clone, Debug)]
pub(crate) struct Search {
    /// Each clause's folded words: one word, or a phrase whose words must stand in a row.
    pub clauses: Vec<Vec<String>>,
    pub view: Option<View>,
}

/// A record that has sources.
#[derive(Clone, Debug)]
pub(crate) enum Sourced {
    Meeting(Named<MeetingId>),
    Relation(Named<RelationId>),
}

pub(crate) const RELATIONS_COLUMNS: &[&str] = &[
    "relation",
    "subject",
    "predicate",
    "object",
    "during",
    "sources",
];
pub(crate) const PATH_COLUMNS: &[&str] =
    &["step", "from", "to", "meeting", "date", "status", "place"];
pub(crate) const REPORTED_COLUMNS: &[&str] =
    &["record", "kind", "date", "status", "what", "quote", "says"];
pub(crate) const DISPUTES_COLUMNS: &[&str] = &[
    "meeting",
    "document",
    "published",
    "status",
    "date",
    "quote",
];
pub(crate) const QUOTES_COLUMNS: &[&str] = &[
    "record",
    "kind",
    "part",
    "document",
    "published",
    "text",
    "score",
];
pub(crate) const PROFILE_COLUMNS: &[&str] = &["field", "value"];
pub(crate) const SOURCES_COLUMNS: &[&str] = &["document", "outlet", "published", "quote", "says"];

/// What a question form plans to, before `return`, `order by` and `limit`.
struct Form {
    rows: Rows,
    /// Columns `return` and `order by` may name besides those shown by default (and `id`).
    extra: Vec<Column>,
    /// The order rows come in when `order by` says nothing, by column name.
    default_order: Vec<(&'static str, bool)>,
}

/// Where a form's rows come from.
enum Rows {
    /// A projection, computing only the columns shown or ordered by; `columns` are those it
    /// shows by default.
    Projected(Input, Vec<Column>),
    /// An operator whose rows always have these columns.
    Fixed(Plan, &'static [&'static str]),
}

/// Lowers a question into a plan.
pub(crate) fn plan_query<C: Catalog>(
    catalog: &C,
    source: Source<'_>,
    query: &Query,
) -> Result<Plan> {
    let planner = Planner {
        catalog,
        binder: Binder::new(catalog, source),
        query,
        during: query.filters.during.as_ref().map(|(d, _)| *d),
        counted: Counted::from_filter(query.filters.statuses.as_ref()),
        view: None,
    };
    let planner = Planner {
        view: planner.view()?,
        ..planner
    };
    let form = match &query.question {
        Question::WhoMet(name) => planner.paired(name, Pairing::Counterparts)?,
        Question::WhoWasWith(name) => planner.paired(name, Pairing::Companions)?,
        Question::WhenDidMeet(a, b) => planner.encounters(a, b, &["date", "place"])?,
        Question::WhereDidMeet(a, b) => planner.encounters(a, b, &["place", "date"])?,
        Question::Meetings(names) => planner.meetings(names)?,
        Question::Timeline(name) => planner.timeline(name)?,
        Question::Path(from, to) => planner.path(from, to)?,
        Question::WhoIs(name) => planner.who_is(name)?,
        Question::Sources(name) => planner.sources(name)?,
        Question::ReportedBy(name) => planner.reported_by(name)?,
        Question::RelationsOf(name) => planner.relations_of(name)?,
        Question::WhereIs(name) => planner.where_is(name)?,
        Question::SideOf(name) => planner.side_of(name)?,
        Question::Disputes(name) => planner.disputes(name.as_ref())?,
        Question::QuotesMatching(text, span) => planner.quotes(text, *span)?,
    };
    if let (Some(span), false) = (
        query.filters.time_order,
        matches!(query.question, Question::Path(..)),
    ) {
        let error = Error::Invalid("`in time order` applies only to `path`".into());
        return Err(planner.error_at(span, error));
    }
    planner.finish(form)
}

struct Planner<'a, C> {
    catalog: &'a C,
    binder: Binder<'a, C>,
    query: &'a Query,
    during: Option<DateSpan>,
    counted: Counted,
    view: Option<View>,
}

impl<C: Catalog> Planner<'_, C> {
    /// The view `as of` or `according to` asks for (not both: one is an account at a time,
    /// the other a single document's, and together they would only mean the document's when
    /// published by then).
    fn view(&self) -> Result<Option<View>> {
        let filters = &self.query.filters;
        match (&filters.as_of, &filters.according_to) {
            (Some((_, span)), Some(_)) => {
                let error = Error::Invalid(
                    "`as of` and `according to` cannot be given together; give one of them".into(),
                );
                Err(self.error_at(*span, error))
            }
            (Some((date, _)), None) => Ok(Some(View::AsOf(*date))),
            (None, Some(document)) => Ok(Some(View::According(
                self.binder.labelled::<Document>(document)?,
            ))),
            (None, None) => Ok(None),
        }
    }

    fn actor(&self, name: &NameRef) -> Result<Named<ActorId>> {
        self.binder.labelled::<Actor>(name)
    }

    fn inside(&self, name: &NameRef) -> Result<(Named<PlaceId>, BTreeSet<PlaceId>)> {
        let place = self.binder.labelled::<Place>(name)?;
        let inside = self.catalog.places_inside(place.id)?.into_iter().collect();
        Ok((place, inside))
    }

    fn error_at(&self, span: Span, error: Error) -> Error {
        self.binder.source().at(span, error)
    }

    /// `who met X`, `who was with X`: X's meetings, expanded to the participants paired with
    /// X, counted per actor; most meetings first.
    fn paired(&self, name: &NameRef, pairing: Pairing) -> Result<Form> {
        let anchor = self.actor(name)?;
        let meetings = self.filtered(Scan::Actor(anchor.clone(), self.during), &self.counted)?;
        let count = PairCount {
            meetings,
            anchor,
            pairing,
            any_certainty: self.counted.any_certainty,
            details: false,
        };
        Ok(self.counted_form(count, vec![Column::Sides, Column::Roles]))
    }

    /// The rows of a count per actor: actor, handle, count; with `describing` and the surest
    /// certainty and the meetings behind each count available to `return`. When the question
    /// widened what counts, the certainty and the meetings are shown too (with the status of
    /// any that did not occur).
    fn counted_form(&self, count: PairCount, describing: Vec<Column>) -> Form {
        let mut columns = vec![Column::ActorName, Column::ActorHandle, Column::Count];
        let mut extra = describing;
        let widened = [Column::Surest, Column::Via];
        match self.counted.any_certainty {
            true => columns.extend(widened),
            false => extra.extend(widened),
        }
        Form {
            rows: Rows::Projected(Input::Counts(count), columns),
            extra,
            default_order: vec![("meetings", true), ("actor", false)],
        }
    }

    /// `when did A meet B`, `where did A meet B`: A's meetings where A met B, oldest first;
    /// `lead` are the first two columns.
    fn encounters(&self, a: &NameRef, b: &NameRef, lead: &[&str; 2]) -> Result<Form> {
        let (a, b) = (self.actor(a)?, self.actor(b)?);
        let mut meetings = self.filtered(Scan::Actor(a.clone(), self.during), &self.counted)?;
        meetings
            .filters
            .push(Predicate::Met(a, b, self.counted.any_certainty));
        let column = |name: &str| match name {
            "date" => Column::Date,
            _ => Column::PlaceName,
        };
        let columns = vec![
            column(lead[0]),
            column(lead[1]),
            Column::MeetingHandle,
            Column::Kind,
        ];
        Ok(Form {
            extra: vec![Column::Sources],
            rows: Rows::Projected(Input::Meetings(meetings), columns),
            default_order: vec![("date", false)],
        })
    }

    /// `meetings [with A and B …]`: the meetings every named actor attended, read from the
    /// shortest of their lists (the others are looked up in each entry's participants), or
    /// from the place index, or from all; oldest first.
    fn meetings(&self, names: &[NameRef]) -> Result<Form> {
        let actors = names
            .iter()
            .map(|n| self.actor(n))
            .collect::<Result<Vec<_>>>()?;
        let mut scanned = (!actors.is_empty()).then_some(0);
        if actors.len() > 1 {
            let lists: Vec<List> = actors.iter().map(|a| List::Actor(a.id.get())).collect();
            scanned = Some(self.catalog.shortest(&lists)?);
        }
        let filters = &self.query.filters;
        let counted = &self.counted;
        let mut meetings = match (scanned, &filters.place) {
            (Some(i), _) => self.filtered(Scan::Actor(actors[i].clone(), self.during), counted)?,
            (None, Some(place)) => {
                let (place, inside) = self.inside(place)?;
                let scan = Scan::Places(place, inside.into_iter().collect(), self.during);
                self.filtered_but_place(scan, counted)
            }
            (None, None) => self.filtered(Scan::All(self.during), counted)?,
        };
        for (i, actor) in actors.into_iter().enumerate() {
            // The scanned actor took part in every meeting of its list, at some certainty.
            if Some(i) != scanned || !counted.any_certainty {
                meetings
                    .filters
                    .push(Predicate::Attended(actor, counted.any_certainty));
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
        Ok(Form {
            extra: vec![Column::Sources],
            rows: Rows::Projected(Input::Meetings(meetings), columns),
            default_order: vec![("date", false)],
        })
    }

    /// `timeline of X`: X's meetings of every status (unless `including` narrows them), with
    /// X's side and role and who else took part; oldest first.
    fn timeline(&self, name: &NameRef) -> Result<Form> {
        let anchor = self.actor(name)?;
        let counted = match self.query.filters.statuses {
            None => Counted::everything(),
            Some(_) => self.counted.clone(),
        };
        let id = anchor.id;
        let meetings = self.filtered(Scan::Actor(anchor, self.during), &counted)?;
        let columns = vec![
            Column::Date,
            Column::MeetingHandle,
            Column::Kind,
            Column::PlaceName,
            Column::Status,
            Column::SideOf(id),
            Column::RoleOf(id),
            Column::CertaintyOf(id),
            Column::OthersThan(id),
        ];
        Ok(Form {
            extra: vec![Column::Sources],
            rows: Rows::Projected(Input::Meetings(meetings), columns),
            default_order: vec![("date", false)],
        })
    }

    /// `path from A to B`: the shortest chain of "met".
    fn path(&self, from: &NameRef, to: &NameRef) -> Result<Form> {
        let (from, to) = (self.actor(from)?, self.actor(to)?);
        let filters = &self.query.filters;
        let inside = filters.place.as_ref().map(|p| self.inside(p)).transpose()?;
        if filters.min_participants.is_some() || filters.min_sources.is_some() {
            return Err(self.filter_error("with at least", "path"));
        }
        let search = PathSearch {
            from,
            to,
            counted: self.counted.clone(),
            inside,
            during: self.during,
            max_hops: MAX_PATH_HOPS,
            time_order: filters.time_order.is_some(),
            view: self.view.clone(),
        };
        Ok(fixed(Plan::Path(search), PATH_COLUMNS))
    }

    /// `who is X`: a profile.
    fn who_is(&self, name: &NameRef) -> Result<Form> {
        self.no_filters_but_view("who is")?;
        let plan = Plan::Profile(self.actor(name)?, self.view.clone());
        Ok(fixed(plan, PROFILE_COLUMNS))
    }

    /// `sources of M`: the documents and quotes behind a meeting or a relation (both go by
    /// handle).
    fn sources(&self, name: &NameRef) -> Result<Form> {
        self.no_filters("sources of")?;
        let sourced = match self.binder.labelled::<Meeting>(name) {
            Ok(meeting) => Sourced::Meeting(meeting),
            Err(not_a_meeting) => match self.binder.labelled::<Relation>(name) {
                Ok(relation) => Sourced::Relation(relation),
                Err(_) => return Err(not_a_meeting),
            },
        };
        Ok(fixed(Plan::Sources(sourced), SOURCES_COLUMNS))
    }

    /// `reported by D`: every meeting and relation a document is a source of, one row per
    /// quote.
    fn reported_by(&self, name: &NameRef) -> Result<Form> {
        self.no_filters("reported by")?;
        let document = self.binder.labelled::<Document>(name)?;
        Ok(fixed(Plan::Reported(document), REPORTED_COLUMNS))
    }

    /// `relations of X`: the relations X is the subject or the object of, with how many
    /// documents report each; `with at least N sources` keeps those reported by N or more.
    fn relations_of(&self, name: &NameRef) -> Result<Form> {
        self.refuse_filters("relations of", &[Kept::Sources])?;
        let plan = Plan::Relations(self.actor(name)?, self.query.filters.min_sources);
        Ok(fixed(plan, RELATIONS_COLUMNS))
    }

    /// `disputes [of M]`: the meetings (all, or one by handle) whose sources disagree on
    /// its status or date, one row per source.
    fn disputes(&self, name: Option<&NameRef>) -> Result<Form> {
        self.no_filters("disputes")?;
        let meeting = name
            .map(|n| self.binder.labelled::<Meeting>(n))
            .transpose()?;
        Ok(fixed(Plan::Disputes(meeting), DISPUTES_COLUMNS))
    }

    /// `quotes matching "text"`: the texts holding the words or phrases of `text`, ranked
    /// by BM25; `as of` and `according to` keep the texts of the documents they count.
    fn quotes(&self, text: &str, span: Span) -> Result<Form> {
        self.no_filters_but_view("quotes matching")?;
        let clauses = search_clauses(text);
        if clauses.is_empty() {
            let error = Error::Invalid(format!(
                "there is no word to match in {text:?}; expected a letter or a digit"
            ));
            return Err(self.error_at(span, error));
        }
        let search = Search {
            clauses,
            view: self.view.clone(),
        };
        Ok(fixed(Plan::Quotes(search), QUOTES_COLUMNS))
    }

    /// `where is P`: a place's profile.
    fn where_is(&self, name: &NameRef) -> Result<Form> {
        self.no_filters_but_view("where is")?;
        let place = self.binder.labelled::<Place>(name)?;
        let plan = Plan::PlaceProfile(place, self.view.clone());
        Ok(fixed(plan, PROFILE_COLUMNS))
    }

    /// `side of X`: everyone who took part on X's side, in any meeting (X need not take part
    /// itself), counted per actor; most meetings first.
    fn side_of(&self, name: &NameRef) -> Result<Form> {
        let anchor = self.actor(name)?;
        let meetings = self.filtered(Scan::All(self.during), &self.counted)?;
        let count = PairCount {
            meetings,
            anchor,
            pairing: Pairing::OnSide,
            any_certainty: self.counted.any_certainty,
            details: false,
        };
        Ok(self.counted_form(count, vec![Column::Roles]))
    }

    /// A scan with the status, place and size filters the question asked for.
    fn filtered(&self, scan: Scan, counted: &Counted) -> Result<Meetings> {
        let mut meetings = self.filtered_but_place(scan, counted);
        if let Some(place) = &self.query.filters.place {
            let (place, inside) = self.inside(place)?;
            // The place filter goes second, where it has always been tested.
            let at = usize::from(!counted.is_everything());
            meetings
                .filters
                .insert(at, Predicate::Inside(place, inside));
        }
        Ok(meetings)
    }

    /// A scan with the status and size filters (its place already chosen by the scan).
    fn filtered_but_place(&self, scan: Scan, counted: &Counted) -> Meetings {
        let mut filters = Vec::new();
        if !counted.is_everything() {
            filters.push(Predicate::Status(counted.statuses.clone()));
        }
        if let Some(n) = self.query.filters.min_participants {
            filters.push(Predicate::MinParticipants(n));
        }
        if let Some(n) = self.query.filters.min_sources {
            filters.push(Predicate::MinSources(n));
        }
        Meetings {
            scan,
            view: self.view.clone(),
            filters,
        }
    }

    fn no_filters(&self, form: &str) -> Result<()> {
        self.refuse_filters(form, &[])
    }

    /// No filter but a view (`as of`, `according to`): the forms that read meetings but
    /// filter none.
    fn no_filters_but_view(&self, form: &str) -> Result<()> {
        self.refuse_filters(form, &[Kept::View])
    }

    /// Refuses the first filter given that the form does not keep.
    fn refuse_filters(&self, form: &str, kept: &[Kept]) -> Result<()> {
        let f: &Filters = &self.query.filters;
        let view = !kept.contains(&Kept::View);
        let sources = !kept.contains(&Kept::Sources);
        let given = [
            (f.place.is_some(), "in"),
            (f.during.is_some(), "during"),
            (f.statuses.is_some(), "including` or `status"),
            (f.min_participants.is_some(), "with at least"),
            (f.min_sources.is_some() && sources, "with at least"),
            (f.time_order.is_some(), "in time order"),
            (f.as_of.is_some() && view, "as of"),
            (f.according_to.is_some() && view, "according to"),
        ];
        match given.iter().find(|(on, _)| *on) {
            Some((_, filter)) => Err(self.filter_error(filter, form)),
            None => Ok(()),
        }
    }

    fn filter_error(&self, filter: &str, form: &str) -> Error {
        let filters = &self.query.filters;
        let span = filters
            .place
            .as_ref()
            .map(|p| p.span)
            .or(filters.during.as_ref().map(|d| d.1))
            .or(filters.as_of.as_ref().map(|d| d.1))
            .or(filters.according_to.as_ref().map(|d| d.span));
        let error = Error::Invalid(format!("`{filter}` does not apply to `{form}`"));
        match span {
            Some(span) => self.error_at(span, error),
            None => error,
        }
    }

    /// The position of column `name` among `names`, or an error at `span` listing them.
    fn column(&self, name: &str, span: Span, names: &[&str], clause: &str) -> Result<usize> {
        names.iter().position(|c| *c == name).ok_or_else(|| {
            let error = Error::Invalid(format!(
                "there is no column '{name}' to {clause}; the columns are {}",
                names.join(", ")
            ));
            self.error_at(span, error)
        })
    }

    /// Adds what every question shares: the columns `return` names (with `id` besides a
    /// projection's own), `order by` before the form's default order, and `limit`.
    fn finish(&self, form: Form) -> Result<Plan> {
        let query = self.query;
        // `available`: what `return` and `order by` may name; `names`: the columns the rows
        // will have; `shown`: the positions among `names` that are output.
        let (plan, names, shown) = match form.rows {
            Rows::Projected(input, columns) => {
                let mut available = columns.clone();
                available.extend(form.extra);
                available.push(Column::Id);
                let available_names: Vec<&str> = available.iter().map(Column::name).collect();
                let mut projected: Vec<Column> = if query.returns.is_empty() {
                    columns
                } else {
                    query
                        .returns
                        .iter()
                        .map(|c| {
                            let i = self.column(&c.name, c.span, &available_names, "return")?;
                            Ok(available[i].clone())
                        })
                        .collect::<Result<_>>()?
                };
                let shown = projected.len();
                // Project what the order needs besides, so that no record is read for a
                // column nobody asked for.
                for order in &query.order {
                    let i = self.column(&order.column, order.span, &available_names, "order by")?;
                    if !projected.contains(&available[i]) {
                        projected.push(available[i].clone());
                    }
                }
                let names: Vec<&'static str> = projected.iter().map(Column::name).collect();
                let input = match input {
                    Input::Counts(mut count) => {
                        count.details = projected.iter().any(Column::needs_details);
                        Input::Counts(count)
                    }
                    meetings => meetings,
                };
                (Plan::Project(input, projected), names, (0..shown).collect())
            }
            Rows::Fixed(plan, names) => {
                let shown: Vec<usize> = if query.returns.is_empty() {
                    (0..names.len()).collect()
                } else {
                    query
                        .returns
                        .iter()
                        .map(|c| self.column(&c.name, c.span, names, "return"))
                        .collect::<Result<_>>()?
                };
                (plan, names.to_vec(), shown)
            }
        };
        let mut keys = Vec::new();
        for order in &query.order {
            keys.push(SortKey {
                column: self.column(&order.column, order.span, &names, "order by")?,
                descending: order.descending,
            });
        }
        for (name, descending) in form.default_order {
            if let Some(column) = names.iter().position(|c| *c == name) {
                if !keys.iter().any(|k| k.column == column) {
                    keys.push(SortKey { column, descending });
                }
            }
        }
        let mut plan = plan;
        if !keys.is_empty() {
            plan = Plan::Sort(Box::new(plan), keys);
        }
        if let Some(n) = query.limit {
            plan = Plan::Limit(Box::new(plan), n);
        }
        let all_in_order =
            shown.len() == names.len() && shown.iter().enumerate().all(|(i, c)| i == *c);
        if !all_in_order {
            plan = Plan::Keep(Box::new(plan), shown);
        }
        Ok(plan)
    }
}

/// The clauses of a search text: a run of words in double quotes is a phrase, and so is a
/// word that folding cuts in several (`cessez-le-feu`, `l'Ukraine`); any other word is a
/// clause of its own. Each clause once, in the order given.
fn search_clauses(text: &str) -> Vec<Vec<String>> {
    let mut clauses: Vec<Vec<String>> = Vec::new();
    let pieces = text.split(['"', '\u{201c}', '\u{201d}']);
    for (n, piece) in pieces.enumerate() {
        let quoted = n % 2 == 1;
        let found: Vec<Vec<String>> = if quoted {
            vec![words(piece)]
        } else {
            piece.split_whitespace().map(words).collect()
        };
        for clause in found {
            if !clause.is_empty() && !clauses.contains(&clause) {
                clauses.push(clause);
            }
        }
    }
    clauses
}

fn fixed(plan: Plan, columns: &'static [&'static str]) -> Form {
    Form {
        extra: Vec::new(),
        rows: Rows::Fixed(plan, columns),
        default_order: Vec::new(),
    }
}
