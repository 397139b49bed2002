//! Typed reads over any [`KvRead`]: the committed store, or a write transaction's overlay.
//!
//! Each question shape has one table that answers it with a direct get or a prefix scan:
//! a record by id (`actors` …), a handle (`handles`), a name (`names`), an actor's or a place's
//! meetings in date order (`actor_meetings`, `place_meetings`), meetings by date
//! (`date_meetings`), and who refers to a record (`refs`).

use std::collections::BTreeSet;

use super::keys::{
    decode_name_key, decode_ref_key, encode_handle_key, encode_name_prefix, encode_ref_prefix,
};
use super::kv::KvRead;
use super::pages;
use super::postings::{self, bias, Keep, Member, Posting};
use super::records::{count_key, next_id_key, read_counter, record_table};
use super::values::decode_value;
use super::Table;
use crate::error::{Error, Result};
use crate::model::{fold_name, ActorId, DateSpan, Id, PlaceId, Record, RecordKind};

/// The deepest a place tree may nest; deeper chains are refused as likely cycles.
pub(crate) const MAX_PLACE_DEPTH: usize = 64;

/// One name or alias from the `names` index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NameEntry {
    pub folded: String,
    pub spelling: String,
    pub id: u64,
}

/// Typed reads; see the module documentation.
#[derive(Clone, Copy)]
pub(crate) struct Reader<'a> {
    kv: &'a dyn KvRead,
}

/// The biased day range a date filter covers, or everything (undated included) without one.
fn day_range(during: Option<&DateSpan>) -> (u32, u32) {
    match during {
        Some(span) => (bias(span.first_day().0), bias(span.last_day().0)),
        None => (0, u32::MAX),
    }
}

/// Whether a posting lies wholly inside the filter (its first day is already known to be).
fn ends_within(posting: &Posting, during: Option<&DateSpan>) -> bool {
    match during {
        Some(span) => {
            posting.day != postings::UNDATED && posting.last_day() <= bias(span.last_day().0)
        }
        None => true,
    }
}

/// A posting list: one actor's meetings, those held at one place itself, or all of them.
#[derive(Clone, Copy, Debug)]
pub(crate) enum List {
    Actor(u64),
    Place(u64),
    All,
}

/// The id a handle would be implicit for: its digits, written without leading zeros.
pub(crate) fn implicit_id(handle: &str) -> Option<u64> {
    let id: u64 = handle.parse().ok()?;
    (id.to_string() == handle).then_some(id)
}

impl<'a> Reader<'a> {
    pub(crate) fn new(kv: &'a dyn KvRead) -> Self {
        Reader { kv }
    }

    /// The record with this id.
    pub(crate) fn get<R: Record>(&self, id: Id<R>) -> Result<Option<R>> {
        pages::read(self.kv, record_table(R::KIND), id.get(), decode_value)
    }

