//! Running statements: queries, writes, `load`, `dump` and `explain`, one at a time or as a
//! script.
//!
//! A script is parsed whole, then runs in one transaction: if any statement fails, or the
//! script is interrupted, nothing it wrote is kept. With `keep_going` each statement stands
//! alone: parsed when its turn comes and kept if it succeeds, a syntax error spoiling only its
//! own statement. A script that only reads runs on a read snapshot, without taking the writer
//! lock.
//!
//! A caller may also hand a script *directive lines*: a line that starts with `.` between
//! statements (the shell's dot-commands). The script passes each, in order, to the caller's
//! [`ScriptHandler`], inside the same snapshot or transaction as the statements around it, so
//! that a script with directives is still one unit.

use std::borrow::Cow;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use crate::engine::{Engine, Transaction};
use crate::error::{Error, Result};
use crate::model::{Id, Record, RecordKind};
use crate::query::{self, CancellationToken};
use crate::rows::{RowSink, Rows, Value};
use crate::storage::Reader;
use crate::syntax::lexical::{tokens, TokenKind};
use crate::syntax::{parse, LoadSource, Location, ParseError, Source, Span, Statement};
use crate::write::Writer;

/// The bundled *Miami talks* dataset, as a script.
pub const DEMO_SCRIPT: &str = include_str!("../fixtures/miami-talks/miami-talks.ent");

/// How deeply `load` (and a directive that reads a file) may nest scripts that load scripts.
const MAX_LOAD_DEPTH: usize = 16;

/// How much of a file is looked at before reading the rest, to tell a script from something
/// else (a binary, a device that never ends) without reading all of it.
const SNIFF_BYTES: u64 = 64 * 1024;

/// How far a script has got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Statements run so far, those of loaded files included.
    pub done: usize,
    /// Statements known so far: a `load` adds those of its file when it starts.
    pub total: usize,
}

/// A function told of a script's progress after each statement.
pub type ProgressFn = std::sync::Arc<dyn Fn(Progress) + Send + Sync>;

/// How to run a script.
#[derive(Clone, Default)]
pub struct ScriptOptions {
    /// The name errors are reported under (a file name, `<stdin>`, `-c`).
    pub source: Option<String>,
    /// Run every statement on its own, each parsed when its turn comes: a statement that does
    /// not parse or fails is reported and skipped, and the others are kept. An interruption
    /// still stops the whole script.
    pub keep_going: bool,
    /// Where `load` and `dump` resolve relative paths (default: the current directory).
    pub base_dir: Option<PathBuf>,
    /// Told of the progress after each statement (for a progress bar).
    pub progress: Option<ProgressFn>,
    /// How many lines of a longer input come before this text (standard input run a statement
    /// at a time as it arrives): errors give their line in the whole input.
    pub line_offset: u32,
    /// The text is the content of the file named by `source` (read with [`read_script`]): a
    /// file whose first statement does not parse is reported as not being a script, without
    /// showing its text.
    pub from_file: bool,
}

impl std::fmt::Debug for ScriptOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScriptOptions")
            .field("source", &self.source)
            .field("keep_going", &self.keep_going)
            .field("base_dir", &self.base_dir)
            .field("progress", &self.progress.is_some())
            .field("line_offset", &self.line_offset)
            .field("from_file", &self.from_file)
            .finish()
    }
}

/// What a directive line asks of the script it is part of, once handled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Directed {
    /// Go on with what follows.
    Continue,
    /// End the script here; what it did so far stands (a write is committed). The script's
    /// report says where it stopped.
    Stop,
    /// Run the statements and directives of this file here, as `load` runs a file: in the same
    /// snapshot or transaction, its path relative to the folder of the script that names it,
    /// nested at most 16 deep. Unlike `load`, each statement's result goes to the handler.
    Read(String),
}

/// Whoever runs a script with directives: told of each statement's result, and handed each
/// directive line.
pub trait ScriptHandler {
    /// A statement's rows, or (with `keep_going`) its error, as each statement ends.
    fn result(&mut self, result: Result<Rows, &Error>);

    /// Where a question's rows go as they are made. With a sink, a question's rows are handed
    /// to it one by one (and never all held), and `result` then receives the columns and note
    /// with no rows; without one (the default), `result` receives them all.
    fn rows(&mut self) -> Option<&mut dyn RowSink> {
        None
    }

    /// Whether this directive line may write (for instance, it reads another script): a script
    /// with such a line runs in a write transaction, as a script with a write statement does.
    fn directive_writes(&self, _line: &str) -> bool {
        false
    }

    /// Why this handler's scripts may not write, if they may not: a script with a statement or
    /// directive that writes is then refused whole before anything runs, with this sentence
    /// located at the first such item. For a caller that answers on behalf of another.
    fn refuses_writes(&self) -> Option<String> {
        None
    }

    /// Handles one directive line (the whole line, starting with `.`), seeing the database as
    /// the script sees it at that point. An error fails the script as a statement's would.
    fn directive(&mut self, line: &str, here: &Here<'_>) -> Result<Directed>;
}

/// The database as a running script sees it, for a directive: the committed state plus what
/// the script has written so far.
pub struct Here<'a> {
    reader: Reader<'a>,
    writes: bool,
    base: &'a Path,
    database: Option<&'a Path>,
}

