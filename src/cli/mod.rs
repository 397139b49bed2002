//! The shell: a session on one database, fed by the REPL, by script files, by `-c` or by
//! standard input. Statements go to the library; dot-commands are handled here, as the
//! directive lines of the library's scripts, so that a script with dot-commands is still one
//! transaction.
//!
//! **Architecture invariant:** the library never prints; only this module and `main` do, and
//! only through `out` (`outln!`, `errln!`, [`out::Out`]), which never panics.

pub mod exchange;
pub mod extract;
pub mod out;
pub mod output;
pub mod panic;
pub mod printer;
pub mod repl;
pub mod share;
pub mod signals;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use entrevue::script::{count_steps, ends_between_statements, Directed, Here, ScriptHandler};
use entrevue::{
    Database, DateStyle, Error, Progress, RecordKind, RowSink, Rows, ScriptOptions, ScriptReport,
    Value,
};

use crate::{errln, outln};
use out::{Out, Redirect};
use output::{print_rows, Format, Style};
use printer::RowPrinter;
use signals::Ending;

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
        name: ".backup",
        usage: "NEW",
        min: 1,
        max: 1,
        help: "Copy the database, as one consistent state, into a new database NEW",
    },
    DotCommand {
        name: ".check",
        usage: "",
        min: 0,
        max: 0,
        help: "Verify that every index agrees with the records",
    },
    DotCommand {
        name: ".compact",
        usage: "",
        min: 0,
        max: 0,
        help: "Rewrite the database's files compactly: the same records in less space on disk",
    },
    DotCommand {
        name: ".dates",
        usage: "?edtf|text?",
        min: 0,
        max: 1,
        help: "Write the dates of answers in EDTF (2025-11~, 2025-11-28/2025-11-30) or as the \
               language does (~2025-11, 2025-11-28..2025-11-30), or show which",
    },
    DotCommand {
        name: ".dump",
        usage: "?FILE? ?replace?",
        min: 0,
        max: 2,
        help: "Print (or write to a new FILE, or replace it) a script that recreates the database",
    },
    DotCommand {
        name: ".exit",
        usage: "",
        min: 0,
        max: 0,
        help: "Leave the shell, as .quit does",
    },
    DotCommand {
        name: ".headers",
        usage: "?on|off?",
        min: 0,
        max: 1,
        help: "Turn column headers on or off, or show which",
    },
    DotCommand {
        name: ".extract",
        usage: "FILE ?PUBLISHED?",
        min: 1,
        max: 2,
        help: "Print the meetings the article FILE reports, published on PUBLISHED (YYYY-MM-DD), as a script to review",
    },
    DotCommand {
        name: ".help",
        usage: "?COMMAND?",
        min: 0,
        max: 1,
        help: "Show help for every dot-command, or for one",
    },
    DotCommand {
        name: ".lanes",
        usage: "?actors|sides?",
        min: 0,
        max: 1,
        help: "Draw a timeline's lanes (.mode svg or html) by participant or by side, or show which",
    },
    DotCommand {
        name: ".maxrows",
        usage: "?N?",
        min: 0,
        max: 1,
        help:
            "Show at most N rows of a table on a terminal, its first and last (0: all), or show N",
    },
    DotCommand {
        name: ".mode",
        usage: "?table|box|markdown|line|csv|json|jsonl|svg|html|dot?",
        min: 0,
        max: 1,
        help: "Set the output format, or show it. svg and html draw a picture: meetings \
               (timeline of, meetings with) a timeline, actors (who met, who was with) a \
               network, path a chain, anything else a table; dot: the network in Graphviz",
    },
    DotCommand {
        name: ".once",
        usage: "FILE",
        min: 1,
        max: 1,
        help: "Send the next statement's output to FILE, a new file",
    },
    DotCommand {
        name: ".open",
        usage: "PATH",
        min: 1,
        max: 1,
        help:
            "Open (or create) the database at PATH instead of this one; not in a script that writes",
    },
    DotCommand {
        name: ".output",
        usage: "?FILE|stdout?",
        min: 0,
        max: 1,
        help: "Send all output to FILE, a new file, until .output stdout (or .output)",
    },
    DotCommand {
        name: ".quit",
        usage: "",
        min: 0,
        max: 0,
        help: "Leave the shell (.q, .exit, exit, quit and Ctrl-D do too)",
    },
    DotCommand {
        name: ".read",
        usage: "FILE",
        min: 1,
        max: 1,
        help: "Run the statements and dot-commands of FILE here, as part of this script",
    },
    DotCommand {
        name: ".recover",
        usage: "DAMAGED NEW",
        min: 2,
        max: 2,
        help: "Copy what can still be read from the damaged database DAMAGED into a new one NEW",
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
        name: ".tables",
        usage: "",
        min: 0,
        max: 0,
        help: "List the kinds of records and how many there are of each",
    },
    DotCommand {
        name: ".timer",
        usage: "?on|off?",
        min: 0,
        max: 1,
        help: "Show how long each statement takes (on or off), or show which",
    },
];

