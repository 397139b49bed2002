//! The parser: the tree of every form (snapshots), the message of every kind of mistake
//! (snapshots), and robustness on arbitrary and mutated text (property tests).

use std::path::Path;

use entrevue::syntax::{parse, ParseError, Statement, KEYWORDS};
use proptest::prelude::*;

/// The statements of `text`, or the error shown.
fn parsed(text: &str) -> Vec<Statement> {
    match parse(text) {
        Ok(statements) => statements.into_iter().map(|(s, _)| s).collect(),
        Err(e) => panic!("`{text}` does not parse:\n{e}"),
    }
}

/// The error of `text`, which must not parse.
fn error(text: &str) -> ParseError {
    match parse(text) {
        Ok(statements) => panic!("`{text}` parses, but should not: {statements:#?}"),
        Err(e) => e,
    }
}

// ---- The tree of every form ------------------------------------------------------------------

macro_rules! ast_snapshot {
    ($name:ident, $text:expr) => {
        #[test]
        fn $name() {
            let statements = parse($text).unwrap_or_else(|e| panic!("{e}"));
            insta::assert_debug_snapshot!(stringify!($name), statements, $text);
        }
    };
}

ast_snapshot!(ast_who_met, "who met Witkoff;");
ast_snapshot!(ast_who_with, "who was with Steve Witkoff;");
ast_snapshot!(ast_when_met, "when did Steve Witkoff meet Vladimir Putin;");
ast_snapshot!(ast_where_met, "where did Witkoff meet #umerov;");
ast_snapshot!(ast_meetings, "meetings;");
ast_snapshot!(
    ast_meetings_with,
    "meetings with Witkoff and \"Kirill Dmitriev\" and #umerov;"
);
ast_snapshot!(ast_path, "path from Bessent to Zelensky;");
ast_snapshot!(ast_who_is, "who is \"Volodímir Zelenski\";");
ast_snapshot!(ast_timeline, "timeline of Umerov;");
ast_snapshot!(ast_sources, "sources of #m02;");
ast_snapshot!(
    ast_filters_all,
    "meetings with Umerov in Florida between 2025-11-01 and 2025-12-31 \
     including planned, possible with at least 3 participants order by date desc limit 5;"
);
ast_snapshot!(
    ast_filters_during_approximate_range,
    "who met Witkoff during ~2025-11..2025-12 including all order by Actor;"
);
ast_snapshot!(
    ast_explain,
    "explain who met Witkoff in Florida during 2025-12 including planned;"
);
ast_snapshot!(
    ast_add_document,
    "add document #d9 title \"Talks in Miami\" outlet \"AFP\" language fr \
     published 2025-12-20 url \"https://example.org/d9\" file \"d9.txt\";"
);
ast_snapshot!(
    ast_add_place,
    "add place #fl \"Florida\" kind region in \"United States\" aka Floride, 'La Floride';"
);
ast_snapshot!(
    ast_add_actor,
    "add actor #sw \"Steve Witkoff\" kind person aka Witkoff, \"M. Witkoff\" \
     affiliation #usa title \"envoyé spécial\" during 2025;"
);
ast_snapshot!(
    ast_add_meeting,
    "add meeting #m9 kind talks on 2025-12-20 in Miami status occurred \
     with Witkoff side #usa role envoy with Dmitriev side #ru certainty expected \
     summary \"US\\u{2013}Russia talks\" source #d9 \"ont tenu ce samedi\" says planned 2025-12;"
);
ast_snapshot!(
    ast_add_relation,
    "add relation Kushner son_in_law_of Trump source #d9 \"le gendre du président\";"
);
ast_snapshot!(
    ast_add_relation_with_handle,
    "add relation #r7 #kushner envoy_of #usa during 2025;"
);
ast_snapshot!(
    ast_add_alias,
    "add alias \"Rustem Omerov\" to actor Umerov;"
);
ast_snapshot!(
    ast_set,
    "set meeting m07 status occurred on 2025-12-20 name \"Miami talks\";"
);
ast_snapshot!(ast_delete, "delete meeting m07;");
ast_snapshot!(ast_delete_alias, "delete alias Oumerov from actor Umerov;");
ast_snapshot!(ast_load_file, "load 'fixtures/extra.ent';");
ast_snapshot!(ast_load_demo, "LOAD Demo;");
ast_snapshot!(
    ast_dump,
    "dump \"backup.ent\"; dump; dump 'backup.ent' replace"
);
ast_snapshot!(
    ast_script_with_comments,
    "-- who met whom\nwho met Witkoff; ;\n  -- then\nwho is Oumerov -- no semicolon at the end\n"
);

