//! A catalog over records held in memory, with every list and name computed from the records
//! themselves: what the query layer's tests run on, and a reference that the stored indexes
//! can be compared with.

use std::any::Any;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use super::catalog::{bound_of, Catalog, List, MeetingEntry, Member, NameEntry, Visit};
use super::search::{indexed_texts, invert, source_languages, Term, TermPosting, TextTotals};
use super::{answer, CancellationToken};
use crate::error::{Error, Result};
use crate::model::text::Language;
use crate::model::{
    fold_name, Document, DocumentId, Id, Meeting, Place, PlaceId, Record, RecordKind, RecordRef,
};
use crate::rows::Rows;
use crate::syntax::{parse, Source, Statement};

/// Records in memory that questions can be asked of, without a store: every answer is worked
/// out from the records alone, not from indexes.
///
/// ```
/// use entrevue::{query::MemoryCatalog, Database};
///
/// let db = Database::temporary()?;
/// db.execute("load demo;")?;
/// let memory = db.memory_copy()?;
/// assert_eq!(memory.query("who met Witkoff")?, db.query("who met Witkoff")?);
/// # Ok::<(), entrevue::Error>(())
/// ```
#[derive(Default)]
pub struct MemoryCatalog {
    records: BTreeMap<(RecordKind, u64), Box<dyn Stored>>,
    /// Every list, worked out from the meetings when first asked for.
    lists: OnceLock<Lists>,
    /// The search index, worked out from every record's texts when first asked for.
    texts: OnceLock<TextIndex>,
}

/// Each term's postings, and the totals of every text.
struct TextIndex {
    postings: BTreeMap<Term, Vec<TermPosting>>,
    totals: TextTotals,
}

/// Each list's entries with their participants, in list order.
type Lists = BTreeMap<List, Vec<(MeetingEntry, Vec<Member>)>>;

/// A record of any kind, as the catalog keeps it.
trait Stored: Send + Sync {
    fn as_any(&self) -> &dyn Any;
    fn as_record_ref(&self) -> RecordRef<'_>;
}

impl<R: Record> Stored for R {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_record_ref(&self) -> RecordRef<'_> {
        Record::as_record_ref(self)
    }
}

impl MemoryCatalog {
    /// An empty catalog.
    pub fn new() -> MemoryCatalog {
        MemoryCatalog::default()
    }

    /// Adds (or replaces) the record with this id.
    pub fn insert<R: Record>(&mut self, id: Id<R>, record: R) {
        self.records.insert((R::KIND, id.get()), Box::new(record));
        self.lists = OnceLock::new();
        self.texts = OnceLock::new();
    }

    /// Answers one question (`explain` and writes are not questions).
    pub fn query(&self, text: &str) -> Result<Rows> {
        let statements = parse(text)?;
        let [(Statement::Query(query), _)] = statements.as_slice() else {
            return Err(Error::Invalid("expected exactly one question".into()));
        };
        let source = Source { text, name: None };
        answer(self, source, query, &CancellationToken::default())
    }

    fn all<R: Record>(&self) -> impl Iterator<Item = (u64, &R)> {
        self.records
            .range((R::KIND, 0)..=(R::KIND, u64::MAX))
            .filter_map(|((_, id), record)| Some((*id, record.as_any().downcast_ref::<R>()?)))
    }

    fn any(&self, kind: RecordKind) -> impl Iterator<Item = (u64, RecordRef<'_>)> {
        self.records
            .range((kind, 0)..=(kind, u64::MAX))
            .map(|((_, id), record)| (*id, record.as_record_ref()))
    }

    /// Every name and alias of the records of `kind`, one per (folded name, record), in order.
    fn names(&self, kind: RecordKind) -> BTreeMap<(String, u64), String> {
        let mut names = BTreeMap::new();
        for (id, record) in self.any(kind) {
            let spellings: Vec<&str> = match record {
                RecordRef::Actor(a) => a.names().collect(),
                RecordRef::Place(p) => p.names().collect(),
                _ => Vec::new(),
            };
            for spelling in spellings {
                names
                    .entry((fold_name(spelling), id))
                    .or_insert_with(|| spelling.to_string());
            }
        }
        names
    }

