//! Statements — questions and writes — run against the demo data never panic, fail only with
//! an `Err` that says what the user did wrong, and leave the database consistent.
//!
//! The first byte of an input chooses `keep_going` (its lowest bit); the rest is the script,
//! which must be UTF-8. For every input:
//!
//! - `run_script` returns, and every error it returns or reports renders as text;
//! - no error is internal, corrupt data, a storage or a file failure (those are our bugs, not
//!   the user's mistakes), and a script that does not parse fails with a parse error and runs
//!   nothing;
//! - the report counts the script's statements and, with `keep_going`, its failures; without
//!   it, a script that fails leaves the record counts as they were (its one transaction
//!   committed nothing);
//! - `Database::check()` finds no problem after every `CHECK_COMMITTED_EVERY` inputs that
//!   committed a write, and before the database is rebuilt, so that every committed write is
//!   checked before the database is thrown away (and after one in `CHECK_FAILED_WRITES_EVERY`
//!   inputs that tried to write and committed nothing). A failed check lists every script
//!   that committed since the last clean one, in order.
//!
//! Scripts that read or write files (`load 'file'`, `dump 'file'`) are skipped; `load demo` and
//! `dump` to rows stay.
//!
//! Run from `fuzz/` (see README.md):
//!
//! ```sh
//! cargo +nightly fuzz run -a -s none statements corpus/statements -- -dict=entrevue.dict
//! ```

#![no_main]

use std::cell::RefCell;

use entrevue::syntax::{self, LoadSource, Span, Statement};
use entrevue::{Database, Error, Rows, ScriptOptions, ScriptReport, Stats};
use libfuzzer_sys::fuzz_target;

/// Inputs run on one database before it is rebuilt from scratch.
///
/// Why one database across inputs: a fresh temporary sled database with the demo loaded costs
/// several milliseconds, ten to a thousand times what an input costs, so rebuilding it for
/// every input would cut throughput tenfold or more. Rebuilding it every so often (and whenever
/// it has grown past `MAX_EXTRA_RECORDS`) keeps it small and close to the demo data.
///
/// The price is that an input runs after whatever the inputs before it wrote. A crash input
/// reproduces on its own (`cargo fuzz run statements <crash file>` runs it once, after the
/// demo data alone) unless it depends on earlier writes. `ENTREVUE_FUZZ_REBUILD_EVERY=1`
/// rebuilds the database before every input, which makes each run independent of the others:
/// set it for `cargo fuzz tmin`, which runs variants of an input one after another.
const REBUILD_EVERY: u64 = 1000;

/// Records beyond the demo data's after which the database is rebuilt early.
const MAX_EXTRA_RECORDS: u64 = 200;

/// Inputs that committed a write between two checks of the whole database.
///
/// `check()` reads and re-derives every record and index entry (stemming every quote): about
/// nine tenths of the target's time when it followed every committed write. A damage a write
/// leaves stays in the database until it is rebuilt, and the database is checked before every
/// rebuild, so checking every few writes still finds it; the failure then names every script
/// since the last clean check instead of one.
const CHECK_COMMITTED_EVERY: usize = 8;

/// One input in this many that tried to write and committed nothing is checked too.
///
/// `check()` reads every record and index entry: milliseconds on the demo data, ten times what
/// a write costs. Running it after every failed write, the most common input, would divide
/// throughput by several, to look for what a failed transaction should never leave.
const CHECK_FAILED_WRITES_EVERY: u64 = 64;

/// The database the inputs run on, and how long it has served.
struct World {
    db: Database,
    demo_records: u64,
    inputs: u64,
    rebuild_every: u64,
    failed_writes: u64,
    /// Scripts that committed a write since the last clean check, in order.
    unchecked: Vec<String>,
}

impl World {
    /// A temporary database holding the demo data.
    fn new(rebuild_every: u64) -> World {
        let db = Database::temporary().expect("a temporary database");
        db.execute("load demo;").expect("the demo data loads");
        let demo_records = total(&db.stats().expect("stats"));
        World {
            db,
            demo_records,
            inputs: 0,
            rebuild_every,
            failed_writes: 0,
            unchecked: Vec::new(),
        }
    }

    /// Whether the database has served long enough or grown too large.
    fn worn_out(&self) -> bool {
        let records = total(&self.db.stats().expect("stats"));
        self.inputs >= self.rebuild_every || records > self.demo_records + MAX_EXTRA_RECORDS
    }

    /// Rebuilds the database when it is worn out.
    fn renew(&mut self) {
        if self.worn_out() {
            let failed_writes = self.failed_writes;
            *self = World::new(self.rebuild_every);
            self.failed_writes = failed_writes;
        }
        self.inputs += 1;
    }
}

thread_local! {
    static WORLD: RefCell<Option<World>> = const { RefCell::new(None) };
}

fn total(stats: &Stats) -> u64 {
    stats.actors + stats.places + stats.documents + stats.meetings + stats.relations
}

/// Whether a statement reads or writes a file.
fn touches_files(statement: &Statement) -> bool {
    matches!(
        statement,
        Statement::Load(LoadSource::File(_)) | Statement::Dump { file: Some(_), .. }
    )
}

/// Whether a text that does not parse as a whole could hold a statement that reads or writes
/// a file (keywords are case-insensitive).
fn mentions_files(text: &str) -> bool {
    let lower = text.to_lowercase();
    lower.contains("dump") || lower.contains("load")
}

/// Whether a statement asks to change the database (whether or not it succeeds).
fn writes(statement: &Statement) -> bool {
    !matches!(
        statement,
        Statement::Query(_) | Statement::Explain(_) | Statement::Dump { .. }
    )
}

