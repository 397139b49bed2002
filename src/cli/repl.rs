//! The interactive shell on rustyline: history, completion of keywords, dot-commands and the
//! database's names, hints from history, highlighting, and multi-line input until `;`.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::HistoryHinter;
use rustyline::history::DefaultHistory;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{CompletionType, Config, Context, Editor, Helper, Hinter};

use entrevue::{fold_name, syntax::KEYWORDS, Actor, Database, Place};

use super::{is_complete, welcome, Flow, Session, DOT_COMMANDS};

const KEYWORD: &str = "\x1b[1;34m";
const STRING: &str = "\x1b[32m";
const DATE: &str = "\x1b[33m";
const KNOWN: &str = "\x1b[36m";
const UNKNOWN: &str = "\x1b[31m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// What the editor knows about the database: every name, alias and handle, for completion
/// and for highlighting names that resolve.
#[derive(Default)]
struct Names {
    /// Names and aliases as written, sorted, each once.
    spellings: Vec<String>,
    /// Folded forms of the same, for "does this resolve?".
    folded: HashSet<String>,
}

impl Names {
    fn load(db: &Database) -> Names {
        let mut spellings = Vec::new();
        if let Ok(actors) = db.all::<Actor>() {
            for (_, a) in actors {
                spellings.extend(a.names().map(str::to_string));
                spellings.push(format!("#{}", a.handle));
            }
        }
        if let Ok(places) = db.all::<Place>() {
            for (_, p) in places {
                spellings.extend(p.names().map(str::to_string));
                spellings.push(format!("#{}", p.handle));
            }
        }
        spellings.sort();
        spellings.dedup();
        let folded = spellings.iter().map(|s| fold_name(s)).collect();
        Names { spellings, folded }
    }
}

#[derive(Helper, Hinter)]
struct ReplHelper {
    names: RefCell<Names>,
    #[rustyline(Hinter)]
    hinter: HistoryHinter,
}

/// Whether `name` must be quoted to be read back as one name.
fn needs_quotes(name: &str) -> bool {
    name.split_whitespace()
        .any(|w| KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(w)))
        || !name.chars().next().is_some_and(char::is_alphabetic)
        || name
            .chars()
            .any(|c| !(c.is_alphanumeric() || c == ' ' || c == '-' || c == '_' || c == '\''))
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let before = &line[..pos];
        if before.starts_with('.') && !before.contains(' ') {
            let matches = DOT_COMMANDS
                .iter()
                .filter(|c| c.name.starts_with(before))
                .map(|c| Pair {
                    display: c.name.to_string(),
                    replacement: format!("{} ", c.name),
                })
                .collect();
            return Ok((0, matches));
        }
        // The word being typed; a quote or '#' before it belongs to it.
        let start = before
            .rfind(|c: char| c.is_whitespace() || c == ',' || c == ';')
            .map_or(0, |i| {
                i + before[i..].chars().next().map_or(1, char::len_utf8)
            });
        let word = &before[start..];
        let bare = word.trim_start_matches(['"', '\'']);
        let folded = fold_name(bare);
        let mut matches: Vec<Pair> = Vec::new();
        if !word.starts_with(['"', '\'', '#']) {
            for k in KEYWORDS {
                if k.starts_with(&bare.to_ascii_lowercase()) && !bare.is_empty() {
                    matches.push(Pair {
                        display: k.to_string(),
                        replacement: format!("{k} "),
                    });
                }
            }
        }
        for name in &self.names.borrow().spellings {
            let matched = if word.starts_with('#') {
                name.starts_with(word)
            } else {
                !folded.is_empty() && fold_name(name).starts_with(&folded)
            };
            if matched {
                let replacement = if needs_quotes(name) && !name.starts_with('#') {
                    format!("\"{}\" ", name.replace('\\', "\\\\").replace('"', "\\\""))
                } else {
                    format!("{name} ")
                };
                matches.push(Pair {
                    display: name.clone(),
                    replacement,
                });
            }
        }
        Ok((start, matches))
    }
}

impl Validator for ReplHelper {
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        let input = ctx.input();
        if input.starts_with('.') || is_complete(input) {
            Ok(ValidationResult::Valid(None))
        } else {
            Ok(ValidationResult::Incomplete)
        }
    }
}

impl Highlighter for ReplHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if line.starts_with('.') {
            return Cow::Owned(format!("{KEYWORD}{line}{RESET}"));
        }
        Cow::Owned(highlight(line, &self.names.borrow()))
    }

    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        Cow::Owned(format!("{DIM}{hint}{RESET}"))
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        true
    }
}

