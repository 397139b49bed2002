//! Names: what a valid name is, and the search key under which every name and alias is indexed.
//!
//! [`check_name`] is the one rule for names, applied to every write (the language's, the
//! library's and imports alike), so that whatever is stored also dumps and reads back. It
//! normalises a name and refuses one that could show as something it is not:
//!
//! - Letters and digits written in a compatibility form — fullwidth `Ｗ`, mathematical `𝐖`,
//!   the ligature `ﬁ`, a superscript `²` — become the plain characters they stand for (their
//!   NFKC form), and the whole name is put in Unicode NFC, so one spelling is stored one way.
//!   Spaces and punctuation are kept as written: the no-break space of `M. Oumerov` is the
//!   typography of the sources.
//! - Characters that do not show, or that change how the text around them shows, are refused:
//!   control characters (`Cc`: NUL, tab, line breaks), format characters (`Cf`: the bidi
//!   embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069, the marks U+200E and
//!   U+200F, zero-width spaces and joiners U+200B–U+200D, U+2060, U+FEFF, the soft hyphen),
//!   every other default-ignorable character (variation selectors, fillers), line and
//!   paragraph separators, and private-use or unassigned code points. An invisible character
//!   could otherwise make two names that look the same differ, or one name look like another.
//! - A word that mixes Latin, Greek and Cyrillic letters (`Wіtkoff` with a Cyrillic `і`) is
//!   refused: those scripts share look-alike letters, and a journalist who writes one script
//!   inside a word of another has almost always pasted a look-alike by mistake. Words of
//!   different scripts may stand side by side, and a name in one script may be an alias of a
//!   name in another (`Дмитриев` and `Dmitriev` fold together).
//! - A name must have a letter or a digit.
//!
//! Folding ([`fold_name`]) transliterates any script to ASCII (deunicode: "Łukasz" → "lukasz",
//! "Зеленский" → "zelenskii"), lower-cases, and turns every run of punctuation or white space
//! into one space. So `Zelenski`, `ZELENSKI` and `Zelenskí` fold to the same key, and
//! `M. Oumerov` to `m oumerov`. The original spelling is kept beside the key for display.

use std::fmt::Write as _;

use unicode_normalization::char::{decompose_compatible, is_combining_mark, is_public_assigned};
use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result};

/// Folds a name to its search key; see the module documentation.
///
/// ```
/// use entrevue::fold_name;
/// assert_eq!(fold_name("Volodímir  Zelenski"), "volodimir zelenski");
/// assert_eq!(fold_name("M. Oumerov"), "m oumerov");
/// assert_eq!(fold_name("Łukasz"), "lukasz");
/// ```
pub fn fold_name(name: &str) -> String {
    let ascii = deunicode::deunicode(name);
    let mut folded = String::with_capacity(ascii.len());
    let mut pending_space = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_space && !folded.is_empty() {
                folded.push(' ');
            }
            pending_space = false;
            folded.push(c.to_ascii_lowercase());
        } else {
            pending_space = true;
        }
    }
    folded
}

/// The name as it is stored, or why it cannot be one; see the module documentation for the
/// rule. The stored form is a fixed point: checking it again gives it back unchanged.
///
/// ```
/// use entrevue::check_name;
/// assert_eq!(check_name("Ｗｉｔｋｏｆｆ").unwrap(), "Witkoff");
/// assert_eq!(check_name("Дмитриев").unwrap(), "Дмитриев");
/// let err = check_name("Wit\u{200b}koff").unwrap_err().to_string();
/// assert!(err.contains("U+200B ZERO WIDTH SPACE at character 4"), "{err}");
/// assert!(check_name("W\u{456}tkoff").is_err()); // a Cyrillic і inside a Latin word
/// assert!(check_name("!!!").is_err());
/// ```
pub fn check_name(name: &str) -> Result<String> {
    let invalid = |why: String| Err(Error::Invalid(format!("name {} {why}", shown(name))));
    for (n, c) in name.chars().enumerate() {
        if let Some(what) = hidden(c) {
            return invalid(format!(
                "has {} at character {}: names may not hold invisible, control or \
                 formatting characters",
                describe(c, what),
                n + 1
            ));
        }
    }
    let normal = normalise(name);
    if let Some(problem) = mixed_script(&normal) {
        return invalid(problem);
    }
    if fold_name(&normal).is_empty() {
        return invalid("has no letter or digit".into());
    }
    Ok(normal)
}

/// Compatibility letters and digits replaced by their plain forms, then NFC.
fn normalise(name: &str) -> String {
    let mut plain = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_alphanumeric() {
            decompose_compatible(c, |d| plain.push(d));
        } else {
            plain.push(c);
        }
    }
    plain.nfc().collect()
}