impl Here<'_> {
    /// Whether the script runs in a write transaction (it writes, or may): what it has written
    /// is not committed yet, and is undone if it fails.
    pub fn writes(&self) -> bool {
        self.writes
    }

    /// How many records of a kind there are.
    pub fn count(&self, kind: RecordKind) -> Result<u64> {
        self.reader.count(kind)
    }

    /// Every record of one kind, in id order.
    pub fn all<R: Record>(&self) -> Result<Vec<(Id<R>, R)>> {
        self.reader.all().collect()
    }

    /// The statements of a dump, as `dump;` gives them.
    pub fn dump(&self) -> Result<Vec<String>> {
        crate::dump::dump(&self.reader)
    }

    /// Writes a dump to `file` as `dump 'file' [replace];` does (relative to the script's
    /// folder), and says what it wrote.
    pub fn dump_to(&self, file: &str, replace: bool) -> Result<String> {
        let rows = dump_to_file(&self.reader, self.base, self.database, file, replace)?;
        Ok(rows.note.unwrap_or_default())
    }
}

/// Reads a script file: its text, or why it is not a script. The error does not quote the
/// file, which may be anything (`load '/etc/passwd'`): only its name and what is wrong.
pub fn read_script(path: &Path) -> Result<String> {
    let shown = path.display();
    let cannot = |e: std::io::Error| Error::Invalid(format!("cannot read '{shown}': {e}"));
    let mut file = std::fs::File::open(path).map_err(cannot)?;
    // Look at the beginning first: a binary or an endless device (`/dev/zero`) is refused
    // without reading all of it.
    let mut bytes = Vec::new();
    (&mut file)
        .take(SNIFF_BYTES)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    let not_a_script =
        |why: &str| Error::Invalid(format!("'{shown}' is not an Entrevue script: {why}"));
    let valid_so_far = match std::str::from_utf8(&bytes) {
        Ok(_) => true,
        // A character cut at the end of the part looked at is not an error.
        Err(e) => e.error_len().is_none(),
    };
    if bytes.contains(&0) {
        return Err(not_a_script("it contains NUL bytes"));
    }
    if !valid_so_far {
        return Err(not_a_script("it is not UTF-8 text"));
    }
    file.read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.contains(&0) {
        return Err(not_a_script("it contains NUL bytes"));
    }
    String::from_utf8(bytes).map_err(|_| not_a_script("it is not UTF-8 text"))
}

/// What every statement of one script run shares: the cancellation, the progress count and
/// the open database's directory (which `dump` must not write into).
struct Run<'a> {
    cancel: &'a CancellationToken,
    progress: Option<&'a (dyn Fn(Progress) + Send + Sync)>,
    done: usize,
    total: usize,
    database: Option<&'a Path>,
}

impl Run<'_> {
    fn step(&mut self) {
        self.done += 1;
        if let Some(progress) = self.progress {
            progress(Progress {
                done: self.done,
                total: self.total,
            });
        }
    }
}

/// Where a script's statements come from: its text and name (to locate errors), the folder
/// its relative paths start from, and how deeply `load` has nested it.
#[derive(Clone, Copy)]
struct Script<'a> {
    source: Source<'a>,
    base: &'a Path,
    depth: usize,
}

impl<'a> Script<'a> {
    /// The script of one statement cut from this one (`own`, already parsed), so that its
    /// errors are located in its own text before `in_script` places them in the whole.
    fn alone(self, own: &'a str, parsed: Vec<(Statement, Span)>) -> (Script<'a>, Vec<Item>) {
        let items = parsed
            .into_iter()
            .map(|(s, at)| Item::Statement(Box::new(s), at))
            .collect();
        let name = self.source.name;
        let script = Script {
            source: Source { text: own, name },
            ..self
        };
        (script, items)
    }
}

/// What a script did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScriptReport {
    /// Statements run.
    pub statements: usize,
    /// Statements that failed (only with `keep_going`; otherwise the first failure is the error).
    pub failed: usize,
    /// Where a directive stopped the script ([`Directed::Stop`]): the byte offset, in the
    /// script's text, just past that directive's line. The rest of the text was not run.
    pub stopped_at: Option<usize>,
}

/// Where a statement runs: on a read snapshot, or inside a write transaction.
enum Scope<'r, 'db> {
    Read(Reader<'r>),
    Write(&'r mut Transaction<'db>),
}

impl Scope<'_, '_> {
    /// Reads of everything the script sees (in a load, the posting lists settled first).
    fn reader(&mut self) -> Result<Reader<'_>> {
        match self {
            Scope::Read(r) => Ok(*r),
            Scope::Write(tx) => tx.reader(),
        }
    }
}

/// One step of a script: a statement, or a directive line (its span covers the line).
enum Item {
    // Boxed: a statement is some 300 bytes, a directive's span 16.
    Statement(Box<Statement>, Span),
    Directive(Span),
}

impl Item {
    fn span(&self) -> Span {
        match self {
            Item::Statement(_, span) | Item::Directive(span) => *span,
        }
    }
}