#[test]
fn empty_input_is_an_empty_script() {
    assert!(parsed("").is_empty());
    assert!(parsed("   \n\t\r\n").is_empty());
}

#[test]
fn a_comment_alone_is_an_empty_script() {
    assert!(parsed("-- nothing to see").is_empty());
    assert!(parsed("-- one\n  -- two\n;;\n").is_empty());
}

#[test]
fn keywords_match_regardless_of_case() {
    // The two texts have the same offsets, so the spans agree too.
    assert_eq!(
        parsed("WHO Met Witkoff DURING 2025-12 Order BY date DESC;"),
        parsed("who met Witkoff during 2025-12 order by date desc;")
    );
}

#[test]
fn a_name_runs_to_the_next_keyword() {
    let statements = parsed("when did Steve Witkoff meet Vladimir Putin;");
    let Statement::Query(query) = &statements[0] else {
        panic!("{statements:?}");
    };
    let entrevue::syntax::Question::WhenDidMeet(a, b) = &query.question else {
        panic!("{query:?}");
    };
    assert_eq!(a.text, "Steve Witkoff");
    assert_eq!(b.text, "Vladimir Putin");
    assert_eq!(
        &"when did Steve Witkoff meet"[a.span.start..a.span.end],
        "Steve Witkoff"
    );
}

#[test]
fn add_place_without_a_kind_parses() {
    // The kind is required, but that is checked when the statement runs, not by the parser.
    assert_eq!(parsed("add place X;").len(), 1);
}

// ---- The message of every kind of mistake ---------------------------------------------------

/// Snapshots the message shown for `text`, which must not parse.
macro_rules! error_snapshot {
    ($name:ident, $text:expr) => {
        #[test]
        fn $name() {
            let err = error($text);
            check_location($text, &err);
            insta::assert_snapshot!(stringify!($name), err.to_string(), $text);
        }
    };
}

