//! Typed reads over any [`KvRead`]: the committed store, or a write transaction's overlay.
//!
//! Each question shape has one table that answers it with a direct get or a prefix scan:
//! a record by id (`actors` …), a handle (`handles`), a name (`names`), an actor's or a place's
//! meetings in date order (`actor_meetings`, `place_meetings`), meetings by date
//! (`date_meetings`), who refers to a record (`refs`), and the texts holding a term (`terms`).

use std::collections::BTreeSet;

use super::keys::{
    decode_name_key, decode_ref_key, encode_handle_key, encode_name_prefix, encode_ref_prefix,
};
use super::kv::KvRead;
use super::pages;
use super::postings;
use super::terms;
use super::values::decode_value;
use super::Table;
use crate::error::{Error, Result};
use crate::model::{fold_name, Id, PlaceId, Record, RecordKind};
use crate::query::{CastSink, Catalog, List, NameEntry, Term, TermPosting, TextTotals, Visit};

/// The deepest a place tree may nest; deeper chains are refused as likely cycles.
pub(crate) const MAX_PLACE_DEPTH: usize = 64;

/// The table that holds records of this kind.
pub(crate) fn record_table(kind: RecordKind) -> Table {
    match kind {
        RecordKind::Actor => Table::Actors,
        RecordKind::Place => Table::Places,
        RecordKind::Document => Table::Documents,
        RecordKind::Meeting => Table::Meetings,
        RecordKind::Relation => Table::Relations,
    }
}

fn counter_key(name: &str, kind: RecordKind) -> Vec<u8> {
    let mut key = name.as_bytes().to_vec();
    key.push(kind as u8);
    key
}

/// Key in `meta` of the next id to hand out for a kind.
pub(crate) fn next_id_key(kind: RecordKind) -> Vec<u8> {
    counter_key("next:", kind)
}

/// Key in `meta` of the number of records of a kind.
pub(crate) fn count_key(kind: RecordKind) -> Vec<u8> {
    counter_key("count:", kind)
}

pub(crate) fn read_counter(kv: &dyn KvRead, key: &[u8]) -> Result<u64> {
    kv.counter(Table::Meta, key)
}

