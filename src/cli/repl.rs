//! The interactive shell on rustyline: history, completion from the context, hints from
//! history, highlighting, and multi-line input until `;` under a continuation prompt.

mod complete;

use std::borrow::Cow;
use std::cell::RefCell;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::{Hinter, HistoryHinter};
use rustyline::history::DefaultHistory;
use rustyline::validate::Validator;
use rustyline::{CompletionType, Config, Context, Editor, Helper};

use entrevue::fold_name;
use entrevue::syntax::lexical::{tokens, Token, TokenKind};
use entrevue::Database;

use complete::Names;

use super::signals::{self, Ending};
use super::{is_complete, welcome, Session, DOT_COMMANDS};
use crate::{errln, outln};

const KEYWORD: &str = "\x1b[1;34m";
const STRING: &str = "\x1b[32m";
const DATE: &str = "\x1b[33m";
const KNOWN: &str = "\x1b[36m";
const UNKNOWN: &str = "\x1b[31m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// The prompt of a statement's first line.
const PROMPT: &str = "entrevue> ";
/// The prompt of its further lines, as wide as `PROMPT` so that the lines stay aligned.
const CONTINUATION: &str = "     ...> ";

#[derive(Helper)]
struct ReplHelper {
    names: RefCell<Names>,
    /// The lines of the statement typed so far, before the line being edited: completion
    /// reads its context from them too.
    pending: RefCell<String>,
    hinter: HistoryHinter,
    /// Whether the terminal shows colours. Without them a hint would look like typed text, and
    /// Enter would run what is on the screen minus the hint; so there are no hints then.
    colour: bool,
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
        let pending = self.pending.borrow();
        if pending.is_empty() && before.starts_with('.') && !before.contains(' ') {
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
        // The earlier lines of the statement give the context of this one.
        let head = if pending.is_empty() {
            String::new()
        } else {
            format!("{pending}\n")
        };
        let text = format!("{head}{before}");
        let (start, matches) = complete::complete(&self.names.borrow(), &text, head.len());
        Ok((start.saturating_sub(head.len()), matches))
    }
}

impl Hinter for ReplHelper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, ctx: &Context<'_>) -> Option<String> {
        if self.colour {
            self.hinter.hint(line, pos, ctx)
        } else {
            None
        }
    }
}

/// Lines are read one at a time, each with its prompt (see `run`), so every line is complete
/// for the editor.
impl Validator for ReplHelper {}

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
    let tokens: Vec<Token> = tokens(line).collect();
    let mut out = String::with_capacity(line.len() * 2);
    let mut next = 0;
    while let Some(token) = tokens.get(next) {
        let (end, colour) = match token.kind {
            TokenKind::Word => {
                let last = name_end(&tokens, next);
                let name = &line[token.start..tokens[last].end];
                (last, known_or_not(names, name))
            }
            TokenKind::Handle => (next, known_or_not(names, token.text(line))),
            TokenKind::Keyword => (next, Some(KEYWORD)),
            TokenKind::String { .. } => (next, Some(STRING)),
            TokenKind::Number => (next, Some(DATE)),
            TokenKind::Comment => (next, Some(DIM)),
            TokenKind::Whitespace | TokenKind::Punct => (next, None),
        };
        let text = &line[token.start..tokens[end].end];
        match colour {
            Some(colour) => out.push_str(&format!("{colour}{text}{RESET}")),
            None => out.push_str(text),
        }
        next = end + 1;
    }
    out
}

/// The index of the last word of the bare name that starts at `first`: the parser reads the
/// words up to the next keyword, string or symbol as one name.
fn name_end(tokens: &[Token], first: usize) -> usize {
    let mut last = first;
    while let [space, word, ..] = &tokens[last + 1..] {
        if space.kind != TokenKind::Whitespace || word.kind != TokenKind::Word {
            break;
        }
        last += 2;
    }
    last
}

/// The colour of a name: whether the database knows it.
fn known_or_not(names: &Names, name: &str) -> Option<&'static str> {
    Some(if names.folded.contains(&fold_name(name)) {
        KNOWN
    } else {
        UNKNOWN
    })
}

