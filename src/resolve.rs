//! Name resolution: from what a person types to exactly one actor or place.
//!
//! A name matches every record with a name or alias that folds the same (case, diacritics and
//! punctuation ignored); failing that, a handle matches. No match is an error with up to three
//! close spellings by edit distance; several matches are an error listing each candidate.

use crate::error::{Error, Result};
use crate::model::{fold_name, Actor, Id, Place, Record};
use crate::storage::Reader;

/// How many spellings a "did you mean" offers at most.
const MAX_SUGGESTIONS: usize = 3;
/// How alike (0 to 1, normalised Damerau-Levenshtein) a spelling must be to be suggested.
const MIN_SIMILARITY: f64 = 0.6;

/// The one record of kind `R` (an actor or a place) that `name` designates.
pub(crate) fn resolve<R: Named>(reader: &Reader<'_>, name: &str) -> Result<Id<R>> {
    let ids = reader.named(R::KIND, name)?;
    match ids.as_slice() {
        [id] => Ok(Id::new(*id)),
        [] => match reader.by_handle::<R>(name.trim_start_matches('#'))? {
            Some(id) => Ok(id),
            None => Err(Error::NotFound {
                kind: R::KIND.word(),
                name: name.to_string(),
                suggestions: suggestions::<R>(reader, name)?,
            }),
        },
        many => Err(Error::Ambiguous {
            kind: R::KIND.word(),
            name: name.to_string(),
            candidates: many
                .iter()
                .map(|&id| describe::<R>(reader, Id::new(id)))
                .collect::<Result<_>>()?,
        }),
    }
}

/// Records that have names: actors and places.
pub(crate) trait Named: Record {
    /// "Steve Witkoff (person, United States, #witkoff)".
    fn describe(&self, reader: &Reader<'_>) -> Result<String>;
    /// The canonical name.
    fn name(&self) -> &str;
}

impl Named for Actor {
    fn describe(&self, reader: &Reader<'_>) -> Result<String> {
        let affiliation = match self.affiliation {
            Some(id) => reader
                .get(id)?
                .map(|a| format!(", {}", a.name))
                .unwrap_or_default(),
            None => String::new(),
        };
        Ok(format!(
            "{} ({}{affiliation}, #{})",
            self.name, self.kind, self.handle
        ))
    }
    fn name(&self) -> &str {
        &self.name
    }
}

impl Named for Place {
    fn describe(&self, reader: &Reader<'_>) -> Result<String> {
        let parent = match self.parent {
            Some(id) => reader
                .get(id)?
                .map(|p| format!(", in {}", p.name))
                .unwrap_or_default(),
            None => String::new(),
        };
        Ok(format!(
            "{} ({}{parent}, #{})",
            self.name, self.kind, self.handle
        ))
    }
    fn name(&self) -> &str {
        &self.name
    }
}

fn describe<R: Named>(reader: &Reader<'_>, id: Id<R>) -> Result<String> {
    match reader.get(id)? {
        Some(record) => record.describe(reader),
        None => Err(Error::Corrupt(format!(
            "the name index points at missing {} #{}",
            R::KIND,
            id.get()
        ))),
    }
}

/// Up to three existing spellings closest to `name`, one per record, best first, each with the
/// record's canonical name when that differs: "Witkoff (Steve Witkoff)".
fn suggestions<R: Named>(reader: &Reader<'_>, name: &str) -> Result<Vec<String>> {
    let wanted = fold_name(name);
    let mut best: std::collections::BTreeMap<u64, (f64, String)> = Default::default();
    for entry in reader.names(R::KIND) {
        let entry = entry?;
        // A name typed as one word of a longer one ("Ann" for "Ann Archer") is a good guess too.
        let whole_word = !wanted.is_empty() && entry.folded.split(' ').any(|w| w == wanted);
        let score = strsim::normalized_damerau_levenshtein(&wanted, &entry.folded)
            .max(if whole_word { 0.9 } else { 0.0 });
        if score >= MIN_SIMILARITY && best.get(&entry.id).is_none_or(|(s, _)| score > *s) {
            best.insert(entry.id, (score, entry.spelling));
        }
    }
    let mut ranked: Vec<(u64, f64, String)> =
        best.into_iter().map(|(id, (s, sp))| (id, s, sp)).collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.2.cmp(&b.2)));
    ranked
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(id, _, spelling)| {
            let canonical = reader
                .get::<R>(Id::new(id))?
                .map(|r| r.name().to_string())
                .unwrap_or_default();
            Ok(if canonical.is_empty() || canonical == spelling {
                spelling
            } else {
                format!("{spelling} ({canonical})")
            })
        })
        .collect()
}
