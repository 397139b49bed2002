//! The lexical definition of the language: which characters make a word, which words are
//! reserved, when a name must be quoted and how, and how text splits into tokens.
//!
//! The parser reads text with these definitions, and everything that writes or shows text
//! (`dump`, the shell's completion and highlighting, error messages) uses the same ones, so
//! that what is written reads back as itself and what is shown matches what is read. The
//! grammar's "Tokens" section (`grammar/entrevue.ebnf`) says the same in EBNF.

/// Whether `c` can start a bare word: a letter.
pub fn is_word_start(c: char) -> bool {
    c.is_alphabetic()
}

/// Whether `c` can continue a bare word: a letter, a digit, `_`, `-`, `.`, or an apostrophe
/// (straight or curly), so that `O'Brien`, `al-Sisi` and `J.D.` are single words.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '\'' | '’' | '.')
}

/// Whether `c` can be part of a `#handle`: handles are ASCII, so they are typed the same
/// everywhere.
pub fn is_handle_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-')
}

/// Whether `c` is white space between tokens. Only ASCII white space counts: another space (a
/// no-break space pasted from a web page, say) is reported where it is rather than silently
/// taken for a separator.
pub fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Whether `c` can be part of a comment, which runs from `--` to the end of the line. Lines end
/// at `\n`, as error locations count them; a `\r` before it is part of the comment.
pub fn is_comment_char(c: char) -> bool {
    c != '\n'
}

/// The reserved words: they cannot be bare names. Reserving them is what lets a bare name run
/// over several words, up to the next keyword.
pub const KEYWORDS: &[&str] = &[
    "add",
    "affiliation",
    "aka",
    "alias",
    "all",
    "and",
    "asc",
    "at",
    "between",
    "by",
    "delete",
    "desc",
    "did",
    "document",
    "dump",
    "during",
    "explain",
    "file",
    "from",
    "in",
    "including",
    "is",
    "kind",
    "language",
    "least",
    "limit",
    "load",
    "meet",
    "meeting",
    "meetings",
    "met",
    "name",
    "of",
    "on",
    "order",
    "outlet",
    "participants",
    "path",
    "place",
    "published",
    "relation",
    "relations",
    "reported",
    "replace",
    "return",
    "role",
    "actor",
    "says",
    "set",
    "side",
    "source",
    "sources",
    "status",
    "summary",
    "time",
    "timeline",
    "title",
    "to",
    "url",
    "was",
    "when",
    "where",
    "who",
    "with",
    "certainty",
    "according",
    "as",
    "disputes",
    "quotes",
    "matching",
];

/// Whether `word` is a keyword; keywords are case-insensitive.
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word))
}

/// Whether `text` reads back as itself when written bare where the grammar reads one `word`
/// (a kind, a role, a predicate): a letter, then word characters, and not a keyword.
pub fn is_bare_word(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(is_word_start) && chars.all(is_word_char) && !is_keyword(text)
}

/// Whether `name` must be quoted to read back as itself where the grammar reads a `name`
/// (`word { word }`): bare, a name is words that are not keywords, and the parser joins them
/// with one space, so any other separator, an empty name, or a character that no word may
/// hold would come back different or not at all.
pub fn needs_quotes(name: &str) -> bool {
    !name.split(' ').all(is_bare_word)
}

/// A string literal that the parser reads back as exactly `text`. Line breaks, tabs and
/// other control characters are escaped, so the literal stays on one visible line.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `name` as it is best written where the grammar reads a `name`: bare when it reads back as
/// itself (`Steve Witkoff`), quoted otherwise (`"Route 66"`, `"of"`).
pub fn name_or_quoted(name: &str) -> String {
    if needs_quotes(name) {
        quote(name)
    } else {
        name.to_string()
    }
}

