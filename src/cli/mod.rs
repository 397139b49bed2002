//! The shell: a session on one database, fed by the REPL, by script files, by `-c` or by
//! standard input. Statements go to the library; dot-commands are handled here.
//!
//! **Architecture invariant:** the library never prints; only this module and `main` do.

pub mod output;
pub mod panic;
pub mod repl;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use entrevue::syntax::lexical::{quote, tokens, TokenKind};
use entrevue::{Database, Error, InterruptHandle, Progress, ScriptOptions};

use output::{print_rows, Format, Style};

/// A dot-command: its name, the shape of its arguments, how many it takes, and what it does.
pub struct DotCommand {
    pub name: &'static str,
    pub usage: &'static str,
    pub min: usize,
    pub max: usize,
    pub help: &'static str,
}

/// Every dot-command, in the order `.help` lists them.
pub const DOT_COMMANDS: &[DotCommand] = &[
    DotCommand {
        name: ".check",
        usage: "",
        min: 0,
        max: 0,
        help: "Verify that every index agrees with the records",
    },
    DotCommand {
        name: ".dump",
        usage: "?FILE?",
        min: 0,
        max: 1,
        help: "Print (or write to FILE) a script that recreates the database",
    },
    DotCommand {
        name: ".headers",
        usage: "on|off",
        min: 1,
        max: 1,
        help: "Turn column headers on or off",
    },
    DotCommand {
        name: ".help",
        usage: "?COMMAND?",
        min: 0,
        max: 1,
        help: "Show help for every dot-command, or for one",
    },
    DotCommand {
        name: ".mode",
        usage: "table|csv|json|jsonl",
        min: 1,
        max: 1,
        help: "Set the output format",
    },
    DotCommand {
        name: ".open",
        usage: "PATH",
        min: 1,
        max: 1,
        help: "Close this database and open (or create) the one at PATH",
    },
    DotCommand {
        name: ".quit",
        usage: "",
        min: 0,
        max: 0,
        help: "Leave the shell (Ctrl-D does too)",
    },
    DotCommand {
        name: ".read",
        usage: "FILE",
        min: 1,
        max: 1,
        help: "Run the statements in FILE, as one transaction",
    },
    DotCommand {
        name: ".schema",
        usage: "",
        min: 0,
        max: 0,
        help: "List the kinds of records and relations present",
    },
    DotCommand {
        name: ".stats",
        usage: "",
        min: 0,
        max: 0,
        help: "Show how many records of each kind there are, and the size on disk",
    },
    DotCommand {
        name: ".timer",
        usage: "on|off",
        min: 1,
        max: 1,
        help: "Show how long each statement takes",
    },
];

/// The language in brief, for `.help`; `grammar/entrevue.ebnf` has all of it.
const LANGUAGE_SUMMARY: &str = "\
Statements end with ';'. Questions:
  who met X | who was with X | when did X meet Y | where did X meet Y | who is X
  meetings [with X {and Y}] | path from X to Y | timeline of X | sources of MEETING
Filters: in PLACE | during 2025-12 | between DATE and DATE | including planned, possible | all
         | with at least N participants
Then: return COLUMN, ... | order by COLUMN [asc|desc], ... | limit N
explain QUESTION shows the plan. Writes: add, set, delete; load FILE | demo; dump [FILE].";

fn help_line(c: &DotCommand) -> String {
    let head = if c.usage.is_empty() {
        c.name.to_string()
    } else {
        format!("{} {}", c.name, c.usage)
    };
    format!("{head:<28}{}", c.help)
}

/// Whether a dot-command asks to leave.
#[derive(PartialEq, Eq)]
pub enum Flow {
    Continue,
    Quit,
}

/// A shell session.
pub struct Session {
    pub db: Database,
    pub format: Format,
    pub headers: bool,
    pub timer: bool,
    pub keep_going: bool,
    /// Whether a person is typing: notes of writes are shown, errors do not stop anything.
    pub interactive: bool,
}