/// Colours keywords, strings, dates and names (known or not), without changing the text.
fn highlight(line: &str, names: &Names) -> String {
    let mut out = String::with_capacity(line.len() * 2);
    let mut rest = line;
    let mut name_words: Vec<&str> = Vec::new();
    let flush = |out: &mut String, words: &mut Vec<&str>, line_part: &str| {
        if !words.is_empty() {
            let known = names.folded.contains(&fold_name(line_part));
            out.push_str(if known { KNOWN } else { UNKNOWN });
            out.push_str(line_part);
            out.push_str(RESET);
            words.clear();
        }
    };
    let mut name_start: Option<usize> = None;
    let offset = |rest: &str| line.len() - rest.len();
    while let Some(c) = rest.chars().next() {
        let at = offset(rest);
        if c == '"' || c == '\'' {
            if let Some(s) = name_start.take() {
                flush(&mut out, &mut name_words, &line[s..at]);
            }
            let end = rest[1..].find(c).map_or(rest.len(), |i| i + 2);
            out.push_str(STRING);
            out.push_str(&rest[..end]);
            out.push_str(RESET);
            rest = &rest[end..];
        } else if rest.starts_with("--") {
            if let Some(s) = name_start.take() {
                flush(&mut out, &mut name_words, &line[s..at]);
            }
            let end = rest.find('\n').unwrap_or(rest.len());
            out.push_str(DIM);
            out.push_str(&rest[..end]);
            out.push_str(RESET);
            rest = &rest[end..];
        } else if c.is_alphanumeric() || c == '#' || c == '~' {
            let end = rest
                .find(|d: char| {
                    !(d.is_alphanumeric() || matches!(d, '_' | '-' | '.' | '\'' | '#' | '~'))
                })
                .unwrap_or(rest.len());
            let token = &rest[..end];
            if c.is_ascii_digit() || c == '~' {
                if let Some(s) = name_start.take() {
                    flush(&mut out, &mut name_words, &line[s..at]);
                }
                out.push_str(DATE);
                out.push_str(token);
                out.push_str(RESET);
            } else if KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(token)) {
                if let Some(s) = name_start.take() {
                    flush(&mut out, &mut name_words, &line[s..at]);
                }
                out.push_str(KEYWORD);
                out.push_str(token);
                out.push_str(RESET);
            } else {
                name_start.get_or_insert(at);
                name_words.push(token);
            }
            rest = &rest[end..];
        } else {
            if !c.is_whitespace() {
                if let Some(s) = name_start.take() {
                    flush(&mut out, &mut name_words, &line[s..at]);
                }
                out.push(c);
            } else if name_start.is_none() {
                out.push(c);
            }
            rest = &rest[c.len_utf8()..];
        }
    }
    if let Some(s) = name_start.take() {
        let part = line[s..].trim_end();
        flush(&mut out, &mut name_words, part);
        out.push_str(&line[s + part.len()..]);
    }
    out
}

/// Whether the input may add, rename or remove names worth completing.
fn changes_names(input: &str) -> bool {
    input
        .split(|c: char| !c.is_alphanumeric() && c != '.')
        .any(|w| {
            ["add", "set", "delete", "load", ".open", ".read"]
                .iter()
                .any(|k| k.eq_ignore_ascii_case(w))
        })
}

/// The file where the REPL keeps its history.
fn history_file() -> Option<PathBuf> {
    Some(dirs::data_dir()?.join("entrevue").join("history"))
}

/// Runs the REPL until `.quit` or Ctrl-D.
pub fn run(session: &mut Session, path: &Path, first_use: Option<String>) -> rustyline::Result<()> {
    let config = Config::builder()
        .history_ignore_space(true)
        .auto_add_history(false)
        .completion_type(CompletionType::List)
        .max_history_size(10_000)?
        .build();
    let mut editor: Editor<ReplHelper, DefaultHistory> = Editor::with_config(config)?;
    editor.set_helper(Some(ReplHelper {
        names: RefCell::new(Names::load(&session.db)),
        hinter: HistoryHinter::new(),
    }));
    let history = history_file();
    if let Some(file) = &history {
        if let Some(dir) = file.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = editor.load_history(file);
    }
    println!(
        "Entrevue {} — {}",
        env!("CARGO_PKG_VERSION"),
        welcome(&session.db, path)
    );
    if let Some(message) = first_use {
        println!("{message}");
    }
    println!("Type a question ending with ';' (try: who met Witkoff;), .help for commands, Ctrl-D to leave.");
    loop {
        match editor.readline("entrevue> ") {
            Ok(input) => {
                if input.trim().is_empty() {
                    continue;
                }
                let _ = editor.add_history_entry(input.as_str());
                if input.starts_with('.') {
                    match session.dot(input.trim()) {
                        Ok(Flow::Quit) => break,
                        Ok(Flow::Continue) => {}
                        Err(message) => eprintln!("error: {message}"),
                    }
                } else {
                    session.run_statements(&input, None, None);
                }
                if changes_names(&input) {
                    if let Some(helper) = editor.helper_mut() {
                        helper.names.replace(Names::load(&session.db));
                    }
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e),
        }
    }
    if let Some(file) = &history {
        let _ = editor.save_history(file);
    }
    Ok(())
}