/// `value` as it is best written where the grammar reads one `word` or a string: bare when it
/// is one word (`talks`), quoted otherwise (`"peace talks"`, `"of"`).
pub fn word_or_quoted(value: &str) -> String {
    if is_bare_word(value) {
        value.to_string()
    } else {
        quote(value)
    }
}

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// White space between tokens.
    Whitespace,
    /// `-- …` up to the end of the line, without the `\n`.
    Comment,
    /// A reserved word, in any case.
    Keyword,
    /// A word that is not reserved: one word of a bare name, or a value like a kind.
    Word,
    /// `#handle`.
    Handle,
    /// A string in single or double quotes. An unterminated string runs to the end of the
    /// text; its escapes are not checked, which is the parser's business.
    String {
        /// Whether the closing quote is there.
        terminated: bool,
    },
    /// A number or a date span, read as the parser reads them: `5`, `2025-12-02`,
    /// `~2025-12..2026-01`.
    Number,
    /// Any other character, one at a time (`;`, `,`, `(`, a stray `.`), or `..`.
    Punct,
}

/// A token: its kind and the byte range it covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// Byte offset of its first character.
    pub start: usize,
    /// Byte offset just past its last character.
    pub end: usize,
}

impl Token {
    /// The text of the token, in the text it was read from.
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.start..self.end).unwrap_or_default()
    }
}

/// The tokens of `text`, in order. They cover the whole text, white space and comments
/// included, so that whoever shows the text can rebuild it from them; any text can be
/// tokenized, broken strings and unknown characters included.
pub fn tokens(text: &str) -> impl Iterator<Item = Token> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        let (kind, len) = next_token(text.get(at..)?)?;
        let token = Token {
            kind,
            start: at,
            end: at + len,
        };
        at = token.end;
        Some(token)
    })
}

/// The kind and byte length of the token at the start of `rest`; `None` at the end. Every
/// branch takes at least the first character, so tokenizing always moves on.
fn next_token(rest: &str) -> Option<(TokenKind, usize)> {
    let first = rest.chars().next()?;
    let token = if is_space(first) {
        (TokenKind::Whitespace, len_while(rest, is_space))
    } else if rest.starts_with("--") {
        (TokenKind::Comment, len_while(rest, is_comment_char))
    } else if first == '"' || first == '\'' {
        string_token(rest, first)
    } else if let Some(len) = handle_len(rest) {
        (TokenKind::Handle, len)
    } else if let Some(len) = date_span_len(rest) {
        (TokenKind::Number, len)
    } else if is_word_start(first) {
        let len = len_while(rest, is_word_char);
        let kind = if is_keyword(&rest[..len]) {
            TokenKind::Keyword
        } else {
            TokenKind::Word
        };
        (kind, len)
    } else if rest.starts_with("..") {
        (TokenKind::Punct, 2)
    } else {
        (TokenKind::Punct, first.len_utf8())
    };
    Some(token)
}

/// The byte length of the longest start of `text` whose characters all satisfy `accept`.
fn len_while(text: &str, accept: fn(char) -> bool) -> usize {
    text.find(|c| !accept(c)).unwrap_or(text.len())
}

/// A string from its opening quote to the same quote; a backslash takes the character after
/// it along, so that `\"` does not close the string.
fn string_token(rest: &str, quote: char) -> (TokenKind, usize) {
    let mut chars = rest.char_indices().skip(1);
    while let Some((at, c)) = chars.next() {
        if c == '\\' {
            chars.next();
        } else if c == quote {
            return (TokenKind::String { terminated: true }, at + c.len_utf8());
        }
    }
    (TokenKind::String { terminated: false }, rest.len())
}

/// `#` and at least one handle character.
fn handle_len(rest: &str) -> Option<usize> {
    let after = rest.strip_prefix('#')?;
    let len = len_while(after, is_handle_char);
    (len > 0).then_some(1 + len)
}

/// The byte length of the date span `text` starts with, if it starts with one: in the
/// language's own syntax `[ "~" ] date [ ".." date ]`, or in EDTF, each end a date with one
/// qualifier (`~`, `?`, `%`) or `..` (open), the ends joined by `/`. Whether the span is a
/// real date is the parser's business (`model::WrittenDate`); this is only how far it reaches.
pub(crate) fn date_span_len(rest: &str) -> Option<usize> {
    let tilde = usize::from(rest.starts_with('~'));
    let after_tilde = rest.get(tilde..)?;
    let first = match date_len(after_tilde) {
        Some(len) => len,
        // An open start is a date only before `/`: `..` alone is punctuation.
        None if after_tilde.starts_with("../") => 2,
        None => return None,
    };
    let after = after_tilde.get(first..)?;
    let second = if let Some(end) = after.strip_prefix('/') {
        let open = usize::from(end.starts_with("..")) * 2;
        date_len(end)
            .or(Some(open).filter(|len| *len > 0))
            .map(|len| 1 + len)
    } else {
        after
            .strip_prefix("..")
            .and_then(date_len)
            .map(|len| 2 + len)
    };
    Some(tilde + first + second.unwrap_or(0))
}

