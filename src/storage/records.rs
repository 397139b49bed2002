//! Records and the index entries derived from them.
//!
//! [`index_entries`] lists, for one record, every index entry it owns: its handle, each folded
//! name, its place in the posting lists, a `refs` key for each record it refers to (except
//! participants and the meeting's place, which the posting lists already record), and its
//! texts' terms in the full-text index with its share of the index's counts. Writes apply
//! the difference between a record's old and new entries; the integrity check recomputes the
//! entries of every record and compares them with what is stored. One function, so the two can
//! never disagree about what an index should hold.

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

use super::keys::{
    encode_handle_key, encode_name_key, encode_ref_key, encode_ref_prefix, encode_term_count_key,
    encode_term_key, Tag, TEXTS_KEY, WORDS_KEY,
};
use super::kv::{KvRead, Overlay};
use super::pages;
use super::postings::{self, Cast, Pending, Posting};
use super::read::{count_key, implicit_id, next_id_key, read_counter, record_table, Reader};
use super::state::GENERATION;
use super::terms::encode_posting;
use super::values::encode_value;
use super::{Store, Table};
use crate::error::{Error, Result};
use crate::model::text::Language;
pub use crate::model::Record;
use crate::model::{
    check_name, check_names, fold_name, Day, Document, Id, Meeting, RecordKind, RecordRef,
    Relation, MAX_ID,
};
use crate::query::{bound_of, indexed_texts, source_languages, MeetingEntry, Member};

/// The meetings and relations citing a document, with their records.
type Citing = (Vec<(u64, Meeting)>, Vec<(u64, Relation)>);

/// Every index entry of one record, by identity.
pub(crate) type Entries = BTreeMap<(Table, Vec<u8>), IndexEntry>;

/// One index entry a record owns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum IndexEntry {
    /// A plain key in `handles`, `names` or `refs`.
    Kv {
        table: Table,
        key: Vec<u8>,
        value: Vec<u8>,
    },
    /// An entry in the posting list of `owner`.
    Posting {
        table: Table,
        owner: u64,
        posting: Posting,
    },
    /// A share of a counter (a u64 BE under `key`): the counter holds the sum of every
    /// record's share, and is absent when that is 0.
    Count {
        table: Table,
        key: Vec<u8>,
        amount: u64,
    },
}

impl IndexEntry {
    /// What identifies the entry; two entries with the same identity differ only in payload.
    fn identity(&self) -> (Table, Vec<u8>) {
        match self {
            IndexEntry::Kv { table, key, .. } | IndexEntry::Count { table, key, .. } => {
                (*table, key.clone())
            }
            IndexEntry::Posting {
                table,
                owner,
                posting,
            } => (
                *table,
                super::keys::encode_chunk_key(*owner, posting.entry.day, posting.entry.meeting)
                    .to_vec(),
            ),
        }
    }
}

/// Every record that `record` refers to, with whether a posting list already records the
/// reference (so `refs` need not).
pub(crate) fn references(record: RecordRef<'_>) -> Vec<((Tag, u64), bool)> {
    let mut refs = Vec::new();
    let docs = |sources: &[crate::model::SourceRef], refs: &mut Vec<_>| {
        refs.extend(
            sources
                .iter()
                .map(|s| ((Tag::Document, s.document.get()), false)),
        );
    };
    match record {
        RecordRef::Actor(a) => refs.extend(a.affiliation.map(|x| ((Tag::Actor, x.get()), false))),
        RecordRef::Place(p) => refs.extend(p.parent.map(|x| ((Tag::Place, x.get()), false))),
        RecordRef::Document(_) => {}
        RecordRef::Meeting(m) => {
            refs.extend(m.place.map(|x| ((Tag::Place, x.get()), true)));
            for p in &m.participants {
                refs.push(((Tag::Actor, p.actor.get()), true));
                refs.extend(p.side.map(|x| ((Tag::Actor, x.get()), false)));
            }
            docs(&m.sources, &mut refs);
        }
        RecordRef::Relation(r) => {
            refs.push(((Tag::Actor, r.subject.get()), false));
            refs.push(((Tag::Actor, r.object.get()), false));
            docs(&r.sources, &mut refs);
        }
    }
    refs
}

fn names(record: RecordRef<'_>) -> Vec<&str> {
    match record {
        RecordRef::Actor(a) => a.names().collect(),
        RecordRef::Place(p) => p.names().collect(),
        _ => Vec::new(),
    }
}

