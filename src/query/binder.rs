//! Binding: from the names a statement gives to the records they stand for. Questions and
//! writes both bind through here, so a name means the same in `who met X` and in `add meeting
//! … with X`, and fails with the same message.
//!
//! Actors and places go by name: a name matches every record with a name or alias that folds
//! the same (case, diacritics and punctuation ignored); failing that, a handle matches. No
//! match is an error with up to three close spellings; several are an error listing each
//! candidate. Documents, meetings and relations go by handle only; `#x` is always a handle.

use std::collections::BTreeMap;
use std::fmt;

use super::catalog::{Catalog, NameEntry};
use crate::error::{Error, Result};
use crate::model::{fold_name, Id, Record, RecordKind, RecordRef};
use crate::syntax::{NameRef, Source};

/// How many spellings a "did you mean" offers at most.
const MAX_SUGGESTIONS: usize = 3;
/// How alike (0 to 1, normalised Damerau-Levenshtein) a spelling must be to be suggested.
const MIN_SIMILARITY: f64 = 0.6;
/// The longest name (folded, in bytes) for which spellings are suggested. The edit distance
/// costs the product of the two lengths, and nobody mistypes a 200-character name.
const MAX_SUGGESTED_LEN: usize = 200;

/// A bound record with the name `explain` shows for it.
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

/// Binds names against a catalog, locating every failure in the statement's text.
pub(crate) struct Binder<'a, C> {
    catalog: &'a C,
    source: Source<'a>,
}

/// Whether records of this kind go by name as well as by handle.
fn has_names(kind: RecordKind) -> bool {
    matches!(kind, RecordKind::Actor | RecordKind::Place)
}

impl<'a, C: Catalog> Binder<'a, C> {
    pub(crate) fn new(catalog: &'a C, source: Source<'a>) -> Self {
        Binder { catalog, source }
    }

    /// Where statements come from, to locate errors found after binding.
    pub(crate) fn source(&self) -> Source<'a> {
        self.source
    }

    /// The record of kind `R` that `name` stands for.
    pub(crate) fn bind<R: Record>(&self, name: &NameRef) -> Result<Id<R>> {
        Ok(self.find::<R>(name)?.0)
    }

    /// The record `name` stands for, labelled as `explain` shows it: an actor or a place by
    /// its canonical name, anything else by its `#handle`.
    pub(crate) fn labelled<R: Record>(&self, name: &NameRef) -> Result<Named<Id<R>>> {
        let (id, record) = self.find::<R>(name)?;
        if !has_names(R::KIND) {
            let handle = name.text.trim_start_matches('#');
            return Ok(Named {
                id,
                label: format!("#{handle}"),
            });
        }
        let record = match record {
            Some(record) => Some(record),
            None => self.catalog.record(id)?,
        };
        let label = record.map_or_else(
            || name.text.clone(),
            |r| canonical_name(r.as_record_ref()).to_string(),
        );
        Ok(Named { id, label })
    }

    /// The id `name` stands for, with the record when finding it meant reading it.
    fn find<R: Record>(&self, name: &NameRef) -> Result<(Id<R>, Option<R>)> {
        let found = if !has_names(R::KIND) {
            // Documents, meetings and relations: a handle, with or without its `#`.
            let handle = name.text.trim_start_matches('#');
            self.catalog
                .by_handle::<R>(handle)?
                .ok_or_else(|| not_found(R::KIND, name.text.clone()))
        } else if name.is_handle {
            self.catalog
                .by_handle::<R>(&name.text)?
                .ok_or_else(|| not_found(R::KIND, format!("#{}", name.text)))
        } else {
            resolve::<R, C>(self.catalog, &name.text).map(|id| (id, None))
        };
        found.map_err(|e| self.source.at(name.span, e))
    }
}

fn not_found(kind: RecordKind, name: String) -> Error {
    Error::NotFound {
        kind: kind.word(),
        name,
        suggestions: Vec::new(),
    }
}

/// The one record of kind `R` (an actor or a place) that `name` designates: by name or alias
/// first, then by handle.
pub(crate) fn resolve<R: Record, C: Catalog>(catalog: &C, name: &str) -> Result<Id<R>> {
    let ids = catalog.named(R::KIND, name)?;
    match ids.as_slice() {
        [id] => Ok(Id::new(*id)),
        [] => match catalog.by_handle::<R>(name.trim_start_matches('#'))? {
            Some((id, _)) => Ok(id),
            None => Err(Error::NotFound {
                kind: R::KIND.word(),
                name: name.to_string(),
                suggestions: suggestions::<R, C>(catalog, name)?,
            }),
        },
        many => Err(Error::Ambiguous {
            kind: R::KIND.word(),
            name: name.to_string(),
            candidates: many
                .iter()
                .map(|&id| describe::<R, C>(catalog, Id::new(id)))
                .collect::<Result<_>>()?,
        }),
    }
}

/// The name a record goes by: an actor's or a place's canonical name, else its handle.
fn canonical_name(record: RecordRef<'_>) -> &str {
    match record {
        RecordRef::Actor(a) => &a.name,
        RecordRef::Place(p) => &p.name,
        other => other.handle(),
    }
}

