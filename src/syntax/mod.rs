//! Syntax: text → a spanned AST. The grammar is `grammar/entrevue.ebnf`.
//!
//! **Architecture invariant:** syntax knows nothing about storage; names stay text until the
//! planner resolves them.

pub mod ast;
pub mod lexical;
mod parser;
mod source;

use std::cell::RefCell;

use nom_locate::LocatedSpan;

pub use crate::location::{Location, ParseError};
pub use ast::*;
pub use lexical::KEYWORDS;
use lexical::{tokens, Token, TokenKind};
pub(crate) use source::Source;

/// Parses a script: every statement, with the span it covers. Empty text is an empty script.
///
/// ```
/// use entrevue::syntax::{parse, Question, Statement};
///
/// let statements = parse("who met Witkoff; -- counterparts\nwho is Oumerov;")?;
/// assert_eq!(statements.len(), 2);
/// assert!(matches!(&statements[1].0, Statement::Query(q) if matches!(q.question, Question::WhoIs(_))));
///
/// let err = parse("who met Witkoff during 2025-13;").unwrap_err();
/// assert_eq!(err.to_string(), "1:24: '2025-13' is not a valid date: there is no month 13\n  who met Witkoff during 2025-13;\n                         ^");
/// # Ok::<(), entrevue::syntax::ParseError>(())
/// ```
pub fn parse(text: &str) -> Result<Vec<(Statement, Span)>, ParseError> {
    let tracker = RefCell::new(parser::Tracker::default());
    let input = LocatedSpan::new_extra(text, &tracker);
    match parser::parse_script(input) {
        Ok((_, statements)) => Ok(statements),
        Err(nom::Err::Error(failure) | nom::Err::Failure(failure)) => {
            let tracker = tracker.into_inner();
            Err(error_at(text, failure, tracker))
        }
        Err(nom::Err::Incomplete(_)) => Err(error_at(
            text,
            parser::Failure {
                offset: text.len(),
                message: Some("unexpected end of input".into()),
            },
            parser::Tracker::default(),
        )),
    }
}

fn error_at(text: &str, failure: parser::Failure, tracker: parser::Tracker) -> ParseError {
    let (offset, message) = match failure.message {
        Some(message) => (failure.offset, message),
        None => {
            let offset = if tracker.expected.is_empty() {
                failure.offset
            } else {
                tracker.offset
            };
            let expected: Vec<String> = tracker.expected.iter().map(ToString::to_string).collect();
            (offset, expected_message(text, offset, &expected))
        }
    };
    ParseError {
        location: Location::of(text, offset, None),
        message,
    }
}

/// "expected `met`, `was` or `is` after `who`, found `mett`"
fn expected_message(text: &str, offset: usize, expected: &[String]) -> String {
    let list = match expected {
        [] => "something else".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    };
    let mut message = format!("expected {list}");
    if let Some(previous) = token_before(&text[..offset]) {
        message.push_str(&format!(" after `{previous}`"));
    }
    match token_at(&text[offset..]) {
        Some((found, kind)) => {
            message.push_str(&format!(", found `{found}`"));
            if let Some(keyword) = (kind == TokenKind::Word)
                .then(|| closest_keyword(&found, expected))
                .flatten()
            {
                message.push_str(&format!("; did you mean `{keyword}`?"));
            }
            if kind == TokenKind::Keyword
                && expected
                    .iter()
                    .any(|e| e.contains("a name") || e.contains("a predicate"))
                // When `;` would do, the keyword more likely starts the next statement.
                && !expected.iter().any(|e| e == "`;`")
            {
                message.push_str(&format!(
                    "; `{found}` is a keyword: write \"{found}\" in quotes to use it as a name"
                ));
            }
        }
        None => message.push_str(", found the end of the input"),
    }
    message
}

/// The keyword, among those expected, that a mistyped word most likely meant: within two edits
/// (one for short words), and the only one that close.
fn closest_keyword<'e>(found: &str, expected: &'e [String]) -> Option<&'e str> {
    let found = found.to_lowercase();
    let allowed = if found.chars().count() <= 4 { 1 } else { 2 };
    let mut close = expected
        .iter()
        .filter_map(|e| e.strip_prefix('`')?.strip_suffix('`'))
        .filter(|keyword| keyword.chars().all(char::is_alphabetic))
        .map(|keyword| (strsim::damerau_levenshtein(&found, keyword), keyword))
        .filter(|(distance, _)| *distance <= allowed);
    let (best_distance, best) = close.next()?;
    let mut best = (best_distance, best);
    let mut tied = false;
    for (distance, keyword) in close {
        if distance < best.0 {
            (best, tied) = ((distance, keyword), false);
        } else if distance == best.0 {
            tied = true;
        }
    }
    (!tied).then_some(best.1)
}

/// Shows a character so that it can be seen: control characters as `U+0000`.
fn visible(c: char) -> String {
    if c.is_control() {
        format!("U+{:04X}", c as u32)
    } else {
        c.to_string()
    }
}

/// At most 40 characters, with an ellipsis when cut.
fn clip(text: &str) -> String {
    let mut clipped: String = text.chars().take(40).collect();
    if text.chars().nth(40).is_some() {
        clipped.push('…');
    }
    clipped
}

/// The tokens of `text` that mean something: not white space, not comments.
fn meaningful(text: &str) -> impl Iterator<Item = Token> + '_ {
    tokens(text).filter(|t| !matches!(t.kind, TokenKind::Whitespace | TokenKind::Comment))
}

/// The token where an error is found, with its kind: a word or a number whole, anything else
/// by its first character, which is where the mistake begins (`"` for a misplaced string).
fn token_at(rest: &str) -> Option<(String, TokenKind)> {
    let token = meaningful(rest).next()?;
    let text = token.text(rest);
    let shown = match token.kind {
        TokenKind::Word | TokenKind::Keyword | TokenKind::Number => clip(text),
        _ => visible(text.chars().next()?),
    };
    Some((shown, token.kind))
}

/// The token just before an error: a word, a number, a `#handle` or a string whole, or one
/// character.
fn token_before(before: &str) -> Option<String> {
    let token = meaningful(before).last()?;
    let text = token.text(before);
    match token.kind {
        TokenKind::Punct => Some(text.chars().map(visible).collect()),
        _ => Some(clip(text)),
    }
}