/// What a record's index entries take from the documents it cites: a meeting with no date
/// lists at its **bound** (`query::bound_of`), and each quote is stemmed in its document's
/// language.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Context {
    pub bound: Option<Day>,
    /// The language of each source, in order.
    pub languages: Vec<Option<Language>>,
}

/// The [`Context`] of `record`, from the documents `kv` holds.
pub(crate) fn context_in(kv: &dyn KvRead, record: RecordRef<'_>) -> Result<Context> {
    let document = |d| -> Result<Option<Document>> { Reader::new(kv).get(d) };
    let bound = match record {
        RecordRef::Meeting(m) => bound_of(m, &mut |d| Ok(document(d)?.and_then(|d| d.published)))?,
        _ => None,
    };
    let languages = source_languages(record, &mut |d| {
        Ok(Language::of_code(
            document(d)?.and_then(|d| d.language).as_deref(),
        ))
    })?;
    Ok(Context { bound, languages })
}

/// Every index entry record `id` owns, keyed by identity (duplicates collapse: two aliases that
/// fold alike make one `names` key, holding the first spelling; shares of one counter add
/// up). `context` is the record's [`context_in`] the store.
pub(crate) fn index_entries(id: u64, record: RecordRef<'_>, context: &Context) -> Entries {
    let mut entries = BTreeMap::new();
    each_index_entry(
        id,
        record,
        context,
        &mut |entry| match entries.entry(entry.identity()) {
            Entry::Vacant(vacant) => {
                vacant.insert(entry);
            }
            Entry::Occupied(mut held) => {
                if let (IndexEntry::Count { amount, .. }, IndexEntry::Count { amount: more, .. }) =
                    (held.get_mut(), &entry)
                {
                    *amount += more;
                }
            }
        },
    );
    entries
}

/// Hands `add` every index entry record `id` owns, as [`index_entries`] lists them but without
/// collapsing duplicates (the bulk load does that once per list, after sorting, and sums the
/// counters' shares): no map and no identity key per entry.
pub(crate) fn each_index_entry(
    id: u64,
    record: RecordRef<'_>,
    context: &Context,
    add: &mut dyn FnMut(IndexEntry),
) {
    let kind = record.kind();
    let bound = context.bound;
    // A handle that spells the record's own id (as imports give) finds it without an entry:
    // a million meetings would otherwise pay a million keys.
    if implicit_id(record.handle()) != Some(id) {
        add(IndexEntry::Kv {
            table: Table::Handles,
            key: encode_handle_key(kind, record.handle()),
            value: id.to_be_bytes().to_vec(),
        });
    }
    for name in names(record) {
        add(IndexEntry::Kv {
            table: Table::Names,
            key: encode_name_key(&fold_name(name), kind, id),
            value: name.as_bytes().to_vec(),
        });
    }
    for (target, in_postings) in references(record) {
        if !in_postings {
            add(IndexEntry::Kv {
                table: Table::Refs,
                key: encode_ref_key(target, (kind, id)).to_vec(),
                value: Vec::new(),
            });
        }
    }
    if let RecordRef::Meeting(m) = record {
        // Place and date lists carry no cast; every actor list shares one.
        let entry = MeetingEntry::of(id, m, bound);
        let bare = Posting {
            entry,
            cast: Cast::default(),
        };
        if let Some(place) = m.place {
            add(IndexEntry::Posting {
                table: Table::PlaceMeetings,
                owner: place.get(),
                posting: bare.clone(),
            });
        }
        add(IndexEntry::Posting {
            table: Table::DateMeetings,
            owner: 0,
            posting: bare,
        });
        let with_cast = Posting {
            entry,
            cast: Cast::from(Member::cast_of(m)),
        };
        for p in &m.participants {
            add(IndexEntry::Posting {
                table: Table::ActorMeetings,
                owner: p.actor.get(),
                posting: with_cast.clone(),
            });
        }
    }
    let count = |key: Vec<u8>, amount: u64| IndexEntry::Count {
        table: Table::Terms,
        key,
        amount,
    };
    for text in indexed_texts(id, record, &context.languages) {
        add(count(TEXTS_KEY.to_vec(), 1));
        add(count(WORDS_KEY.to_vec(), text.length.into()));
        for (term, positions) in &text.terms {
            add(IndexEntry::Kv {
                table: Table::Terms,
                key: encode_term_key(term, text.field),
                value: encode_posting(text.length, positions),
            });
            add(count(encode_term_count_key(term), 1));
        }
    }
}