/// Whether the script goes on after an item.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flow {
    Continue,
    Stop,
}

/// Who hears of a script's results and directives, and whether directive lines are
/// recognised at all (a plain script has none: a line starting with `.` is a syntax error).
struct Host<'h> {
    handler: &'h mut dyn ScriptHandler,
    directives: bool,
}

impl Host<'_> {
    fn writes(&self, text: &str, item: &Item) -> bool {
        match item {
            Item::Statement(statement, _) => writes(statement),
            Item::Directive(span) => self.handler.directive_writes(&text[span.start..span.end]),
        }
    }
}

fn writes(statement: &Statement) -> bool {
    !matches!(
        statement,
        Statement::Query(_) | Statement::Explain(_) | Statement::Dump { .. }
    )
}

fn note(text: String) -> Rows {
    Rows {
        note: Some(text),
        ..Rows::default()
    }
}

fn is_interrupted(error: &Error) -> bool {
    matches!(error.root(), Error::Interrupted)
}

/// Whether `text` ends between statements: its last token (comments aside) is `;`, or it has
/// none. A `;` inside a string or a comment does not count, and neither does a string left
/// open.
pub fn ends_between_statements(text: &str) -> bool {
    let last = tokens(text)
        .filter(|t| !matches!(t.kind, TokenKind::Whitespace | TokenKind::Comment))
        .last();
    last.is_none_or(|t| t.text(text) == ";")
}

/// The spans of the directive lines of `text`: lines that start with `.` where a statement
/// could start (not inside a statement, a string or a comment), without their line break.
fn directive_lines(text: &str) -> Vec<Span> {
    let mut found = Vec::new();
    let mut since = 0;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with('.') && ends_between_statements(&text[since..at]) {
            let body = line.trim_end_matches('\n').trim_end_matches('\r');
            found.push(Span {
                start: at,
                end: at + body.len(),
            });
            since = at + line.len();
        }
        at += line.len();
    }
    found
}

/// The text with the directive lines blanked out, byte for byte, so that the statements keep
/// their offsets (and errors their lines and columns) in the whole text. A text without any
/// is not copied.
fn blank_out<'t>(text: &'t str, lines: &[Span]) -> Cow<'t, str> {
    if lines.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut statements_only = text.to_string();
    for span in lines {
        statements_only.replace_range(span.start..span.end, &" ".repeat(span.end - span.start));
    }
    Cow::Owned(statements_only)
}

/// One step of a script run statement by statement: the text of a statement (from its first
/// token to its `;`, or to the end of an unfinished one), or a directive line.
#[derive(Clone, Copy)]
enum Piece {
    Statement(Span),
    Directive(Span),
}

impl Piece {
    fn start(self) -> usize {
        match self {
            Piece::Statement(span) | Piece::Directive(span) => span.start,
        }
    }
}

/// Cuts a script into its statements and directive lines, in order, without parsing it: a
/// statement ends at each `;` that is not inside a string or a comment, as the shell's
/// continuation prompt sees it ([`ends_between_statements`]), so that a statement that does
/// not parse spoils nothing after its `;`. Returns the text with its directive lines blanked
/// out (the statements' text) and the pieces.
fn pieces_of(text: &str, directives: bool) -> (Cow<'_, str>, Vec<Piece>) {
    let lines = if directives {
        directive_lines(text)
    } else {
        Vec::new()
    };
    let statements_only = blank_out(text, &lines);
    let mut pieces: Vec<Piece> = lines.into_iter().map(Piece::Directive).collect();
    let mut start = None;
    for token in tokens(&statements_only) {
        if matches!(token.kind, TokenKind::Whitespace | TokenKind::Comment) {
            continue;
        }
        let is_end = token.kind == TokenKind::Punct && token.text(&statements_only) == ";";
        if is_end && start.is_none() {
            // A `;` with nothing before it ends no statement, as the parser reads it.
            continue;
        }
        let first = *start.get_or_insert(token.start);
        if is_end {
            pieces.push(Piece::Statement(Span {
                start: first,
                end: token.end,
            }));
            start = None;
        }
    }
    if let Some(first) = start {
        pieces.push(Piece::Statement(Span {
            start: first,
            end: statements_only.len(),
        }));
    }
    pieces.sort_by_key(|piece| piece.start());
    (statements_only, pieces)
}

/// How many statements `text` holds, and directive lines when `directives`, counted without
/// parsing it: as a script run statement by statement is cut (a statement that does not
/// parse counts as one).
pub fn count_steps(text: &str, directives: bool) -> usize {
    pieces_of(text, directives).1.len()
}

/// A script cut into its statements and directive lines, every statement known to parse.
struct Cut<'t> {
    /// The text with its directive lines blanked out: the statements' text.
    statements_only: Cow<'t, str>,
    pieces: Vec<Piece>,
    statements: usize,
    /// The first statement or directive line that writes (or may), located in the text.
    first_write: Option<Span>,
    /// The trees of the first statement pieces, by piece, while they hold no more than
    /// [`KEPT_STATEMENTS`] statements in all; later pieces are parsed again when they run.
    kept: Vec<Option<Vec<(Statement, Span)>>>,
}