/// `digits { "-" digits } [ qualifier ]`: a year, a month or a day (trailing digits may be
/// EDTF's unspecified `X`), or a number.
fn date_len(text: &str) -> Option<usize> {
    let mut len = digits_len(text)?;
    len += len_while(text.get(len..)?, is_unspecified_digit);
    while let Some(more) = text
        .get(len..)
        .and_then(|t| t.strip_prefix('-'))
        .map(|t| len_while(t, is_unspecified_digit))
        .filter(|more| *more > 0)
    {
        len += 1 + more;
    }
    let qualifier = text
        .get(len..)
        .and_then(|t| t.chars().next())
        .is_some_and(|c| matches!(c, '~' | '?' | '%'));
    Some(len + usize::from(qualifier))
}

/// A digit of a date, or `X` for one the sources leave unspecified.
fn is_unspecified_digit(c: char) -> bool {
    c.is_ascii_digit() || c == 'X'
}

/// The byte length of the ASCII digits `text` starts with, if it starts with one.
fn digits_len(text: &str) -> Option<usize> {
    Some(len_while(text, |c| c.is_ascii_digit())).filter(|len| *len > 0)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::syntax::{parse, Question, Statement};

    fn kinds(text: &str) -> Vec<(TokenKind, &str)> {
        tokens(text).map(|t| (t.kind, t.text(text))).collect()
    }

    /// The name of `who met …;`, or why there is none.
    fn name_met(statement: &str) -> Result<String, String> {
        let parsed = parse(statement).map_err(|e| e.to_string())?;
        match parsed.as_slice() {
            [(Statement::Query(q), _)] => match &q.question {
                Question::WhoMet(name) => Ok(name.text.clone()),
                other => Err(format!("not `who met`: {other:?}")),
            },
            other => Err(format!("not one query: {other:?}")),
        }
    }

    #[test]
    fn a_statement_splits_into_its_tokens() {
        use TokenKind::*;
        assert_eq!(
            kinds("who met O'Brien, #ksa -- note\n during ~2025-01..2025-03 'a\\'b';"),
            vec![
                (Keyword, "who"),
                (Whitespace, " "),
                (Keyword, "met"),
                (Whitespace, " "),
                (Word, "O'Brien"),
                (Punct, ","),
                (Whitespace, " "),
                (Handle, "#ksa"),
                (Whitespace, " "),
                (Comment, "-- note"),
                (Whitespace, "\n "),
                (Keyword, "during"),
                (Whitespace, " "),
                (Number, "~2025-01..2025-03"),
                (Whitespace, " "),
                (String { terminated: true }, "'a\\'b'"),
                (Punct, ";"),
            ]
        );
    }

    #[test]
    fn an_edtf_date_is_one_token() {
        use TokenKind::*;
        for date in [
            "2025-11~",
            "2025-12-20?",
            "2025-12-20%",
            "2025-11-24/2025-11-30",
            "../2025-12-23",
            "2025-12-01/..",
            "201X",
            "2025-11-XX",
            "2025-11~/2025-12?",
            "../..",
        ] {
            let text = format!("during {date};");
            let expected = vec![
                (Keyword, "during"),
                (Whitespace, " "),
                (Number, date),
                (Punct, ";"),
            ];
            assert_eq!(kinds(&text), expected, "{date}");
        }
        // An end left out is not part of the date: the parser reports what should follow.
        assert_eq!(
            kinds("2025-11-24/ .."),
            vec![
                (Number, "2025-11-24"),
                (Punct, "/"),
                (Whitespace, " "),
                (Punct, "..")
            ]
        );
    }

    #[test]
    fn broken_pieces_are_still_tokens() {
        use TokenKind::*;
        assert_eq!(
            kinds("# 2025-..x \"open"),
            vec![
                (Punct, "#"),
                (Whitespace, " "),
                (Number, "2025"),
                (Punct, "-"),
                (Punct, ".."),
                (Word, "x"),
                (Whitespace, " "),
                (String { terminated: false }, "\"open"),
            ]
        );
    }

    #[test]
    fn a_word_runs_over_dashes_that_would_start_a_comment_elsewhere() {
        assert_eq!(kinds("a--b"), vec![(TokenKind::Word, "a--b")]);
    }

    #[test]
    fn names_are_quoted_only_when_they_must_be() {
        assert_eq!(name_or_quoted("Steve Witkoff"), "Steve Witkoff");
        assert_eq!(name_or_quoted("J.D. Vance"), "J.D. Vance");
        assert_eq!(name_or_quoted("Route 66"), "\"Route 66\"");
        assert_eq!(name_or_quoted("Palace of Peace"), "\"Palace of Peace\"");
        assert_eq!(name_or_quoted("two  spaces"), "\"two  spaces\"");
        assert_eq!(name_or_quoted(""), "\"\"");
        assert_eq!(word_or_quoted("talks"), "talks");
        assert_eq!(word_or_quoted("peace talks"), "\"peace talks\"");
        assert_eq!(word_or_quoted("OF"), "\"OF\"");
    }

    #[test]
    fn quote_escapes_what_the_parser_unescapes() {
        assert_eq!(quote("a\"b\\c\nd\te\u{7}"), r#""a\"b\\c\nd\te\u{7}""#);
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 1000,
            failure_persistence: None,
            .. ProptestConfig::default()
        })]

        /// Quotes, backslashes, control characters, line breaks and any Unicode come back.
        #[test]
        fn a_quoted_string_reads_back_as_itself(text in any::<String>()) {
            prop_assert_eq!(name_met(&format!("who met {};", quote(&text))), Ok(text));
        }

        /// The same with the characters most likely to go wrong.
        #[test]
        fn a_quoted_tricky_string_reads_back_as_itself(text in "[\"'\\\\\n\r\t\u{0}\u{7f}u{}a-z ]{0,20}") {
            prop_assert_eq!(name_met(&format!("who met {};", quote(&text))), Ok(text));
        }

        /// A name written bare when `needs_quotes` allows it reads back as itself.
        #[test]
        fn a_bare_name_reads_back_as_itself(name in any::<String>()) {
            if !needs_quotes(&name) {
                prop_assert_eq!(name_met(&format!("who met {name};")), Ok(name));
            }
        }

        /// The same with names built from words, keywords and separators, so that many are bare.
        #[test]
        fn a_bare_name_of_words_reads_back_as_itself(
            name in "([A-Za-zé][a-z0-9_'’.-]{0,5}|in|Met|[0-9]|--)( {1,2}[A-Za-zé][a-z0-9_'’.-]{0,5}| in| 2025|--x){0,3}",
        ) {
            if !needs_quotes(&name) {
                prop_assert_eq!(name_met(&format!("who met {name};")), Ok(name.clone()));
            }
            prop_assert_eq!(name_met(&format!("who met {};", name_or_quoted(&name))), Ok(name));
        }

        /// Tokens never panic, cover the text in order without gaps or overlaps, are never
        /// empty, and start and end on character boundaries.
        #[test]
        fn tokens_cover_any_text(text in any::<String>()) {
            check_cover(&text)?;
        }

        /// The same with the characters that start or end tokens.
        #[test]
        fn tokens_cover_any_text_of_the_language(text in "[ \\t\\r\\na-zé’;\"'#\\-0-9\\\\{}~.,]{0,60}") {
            check_cover(&text)?;
        }
    }

    fn check_cover(text: &str) -> Result<(), TestCaseError> {
        let mut at = 0;
        for token in tokens(text) {
            prop_assert_eq!(token.start, at);
            prop_assert!(token.end > token.start);
            prop_assert!(text.is_char_boundary(token.start) && text.is_char_boundary(token.end));
            at = token.end;
        }
        prop_assert_eq!(at, text.len());
        Ok(())
    }
}
