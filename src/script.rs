//! Running statements: queries, writes, `load`, `dump` and `explain`, one at a time or as a
//! script.
//!
//! A script runs in one transaction: if any statement fails, nothing it wrote is kept (unless
//! `keep_going` asks for each statement to stand alone). A script that only reads runs on a read
//! snapshot, without taking the writer lock.

use std::path::{Path, PathBuf};

use crate::engine::{Engine, Transaction};
use crate::error::{Error, Result};
use crate::query::{self, CancellationToken};
use crate::rows::{Rows, Value};
use crate::storage::Reader;
use crate::syntax::{parse, LoadSource, Source, Span, Statement};
use crate::write::Writer;

/// The bundled *Miami talks* dataset, as a script.
pub const DEMO_SCRIPT: &str = include_str!("../fixtures/miami-talks/miami-talks.ent");

/// How deeply `load` may nest scripts that load scripts.
const MAX_LOAD_DEPTH: usize = 16;

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
    /// Run every statement on its own: a failing statement is reported and skipped, and the
    /// others are kept.
    pub keep_going: bool,
    /// Where `load` and `dump` resolve relative paths (default: the current directory).
    pub base_dir: Option<PathBuf>,
    /// Told of the progress after each statement (for a progress bar).
    pub progress: Option<ProgressFn>,
}

impl std::fmt::Debug for ScriptOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScriptOptions")
            .field("source", &self.source)
            .field("keep_going", &self.keep_going)
            .field("base_dir", &self.base_dir)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// What every statement of one script run shares: the cancellation and the progress count.
struct Run<'a> {
    cancel: &'a CancellationToken,
    progress: Option<&'a (dyn Fn(Progress) + Send + Sync)>,
    done: usize,
    total: usize,
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

/// What a script did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScriptReport {
    /// Statements run.
    pub statements: usize,
    /// Statements that failed (only with `keep_going`; otherwise the first failure is the error).
    pub failed: usize,
}

/// Where a statement runs: on a read snapshot, or inside a write transaction.
enum Scope<'r, 'db> {
    Read(Reader<'r>),
    Write(&'r mut Transaction<'db>),
}

impl Scope<'_, '_> {
    fn reader(&self) -> Reader<'_> {
        match self {
            Scope::Read(r) => *r,
            Scope::Write(tx) => tx.reader(),
        }
    }
}

fn writes(statement: &Statement) -> bool {
    !matches!(
        statement,
        Statement::Query(_) | Statement::Explain(_) | Statement::Dump(_)
    )
}

fn note(text: String) -> Rows {
    Rows {
        note: Some(text),
        ..Rows::default()
    }
}

/// Runs a script; see [`Database::run_script`](crate::Database::run_script).
pub(crate) fn run_script(
    engine: &Engine,
    text: &str,
    options: &ScriptOptions,
    on_result: &mut dyn FnMut(Result<Rows, &Error>),
) -> Result<ScriptReport> {
    // Clear an earlier interrupt before the (uninterruptible) parse, so that one arriving
    // while a long script is parsed still stops it.
    let cancel = engine.cancel();
    cancel.reset();
    let name = options.source.as_deref();
    let statements = parse(text).map_err(|e| match name {
        Some(name) => Error::Parse(e.in_source(name)),
        None => Error::Parse(e),
    })?;
    let base = options.base_dir.clone().unwrap_or_default();
    let script = Script {
        source: Source { text, name },
        base: &base,
        depth: 0,
    };
    let mut report = ScriptReport {
        statements: statements.len(),
        failed: 0,
    };
    let mut ctx = Run {
        cancel,
        progress: options.progress.as_deref(),
        done: 0,
        total: statements.len(),
    };
    if !statements.iter().any(|(s, _)| writes(s)) {
        return engine.read(|reader| {
            for (statement, span) in &statements {
                match run(&mut Scope::Read(reader), &mut ctx, script, statement, *span) {
                    Ok(rows) => on_result(Ok(rows)),
                    Err(e) if options.keep_going => {
                        report.failed += 1;
                        on_result(Err(&e));
                    }
                    Err(e) => return Err(e),
                }
            }
            Ok(report)
        });
    }
    if options.keep_going {
        for (statement, span) in &statements {
            let result = engine
                .transaction(|tx| run(&mut Scope::Write(tx), &mut ctx, script, statement, *span));
            match result {
                Ok(rows) => on_result(Ok(rows)),
                Err(e) => {
                    report.failed += 1;
                    on_result(Err(&e));
                }
            }
        }
        return Ok(report);
    }
    engine.transaction(|tx| {
        for (statement, span) in &statements {
            let rows = run(&mut Scope::Write(tx), &mut ctx, script, statement, *span)?;
            on_result(Ok(rows));
        }
        Ok(report)
    })
}