/// How many statements' trees a survey keeps for the run: enough that a question asked
/// alone, or a short script, is parsed once; few enough that a long script's trees are never
/// all held at once.
const KEPT_STATEMENTS: usize = 256;

impl Cut<'_> {
    fn has_directives(&self) -> bool {
        self.pieces.iter().any(|p| matches!(p, Piece::Directive(_)))
    }
}

/// Cuts a script into its pieces ([`pieces_of`]) and parses each statement once, keeping
/// the first trees only: a syntax error anywhere is reported before anything runs, as a parse of the
/// whole text reports it, and what the script holds (how many statements, whether it writes)
/// is known without ever holding every statement's tree at once. Beyond the first
/// [`KEPT_STATEMENTS`], each statement is parsed again when it runs. A file's text (`file`)
/// whose first statement does not parse is not taken for a script.
fn survey<'t>(
    text: &'t str,
    name: Option<&str>,
    host: Option<&Host<'_>>,
    file: bool,
) -> Result<Cut<'t>> {
    let directives = host.is_some_and(|h| h.directives);
    let (statements_only, pieces) = pieces_of(text, directives);
    let mut cut = Cut {
        statements_only,
        pieces: Vec::new(),
        statements: 0,
        first_write: None,
        kept: Vec::new(),
    };
    let mut previous_end = None;
    for (index, piece) in pieces.iter().enumerate() {
        match *piece {
            Piece::Directive(span) => {
                let line = &text[span.start..span.end];
                if cut.first_write.is_none()
                    && host.is_some_and(|h| h.handler.directive_writes(line))
                {
                    cut.first_write = Some(span);
                }
            }
            Piece::Statement(span) => {
                let own = &cut.statements_only[span.start..span.end];
                let parsed = parse(own).map_err(|e| {
                    whole_parse_error(&cut.statements_only, span, previous_end, e, name, file)
                })?;
                for (statement, at) in &parsed {
                    cut.statements += 1;
                    if cut.first_write.is_none() && writes(statement) {
                        cut.first_write = Some(Span {
                            start: span.start + at.start,
                            end: span.start + at.end,
                        });
                    }
                }
                previous_end = Some(span.end);
                if cut.statements <= KEPT_STATEMENTS {
                    cut.kept.resize(index, None);
                    cut.kept.push(Some(parsed));
                }
            }
        }
    }
    cut.pieces = pieces;
    Ok(cut)
}

/// The error of the statement `span` of `text` that did not parse (`error`, located in its own
/// text), as a parse of the whole text reports it: the statement is parsed again after the
/// `;` of the one before (`previous_end`), which the message may name ("… after `;`").
fn whole_parse_error(
    text: &str,
    span: Span,
    previous_end: Option<usize>,
    error: ParseError,
    name: Option<&str>,
    file: bool,
) -> Error {
    let start = previous_end.map_or(0, |end| end.saturating_sub(1));
    let (start, error) = match text.get(start..span.end).map(parse) {
        Some(Err(whole)) => (start, whole),
        _ => (span.start, error),
    };
    let error = ParseError {
        location: Location::of(text, start + error.location.offset, None),
        message: error.message,
    };
    parse_failure(text, error, name, file)
}

/// `error` with its location, when it is in the source named `name`, changed by `change`; an
/// error located elsewhere (in a loaded file) is left as it is.
fn relocated(error: Error, name: Option<&str>, change: impl Fn(&mut Location)) -> Error {
    let ours = |location: &Location| location.source.as_deref() == name;
    match error {
        Error::At {
            mut location,
            error,
        } => {
            if ours(&location) {
                change(&mut location);
            }
            Error::At { location, error }
        }
        Error::Parse(mut parsed) => {
            if ours(&parsed.location) {
                change(&mut parsed.location);
            }
            Error::Parse(parsed)
        }
        other => other,
    }
}

/// An error located in the text of one statement, which starts `start` bytes into the
/// script's `text`, located in the whole script.
fn in_script(error: Error, text: &str, start: usize, name: Option<&str>) -> Error {
    relocated(error, name, |location| {
        *location = Location::of(text, start + location.offset, name);
    })
}

/// An error located in a text that comes `lines` lines into a longer input, located in the
/// whole input.
fn in_input(error: Error, lines: u32, name: Option<&str>) -> Error {
    if lines == 0 {
        return error;
    }
    relocated(error, name, |location| location.line += lines)
}