error_snapshot!(err_unterminated_double_quote, "who is \"Witkoff;");
error_snapshot!(err_unterminated_single_quote, "load 'fixtures/extra.ent;\n");
error_snapshot!(err_month_13, "who met Witkoff during 2025-13;");
error_snapshot!(err_february_30, "who met Witkoff during 2025-02-30;");
error_snapshot!(err_one_digit_month, "who met Witkoff during 2025-1;");
error_snapshot!(
    err_range_ends_before_it_starts,
    "who met Witkoff between 2025-12-31 and 2025-11-01;"
);
error_snapshot!(
    err_span_ends_before_it_starts,
    "meetings during 2025-12..2025-11;"
);
error_snapshot!(
    err_between_a_range,
    "who met Witkoff between 2025-11..2025-12 and 2026;"
);
error_snapshot!(err_when_without_meet, "when did Witkoff Putin;");
error_snapshot!(err_when_meet_nobody, "when did Witkoff meet;");
error_snapshot!(err_who_mett, "who mett Witkoff;");
error_snapshot!(err_who_alone, "who;");
error_snapshot!(err_who_was_without_with, "who was Witkoff;");
error_snapshot!(err_trailing_garbage, "who is Oumerov ) ;");
error_snapshot!(
    err_trailing_word_after_limit,
    "who met Witkoff limit 3 Putin;"
);
error_snapshot!(err_trailing_string_after_dump, "dump 'a.ent' 'b.ent';");
error_snapshot!(err_unknown_statement, "show meetings;");
error_snapshot!(err_keyword_as_name, "who met in;");
error_snapshot!(err_empty_with_list, "meetings with;");
error_snapshot!(err_with_list_ends_with_and, "meetings with Witkoff and;");
error_snapshot!(err_including_bad_status, "meetings including happened;");
error_snapshot!(err_including_trailing_comma, "meetings including planned,;");
error_snapshot!(
    err_at_least_four_in_words,
    "meetings with at least four participants;"
);
error_snapshot!(err_filter_twice, "who met Witkoff in Florida in Miami;");
error_snapshot!(err_during_a_month_name, "who met Witkoff during December;");
error_snapshot!(err_limit_negative, "who met Witkoff limit -1;");
error_snapshot!(err_limit_in_words, "who met Witkoff limit three;");
error_snapshot!(
    err_limit_too_large,
    "who met Witkoff limit 99999999999999999999999;"
);
error_snapshot!(err_order_by_nothing, "who met Witkoff order by;");
error_snapshot!(err_order_without_by, "who met Witkoff order date;");
error_snapshot!(
    err_order_descending_spelled_out,
    "who met Witkoff order by date descending;"
);
error_snapshot!(err_path_without_to, "path from Bessent Zelensky;");
error_snapshot!(err_timeline_without_of, "timeline Umerov;");
error_snapshot!(err_empty_handle, "who is #;");
error_snapshot!(err_escape_q, "who is \"Wit\\qkoff\";");
error_snapshot!(err_escape_unicode_not_hex, "who is \"Wit\\u{zz}koff\";");
error_snapshot!(err_escape_unicode_surrogate, "who is \"\\u{d800}\";");
error_snapshot!(err_add_relation_without_object, "add relation #a b;");
error_snapshot!(err_add_meeting_with_nobody, "add meeting #m1 with;");
error_snapshot!(err_add_unknown_record_kind, "add person Witkoff;");
error_snapshot!(err_add_actor_without_name, "add actor;");
error_snapshot!(err_add_actor_kind_without_word, "add actor Witkoff kind;");
error_snapshot!(err_add_meeting_bad_status, "add meeting status happening;");
error_snapshot!(
    err_add_meeting_bad_certainty,
    "add meeting with Witkoff certainty sure;"
);
error_snapshot!(err_add_document_unquoted_title, "add document title Talks;");
error_snapshot!(
    err_add_meeting_source_without_quote,
    "add meeting source #d9;"
);
error_snapshot!(err_add_alias_to_meeting, "add alias X to meeting m1;");
error_snapshot!(err_set_meeting_without_name, "set meeting;");
error_snapshot!(err_set_unknown_record_kind, "set person Witkoff;");
error_snapshot!(
    err_delete_alias_from_meeting,
    "delete alias X from meeting m1;"
);
error_snapshot!(err_delete_nothing, "delete;");
error_snapshot!(err_load_nothing, "load;");
error_snapshot!(err_load_unquoted_path, "load fixtures/extra.ent;");
error_snapshot!(err_dump_unquoted_path, "dump backup.ent;");
error_snapshot!(err_explain_nothing, "explain;");
error_snapshot!(err_explain_a_write, "explain add actor X;");
error_snapshot!(err_incomplete_at_end_of_input, "who met");
error_snapshot!(err_after_a_comment, "-- first\nwho mett X;");
error_snapshot!(err_control_character, "who met Witkoff\u{0};");
error_snapshot!(err_crlf_lines, "who met Witkoff;\r\nwho is ;\r\n");
error_snapshot!(err_range_without_end, "meetings during 2025-12..;");
error_snapshot!(err_limit_twice, "who met Witkoff limit 3 limit 4;");
error_snapshot!(
    err_says_nothing,
    "add meeting on 2025-12-20 source #d9 \"q\" says;"
);
error_snapshot!(
    err_at_least_without_participants,
    "meetings with at least 4;"
);
error_snapshot!(err_predicate_is_a_keyword, "add relation Kushner of Trump;");
error_snapshot!(err_actor_handle_without_name, "add actor #sw;");
error_snapshot!(
    err_day_without_leading_zero,
    "who met Witkoff during 2025-12-1;"
);
error_snapshot!(err_unknown_character, "who met @Witkoff;");

#[test]
fn err_missing_semicolon_between_lines() {
    let text = "who met Witkoff\nwho is Oumerov;";
    let err = error(text);
    check_location(text, &err);
    assert_eq!(err.location.line, 2, "{err}");
    assert_eq!(err.location.column, 1, "{err}");
    assert_eq!(err.location.excerpt, "who is Oumerov;");
    insta::assert_snapshot!("err_missing_semicolon_between_lines", err.to_string(), text);
}

#[test]
fn err_missing_semicolon_on_one_line() {
    let text = "who met Witkoff who is Oumerov;";
    let err = error(text);
    check_location(text, &err);
    assert_eq!(err.location.column, 17, "{err}");
    insta::assert_snapshot!("err_missing_semicolon_on_one_line", err.to_string(), text);
}

#[test]
fn err_on_line_3() {
    let text = "who met Witkoff;\n-- statuses:\n  meetings with Umerov including sometimes;\n";
    let err = error(text);
    check_location(text, &err);
    assert_eq!(err.location.line, 3, "{err}");
    assert_eq!(err.location.column, 34, "{err}");
    assert_eq!(
        err.location.offset,
        text.find("sometimes").unwrap(),
        "{err}"
    );
    assert_eq!(
        err.location.excerpt,
        "  meetings with Umerov including sometimes;"
    );
    let shown = err.to_string();
    let lines: Vec<&str> = shown.lines().collect();
    assert!(lines[0].starts_with("3:34: "), "{shown}");
    assert_eq!(lines[1], "    meetings with Umerov including sometimes;");
    assert_eq!(lines[2], format!("  {}^", " ".repeat(33)));
    insta::assert_snapshot!("err_on_line_3", shown, text);
}

