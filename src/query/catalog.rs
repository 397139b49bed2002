//! The query layer's one way to data: the [`Catalog`] trait, and the shapes it hands over.
//!
//! The storage reader implements it over sled; [`MemoryCatalog`](super::MemoryCatalog)
//! implements it over records held in memory, which is how planning and execution are tested
//! without a store. Everything a question means — which meetings count, who "met" whom — is
//! decided above this trait, from what it returns.

use std::collections::BTreeSet;

use super::search::{Term, TermPosting, TextTotals};
use crate::error::Result;
use crate::model::{
    Certainty, DateSpan, Day, DocumentId, Id, Meeting, PlaceId, Record, RecordKind, Status,
};

/// A list of meetings in date order: one actor's, those held at one place itself (not at the
/// places inside it), or every meeting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum List {
    Actor(u64),
    Place(u64),
    All,
}

/// The day key of a meeting with neither a date nor a bound: after every real day, so such
/// meetings list last.
pub(crate) const UNDATED: u32 = u32::MAX;

/// The `shape` of an entry whose meeting has no date but is bounded: it happened (or was
/// reported) by the entry's day, the earliest publication of a document reporting it, and its
/// start is unknown. Every `DateSpan::shape` is below 0x20, so no date is mistaken for it.
pub(crate) const BEFORE: u8 = 0x20;

/// The bound of a meeting with no date: the earliest last day of its sources' publication
/// dates (a document published in a month reports by the month's last day, at the latest).
/// `None` for a dated meeting, or one with no dated source. `published` gives a document's
/// publication date.
pub(crate) fn bound_of(
    meeting: &Meeting,
    published: &mut dyn FnMut(DocumentId) -> Result<Option<DateSpan>>,
) -> Result<Option<Day>> {
    if meeting.date.is_some() {
        return Ok(None);
    }
    let mut bound: Option<Day> = None;
    for source in &meeting.sources {
        if let Some(date) = published(source.document)? {
            let day = date.last_day();
            bound = Some(bound.map_or(day, |b| b.min(day)));
        }
    }
    Ok(bound)
}

/// A day as an unsigned number with the same order (the sign bit flipped), so that lists and
/// their keys sort by it byte for byte.
pub(crate) fn day_key(day: Day) -> u32 {
    (day.0 as u32) ^ (1 << 31)
}

/// The day a [`day_key`] stands for.
pub(crate) fn key_day(key: u32) -> Day {
    Day((key ^ (1 << 31)) as i32)
}

/// The first-day keys a list must be read over to find the meetings wholly inside `during`
/// (every meeting, undated ones included, without a filter).
pub(crate) fn first_days(during: Option<&DateSpan>) -> (u32, u32) {
    match during {
        Some(span) => (day_key(span.first_day()), day_key(span.last_day())),
        None => (0, u32::MAX),
    }
}

/// One meeting as a list holds it: what questions ask of a meeting most, so that most of them
/// read no meeting record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct MeetingEntry {
    /// The [`day_key`] of the meeting's first day; of its bound when it has no date but a
    /// bound (`shape` [`BEFORE`]); [`UNDATED`] when it has neither.
    pub day: u32,
    pub meeting: u64,
    /// Last day minus first day (0 for a single day or no date).
    pub span: u32,
    pub status: Status,
    /// `DateSpan::shape` of the date (0: none; [`BEFORE`]: none, but a bound), which with the
    /// days rebuilds it as written.
    pub shape: u8,
    /// Where it was held; 0 when unknown.
    pub place: u64,
}

impl MeetingEntry {
    /// The entry of `meeting`, whose record id is `id`; `bound` is its [`bound_of`].
    pub(crate) fn of(id: u64, meeting: &Meeting, bound: Option<Day>) -> MeetingEntry {
        let entry = MeetingEntry {
            day: UNDATED,
            meeting: id,
            span: 0,
            status: meeting.status,
            shape: 0,
            place: meeting.place.map_or(0, |p| p.get()),
        };
        let entry = entry.seen(meeting.status, meeting.date);
        match bound {
            // It lists at its bound, so that a list in key order stays in date order.
            Some(day) if meeting.date.is_none() => MeetingEntry {
                day: day_key(day),
                shape: BEFORE,
                ..entry
            },
            _ => entry,
        }
    }