/// A parse error as reported: located in its source; for a file whose first statement does
/// not parse, a sentence saying that the file is not a script, without its text.
fn parse_failure(text: &str, error: ParseError, name: Option<&str>, file: bool) -> Error {
    let offset = error.location.offset;
    let first_statement = !tokens(&text[..offset.min(text.len())])
        .any(|t| t.kind == TokenKind::Punct && t.text(text) == ";");
    if !(file && first_statement) {
        return Error::Parse(match name {
            Some(name) => error.in_source(name),
            None => error,
        });
    }
    let first_token = tokens(text)
        .find(|t| !matches!(t.kind, TokenKind::Whitespace | TokenKind::Comment))
        .map_or(text.len(), |t| t.start);
    // What was expected, without the text found there (which could be anything).
    let expected = if offset <= first_token {
        "expected a statement".to_string()
    } else if error.message.starts_with("expected ") {
        let cut = [" after `", ", found "]
            .iter()
            .filter_map(|m| error.message.find(m))
            .min()
            .unwrap_or(error.message.len());
        error.message[..cut].to_string()
    } else {
        "its first statement does not parse".to_string()
    };
    let Location { line, column, .. } = error.location;
    Error::Invalid(format!(
        "'{}' is not an Entrevue script: line {line}:{column}: {expected}",
        name.unwrap_or("the file")
    ))
}

/// Runs a script; see [`Database::run_script`](crate::Database::run_script).
pub(crate) fn run_script(
    engine: &Engine,
    text: &str,
    options: &ScriptOptions,
    on_result: &mut dyn FnMut(Result<Rows, &Error>),
) -> Result<ScriptReport> {
    let mut results = Results(on_result);
    let mut host = Host {
        handler: &mut results,
        directives: false,
    };
    run_hosted(engine, text, options, &mut host)
}

/// Runs a script with directive lines; see
/// [`Database::run_script_with`](crate::Database::run_script_with).
pub(crate) fn run_script_with(
    engine: &Engine,
    text: &str,
    options: &ScriptOptions,
    handler: &mut dyn ScriptHandler,
) -> Result<ScriptReport> {
    let mut host = Host {
        handler,
        directives: true,
    };
    run_hosted(engine, text, options, &mut host)
}

/// A plain function of results, as a handler of a script without directives.
struct Results<'f>(&'f mut dyn FnMut(Result<Rows, &Error>));

impl ScriptHandler for Results<'_> {
    fn result(&mut self, result: Result<Rows, &Error>) {
        (self.0)(result);
    }

    fn directive(&mut self, _line: &str, _here: &Here<'_>) -> Result<Directed> {
        Err(Error::Internal(
            "a script without directives was handed one".into(),
        ))
    }
}

fn run_hosted(
    engine: &Engine,
    text: &str,
    options: &ScriptOptions,
    host: &mut Host<'_>,
) -> Result<ScriptReport> {
    // Clear an earlier interrupt before the (uninterruptible) parse, so that one arriving
    // while a long script is parsed still stops it.
    let cancel = engine.cancel();
    cancel.reset();
    let name = options.source.as_deref();
    let base = options.base_dir.clone().unwrap_or_default();
    let script = Script {
        source: Source { text, name },
        base: &base,
        depth: 0,
    };
    let mut ctx = Run {
        cancel,
        progress: options.progress.as_deref(),
        done: 0,
        total: 0,
        database: engine.path(),
    };
    let ran = if options.keep_going {
        one_by_one(engine, &mut ctx, script, host, options)
    } else {
        whole(engine, &mut ctx, script, host, options.from_file)
    };
    ran.map_err(|e| in_input(e, options.line_offset, name))
}

/// Runs a script as one unit: every statement parsed first (a syntax error anywhere runs
/// nothing), then each parsed again and run in turn, in one snapshot, or one transaction if
/// anything in it writes. A script without directive lines that writes into a database that
/// has never held a record runs as a load ([`Engine::load`]): as atomic, in bounded memory.
fn whole(
    engine: &Engine,
    ctx: &mut Run<'_>,
    script: Script<'_>,
    host: &mut Host<'_>,
    from_file: bool,
) -> Result<ScriptReport> {
    let cut = survey(
        script.source.text,
        script.source.name,
        Some(&*host),
        from_file,
    )?;
    ctx.total = cut.statements;
    let load = !cut.has_directives();
    let stopped_at = run_together(
        engine,
        ctx,
        script,
        cut.first_write,
        load,
        host,
        |scope, ctx, host| run_cut(scope, ctx, script, &cut, host, true),
    )?;
    Ok(ScriptReport {
        statements: cut.statements,
        failed: 0,
        stopped_at,
    })
}

/// Runs the pieces of a script in order in one scope, each statement with the tree the survey
/// kept or parsed again, alone, when its turn comes (its errors located in the whole script). Returns where a directive
/// stopped the script, if one did.
fn run_cut(
    scope: &mut Scope<'_, '_>,
    ctx: &mut Run<'_>,
    script: Script<'_>,
    cut: &Cut<'_>,
    host: &mut Host<'_>,
    deliver: bool,
) -> Result<Option<usize>> {
    let (text, name) = (script.source.text, script.source.name);
    for (index, piece) in cut.pieces.iter().enumerate() {
        let stopped = match *piece {
            Piece::Directive(span) => {
                run_items(scope, ctx, script, &[Item::Directive(span)], host, deliver)?
            }
            Piece::Statement(span) => {
                let own = &cut.statements_only[span.start..span.end];
                let parsed = match cut.kept.get(index) {
                    Some(Some(parsed)) => parsed.clone(),
                    _ => parse(own).map_err(|_| {
                        Error::Internal("a statement that parsed did not parse again".into())
                    })?,
                };
                let (alone, items) = script.alone(own, parsed);
                run_items(scope, ctx, alone, &items, host, deliver)
                    .map_err(|e| in_script(e, text, span.start, name))?
            }
        };
        if stopped.is_some() {
            return Ok(stopped);
        }
    }
    Ok(None)
}