/// The language in brief, for `.help`; `grammar/entrevue.ebnf` has all of it.
const LANGUAGE_SUMMARY: &str = "\
Statements end with ';'. Questions:
  who met X | who was with X | when did X meet Y | where did X meet Y | who is X
  meetings [with X {and Y}] | path from X to Y | timeline of X | sources of MEETING
  disputes [of MEETING] | quotes matching 'WORDS \"A PHRASE\"' (texts ranked by score)
Filters: in PLACE | during 2025-12 | between DATE and DATE | including planned, possible | all
         | with at least N participants | as of DATE | according to DOCUMENT
Then: return COLUMN, ... | order by COLUMN [asc|desc], ... | limit N
explain QUESTION shows the plan. Writes: add, set, delete; load FILE | demo; dump [FILE [replace]].
A script (a file, -c, standard input) is one transaction, dot-commands included: all it writes
is kept, or nothing (--keep-going: each statement on its own, the run going on after an error).
.read and load paths are relative to the script's own folder; .open and .check are refused in
a script that writes (or .reads), whose writes are not committed yet. When another entrevue
process holds the database, -c, run and piped statements are asked of it: it answers
questions, and refuses writes and the dot-commands that read the database.";

fn help_line(c: &DotCommand) -> String {
    let head = if c.usage.is_empty() {
        c.name.to_string()
    } else {
        format!("{} {}", c.name, c.usage)
    };
    // A long usage still leaves two spaces before its help.
    format!("{head:<26}  {}", c.help)
}

/// What the output looks like: the settings dot-commands change.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    pub format: Format,
    pub headers: bool,
    pub timer: bool,
    /// How many rows a table on a terminal shows (its first and last), 0 for all.
    pub max_rows: usize,
    /// What a timeline's lanes stand for.
    pub lanes: entrevue::picture::Lanes,
    /// How answers write dates.
    pub dates: DateStyle,
}

/// `--dates`: how answers write dates, as `.dates` names the styles.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum DatesArg {
    Text,
    Edtf,
}

impl From<DatesArg> for DateStyle {
    fn from(arg: DatesArg) -> DateStyle {
        match arg {
            DatesArg::Text => DateStyle::Text,
            DatesArg::Edtf => DateStyle::Edtf,
        }
    }
}

/// How many rows a table on a terminal shows unless `.maxrows` says otherwise.
pub const DEFAULT_MAX_ROWS: usize = 40;

impl Settings {
    /// The style of rows printed to standard output (`to_stdout`) or to a file.
    fn style(&self, to_stdout: bool) -> Style {
        let fitted = matches!(self.format, Format::Table | Format::Box);
        let width = if fitted && to_stdout && io::stdout().is_terminal() {
            terminal_width()
        } else {
            None
        };
        Style {
            format: self.format,
            headers: self.headers,
            width,
            dates: self.dates,
        }
    }
}

/// A shell session.
pub struct Session {
    /// Shared with the thread that answers other processes' questions (see `share`).
    pub db: Arc<Database>,
    pub settings: Settings,
    pub keep_going: bool,
    /// Whether a person is typing: notes of writes are shown, errors do not stop anything.
    pub interactive: bool,
    /// The files output goes to instead of standard output (`.output`, `.once`).
    pub redirect: Redirect,
    /// What answers other processes' questions about the open database, if anything does.
    pub share: Option<share::Server>,
}

/// How a run of text went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ran {
    /// Whether every statement and dot-command succeeded.
    pub ok: bool,
    /// Whether `.quit` asked to leave.
    pub quit: bool,
}

/// What a dot-command leaves for the session to do once the script is over: the script runs
/// on the database, so it cannot replace it or end the program itself.
enum After {
    Open(PathBuf),
    Compact,
    Quit,
}

/// The picture of a question's rows, drawn from the open database's records; a process
/// that sends its questions to the one holding the database has none to draw from.
fn draw(
    db: Option<&Database>,
    rows: &Rows,
    format: entrevue::picture::PictureFormat,
    lanes: entrevue::picture::Lanes,
) -> io::Result<String> {
    let Some(db) = db else {
        return Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "pictures are drawn by the process that holds the database: ask it there",
        ));
    };
    let options = entrevue::picture::PictureOptions {
        lanes,
        ..Default::default()
    };
    db.picture(rows, format, &options)
        .map_err(|e| io::Error::other(e.to_string()))
}

/// Whether `text` is ready to run: a dot-command line, or statements whose last token
/// (comments aside) is `;`, or nothing but white space and comments.
pub fn is_complete(text: &str) -> bool {
    text.starts_with('.') || ends_between_statements(text)
}