/// Whether the input may add, rename or remove names worth completing.
fn changes_names(input: &str) -> bool {
    if input.starts_with('.') {
        let command = input.split_whitespace().next();
        return command.is_some_and(|c| [".open", ".read"].contains(&c));
    }
    tokens(input).any(|t| {
        t.kind == TokenKind::Keyword
            && ["add", "set", "delete", "load"]
                .iter()
                .any(|k| k.eq_ignore_ascii_case(t.text(input)))
    })
}

/// Where the REPL keeps the lines typed against a database: a file in the database's own
/// directory, so that each database has its own and it goes where the database goes. sled
/// reads only its own files there (`conf`, `db`, `blobs/`, `snap.*`). A temporary database
/// keeps none.
pub fn history_file(db: &Database) -> Option<PathBuf> {
    Some(db.path()?.join("history"))
}

/// Makes sure the history file is the owner's alone (it holds every line typed, strings
/// included): created with mode 0600, or narrowed to it. A symbolic link in its place is
/// not followed; the history is then not kept.
fn prepare_history(file: &Path) -> Result<(), String> {
    match std::fs::symlink_metadata(file) {
        Ok(meta) if meta.file_type().is_symlink() => Err(format!(
            "{} is a symbolic link; the history is not kept",
            file.display()
        )),
        Ok(_) => owner_only(file),
        Err(_) => {
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            options
                .open(file)
                .map(drop)
                .map_err(|e| format!("cannot create the history file {}: {e}", file.display()))
        }
    }
}

#[cfg(unix)]
fn owner_only(file: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))
        .map_err(|e| format!("cannot protect the history file {}: {e}", file.display()))
}

#[cfg(not(unix))]
fn owner_only(_: &Path) -> Result<(), String> {
    Ok(())
}

/// The history of the open database, when history is kept.
struct History {
    enabled: bool,
    file: Option<PathBuf>,
}

impl History {
    /// Switches the editor to the history of `db`: its lines replace those of the database
    /// left.
    fn follow(&mut self, editor: &mut Editor<ReplHelper, DefaultHistory>, db: &Database) {
        let file = if self.enabled { history_file(db) } else { None };
        if file == self.file {
            return;
        }
        let _ = editor.clear_history();
        self.file = match file {
            Some(file) => match prepare_history(&file) {
                Ok(()) => {
                    let _ = editor.load_history(&file);
                    Some(file)
                }
                Err(message) => {
                    errln!("warning: {message}");
                    None
                }
            },
            None => None,
        };
    }

    /// Adds a line typed, writing it to the file at once (so it survives however the shell
    /// ends).
    fn add(&self, editor: &mut Editor<ReplHelper, DefaultHistory>, line: &str) {
        let _ = editor.add_history_entry(line);
        if let Some(file) = &self.file {
            let _ = editor.append_history(file);
        }
    }
}

