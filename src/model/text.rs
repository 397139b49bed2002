//! Words of a text as the full-text search sees them: folded as names are, then cut to their
//! stem by the Snowball algorithm of the text's language.
//!
//! Folding comes first, so a word and its spelling without accents always give the same stem
//! (Snowball's French stemmer, given accents, may stem `arrivée` and `arrivee` apart). The
//! price is that the French stemmer works on unaccented words, as a user typing without
//! accents would write them.

use std::fmt;

use rust_stemmers::{Algorithm, Stemmer};

use super::fold_name;

/// A language with a stemmer: the search knows French and English.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Language {
    French,
    English,
}

impl Language {
    /// Both languages, in the order their stems are indexed.
    pub const ALL: [Language; 2] = [Language::French, Language::English];

    /// The language a document's `language` code names (`fr`, `en`, in any case, with or
    /// without a region such as `fr-CA`); `None` for any other code or none, whose words are
    /// stemmed both ways.
    pub fn of_code(code: Option<&str>) -> Option<Language> {
        let code = code?.trim().to_ascii_lowercase();
        let base = code.split(['-', '_']).next().unwrap_or_default();
        match base {
            "fr" | "fra" | "fre" | "french" => Some(Language::French),
            "en" | "eng" | "english" => Some(Language::English),
            _ => None,
        }
    }

    /// The languages a text of language `language` is indexed in: its own, or both when it
    /// is not known.
    pub fn indexed(language: Option<Language>) -> &'static [Language] {
        match language {
            Some(Language::French) => &[Language::French],
            Some(Language::English) => &[Language::English],
            None => &Language::ALL,
        }
    }

    /// The stem of a folded word.
    pub fn stem(self, word: &str) -> String {
        self.stemmer().stem(word).into_owned()
    }

    fn stemmer(self) -> Stemmer {
        Stemmer::create(match self {
            Language::French => Algorithm::French,
            Language::English => Algorithm::English,
        })
    }

    /// The two-letter code, as documents write it and the index keys hold it.
    pub fn code(self) -> &'static str {
        match self {
            Language::French => "fr",
            Language::English => "en",
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The folded words of a text, in order: what positions count.
pub fn words(text: &str) -> Vec<String> {
    fold_name(text)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The stems of a text's words in `language`, in order (the i-th stem is at position i).
pub fn stems(text: &str, language: Language) -> Vec<String> {
    let stemmer = language.stemmer();
    words(text)
        .iter()
        .map(|w| stemmer.stem(w).into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_fold_before_they_stem_so_accents_never_matter() {
        for (accented, plain) in [("Négociations", "negociations"), ("arrivée", "ARRIVEE")] {
            for language in Language::ALL {
                assert_eq!(stems(accented, language), stems(plain, language));
            }
        }
        assert_eq!(
            words("cessez\u{2011}le\u{2011}feu"),
            ["cessez", "le", "feu"]
        );
        assert_eq!(words(" -- "), Vec::<String>::new());
    }

    #[test]
    fn snowball_stems_french_and_english_plurals_alike() {
        // Snowball French cuts both -ateurs and -ations after "negoci".
        assert_eq!(stems("négociateurs", Language::French), ["negoci"]);
        assert_eq!(stems("négociations", Language::French), ["negoci"]);
        assert_eq!(
            stems("talks", Language::English),
            stems("talk", Language::English)
        );
    }

    #[test]
    fn language_codes() {
        assert_eq!(Language::of_code(Some("FR")), Some(Language::French));
        assert_eq!(Language::of_code(Some("en-GB")), Some(Language::English));
        assert_eq!(Language::of_code(Some("uk")), None);
        assert_eq!(Language::of_code(None), None);
        assert_eq!(Language::indexed(None), &Language::ALL);
    }
}