/// The text from byte `offset` on, after as many empty lines as come before it, so that
/// errors give their line in the whole text.
fn rest_of(text: &str, offset: usize) -> (String, usize) {
    let before = text[..offset].matches('\n').count();
    (
        format!("{}{}", "\n".repeat(before), &text[offset..]),
        before,
    )
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
    /// Runs a script's text — statements and dot-commands — as one unit: with an error (unless
    /// `--keep-going`) or an interruption, nothing it wrote is kept. `from_file`: the text is
    /// the content of the file `source`.
    pub fn run(
        &mut self,
        text: &str,
        source: Option<&str>,
        base_dir: Option<&Path>,
        from_file: bool,
    ) -> Ran {
        self.run_at(text, source, base_dir, from_file, 0)
    }

    /// Runs a script's text as [`Session::run`] does, the text coming `line_offset` lines into
    /// a longer input (standard input run as it arrives), so that errors give their line in
    /// the whole input.
    pub fn run_at(
        &mut self,
        text: &str,
        source: Option<&str>,
        base_dir: Option<&Path>,
        from_file: bool,
        line_offset: u32,
    ) -> Ran {
        let mut ok = true;
        let mut offset = 0;
        loop {
            let (rest, padding) = rest_of(text, offset);
            let first = from_file && offset == 0;
            let (result, after) = self.run_once(&rest, source, base_dir, first, line_offset);
            let report = match result {
                Ok(report) => report,
                Err(e) => {
                    self.failed(&e, source, &rest);
                    return Ran {
                        ok: false,
                        quit: false,
                    };
                }
            };
            ok &= report.failed == 0;
            match after {
                Some(After::Quit) => return Ran { ok, quit: true },
                Some(After::Compact) => {
                    if let Err(message) = compact(&self.db) {
                        errln!("error: {message}");
                        ok = false;
                        if !self.keep_going && !self.interactive {
                            return Ran { ok, quit: false };
                        }
                    }
                }
                Some(After::Open(path)) => {
                    if let Err(message) = self.open(&path) {
                        errln!("error: {message}");
                        ok = false;
                        if !self.keep_going && !self.interactive {
                            return Ran { ok, quit: false };
                        }
                    }
                }
                None => {}
            }
            // `.open` stopped the script: the rest of it runs on the database now open.
            match report.stopped_at {
                Some(at) if at < rest.len() => offset += at - padding,
                _ => return Ran { ok, quit: false },
            }
        }
    }

    /// Runs text once through the library, with the shell as its handler.
    fn run_once(
        &mut self,
        text: &str,
        source: Option<&str>,
        base_dir: Option<&Path>,
        from_file: bool,
        line_offset: u32,
    ) -> (entrevue::Result<ScriptReport>, Option<After>) {
        let bar = ProgressSlot::default();
        let options = ScriptOptions {
            source: source.map(str::to_string),
            keep_going: self.keep_going,
            base_dir: base_dir.map(Path::to_path_buf),
            progress: progress_bar(&bar),
            from_file,
            line_offset,
        };
        let mut shell = Shell {
            settings: &mut self.settings,
            redirect: &mut self.redirect,
            db: Some(&self.db),
            interactive: self.interactive,
            out: Out::new(),
            clock: Instant::now(),
            after: None,
            printing: None,
        };
        signals::running(true);
        let result = self.db.run_script_with(text, &options, &mut shell);
        signals::running(false);
        // A question that failed part-way shows the rows it printed before its error.
        let _ = shell.end_rows(None);
        let _ = shell.out.flush();
        let after = shell.after.take();
        if let Some(bar) = bar.lock().unwrap_or_else(PoisonError::into_inner).take() {
            bar.finish_and_clear();
        }
        (result, after)
    }

    /// Says why a script failed, unless the run is ending in a way said elsewhere (SIGTERM
    /// has its own message, a closed output is quiet). A script (`text`) of more than one
    /// statement, run as one unit, also says that nothing of it was kept, and how to run it
    /// otherwise: someone who piped a long script in would otherwise not know that the
    /// statements before the error did nothing.
    fn failed(&self, error: &Error, source: Option<&str>, text: &str) {
        match signals::ending() {
            Some(Ending::Terminated | Ending::OutputClosed | Ending::OutputFailed) => {}
            Some(Ending::Interrupted) | None => {
                report_on(&self.db, error);
                let interrupted = matches!(error.root(), Error::Interrupted);
                let atomic = !self.keep_going && !self.interactive && !interrupted;
                if atomic && count_steps(text, true) > 1 {
                    errln!("{}", atomic_note(error, source));
                }
            }
        }
    }

    /// Opens the database at `path` in place of this one. The new one is opened first: when
    /// that fails, the session stays on the database it was on.
    pub fn open(&mut self, path: &Path) -> Result<(), String> {
        let current = self.db.path().map(Path::to_path_buf);
        if let Some(current) = &current {
            let same = match (current.canonicalize(), path.canonicalize()) {
                (Ok(a), Ok(b)) => a == b,
                _ => false,
            };
            if same {
                // sled opens a directory once per process: reopening it would fail as locked.
                outln!("{}", welcome(&self.db, path));
                return Ok(());
            }
        }
        let db = Database::open(path).map_err(|e| {
            let staying = current.map_or_else(
                || "the shell stays on its temporary database".to_string(),
                |c| format!("the shell stays on the database at {}", c.display()),
            );
            format!("{e}; {staying}")
        })?;
        // The old database's server stops (and its socket goes) before the database closes.
        self.share = None;
        self.db = Arc::new(db);
        signals::watch(&self.db);
        self.share = share::serve(&self.db);
        outln!("{}", welcome(&self.db, path));
        Ok(())
    }
}

