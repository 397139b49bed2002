//! Completion from the context: what the tokens before the cursor say may come next — a
//! statement keyword, an actor, a place, a status, a meeting, a keyword — and only that, so
//! that a prefix has few candidates and a unique one is inserted at once.

use std::collections::HashSet;

use rustyline::completion::Pair;

use entrevue::syntax::lexical::{name_or_quoted, quote, tokens, Token, TokenKind, KEYWORDS};
use entrevue::{fold_name, Actor, Database, Meeting, Place, Status};

/// The keywords that start a statement, offered at the start of one.
const STATEMENT_STARTS: &[&str] = &[
    "who", "meetings", "path", "timeline", "sources", "when", "where", "disputes", "quotes", "add",
    "set", "delete", "load", "dump", "explain",
];

/// The keywords that may follow a keyword that takes no name, where the grammar says so.
const FOLLOWERS: &[(&str, &[&str])] = &[
    ("who", &["met", "was", "is"]),
    ("was", &["with"]),
    ("when", &["did"]),
    ("where", &["did"]),
    ("path", &["from"]),
    ("timeline", &["of"]),
    ("sources", &["of"]),
    ("disputes", &["of"]),
    ("quotes", &["matching"]),
    ("as", &["of"]),
    ("according", &["to"]),
    ("order", &["by"]),
    ("at", &["least"]),
    (
        "meetings",
        &[
            "with",
            "in",
            "during",
            "between",
            "including",
            "as",
            "according",
            "return",
            "order",
            "limit",
        ],
    ),
    (
        "add",
        &["actor", "place", "meeting", "document", "relation", "alias"],
    ),
    ("explain", STATEMENT_STARTS),
];

/// The keywords after which a name of an actor is read.
const BEFORE_ACTOR: &[&str] = &[
    "met", "meet", "with", "from", "to", "of", "is", "did", "and",
];

/// A record's spellings, its canonical name first.
struct Record {
    spellings: Vec<String>,
    handle: String,
}

/// What the editor knows about the database: every name, alias and handle, for completion
/// and for highlighting names that resolve.
#[derive(Default)]
pub struct Names {
    actors: Vec<Record>,
    places: Vec<Record>,
    /// Meeting handles, without `#`.
    meetings: Vec<String>,
    /// Folded names, aliases and handles (with `#`), for "does this resolve?".
    pub folded: HashSet<String>,
}

impl Names {
    pub fn load(db: &Database) -> Names {
        let record = |names: Vec<&str>, handle: &str| Record {
            spellings: names.into_iter().map(str::to_string).collect(),
            handle: handle.to_string(),
        };
        let actors: Vec<Record> = db.all::<Actor>().map_or_else(
            |_| Vec::new(),
            |all| {
                all.iter()
                    .map(|(_, a)| record(a.names().collect(), &a.handle))
                    .collect()
            },
        );
        let places: Vec<Record> = db.all::<Place>().map_or_else(
            |_| Vec::new(),
            |all| {
                all.iter()
                    .map(|(_, p)| record(p.names().collect(), &p.handle))
                    .collect()
            },
        );
        let mut meetings: Vec<String> = db.all::<Meeting>().map_or_else(
            |_| Vec::new(),
            |all| all.into_iter().map(|(_, m)| m.handle).collect(),
        );
        meetings.sort();
        let mut folded = HashSet::new();
        for r in actors.iter().chain(&places) {
            folded.extend(r.spellings.iter().map(|s| fold_name(s)));
            folded.insert(fold_name(&format!("#{}", r.handle)));
        }
        folded.extend(meetings.iter().map(|h| fold_name(h)));
        Names {
            actors,
            places,
            meetings,
            folded,
        }
    }

    /// Names built from spellings, for tests of highlighting.
    #[cfg(test)]
    pub fn of(spellings: &[&str]) -> Names {
        Names {
            folded: spellings.iter().map(|s| fold_name(s)).collect(),
            ..Names::default()
        }
    }
}

/// What may come where the cursor is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Want {
    Actors,
    Places,
    Meetings,
    Statuses,
    /// These keywords, or any keyword when `None`.
    Keywords(Option<&'static [&'static str]>),
}