/// "Steve Witkoff (person, United States, #witkoff)", "Miami (city, in Florida, #miami)".
fn describe<R: Record, C: Catalog>(catalog: &C, id: Id<R>) -> Result<String> {
    let Some(record) = catalog.record(id)? else {
        return Err(Error::Corrupt(format!(
            "the name index points at missing {} #{}",
            R::KIND,
            id.get()
        )));
    };
    let (name, kind, context, handle) = match record.as_record_ref() {
        RecordRef::Actor(a) => {
            let affiliation = match a.affiliation {
                Some(id) => catalog
                    .record(id)?
                    .map(|a| format!(", {}", a.name))
                    .unwrap_or_default(),
                None => String::new(),
            };
            (&a.name, a.kind.to_string(), affiliation, &a.handle)
        }
        RecordRef::Place(p) => {
            let parent = match p.parent {
                Some(id) => catalog
                    .record(id)?
                    .map(|p| format!(", in {}", p.name))
                    .unwrap_or_default(),
                None => String::new(),
            };
            (&p.name, p.kind.to_string(), parent, &p.handle)
        }
        other => return Ok(format!("#{}", other.handle())),
    };
    Ok(format!("{name} ({kind}{context}, #{handle})"))
}

/// Whether two folded names are close enough in length to be [`MIN_SIMILARITY`] alike: the
/// edit distance is at least the difference of the lengths, so the normalised similarity is at
/// most the shorter length over the longer. Folded names are ASCII: bytes are characters.
fn similar_lengths(a: &str, b: &str) -> bool {
    let (short, long) = (a.len().min(b.len()), a.len().max(b.len()));
    long == 0 || short as f64 >= MIN_SIMILARITY * long as f64
}

/// How alike a typed name (folded) is to a stored one (folded): normalised
/// Damerau-Levenshtein, or 0.9 for one word of a longer name ("Ann" for "Ann Archer").
fn similarity(wanted: &str, stored: &str) -> f64 {
    let whole_word = !wanted.is_empty() && stored.split(' ').any(|w| w == wanted);
    let alike = if similar_lengths(wanted, stored) {
        strsim::normalized_damerau_levenshtein(wanted, stored)
    } else {
        0.0
    };
    alike.max(if whole_word { 0.9 } else { 0.0 })
}

/// Hands each name of some set to its visitor: all names of a kind, or those of a prefix.
type EachName<'a> = &'a mut dyn FnMut(&mut dyn FnMut(NameEntry) -> Result<()>) -> Result<()>;

/// The records with a spelling at least `least` alike to `name` among those
/// `names` visits, each with its best score and that spelling.
fn scored(names: EachName<'_>, name: &str, least: f64) -> Result<BTreeMap<u64, (f64, String)>> {
    let wanted = fold_name(name);
    let mut best: BTreeMap<u64, (f64, String)> = BTreeMap::new();
    if wanted.len() > MAX_SUGGESTED_LEN {
        return Ok(best);
    }
    names(&mut |entry| {
        let score = similarity(&wanted, &entry.folded);
        if score >= least && best.get(&entry.id).is_none_or(|(s, _)| score > *s) {
            best.insert(entry.id, (score, entry.spelling));
        }
        Ok(())
    })?;
    Ok(best)
}

/// For each of `names`, the one record of `kind` whose spelling is closest, when one is at
/// least `least` alike and no other is as close: the spelling a name was most likely meant
/// as. Only the names starting with the same letter are compared (a prefix scan of the name
/// index, about a twentieth of it), so a misspelt first letter is not recognised.
pub(crate) fn closest<C: Catalog>(
    catalog: &C,
    kind: RecordKind,
    names: &[&str],
    least: f64,
) -> Result<Vec<Option<(u64, f64)>>> {
    let mut out = Vec::new();
    for name in names {
        let folded = fold_name(name);
        let first: String = folded.chars().take(1).collect();
        let found = scored(
            &mut |visit| catalog.names_with_prefix(kind, &first, visit),
            name,
            least,
        )?;
        let mut ranked: Vec<(u64, f64)> = found.into_iter().map(|(id, (s, _))| (id, s)).collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
        out.push(match ranked[..] {
            [one] => Some(one),
            [first, second, ..] if first.1 > second.1 => Some(first),
            _ => None,
        });
    }
    Ok(out)
}

/// Up to three existing spellings closest to `name`, one per record, best first, each with the
/// record's canonical name when that differs: "Witkoff (Steve Witkoff)".
fn suggestions<R: Record, C: Catalog>(catalog: &C, name: &str) -> Result<Vec<String>> {
    let best = scored(
        &mut |visit| catalog.each_name(R::KIND, visit),
        name,
        MIN_SIMILARITY,
    )?;
    let mut ranked: Vec<(u64, f64, String)> =
        best.into_iter().map(|(id, (s, sp))| (id, s, sp)).collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.2.cmp(&b.2)));
    ranked
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(id, _, spelling)| {
            let canonical = catalog
                .record::<R>(Id::new(id))?
                .map(|r| canonical_name(r.as_record_ref()).to_string())
                .unwrap_or_default();
            Ok(if canonical.is_empty() || canonical == spelling {
                spelling
            } else {
                format!("{spelling} ({canonical})")
            })
        })
        .collect()
}