/// The error under any locations wrapped around it.
fn innermost(mut error: &Error) -> &Error {
    while let Error::At { error: inner, .. } = error {
        error = inner;
    }
    error
}

/// Fails on an error that is never the user's mistake.
fn assert_not_a_bug(error: &Error, text: &str) {
    let message = error.to_string();
    assert!(
        !matches!(
            innermost(error),
            Error::Internal(_) | Error::Corrupt(_) | Error::Storage { .. } | Error::Io { .. }
        ),
        "{text:?} failed with a bug's error: {message}"
    );
}

fn render(rows: &Rows) {
    for row in &rows.rows {
        for value in row {
            let _ = value.to_string();
        }
    }
}

/// What an input did to the database.
struct Outcome {
    /// Whether it may have committed a write.
    committed: bool,
    /// Whether it asked to write at all.
    tried: bool,
}

/// Runs one script and checks what it did; `statements` is what it parses to, if it does.
fn run(world: &mut World, text: &str, keep_going: bool, statements: Option<&[(Statement, Span)]>) {
    let db = &world.db;
    let before = db.stats().expect("stats");
    let options = ScriptOptions {
        keep_going,
        ..ScriptOptions::default()
    };
    // Whether each statement succeeded, in order (a failure ends a script without keep_going).
    let mut outcomes = Vec::new();
    let result = db.run_script(text, &options, &mut |result| {
        outcomes.push(result.is_ok());
        match result {
            Ok(rows) => render(&rows),
            Err(error) => assert_not_a_bug(error, text),
        }
    });
    let outcome = match statements {
        Some(statements) => parsed_outcome(
            db, text, keep_going, statements, &result, &outcomes, &before,
        ),
        None => match result {
            // Statement by statement, a statement that does not parse fails on its own and the
            // others run: what they wrote must leave a sound database.
            Ok(report) if keep_going => {
                let failures = outcomes.iter().filter(|ok| !**ok).count();
                assert!(failures >= 1, "{text:?} does not parse but nothing failed");
                assert_eq!(report.failed, failures, "{text:?}");
                Outcome {
                    committed: failures < outcomes.len(),
                    tried: true,
                }
            }
            Err(Error::Parse(_)) if !keep_going && outcomes.is_empty() => return,
            Err(error) => panic!("{text:?} does not parse but failed with: {error}"),
            Ok(_) => panic!("{text:?} does not parse but ran"),
        },
    };
    check_when_due(world, text, outcome);
}

/// Checks the report of a script that parses, and says what it did.
fn parsed_outcome(
    db: &Database,
    text: &str,
    keep_going: bool,
    statements: &[(Statement, Span)],
    result: &Result<ScriptReport, Error>,
    outcomes: &[bool],
    before: &Stats,
) -> Outcome {
    let tried = statements.iter().any(|(statement, _)| writes(statement));
    let committed = match result {
        Ok(report) => {
            let failures = outcomes.iter().filter(|ok| !**ok).count();
            assert_eq!(outcomes.len(), statements.len(), "{text:?}");
            assert_eq!(report.statements, statements.len(), "{text:?}");
            assert_eq!(report.failed, failures, "{text:?}");
            assert!(keep_going || failures == 0, "{text:?}");
            statements
                .iter()
                .zip(outcomes)
                .any(|((statement, _), ok)| *ok && writes(statement))
        }
        Err(error) => {
            assert!(!keep_going, "{text:?} failed with keep_going: {error}");
            assert_not_a_bug(error, text);
            assert_eq!(
                &db.stats().expect("stats"),
                before,
                "{text:?} failed ({error}) but changed the record counts"
            );
            false
        }
    };
    Outcome { committed, tried }
}

/// Runs `check()` when enough committed writes wait for one, when the database is about to be
/// rebuilt with some waiting, or on one in `CHECK_FAILED_WRITES_EVERY` failed writes.
fn check_when_due(world: &mut World, text: &str, outcome: Outcome) {
    if outcome.committed {
        world.unchecked.push(text.to_owned());
    } else if outcome.tried {
        world.failed_writes += 1;
    }
    let failed_write_sample =
        !outcome.committed && outcome.tried && world.failed_writes % CHECK_FAILED_WRITES_EVERY == 0;
    let due = world.unchecked.len() >= CHECK_COMMITTED_EVERY
        || (!world.unchecked.is_empty() && world.worn_out());
    if !(due || failed_write_sample) {
        return;
    }
    let report = world.db.check().expect("check runs");
    assert!(
        report.is_clean(),
        "after {text:?}, and these scripts that committed since the last clean check, in \
         order:\n{:#?}\n{report}",
        world.unchecked
    );
    world.unchecked.clear();
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let keep_going = first & 1 == 1;
    let parsed = syntax::parse(text).ok();
    let may_touch_files = match &parsed {
        Some(statements) => statements.iter().any(|(s, _)| touches_files(s)),
        // With keep_going, a script that does not parse as a whole still runs the statements
        // that parse on their own, a `dump 'file'` among them: skip any that might be one.
        None => keep_going && mentions_files(text),
    };
    if may_touch_files {
        return;
    }
    WORLD.with(|world| {
        let mut world = world.borrow_mut();
        let world = world.get_or_insert_with(|| {
            let every = std::env::var("ENTREVUE_FUZZ_REBUILD_EVERY")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(REBUILD_EVERY);
            World::new(every)
        });
        world.renew();
        run(world, text, keep_going, parsed.as_deref());
    });
});
