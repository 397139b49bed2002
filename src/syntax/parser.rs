//! The nom parser: text → [`Statement`]s. Each `parse_<rule>` function implements the rule of
//! the same name in `grammar/entrevue.ebnf`.
//!
//! Errors: every terminal (keyword, symbol, word, string, date, number) that fails records what
//! it expected at its offset in a shared [`Tracker`]; the error shown is the furthest offset any
//! alternative reached, with everything expected there ("expected `met`, `was` or `is`").
//! Failures that know better (an invalid date, an unterminated string, a repeated filter) carry
//! their own message and win. The grammar has no recursion, so parsing is linear in the input.

use std::cell::RefCell;

use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::{char, digit1, satisfy};
use nom::combinator::{opt, peek, recognize};
use nom::error::{ErrorKind, ParseError};
use nom::multi::many0;
use nom::sequence::preceded;
use nom::{IResult, Parser};
use nom_locate::LocatedSpan;

use super::ast::*;
use super::lexical::{
    date_span_len, is_comment_char, is_handle_char, is_keyword, is_space, is_word_char,
    is_word_start,
};
use crate::model::{Certainty, DateSpan, RecordKind, Status, WrittenDate, OPEN_REFUSED};

/// Where the furthest failure happened and what was expected there.
#[derive(Default)]
pub(crate) struct Tracker {
    pub offset: usize,
    pub expected: Vec<Expected>,
}

/// One thing a terminal expected. Kept as static text and spelled out only for an error
/// message: every question that parses records many of these at its last offset (each optional
/// clause that could follow), so making strings here was a fifth of the cost of parsing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Expected {
    /// A keyword or symbol, listed in backquotes.
    Quoted(&'static str),
    /// A description, such as "a date like 2025-12 or 2025-12-02".
    Described(&'static str),
}

impl std::fmt::Display for Expected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expected::Quoted(text) => write!(f, "`{text}`"),
            Expected::Described(text) => f.write_str(text),
        }
    }
}

impl From<&'static str> for Expected {
    fn from(description: &'static str) -> Self {
        Expected::Described(description)
    }
}

impl Tracker {
    /// Notes that `what` was expected at `offset`, unless an alternative already failed
    /// further on.
    fn record(&mut self, offset: usize, what: Expected) {
        if offset > self.offset {
            self.offset = offset;
            self.expected.clear();
        }
        if offset == self.offset && !self.expected.contains(&what) {
            self.expected.push(what);
        }
    }
}

pub(crate) type Input<'a> = LocatedSpan<&'a str, &'a RefCell<Tracker>>;

/// A parse failure: where, and a message when the failing parser knew exactly what is wrong.
#[derive(Debug)]
pub(crate) struct Failure {
    pub offset: usize,
    pub message: Option<String>,
}

impl<'a> ParseError<Input<'a>> for Failure {
    fn from_error_kind(input: Input<'a>, _: ErrorKind) -> Self {
        Failure {
            offset: input.location_offset(),
            message: None,
        }
    }
    fn append(_: Input<'a>, _: ErrorKind, other: Self) -> Self {
        other
    }
    fn or(self, other: Self) -> Self {
        match (&self.message, &other.message) {
            (Some(_), None) => self,
            (None, Some(_)) => other,
            _ if other.offset > self.offset => other,
            _ => self,
        }
    }
}

type PResult<'a, T> = IResult<Input<'a>, T, Failure>;

/// A failure that stops the parse with this message at `at`.
fn fail<'a, T>(at: &Input<'a>, message: String) -> PResult<'a, T> {
    Err(nom::Err::Failure(Failure {
        offset: at.location_offset(),
        message: Some(message),
    }))
}

fn mismatch<'a, T>(at: &Input<'a>, expected: impl Into<Expected>) -> PResult<'a, T> {
    at.extra
        .borrow_mut()
        .record(at.location_offset(), expected.into());
    Err(nom::Err::Error(Failure {
        offset: at.location_offset(),
        message: None,
    }))
}