    /// The same meeting with another status and date: as some of its sources report it.
    pub(crate) fn seen(&self, status: Status, date: Option<DateSpan>) -> MeetingEntry {
        let (day, span) = match &date {
            Some(d) => (
                day_key(d.first_day()),
                (d.last_day().0 - d.first_day().0) as u32,
            ),
            None => (UNDATED, 0),
        };
        MeetingEntry {
            day,
            span,
            status,
            shape: date.map_or(0, |d| d.shape()),
            ..*self
        }
    }

    /// The order within a list: by first day, then by meeting.
    pub(crate) fn key(&self) -> (u32, u64) {
        (self.day, self.meeting)
    }

    /// The [`day_key`] of the last day the meeting covers.
    pub(crate) fn last_day(&self) -> u32 {
        self.day.saturating_add(self.span)
    }

    /// The day the meeting happened by, when it has no date but a bound.
    pub(crate) fn bound(&self) -> Option<Day> {
        (self.shape == BEFORE).then(|| key_day(self.day))
    }

    /// Whether the meeting has a date: neither undated nor only bounded.
    pub(crate) fn dated(&self) -> bool {
        self.day != UNDATED && self.shape != BEFORE
    }

    /// Whether the meeting lies wholly inside `during` (always, without a filter; never, for
    /// a meeting with no date, bounded or not: its first day is unknown).
    pub(crate) fn within(&self, during: Option<&DateSpan>) -> bool {
        match during {
            Some(span) => {
                self.dated()
                    && day_key(span.first_day()) <= self.day
                    && self.last_day() <= day_key(span.last_day())
            }
            None => true,
        }
    }

    /// The meeting's date as written, rebuilt from the entry.
    pub(crate) fn date(&self) -> Option<DateSpan> {
        match self.shape {
            0 | BEFORE => None,
            shape => DateSpan::from_shape(shape, key_day(self.day), key_day(self.last_day())),
        }
    }
}

/// One participant of a meeting, as much as "met" and "was with" need.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Member {
    pub actor: u64,
    /// 0 when the side is unknown; otherwise the side's rank among the meeting's distinct
    /// sides, from 1. Only equality within one meeting matters.
    pub side: u64,
    pub confirmed: bool,
}

impl Member {
    /// Whether the two met there: on different sides, or a side unknown (so data without
    /// sides behaves like plain co-participation).
    pub(crate) fn met(&self, other: &Member) -> bool {
        self.side == 0 || other.side == 0 || self.side != other.side
    }

    /// Whether the two were together there: on the same known side.
    pub(crate) fn together(&self, other: &Member) -> bool {
        self.side != 0 && self.side == other.side
    }

    /// Whether the participant counts: confirmed, or at any certainty when asked to.
    pub(crate) fn counts(&self, any_certainty: bool) -> bool {
        any_certainty || self.confirmed
    }

    /// The participants of a meeting, in actor order, sides numbered within the meeting.
    pub(crate) fn cast_of(meeting: &Meeting) -> Vec<Member> {
        let mut sides: Vec<u64> = meeting
            .participants
            .iter()
            .filter_map(|p| p.side.map(|s| s.get()))
            .collect();
        sides.sort_unstable();
        sides.dedup();
        let mut cast: Vec<Member> = meeting
            .participants
            .iter()
            .map(|p| Member {
                actor: p.actor.get(),
                side: p
                    .side
                    .and_then(|s| sides.binary_search(&s.get()).ok())
                    .map_or(0, |rank| rank as u64 + 1),
                confirmed: p.certainty == Certainty::Confirmed,
            })
            .collect();
        cast.sort_unstable();
        cast
    }

    /// The participant `actor` of a cast in actor order.
    pub(crate) fn find(cast: &[Member], actor: u64) -> Option<&Member> {
        cast.binary_search_by_key(&actor, |m| m.actor)
            .ok()
            .map(|i| &cast[i])
    }
}

/// One name or alias of a record, as the name index holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NameEntry {
    /// The search key (`fold_name`).
    pub folded: String,
    /// The name as written.
    pub spelling: String,
    pub id: u64,
}

/// Told of each meeting of a list with its participants (in actor lists; empty elsewhere).
pub(crate) type Visit<'v> = &'v mut dyn FnMut(&MeetingEntry, &[Member]) -> Result<()>;

/// Told of the meetings of a list as they are read, without gathering each one's
/// participants: first the entry with the list owner's own part in it (for an actor's list,
/// when the actor takes part), then, when the sink wants them, every other participant in
/// actor order, then the end of the entry. A count over a hub's list this way builds nothing
/// per meeting.
pub(crate) trait CastSink {
    /// Which of an entry's fields the sink reads; the others may be left at 0.
    fn fields(&self) -> Fields {
        Fields::ALL
    }