/// Splits the text of a script into statement chunks and dot-command lines, in order. A line
/// that starts with `.` is a dot-command only between statements.
pub enum Chunk {
    /// Statements, with the line they start on.
    Statements(String, usize),
    /// A dot-command line, with its line number.
    Dot(String, usize),
}

/// Whether `text` is ready to run: a dot-command line, or statements whose last token
/// (comments aside) is `;`, or nothing but white space and comments. A `;` inside a string or a
/// comment does not count, and neither does a string left open.
pub fn is_complete(text: &str) -> bool {
    if text.starts_with('.') {
        return true;
    }
    let last = tokens(text)
        .filter(|t| !matches!(t.kind, TokenKind::Whitespace | TokenKind::Comment))
        .last();
    last.is_none_or(|t| t.text(text) == ";")
}

pub fn split_chunks(text: &str) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    let mut buffer = String::new();
    let mut start = 1;
    for (i, line) in text.lines().enumerate() {
        let number = i + 1;
        if line.starts_with('.') && is_complete(&buffer) {
            if !buffer.trim().is_empty() {
                chunks.push(Chunk::Statements(std::mem::take(&mut buffer), start));
            }
            buffer.clear();
            chunks.push(Chunk::Dot(line.to_string(), number));
            start = number + 1;
            continue;
        }
        if buffer.is_empty() {
            start = number;
        }
        buffer.push_str(line);
        buffer.push('\n');
    }
    if !buffer.trim().is_empty() {
        chunks.push(Chunk::Statements(buffer, start));
    }
    chunks
}

/// Splits a dot-command's arguments on white space, keeping quoted ones whole.
fn dot_arguments(line: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' || c == '\'' {
            chars.next();
            args.push(chars.by_ref().take_while(|d| *d != c).collect());
        } else {
            let mut arg = String::new();
            while let Some(&d) = chars.peek() {
                if d.is_whitespace() {
                    break;
                }
                arg.push(d);
                chars.next();
            }
            args.push(arg);
        }
    }
    args
}

impl Session {
    pub fn style(&self) -> Style {
        let width = if self.format == Format::Table && io::stdout().is_terminal() {
            terminal_width()
        } else {
            None
        };
        Style {
            format: self.format,
            headers: self.headers,
            width,
        }
    }

    /// Runs a script's text: statements and dot-commands in order. Returns whether all went well.
    pub fn run_text(&mut self, text: &str, source: Option<&str>, base_dir: Option<&Path>) -> bool {
        let mut ok = true;
        for chunk in split_chunks(text) {
            let went_well = match chunk {
                Chunk::Statements(statements, line) => {
                    // Pad with empty lines so that errors give the line in the whole text.
                    let padded = format!("{}{statements}", "\n".repeat(line - 1));
                    self.run_statements(&padded, source, base_dir)
                }
                Chunk::Dot(line, number) => match self.dot(&line) {
                    Ok(Flow::Continue) => true,
                    Ok(Flow::Quit) => return ok,
                    Err(message) => {
                        let at = source
                            .map(|s| format!("{s}:{number}: "))
                            .unwrap_or_default();
                        eprintln!("{at}{message}");
                        false
                    }
                },
            };
            ok &= went_well;
            if !went_well && !self.keep_going && !self.interactive {
                return false;
            }
        }
        ok
    }