#[test]
fn err_after_tabs() {
    let text = "who met Witkoff;\n\t\twho met\tWitkoff during 2025-13;";
    let err = error(text);
    check_location(text, &err);
    assert_eq!(err.location.line, 2, "{err}");
    assert_eq!(err.location.column, 26, "{err}");
    let shown = err.to_string();
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines[1], "  \t\twho met\tWitkoff during 2025-13;");
    // The caret line keeps the tabs, so the caret sits under the date in any tab width.
    assert_eq!(
        lines[2],
        format!("  \t\t{}\t{}^", " ".repeat(7), " ".repeat(15))
    );
    insta::assert_snapshot!("err_after_tabs", shown, text);
}

#[test]
fn err_after_non_ascii_text() {
    let text = "who met \"Володимир Зеленський\" during 2025-13;";
    let err = error(text);
    check_location(text, &err);
    let column = text[..text.find("2025").unwrap()].chars().count() + 1;
    assert_eq!(err.location.column as usize, column, "{err}");
    assert_eq!(err.location.column, 39);
    assert_eq!(err.location.offset, text.find("2025").unwrap());
    let shown = err.to_string();
    let caret = shown.lines().nth(2).unwrap();
    assert_eq!(caret.chars().count(), 2 + column, "{shown}");
    insta::assert_snapshot!("err_after_non_ascii_text", shown, text);
}

#[test]
fn err_after_an_accented_bare_name() {
    let text = "who met Zelenskí Ñandú durng 2025;";
    let err = error(text);
    check_location(text, &err);
    insta::assert_snapshot!("err_after_an_accented_bare_name", err.to_string(), text);
}

/// The error of a text that must not parse. How long such parses take, as inputs grow, is
/// measured by `benches/queries.rs` (`parse_long_input_to_its_error`), not asserted here.
fn parse_error(text: &str) -> Result<ParseError, String> {
    match std::panic::catch_unwind(|| parse(text).map(|_| ())) {
        Ok(Err(err)) => Ok(err),
        Ok(Ok(())) => Err("it parses, but should not".into()),
        Err(_) => Err("the parser panicked".into()),
    }
}

#[test]
fn err_very_long_name() {
    let mut text = String::from("who met ");
    for n in 0..100_000 {
        text.push_str(if n % 2 == 0 { "Witkoff " } else { "Putin " });
    }
    text.push_str(") garbage;");
    let err = parse_error(&text)
        .unwrap_or_else(|problem| panic!("a 100,000-word name, then `) garbage;`: {problem}"));
    check_location(&text, &err);
    assert_eq!(
        err.location.offset,
        text.find(')').unwrap(),
        "{}",
        err.message
    );
    // The excerpt is the whole (long) line: snapshot the first line of the message only.
    let shown = err.to_string();
    let first = shown.lines().next().unwrap().to_string();
    insta::assert_snapshot!(
        "err_very_long_name",
        first,
        "a 100,000-word name, then `) garbage;`"
    );
}

/// The columns a character of the tests below takes on a terminal.
fn columns(text: &str) -> usize {
    text.chars()
        .map(|c| {
            if ('\u{4e00}'..='\u{9fff}').contains(&c) {
                2
            } else {
                1
            }
        })
        .sum()
}

/// The shown excerpt and the part of it from the caret on, checking that the caret line is
/// as wide as what stands before the spot.
fn at_caret(shown: &str) -> (String, String) {
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines.len(), 3, "{shown}");
    let (excerpt, caret) = (&lines[1][2..], &lines[2][2..]);
    assert!(caret.ends_with('^') && caret.trim_end_matches('^').trim().is_empty());
    let wanted = caret.len() - 1;
    let mut width = 0;
    for (at, c) in excerpt.char_indices() {
        if width == wanted {
            return (excerpt.to_string(), excerpt[at..].to_string());
        }
        width += columns(&c.to_string());
    }
    panic!("the caret is past the excerpt: {shown}");
}