/// Typed reads; see the module documentation.
#[derive(Clone, Copy)]
pub(crate) struct Reader<'a> {
    kv: &'a dyn KvRead,
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

    /// The stored records of a kind among `ids`, handed to `visit` in id order.
    pub(crate) fn get_each<R: Record>(
        &self,
        ids: &BTreeSet<u64>,
        visit: &mut dyn FnMut(u64, R) -> Result<()>,
    ) -> Result<()> {
        pages::read_each(self.kv, record_table(R::KIND), ids, |id, value| {
            visit(id, decode_value(value)?)
        })
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
        // Handles are unique within a kind, so when the record a handle spells has it, no key
        // can name another; reading that record first settles most such handles (an import
        // gives one to every record) in one read instead of a missed key and a read.
        if let Some(id) = implicit_id(handle) {
            if let Some(record) = self.get::<R>(Id::new(id))?.filter(|r| r.handle() == handle) {
                return Ok(Some((Id::new(id), Some(record))));
            }
        }
        match self
            .kv
            .get(Table::Handles, &encode_handle_key(R::KIND, handle))?
        {
            Some(bytes) => <[u8; 8]>::try_from(bytes.as_ref())
                .map(|b| Some((Id::new(u64::from_be_bytes(b)), None)))
                .map_err(|_| Error::Corrupt(format!("handle '{handle}' maps to a malformed id"))),
            None => Ok(None),
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

    /// The names and aliases of records of `kind` whose folded form is `word`, or starts with
    /// `word` and a space: two prefix scans of the `names` tree, which holds folded names in
    /// order, so that a short word reads only the names it starts.
    pub(crate) fn names_from_word(
        &self,
        kind: RecordKind,
        word: &str,
        visit: &mut dyn FnMut(NameEntry) -> Result<()>,
    ) -> Result<()> {
        let exact = encode_name_prefix(word);
        let longer = format!("{word} ");
        for prefix in [exact.as_slice(), longer.as_bytes()] {
            self.names_under(kind, prefix, visit)?;
        }
        Ok(())
    }

    /// The names and aliases of records of `kind` whose key starts with `prefix`.
    pub(crate) fn names_under(
        &self,
        kind: RecordKind,
        prefix: &[u8],
        visit: &mut dyn FnMut(NameEntry) -> Result<()>,
    ) -> Result<()> {
        for entry in self.kv.prefix(Table::Names, prefix) {
            let (key, value) = entry?;
            let (folded, tag, id) = decode_name_key(&key)?;
            if tag != kind {
                continue;
            }
            let spelling = String::from_utf8(value.to_vec())
                .map_err(|_| Error::Corrupt("a stored name is not UTF-8".into()))?;
            visit(NameEntry {
                folded,
                spelling,
                id,
            })?;
        }
        Ok(())
    }

    /// The table and owner that hold a list.
    fn list(list: List) -> (Table, u64) {
        match list {
            List::Actor(actor) => (Table::ActorMeetings, actor),
            List::Place(place) => (Table::PlaceMeetings, place),
            List::All => (Table::DateMeetings, 0),
        }
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

impl Catalog for Reader<'_> {
    fn record<R: Record>(&self, id: Id<R>) -> Result<Option<R>> {
        self.get(id)
    }

    fn records<R: Record>(
        &self,
        ids: &BTreeSet<u64>,
        visit: &mut dyn FnMut(u64, R) -> Result<()>,
    ) -> Result<()> {
        self.get_each(ids, visit)
    }

    fn by_handle<R: Record>(&self, handle: &str) -> Result<Option<(Id<R>, Option<R>)>> {
        self.by_handle_read(handle)
    }

    fn named(&self, kind: RecordKind, name: &str) -> Result<Vec<u64>> {
        Reader::named(self, kind, name)
    }

    fn each_name(
        &self,
        kind: RecordKind,
        visit: &mut dyn FnMut(NameEntry) -> Result<()>,
    ) -> Result<()> {
        self.names(kind).try_for_each(|entry| visit(entry?))
    }

    fn names_from_word(
        &self,
        kind: RecordKind,
        word: &str,
        visit: &mut dyn FnMut(NameEntry) -> Result<()>,
    ) -> Result<()> {
        Reader::names_from_word(self, kind, word, visit)
    }

    fn names_with_prefix(
        &self,
        kind: RecordKind,
        prefix: &str,
        visit: &mut dyn FnMut(NameEntry) -> Result<()>,
    ) -> Result<()> {
        self.names_under(kind, prefix.as_bytes(), visit)
    }

    fn places_inside(&self, place: PlaceId) -> Result<Vec<PlaceId>> {
        Reader::places_inside(self, place)
    }

    fn shortest(&self, lists: &[List]) -> Result<usize> {
        let lists: Vec<(Table, u64)> = lists.iter().map(|l| Reader::list(*l)).collect();
        postings::shortest(self.kv, &lists)
    }

    fn scan(&self, list: List, first_days: (u32, u32), visit: Visit<'_>) -> Result<()> {
        let (table, owner) = Reader::list(list);
        postings::visit(self.kv, table, owner, first_days, visit)
    }

    fn scan_casts<S: CastSink>(
        &self,
        list: List,
        first_days: (u32, u32),
        sink: &mut S,
    ) -> Result<()> {
        let (table, owner) = Reader::list(list);
        postings::visit_casts(self.kv, table, owner, first_days, sink)
    }

    fn referrers(&self, kind: RecordKind, id: u64) -> Result<Vec<(RecordKind, u64)>> {
        Reader::referrers(self, kind, id)
    }

    fn last_id(&self, kind: RecordKind) -> Result<u64> {
        Reader::last_id(self, kind)
    }

    fn term_postings(&self, term: &Term) -> Result<Vec<TermPosting>> {
        terms::postings(self.kv, term)
    }

    fn term_count(&self, term: &Term) -> Result<u64> {
        terms::count(self.kv, term)
    }

    fn text_totals(&self) -> Result<TextTotals> {
        terms::totals(self.kv)
    }
}