    fn document(&self, id: DocumentId) -> Option<&Document> {
        let record = self.records.get(&(RecordKind::Document, id.get()))?;
        record.as_any().downcast_ref::<Document>()
    }

    /// The search index of every record's texts.
    fn texts(&self) -> &TextIndex {
        self.texts.get_or_init(|| {
            let mut texts = Vec::new();
            for kind in RecordKind::ALL {
                for (id, record) in self.any(kind) {
                    let languages = source_languages(record, &mut |d| {
                        let code = self.document(d).and_then(|d| d.language.as_deref());
                        Ok(Language::of_code(code))
                    });
                    texts.extend(indexed_texts(id, record, &languages.unwrap_or_default()));
                }
            }
            let totals = TextTotals {
                texts: texts.len() as u64,
                words: texts.iter().map(|t| u64::from(t.length)).sum(),
            };
            TextIndex {
                postings: invert(texts),
                totals,
            }
        })
    }

    /// The entries of a list with their participants, in list order.
    fn list(&self, list: List) -> &[(MeetingEntry, Vec<Member>)] {
        let lists = self.lists.get_or_init(|| {
            let mut lists = Lists::new();
            for (id, m) in self.all::<Meeting>() {
                let bound = bound_of(m, &mut |d| Ok(self.document(d).and_then(|d| d.published)));
                let entry = MeetingEntry::of(id, m, bound.unwrap_or(None));
                let cast = Member::cast_of(m);
                lists
                    .entry(List::All)
                    .or_default()
                    .push((entry, Vec::new()));
                if entry.place != 0 {
                    let place = List::Place(entry.place);
                    lists.entry(place).or_default().push((entry, Vec::new()));
                }
                for member in &cast {
                    let actor = List::Actor(member.actor);
                    lists.entry(actor).or_default().push((entry, cast.clone()));
                }
            }
            for entries in lists.values_mut() {
                entries.sort_by_key(|(entry, _)| entry.key());
            }
            lists
        });
        lists.get(&list).map_or(&[], Vec::as_slice)
    }
}

/// The records a record refers to other than as a participant or a meeting's place.
fn references(record: RecordRef<'_>) -> Vec<(RecordKind, u64)> {
    let documents = |sources: &[crate::model::SourceRef]| {
        sources
            .iter()
            .map(|s| (RecordKind::Document, s.document.get()))
            .collect::<Vec<_>>()
    };
    match record {
        RecordRef::Actor(a) => a
            .affiliation
            .map(|x| (RecordKind::Actor, x.get()))
            .into_iter()
            .collect(),
        RecordRef::Place(p) => p
            .parent
            .map(|x| (RecordKind::Place, x.get()))
            .into_iter()
            .collect(),
        RecordRef::Document(_) => Vec::new(),
        RecordRef::Meeting(m) => {
            let sides = m.participants.iter().filter_map(|p| p.side);
            let mut refs: Vec<_> = sides.map(|s| (RecordKind::Actor, s.get())).collect();
            refs.extend(documents(&m.sources));
            refs
        }
        RecordRef::Relation(r) => {
            let mut refs = vec![
                (RecordKind::Actor, r.subject.get()),
                (RecordKind::Actor, r.object.get()),
            ];
            refs.extend(documents(&r.sources));
            refs
        }
    }
}

impl Catalog for MemoryCatalog {
    fn record<R: Record>(&self, id: Id<R>) -> Result<Option<R>> {
        Ok(self
            .records
            .get(&(R::KIND, id.get()))
            .and_then(|r| r.as_any().downcast_ref::<R>())
            .cloned())
    }