#[test]
fn a_parse_error_in_a_10_mb_line_shows_a_window_around_the_caret() {
    let text = format!(
        "who met \"{}\" during 2025-13; -- {}",
        "x".repeat(5_000_000),
        "y".repeat(5_000_000)
    );
    let err = parse_error(&text).unwrap_or_else(|problem| panic!("a 10 MB line: {problem}"));
    assert_eq!(err.location.offset, text.find("2025-13").unwrap());
    let shown = err.to_string();
    assert!(shown.len() < 1_000, "{} bytes", shown.len());
    let (excerpt, from_caret) = at_caret(&shown);
    assert!(from_caret.starts_with("2025-13; -- y"), "{shown}");
    assert!(
        excerpt.starts_with('…') && excerpt.ends_with('…'),
        "{shown}"
    );
    assert!(columns(&excerpt) <= 100, "{shown}");

    // Wide characters before the spot take two columns, and the caret still sits under it.
    let text = format!("who met \"{}\" during 2025-13;", "中".repeat(300));
    let err = error(&text);
    check_location(&text, &err);
    let shown = err.to_string();
    let (excerpt, from_caret) = at_caret(&shown);
    assert!(from_caret.starts_with("2025-13;"), "{shown}");
    assert!(excerpt.starts_with("…中中"), "{shown}");
    assert!(columns(&excerpt) <= 100, "{shown}");

    // A short line is shown whole, wide characters and all.
    let text = "who met \"中国\" during 2025-13;";
    let shown = error(text).to_string();
    let (excerpt, from_caret) = at_caret(&shown);
    assert_eq!(excerpt, text);
    assert!(from_caret.starts_with("2025-13;"), "{shown}");
}

#[test]
fn err_after_many_long_lines_is_on_the_last_line() {
    let line = "meetings with Witkoff and Umerov including planned order by date desc limit 3;\n";
    let mut text = line.repeat(20_000);
    text.push_str("meetings with;\n");
    let err = error(&text);
    assert_eq!(err.location.line, 20_001);
    check_location(&text, &err);
}

#[test]
fn err_in_source_names_the_file() {
    let err = error("who mett X;").in_source("queries.ent");
    assert!(err.to_string().starts_with("queries.ent:1:5: "), "{err}");
}

// ---- Invariants -------------------------------------------------------------------------------

/// The lines of `text` as a location shows them: split at `\n`, without a `\r` before it.
fn lines_of(text: &str) -> Vec<&str> {
    text.split('\n')
        .map(|line| line.trim_end_matches('\r'))
        .collect()
}

/// Checks what every error must satisfy; returns a description of the first violation.
fn location_problem(text: &str, err: &ParseError) -> Option<String> {
    let at = &err.location;
    if at.offset > text.len() {
        return Some(format!(
            "offset {} past the end ({})",
            at.offset,
            text.len()
        ));
    }
    if !text.is_char_boundary(at.offset) {
        return Some(format!("offset {} is inside a character", at.offset));
    }
    if at.line < 1 || at.column < 1 {
        return Some(format!("line {} column {}", at.line, at.column));
    }
    let before = &text[..at.offset];
    let line = before.matches('\n').count() + 1;
    if at.line as usize != line {
        return Some(format!(
            "line {} for offset {} (on line {line})",
            at.line, at.offset
        ));
    }
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    let column = text[line_start..at.offset].chars().count() + 1;
    if at.column as usize != column {
        return Some(format!(
            "column {} for offset {} (at column {column})",
            at.column, at.offset
        ));
    }
    let lines = lines_of(text);
    if lines.get(line - 1) != Some(&at.excerpt.as_str()) {
        return Some(format!(
            "the excerpt {:?} is not line {line} of the input",
            at.excerpt
        ));
    }
    if err.message.is_empty() {
        return Some("an empty message".into());
    }
    if at.source.is_some() {
        return Some("a source from nowhere".into());
    }
    let shown = err.to_string();
    if !shown.starts_with(&format!("{}:{}: {}", at.line, at.column, err.message)) {
        return Some(format!("the message starts oddly: {shown:?}"));
    }
    if !shown.ends_with('^') {
        return Some(format!("no caret at the end: {shown:?}"));
    }
    None
}

fn check_location(text: &str, err: &ParseError) {
    if let Some(problem) = location_problem(text, err) {
        panic!("parsing {text:?}: {problem}\n{err}");
    }
}