    /// Runs statements as one script; prints each result, and any error.
    pub fn run_statements(
        &mut self,
        text: &str,
        source: Option<&str>,
        base_dir: Option<&Path>,
    ) -> bool {
        let bar = ProgressSlot::default();
        let options = ScriptOptions {
            source: source.map(str::to_string),
            keep_going: self.keep_going,
            base_dir: base_dir.map(Path::to_path_buf),
            progress: progress_bar(&bar),
        };
        RUNNING.store(true, Ordering::SeqCst);
        let style = self.style();
        let (interactive, timer) = (self.interactive, self.timer);
        let stdout = io::stdout();
        let mut out = stdout.lock();
        let mut clock = Instant::now();
        let result = self.db.run_script(text, &options, &mut |result| {
            match result {
                Ok(rows) => {
                    if let Err(e) = print_rows(&mut out, &rows, style) {
                        eprintln!("cannot write the output: {e}");
                    }
                    if rows.columns.is_empty() && interactive {
                        if let Some(note) = &rows.note {
                            let _ = writeln!(out, "{note}");
                        }
                    }
                }
                Err(e) => report(e),
            }
            if timer {
                let _ = writeln!(out, "time: {}", format_duration(clock.elapsed()));
            }
            clock = Instant::now();
        });
        RUNNING.store(false, Ordering::SeqCst);
        if let Some(bar) = bar.lock().unwrap_or_else(PoisonError::into_inner).take() {
            bar.finish_and_clear();
        }
        let _ = out.flush();
        match result {
            Ok(report) => report.failed == 0,
            Err(e) => {
                report(&e);
                false
            }
        }
    }

    /// Runs one dot-command line.
    pub fn dot(&mut self, line: &str) -> Result<Flow, String> {
        let mut words = dot_arguments(line.trim());
        let name = words.remove(0);
        let Some(command) = DOT_COMMANDS.iter().find(|c| c.name == name) else {
            return Err(format!(
                "unknown command '{name}'; .help lists the commands"
            ));
        };
        if words.len() < command.min || words.len() > command.max {
            return Err(format!("usage: {}", help_line(command)));
        }
        let on_off = |word: &str| match word {
            "on" => Ok(true),
            "off" => Ok(false),
            _ => Err(format!("usage: {}", help_line(command))),
        };
        match command.name {
            ".help" => match words.first() {
                None => {
                    println!("{LANGUAGE_SUMMARY}");
                    println!("Dot-commands:");
                    for c in DOT_COMMANDS {
                        println!("{}", help_line(c));
                    }
                }
                Some(wanted) => {
                    let wanted = if wanted.starts_with('.') {
                        wanted.clone()
                    } else {
                        format!(".{wanted}")
                    };
                    match DOT_COMMANDS.iter().find(|c| c.name == wanted) {
                        Some(c) => println!("{}", help_line(c)),
                        None => {
                            return Err(format!("no command '{wanted}'; .help lists the commands"))
                        }
                    }
                }
            },
            ".mode" => {
                self.format = Format::from_name(&words[0])
                    .ok_or_else(|| format!("usage: {}", help_line(command)))?;
            }
            ".headers" => self.headers = on_off(&words[0])?,
            ".timer" => self.timer = on_off(&words[0])?,
            ".quit" => return Ok(Flow::Quit),
            ".stats" => {
                let stats = self.db.stats().map_err(|e| e.to_string())?;
                let size = self.db.size_on_disk().map_err(|e| e.to_string())?;
                println!(
                    "actors: {}\nplaces: {}\ndocuments: {}\nmeetings: {}\nrelations: {}\nsize on disk: {:.1} MiB",
                    stats.actors,
                    stats.places,
                    stats.documents,
                    stats.meetings,
                    stats.relations,
                    size as f64 / (1024.0 * 1024.0)
                );
            }
            ".schema" => print!("{}", schema(&self.db).map_err(|e| e.to_string())?),
            ".check" => {
                let report = self.db.check().map_err(|e| e.to_string())?;
                if !report.is_clean() {
                    return Err(report.to_string());
                }
                println!("{report}");
            }
            ".read" => {
                let path = PathBuf::from(&words[0]);
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                let base = path.parent().map(Path::to_path_buf);
                if !self.run_text(&text, Some(&words[0]), base.as_deref()) {
                    return Err(format!("{} did not run to the end", words[0]));
                }
            }
            ".dump" => {
                let statement = match words.first() {
                    Some(file) => format!("dump {};", quote(file)),
                    None => "dump;".to_string(),
                };
                let rows = self.db.query(&statement).map_err(|e| e.to_string())?;
                match words.first() {
                    Some(_) => println!("{}", rows.note.unwrap_or_default()),
                    None => {
                        for row in &rows.rows {
                            println!("{}", row[0]);
                        }
                    }
                }
            }
            ".open" => {
                let path = PathBuf::from(&words[0]);
                // Close the current database first: sled allows one open handle per directory.
                let placeholder = Database::temporary().map_err(|e| e.to_string())?;
                drop(std::mem::replace(&mut self.db, placeholder));
                self.db = Database::open(&path).map_err(|e| e.to_string())?;
                watch(&self.db);
                println!("{}", welcome(&self.db, &path));
            }
            other => return Err(format!("'{other}' is not implemented")),
        }
        Ok(Flow::Continue)
    }
}