/// What kind of invisible or misleading character `c` is, if it is one.
fn hidden(c: char) -> Option<&'static str> {
    let u = c as u32;
    if c.is_control() {
        return Some("a control character");
    }
    let format = matches!(u,
        0x00AD | 0x0600..=0x0605 | 0x061C | 0x06DD | 0x070F | 0x0890..=0x0891 | 0x08E2
        | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F
        | 0xFEFF | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F | 0x1BCA0..=0x1BCA3
        | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F);
    if format {
        return Some("a formatting character");
    }
    // The rest of Unicode's default-ignorable code points: shown as nothing.
    let ignorable = matches!(u,
        0x034F | 0x115F..=0x1160 | 0x17B4..=0x17B5 | 0x180B..=0x180F | 0x2065 | 0x3164
        | 0xFE00..=0xFE0F | 0xFFA0 | 0xFFF0..=0xFFF8 | 0xE0000..=0xE0FFF);
    if ignorable {
        return Some("an invisible character");
    }
    if matches!(u, 0x2028 | 0x2029) {
        return Some("a line break");
    }
    if !is_public_assigned(c) {
        return Some("a private-use or unassigned code point");
    }
    None
}

/// `U+200B ZERO WIDTH SPACE`, or the code point and what kind of character it is.
fn describe(c: char, what: &str) -> String {
    let name = match c as u32 {
        0x00 => "NULL",
        0x09 => "CHARACTER TABULATION",
        0x0A => "LINE FEED",
        0x0D => "CARRIAGE RETURN",
        0xAD => "SOFT HYPHEN",
        0x061C => "ARABIC LETTER MARK",
        0x200B => "ZERO WIDTH SPACE",
        0x200C => "ZERO WIDTH NON-JOINER",
        0x200D => "ZERO WIDTH JOINER",
        0x200E => "LEFT-TO-RIGHT MARK",
        0x200F => "RIGHT-TO-LEFT MARK",
        0x202A => "LEFT-TO-RIGHT EMBEDDING",
        0x202B => "RIGHT-TO-LEFT EMBEDDING",
        0x202C => "POP DIRECTIONAL FORMATTING",
        0x202D => "LEFT-TO-RIGHT OVERRIDE",
        0x202E => "RIGHT-TO-LEFT OVERRIDE",
        0x2028 => "LINE SEPARATOR",
        0x2029 => "PARAGRAPH SEPARATOR",
        0x2060 => "WORD JOINER",
        0x2066 => "LEFT-TO-RIGHT ISOLATE",
        0x2067 => "RIGHT-TO-LEFT ISOLATE",
        0x2068 => "FIRST STRONG ISOLATE",
        0x2069 => "POP DIRECTIONAL ISOLATE",
        0xFEFF => "ZERO WIDTH NO-BREAK SPACE",
        _ => return format!("U+{:04X} ({what})", c as u32),
    };
    format!("U+{:04X} {name}", c as u32)
}

/// The scripts whose letters look alike, which one word must not mix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Script {
    Latin,
    Greek,
    Cyrillic,
}

impl Script {
    fn of(c: char) -> Option<Script> {
        match c as u32 {
            0x41..=0x5A
            | 0x61..=0x7A
            | 0xAA
            | 0xBA
            | 0xC0..=0xD6
            | 0xD8..=0xF6
            | 0xF8..=0x2AF
            | 0x1D00..=0x1D25
            | 0x1E00..=0x1EFF
            | 0x2C60..=0x2C7F
            | 0xA720..=0xA7FF
            | 0xAB30..=0xAB5A => Some(Script::Latin),
            0x370..=0x3FF | 0x1F00..=0x1FFF => Some(Script::Greek),
            0x400..=0x52F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => {
                Some(Script::Cyrillic)
            }
            _ => None,
        }
    }
}

/// Why a word of `name` mixes look-alike scripts, if one does: the first letter of another
/// script than the word's first, by code point and position.
fn mixed_script(name: &str) -> Option<String> {
    // A word runs over letters, digits and the marks on them.
    let in_word = |c: char| c.is_alphanumeric() || is_combining_mark(c);
    let mut first: Option<(usize, Script, char)> = None;
    let mut word_start = None;
    for (n, c) in name.chars().enumerate() {
        if !in_word(c) {
            (first, word_start) = (None, None);
            continue;
        }
        let start = *word_start.get_or_insert(n);
        let Some(script) = Script::of(c) else {
            continue;
        };
        match first {
            None => first = Some((n, script, c)),
            Some((_, s, _)) if s == script => {}
            Some((at, s, first_char)) => {
                let word: String = name
                    .chars()
                    .skip(start)
                    .take_while(|c| in_word(*c))
                    .collect();
                return Some(format!(
                    "mixes scripts in the word '{word}': '{c}' (U+{:04X}) at character {} is \
                     {script:?}, but '{first_char}' (U+{:04X}) at character {} is {s:?}; \
                     write each word in one script",
                    c as u32,
                    n + 1,
                    first_char as u32,
                    at + 1,
                ));
            }
        }
    }
    None
}