/// Parses `text`: no panic, a sensible location on error, spans inside the text on success.
fn check_parse(text: &str) -> Result<(), TestCaseError> {
    match std::panic::catch_unwind(|| parse(text)) {
        Err(_) => Err(TestCaseError::fail(format!("parse panicked on {text:?}"))),
        Ok(Err(err)) => match location_problem(text, &err) {
            Some(problem) => Err(TestCaseError::fail(format!(
                "parsing {text:?}: {problem}\n{err}"
            ))),
            None => Ok(()),
        },
        Ok(Ok(statements)) => {
            let mut previous_end = 0;
            for (statement, span) in &statements {
                let fine = span.start <= span.end
                    && span.end <= text.len()
                    && span.start >= previous_end
                    && text.is_char_boundary(span.start)
                    && text.is_char_boundary(span.end);
                prop_assert!(fine, "bad span {span:?} of {statement:?} in {text:?}");
                previous_end = span.end;
            }
            Ok(())
        }
    }
}

// ---- Property tests -------------------------------------------------------------------------

/// Statements known to parse: the grammar's examples and a few more.
fn seeds() -> &'static [String] {
    static SEEDS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    SEEDS.get_or_init(read_seeds)
}

fn read_seeds() -> Vec<String> {
    let grammar = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("grammar/entrevue.ebnf"),
    )
    .expect("the grammar");
    let mut seeds: Vec<String> = grammar
        .lines()
        .filter_map(|line| line.trim().strip_prefix("(* example:"))
        .filter_map(|rest| rest.trim().strip_suffix("*)"))
        .map(|example| example.trim().to_string())
        .collect();
    seeds.extend(
        [
            "who met Witkoff between 2025-11-01 and 2025-12-31 order by date desc limit 3;",
            "meetings with at least 4 participants including all;",
            "who is 'Port of Pivdennyi';",
            "who met \"a\\\"b\\u{e9}\\n\";",
            "explain path from #bessent to Zelensky limit 1;",
            "-- a comment\nwho was with Witkoff -- and another\n;",
            "add actor \"Zelenskí\" kind person aka Зеленський; dump",
        ]
        .map(String::from),
    );
    seeds
}

/// Splits a statement into tokens: runs of non-space characters, with `;` and `,` apart.
fn tokens(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        if c.is_whitespace() || c == ';' || c == ',' {
            if !current.is_empty() {
                tokens.push(std::mem::take(&mut current));
            }
            if !c.is_whitespace() {
                tokens.push(c.to_string());
            }
        } else {
            current.push(c);
        }
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    tokens
}

/// A mutation; positions are taken modulo the number of characters or tokens.
#[derive(Clone, Debug)]
enum Mutation {
    /// Delete the characters between two positions.
    DeleteRange(usize, usize),
    /// Insert a string at a position.
    Insert(usize, String),
    /// Write a token twice.
    DuplicateToken(usize),
    /// Swap two tokens.
    SwapTokens(usize, usize),
    /// Replace a token by another string.
    ReplaceToken(usize, String),
}

fn insertion() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(KEYWORDS).prop_map(|k| format!(" {k} ")),
        2 => prop::sample::select(vec![
            ";", ",", "\"", "'", "#", "--", "\n", "\t", "\r", "..", "~", "-", "\\", "\\u{",
            "}", "2025-", "13", "0", "é", "’", "\u{0}", "\u{feff}", "𝕏", "Зе", "\u{301}",
        ])
        .prop_map(String::from),
        2 => "\\PC{1,4}",
        1 => any::<String>(),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::DeleteRange(a, b)),
        (any::<usize>(), insertion()).prop_map(|(a, s)| Mutation::Insert(a, s)),
        any::<usize>().prop_map(Mutation::DuplicateToken),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapTokens(a, b)),
        (any::<usize>(), insertion()).prop_map(|(a, s)| Mutation::ReplaceToken(a, s)),
    ]
}

fn apply(text: &str, mutation: &Mutation) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = tokens(text);
    match mutation {
        Mutation::DeleteRange(a, b) => {
            let (a, b) = (a % (chars.len() + 1), b % (chars.len() + 1));
            let (from, to) = (a.min(b), a.max(b));
            chars[..from].iter().chain(&chars[to..]).collect()
        }
        Mutation::Insert(at, s) => {
            let at = at % (chars.len() + 1);
            let mut out: String = chars[..at].iter().collect();
            out.push_str(s);
            out.extend(&chars[at..]);
            out
        }
        Mutation::DuplicateToken(at) if !tokens.is_empty() => {
            let at = at % tokens.len();
            tokens.insert(at, tokens[at].clone());
            tokens.join(" ")
        }
        Mutation::SwapTokens(a, b) if !tokens.is_empty() => {
            let n = tokens.len();
            tokens.swap(a % n, b % n);
            tokens.join(" ")
        }
        Mutation::ReplaceToken(at, s) if !tokens.is_empty() => {
            let at = at % tokens.len();
            tokens[at] = s.clone();
            tokens.join(" ")
        }
        _ => text.to_string(),
    }
}

