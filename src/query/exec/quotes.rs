//! `quotes matching`: the texts (quotes, meeting summaries, document titles) holding some of
//! the searched words or phrases, ranked by BM25 over the catalog's search index: each
//! stem's postings and count, and the totals of every text. Only the hits' records are read.

use std::collections::{BTreeMap, HashMap};

use super::Ctx;
use crate::error::{Error, Result};
use crate::model::text::Language;
use crate::model::{DateSpan, Id, RecordKind, Relation, SourceRef};
use crate::query::catalog::Catalog;
use crate::query::plan::{Search, View, QUOTES_COLUMNS};
use crate::query::{Field, Term, OWN_TEXT};
use crate::rows::{Rows, Value};

/// BM25's saturation of a term's frequency.
const K1: f64 = 1.2;
/// BM25's weight of a text's length against the average.
const B: f64 = 0.75;

/// What BM25 weighs every text with: how many there are, and their average length.
struct Collection {
    texts: f64,
    average_length: f64,
}

impl Collection {
    /// The BM25 weight of a clause held `frequency` times in a text of `length` words, by a
    /// clause that `holders` texts hold.
    fn weight(&self, frequency: u32, length: u32, holders: u64) -> f64 {
        let holders = holders as f64;
        let idf = (1.0 + (self.texts - holders + 0.5) / (holders + 0.5)).ln();
        let frequency = f64::from(frequency);
        let norm = K1 * (1.0 - B + B * f64::from(length) / self.average_length);
        idf * frequency * (K1 + 1.0) / (frequency + norm)
    }
}

/// One hit as its row shows it.
struct Hit {
    record: String,
    kind: RecordKind,
    part: &'static str,
    /// The document whose text it is (none for a summary).
    document: Option<u64>,
    text: String,
    /// A summary's meeting's sources: under `as of`, a summary counts once one is out.
    sources: Vec<u64>,
}