/// The name in double quotes, with characters that would not show written as `\u{…}`.
fn shown(name: &str) -> String {
    const MAX: usize = 80;
    let mut out = String::from("\"");
    for (n, c) in name.chars().enumerate() {
        if n == MAX {
            out.push('…');
            break;
        }
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if hidden(c).is_some() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::{check_name, fold_name};
    use proptest::prelude::*;

    #[test]
    fn ignores_case_diacritics_and_punctuation() {
        assert_eq!(fold_name("Zelenski"), fold_name("ZELENSKÍ"));
        assert_eq!(fold_name("Rustem Oumerov"), "rustem oumerov");
        assert_eq!(fold_name("  Jean-Pierre  "), "jean pierre");
        assert_eq!(fold_name("Abou Dhabi"), "abou dhabi");
        assert_eq!(fold_name("…"), "");
    }

    fn message(name: &str) -> String {
        check_name(name).unwrap_err().to_string()
    }

    #[test]
    fn invisible_and_control_characters_are_refused_by_code_point() {
        for (name, expected) in [
            ("Wit\u{200b}koff", "U+200B ZERO WIDTH SPACE at character 4"),
            (
                "\u{202e}ffoktiW",
                "U+202E RIGHT-TO-LEFT OVERRIDE at character 1",
            ),
            (
                "Witkoff\u{2066}",
                "U+2066 LEFT-TO-RIGHT ISOLATE at character 8",
            ),
            ("Wit\u{200d}koff", "U+200D ZERO WIDTH JOINER at character 4"),
            (
                "Witkoff\u{feff}",
                "U+FEFF ZERO WIDTH NO-BREAK SPACE at character 8",
            ),
            ("Wit\u{0}koff", "U+0000 NULL at character 4"),
            ("Wit\nkoff", "U+000A LINE FEED at character 4"),
            ("Wit\u{ad}koff", "U+00AD SOFT HYPHEN at character 4"),
            (
                "Wit\u{fe0f}koff",
                "U+FE0F (an invisible character) at character 4",
            ),
            (
                "Wit\u{e000}koff",
                "U+E000 (a private-use or unassigned code point)",
            ),
        ] {
            let text = message(name);
            assert!(text.contains(expected), "{name:?}: {text}");
            // The character is shown by its escape, never raw.
            assert!(!text.contains(name), "{text}");
        }
    }

    #[test]
    fn compatibility_letters_become_plain_and_names_are_nfc() {
        assert_eq!(check_name("Ｗｉｔｋｏｆｆ").unwrap(), "Witkoff");
        assert_eq!(check_name("𝐖𝐢𝐭𝐤𝐨𝐟𝐟").unwrap(), "Witkoff");
        assert_eq!(check_name("ﬁnn").unwrap(), "finn");
        assert_eq!(check_name("Jose\u{301}").unwrap(), "Jos\u{e9}");
        // Spaces and punctuation stay as the sources wrote them.
        assert_eq!(check_name("M.\u{a0}Oumerov").unwrap(), "M.\u{a0}Oumerov");
        assert_eq!(
            check_name("États\u{2011}Unis").unwrap(),
            "États\u{2011}Unis"
        );
    }

    #[test]
    fn a_word_may_not_mix_look_alike_scripts() {
        let text = message("W\u{456}tkoff");
        assert!(
            text.contains("'\u{456}' (U+0456) at character 2 is Cyrillic"),
            "{text}"
        );
        assert!(
            text.contains("'W' (U+0057) at character 1 is Latin"),
            "{text}"
        );
        assert!(message("Ukrain\u{435}").contains("U+0435"));
        assert!(message("\u{3b1}lpha").contains("Latin"));
        // One script per word is fine, and words of different scripts may stand together.
        for ok in [
            "Дмитриев",
            "Kirill Дмитриев",
            "Ζελένσκι",
            "Володимир Зеленський",
            "習近平",
            "東京タワー",
            "O'Brien",
            "R2-D2",
            "Ñandú",
        ] {
            assert_eq!(check_name(ok).unwrap(), ok);
        }
    }

    #[test]
    fn a_name_needs_a_letter_or_digit() {
        assert!(message("").contains("has no letter or digit"));
        assert!(message("!!!").contains("has no letter or digit"));
        assert!(message("   ").contains("has no letter or digit"));
    }

    proptest! {
        /// What `check_name` gives back is a name it accepts unchanged, and folds the same.
        #[test]
        fn the_stored_form_is_a_fixed_point(name in "\\PC{0,12}") {
            if let Ok(stored) = check_name(&name) {
                prop_assert_eq!(check_name(&stored).ok(), Some(stored.clone()));
                prop_assert!(!fold_name(&stored).is_empty());
            }
        }
    }
}