/// Text made of the language's own pieces, more likely to get deep into the parser than
/// arbitrary characters.
fn token_soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => prop::sample::select(KEYWORDS).prop_map(String::from),
        2 => prop::sample::select(vec![
            "Witkoff", "Steve", "#m07", "\"Florida\"", "'x.ent'", "planned", "all", "demo",
            "2025", "2025-12", "2025-12-20", "~2025-11..2025-12", "4", "-1", "desc", "asc",
            "person", "region", "confirmed", "envoy_of", ";", ",", "--", "\n", "\"", "'",
        ])
        .prop_map(String::from),
        1 => "\\PC{1,3}",
    ];
    prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 1500,
        failure_persistence: None,
        .. ProptestConfig::default()
    })]

    /// (a) Arbitrary text, control characters and all.
    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>()) {
        check_parse(&text)?;
    }

    /// (a) Arbitrary characters, lines and indentation: multi-line positions.
    #[test]
    fn arbitrary_lines_never_panic(text in "[ \\t\\r\\na-zé;\"'#\\-0-9\\\\{}~.,]{0,80}") {
        check_parse(&text)?;
    }

    /// (a) Arbitrary sequences of the language's keywords and values.
    #[test]
    fn token_soup_never_panics(text in token_soup()) {
        check_parse(&text)?;
    }

    /// (b) Valid statements, mutated.
    #[test]
    fn mutated_statements_never_panic(
        seed in any::<usize>(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let seeds = seeds();
        let mut text = seeds[seed % seeds.len()].clone();
        for m in &mutations {
            text = apply(&text, m);
        }
        check_parse(&text)?;
    }

    /// (b) Several valid statements with one mutated: an error is never placed before the
    /// statement the mutation is in.
    #[test]
    fn mutated_scripts_point_at_or_after_the_mutation(
        first in any::<usize>(),
        second in any::<usize>(),
        m in mutation(),
    ) {
        let seeds = seeds();
        let head = format!("{}\n", seeds[first % seeds.len()]);
        let mutated = apply(&seeds[second % seeds.len()], &m);
        let text = format!("{head}{mutated}");
        check_parse(&text)?;
        if let Err(err) = parse(&text) {
            // The first statement is complete and well formed, so a mistake is found after it,
            // except a mutation that opens a string or comment and swallows what follows.
            prop_assert!(
                err.location.offset + 1 >= head.trim_end().len(),
                "{err}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 300,
        failure_persistence: None,
        .. ProptestConfig::default()
    })]

    /// The seeds parse, alone and together, and white space between tokens does not matter.
    #[test]
    fn seeds_parse_with_any_spacing(
        seed in any::<usize>(),
        spacing in prop::sample::select(vec![" ", "  ", "\n", "\t", " -- note\n", "\r\n"]),
    ) {
        let seeds = seeds();
        let text = &seeds[seed % seeds.len()];
        let count = parse(text).map(|s| s.len()).map_err(|e| TestCaseError::fail(format!("{text}\n{e}")))?;
        // Respace outside strings only: seeds with quotes are left as they are.
        if !text.contains(['"', '\'']) && !text.contains("--") {
            let respaced = text.split(' ').collect::<Vec<_>>().join(spacing);
            let again = parse(&respaced)
                .map_err(|e| TestCaseError::fail(format!("{respaced:?}\n{e}")))?;
            prop_assert_eq!(again.len(), count);
        }
    }
}

#[test]
fn all_seeds_parse() {
    for seed in seeds() {
        if let Err(e) = parse(seed) {
            panic!("{seed:?}\n{e}");
        }
    }
}

#[test]
fn mutations_do_what_they_say() {
    let text = "who met Witkoff;";
    let first = 0;
    assert_eq!(
        apply(text, &Mutation::DuplicateToken(first)),
        "who who met Witkoff ;"
    );
    assert_eq!(
        apply(text, &Mutation::Insert(first, "é".into())),
        "éwho met Witkoff;"
    );
    assert_eq!(tokens("a, b;c"), ["a", ",", "b", ";", "c"]);
}

#[test]
fn a_mistyped_keyword_gets_a_suggestion() {
    for (text, keyword) in [
        ("meetngs in Florida;", "meetings"),
        ("who mett Witkoff;", "met"),
        ("timelin of Putin;", "timeline"),
    ] {
        let err = entrevue::syntax::parse(text).unwrap_err();
        assert!(
            err.message
                .ends_with(&format!("; did you mean `{keyword}`?")),
            "{text}: {}",
            err.message
        );
    }
    // Nothing close enough, or two keywords as close: no guess.
    for text in ["xyz;", "who ws Witkoff;"] {
        let err = entrevue::syntax::parse(text).unwrap_err();
        assert!(
            !err.message.contains("did you mean"),
            "{text}: {}",
            err.message
        );
    }
}