/// Runs one statement: stops first if interrupted, counts it when done.
fn run(
    scope: &mut Scope<'_, '_>,
    ctx: &mut Run<'_>,
    script: Script<'_>,
    statement: &Statement,
    span: Span,
) -> Result<Rows> {
    let source = script.source;
    let base = script.base;
    ctx.cancel.check().map_err(|e| source.at(span, e))?;
    let located = |e: Error| source.at(span, e);
    let rows = match statement {
        Statement::Query(question) => {
            // Planning errors carry their own location (the name or clause at fault); an
            // execution error is located at the statement.
            let reader = scope.reader();
            let plan = query::plan_query(&reader, source, question)?;
            query::execute(&reader, &plan, ctx.cancel).map_err(located)
        }
        Statement::Explain(query) => query::explain(&scope.reader(), source, query),
        Statement::Dump(path) => {
            let statements = crate::dump::dump(&scope.reader()).map_err(located)?;
            match path {
                None => {
                    let mut rows = Rows::new(&["statement"]);
                    rows.rows = statements
                        .into_iter()
                        .map(|s| vec![Value::Text(s)])
                        .collect();
                    Ok(rows)
                }
                Some(path) => {
                    let path = base.join(path);
                    let mut text = statements.join("\n");
                    text.push('\n');
                    std::fs::write(&path, text).map_err(|e| {
                        located(Error::Io {
                            path: path.clone(),
                            source: e,
                        })
                    })?;
                    Ok(note(format!(
                        "wrote {} statements to {}",
                        statements.len(),
                        path.display()
                    )))
                }
            }
        }
        Statement::Load(what) => load(scope, ctx, script, what, span),
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

/// Runs `load`: the statements of a file (or of the demo) inside the same transaction, paths
/// relative to the file's own folder.
fn load(
    scope: &mut Scope<'_, '_>,
    ctx: &mut Run<'_>,
    script: Script<'_>,
    what: &LoadSource,
    span: Span,
) -> Result<Rows> {
    let base = script.base;
    let located = |e: Error| script.source.at(span, e);
    let Scope::Write(tx) = scope else {
        // `writes` counts `load` as a write, so it always has a transaction.
        return Err(located(Error::Internal(
            "load needs a write transaction".into(),
        )));
    };
    if script.depth >= MAX_LOAD_DEPTH {
        return Err(located(Error::Invalid(format!(
            "load nests deeper than {MAX_LOAD_DEPTH} scripts"
        ))));
    }
    let (text, name, dir) = match what {
        LoadSource::Demo => (
            DEMO_SCRIPT.to_string(),
            "demo".to_string(),
            base.to_path_buf(),
        ),
        LoadSource::File(file) => {
            let path = base.join(file);
            let text = std::fs::read_to_string(&path).map_err(|e| {
                located(Error::Io {
                    path: path.clone(),
                    source: e,
                })
            })?;
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            (text, path.display().to_string(), dir)
        }
    };
    let statements = parse(&text).map_err(|e| Error::Parse(e.in_source(name.clone())))?;
    let inner = Script {
        source: Source {
            text: &text,
            name: Some(&name),
        },
        base: &dir,
        depth: script.depth + 1,
    };
    ctx.total += statements.len();
    for (statement, span) in &statements {
        run(&mut Scope::Write(tx), ctx, inner, statement, *span)?;
    }
    Ok(note(format!(
        "loaded {} statements from {name}",
        statements.len()
    )))
}

/// Runs a write statement; its result is a note saying what changed.
fn write(
    scope: &mut Scope<'_, '_>,
    source: Source<'_>,
    span: Span,
    apply: impl FnOnce(&mut Writer<'_, '_>) -> Result<String>,
) -> Result<Rows> {
    let Scope::Write(tx) = scope else {
        return Err(source.at(
            span,
            Error::Internal("writes need a write transaction".into()),
        ));
    };
    let mut writer = Writer { tx, source };
    apply(&mut writer).map(note).map_err(|e| source.at(span, e))
}