    /// Whether the entry's other participants are wanted.
    fn entry(&mut self, entry: &MeetingEntry, owner: Option<Member>) -> Result<bool>;
    /// One other participant of the entry last wanted.
    fn member(&mut self, member: Member);
    /// Every participant of the entry last wanted has been handed over.
    fn end(&mut self) -> Result<()>;
}

/// The fields of a [`MeetingEntry`] a [`CastSink`] reads besides its status: a list stores
/// each field apart, so that one not read is not decoded either.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Fields {
    /// `day`, `span` and `shape`.
    pub dates: bool,
    pub meeting: bool,
    pub place: bool,
}

impl Fields {
    pub(crate) const ALL: Fields = Fields {
        dates: true,
        meeting: true,
        place: true,
    };
}

/// One entry's participants gathered as a [`CastSink`] is handed them: the owner's part
/// kept aside until its place among the others, which come in actor order.
#[derive(Default)]
pub(crate) struct EntryCast {
    members: Vec<Member>,
    owner: Option<Member>,
}

impl EntryCast {
    /// Starts the cast of a new entry, with the owner's part in it.
    #[inline]
    pub(crate) fn start(&mut self, owner: Option<Member>) {
        self.members.clear();
        self.owner = owner;
    }

    #[inline]
    pub(crate) fn push(&mut self, member: Member) {
        if let Some(me) = self.owner.filter(|me| member.actor >= me.actor) {
            self.members.push(me);
            self.owner = None;
        }
        self.members.push(member);
    }

    /// Every participant of the entry, in actor order.
    #[inline]
    pub(crate) fn finish(&mut self) -> &[Member] {
        self.members.extend(self.owner.take());
        &self.members
    }
}

/// A [`CastSink`] that gathers each wanted entry's participants and hands them to a
/// [`Visit`].
pub(crate) struct Gathered<'c, 'v> {
    cast: &'c mut EntryCast,
    /// The entry last wanted.
    entry: Option<MeetingEntry>,
    visit: Visit<'v>,
}

impl<'c, 'v> Gathered<'c, 'v> {
    /// A sink gathering into `cast` (kept by the caller, to be reused).
    pub(crate) fn new(cast: &'c mut EntryCast, visit: Visit<'v>) -> Self {
        Gathered {
            cast,
            entry: None,
            visit,
        }
    }
}

impl CastSink for Gathered<'_, '_> {
    #[inline]
    fn entry(&mut self, entry: &MeetingEntry, owner: Option<Member>) -> Result<bool> {
        self.entry = Some(*entry);
        self.cast.start(owner);
        Ok(true)
    }

    #[inline]
    fn member(&mut self, member: Member) {
        self.cast.push(member);
    }

    #[inline]
    fn end(&mut self) -> Result<()> {
        let cast = self.cast.finish();
        match &self.entry {
            Some(entry) => (self.visit)(entry, cast),
            None => Ok(()),
        }
    }
}

/// What the query layer reads. Every method answers from committed (or transaction-local)
/// data as one consistent state; none of them decides what a question means.
pub(crate) trait Catalog {
    /// The record with this id.
    fn record<R: Record>(&self, id: Id<R>) -> Result<Option<R>>;

    /// The stored records of kind `R` among `ids`, handed to `visit` in id order.
    fn records<R: Record>(
        &self,
        ids: &BTreeSet<u64>,
        visit: &mut dyn FnMut(u64, R) -> Result<()>,
    ) -> Result<()> {
        for &id in ids {
            if let Some(record) = self.record(Id::<R>::new(id))? {
                visit(id, record)?;
            }
        }
        Ok(())
    }

    /// The record of kind `R` with this handle, and the record itself when finding it meant
    /// reading it (so that the caller need not read it again).
    fn by_handle<R: Record>(&self, handle: &str) -> Result<Option<(Id<R>, Option<R>)>>;

    /// The ids, in order, of the records of `kind` with a name or alias that folds like
    /// `name`.
    fn named(&self, kind: RecordKind, name: &str) -> Result<Vec<u64>>;

    /// Every name and alias of the records of `kind`, in folded order.
    fn each_name(
        &self,
        kind: RecordKind,
        visit: &mut dyn FnMut(NameEntry) -> Result<()>,
    ) -> Result<()>;