/// Checks what a record must satisfy before it is stored, given the current state.
fn validate(kv: &dyn KvRead, id: u64, record: RecordRef<'_>) -> Result<()> {
    let kind = record.kind();
    let handle = record.handle();
    if handle.is_empty()
        || handle.len() > 64
        || !handle
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        return Err(Error::Invalid(format!(
            "handle '{handle}' must be 1 to 64 letters, digits, '_' or '-'"
        )));
    }
    for name in names(record) {
        match check_name(name) {
            Ok(stored) if stored == name => {}
            Ok(_) => {
                return Err(Error::Internal(format!(
                    "{kind} '{handle}' reached storage with a name not in its stored form"
                )))
            }
            Err(Error::Invalid(why)) => return Err(Error::Invalid(format!("{kind} {why}"))),
            Err(e) => return Err(e),
        }
    }
    for ((target, target_id), _) in references(record) {
        if (target, target_id) == (kind, id) {
            return Err(Error::Invalid(format!(
                "{kind} '{handle}' cannot refer to itself"
            )));
        }
        if !pages::contains(kv, record_table(target), target_id)? {
            return Err(Error::Invalid(format!(
                "{kind} '{handle}' refers to {target} #{target_id}, which does not exist"
            )));
        }
    }
    match record {
        RecordRef::Meeting(m) => {
            if m.kind.trim().is_empty() {
                return Err(Error::Invalid(format!("meeting '{handle}' needs a kind")));
            }
            let mut seen = std::collections::HashSet::new();
            for p in &m.participants {
                if !seen.insert(p.actor) {
                    return Err(Error::Invalid(format!(
                        "meeting '{handle}' lists actor #{} twice",
                        p.actor.get()
                    )));
                }
            }
        }
        RecordRef::Relation(r) => {
            let snake = !r.predicate.is_empty()
                && r.predicate
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !snake {
                return Err(Error::Invalid(format!(
                    "relation predicate '{}' must be a snake_case word",
                    r.predicate
                )));
            }
        }
        RecordRef::Place(p) => {
            // Walk up from the new parent: meeting this place again would make a cycle.
            let reader = Reader::new(kv);
            let mut next = p.parent;
            for _ in 0..=crate::storage::read::MAX_PLACE_DEPTH {
                match next {
                    None => return Ok(()),
                    Some(parent) if parent.get() == id => {
                        return Err(Error::Invalid(format!(
                            "place '{handle}' cannot lie inside itself"
                        )))
                    }
                    Some(parent) => next = reader.get(parent)?.and_then(|p| p.parent),
                }
            }
            return Err(Error::Invalid(format!(
                "place '{handle}' is nested too deeply: places nest at most {} deep",
                crate::storage::read::MAX_PLACE_DEPTH
            )));
        }
        RecordRef::Document(d) => {
            if d.title.trim().is_empty() {
                return Err(Error::Invalid(format!("document '{handle}' needs a title")));
            }
        }
        RecordRef::Actor(_) => {}
    }
    Ok(())
}

/// How many bytes of changes a load gathers in its overlay before writing them to the store.
const LOAD_SPILL_BYTES: usize = 32 << 20;

/// A write transaction: changes gather in an overlay (which reads see), and [`Write::commit`]
/// applies them all in one sled transaction. Dropping it without committing changes nothing.
///
/// A write made by [`Write::loading`] instead loads an empty database (see `bulk::Load`, which
/// makes it atomic): its overlay is written to the store whenever it holds
/// [`LOAD_SPILL_BYTES`], and the posting entries of the meetings it adds are kept compactly
/// ([`Pending`]) and put in their lists only when something reads or changes those lists, or
/// at the end, whole chunks at a time. Memory stays bounded however much is loaded.
pub(crate) struct Write<'s> {
    ov: Overlay<'s>,
    /// In a load: the posting entries not yet in their lists.
    pending: Option<Pending>,
    /// In a load: whether changes have been written to the store already.
    spilled: bool,
}

impl<'s> Write<'s> {
    pub(crate) fn new(store: &'s Store) -> Self {
        Write {
            ov: Overlay::finishing(store, pages::for_disk),
            pending: None,
            spilled: false,
        }
    }