// ---- Dates in EDTF ----------------------------------------------------------------------------

/// The `during` date of the one question in `text`, printed in the language's syntax.
fn during_of(text: &str) -> String {
    match parsed(text).as_slice() {
        [Statement::Query(query)] => match &query.filters.during {
            Some((date, _)) => date.to_string(),
            None => panic!("no date in `{text}`"),
        },
        other => panic!("`{text}` is not one question: {other:?}"),
    }
}

#[test]
fn edtf_dates_read_as_the_same_spans_as_the_language_writes_them() {
    // Each EDTF form beside the span it stands for, written the language's own way.
    for (edtf, same) in [
        ("2025", "2025"),
        ("2025-11", "2025-11"),
        ("2025-11~", "~2025-11"),
        ("2025-12-20?", "~2025-12-20"),
        ("2025-12-20%", "~2025-12-20"),
        ("2025-11-24/2025-11-30", "2025-11-24..2025-11-30"),
        ("2025-11~/2025-12", "~2025-11..2025-12"),
        ("201X", "2010..2019"),
        ("20XX", "2000..2099"),
        ("2025-XX", "2025"),
        ("2025-11-XX", "2025-11"),
        ("../2025-12-23", "0001..2025-12-23"),
        ("2025-12-01/..", "2025-12-01..9999"),
    ] {
        let text = format!("meetings during {edtf};");
        assert_eq!(during_of(&text), same, "{edtf}");
    }
}

/// The line, column and message of the error of `text`.
fn located(text: &str) -> (u32, u32, String) {
    let err = error(text);
    check_location(text, &err);
    (err.location.line, err.location.column, err.message.clone())
}

#[test]
fn bad_edtf_dates_are_reported_where_they_go_wrong() {
    // "meetings during " is 16 characters: the date starts at column 17. A date that is not
    // in the calendar is pointed at, as in the language's own syntax; the end of a range that
    // is wrong, or the spot where the text stops making a date, more closely.
    let (line, column, message) = located("meetings during 2025-13~;");
    assert_eq!((line, column), (1, 17), "{message}");
    assert!(message.contains("there is no month 13"), "{message}");

    let (_, column, message) = located("meetings during 2025-11-24/;");
    assert_eq!(column, 28, "{message}");
    assert!(message.contains("after `/`"), "{message}");
    assert!(message.contains("`..`"), "{message}");

    let (_, column, message) = located("meetings during ../..;");
    assert_eq!(column, 17, "{message}");
    assert!(message.contains("a date at one end"), "{message}");

    let (_, column, message) = located("meetings during 2025-02-29?;");
    assert_eq!(column, 17, "{message}");
    assert!(message.contains("February 2025 has 28 days"), "{message}");

    let (_, column, message) = located("meetings during 2025-11-24/2025-13;");
    assert_eq!(column, 28, "{message}");
    assert!(message.contains("no month 13"), "{message}");

    let (_, column, message) = located("meetings during 2025-22;");
    assert_eq!(column, 17, "{message}");
    assert!(message.contains("seasons"), "{message}");

    let (_, column, message) = located("meetings during 2X25;");
    assert_eq!(column, 17, "{message}");
    assert!(message.contains("only the last digits"), "{message}");

    let (_, column, message) = located("meetings during 2025-XX-12;");
    assert_eq!(column, 17, "{message}");
    assert!(message.contains("unspecified whole"), "{message}");

    let (_, column, message) = located("meetings during 2025-12/2025-11;");
    assert_eq!(column, 17, "{message}");
    assert!(message.contains("ends before it starts"), "{message}");
}

#[test]
fn an_open_end_filters_but_is_never_recorded() {
    // Each text with the column its open date starts at.
    for (text, column) in [
        ("add meeting on ../2025-12-23 with Witkoff;", 16),
        ("add document #d9 published 2025-12-01/..;", 28),
        (
            "add meeting on 2025-12-20 source #d9 \"q\" says ../2025-12;",
            47,
        ),
    ] {
        let err = error(text);
        check_location(text, &err);
        assert!(err.message.contains("both its ends"), "{text}: {err}");
        assert_eq!(err.location.column, column as u32, "{text}: {err}");
    }
    assert_eq!(during_of("meetings during ../2025;"), "0001..2025");
}