/// Compacts the database (`entrevue compact`, `.compact`) and says what it took back.
pub fn compact(db: &Database) -> Result<(), String> {
    let (before, after) = db.compact().map_err(|e| e.to_string())?;
    let mib = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
    outln!(
        "compacted: {:.1} MiB on disk, {:.1} MiB before",
        mib(after),
        mib(before)
    );
    Ok(())
}

/// What became of a script run as one unit that failed with `error`, and what
/// `--keep-going` would do instead.
fn atomic_note(error: &Error, source: Option<&str>) -> String {
    let syntax = matches!(error, Error::Parse(p) if p.location.source.as_deref() == source);
    let what = if syntax {
        "nothing was run: a script runs only once all of it parses"
    } else {
        "nothing the script wrote was kept: a script runs as one transaction"
    };
    format!("note: {what}; --keep-going runs its statements one by one, keeping each that succeeds")
}

/// Runs standard input a statement at a time as it arrives (`--keep-going`): a statement
/// runs, and its answer is printed, as soon as the line that ends it is read, so that a
/// program that writes one statement and waits for its answer gets it (as with sqlite3). A
/// statement ends at a `;` outside strings and comments ([`is_complete`], the shell's test
/// for its continuation prompt); a dot-command is its own line. Errors give their line in the
/// whole input. Returns whether everything succeeded.
pub fn run_input_by_statement(session: &mut Session, input: &mut dyn io::BufRead) -> bool {
    let mut ok = true;
    let mut pending = String::new();
    // Lines of input before `pending`.
    let mut lines_before: u32 = 0;
    loop {
        let mut line = String::new();
        let ended = match input.read_line(&mut line) {
            Ok(n) => n == 0,
            Err(e) => {
                errln!("error: cannot read standard input: {e}");
                return false;
            }
        };
        pending.push_str(&line);
        if !ended && !is_complete(&pending) {
            continue;
        }
        if !pending.trim().is_empty() {
            let here = Some(Path::new("."));
            let ran = session.run_at(&pending, Some("<stdin>"), here, false, lines_before);
            ok &= ran.ok;
            if ran.quit || signals::ending().is_some() {
                return ok;
            }
        }
        let lines = u32::try_from(pending.matches('\n').count()).unwrap_or(u32::MAX);
        lines_before = lines_before.saturating_add(lines);
        pending.clear();
        if ended {
            return ok;
        }
    }
}

/// The shell's side of a running script: it prints each result and runs each dot-command.
struct Shell<'s> {
    settings: &'s mut Settings,
    redirect: &'s mut Redirect,
    /// `None` when the questions go to the process that holds the database (see `share`).
    db: Option<&'s Database>,
    interactive: bool,
    out: Out,
    /// When the statement being timed started.
    clock: Instant,
    after: Option<After>,
    /// The question whose rows are being printed as they come, and where they go.
    printing: Option<(RowPrinter, Destination)>,
}

/// Where one statement's output goes.
enum Destination {
    /// The file `.once` named.
    Once(PathBuf, std::fs::File),
    /// The file of `.output`.
    Output,
    Stdout,
}