    /// Every record of a kind, in id order.
    pub(crate) fn all<R: Record>(&self) -> impl Iterator<Item = Result<(Id<R>, R)>> + 'a {
        pages::all(self.kv, record_table(R::KIND)).map(|entry| {
            let (id, value) = entry?;
            Ok((Id::new(id), decode_value(&value)?))
        })
    }

    /// The record of this kind with this handle.
    pub(crate) fn by_handle<R: Record>(&self, handle: &str) -> Result<Option<Id<R>>> {
        Ok(self.by_handle_read::<R>(handle)?.map(|(id, _)| id))
    }

    /// The record of this kind with this handle, and the record itself when finding it meant
    /// reading it: a handle that spells its record's own id has no `handles` key, so the record
    /// is read to confirm it.
    pub(crate) fn by_handle_read<R: Record>(
        &self,
        handle: &str,
    ) -> Result<Option<(Id<R>, Option<R>)>> {
        match self
            .kv
            .get(Table::Handles, &encode_handle_key(R::KIND, handle))?
        {
            Some(bytes) => <[u8; 8]>::try_from(bytes.as_ref())
                .map(|b| Some((Id::new(u64::from_be_bytes(b)), None)))
                .map_err(|_| Error::Corrupt(format!("handle '{handle}' maps to a malformed id"))),
            None => match implicit_id(handle) {
                Some(id) => Ok(self
                    .get::<R>(Id::new(id))?
                    .filter(|r| r.handle() == handle)
                    .map(|r| (Id::new(id), Some(r)))),
                None => Ok(None),
            },
        }
    }

    /// The ids of every record of `kind` with a name or alias that folds like `name`.
    pub(crate) fn named(&self, kind: RecordKind, name: &str) -> Result<Vec<u64>> {
        let mut ids = BTreeSet::new();
        for entry in self
            .kv
            .prefix(Table::Names, &encode_name_prefix(&fold_name(name)))
        {
            let (key, _) = entry?;
            let (_, tag, id) = decode_name_key(&key)?;
            if tag == kind {
                ids.insert(id);
            }
        }
        Ok(ids.into_iter().collect())
    }

    /// Every name and alias of records of `kind`, in folded order.
    pub(crate) fn names(&self, kind: RecordKind) -> impl Iterator<Item = Result<NameEntry>> + 'a {
        self.kv
            .range(Table::Names, &[], None, false)
            .map(|entry| {
                let (key, value) = entry?;
                let (folded, tag, id) = decode_name_key(&key)?;
                let spelling = String::from_utf8(value.to_vec())
                    .map_err(|_| Error::Corrupt("a stored name is not UTF-8".into()))?;
                Ok((
                    tag,
                    NameEntry {
                        folded,
                        spelling,
                        id,
                    },
                ))
            })
            .filter_map(move |r| match r {
                Ok((tag, entry)) if tag == kind => Some(Ok(entry)),
                Ok(_) => None,
                Err(e) => Some(Err(e)),
            })
    }

    /// The meetings `actor` took part in, in date order, optionally only those wholly inside
    /// `during`. Undated meetings come last, and never match a date filter.
    pub(crate) fn meetings_of_actor(
        &self,
        actor: u64,
        during: Option<&DateSpan>,
    ) -> Result<Vec<Posting>> {
        self.postings(Table::ActorMeetings, actor, during)
    }

    /// How many meetings list `actor`, from the posting chunks' headers.
    pub(crate) fn meeting_count(&self, actor: ActorId) -> Result<u64> {
        postings::len(self.kv, Table::ActorMeetings, actor.get())
    }

    /// The meetings held at `place` itself (not at places inside it), in date order.
    pub(crate) fn meetings_at_place(
        &self,
        place: u64,
        during: Option<&DateSpan>,
    ) -> Result<Vec<Posting>> {
        self.postings(Table::PlaceMeetings, place, during)
    }

    /// The meetings held at `place` or anywhere inside it, in date order.
    pub(crate) fn meetings_inside_place(
        &self,
        place: PlaceId,
        during: Option<&DateSpan>,
    ) -> Result<Vec<Posting>> {
        let mut found = Vec::new();
        for inner in self.places_inside(place)? {
            found.extend(self.meetings_at_place(inner.get(), during)?);
        }
        found.sort_by_key(Posting::key);
        Ok(found)
    }

    /// Every meeting, in date order, optionally only those wholly inside `during`.
    pub(crate) fn meetings_by_date(&self, during: Option<&DateSpan>) -> Result<Vec<Posting>> {
        self.postings(Table::DateMeetings, 0, during)
    }

    fn postings(
        &self,
        table: Table,
        owner: u64,
        during: Option<&DateSpan>,
    ) -> Result<Vec<Posting>> {
        self.postings_where(table, owner, during, &mut |_, _| Ok(true))
    }

    /// The meetings of one posting list wholly inside `during` that `keep` accepts, in date
    /// order; `keep` sees each entry and its participants before the entry is built.
    pub(crate) fn meetings_where(
        &self,
        list: List,
        during: Option<&DateSpan>,
        keep: Keep<'_>,
    ) -> Result<Vec<Posting>> {
        let (table, owner) = match list {
            List::Actor(actor) => (Table::ActorMeetings, actor),
            List::Place(place) => (Table::PlaceMeetings, place),
            List::All => (Table::DateMeetings, 0),
        };
        self.postings_where(table, owner, during, keep)
    }

    fn postings_where(
        &self,
        table: Table,
        owner: u64,
        during: Option<&DateSpan>,
        keep: Keep<'_>,
    ) -> Result<Vec<Posting>> {
        let mut inside = |p: &Posting, cast: &[Member]| {
            if ends_within(p, during) {
                keep(p, cast)
            } else {
                Ok(false)
            }
        };
        postings::scan_where(self.kv, table, owner, day_range(during), &mut inside)
    }

    /// `place` and every place inside it, at any depth.
    pub(crate) fn places_inside(&self, place: PlaceId) -> Result<Vec<PlaceId>> {
        let mut found = vec![place];
        let mut seen = BTreeSet::from([place.get()]);
        let mut next = 0;
        while next < found.len() {
            for (kind, child) in self.referrers(RecordKind::Place, found[next].get())? {
                // Places refer to places only through their parent.
                if kind == RecordKind::Place && seen.insert(child) {
                    found.push(Id::new(child));
                }
            }
            next += 1;
        }
        Ok(found)
    }

    /// The records that refer to (kind, id) other than as a participant or meeting place.
    pub(crate) fn referrers(&self, kind: RecordKind, id: u64) -> Result<Vec<(RecordKind, u64)>> {
        self.kv
            .prefix(Table::Refs, &encode_ref_prefix((kind, id)))
            .map(|entry| Ok(decode_ref_key(&entry?.0)?.1))
            .collect()
    }

    /// How many records of `kind` there are (a stored counter, not a scan).
    pub(crate) fn count(&self, kind: RecordKind) -> Result<u64> {
        read_counter(self.kv, &count_key(kind))
    }

    /// The highest id handed out for a kind: every record of it has an id up to this.
    pub(crate) fn last_id(&self, kind: RecordKind) -> Result<u64> {
        read_counter(self.kv, &next_id_key(kind))
    }
}