    /// The names and aliases of the records of `kind` that can start at a word: those whose
    /// folded form is `word`, or `word` and a space and more words.
    fn names_from_word(
        &self,
        kind: RecordKind,
        word: &str,
        visit: &mut dyn FnMut(NameEntry) -> Result<()>,
    ) -> Result<()>;

    /// The names and aliases of the records of `kind` whose folded form starts with `prefix`.
    fn names_with_prefix(
        &self,
        kind: RecordKind,
        prefix: &str,
        visit: &mut dyn FnMut(NameEntry) -> Result<()>,
    ) -> Result<()>;

    /// `place` and every place inside it, at any depth.
    fn places_inside(&self, place: PlaceId) -> Result<Vec<PlaceId>>;

    /// The position among `lists` of the one holding fewest meetings (the first of those
    /// with as few; 0 when there is none), found without reading the longer lists whole.
    fn shortest(&self, lists: &[List]) -> Result<usize>;

    /// Hands `visit` the meetings of a list whose first [`day_key`] lies in `first_days`
    /// (inclusive), in list order; an error from `visit` stops the scan and is returned.
    fn scan(&self, list: List, first_days: (u32, u32), visit: Visit<'_>) -> Result<()>;

    /// [`Catalog::scan`], handing the meetings to `sink` (the owner's part apart from the
    /// other participants, for an actor's list).
    fn scan_casts<S: CastSink>(
        &self,
        list: List,
        first_days: (u32, u32),
        sink: &mut S,
    ) -> Result<()> {
        let owner = match list {
            List::Actor(actor) => Some(actor),
            List::Place(_) | List::All => None,
        };
        self.scan(list, first_days, &mut |entry, cast| {
            let own = owner.and_then(|actor| Member::find(cast, actor)).copied();
            if sink.entry(entry, own)? {
                for member in cast.iter().filter(|m| Some(m.actor) != owner) {
                    sink.member(*member);
                }
                sink.end()?;
            }
            Ok(())
        })
    }

    /// The records that refer to the record (`kind`, `id`) other than as a participant or a
    /// meeting's place, in order.
    fn referrers(&self, kind: RecordKind, id: u64) -> Result<Vec<(RecordKind, u64)>>;

    /// The highest id handed out for a kind: every record of it has an id up to this.
    fn last_id(&self, kind: RecordKind) -> Result<u64>;

    /// The texts (quotes, summaries, titles) holding `term`, in field order, each with the
    /// term's positions in it and its length.
    fn term_postings(&self, term: &Term) -> Result<Vec<TermPosting>>;

    /// How many texts hold `term`: its document frequency, as the index counts it.
    fn term_count(&self, term: &Term) -> Result<u64>;

    /// How many texts the search index holds, and their words in all.
    fn text_totals(&self) -> Result<TextTotals>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SourceRef;

    #[test]
    fn an_undated_meeting_lists_at_its_earliest_report_and_matches_no_date_filter() {
        let published = |text: &str| text.parse::<DateSpan>().unwrap();
        let mut meeting = Meeting::new("talks");
        meeting.sources = vec![
            SourceRef::new(Id::new(1), "a"),
            SourceRef::new(Id::new(2), "b"),
            SourceRef::new(Id::new(3), "c"),
        ];
        let mut dates = |d: DocumentId| {
            Ok(match d.get() {
                1 => Some(published("2025-12")),
                2 => Some(published("2025-12-23")),
                _ => None,
            })
        };
        let bound = bound_of(&meeting, &mut dates).unwrap();
        assert_eq!(bound, Some(published("2025-12-23").first_day()));
        let entry = MeetingEntry::of(7, &meeting, bound);
        assert_eq!(entry.day, day_key(published("2025-12-23").first_day()));
        assert_eq!(
            (entry.shape, entry.date(), entry.bound()),
            (BEFORE, None, bound)
        );
        assert!(!entry.dated());
        assert!(!entry.within(Some(&published("2025"))));
        assert!(entry.within(None));
        // A date, once given, is the entry's date: the bound is for undated meetings only.
        meeting.date = Some(published("2025-11"));
        assert_eq!(bound_of(&meeting, &mut dates).unwrap(), None);
        let dated = MeetingEntry::of(7, &meeting, bound);
        assert_eq!(dated.date(), meeting.date);
        // No dated source: no bound, and the meeting lists last.
        meeting.date = None;
        meeting.sources.truncate(0);
        let undated = MeetingEntry::of(7, &meeting, bound_of(&meeting, &mut dates).unwrap());
        assert_eq!((undated.day, undated.bound()), (UNDATED, None));
    }
}