/// Runs a script a statement at a time (`keep_going`), each parsed only when its turn comes
/// and run on its own (a write in its own transaction). A statement that does not parse or
/// fails is reported to the handler, located in the whole script, and the run goes on after
/// its `;`; an interruption stops the whole run.
fn one_by_one(
    engine: &Engine,
    ctx: &mut Run<'_>,
    script: Script<'_>,
    host: &mut Host<'_>,
    options: &ScriptOptions,
) -> Result<ScriptReport> {
    let (text, name) = (script.source.text, script.source.name);
    let (statements_only, pieces) = pieces_of(text, host.directives);
    let statements = pieces
        .iter()
        .filter(|p| matches!(p, Piece::Statement(_)))
        .count();
    ctx.total = statements;
    let mut report = ScriptReport {
        statements,
        ..ScriptReport::default()
    };
    let mut first = true;
    for piece in pieces {
        let result = match piece {
            Piece::Directive(span) => {
                run_items_together(engine, ctx, script, &[Item::Directive(span)], host)
            }
            Piece::Statement(span) => {
                let own = &statements_only[span.start..span.end];
                match parse(own) {
                    Ok(parsed) => {
                        let (alone, items) = script.alone(own, parsed);
                        run_items_together(engine, ctx, alone, &items, host)
                            .map_err(|e| in_script(e, text, span.start, name))
                    }
                    Err(error) => {
                        let offset = span.start + error.location.offset;
                        let error = ParseError {
                            location: Location::of(text, offset, None),
                            message: error.message,
                        };
                        let file = options.from_file && first;
                        match parse_failure(&statements_only, error, name, file) {
                            // A file that does not begin as a script is read no further: its
                            // text could be anything, and is not to be shown.
                            not_a_script @ Error::Invalid(_) => return Err(not_a_script),
                            error => Err(error),
                        }
                    }
                }
            }
        };
        first &= matches!(piece, Piece::Directive(_));
        match result {
            Ok(Some(stopped)) => {
                report.stopped_at = Some(stopped);
                break;
            }
            Ok(None) => {}
            Err(e) if is_interrupted(&e) => return Err(e),
            Err(e) => {
                report.failed += 1;
                let e = in_input(e, options.line_offset, name);
                host.handler.result(Err(&e));
            }
        }
    }
    Ok(report)
}

/// Runs items together, as [`run_together`] does (never as a load).
fn run_items_together(
    engine: &Engine,
    ctx: &mut Run<'_>,
    script: Script<'_>,
    items: &[Item],
    host: &mut Host<'_>,
) -> Result<Option<usize>> {
    let text = script.source.text;
    let first_write = items
        .iter()
        .find(|item| host.writes(text, item))
        .map(Item::span);
    run_together(
        engine,
        ctx,
        script,
        first_write,
        false,
        host,
        |scope, ctx, host| run_items(scope, ctx, script, items, host, true),
    )
}

/// Runs `body` in one transaction if the script writes (`first_write`: where it first does),
/// as a load when `load` allows it ([`Engine::load`]), else on one read snapshot. Returns
/// where a directive stopped the script, if one did.
fn run_together(
    engine: &Engine,
    ctx: &mut Run<'_>,
    script: Script<'_>,
    first_write: Option<Span>,
    load: bool,
    host: &mut Host<'_>,
    body: impl FnOnce(&mut Scope<'_, '_>, &mut Run<'_>, &mut Host<'_>) -> Result<Option<usize>>,
) -> Result<Option<usize>> {
    if let Some(reason) = host.handler.refuses_writes() {
        if let Some(span) = first_write {
            return Err(script.source.at(span, Error::Invalid(reason)));
        }
    }
    if first_write.is_none() {
        return engine.read(|reader| {
            let stopped = body(&mut Scope::Read(reader), ctx, host)?;
            ctx.cancel.check()?;
            Ok(stopped)
        });
    }
    let write = |tx: &mut Transaction<'_>| {
        let stopped = body(&mut Scope::Write(tx), ctx, host)?;
        // An interrupt that came after the last statement (while its rows were shown)
        // still stops the script before anything is committed.
        ctx.cancel.check()?;
        Ok(stopped)
    };
    if load {
        engine.load(write)
    } else {
        engine.transaction(write)
    }
}

/// Runs items in order in one scope, handing each statement's result to the handler when
/// `deliver`. Returns where a directive stopped the script, if one did: the end of the line
/// of the item (of these) that stopped.
fn run_items(
    scope: &mut Scope<'_, '_>,
    ctx: &mut Run<'_>,
    script: Script<'_>,
    items: &[Item],
    host: &mut Host<'_>,
    deliver: bool,
) -> Result<Option<usize>> {
    let text = script.source.text;
    for item in items {
        let flow = match item {
            Item::Statement(statement, span) => {
                let sink = if deliver { host.handler.rows() } else { None };
                let rows = run(scope, ctx, script, statement, *span, sink)?;
                if deliver {
                    host.handler.result(Ok(rows));
                }
                Flow::Continue
            }
            Item::Directive(span) => directive(scope, ctx, script, host, *span)?,
        };
        if flow == Flow::Stop {
            let end = item.span().end;
            let past_line = text[end..].find('\n').map_or(text.len(), |n| end + n + 1);
            return Ok(Some(past_line));
        }
    }
    Ok(None)
}