/// The progress bar of the script that is running, once it has been shown.
type ProgressSlot = Arc<Mutex<Option<ProgressBar>>>;

/// A progress callback that shows a bar on a terminal once a script has run for half a second
/// (quick scripts and pipes show nothing).
fn progress_bar(slot: &ProgressSlot) -> Option<entrevue::script::ProgressFn> {
    if !io::stderr().is_terminal() {
        return None;
    }
    let slot = slot.clone();
    let start = Instant::now();
    Some(Arc::new(move |p: Progress| {
        if start.elapsed() < Duration::from_millis(500) {
            return;
        }
        let mut slot = slot.lock().unwrap_or_else(PoisonError::into_inner);
        let bar = slot.get_or_insert_with(|| {
            let bar = ProgressBar::new(p.total as u64);
            let style = ProgressStyle::with_template(
                "{bar:40} {pos}/{len} statements, {elapsed} ({eta} left)",
            );
            if let Ok(style) = style {
                bar.set_style(style);
            }
            bar
        });
        bar.set_length(p.total as u64);
        bar.set_position(p.done as u64);
    }))
}

/// Whether a statement is running: Ctrl-C then stops it instead of leaving.
static RUNNING: AtomicBool = AtomicBool::new(false);
/// The handle that stops the open database's statement.
static INTERRUPT: Mutex<Option<InterruptHandle>> = Mutex::new(None);

/// Makes Ctrl-C stop the running statement (which then changes nothing), or leave the program
/// when none is running (as while waiting for standard input). The REPL reads lines in raw
/// mode, where Ctrl-C is a key that clears the line, not a signal.
pub fn handle_interrupts(db: &Database) {
    watch(db);
    let installed = ctrlc::set_handler(|| {
        if RUNNING.load(Ordering::SeqCst) {
            if let Some(handle) = INTERRUPT
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .as_ref()
            {
                handle.interrupt();
            }
        } else {
            std::process::exit(130);
        }
    });
    if let Err(e) = installed {
        eprintln!("warning: Ctrl-C will not stop a running statement: {e}");
    }
}

/// Points Ctrl-C at this database.
fn watch(db: &Database) {
    *INTERRUPT.lock().unwrap_or_else(PoisonError::into_inner) = Some(db.interrupt_handle());
}

/// Runs `entrevue import DIR`, with a progress bar on a terminal.
pub fn import(db: &Database, dir: &Path) -> bool {
    let has_records = db
        .stats()
        .is_ok_and(|s| s.actors + s.places + s.documents + s.meetings + s.relations > 0);
    if has_records {
        // Said here rather than by the library, which knows nothing of the command line.
        eprintln!(
            "error: an import needs an empty database: open a new one (--db NEW_PATH) to import into"
        );
        return false;
    }
    let start = Instant::now();
    let bar = if io::stderr().is_terminal() {
        ProgressBar::new(0)
    } else {
        ProgressBar::hidden()
    };
    if let Ok(style) = ProgressStyle::with_template("writing {bar:40} {percent}% ({eta} left)") {
        bar.set_style(style);
    }
    let result = db.import_csv(dir, &mut |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    });
    bar.finish_and_clear();
    match result {
        Ok(r) => {
            eprintln!(
                "imported {} actors, {} places, {} meetings ({} participations) in {}",
                r.actors,
                r.places,
                r.meetings,
                r.participations,
                format_duration(start.elapsed())
            );
            true
        }
        Err(e) => {
            report(&e);
            false
        }
    }
}

