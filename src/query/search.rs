//! What the full-text search indexes: the texts of records (a quote, a meeting's summary, a
//! document's title), each cut into stems with their positions, and what the index hands the
//! query layer back. One definition, which the store's index and the in-memory catalog both
//! build from.

use std::collections::BTreeMap;

use crate::error::Result;
use crate::model::text::{stems, Language};
use crate::model::{DocumentId, RecordKind, RecordRef};

/// The `part` of a record's own text: a meeting's summary, a document's title. The quote of
/// a record's n-th source (from 1) is part n.
pub(crate) const OWN_TEXT: u32 = 0;

/// One text the search indexes, and the order hits tie in: by record kind, id, then part.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Field {
    pub kind: RecordKind,
    pub id: u64,
    /// [`OWN_TEXT`], or n for the quote of the n-th source.
    pub part: u32,
}

/// A stem in one language: the unit the index counts.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Term {
    pub language: Language,
    pub stem: String,
}

/// A text holding a term: where in it the term stands, and how many words the text has
/// (which BM25 weighs the term's frequency against).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TermPosting {
    pub field: Field,
    /// Words in the text.
    pub length: u32,
    /// The positions of the term's words, in increasing order; their number is the term's
    /// frequency in the text.
    pub positions: Vec<u32>,
}

/// What the index counts of all its texts: how many, and their words in all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct TextTotals {
    pub texts: u64,
    pub words: u64,
}

/// One text cut into terms: its length and each term's positions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct IndexedText {
    pub field: Field,
    pub length: u32,
    pub terms: BTreeMap<Term, Vec<u32>>,
}

/// The language of each source of a record (a meeting's or a relation's), in order: its
/// document's `language`, from `language_of`. Empty for other records.
pub(crate) fn source_languages(
    record: RecordRef<'_>,
    language_of: &mut dyn FnMut(DocumentId) -> Result<Option<Language>>,
) -> Result<Vec<Option<Language>>> {
    let sources = match record {
        RecordRef::Meeting(m) => &m.sources,
        RecordRef::Relation(r) => &r.sources,
        _ => return Ok(Vec::new()),
    };
    sources.iter().map(|s| language_of(s.document)).collect()
}

/// The texts record `id` puts in the search index. A quote is in its document's language
/// (`languages`, from [`source_languages`]), a title in its own document's; a summary, which
/// no document wrote, has no known language. A text of no known language is indexed in both
/// languages; a text with no word is not indexed.
pub(crate) fn indexed_texts(
    id: u64,
    record: RecordRef<'_>,
    languages: &[Option<Language>],
) -> Vec<IndexedText> {
    let kind = record.kind();
    let mut texts: Vec<(u32, &str, Option<Language>)> = Vec::new();
    match record {
        RecordRef::Document(d) => {
            let language = Language::of_code(d.language.as_deref());
            texts.push((OWN_TEXT, &d.title, language));
        }
        RecordRef::Meeting(m) => {
            if let Some(summary) = &m.summary {
                texts.push((OWN_TEXT, summary, None));
            }
        }
        _ => {}
    }
    let sources = match record {
        RecordRef::Meeting(m) => m.sources.as_slice(),
        RecordRef::Relation(r) => r.sources.as_slice(),
        _ => &[],
    };
    for (n, source) in (1..).zip(sources) {
        let language = languages.get(n as usize - 1).copied().flatten();
        texts.push((n, &source.quote, language));
    }
    texts
        .into_iter()
        .filter_map(|(part, text, language)| {
            let field = Field { kind, id, part };
            indexed(field, text, language)
        })
        .collect()
}

/// A text cut into the terms of each language it is indexed in; `None` when it has no word.
fn indexed(field: Field, text: &str, language: Option<Language>) -> Option<IndexedText> {
    let mut terms: BTreeMap<Term, Vec<u32>> = BTreeMap::new();
    let mut length = 0;
    for &language in Language::indexed(language) {
        let stems = stems(text, language);
        length = u32::try_from(stems.len()).unwrap_or(u32::MAX);
        for (position, stem) in (0..).zip(stems) {
            terms
                .entry(Term { language, stem })
                .or_default()
                .push(position);
        }
    }
    (length > 0).then_some(IndexedText {
        field,
        length,
        terms,
    })
}

/// The search index worked out from texts: each term's postings in field order.
pub(crate) fn invert(
    texts: impl IntoIterator<Item = IndexedText>,
) -> BTreeMap<Term, Vec<TermPosting>> {
    let mut index: BTreeMap<Term, Vec<TermPosting>> = BTreeMap::new();
    for text in texts {
        for (term, positions) in text.terms {
            index.entry(term).or_default().push(TermPosting {
                field: text.field,
                length: text.length,
                positions,
            });
        }
    }
    for postings in index.values_mut() {
        postings.sort_by_key(|p| p.field);
    }
    index
}