impl ScriptHandler for Shell<'_> {
    fn result(&mut self, result: entrevue::Result<Rows, &Error>) {
        signals::reassert();
        // A question's rows have been printed as they came; what is left is their end.
        let streamed = self.printing.is_some();
        if streamed {
            let note = result.as_ref().ok().and_then(|rows| rows.note.clone());
            if let Err(message) = self.end_rows(note) {
                errln!("error: {message}");
            }
        }
        // `.once` sends this statement's output, whatever it is, to its file.
        let once = self.redirect.once.take();
        match result {
            Ok(_) if streamed => {}
            Ok(rows) => {
                let printed = match once {
                    Some((path, mut file)) => {
                        let printed = self.print(&mut file, &rows, false);
                        printed.map_err(|e| format!("cannot write '{}': {e}", path.display()))
                    }
                    None => match self.redirect.output.take() {
                        Some((path, mut file)) => {
                            let printed = self.print(&mut file, &rows, false);
                            self.redirect.output = Some((path.clone(), file));
                            printed.map_err(|e| format!("cannot write '{}': {e}", path.display()))
                        }
                        // A failure to print has been dealt with by `Out` (the run is ending).
                        None => {
                            let mut out = Out::new();
                            let _ = self.print(&mut out, &rows, true);
                            Ok(())
                        }
                    },
                };
                if let Err(message) = printed {
                    errln!("error: {message}");
                }
            }
            Err(e) => report(&Error::Invalid(describe(self.db, e))),
        }
        if self.settings.timer {
            let took = format_duration(self.clock.elapsed());
            let _ = writeln!(self.sink(), "time: {took}");
        }
        self.clock = Instant::now();
    }

    fn rows(&mut self) -> Option<&mut dyn RowSink> {
        Some(self)
    }

    fn directive_writes(&self, line: &str) -> bool {
        // `.read` runs a file that may write.
        line.split_whitespace().next() == Some(".read")
    }

    fn directive(&mut self, line: &str, here: &Here<'_>) -> entrevue::Result<Directed> {
        signals::reassert();
        let directed = self.dot(line, Some(here)).map_err(Error::Invalid)?;
        self.clock = Instant::now();
        Ok(directed)
    }
}

/// The shell prints a question's rows as they come (see [`RowPrinter`]).
impl RowSink for Shell<'_> {
    fn columns(&mut self, columns: &[String]) -> entrevue::Result<()> {
        let destination = match self.redirect.once.take() {
            Some((path, file)) => Destination::Once(path, file),
            None if self.redirect.output.is_some() => Destination::Output,
            None => Destination::Stdout,
        };
        let style = self
            .settings
            .style(matches!(destination, Destination::Stdout));
        let printer = RowPrinter::new(style, self.settings.max_rows);
        self.printing = Some((printer, destination));
        self.with_printer(|printer, out| printer.begin(out, columns))
    }

    fn row(&mut self, row: Vec<Value>) -> entrevue::Result<()> {
        self.with_printer(|printer, out| printer.row(out, row))
    }
}