/// The candidates for the text before the cursor, `before`, whose current line starts at byte
/// `line_start`: the byte where the replacement starts (at or after `line_start`), and the
/// candidates.
pub fn complete(names: &Names, before: &str, line_start: usize) -> (usize, Vec<Pair>) {
    let toks: Vec<Token> = tokens(before).collect();
    let typed = toks
        .last()
        .filter(|t| t.end == before.len())
        .filter(|t| match t.kind {
            TokenKind::Word | TokenKind::Keyword | TokenKind::Handle => true,
            TokenKind::String { terminated } => !terminated,
            TokenKind::Punct => t.text(before) == "#",
            _ => false,
        });
    // A name runs over several words: it starts at the first word after the last token
    // that is neither a word nor white space (the typed word itself may be a keyword).
    let mut first = typed.map_or(toks.len(), |_| toks.len() - 1);
    if typed.is_some_and(|t| matches!(t.kind, TokenKind::Word | TokenKind::Keyword)) {
        while first >= 2
            && toks[first - 1].kind == TokenKind::Whitespace
            && toks[first - 2].kind == TokenKind::Word
            && toks[first - 2].start >= line_start
        {
            first -= 2;
        }
    }
    let start = toks.get(first).map_or(before.len(), |t| t.start);
    let want = want(&toks[..first], before);
    let prefix = &before[start..];
    let mut out = Vec::new();
    if let Some(typed_handle) = prefix.strip_prefix('#') {
        for handle in handles(names, want) {
            if handle.starts_with(typed_handle) {
                push(&mut out, format!("#{handle}"), format!("#{handle} "));
            }
        }
    } else if let Some(bare) = prefix.strip_prefix(['"', '\'']) {
        for name in spellings(names, want, bare) {
            push(&mut out, name.clone(), format!("{} ", quote(&name)));
        }
    } else if let Want::Keywords(keywords) = want {
        let lower = prefix.to_ascii_lowercase();
        if keywords.is_some() || !lower.is_empty() {
            for k in keywords.unwrap_or(KEYWORDS) {
                if k.starts_with(&lower) {
                    push(&mut out, k.to_string(), format!("{k} "));
                }
            }
        }
    } else {
        for name in spellings(names, want, prefix) {
            push(
                &mut out,
                name.clone(),
                format!("{} ", name_or_quoted(&name)),
            );
        }
        // After a name, the keyword that ends it (`who met Witkoff i` → `in`), unless the
        // word goes on a name.
        let last = typed.map_or("", |t| t.text(before)).to_ascii_lowercase();
        if out.is_empty() && first < toks.len().saturating_sub(1) && !last.is_empty() {
            let head = &before[start..before.len() - last.len()];
            for k in KEYWORDS.iter().filter(|k| k.starts_with(&last)) {
                push(&mut out, k.to_string(), format!("{head}{k} "));
            }
        }
    }
    out.sort_by(|a, b| a.replacement.cmp(&b.replacement));
    out.dedup_by(|a, b| a.replacement == b.replacement);
    (start, out)
}

fn push(out: &mut Vec<Pair>, display: String, replacement: String) {
    out.push(Pair {
        display,
        replacement,
    });
}

/// What the tokens before the one being typed say may come next.
fn want(before_typed: &[Token], text: &str) -> Want {
    let significant: Vec<&Token> = before_typed
        .iter()
        .filter(|t| !matches!(t.kind, TokenKind::Whitespace | TokenKind::Comment))
        .collect();
    let mut at = significant.len();
    // In a list (`including planned, po`), what governs is the keyword before the list.
    while at > 0 && significant[at - 1].text(text) == "," {
        at -= 1;
        while at > 0 && significant[at - 1].kind != TokenKind::Keyword {
            at -= 1;
        }
    }
    let Some(anchor) = at.checked_sub(1).map(|i| significant[i]) else {
        return Want::Keywords(Some(STATEMENT_STARTS));
    };
    let word = anchor.text(text).to_ascii_lowercase();
    match anchor.kind {
        TokenKind::Punct if word == ";" => Want::Keywords(Some(STATEMENT_STARTS)),
        TokenKind::Keyword => {
            let previous = at
                .checked_sub(2)
                .map(|i| significant[i].text(text).to_ascii_lowercase());
            match word.as_str() {
                "of" if matches!(previous.as_deref(), Some("sources" | "disputes")) => {
                    Want::Meetings
                }
                // A date follows `as of`; a document's handle `according to`: no names.
                "of" if previous.as_deref() == Some("as") => Want::Keywords(Some(&[])),
                "to" if previous.as_deref() == Some("according") => Want::Keywords(Some(&[])),
                "in" => Want::Places,
                "including" | "status" => Want::Statuses,
                // `between 2025-12 and …` is followed by a date.
                "and" if previous.as_deref() != Some("between") => Want::Actors,
                w if w != "and" && BEFORE_ACTOR.contains(&w) => Want::Actors,
                w => Want::Keywords(
                    FOLLOWERS
                        .iter()
                        .find(|(k, _)| *k == w)
                        .map(|(_, follow)| *follow),
                ),
            }
        }
        _ => Want::Keywords(None),
    }
}