/// Turns a recoverable error into a failure: once a form is recognised, its errors are final.
fn cut<'a, T>(
    mut parser: impl Parser<Input<'a>, Output = T, Error = Failure>,
) -> impl FnMut(Input<'a>) -> PResult<'a, T> {
    move |i| match parser.parse(i) {
        Err(nom::Err::Error(e)) => Err(nom::Err::Failure(e)),
        other => other,
    }
}

fn span_of(start: &Input<'_>, end: &Input<'_>) -> Span {
    Span {
        start: start.location_offset(),
        end: end.location_offset(),
    }
}

// ---- Lexical layer: terminals read with the definitions of `lexical.rs` -------------------

/// Skips white space and `--` comments. Written out rather than combined from `many0`, which
/// allocates: this runs before every terminal every alternative tries.
fn ws(i: Input<'_>) -> PResult<'_, ()> {
    let text = *i.fragment();
    let mut rest = text;
    loop {
        let after_spaces = rest.trim_start_matches(is_space);
        match after_spaces.strip_prefix("--") {
            Some(comment) => rest = comment.trim_start_matches(is_comment_char),
            None => {
                rest = after_spaces;
                break;
            }
        }
    }
    Ok((nom::Input::take_from(&i, text.len() - rest.len()), ()))
}

/// A keyword, case-insensitive, not followed by a word character. Keywords are ASCII, so the
/// comparison is ASCII's (nom's `tag_no_case` folds every character through Unicode's tables).
fn kw<'a>(word: &'static str) -> impl FnMut(Input<'a>) -> PResult<'a, Span> {
    move |i| {
        let (start, _) = ws(i)?;
        if next_is(&start, word) {
            let rest = nom::Input::take_from(&start, word.len());
            Ok((rest, span_of(&start, &rest)))
        } else {
            mismatch(&start, Expected::Quoted(word))
        }
    }
}

/// Whether the input starts with this keyword; unlike [`kw`] it records no expectation, so a
/// look ahead for a likely mistake does not show up in "expected …" lists.
fn next_is(i: &Input<'_>, word: &str) -> bool {
    let text = i.fragment();
    text.get(..word.len())
        .is_some_and(|w| w.eq_ignore_ascii_case(word))
        && !text[word.len()..].starts_with(is_word_char)
}

/// A punctuation symbol.
fn sym<'a>(symbol: &'static str) -> impl FnMut(Input<'a>) -> PResult<'a, ()> {
    move |i| {
        let (i, _) = ws(i)?;
        let attempt: PResult<'a, Input<'a>> = tag(symbol).parse(i);
        match attempt {
            Ok((rest, _)) => Ok((rest, ())),
            Err(_) => mismatch(&i, Expected::Quoted(symbol)),
        }
    }
}

/// Any word, keyword or not, with its span.
fn any_word<'a>(what: &'static str) -> impl FnMut(Input<'a>) -> PResult<'a, (String, Span)> {
    move |i| {
        let (i, _) = ws(i)?;
        let attempt: PResult<'a, Input<'a>> =
            recognize((satisfy(is_word_start), take_while(is_word_char))).parse(i);
        match attempt {
            Ok((rest, word)) => Ok((rest, (word.fragment().to_string(), span_of(&i, &rest)))),
            Err(_) => mismatch(&i, what),
        }
    }
}

/// A word that is not a keyword.
fn bare_word<'a>(what: &'static str) -> impl FnMut(Input<'a>) -> PResult<'a, (String, Span)> {
    move |i| {
        let (rest, (word, span)) = any_word(what)(i)?;
        if is_keyword(&word) {
            let (at, _) = ws(i)?;
            return mismatch(&at, what);
        }
        Ok((rest, (word, span)))
    }
}

/// A word (keyword or not) or a string: the value of `kind`, `role`, `language`.
fn word_or_string<'a>(what: &'static str) -> impl FnMut(Input<'a>) -> PResult<'a, (String, Span)> {
    move |i| alt((parse_string, any_word(what))).parse(i)
}

/// A string in single or double quotes, with `\"`, `\'`, `\\`, `\n`, `\t` and `\u{…}` escapes.
fn parse_string(i: Input<'_>) -> PResult<'_, (String, Span)> {
    let (i, _) = ws(i)?;
    let start = i;
    let quote = match i.fragment().chars().next() {
        Some(q @ ('"' | '\'')) => q,
        _ => return mismatch(&i, "a string"),
    };
    let mut text = String::new();
    let mut chars = i.fragment().char_indices().skip(1);
    while let Some((at, c)) = chars.next() {
        match c {
            c if c == quote => {
                let rest = nom::Input::take_from(&i, at + c.len_utf8());
                return Ok((rest, (text, span_of(&start, &rest))));
            }
            '\\' => match chars.next() {
                Some((_, '"')) => text.push('"'),
                Some((_, '\'')) => text.push('\''),
                Some((_, '\\')) => text.push('\\'),
                Some((_, 'n')) => text.push('\n'),
                Some((_, 't')) => text.push('\t'),
                Some((_, 'u')) => {
                    let rest: String = i.fragment()[at + 2..].chars().take(12).collect();
                    let code = rest
                        .strip_prefix('{')
                        .and_then(|r| r.split_once('}'))
                        .and_then(|(hex, _)| {
                            u32::from_str_radix(hex, 16).ok().map(|n| (n, hex.len()))
                        });
                    if let Some((n, _)) = code.filter(|(n, _)| char::from_u32(*n).is_none()) {
                        return fail(
                            &nom::Input::take_from(&i, at),
                            format!("invalid escape: \\u{{{n:x}}} is not a Unicode character"),
                        );
                    }
                    match code.and_then(|(n, len)| char::from_u32(n).map(|c| (c, len))) {
                        Some((c, len)) => {
                            text.push(c);
                            for _ in 0..len + 2 {
                                chars.next();
                            }
                        }
                        None => {
                            return fail(
                                &nom::Input::take_from(&i, at),
                                "invalid escape: write a character as \\u{hex}, e.g. \\u{a0}"
                                    .into(),
                            );
                        }
                    }
                }
                _ => {
                    return fail(
                        &nom::Input::take_from(&i, at),
                        "invalid escape: use \\\", \\', \\\\, \\n, \\t or \\u{hex} inside a string"
                            .into(),
                    );
                }
            },
            c => text.push(c),
        }
    }
    fail(
        &start,
        format!("unterminated string: the {quote} here is never closed"),
    )
}

/// `#handle`
fn parse_handle(i: Input<'_>) -> PResult<'_, (String, Span)> {
    let (i, _) = ws(i)?;
    let attempt: PResult<'_, Input<'_>> = preceded(char('#'), take_while1(is_handle_char)).parse(i);
    match attempt {
        Ok((rest, handle)) => Ok((rest, (handle.fragment().to_string(), span_of(&i, &rest)))),
        Err(_) => mismatch(&i, "a #handle"),
    }
}

/// `name = string | handle | word { word }`
fn parse_name(i: Input<'_>) -> PResult<'_, NameRef> {
    if let Ok((rest, (text, span))) = parse_string(i) {
        return Ok((
            rest,
            NameRef {
                text,
                is_handle: false,
                span,
            },
        ));
    }
    if let Ok((rest, (text, span))) = parse_handle(i) {
        return Ok((
            rest,
            NameRef {
                text,
                is_handle: true,
                span,
            },
        ));
    }
    // Report a broken string rather than "expected a name".
    if let Err(nom::Err::Failure(f)) = parse_string(i) {
        return Err(nom::Err::Failure(f));
    }
    let (mut rest, (first, mut span)) = bare_word("a name")(i)?;
    let mut words = vec![first];
    while let Ok((after, (word, word_span))) = bare_word("a name")(rest) {
        words.push(word);
        span.end = word_span.end;
        rest = after;
    }
    Ok((
        rest,
        NameRef {
            text: words.join(" "),
            is_handle: false,
            span,
        },
    ))
}

/// `single_name = string | handle | word`: the subject of a relation, whose end a predicate marks.
fn parse_single_name(i: Input<'_>) -> PResult<'_, NameRef> {
    alt((
        |i| {
            parse_string(i).map(|(r, (text, span))| {
                (
                    r,
                    NameRef {
                        text,
                        is_handle: false,
                        span,
                    },
                )
            })
        },
        |i| {
            parse_handle(i).map(|(r, (text, span))| {
                (
                    r,
                    NameRef {
                        text,
                        is_handle: true,
                        span,
                    },
                )
            })
        },
        |i| {
            bare_word("a name").parse(i).map(|(r, (text, span))| {
                (
                    r,
                    NameRef {
                        text,
                        is_handle: false,
                        span,
                    },
                )
            })
        },
    ))
    .parse(i)
}

/// `date_span = [ "~" ] date [ ".." date ] | edtf` where a date is recorded: both ends known.
fn parse_date_span(i: Input<'_>) -> PResult<'_, (DateSpan, Span)> {
    let (rest, (written, at)) = parse_written_date(i)?;
    if written.open {
        let (start, _) = ws(i)?;
        return fail(
            &start,
            format!("expected a date with both its ends: {OPEN_REFUSED}"),
        );
    }
    Ok((rest, (written.span, at)))
}

/// `date_filter = date_span | open_interval`: a date that filters a question, whose interval
/// may be open at one end (up to the calendar's end).
fn parse_date_filter(i: Input<'_>) -> PResult<'_, (DateSpan, Span)> {
    parse_written_date(i).map(|(rest, (written, at))| (rest, (written.span, at)))
}

/// A date in either syntax, as long as the tokenizer reads it; its errors point at the part
/// that is wrong.
fn parse_written_date(i: Input<'_>) -> PResult<'_, (WrittenDate, Span)> {
    let (i, _) = ws(i)?;
    let Some(len) = date_span_len(i.fragment()) else {
        return mismatch(&i, "a date like 2025-12 or 2025-12-02");
    };
    let (rest, text) = nom::Input::take_split(&i, len);
    for (separator, expected) in [
        ("..", "expected a date like 2025-12-31 after `..`"),
        (
            "/",
            "expected a date like 2025-12-31, or `..` for an open end, after `/`",
        ),
    ] {
        if rest.fragment().starts_with(separator) {
            let after = nom::Input::take_from(&rest, separator.len());
            return fail(&after, expected.into());
        }
    }
    match WrittenDate::parse(text.fragment()) {
        Ok(written) => Ok((rest, (written, span_of(&i, &rest)))),
        Err(e) => fail(&nom::Input::take_from(&i, e.offset), e.error.to_string()),
    }
}

/// One date (no range) for `between`.
fn parse_date(i: Input<'_>) -> PResult<'_, (DateSpan, Span)> {
    let (rest, (span, at)) = parse_date_span(i)?;
    if span.from() != span.to() || span.is_approximate() {
        let (start, _) = ws(i)?;
        return fail(
            &start,
            "expected a single date like 2025-12-02 here, not a range".into(),
        );
    }
    Ok((rest, (span, at)))
}

fn parse_integer(i: Input<'_>) -> PResult<'_, u64> {
    let (i, _) = ws(i)?;
    let attempt: PResult<'_, Input<'_>> = digit1(i);
    match attempt {
        Ok((rest, digits)) => match digits.fragment().parse() {
            Ok(n) => Ok((rest, n)),
            Err(_) => fail(
                &i,
                format!(
                    "{} is too large (the largest number is {})",
                    digits.fragment(),
                    u64::MAX
                ),
            ),
        },
        Err(_) => mismatch(&i, "a number"),
    }
}

/// A word from a closed set, like a status.
fn parse_value<'a, T>(
    what: &'static str,
    from_word: fn(&str) -> Option<T>,
) -> impl FnMut(Input<'a>) -> PResult<'a, T> {
    move |i| {
        let (rest, (word, _)) = any_word(what)(i)?;
        match from_word(&word.to_ascii_lowercase()) {
            Some(value) => Ok((rest, value)),
            None => {
                let (at, _) = ws(i)?;
                mismatch(&at, what)
            }
        }
    }
}

const STATUS: &str = "a status (occurred, planned, possible, ruled_out, denied, cancelled)";
const CERTAINTY: &str = "a certainty (confirmed, expected, possible)";
const KINDS: &str = "a kind of record (actor, place, document, meeting, relation)";

fn parse_status(i: Input<'_>) -> PResult<'_, Status> {
    parse_value(STATUS, Status::from_word)(i)
}

fn record_kind(word: &str) -> Option<RecordKind> {
    RecordKind::ALL.into_iter().find(|k| k.word() == word)
}

// ---- Statements ---------------------------------------------------------------------------

/// `script = { statement ";" } [ statement ]`: every statement with its span.
pub(crate) fn parse_script(i: Input<'_>) -> PResult<'_, Vec<(Statement, Span)>> {
    let mut statements = Vec::new();
    let mut i = i;
    loop {
        let (rest, _) = ws(i)?;
        if rest.fragment().is_empty() {
            return Ok((rest, statements));
        }
        if let Ok((rest, ())) = sym(";")(rest) {
            i = rest; // an empty statement
            continue;
        }
        let start = rest;
        let (rest, statement) = cut(parse_statement)(rest)?;
        let span = span_of(&start, &rest);
        statements.push((statement, span));
        let (rest, _) = ws(rest)?;
        if rest.fragment().is_empty() {
            return Ok((rest, statements));
        }
        let (rest, ()) = cut(sym(";"))(rest)?;
        i = rest;
    }
}

/// `statement = query | explain | write | load | dump`
fn parse_statement(i: Input<'_>) -> PResult<'_, Statement> {
    alt((
        |i| parse_query(i).map(|(r, q)| (r, Statement::Query(q))),
        parse_explain,
        parse_add,
        parse_set,
        parse_delete,
        parse_load,
        parse_dump,
    ))
    .parse(i)
}

/// `explain = "explain" query`
fn parse_explain(i: Input<'_>) -> PResult<'_, Statement> {
    let (i, _) = kw("explain")(i)?;
    let (i, query) = cut(parse_query)(i)?;
    Ok((i, Statement::Explain(query)))
}

/// `query = question { filter } [ return ] [ order ] [ limit ]`
fn parse_query(i: Input<'_>) -> PResult<'_, Query> {
    let (i, question) = parse_question(i)?;
    let (i, filters) = parse_filters(i)?;
    let (i, returns) = opt(parse_return).parse(i)?;
    let returns = returns.unwrap_or_default();
    let (i, order) = opt(parse_order).parse(i)?;
    let order = order.unwrap_or_default();
    let (i, limit) = opt(preceded(kw("limit"), cut(parse_integer))).parse(i)?;
    let (at, _) = ws(i)?;
    if next_is(&at, "return") {
        return fail(&at, "`return` goes before `order by` and `limit`".into());
    }
    if next_is(&at, "order") {
        let message = if limit.is_some() {
            "`order by` goes before `limit`"
        } else {
            "`order by` is given twice; list its columns with commas"
        };
        return fail(&at, message.into());
    }
    if limit.is_some() && next_is(&at, "limit") {
        return fail(&at, "`limit` is given twice".into());
    }
    Ok((
        i,
        Query {
            question,
            filters,
            returns,
            order,
            limit,
        },
    ))
}

/// `question = who_met | who_with | when_met | where_met | meetings | path | who_is | timeline
/// | sources | reported_by | where_is | side_of | disputes | quotes | relations`
fn parse_question(i: Input<'_>) -> PResult<'_, Question> {
    alt((
        parse_who,
        parse_when_where,
        parse_meetings,
        parse_path,
        parse_timeline,
        parse_sources,
        parse_reported,
        parse_relations,
        parse_side,
        parse_disputes,
        parse_quotes,
    ))
    .parse(i)
}

/// `who_met`, `who_with` and `who_is`, which share their first word.
fn parse_who(i: Input<'_>) -> PResult<'_, Question> {
    let (i, _) = kw("who")(i)?;
    cut(alt((
        |i| {
            preceded(kw("met"), cut(parse_name))
                .parse(i)
                .map(|(r, n)| (r, Question::WhoMet(n)))
        },
        |i| {
            preceded((kw("was"), cut(kw("with"))), cut(parse_name))
                .parse(i)
                .map(|(r, n)| (r, Question::WhoWasWith(n)))
        },
        |i| {
            preceded(kw("is"), cut(parse_name))
                .parse(i)
                .map(|(r, n)| (r, Question::WhoIs(n)))
        },
    )))
    .parse(i)
}

/// `when_met = "when" "did" name "meet" name`, `where_met` likewise; `where_is`.
fn parse_when_where(i: Input<'_>) -> PResult<'_, Question> {
    let (i, when) = alt((
        |i| kw("when")(i).map(|(r, _)| (r, true)),
        |i| kw("where")(i).map(|(r, _)| (r, false)),
    ))
    .parse(i)?;
    if !when {
        if let Ok((rest, _)) = kw("is")(i) {
            let (rest, place) = cut(parse_name)(rest)?;
            return Ok((rest, Question::WhereIs(place)));
        }
    }
    let (i, _) = cut(kw("did"))(i)?;
    let (i, a) = cut(parse_name)(i)?;
    let (i, _) = cut(kw("meet"))(i)?;
    let (i, b) = cut(parse_name)(i)?;
    Ok((
        i,
        if when {
            Question::WhenDidMeet(a, b)
        } else {
            Question::WhereDidMeet(a, b)
        },
    ))
}

/// `meetings = "meetings" [ "with" name { "and" name } ]`; `with at least` is a filter.
fn parse_meetings(i: Input<'_>) -> PResult<'_, Question> {
    let (i, _) = kw("meetings")(i)?;
    let with_names = |i| {
        let (i, _) = kw("with")(i)?;
        if peek(kw("at")).parse(i).is_ok() {
            return Err(nom::Err::Error(Failure {
                offset: i.location_offset(),
                message: None,
            }));
        }
        let (mut i, first) = cut(parse_name)(i)?;
        let mut names = vec![first];
        while let Ok((rest, _)) = kw("and")(i) {
            let (rest, name) = cut(parse_name)(rest)?;
            names.push(name);
            i = rest;
        }
        Ok((i, names))
    };
    let (i, names) = opt(with_names).parse(i)?;
    Ok((i, Question::Meetings(names.unwrap_or_default())))
}

/// `path = "path" "from" name "to" name`
fn parse_path(i: Input<'_>) -> PResult<'_, Question> {
    let (i, _) = kw("path")(i)?;
    let (i, _) = cut(kw("from"))(i)?;
    let (i, from) = cut(parse_name)(i)?;
    let (i, _) = cut(kw("to"))(i)?;
    let (i, to) = cut(parse_name)(i)?;
    Ok((i, Question::Path(from, to)))
}

/// `timeline = "timeline" "of" name`
fn parse_timeline(i: Input<'_>) -> PResult<'_, Question> {
    let (i, _) = kw("timeline")(i)?;
    let (i, _) = cut(kw("of"))(i)?;
    let (i, name) = cut(parse_name)(i)?;
    Ok((i, Question::Timeline(name)))
}

/// `sources = "sources" "of" name`
fn parse_sources(i: Input<'_>) -> PResult<'_, Question> {
    let (i, _) = kw("sources")(i)?;
    let (i, _) = cut(kw("of"))(i)?;
    let (i, name) = cut(parse_name)(i)?;
    Ok((i, Question::Sources(name)))
}

/// `reported_by = "reported" "by" name`
fn parse_reported(i: Input<'_>) -> PResult<'_, Question> {
    let (i, _) = kw("reported")(i)?;
    let (i, _) = cut(kw("by"))(i)?;
    let (i, name) = cut(parse_name)(i)?;
    Ok((i, Question::ReportedBy(name)))
}

/// `relations = "relations" "of" name`
fn parse_relations(i: Input<'_>) -> PResult<'_, Question> {
    let (i, _) = kw("relations")(i)?;
    let (i, _) = cut(kw("of"))(i)?;
    let (i, name) = cut(parse_name)(i)?;
    Ok((i, Question::RelationsOf(name)))
}

/// `disputes = "disputes" [ "of" name ]`
fn parse_disputes(i: Input<'_>) -> PResult<'_, Question> {
    let (i, _) = kw("disputes")(i)?;
    match kw("of")(i) {
        Ok((i, _)) => {
            let (i, name) = cut(parse_name)(i)?;
            Ok((i, Question::Disputes(Some(name))))
        }
        Err(_) => Ok((i, Question::Disputes(None))),
    }
}

/// `quotes = "quotes" "matching" string`
fn parse_quotes(i: Input<'_>) -> PResult<'_, Question> {
    let (i, _) = kw("quotes")(i)?;
    let (i, _) = cut(kw("matching"))(i)?;
    let (i, (text, span)) = cut(parse_string)(i)?;
    Ok((i, Question::QuotesMatching(text, span)))
}

/// `side_of = "side" "of" name`
fn parse_side(i: Input<'_>) -> PResult<'_, Question> {
    let (i, _) = kw("side")(i)?;
    let (i, _) = cut(kw("of"))(i)?;
    let (i, name) = cut(parse_name)(i)?;
    Ok((i, Question::SideOf(name)))
}

/// `{ filter }`, each filter at most once.
fn parse_filters(mut i: Input<'_>) -> PResult<'_, Filters> {
    let mut filters = Filters::default();
    loop {
        let (at, _) = ws(i)?;
        let twice = |what: &str| {
            fail(
                &at,
                format!("`{what}` is given twice; give each filter once"),
            )
        };
        if let Ok((rest, (start, _, end))) = (kw("in"), kw("time"), cut(kw("order"))).parse(i) {
            let span = Span {
                end: end.end,
                ..start
            };
            if filters.time_order.replace(span).is_some() {
                return twice("in time order");
            }
            i = rest;
        } else if let Ok((rest, _)) = kw("in")(i) {
            let (rest, place) = cut(parse_name)(rest)?;
            if filters.place.replace(place).is_some() {
                return twice("in");
            }
            i = rest;
        } else if let Ok((rest, _)) = kw("as")(i) {
            let (rest, _) = cut(kw("of"))(rest)?;
            let (rest, span) = cut(parse_date_filter)(rest)?;
            if filters.as_of.replace(span).is_some() {
                return twice("as of");
            }
            i = rest;
        } else if let Ok((rest, _)) = kw("according")(i) {
            let (rest, _) = cut(kw("to"))(rest)?;
            let (rest, document) = cut(parse_name)(rest)?;
            if filters.according_to.replace(document).is_some() {
                return twice("according to");
            }
            i = rest;
        } else if let Ok((rest, _)) = kw("during")(i) {
            let (rest, span) = cut(parse_date_filter)(rest)?;
            if filters.during.replace(span).is_some() {
                return twice("during");
            }
            i = rest;
        } else if let Ok((rest, _)) = kw("between")(i) {
            let (rest, (from, from_at)) = cut(parse_date)(rest)?;
            let (rest, _) = cut(kw("and"))(rest)?;
            let (rest, (to, to_at)) = cut(parse_date)(rest)?;
            let range = match DateSpan::range(from.from(), to.to()) {
                Ok(range) => range,
                Err(_) => {
                    let (start, _) = ws(i)?;
                    return fail(
                        &start,
                        format!("the range {from} to {to} ends before it starts"),
                    );
                }
            };
            let span = Span {
                end: to_at.end,
                ..from_at
            };
            if filters.during.replace((range, span)).is_some() {
                return twice("between");
            }
            i = rest;
        } else if let Ok((rest, _)) = kw("including")(i) {
            let (rest, statuses) = cut(parse_including)(rest)?;
            if filters.statuses.replace(statuses).is_some() {
                return twice("including` or `status");
            }
            i = rest;
        } else if let Ok((rest, _)) = kw("status")(i) {
            let (rest, statuses) = cut(parse_statuses)(rest)?;
            if filters
                .statuses
                .replace(StatusFilter::Only(statuses))
                .is_some()
            {
                return twice("including` or `status");
            }
            i = rest;
        } else if let Ok((rest, _)) = (kw("with"), kw("at")).parse(i) {
            let (rest, _) = cut(kw("least"))(rest)?;
            let (rest, n) = cut(parse_integer)(rest)?;
            if let Ok((rest, _)) = kw("sources")(rest) {
                if filters.min_sources.replace(n).is_some() {
                    return twice("with at least … sources");
                }
                i = rest;
                continue;
            }
            let (rest, _) = cut(kw("participants"))(rest)?;
            if filters.min_participants.replace(n).is_some() {
                return twice("with at least … participants");
            }
            i = rest;
        } else {
            return Ok((i, filters));
        }
    }
}

/// `"including" ( "all" | status { "," status } )`
fn parse_including(i: Input<'_>) -> PResult<'_, StatusFilter> {
    if let Ok((rest, _)) = kw("all")(i) {
        return Ok((rest, StatusFilter::All));
    }
    let (i, statuses) = parse_statuses(i)?;
    Ok((i, StatusFilter::Including(statuses)))
}

/// `status { "," status }`
fn parse_statuses(i: Input<'_>) -> PResult<'_, Vec<Status>> {
    let (mut i, first) = parse_value(STATUS, Status::from_word)(i)?;
    let mut statuses = vec![first];
    while let Ok((rest, ())) = sym(",")(i) {
        let (rest, status) = cut(parse_status)(rest)?;
        statuses.push(status);
        i = rest;
    }
    Ok((i, statuses))
}

/// `return = "return" word { "," word }`
fn parse_return(i: Input<'_>) -> PResult<'_, Vec<ColumnRef>> {
    let (mut i, _) = kw("return")(i)?;
    let mut columns = Vec::new();
    loop {
        let (rest, (name, span)) = cut(any_word("a column name"))(i)?;
        columns.push(ColumnRef {
            name: name.to_ascii_lowercase(),
            span,
        });
        match sym(",")(rest) {
            Ok((rest, ())) => i = rest,
            Err(_) => return Ok((rest, columns)),
        }
    }
}

/// `order = "order" "by" word [ "asc" | "desc" ]`
fn parse_order(i: Input<'_>) -> PResult<'_, Vec<Order>> {
    let (i, _) = kw("order")(i)?;
    let (mut i, _) = cut(kw("by"))(i)?;
    let mut keys = Vec::new();
    loop {
        let (rest, key) = cut(parse_order_key)(i)?;
        keys.push(key);
        match sym(",")(rest) {
            Ok((rest, ())) => i = rest,
            Err(_) => return Ok((rest, keys)),
        }
    }
}

/// `word [ "asc" | "desc" ]`
fn parse_order_key(i: Input<'_>) -> PResult<'_, Order> {
    let (i, (column, span)) = any_word("a column name")(i)?;
    let (i, direction) = opt(alt((kw("asc"), kw("desc")))).parse(i)?;
    let descending = direction.is_some_and(|d| d.end - d.start == 4);
    Ok((
        i,
        Order {
            column: column.to_ascii_lowercase(),
            span,
            descending,
        },
    ))
}

/// `add_document`, `add_place`, `add_actor`, `add_meeting`, `add_relation`, `add_alias`
fn parse_add(i: Input<'_>) -> PResult<'_, Statement> {
    let (i, add) = kw("add")(i)?;
    if let Ok((rest, _)) = kw("alias")(i) {
        let (rest, alias) = cut(parse_name)(rest)?;
        let (rest, _) = cut(kw("to"))(rest)?;
        let (rest, (kind, target)) = cut(parse_named_target)(rest)?;
        return Ok((
            rest,
            Statement::AddAlias {
                alias: alias.text,
                kind,
                target,
            },
        ));
    }
    let (i, kind) = cut(parse_record_kind)(i)?;
    let (i, handle, name, relation) = match kind {
        RecordKind::Actor | RecordKind::Place => {
            let (i, handle) = opt(parse_handle).parse(i)?;
            let (i, name) = cut(parse_name)(i)?;
            (i, handle.map(|(h, _)| h), Some(name.text), None)
        }
        RecordKind::Relation => {
            // `#r1 #kushner envoy_of #usa` or `#kushner envoy_of #usa`: a leading handle is the
            // relation's own only when a whole relation follows it.
            let triple = |i| {
                let (i, subject) = parse_single_name(i)?;
                let (i, (predicate, _)) =
                    alt((bare_word("a predicate like envoy_of"), parse_string)).parse(i)?;
                let (i, object) = parse_name(i)?;
                Ok((i, (subject, predicate, object)))
            };
            let (i, (handle, relation)) = cut(alt((
                |i| {
                    (parse_handle, triple)
                        .parse(i)
                        .map(|(r, ((h, _), t))| (r, (Some(h), t)))
                },
                |i| triple(i).map(|(r, t)| (r, (None, t))),
            )))
            .parse(i)?;
            (i, handle, None, Some(relation))
        }
        RecordKind::Document | RecordKind::Meeting => {
            let (i, handle) = opt(parse_handle).parse(i)?;
            (i, handle.map(|(h, _)| h), None, None)
        }
    };
    let (rest, clauses) = many0(parse_clause(kind)).parse(i)?;
    let span = span_of_statement(add, &rest);
    Ok((
        rest,
        Statement::Add(Definition {
            kind,
            handle,
            name,
            relation,
            clauses,
            span,
        }),
    ))
}

fn span_of_statement(start: Span, end: &Input<'_>) -> Span {
    Span {
        end: end.location_offset(),
        ..start
    }
}

fn parse_record_kind(i: Input<'_>) -> PResult<'_, RecordKind> {
    parse_value(KINDS, record_kind)(i)
}

/// `("actor" | "place") name`, for aliases.
fn parse_named_target(i: Input<'_>) -> PResult<'_, (RecordKind, NameRef)> {
    let (rest, kind) = parse_value("`actor` or `place`", |w| match w {
        "actor" => Some(RecordKind::Actor),
        "place" => Some(RecordKind::Place),
        _ => None,
    })(i)?;
    let (rest, target) = cut(parse_name)(rest)?;
    Ok((rest, (kind, target)))
}

/// `set = "set" record_kind name { set_clause }`
fn parse_set(i: Input<'_>) -> PResult<'_, Statement> {
    let (i, _) = kw("set")(i)?;
    let (i, kind) = cut(parse_record_kind)(i)?;
    let (i, target) = cut(parse_name)(i)?;
    let name_clause = |i| {
        preceded(kw("name"), cut(parse_name))
            .parse(i)
            .map(|(r, n)| (r, Clause::Name(n.text)))
    };
    let (i, clauses) = many0(alt((name_clause, parse_clause(kind)))).parse(i)?;
    Ok((
        i,
        Statement::Set {
            kind,
            target,
            clauses,
        },
    ))
}

/// `delete = "delete" record_kind name`, `delete_alias`
fn parse_delete(i: Input<'_>) -> PResult<'_, Statement> {
    let (i, _) = kw("delete")(i)?;
    if let Ok((rest, _)) = kw("alias")(i) {
        let (rest, alias) = cut(parse_name)(rest)?;
        let (rest, _) = cut(kw("from"))(rest)?;
        let (rest, (kind, target)) = cut(parse_named_target)(rest)?;
        return Ok((
            rest,
            Statement::DeleteAlias {
                alias: alias.text,
                kind,
                target,
            },
        ));
    }
    let (i, kind) = cut(parse_record_kind)(i)?;
    let (i, target) = cut(parse_name)(i)?;
    Ok((i, Statement::Delete { kind, target }))
}

/// `load = "load" ( string | "demo" )`
fn parse_load(i: Input<'_>) -> PResult<'_, Statement> {
    let (i, _) = kw("load")(i)?;
    let demo = |i| {
        let (rest, (word, _)) = any_word("`demo`")(i)?;
        if word.eq_ignore_ascii_case("demo") {
            Ok((rest, LoadSource::Demo))
        } else {
            mismatch(&ws(i)?.0, Expected::Quoted("demo"))
        }
    };
    let file = |i| parse_string(i).map(|(r, (path, _))| (r, LoadSource::File(path)));
    let (i, source) = cut(alt((file, demo))).parse(i)?;
    Ok((i, Statement::Load(source)))
}

/// `dump = "dump" [ string [ "replace" ] ]`
fn parse_dump(i: Input<'_>) -> PResult<'_, Statement> {
    let (i, _) = kw("dump")(i)?;
    let (i, file) = opt(parse_string).parse(i)?;
    let Some((file, _)) = file else {
        return Ok((
            i,
            Statement::Dump {
                file: None,
                replace: false,
            },
        ));
    };
    let (i, replace) = opt(kw("replace")).parse(i)?;
    Ok((
        i,
        Statement::Dump {
            file: Some(file),
            replace: replace.is_some(),
        },
    ))
}

// ---- Clauses ------------------------------------------------------------------------------

/// The clauses a record of `kind` takes (`document_clause`, `place_clause` …).
fn parse_clause<'a>(kind: RecordKind) -> impl FnMut(Input<'a>) -> PResult<'a, Clause> {
    move |i| match kind {
        RecordKind::Document => alt((
            |i| doc_field(i, "title", DocumentField::Title),
            |i| doc_field(i, "outlet", DocumentField::Outlet),
            |i| doc_field(i, "url", DocumentField::Url),
            |i| doc_field(i, "file", DocumentField::File),
            parse_language,
            |i| {
                preceded(kw("published"), cut(parse_date_span))
                    .parse(i)
                    .map(|(r, (d, _))| (r, Clause::Published(d)))
            },
        ))
        .parse(i),
        RecordKind::Place => alt((parse_kind_clause, parse_in_clause, parse_aka)).parse(i),
        RecordKind::Actor => alt((
            parse_kind_clause,
            parse_aka,
            |i| {
                preceded(kw("affiliation"), cut(parse_name))
                    .parse(i)
                    .map(|(r, n)| (r, Clause::Affiliation(n)))
            },
            parse_title,
        ))
        .parse(i),
        RecordKind::Meeting => alt((
            parse_kind_clause,
            |i| {
                preceded(kw("on"), cut(parse_date_span))
                    .parse(i)
                    .map(|(r, (d, _))| (r, Clause::Date(d)))
            },
            parse_in_clause,
            |i| {
                preceded(kw("status"), cut(parse_status))
                    .parse(i)
                    .map(|(r, s)| (r, Clause::Status(s)))
            },
            parse_with,
            |i| {
                preceded(kw("summary"), cut(parse_string))
                    .parse(i)
                    .map(|(r, (s, _))| (r, Clause::Summary(s)))
            },
            parse_source,
        ))
        .parse(i),
        RecordKind::Relation => alt((
            |i| {
                preceded(kw("during"), cut(parse_date_span))
                    .parse(i)
                    .map(|(r, (d, _))| (r, Clause::Date(d)))
            },
            parse_source,
        ))
        .parse(i),
    }
}

fn doc_field<'a>(i: Input<'a>, keyword: &'static str, field: DocumentField) -> PResult<'a, Clause> {
    let (i, _) = kw(keyword)(i)?;
    let (i, (text, _)) = cut(parse_string)(i)?;
    Ok((i, Clause::DocumentField(field, text)))
}

fn parse_language(i: Input<'_>) -> PResult<'_, Clause> {
    let (i, _) = kw("language")(i)?;
    let (i, (text, _)) = cut(word_or_string("a language code like fr"))(i)?;
    Ok((i, Clause::DocumentField(DocumentField::Language, text)))
}

fn parse_kind_clause(i: Input<'_>) -> PResult<'_, Clause> {
    let (i, _) = kw("kind")(i)?;
    let (i, (word, span)) = cut(word_or_string("a kind"))(i)?;
    Ok((i, Clause::Kind(word, span)))
}

fn parse_in_clause(i: Input<'_>) -> PResult<'_, Clause> {
    let (i, _) = kw("in")(i)?;
    let (i, place) = cut(parse_name)(i)?;
    Ok((i, Clause::In(place)))
}

/// `"aka" name { "," name }`
fn parse_aka(i: Input<'_>) -> PResult<'_, Clause> {
    let (mut i, _) = kw("aka")(i)?;
    let mut names = Vec::new();
    loop {
        let (rest, name) = cut(parse_name)(i)?;
        names.push(name.text);
        match sym(",")(rest) {
            Ok((rest, ())) => i = rest,
            Err(_) => return Ok((rest, Clause::Aka(names))),
        }
    }
}

/// `"title" string [ "during" date_span ]`
fn parse_title(i: Input<'_>) -> PResult<'_, Clause> {
    let (i, _) = kw("title")(i)?;
    let (i, (text, _)) = cut(parse_string)(i)?;
    let (i, during) = opt(preceded(kw("during"), cut(parse_date_span))).parse(i)?;
    Ok((i, Clause::Title(text, during.map(|(d, _)| d))))
}

/// `"with" name { participant_clause }`
fn parse_with(i: Input<'_>) -> PResult<'_, Clause> {
    let (i, _) = kw("with")(i)?;
    let (mut i, actor) = cut(parse_name)(i)?;
    let mut participant = ParticipantDef {
        actor,
        side: None,
        role: None,
        certainty: None,
    };
    loop {
        if let Ok((rest, _)) = kw("side")(i) {
            let (rest, side) = cut(parse_name)(rest)?;
            participant.side = Some(side);
            i = rest;
        } else if let Ok((rest, _)) = kw("role")(i) {
            let (rest, (role, _)) = cut(word_or_string("a role like head_of_delegation"))(rest)?;
            participant.role = Some(role);
            i = rest;
        } else if let Ok((rest, _)) = kw("certainty")(i) {
            let (rest, certainty) = cut(parse_value(CERTAINTY, Certainty::from_word))(rest)?;
            participant.certainty = Some(certainty);
            i = rest;
        } else {
            return Ok((i, Clause::With(participant)));
        }
    }
}

/// `source = "source" name string { "says" ( status [ date_span ] | date_span ) }`
fn parse_source(i: Input<'_>) -> PResult<'_, Clause> {
    let (i, _) = kw("source")(i)?;
    let (i, document) = cut(parse_name)(i)?;
    let (mut i, (quote, _)) = cut(parse_string)(i)?;
    let mut source = SourceDef {
        document,
        quote,
        says_status: None,
        says_date: None,
    };
    while let Ok((rest, _)) = kw("says")(i) {
        if let Ok((rest, status)) = parse_status(rest) {
            source.says_status = Some(status);
            let (rest, date) = opt(parse_date_span).parse(rest)?;
            source.says_date = date.map(|(d, _)| d).or(source.says_date);
            i = rest;
        } else {
            let (rest, (date, _)) = cut(parse_date_span)(rest)?;
            source.says_date = Some(date);
            i = rest;
        }
    }
    Ok((i, Clause::Source(source)))
}