impl Shell<'_> {
    /// Runs `print` with the printer of the question under way and where it writes. A failure
    /// to write stops the question: quietly when standard output was closed or failed (`Out`
    /// has said so), with the file's name otherwise.
    fn with_printer(
        &mut self,
        print: impl FnOnce(&mut RowPrinter, &mut dyn Write) -> io::Result<()>,
    ) -> entrevue::Result<()> {
        let Some((printer, destination)) = &mut self.printing else {
            return Ok(());
        };
        let (written, path) = match destination {
            Destination::Once(path, file) => (print(printer, file), Some(path.clone())),
            Destination::Output => match &mut self.redirect.output {
                Some((path, file)) => (print(printer, file), Some(path.clone())),
                None => (print(printer, &mut self.out), None),
            },
            Destination::Stdout => (print(printer, &mut self.out), None),
        };
        written.map_err(|e| match path {
            Some(path) => Error::Invalid(format!("cannot write '{}': {e}", path.display())),
            None => Error::Interrupted,
        })
    }

    /// Ends the rows of the question under way, if one is: the table, the count, the note.
    fn end_rows(&mut self, note: Option<String>) -> Result<(), String> {
        let Some((printer, destination)) = self.printing.take() else {
            return Ok(());
        };
        let (db, format, lanes) = (self.db, self.settings.format.picture(), self.settings.lanes);
        let end = |printer: RowPrinter, to: &mut dyn Write| match format {
            Some(format) => {
                let picture = draw(db, &printer.into_rows(note), format, lanes)?;
                to.write_all(picture.as_bytes())
            }
            None => printer.end(to, note),
        };
        let (written, path) = match destination {
            Destination::Once(path, mut file) => (end(printer, &mut file), Some(path)),
            Destination::Output => match &mut self.redirect.output {
                Some((path, file)) => (end(printer, file), Some(path.clone())),
                None => (end(printer, &mut self.out), None),
            },
            Destination::Stdout => (end(printer, &mut self.out), None),
        };
        if let (Err(e), None) = (&written, &path) {
            if e.kind() == io::ErrorKind::Unsupported {
                return Err(e.to_string());
            }
        }
        match (written, path) {
            (Err(e), Some(path)) => Err(format!("cannot write '{}': {e}", path.display())),
            _ => Ok(()),
        }
    }

    /// Where dot-commands and notes write: the `.output` file, or standard output.
    fn sink(&mut self) -> &mut dyn Write {
        match &mut self.redirect.output {
            Some((_, file)) => file,
            None => &mut self.out,
        }
    }

    /// Prints one statement's answer: a script (`dump`) as its statements, one a line, in any
    /// format, so that what is printed runs as a script; other rows in the chosen format, and
    /// the note of a write when a person is typing.
    fn print(&self, to: &mut dyn Write, rows: &Rows, to_stdout: bool) -> io::Result<()> {
        if rows.is_script() {
            for row in &rows.rows {
                if let [statement] = row.as_slice() {
                    writeln!(to, "{statement}")?;
                }
            }
            return Ok(());
        }
        match self.settings.format.picture() {
            Some(format) if !rows.columns.is_empty() => {
                to.write_all(draw(self.db, rows, format, self.settings.lanes)?.as_bytes())?
            }
            _ => print_rows(to, rows, self.settings.style(to_stdout))?,
        }
        if rows.columns.is_empty() && self.interactive {
            if let Some(note) = &rows.note {
                writeln!(to, "{note}")?;
            }
        }
        Ok(())
    }

    /// Runs one dot-command line.
    fn dot(&mut self, line: &str, here: Option<&Here<'_>>) -> Result<Directed, String> {
        let words = dot_arguments(line.trim());
        let Some((name, words)) = words.split_first() else {
            return Err("a dot-command needs a name; .help lists them".into());
        };
        // `.q` is `.quit` spelt short, as in sqlite3.
        let name = if name == ".q" { ".quit" } else { name.as_str() };
        let Some(command) = DOT_COMMANDS.iter().find(|c| c.name == name) else {
            return Err(format!(
                "unknown command '{name}'; .help lists the commands"
            ));
        };
        if words.len() < command.min || words.len() > command.max {
            return Err(format!("usage: {}", help_line(command)));
        }
        let usage = || format!("usage: {}", help_line(command));
        // Asked through another process's socket, there is no database here to read.
        let (Some(here), Some(db)) = (here, self.db) else {
            if NEEDS_DATABASE.contains(&command.name) {
                return Err(share::held_elsewhere(command.name));
            }
            return self.dot_local(command, words);
        };
        match command.name {
            ".tables" => self.tables(here).map_err(|e| e.to_string())?,
            ".stats" => self.stats(db, here).map_err(|e| e.to_string())?,
            ".schema" => {
                let text = schema(here).map_err(|e| e.to_string())?;
                let _ = write!(self.sink(), "{text}");
            }
            ".check" => self.check(db, here)?,
            ".backup" => self.backup(db, &words[0], here)?,
            ".extract" => {
                let script = extract::script_of(db, &words[0], words.get(1).map(String::as_str))?;
                let _ = writeln!(self.sink(), "{script}");
            }
            ".read" => return Ok(Directed::Read(words[0].clone())),
            ".dump" => self.dump(words, here, usage)?,
            ".open" => {
                if here.writes() {
                    return Err("'.open' cannot be used in a script that writes (or reads \
                        scripts): what it wrote and what follows would go to two databases, \
                        which cannot be kept or undone together; run it as two scripts"
                        .into());
                }
                self.after = Some(After::Open(PathBuf::from(&words[0])));
                return Ok(Directed::Stop);
            }
            ".compact" => {
                if here.writes() {
                    return Err(
                        "'.compact' rewrites the database as committed, so it cannot \
                        run in a script that writes; run it after the script"
                            .into(),
                    );
                }
                // The script holds a read of the database, which the compaction must wait
                // for: it runs once the script has stopped, and the rest runs after it.
                self.after = Some(After::Compact);
                return Ok(Directed::Stop);
            }
            _ => return self.dot_local(command, words),
        }
        Ok(Directed::Continue)
    }

    /// Runs a dot-command that does not read the database: the shell's own settings and files.
    fn dot_local(&mut self, command: &DotCommand, words: &[String]) -> Result<Directed, String> {
        let usage = || format!("usage: {}", help_line(command));
        let on_off = |word: &str| match word {
            "on" => Ok(true),
            "off" => Ok(false),
            _ => Err(usage()),
        };
        match command.name {
            ".help" => self.help(words.first())?,
            ".mode" => match words.first() {
                Some(word) => self.settings.format = Format::from_name(word).ok_or_else(usage)?,
                None => {
                    let mode = self.settings.format.name();
                    let _ = writeln!(self.sink(), "{mode}");
                }
            },
            ".headers" => match words.first() {
                Some(word) => self.settings.headers = on_off(word)?,
                None => {
                    let shown = if self.settings.headers { "on" } else { "off" };
                    let _ = writeln!(self.sink(), "{shown}");
                }
            },
            ".lanes" => {
                use entrevue::picture::Lanes;
                match words.first().map(String::as_str) {
                    Some("actors") => self.settings.lanes = Lanes::Actors,
                    Some("sides") => self.settings.lanes = Lanes::Sides,
                    Some(_) => return Err(usage()),
                    None => {
                        let shown = match self.settings.lanes {
                            Lanes::Actors => "actors",
                            Lanes::Sides => "sides",
                        };
                        let _ = writeln!(self.sink(), "{shown}");
                    }
                }
            }
            ".dates" => match words.first().map(String::as_str) {
                Some("edtf") => self.settings.dates = DateStyle::Edtf,
                Some("text") => self.settings.dates = DateStyle::Text,
                Some(_) => return Err(usage()),
                None => {
                    let shown = match self.settings.dates {
                        DateStyle::Edtf => "edtf",
                        DateStyle::Text => "text",
                    };
                    let _ = writeln!(self.sink(), "{shown}");
                }
            },
            ".maxrows" => match words.first() {
                Some(word) => self.settings.max_rows = word.parse().map_err(|_| usage())?,
                None => {
                    let shown = self.settings.max_rows;
                    let _ = writeln!(self.sink(), "{shown}");
                }
            },
            ".timer" => match words.first() {
                Some(word) => self.settings.timer = on_off(word)?,
                None => {
                    let shown = if self.settings.timer { "on" } else { "off" };
                    let _ = writeln!(self.sink(), "{shown}");
                }
            },
            ".once" => {
                let path = PathBuf::from(&words[0]);
                let file = self.redirect.open(&path)?;
                self.redirect.once = Some((path, file));
            }
            ".output" => match words.first().map(String::as_str) {
                None | Some("stdout") => self.redirect.output = None,
                Some(word) => {
                    let path = PathBuf::from(word);
                    // The file being written is closed first, so that it can be opened again.
                    self.redirect.output = None;
                    let file = self.redirect.open(&path)?;
                    self.redirect.output = Some((path, file));
                }
            },
            ".quit" | ".exit" => {
                self.after = Some(After::Quit);
                return Ok(Directed::Stop);
            }
            ".recover" => {
                let report = Database::recover(&words[0], &words[1]).map_err(|e| e.to_string())?;
                let _ = writeln!(self.sink(), "{report}");
            }
            other => return Err(format!("'{other}' is not implemented")),
        }
        Ok(Directed::Continue)
    }

    fn help(&mut self, wanted: Option<&String>) -> Result<(), String> {
        let Some(wanted) = wanted else {
            let _ = writeln!(self.sink(), "{LANGUAGE_SUMMARY}");
            let _ = writeln!(self.sink(), "Dot-commands:");
            for c in DOT_COMMANDS {
                let _ = writeln!(self.sink(), "{}", help_line(c));
            }
            return Ok(());
        };
        let wanted = if wanted.starts_with('.') {
            wanted.clone()
        } else {
            format!(".{wanted}")
        };
        match DOT_COMMANDS.iter().find(|c| c.name == wanted) {
            Some(c) => {
                let _ = writeln!(self.sink(), "{}", help_line(c));
                Ok(())
            }
            None => Err(format!("no command '{wanted}'; .help lists the commands")),
        }
    }

    /// How many records of each kind the script sees, and the size of the database on disk.
    fn stats(&mut self, db: &Database, here: &Here<'_>) -> entrevue::Result<()> {
        let mut text = String::new();
        for (label, kind) in KINDS {
            text.push_str(&format!("{label}: {}\n", here.count(kind)?));
        }
        let size = db.size_on_disk()?;
        let _ = writeln!(
            self.out,
            "{text}size on disk: {:.1} MiB",
            size as f64 / (1024.0 * 1024.0)
        );
        Ok(())
    }

    /// The kinds of records and how many the script sees of each, as rows in the output format.
    fn tables(&mut self, here: &Here<'_>) -> entrevue::Result<()> {
        let mut rows = Rows::new(&["kind", "records"]);
        for (label, kind) in KINDS {
            let count = here.count(kind)?;
            rows.rows.push(vec![
                Value::Text(label.to_string()),
                Value::Int(i64::try_from(count).unwrap_or(i64::MAX)),
            ]);
        }
        let to_stdout = self.redirect.output.is_none();
        let style = self.settings.style(to_stdout);
        let _ = print_rows(self.sink(), &rows, style);
        Ok(())
    }

    fn check(&mut self, db: &Database, here: &Here<'_>) -> Result<(), String> {
        if here.writes() {
            // The check reads the committed database, which does not hold this script's
            // writes yet.
            return Err(
                "'.check' verifies the database as committed, so it cannot run in a \
                script that writes; run it after the script"
                    .into(),
            );
        }
        let report = db.check().map_err(|e| e.to_string())?;
        if !report.is_clean() {
            return Err(report.to_string());
        }
        let _ = writeln!(self.sink(), "{report}");
        Ok(())
    }

    fn backup(&mut self, db: &Database, to: &str, here: &Here<'_>) -> Result<(), String> {
        if here.writes() {
            return Err(
                "'.backup' copies the database as committed, so it cannot run in a \
                script that writes; run it after the script"
                    .into(),
            );
        }
        let report = db.backup(to).map_err(|e| e.to_string())?;
        let _ = writeln!(self.sink(), "{report}");
        Ok(())
    }

    fn dump(
        &mut self,
        words: &[String],
        here: &Here<'_>,
        usage: impl Fn() -> String,
    ) -> Result<(), String> {
        match words {
            [] => {
                for statement in here.dump().map_err(|e| e.to_string())? {
                    if writeln!(self.sink(), "{statement}").is_err() {
                        break;
                    }
                }
            }
            [file] => {
                let note = here.dump_to(file, false).map_err(|e| e.to_string())?;
                let _ = writeln!(self.sink(), "{note}");
            }
            [file, replace] if replace == "replace" => {
                let note = here.dump_to(file, true).map_err(|e| e.to_string())?;
                let _ = writeln!(self.sink(), "{note}");
            }
            _ => return Err(usage()),
        }
        Ok(())
    }
}

