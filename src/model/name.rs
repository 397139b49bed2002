//! Name folding: the search key under which every name and alias is indexed.
//!
//! Folding transliterates any script to ASCII (deunicode: "Łukasz" → "lukasz", "Зеленский" →
//! "zelenskii"), lower-cases, and turns every run of punctuation or white space into one space.
//! So `Zelenski`, `ZELENSKI` and `Zelenskí` fold to the same key, and `M. Oumerov` to `m oumerov`.
//! The original spelling is kept beside the key for display.

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

#[cfg(test)]
mod tests {
    use super::fold_name;

    #[test]
    fn ignores_case_diacritics_and_punctuation() {
        assert_eq!(fold_name("Zelenski"), fold_name("ZELENSKÍ"));
        assert_eq!(fold_name("Rustem Oumerov"), "rustem oumerov");
        assert_eq!(fold_name("  Jean-Pierre  "), "jean pierre");
        assert_eq!(fold_name("Abou Dhabi"), "abou dhabi");
        assert_eq!(fold_name("…"), "");
    }
}
