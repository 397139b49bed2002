//! An article's text cut into sentences and words, and the language it is written in.
//!
//! A sentence is a byte range of the input, so that its quote is a verbatim substring: nothing
//! is normalised in what is quoted, only in the folded words that rules compare with.

use crate::error::{Error, Result};
use crate::model::fold_name;

use super::rules::{Rules, LANGUAGES};

/// One word of a sentence: as written, and folded.
#[derive(Clone, Debug)]
pub(crate) struct Word<'t> {
    pub text: &'t str,
    pub folded: String,
}

impl Word<'_> {
    /// Whether the word starts with a capital letter and has a lower-case one: a name's shape.
    pub(crate) fn is_capitalised(&self) -> bool {
        let mut chars = self.text.chars();
        chars.next().is_some_and(char::is_uppercase) && chars.any(char::is_lowercase)
    }
}

/// A sentence: where it lies in the text, its text, and its words.
#[derive(Clone, Debug)]
pub(crate) struct Sentence<'t> {
    pub text: &'t str,
    pub words: Vec<Word<'t>>,
    /// The folded words alone, which the rules match against.
    pub folded: Vec<String>,
}

/// The words of `text`: runs of letters and digits, every other character a separator (so
/// `s’est` is two words, as the rules' folded items are).
pub(crate) fn words(text: &str) -> Vec<Word<'_>> {
    let mut out = Vec::new();
    let mut start = None;
    for (at, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(at),
            (false, Some(from)) => {
                let word = &text[from..at];
                let folded = fold_name(word);
                // A letter deunicode cannot spell out folds to nothing: it is no word of ours.
                if !folded.is_empty() {
                    out.push(Word { text: word, folded });
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Whether the period at `at` ends a sentence: not after an initial or a short abbreviation
/// (`M.`, `c. à g.`, `U.S.`), and followed by a space and a capital, a quote or a digit.
fn ends_sentence(text: &str, at: usize) -> bool {
    let before: String = text[..at]
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric())
        .collect();
    if before.chars().count() == 1 {
        return false;
    }
    let mut rest = text[at + 1..].chars();
    match rest.next() {
        None => true,
        Some(c) if c.is_whitespace() => {
            let next = rest.find(|c| !c.is_whitespace());
            next.is_none_or(|c| c.is_uppercase() || c.is_numeric() || "«\"“‘'(".contains(c))
        }
        _ => false,
    }
}

/// The sentences of `text`, in order: cut at the end of each line and after `.`, `!` or `?`
/// where a sentence ends; each trimmed of white space.
pub(crate) fn sentences(text: &str) -> Vec<Sentence<'_>> {
    let mut out = Vec::new();
    let mut push = |from: usize, to: usize| {
        let piece = &text[from..to];
        let trimmed = piece.trim();
        if !trimmed.is_empty() {
            let words = words(trimmed);
            let folded = words.iter().map(|w| w.folded.clone()).collect();
            out.push(Sentence {
                text: trimmed,
                words,
                folded,
            });
        }
    };
    let mut from = 0;
    for (at, c) in text.char_indices() {
        let end = match c {
            '\n' => Some(at),
            '.' | '!' | '?' if ends_sentence(text, at) => Some(at + 1),
            _ => None,
        };
        if let Some(to) = end {
            push(from, to);
            from = to;
        }
    }
    push(from, text.len());
    out
}

/// How many function words of each language `text` has, and how many words.
fn counts(text: &str) -> Result<(Vec<(&'static str, usize)>, usize)> {
    let folded: Vec<String> = words(text).into_iter().map(|w| w.folded).collect();
    let mut out = Vec::new();
    for (code, _) in LANGUAGES {
        let rules = Rules::of(code)?;
        let count = (0..folded.len())
            .filter(|&at| rules.match_at("stopwords", &folded, at).is_some())
            .count();
        out.push((code, count));
    }
    Ok((out, folded.len()))
}

/// Running text in either language has a function word in every three or four words; names
/// and another language share a few of them ("in", "de"), far fewer.
fn is_running_text(count: usize, words: usize) -> bool {
    count * 8 >= words && count > 0
}

/// The language of `text` among those with rules, by the share of each one's function words;
/// `asked`, when given, is taken if the text reads as running text in it. `source` names the
/// text in errors.
pub(crate) fn language(text: &str, asked: Option<&str>, source: &str) -> Result<&'static str> {
    let (counts, total) = counts(text)?;
    let best = counts.iter().copied().max_by_key(|(_, n)| *n);
    let Some((found, n)) = best.filter(|(_, n)| is_running_text(*n, total)) else {
        return Err(Error::Invalid(format!(
            "{source}: the text is in neither French nor English (too few of their common \
             words); extract reads articles in French or English"
        )));
    };
    let Some(asked) = asked else {
        return Ok(found);
    };
    match counts.iter().find(|(code, _)| *code == asked) {
        Some((code, m)) if is_running_text(*m, total) || *m >= n => Ok(code),
        Some(_) => Err(Error::Invalid(format!(
            "{source} reads as '{found}', not '{asked}' as --language says; give the language \
             it is written in, or leave --language out"
        ))),
        None => Err(Error::Invalid(format!(
            "there are no extraction rules for the language '{asked}'; expected fr or en"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations_do_not_end_sentences() {
        let text = "M. Witkoff a vu M. Oumerov. Ils ont parlé.\nPhoto: AFP";
        let cut: Vec<&str> = sentences(text).iter().map(|s| s.text).collect();
        assert_eq!(
            cut,
            [
                "M. Witkoff a vu M. Oumerov.",
                "Ils ont parlé.",
                "Photo: AFP"
            ]
        );
    }

    #[test]
    fn languages_are_told_apart() {
        let fr = "Les envoyés se sont réunis samedi à Miami pour discuter de la paix avec les Ukrainiens.";
        let en =
            "The envoys met on Saturday in Miami to discuss the peace plan with the Ukrainians.";
        assert_eq!(language(fr, None, "a").ok(), Some("fr"));
        assert_eq!(language(en, None, "b").ok(), Some("en"));
        let de = "Die Gesandten der Vereinigten Staaten und Russlands trafen sich am Samstag in Miami, um über den Frieden in der Ukraine zu sprechen.";
        assert!(language(de, None, "c").is_err());
    }
}