/// The dot-commands that read or replace the open database (`.read` runs a file on it).
const NEEDS_DATABASE: [&str; 10] = [
    ".tables", ".stats", ".schema", ".check", ".backup", ".compact", ".read", ".dump", ".open",
    ".extract",
];

/// The kinds of records, by the names `.stats` and `.tables` give them.
const KINDS: [(&str, RecordKind); 5] = [
    ("actors", RecordKind::Actor),
    ("places", RecordKind::Place),
    ("documents", RecordKind::Document),
    ("meetings", RecordKind::Meeting),
    ("relations", RecordKind::Relation),
];

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

/// The progress bar of an import, `what` it is doing before it: shown on a terminal only.
pub fn import_bar(what: &str) -> ProgressBar {
    let bar = if io::stderr().is_terminal() {
        ProgressBar::new(0)
    } else {
        ProgressBar::hidden()
    };
    if let Ok(style) =
        ProgressStyle::with_template(&format!("{what} {{bar:40}} {{percent}}% ({{eta}} left)"))
    {
        bar.set_style(style);
    }
    bar
}

/// Runs `entrevue import DIR`, with a progress bar on a terminal.
pub fn import(db: &Database, dir: &Path) -> bool {
    let has_records = db
        .stats()
        .is_ok_and(|s| s.actors + s.places + s.documents + s.meetings + s.relations > 0);
    if has_records {
        // Said here rather than by the library, which knows nothing of the command line.
        errln!(
            "error: an import needs an empty database: open a new one (--db NEW_PATH) to import into"
        );
        return false;
    }
    let start = Instant::now();
    let bar = import_bar("writing");
    let result = db.import_csv(dir, &mut |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    });
    bar.finish_and_clear();
    match result {
        Ok(r) => {
            errln!(
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
    errln!("error: {error}");
}

/// Prints an error as [`report`] does, worded by [`describe`].
fn report_on(db: &Database, error: &Error) {
    report(&Error::Invalid(describe(Some(db), error)));
}

/// An error as the library words it; a name not found in a database with no records at all
/// also says how to load the bundled dataset, since that is the likely cause. The process
/// holding the database words the errors of the questions it answers for another, since only
/// it can tell whether the database is empty.
fn describe(db: Option<&Database>, error: &Error) -> String {
    let empty = db.is_some_and(|db| db.stats().is_ok_and(|s| s == entrevue::Stats::default()));
    match error.root() {
        not_found @ Error::NotFound { .. } if empty => {
            let hinted = Error::Invalid(format!(
                "{not_found}; the database is empty — `load demo;` loads the bundled Miami \
                 talks dataset"
            ));
            match error.location() {
                Some(location) => Error::at(location.clone(), hinted).to_string(),
                None => hinted.to_string(),
            }
        }
        _ => error.to_string(),
    }
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
fn schema(db: &Here<'_>) -> entrevue::Result<String> {
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
    use super::{is_complete, rest_of};

    #[test]
    fn dot_commands_and_whole_statements_are_complete() {
        assert!(is_complete("who met Witkoff;"));
        assert!(!is_complete("who met 'a;b'"));
        assert!(is_complete(""));
        assert!(is_complete(".quit"));
    }

    #[test]
    fn the_rest_of_a_text_keeps_its_line_numbers() {
        let (rest, padding) = rest_of("a;\n.open x\nb;\n", 11);
        assert_eq!(rest, "\n\nb;\n");
        assert_eq!(padding, 2);
    }
}