/// Hands a directive line to the handler, then does what it asks.
fn directive(
    scope: &mut Scope<'_, '_>,
    ctx: &mut Run<'_>,
    script: Script<'_>,
    host: &mut Host<'_>,
    span: Span,
) -> Result<Flow> {
    let source = script.source;
    let located = |e: Error| source.at(span, e);
    ctx.cancel.check().map_err(located)?;
    let line = &source.text[span.start..span.end];
    let writes = matches!(scope, Scope::Write(_));
    let here = Here {
        reader: scope.reader().map_err(located)?,
        writes,
        base: script.base,
        database: ctx.database,
    };
    match host.handler.directive(line, &here).map_err(located)? {
        Directed::Continue => Ok(Flow::Continue),
        Directed::Stop => Ok(Flow::Stop),
        Directed::Read(file) => {
            let what = LoadSource::File(file);
            let (_, flow) = include(scope, ctx, script, Some(host), &what).map_err(located)?;
            Ok(flow)
        }
    }
}

/// Runs one statement: stops first if interrupted, counts it when done.
fn run(
    scope: &mut Scope<'_, '_>,
    ctx: &mut Run<'_>,
    script: Script<'_>,
    statement: &Statement,
    span: Span,
    sink: Option<&mut dyn RowSink>,
) -> Result<Rows> {
    let source = script.source;
    ctx.cancel.check().map_err(|e| source.at(span, e))?;
    let located = |e: Error| source.at(span, e);
    let rows = match statement {
        Statement::Query(question) => {
            // Planning errors carry their own location (the name or clause at fault); an
            // execution error is located at the statement.
            let reader = scope.reader().map_err(located)?;
            let plan = query::plan_query(&reader, source, question)?;
            match sink {
                Some(sink) => {
                    let mut streamed = Streamed {
                        columns: Vec::new(),
                        sink,
                    };
                    query::execute_into(&reader, &plan, ctx.cancel, &mut streamed)
                        .map(|note| Rows {
                            columns: streamed.columns,
                            rows: Vec::new(),
                            note,
                        })
                        .map_err(located)
                }
                None => query::execute(&reader, &plan, ctx.cancel).map_err(located),
            }
        }
        Statement::Explain(query) => {
            query::explain(&scope.reader().map_err(located)?, source, query)
        }
        Statement::Dump { file, replace } => match file {
            None => crate::dump::dump(&scope.reader()?)
                .map(|statements| {
                    let mut rows = Rows::new(&[crate::rows::SCRIPT_COLUMN]);
                    rows.rows = statements
                        .into_iter()
                        .map(|s| vec![Value::Text(s)])
                        .collect();
                    rows
                })
                .map_err(located),
            Some(file) => dump_to_file(&scope.reader()?, script.base, ctx.database, file, *replace)
                .map_err(located),
        },
        Statement::Load(what) => {
            // A loaded file's results are not shown, nor its directives read: `load` is a
            // statement of the language, whose result is a note.
            include(scope, ctx, script, None, what)
                .map(|(rows, _)| rows)
                .map_err(located)
        }
        Statement::Add(def) => write(scope, source, span, |w| w.add(def)),
        Statement::Set {
            kind,
            target,
            clauses,
        } => write(scope, source, span, |w| w.set(*kind, target, clauses)),
        Statement::Delete { kind, target } => {
            write(scope, source, span, |w| w.delete(*kind, target))
        }
        Statement::AddAlias {
            alias,
            kind,
            target,
        } => write(scope, source, span, |w| w.alias(alias, *kind, target, true)),
        Statement::DeleteAlias {
            alias,
            kind,
            target,
        } => write(scope, source, span, |w| {
            w.alias(alias, *kind, target, false)
        }),
    }?;
    ctx.step();
    Ok(rows)
}

/// A handler's sink, noting the columns it was given for the statement's result.
struct Streamed<'s> {
    columns: Vec<String>,
    sink: &'s mut dyn RowSink,
}

impl RowSink for Streamed<'_> {
    fn columns(&mut self, columns: &[String]) -> Result<()> {
        self.columns = columns.to_vec();
        self.sink.columns(columns)
    }

    fn row(&mut self, row: Vec<Value>) -> Result<()> {
        self.sink.row(row)
    }

    fn full(&self) -> bool {
        self.sink.full()
    }

    fn rows_coming(&mut self, rows: usize) {
        self.sink.rows_coming(rows);
    }
}

/// `dump 'file' [replace]`: the dump written to a file (relative to `base`), never inside the
/// database's own directory; a note says how much was written.
fn dump_to_file(
    reader: &Reader<'_>,
    base: &Path,
    database: Option<&Path>,
    file: &str,
    replace: bool,
) -> Result<Rows> {
    let path = base.join(file);
    let written = crate::dump::write_file(reader, &path, replace, database)?;
    Ok(note(format!(
        "wrote {written} statements to {}",
        path.display()
    )))
}