    fn by_handle<R: Record>(&self, handle: &str) -> Result<Option<(Id<R>, Option<R>)>> {
        Ok(self
            .all::<R>()
            .find(|(_, r)| r.handle() == handle)
            .map(|(id, _)| (Id::new(id), None)))
    }

    fn named(&self, kind: RecordKind, name: &str) -> Result<Vec<u64>> {
        let wanted = fold_name(name);
        let ids: BTreeSet<u64> = self
            .names(kind)
            .into_keys()
            .filter(|(folded, _)| *folded == wanted)
            .map(|(_, id)| id)
            .collect();
        Ok(ids.into_iter().collect())
    }

    fn each_name(
        &self,
        kind: RecordKind,
        visit: &mut dyn FnMut(NameEntry) -> Result<()>,
    ) -> Result<()> {
        for ((folded, id), spelling) in self.names(kind) {
            visit(NameEntry {
                folded,
                spelling,
                id,
            })?;
        }
        Ok(())
    }

    fn names_from_word(
        &self,
        kind: RecordKind,
        word: &str,
        visit: &mut dyn FnMut(NameEntry) -> Result<()>,
    ) -> Result<()> {
        let longer = format!("{word} ");
        self.each_name(kind, &mut |entry| {
            if entry.folded == word || entry.folded.starts_with(&longer) {
                visit(entry)?;
            }
            Ok(())
        })
    }

    fn names_with_prefix(
        &self,
        kind: RecordKind,
        prefix: &str,
        visit: &mut dyn FnMut(NameEntry) -> Result<()>,
    ) -> Result<()> {
        self.each_name(kind, &mut |entry| {
            if entry.folded.starts_with(prefix) {
                visit(entry)?;
            }
            Ok(())
        })
    }

    fn places_inside(&self, place: PlaceId) -> Result<Vec<PlaceId>> {
        let mut found = vec![place];
        let mut next = 0;
        while next < found.len() {
            let parent = Some(found[next]);
            for (id, p) in self.all::<Place>() {
                if p.parent == parent && !found.contains(&Id::new(id)) {
                    found.push(Id::new(id));
                }
            }
            next += 1;
        }
        Ok(found)
    }

    fn shortest(&self, lists: &[List]) -> Result<usize> {
        let sizes: Vec<usize> = lists.iter().map(|l| self.list(*l).len()).collect();
        let fewest = sizes.iter().min();
        Ok(sizes.iter().position(|s| Some(s) == fewest).unwrap_or(0))
    }

    fn scan(&self, list: List, first_days: (u32, u32), visit: Visit<'_>) -> Result<()> {
        for (entry, cast) in self.list(list) {
            if first_days.0 <= entry.day && entry.day <= first_days.1 {
                visit(entry, cast)?;
            }
        }
        Ok(())
    }

    fn referrers(&self, kind: RecordKind, id: u64) -> Result<Vec<(RecordKind, u64)>> {
        let mut found = BTreeSet::new();
        for source in RecordKind::ALL {
            for (source_id, record) in self.any(source) {
                if references(record).contains(&(kind, id)) {
                    found.insert((source, source_id));
                }
            }
        }
        Ok(found.into_iter().collect())
    }

    fn last_id(&self, kind: RecordKind) -> Result<u64> {
        Ok(self
            .records
            .range((kind, 0)..=(kind, u64::MAX))
            .next_back()
            .map_or(0, |((_, id), _)| *id))
    }

    fn term_postings(&self, term: &Term) -> Result<Vec<TermPosting>> {
        Ok(self.texts().postings.get(term).cloned().unwrap_or_default())
    }

    fn term_count(&self, term: &Term) -> Result<u64> {
        Ok(self
            .texts()
            .postings
            .get(term)
            .map_or(0, |p| p.len() as u64))
    }

    fn text_totals(&self) -> Result<TextTotals> {
        Ok(self.texts().totals)
    }
}