/// The handles (without `#`) that may stand where `want` says.
fn handles(names: &Names, want: Want) -> Vec<String> {
    match want {
        Want::Meetings => names.meetings.clone(),
        Want::Places => names.places.iter().map(|r| r.handle.clone()).collect(),
        Want::Actors => names.actors.iter().map(|r| r.handle.clone()).collect(),
        Want::Statuses | Want::Keywords(_) => Vec::new(),
    }
}

/// The spellings that may stand where `want` says and start like `prefix` (letters folded):
/// one per record, its canonical name when it matches, else the first alias that does.
fn spellings(names: &Names, want: Want, prefix: &str) -> Vec<String> {
    let mut folded = fold_name(prefix);
    if prefix.ends_with(' ') && !folded.is_empty() {
        folded.push(' ');
    }
    let matches = |s: &str| fold_name(s).starts_with(&folded) || s.starts_with(prefix);
    let records = match want {
        Want::Actors => &names.actors,
        Want::Places => &names.places,
        Want::Meetings => {
            return names
                .meetings
                .iter()
                .filter(|h| h.starts_with(prefix))
                .cloned()
                .collect()
        }
        Want::Statuses => {
            let words = Status::ALL.iter().map(|s| s.as_str()).chain(["all"]);
            return words
                .filter(|w| w.starts_with(prefix))
                .map(str::to_string)
                .collect();
        }
        Want::Keywords(_) => return Vec::new(),
    };
    records
        .iter()
        .filter_map(|r| r.spellings.iter().find(|s| matches(s)).cloned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        let record = |spellings: &[&str], handle: &str| Record {
            spellings: spellings.iter().map(|s| s.to_string()).collect(),
            handle: handle.to_string(),
        };
        Names {
            actors: vec![
                record(&["Steve Witkoff", "Witkoff"], "witkoff"),
                record(&["Jared Kushner", "Kushner"], "kushner"),
            ],
            places: vec![
                record(&["Witkoff's golf club"], "witkoff-golf-club"),
                record(&["Port of Pivdennyi", "port de Pivdennyi"], "pivdennyi"),
            ],
            meetings: vec!["m01".into(), "m02".into()],
            folded: HashSet::new(),
        }
    }

    fn offered(before: &str) -> Vec<String> {
        complete(&names(), before, 0)
            .1
            .into_iter()
            .map(|p| p.replacement)
            .collect()
    }

    #[test]
    fn candidates_follow_the_context() {
        assert_eq!(offered("who met Witk"), ["Witkoff "]);
        assert_eq!(offered("who met Kush"), ["Kushner "]);
        assert_eq!(offered("who met #wit"), ["#witkoff "]);
        assert_eq!(offered("meetings in #wit"), ["#witkoff-golf-club "]);
        assert_eq!(offered("meetings in Witk"), ["Witkoff's golf club "]);
        assert_eq!(offered("meetings in Port"), ["\"Port of Pivdennyi\" "]);
        assert_eq!(offered("meetings including pla"), ["planned "]);
        assert_eq!(offered("meetings including planned, po"), ["possible "]);
        assert_eq!(offered("sources of m0"), ["m01 ", "m02 "]);
        assert_eq!(offered("disputes of m0"), ["m01 ", "m02 "]);
        assert!(offered("meetings as of W").is_empty());
        assert!(offered("meetings according to W").is_empty());
        assert_eq!(offered("meetings as"), ["as "]);
        assert_eq!(offered("who "), ["is ", "met ", "was "]);
        assert_eq!(offered("wh"), ["when ", "where ", "who "]);
        assert_eq!(offered("who met Witkoff; ti"), ["timeline "]);
        assert_eq!(offered("who met Steve Wi"), ["Steve Witkoff "]);
        assert_eq!(
            offered("who met Witkoff i"),
            ["Witkoff in ", "Witkoff including ", "Witkoff is "]
        );
    }

    #[test]
    fn statement_starts_are_keywords() {
        assert!(STATEMENT_STARTS.iter().all(|k| KEYWORDS.contains(k)));
        assert!(FOLLOWERS
            .iter()
            .flat_map(|(k, f)| std::iter::once(k).chain(f.iter()))
            .all(|k| KEYWORDS.contains(k)));
    }
}