/// Runs the statements of a file (or of the demo) inside the same scope, paths relative to the
/// file's own folder: `load` (no `host`: results are not shown and directive lines are not
/// recognised), or a directive's [`Directed::Read`] (with the `host`, which hears of each
/// result and handles the file's directives). Both nest at most `MAX_LOAD_DEPTH` deep, and
/// both run inside the script's snapshot or transaction, so a failure anywhere undoes all of
/// it.
fn include(
    scope: &mut Scope<'_, '_>,
    ctx: &mut Run<'_>,
    script: Script<'_>,
    host: Option<&mut Host<'_>>,
    what: &LoadSource,
) -> Result<(Rows, Flow)> {
    let base = script.base;
    if script.depth >= MAX_LOAD_DEPTH {
        return Err(Error::Invalid(format!(
            "scripts nest deeper than {MAX_LOAD_DEPTH} (a script that reads itself?)"
        )));
    }
    let (text, name, dir) = match what {
        LoadSource::Demo => (
            DEMO_SCRIPT.to_string(),
            "demo".to_string(),
            base.to_path_buf(),
        ),
        LoadSource::File(file) => {
            let path = base.join(file);
            let text = read_script(&path)?;
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            (text, path.display().to_string(), dir)
        }
    };
    let is_file = matches!(what, LoadSource::File(_));
    let inner = Script {
        source: Source {
            text: &text,
            name: Some(&name),
        },
        base: &dir,
        depth: script.depth + 1,
    };
    let (stopped, statements) = match host {
        Some(host) => {
            let cut = survey(&text, Some(&name), Some(&*host), is_file)?;
            ctx.total += cut.statements;
            (
                run_cut(scope, ctx, inner, &cut, host, true)?,
                cut.statements,
            )
        }
        None => {
            let cut = survey(&text, Some(&name), None, is_file)?;
            ctx.total += cut.statements;
            let mut ignore = |_: Result<Rows, &Error>| {};
            let mut quiet = Results(&mut ignore);
            let mut host = Host {
                handler: &mut quiet,
                directives: false,
            };
            (
                run_cut(scope, ctx, inner, &cut, &mut host, false)?,
                cut.statements,
            )
        }
    };
    let flow = if stopped.is_some() {
        Flow::Stop
    } else {
        Flow::Continue
    };
    Ok((
        note(format!("loaded {statements} statements from {name}")),
        flow,
    ))
}

/// Runs a write statement; its result is a note saying what changed.
fn write(
    scope: &mut Scope<'_, '_>,
    source: Source<'_>,
    span: Span,
    apply: impl FnOnce(&mut Writer<'_, '_>) -> Result<String>,
) -> Result<Rows> {
    let Scope::Write(tx) = scope else {
        // Only a script read by a directive that did not say it may write gets here.
        return Err(source.at(
            span,
            Error::Invalid("this statement writes, but the script around it runs read-only".into()),
        ));
    };
    let mut writer = Writer { tx, source };
    apply(&mut writer).map(note).map_err(|e| source.at(span, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_ends_at_a_semicolon_outside_strings_and_comments() {
        assert!(ends_between_statements("who met Witkoff;"));
        assert!(ends_between_statements("who met O'Brien;"));
        assert!(ends_between_statements("who met 'a;b';  -- a note\n"));
        assert!(!ends_between_statements("who met 'a;b'"));
        assert!(!ends_between_statements("who met \"open;"));
        assert!(!ends_between_statements("who met Witkoff -- done;"));
        assert!(!ends_between_statements("who met\n"));
        assert!(ends_between_statements(""));
        assert!(ends_between_statements("  -- a note\n"));
    }

    #[test]
    fn a_script_is_cut_at_each_semicolon_outside_strings_and_comments() {
        let text = "who met 'a;b'; -- c;d\n.mode csv\n who met X\n;;who met \"open;";
        let (statements_only, pieces) = pieces_of(text, true);
        let shown: Vec<String> = pieces
            .iter()
            .map(|piece| match *piece {
                Piece::Statement(s) => format!("S {}", &statements_only[s.start..s.end]),
                Piece::Directive(s) => format!("D {}", &text[s.start..s.end]),
            })
            .collect();
        assert_eq!(
            shown,
            [
                "S who met 'a;b';",
                "D .mode csv",
                "S who met X\n;",
                "S who met \"open;",
            ]
        );
        assert_eq!(count_steps(text, true), 4);
        // Without directives, the dot-command line is part of the next statement.
        assert_eq!(count_steps(text, false), 3);
    }

    #[test]
    fn directive_lines_are_those_between_statements() {
        let text = "who met X;\n.mode csv\nwho met 'a\n.not this'\n;\r\n.timer on\r\n";
        let lines: Vec<&str> = directive_lines(text)
            .iter()
            .map(|s| &text[s.start..s.end])
            .collect();
        assert_eq!(lines, [".mode csv", ".timer on"]);
    }
}