/// Prints an error as the library words it, located errors with their caret.
pub fn report(error: &Error) {
    eprintln!("error: {error}");
}

pub fn format_duration(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 1.0 {
        format!("{:.0} µs", ms * 1000.0)
    } else if ms < 1000.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{:.2} s", ms / 1000.0)
    }
}

/// One line saying which database is open and what it holds.
pub fn welcome(db: &Database, path: &Path) -> String {
    match db.stats() {
        Ok(s) => format!(
            "Database {}: {} actors, {} places, {} meetings, {} documents.",
            path.display(),
            s.actors,
            s.places,
            s.meetings,
            s.documents
        ),
        Err(e) => format!("Database {}: {e}", path.display()),
    }
}

/// The kinds of records and relations present, with counts.
fn schema(db: &Database) -> entrevue::Result<String> {
    use std::collections::BTreeMap;
    use std::fmt::Write as _;
    let mut out = String::new();
    let mut section = |title: &str, counts: BTreeMap<String, usize>| {
        if !counts.is_empty() {
            let list: Vec<String> = counts.iter().map(|(k, n)| format!("{k} ({n})")).collect();
            let _ = writeln!(out, "{title}: {}", list.join(", "));
        }
    };
    let tally = |items: Vec<String>| {
        let mut counts = BTreeMap::new();
        for item in items {
            *counts.entry(item).or_insert(0) += 1;
        }
        counts
    };
    let actors = db.all::<entrevue::Actor>()?;
    section(
        "actors",
        tally(actors.iter().map(|(_, a)| a.kind.to_string()).collect()),
    );
    let places = db.all::<entrevue::Place>()?;
    section(
        "places",
        tally(places.iter().map(|(_, p)| p.kind.to_string()).collect()),
    );
    let meetings = db.all::<entrevue::Meeting>()?;
    section(
        "meetings",
        tally(meetings.iter().map(|(_, m)| m.kind.clone()).collect()),
    );
    section(
        "statuses",
        tally(meetings.iter().map(|(_, m)| m.status.to_string()).collect()),
    );
    let relations = db.all::<entrevue::Relation>()?;
    section(
        "relations",
        tally(relations.iter().map(|(_, r)| r.predicate.clone()).collect()),
    );
    section(
        "documents",
        tally(
            db.all::<entrevue::Document>()?
                .iter()
                .map(|_| "document".to_string())
                .collect(),
        ),
    );
    if out.is_empty() {
        out.push_str("the database is empty\n");
    }
    Ok(out)
}

/// The terminal's width in columns, from `COLUMNS` or the terminal itself.
fn terminal_width() -> Option<u16> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .or_else(|| comfy_table::Table::new().width())
}

#[cfg(test)]
mod tests {
    use super::is_complete;

    #[test]
    fn a_statement_is_complete_at_a_semicolon_outside_strings_and_comments() {
        assert!(is_complete("who met Witkoff;"));
        assert!(is_complete("who met O'Brien;"));
        assert!(is_complete("who met 'a;b';  -- a note\n"));
        assert!(!is_complete("who met 'a;b'"));
        assert!(!is_complete("who met \"open;"));
        assert!(!is_complete("who met Witkoff -- done;"));
        assert!(!is_complete("who met\n"));
    }

    #[test]
    fn nothing_but_comments_and_dot_commands_are_complete() {
        assert!(is_complete(""));
        assert!(is_complete("  -- a note\n"));
        assert!(is_complete(".quit"));
    }
}