    /// A write that loads `store`, which must be empty and marked as loading (`bulk::Load`).
    pub(crate) fn loading(store: &'s Store) -> Self {
        Write {
            pending: Some(Pending::default()),
            ..Write::new(store)
        }
    }

    /// Reads that see this transaction's own writes: every record, name, handle and
    /// reference. In a load, posting lists may lag behind the meetings added until
    /// [`Write::settle`].
    pub(crate) fn reader(&self) -> Reader<'_> {
        Reader::new(&self.ov)
    }

    /// Puts the posting entries a load has kept in their lists, so that reads see them all.
    pub(crate) fn settle(&mut self) -> Result<()> {
        let Some(pending) = &mut self.pending else {
            return Ok(());
        };
        for (table, owner) in pending.lists() {
            if let Some(list) = pending.take(table, owner) {
                postings::settle(&mut self.ov, table, owner, &list)?;
                if self.ov.bytes() > LOAD_SPILL_BYTES {
                    self.ov.spill()?;
                    self.spilled = true;
                }
            }
        }
        Ok(())
    }

    /// Puts the posting entries a load has kept for one list in it.
    fn settle_list(&mut self, table: Table, owner: u64) -> Result<()> {
        match self.pending.as_mut().and_then(|p| p.take(table, owner)) {
            Some(list) => postings::settle(&mut self.ov, table, owner, &list),
            None => Ok(()),
        }
    }

    /// In a load, writes the changes gathered to the store once they are many.
    fn bounded(&mut self) -> Result<()> {
        if self.pending.is_some() && self.ov.bytes() > LOAD_SPILL_BYTES {
            self.ov.spill()?;
            self.spilled = true;
        }
        Ok(())
    }

    fn bump(&mut self, key: &[u8], by: i64) -> Result<u64> {
        let value = read_counter(&self.ov, key)?
            .checked_add_signed(by)
            .ok_or_else(|| Error::Corrupt("a counter went out of range".into()))?;
        self.ov.put(Table::Meta, key, &value.to_be_bytes()[..]);
        Ok(value)
    }

    /// Stores a new record and returns its id. An empty handle is replaced by one the database
    /// assigns (`a12`, `m7` …).
    pub(crate) fn add<R: Record>(&mut self, mut record: R) -> Result<Id<R>> {
        stored_names(&mut record)?;
        let next_key = next_id_key(R::KIND);
        let last = read_counter(&self.ov, &next_key)?;
        if last >= MAX_ID {
            return Err(Error::Invalid(format!(
                "no more {}s can be added: ids go up to {MAX_ID}, and {last} has been given",
                R::KIND
            )));
        }
        let id = self.bump(&next_key, 1)?;
        // Counters start at 0, so the first id handed out is 1.
        if record.handle().is_empty() {
            *record.handle_mut() = self.free_handle(R::KIND, id)?;
        }
        self.store(id, None, &record)?;
        self.bump(&count_key(R::KIND), 1)?;
        self.bounded()?;
        Ok(Id::new(id))
    }

    fn free_handle(&self, kind: RecordKind, id: u64) -> Result<String> {
        let base = format!("{}{id}", kind.handle_prefix());
        let mut candidate = base.clone();
        for n in 2.. {
            if self
                .ov
                .get(Table::Handles, &encode_handle_key(kind, &candidate))?
                .is_none()
            {
                break;
            }
            candidate = format!("{base}_{n}");
        }
        Ok(candidate)
    }

    /// Replaces record `id`. An empty handle keeps the current one.
    pub(crate) fn update<R: Record>(&mut self, id: Id<R>, mut record: R) -> Result<()> {
        stored_names(&mut record)?;
        let old: R = self
            .reader()
            .get(id)?
            .ok_or_else(|| missing(R::KIND, id.get()))?;
        if record.handle().is_empty() {
            *record.handle_mut() = old.handle().to_string();
        }
        // A document gives a bound to the meetings with no date citing it, and its language
        // to the quotes citing it: a change of either rewrites their entries.
        let (meetings, relations) = match (old.as_record_ref(), record.as_record_ref()) {
            (RecordRef::Document(o), RecordRef::Document(n)) => {
                let language = |d: &Document| Language::of_code(d.language.as_deref());
                let every = language(o) != language(n);
                if every || o.published != n.published {
                    self.citing(id.get(), every)?
                } else {
                    (Vec::new(), Vec::new())
                }
            }
            _ => (Vec::new(), Vec::new()),
        };
        let before_meetings = self.entries_of_all(&meetings)?;
        let before_relations = self.entries_of_all(&relations)?;
        self.store(id.get(), Some(&old), &record)?;
        self.rewrite(&meetings, before_meetings)?;
        self.rewrite(&relations, before_relations)?;
        self.bounded()
    }

    /// The records citing document `id` whose entries take something from it: the meetings
    /// with no date (their bound), or with `every`, all meetings and relations citing it
    /// (their quotes' language).
    fn citing(&self, id: u64, every: bool) -> Result<Citing> {
        let reader = self.reader();
        let (mut meetings, mut relations) = (Vec::new(), Vec::new());
        for (kind, m) in reader.referrers(RecordKind::Document, id)? {
            match kind {
                RecordKind::Meeting => {
                    let meeting: Meeting =
                        reader.get(Id::new(m))?.ok_or_else(|| missing(kind, m))?;
                    if every || meeting.date.is_none() {
                        meetings.push((m, meeting));
                    }
                }
                RecordKind::Relation if every => {
                    let relation: Relation =
                        reader.get(Id::new(m))?.ok_or_else(|| missing(kind, m))?;
                    relations.push((m, relation));
                }
                _ => {}
            }
        }
        Ok((meetings, relations))
    }

    /// The index entries of each of `records`.
    fn entries_of_all<R: Record>(&self, records: &[(u64, R)]) -> Result<Vec<Entries>> {
        records
            .iter()
            .map(|(id, record)| self.entries_of(*id, record))
            .collect()
    }

    /// Changes the entries of `records` from `before` to what they are now.
    fn rewrite<R: Record>(&mut self, records: &[(u64, R)], before: Vec<Entries>) -> Result<()> {
        for ((id, record), old_entries) in records.iter().zip(before) {
            let new_entries = self.entries_of(*id, record)?;
            self.apply(old_entries, new_entries)?;
        }
        Ok(())
    }

    /// Every index entry of record `id`, with its context as the transaction sees it now.
    fn entries_of<R: Record>(&self, id: u64, record: &R) -> Result<Entries> {
        let context = context_in(&self.ov, record.as_record_ref())?;
        Ok(index_entries(id, record.as_record_ref(), &context))
    }

    /// Deletes record `id`; refused while another record refers to it.
    pub(crate) fn delete<R: Record>(&mut self, id: Id<R>) -> Result<()> {
        let old: R = self
            .reader()
            .get(id)?
            .ok_or_else(|| missing(R::KIND, id.get()))?;
        if let Some(table) = posting_table(R::KIND) {
            self.settle_list(table, id.get())?;
        }
        let users = self.users(R::KIND, id.get())?;
        if !users.is_empty() {
            return Err(Error::InUse {
                kind: R::KIND.word(),
                name: old.handle().to_string(),
                used_by: users,
            });
        }
        for entry in self.entries_of(id.get(), &old)?.into_values() {
            self.remove_entry(entry)?;
        }
        pages::set(&mut self.ov, record_table(R::KIND), id.get(), None)?;
        self.bump(&count_key(R::KIND), -1)?;
        self.bounded()
    }

    /// Describes what refers to record (kind, id), or "" when nothing does.
    fn users(&self, kind: RecordKind, id: u64) -> Result<String> {
        let mut counts: BTreeMap<RecordKind, usize> = BTreeMap::new();
        for entry in self.ov.prefix(Table::Refs, &encode_ref_prefix((kind, id))) {
            let (key, _) = entry?;
            let (_, (source, _)) = super::keys::decode_ref_key(&key)?;
            *counts.entry(source).or_default() += 1;
        }
        if let Some(table) = posting_table(kind) {
            if postings::has_any(&self.ov, table, id)? {
                let n = postings::scan(&self.ov, table, id, (0, u32::MAX))?.len();
                *counts.entry(RecordKind::Meeting).or_default() += n;
            }
        }
        let parts: Vec<String> = counts
            .iter()
            .map(|(k, n)| format!("{n} {}{}", k.word(), if *n == 1 { "" } else { "s" }))
            .collect();
        Ok(if parts.is_empty() {
            String::new()
        } else {
            format!("referred to by {}", parts.join(", "))
        })
    }

    fn store<R: Record>(&mut self, id: u64, old: Option<&R>, new: &R) -> Result<()> {
        validate(&self.ov, id, new.as_record_ref())?;
        if old.is_none_or(|o| o.handle() != new.handle()) {
            let holder = self.reader().by_handle::<R>(new.handle())?;
            if holder.is_some_and(|h| h.get() != id) {
                return Err(Error::HandleTaken {
                    kind: R::KIND.word(),
                    handle: new.handle().to_string(),
                });
            }
        }
        let old_entries = match old {
            Some(o) => self.entries_of(id, o)?,
            None => BTreeMap::new(),
        };
        let new_entries = self.entries_of(id, new)?;
        self.apply(old_entries, new_entries)?;
        pages::set(
            &mut self.ov,
            record_table(R::KIND),
            id,
            Some(&encode_value(new)?),
        )?;
        Ok(())
    }

    /// Changes the index from `old_entries` to `new_entries`.
    fn apply(&mut self, old_entries: Entries, new_entries: Entries) -> Result<()> {
        for (identity, entry) in &new_entries {
            if old_entries.get(identity) != Some(entry) {
                if let Some(stale) = old_entries.get(identity) {
                    self.remove_entry(stale.clone())?;
                }
                self.add_entry(entry.clone())?;
            }
        }
        for (identity, entry) in old_entries {
            if !new_entries.contains_key(&identity) {
                self.remove_entry(entry)?;
            }
        }
        Ok(())
    }

    fn add_entry(&mut self, entry: IndexEntry) -> Result<()> {
        match entry {
            IndexEntry::Posting {
                table,
                owner,
                posting,
            } => match &mut self.pending {
                Some(pending) => {
                    pending.push(table, owner, &posting);
                    Ok(())
                }
                None => postings::insert(&mut self.ov, table, owner, posting),
            },
            IndexEntry::Kv { table, key, value } => {
                self.ov.put(table, key, value);
                Ok(())
            }
            IndexEntry::Count { table, key, amount } => {
                let total = self.ov.counter(table, &key)?.checked_add(amount);
                let total = total.ok_or_else(|| overflow(table))?;
                self.ov.put(table, key, &total.to_be_bytes()[..]);
                Ok(())
            }
        }
    }

    fn remove_entry(&mut self, entry: IndexEntry) -> Result<()> {
        match entry {
            IndexEntry::Posting {
                table,
                owner,
                posting,
            } => {
                self.settle_list(table, owner)?;
                postings::remove(&mut self.ov, table, owner, posting)
            }
            IndexEntry::Kv { table, key, .. } => {
                self.ov.delete(table, key);
                Ok(())
            }
            IndexEntry::Count { table, key, amount } => {
                let total = self.ov.counter(table, &key)?.checked_sub(amount);
                match total.ok_or_else(|| overflow(table))? {
                    0 => self.ov.delete(table, key),
                    total => self.ov.put(table, key, &total.to_be_bytes()[..]),
                }
                Ok(())
            }
        }
    }

    /// Commits every change at once, counting the commit in the generation (see `state`).
    /// Returns whether there was anything to commit. A load writes what it has left to the
    /// store instead, its atomicity coming from `bulk::Load`.
    pub(crate) fn commit(mut self) -> Result<bool> {
        self.settle()?;
        if self.ov.is_empty() && !self.spilled {
            return Ok(false);
        }
        self.bump(GENERATION, 1)?;
        if self.pending.is_some() {
            self.ov.spill()?;
        } else {
            self.ov.commit()?;
        }
        Ok(true)
    }
}

/// Puts the names of a record about to be written in their stored form; a name that cannot be
/// stored is the user's mistake, said with the record's kind.
fn stored_names<R: Record>(record: &mut R) -> Result<()> {
    check_names(record).map_err(|e| match e {
        Error::Invalid(why) => Error::Invalid(format!("{} {why}", R::KIND)),
        other => other,
    })
}

/// A counter that a write would take below 0 or past `u64::MAX`: the index disagrees with
/// the records.
fn overflow(table: Table) -> Error {
    Error::Corrupt(format!(
        "a counter in {} does not match the records it counts; `check` tells more",
        table.name()
    ))
}

/// The posting lists a record of `kind` owns, if any.
fn posting_table(kind: RecordKind) -> Option<Table> {
    match kind {
        RecordKind::Actor => Some(Table::ActorMeetings),
        RecordKind::Place => Some(Table::PlaceMeetings),
        _ => None,
    }
}

fn missing(kind: RecordKind, id: u64) -> Error {
    Error::NotFound {
        kind: kind.word(),
        name: format!("#{id}"),
        suggestions: Vec::new(),
    }
}
