//! The words each language reports meetings with, read from `rules/<language>.rules`.
//!
//! The rules are data, not code, so that a language is added or corrected by editing a file:
//! one rule a line, `key: item | item`, `#` starting a comment. Every item is folded as names
//! are ([`fold_name`]), so the rules and the text compare without accents or case; an item of
//! several words matches them in a row, and a word ending in `*` matches any ending.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::model::{fold_name, Status};

const FRENCH: &str = include_str!("../../rules/fr.rules");
const ENGLISH: &str = include_str!("../../rules/en.rules");

/// The languages there are rules for, with their text.
pub(crate) const LANGUAGES: [(&str, &str); 2] = [("fr", FRENCH), ("en", ENGLISH)];

/// One item of a rule: its folded words, each possibly a prefix.
#[derive(Clone, Debug)]
pub(crate) struct Pattern {
    /// The item as written in the rules, to show as the cue a proposal rests on.
    pub shown: String,
    words: Vec<(String, bool)>,
}

impl Pattern {
    fn new(item: &str) -> Pattern {
        let words = item
            .split_whitespace()
            .flat_map(|word| {
                let prefix = word.ends_with('*');
                let folded = fold_name(word.trim_end_matches('*'));
                let parts: Vec<String> = folded.split(' ').map(str::to_string).collect();
                let last = parts.len().saturating_sub(1);
                parts
                    .into_iter()
                    .enumerate()
                    .map(move |(i, w)| (w, prefix && i == last))
                    .collect::<Vec<_>>()
            })
            .filter(|(w, _)| !w.is_empty())
            .collect();
        Pattern {
            shown: item.trim().to_string(),
            words,
        }
    }

    /// How many words the pattern takes when it matches `words` from `at`.
    pub(crate) fn match_at(&self, words: &[String], at: usize) -> Option<usize> {
        if self.words.is_empty() || at + self.words.len() > words.len() {
            return None;
        }
        let all = self.words.iter().zip(&words[at..]).all(|((w, prefix), t)| {
            if *prefix {
                t.starts_with(w.as_str())
            } else {
                t == w
            }
        });
        all.then_some(self.words.len())
    }
}

/// The rules of one language.
#[derive(Debug)]
pub(crate) struct Rules {
    lists: HashMap<String, Vec<Pattern>>,
    /// Meeting cues and the kind each names.
    pub kinds: Vec<(String, Vec<Pattern>)>,
    /// Adjectives of nationality and the name of the party they stand for.
    pub demonyms: Vec<(Pattern, String)>,
}

impl Rules {
    /// The rules of `language`, read from the file compiled in.
    pub(crate) fn of(language: &str) -> Result<Rules> {
        let (code, text) = LANGUAGES
            .iter()
            .find(|(code, _)| *code == language)
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "there are no extraction rules for the language '{language}'; expected fr or en"
                ))
            })?;
        Rules::parse(code, text)
    }

    fn parse(language: &'static str, text: &str) -> Result<Rules> {
        let mut rules = Rules {
            lists: HashMap::new(),
            kinds: Vec::new(),
            demonyms: Vec::new(),
        };
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (key, items) = line.split_once(':').ok_or_else(|| {
                Error::Internal(format!(
                    "rules/{language}.rules:{}: expected `key: item | item`",
                    n + 1
                ))
            })?;
            let items = items.split('|').map(str::trim).filter(|i| !i.is_empty());
            if let Some(kind) = key.strip_prefix("kind ") {
                rules
                    .kinds
                    .push((kind.trim().to_string(), items.map(Pattern::new).collect()));
            } else if key == "demonyms" {
                for item in items {
                    if let Some((adjective, party)) = item.split_once('=') {
                        rules
                            .demonyms
                            .push((Pattern::new(adjective), party.trim().to_string()));
                    }
                }
            } else {
                rules
                    .lists
                    .insert(key.trim().to_string(), items.map(Pattern::new).collect());
            }
        }
        Ok(rules)
    }

    /// The patterns of rule `key` (none when the file has no such rule).
    pub(crate) fn list(&self, key: &str) -> &[Pattern] {
        self.lists.get(key).map_or(&[], Vec::as_slice)
    }

    /// The first pattern of rule `key` matching `words` at `at`, and how many words it takes
    /// (the longest when several match).
    pub(crate) fn match_at(&self, key: &str, words: &[String], at: usize) -> Option<usize> {
        self.list(key)
            .iter()
            .filter_map(|p| p.match_at(words, at))
            .max()
    }

    /// The position (0-based) of the single word `word` in rule `key` (a weekday, a month).
    pub(crate) fn position(&self, key: &str, word: &str) -> Option<usize> {
        let words = [word.to_string()];
        self.list(key)
            .iter()
            .position(|p| p.match_at(&words, 0).is_some())
    }

    /// Every pattern of rule `key` found in `words`, with where it starts.
    pub(crate) fn find_all<'r>(&'r self, key: &str, words: &[String]) -> Vec<(usize, &'r Pattern)> {
        let mut found = Vec::new();
        for at in 0..words.len() {
            for p in self.list(key) {
                if p.match_at(words, at).is_some() {
                    found.push((at, p));
                }
            }
        }
        found
    }

    /// The status cue words of each status (ruled out first: a denial outweighs the rest).
    pub(crate) fn status_keys() -> [(Status, &'static str); 4] {
        [
            (Status::RuledOut, "ruled_out"),
            (Status::Possible, "possible"),
            (Status::Planned, "planned"),
            (Status::Occurred, "occurred"),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_file_reads() {
        for (code, _) in LANGUAGES {
            let rules = Rules::of(code).map_err(|e| e.to_string());
            assert!(rules.is_ok(), "{rules:?}");
            if let Ok(rules) = rules {
                assert_eq!(rules.list("weekdays").len(), 7, "{code}");
                assert_eq!(rules.list("months").len(), 12, "{code}");
            }
        }
    }

    #[test]
    fn prefixes_and_phrases_match() {
        let p = Pattern::new("se sont réuni*");
        let words: Vec<String> = ["ils", "se", "sont", "reunis"].map(String::from).into();
        assert_eq!(p.match_at(&words, 1), Some(3));
        assert_eq!(p.match_at(&words, 0), None);
    }
}