/// Runs the REPL until `.quit` or Ctrl-D. `history`: whether to keep the lines typed.
pub fn run(
    session: &mut Session,
    first_use: Option<String>,
    history: bool,
) -> rustyline::Result<()> {
    let config = Config::builder()
        .history_ignore_space(true)
        .auto_add_history(false)
        .completion_type(CompletionType::List)
        .max_history_size(10_000)?
        .build();
    let mut editor: Editor<ReplHelper, DefaultHistory> = Editor::with_config(config)?;
    editor.set_helper(Some(ReplHelper {
        names: RefCell::new(Names::load(&session.db)),
        pending: RefCell::new(String::new()),
        hinter: HistoryHinter::new(),
        colour: std::io::stdout().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }));
    let mut history = History {
        enabled: history,
        file: None,
    };
    history.follow(&mut editor, &session.db);
    let path = session
        .db
        .path()
        .map_or_else(|| PathBuf::from("(temporary)"), Path::to_path_buf);
    outln!(
        "Entrevue {} — {}",
        env!("CARGO_PKG_VERSION"),
        welcome(&session.db, &path)
    );
    if let Some(message) = first_use {
        outln!("{message}");
    }
    outln!("Type a question ending with ';' (try: who met Witkoff;), .help (or help) for commands, Ctrl-D to leave.");
    // Lines are read one at a time, as sqlite3 does: rustyline shows its prompt on the first
    // line of a buffer only, and the lines after the first of an unfinished statement need
    // a prompt of their own to show that the shell waits for more.
    let mut pending = String::new();
    loop {
        if let Some(helper) = editor.helper_mut() {
            helper.pending.replace(pending.clone());
        }
        let prompt = if pending.is_empty() {
            PROMPT
        } else {
            CONTINUATION
        };
        let line = match editor.readline(prompt) {
            Ok(line) => line,
            Err(ReadlineError::Interrupted) => {
                pending.clear();
                continue;
            }
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e),
        };
        let typed = if pending.is_empty() {
            line
        } else {
            format!("{pending}\n{line}")
        };
        if typed.trim().is_empty() {
            pending.clear();
            continue;
        }
        if !is_complete(&typed) && bare_command(&typed).is_none() {
            pending = typed;
            continue;
        }
        pending.clear();
        // History keeps what was typed; `help` runs as `.help`.
        history.add(&mut editor, &typed);
        let input = bare_command(&typed).unwrap_or(&typed);
        if !run_input(session, &mut editor, &mut history, input) {
            break;
        }
    }
    Ok(())
}

/// The dot-command that `help`, `exit` or `quit` (with or without `;`) stand for when typed
/// alone on the first line of a statement, as people used to other shells type them.
fn bare_command(typed: &str) -> Option<&'static str> {
    if typed.contains('\n') {
        return None;
    }
    let word = typed.trim().trim_end_matches(';').trim_end();
    match word.to_ascii_lowercase().as_str() {
        "help" => Some(".help"),
        "exit" | "quit" => Some(".quit"),
        _ => None,
    }
}

/// Runs a statement (or dot-command) typed; whether the shell goes on.
fn run_input(
    session: &mut Session,
    editor: &mut Editor<ReplHelper, DefaultHistory>,
    history: &mut History,
    input: &str,
) -> bool {
    let ran = session.run(input.trim_end(), None, None, false);
    if ran.quit || signals::ending().is_some_and(|e| e != Ending::Interrupted) {
        return false;
    }
    signals::forget_interrupt();
    history.follow(editor, &session.db);
    if changes_names(input) {
        if let Some(helper) = editor.helper_mut() {
            helper.names.replace(Names::load(&session.db));
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The text without its colours.
    fn plain(highlighted: &str) -> String {
        let mut out = String::new();
        let mut rest = highlighted;
        while let Some(at) = rest.find('\x1b') {
            out.push_str(&rest[..at]);
            let end = rest[at..].find('m').map_or(rest.len(), |m| at + m + 1);
            rest = &rest[end..];
        }
        out + rest
    }

    fn names(spellings: &[&str]) -> Names {
        Names::of(spellings)
    }

    #[test]
    fn a_line_is_coloured_token_by_token() {
        let line = "who met Steve Witkoff, #nobody during 2025-12 -- note";
        assert_eq!(
            highlight(line, &names(&["Steve Witkoff"])),
            format!(
                "{KEYWORD}who{RESET} {KEYWORD}met{RESET} {KNOWN}Steve Witkoff{RESET}, \
                 {UNKNOWN}#nobody{RESET} {KEYWORD}during{RESET} {DATE}2025-12{RESET} \
                 {DIM}-- note{RESET}"
            )
        );
    }

    #[test]
    fn only_the_reading_of_names_can_change_them() {
        assert!(changes_names("add actor X kind person;"));
        assert!(changes_names(".read more.ent"));
        assert!(!changes_names("who met \"add\";"));
        assert!(!changes_names(".dump"));
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 500, failure_persistence: None, .. ProptestConfig::default() })]

        /// Highlighting adds colours and nothing else.
        #[test]
        fn highlighting_keeps_the_text(line in "[ a-zé;\"'#\\-0-9\\\\~.,]{0,40}") {
            prop_assert_eq!(plain(&highlight(&line, &names(&["Witkoff"]))), line);
        }
    }
}