impl<C: Catalog> Ctx<'_, C> {
    /// The texts holding some clause of `search`, best score first; ties in field order (by
    /// record kind, id, then part: the summary or title before the quotes, in source order).
    pub(super) fn quotes(&self, search: &Search) -> Result<Rows> {
        let totals = self.catalog.text_totals()?;
        let mut scores: BTreeMap<Field, f64> = BTreeMap::new();
        if totals.texts > 0 && totals.words > 0 {
            let collection = Collection {
                texts: totals.texts as f64,
                average_length: totals.words as f64 / totals.texts as f64,
            };
            for clause in &search.clauses {
                self.go_on()?;
                for (field, score) in self.clause_scores(clause, &collection)? {
                    *scores.entry(field).or_default() += score;
                }
            }
        }
        // Scores are shown in thousandths, and texts that show the same score tie.
        let mut ranked: Vec<(i64, Field)> = scores
            .into_iter()
            .map(|(field, score)| ((score * 1000.0).round() as i64, field))
            .collect();
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut rows = Rows::new(QUOTES_COLUMNS);
        for (score, field) in ranked {
            self.go_on()?;
            let hit = self.hit(field)?;
            if self.kept(&hit, search.view.as_ref())? {
                rows.rows.push(self.row(hit, score)?);
            }
        }
        Ok(rows)
    }

    /// The score of `clause` in each text holding it: the better of its two languages (a
    /// text of a known language holds the stems of that language only).
    fn clause_scores(
        &self,
        clause: &[String],
        collection: &Collection,
    ) -> Result<BTreeMap<Field, f64>> {
        let mut best: BTreeMap<Field, f64> = BTreeMap::new();
        for language in Language::ALL {
            let terms: Vec<Term> = clause
                .iter()
                .map(|word| Term {
                    language,
                    stem: language.stem(word),
                })
                .collect();
            let found = self.occurrences(&terms)?;
            // A word's count is kept in the index; a phrase's is counted from its hits.
            let holders = match terms.as_slice() {
                [term] => self.catalog.term_count(term)?,
                _ => found.len() as u64,
            };
            for (field, length, frequency) in found {
                let weight = collection.weight(frequency, length, holders);
                let held = best.entry(field).or_default();
                *held = held.max(weight);
            }
        }
        Ok(best)
    }

    /// The texts where `terms` stand in a row, each with its length and how many times.
    fn occurrences(&self, terms: &[Term]) -> Result<Vec<(Field, u32, u32)>> {
        let Some((first, rest)) = terms.split_first() else {
            return Ok(Vec::new());
        };
        let mut following: Vec<HashMap<Field, Vec<u32>>> = Vec::new();
        for term in rest {
            let postings = self.catalog.term_postings(term)?;
            following.push(
                postings
                    .into_iter()
                    .map(|p| (p.field, p.positions))
                    .collect(),
            );
        }
        let mut found = Vec::new();
        for posting in self.catalog.term_postings(first)? {
            let in_a_row = |start: &&u32| {
                following.iter().zip(1u32..).all(|(list, offset)| {
                    list.get(&posting.field)
                        .is_some_and(|at| at.binary_search(&(**start + offset)).is_ok())
                })
            };
            let frequency = posting.positions.iter().filter(in_a_row).count();
            if frequency > 0 {
                let frequency = u32::try_from(frequency).unwrap_or(u32::MAX);
                found.push((posting.field, posting.length, frequency));
            }
        }
        Ok(found)
    }

    /// The record, document and text of a hit.
    fn hit(&self, field: Field) -> Result<Hit> {
        let quote = |record: String, kind, sources: &[SourceRef]| {
            let source = usize::try_from(field.part - 1)
                .ok()
                .and_then(|n| sources.get(n))
                .ok_or_else(|| stale(field))?;
            Ok(Hit {
                record,
                kind,
                part: "quote",
                document: Some(source.document.get()),
                text: source.quote.clone(),
                sources: Vec::new(),
            })
        };
        match (field.kind, field.part) {
            (RecordKind::Document, OWN_TEXT) => {
                let document = self.document(field.id)?;
                Ok(Hit {
                    record: document.handle.clone(),
                    kind: RecordKind::Document,
                    part: "title",
                    document: Some(field.id),
                    text: document.title.clone(),
                    sources: Vec::new(),
                })
            }
            (RecordKind::Meeting, OWN_TEXT) => {
                let meeting = self.meeting(field.id)?;
                Ok(Hit {
                    record: meeting.handle.clone(),
                    kind: RecordKind::Meeting,
                    part: "summary",
                    document: None,
                    text: meeting.summary.clone().ok_or_else(|| stale(field))?,
                    sources: meeting.sources.iter().map(|s| s.document.get()).collect(),
                })
            }
            (RecordKind::Meeting, _) => {
                let meeting = self.meeting(field.id)?;
                quote(
                    meeting.handle.clone(),
                    RecordKind::Meeting,
                    &meeting.sources,
                )
            }
            (RecordKind::Relation, part) if part != OWN_TEXT => {
                let relation = self.catalog.record::<Relation>(Id::new(field.id))?;
                let relation = relation.ok_or_else(|| stale(field))?;
                quote(relation.handle, RecordKind::Relation, &relation.sources)
            }
            _ => Err(stale(field)),
        }
    }

    /// Whether the view counts the hit's text: under `according to`, the document's own
    /// words (its quotes and title; a summary is no document's); under `as of`, a text of a
    /// document published by then, or the summary of a meeting some such document reports.
    fn kept(&self, hit: &Hit, view: Option<&View>) -> Result<bool> {
        match view {
            None => Ok(true),
            Some(View::According(only)) => Ok(hit.document == Some(only.id.get())),
            Some(View::AsOf(date)) => match hit.document {
                Some(document) => self.out_by(document, date),
                None => {
                    for &document in &hit.sources {
                        if self.out_by(document, date)? {
                            return Ok(true);
                        }
                    }
                    Ok(false)
                }
            },
        }
    }

    /// Whether a document was out by the last day of `date` (its whole publication date on
    /// or before it, as views count documents).
    fn out_by(&self, document: u64, date: &DateSpan) -> Result<bool> {
        let published = self.document(document)?.published;
        Ok(published.is_some_and(|p| p.last_day() <= date.last_day()))
    }

    fn row(&self, hit: Hit, score: i64) -> Result<Vec<Value>> {
        let document = hit.document.map(|d| self.document(d)).transpose()?;
        Ok(vec![
            Value::Text(hit.record),
            Value::Text(hit.kind.to_string()),
            Value::Text(hit.part.to_string()),
            document
                .as_ref()
                .map_or(Value::Null, |d| Value::Text(d.handle.clone())),
            document
                .and_then(|d| d.published)
                .map_or(Value::Null, Value::Date),
            Value::Text(hit.text),
            Value::Decimal(score),
        ])
    }
}

/// The search index names a text its record does not have.
fn stale(field: Field) -> Error {
    Error::Corrupt(format!(
        "the search index refers to part {} of {} #{}, which it does not have",
        field.part, field.kind, field.id
    ))
}
