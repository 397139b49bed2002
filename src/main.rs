//! `entrevue`: the shell. See `entrevue --help`.

mod cli;

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use entrevue::Database;

use cli::exchange::FormatArg;
use cli::output::Format;
use cli::signals::{self, Ending};
use cli::{share, Session, Settings};

/// Entrevue: who met whom, where and when, and which sources say so.
///
/// With no command, on a terminal, opens the interactive shell on the default database (created
/// with the bundled Miami talks dataset the first time). Statements piped on standard input are
/// run as one script (with --keep-going, each as soon as it is read).
#[derive(Parser)]
#[command(version, after_help = AFTER_HELP)]
struct Args {
    /// Open the database in this directory (created empty if missing) instead of the default one.
    #[arg(long, value_name = "PATH", global = true)]
    db: Option<PathBuf>,

    /// Output format: table, box, markdown, line, csv, json or jsonl [default: table on a
    /// terminal, csv when piped]; svg or html for a picture (a timeline of meetings, a network
    /// of actors, a chain for path), dot for the network in Graphviz; `dump` prints its script as it is in every format. With
    /// `export`: ftm, gexf, graphml or neo4j; with `import`: ftm or gdelt.
    #[arg(long, global = true, value_name = "FORMAT", value_parser = cli::exchange::parse_format)]
    format: Option<FormatArg>,

    /// Leave out the header line of csv output and tables.
    #[arg(long, global = true)]
    no_headers: bool,

    /// How answers write dates: text (the language's own syntax, `~2025-11`, the default) or
    /// edtf (ISO 8601-2: `2025-11~`, `2025-11-28/2025-11-30`, `../2025-12-23`).
    #[arg(
        long,
        global = true,
        value_name = "STYLE",
        value_enum,
        default_value = "text"
    )]
    dates: cli::DatesArg,

    /// Run statements one by one, in `run FILE`, -c and standard input: a statement that does not
    /// parse or fails is reported (line:column) and the next one runs; each is kept if it
    /// succeeds, and standard input runs each as soon as it is read. By default a script is one
    /// transaction: a syntax error anywhere runs nothing, and an error keeps nothing.
    #[arg(long, global = true)]
    keep_going: bool,

    /// Keep no history of the lines typed in the shell (ENTREVUE_HISTORY=off does the same).
    #[arg(long, global = true)]
    no_history: bool,

    /// Run these statements and exit (the final ';' may be left out).
    #[arg(short = 'c', value_name = "STATEMENTS")]
    command: Option<String>,

    #[command(subcommand)]
    action: Option<Action>,
}

#[derive(Subcommand)]
enum Action {
    /// Import actors.csv, places.csv, meetings.csv and participation.csv from DIR into an empty
    /// database (use --db NEW_PATH); CSV ids become handles (who met #12224). With --format ftm
    /// or gdelt, import that file instead: all of it, or nothing.
    Import {
        /// The directory holding the four CSV files, or the FtM or GDELT file.
        dir: PathBuf,
    },
    /// Write the database, or what a question returns (--query), to PATH as FollowTheMoney
    /// entities (--format ftm), a GEXF or GraphML graph, or Neo4j bulk-import CSV files (a new
    /// directory).
    Export {
        /// A question whose meetings or actors to export, e.g. 'meetings with Witkoff'.
        #[arg(long, value_name = "QUESTION")]
        query: Option<String>,
        /// The new file (for neo4j, the new directory).
        path: PathBuf,
    },
    /// Print QUESTION as one SQL query over the tables `export --format parquet` writes (one
    /// view or table per file, named after it), for DuckDB or Spark SQL; its rows are
    /// Entrevue's answer.
    Sql {
        /// The question, e.g. 'who met Witkoff return id, meetings'.
        question: String,
        /// The engine the query is for: duckdb or spark.
        #[arg(long, value_name = "ENGINE", default_value = "duckdb")]
        dialect: String,
    },
    /// Copy the database, as one consistent state, into a new database in directory NEW.
    Backup {
        /// The new database's directory; it must not exist.
        new: PathBuf,
    },
    /// Rewrite the database's files compactly: the same records in less space on disk (a
    /// large import is compacted at its end already).
    Compact,
    /// Copy every record that can still be read from the damaged database DAMAGED into a new
    /// database NEW, rebuild its indexes, and report what was lost. DAMAGED is not changed.
    Recover {
        /// The damaged database's directory.
        damaged: PathBuf,
        /// The new database's directory; it must not exist.
        new: PathBuf,
    },
    /// Propose the meetings news articles report (plain-text files, French or English), as a
    /// script to review and then run with `entrevue run`; names resolve against the database,
    /// and nothing is written to it.
    Extract {
        /// The articles: the first line is the title.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The day the articles were published (YYYY-MM-DD): "samedi", "last week" count from it.
        #[arg(long, value_name = "DATE")]
        published: Option<String>,
        /// The articles' language, fr or en [default: found from the text].
        #[arg(long, value_name = "LANG")]
        language: Option<String>,
        /// The outlet that published them.
        #[arg(long, value_name = "NAME")]
        outlet: Option<String>,
        /// Then run the statements, as one transaction, once confirmed on the terminal.
        #[arg(long)]
        apply: bool,
        /// With --apply, run them without asking.
        #[arg(long, requires = "apply")]
        yes: bool,
    },
    /// Run script files, in order, each as one transaction (dot-commands included), or with
    /// --keep-going statement by statement.
    Run {
        /// The files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

const AFTER_HELP: &str = "\
Examples:
  entrevue                                   the shell, on the default database
  entrevue -c 'who met Witkoff'              one question
  entrevue --format json run questions.ent   a script, answers as JSON
  echo 'timeline of Umerov;' | entrevue      statements from standard input
  producer | entrevue --keep-going           each statement run as it arrives

With the database in use by another entrevue process, -c, run and piped statements
are sent to that process, which answers questions and refuses writes (Unix only).

The default database lives in the user's data directory (for example
$XDG_DATA_HOME/entrevue/default). The shell keeps the lines typed against a database in
its directory (DB/history), unless --no-history or ENTREVUE_HISTORY=off.

Exit status: 0 on success, 1 when a statement failed, 2 on a usage error, 130 when
interrupted by Ctrl-C (SIGINT), 143 when terminated by SIGTERM, 141 when standard
output was closed (as by `| head`). An interrupted script keeps nothing it wrote.";

/// The default database's directory.
fn default_path() -> Option<PathBuf> {
    Some(dirs::data_dir()?.join("entrevue").join("default"))
}

/// Why the database did not open; `held`: its directory, when another process holds it.
struct Refusal {
    message: String,
    held: Option<PathBuf>,
}

impl From<String> for Refusal {
    fn from(message: String) -> Refusal {
        Refusal {
            message,
            held: None,
        }
    }
}

impl From<&str> for Refusal {
    fn from(message: &str) -> Refusal {
        Refusal::from(message.to_string())
    }
}

/// Opens the database; the default one is filled with the demo dataset the first time.
fn open(args: &Args) -> Result<(Database, Option<String>), Refusal> {
    let (path, is_default) = match &args.db {
        Some(path) => (path.clone(), false),
        None => (
            default_path()
                .ok_or("cannot find a data directory for the default database; use --db PATH")?,
            true,
        ),
    };
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create the folder {}: {e}", parent.display()))?;
    }
    let db = Database::open(&path).map_err(|e| Refusal {
        message: e.to_string(),
        held: matches!(e, entrevue::Error::Locked { .. }).then(|| path.clone()),
    })?;
    if db.discarded_import() {
        errln!(
            "note: an import into {} did not finish (the process ended during it) and was \
             discarded: the database is empty, as before that import. Run the import again.",
            path.display()
        );
    }
    let mut first_use = None;
    let empty = db
        .stats()
        .map(|s| s == entrevue::Stats::default())
        .unwrap_or(false);
    if is_default && empty {
        db.execute("load demo;").map_err(|e| e.to_string())?;
        let stats = db.stats().map_err(|e| e.to_string())?;
        first_use = Some(format!(
            "Created the default database with the bundled Miami talks dataset ({} actors, {} meetings).",
            stats.actors, stats.meetings
        ));
    }
    Ok((db, first_use))
}

/// Whether the shell keeps a history: not with --no-history, nor with ENTREVUE_HISTORY set to
/// `off` (or `0`, `no`, `false`).
fn history_wanted(args: &Args) -> bool {
    let off = std::env::var("ENTREVUE_HISTORY").is_ok_and(|v| {
        ["off", "0", "no", "false"]
            .iter()
            .any(|word| v.trim().eq_ignore_ascii_case(word))
    });
    !args.no_history && !off
}

/// Reports a backup or a recovery.
fn copy_result(result: entrevue::Result<entrevue::CopyReport>, new: &Path) -> ExitCode {
    match result {
        Ok(report) => {
            outln!("{report}\nthe copy is in {}", new.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            errln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn main() -> ExitCode {
    cli::panic::install_hook();
    let args = Args::parse();
    if let Some(Action::Recover { damaged, new }) = &args.action {
        // The damaged database is not opened as one: it would be refused.
        return copy_result(Database::recover(damaged, new), new);
    }
    let interactive =
        args.command.is_none() && args.action.is_none() && std::io::stdin().is_terminal();
    if let Some(FormatArg::Exchange(word)) = args.format {
        if !matches!(
            args.action,
            Some(Action::Import { .. } | Action::Export { .. })
        ) {
            errln!(
                "error: --format {word} is a file format of `entrevue import` and `entrevue \
                 export`; questions print as table, box, markdown, line, csv, json or jsonl"
            );
            return ExitCode::from(2);
        }
    }
    let (db, first_use) = match open(&args) {
        Ok(opened) => opened,
        Err(refusal) => {
            // Questions can still be asked of the process that holds the database (not from
            // the interactive shell, which would mislead by accepting writes it must refuse).
            if let Some(dir) = refusal.held.as_deref().filter(|_| !interactive) {
                if let Some(ok) = ask_holder(&args, dir) {
                    return signals::exit_code(ok);
                }
            }
            errln!("error: {}", refusal.message);
            return ExitCode::FAILURE;
        }
    };
    let db = Arc::new(db);
    signals::install(&db, interactive);
    let mut session = Session {
        share: share::serve(&db),
        db,
        settings: settings(&args),
        keep_going: args.keep_going,
        interactive,
        redirect: Default::default(),
    };
    if !interactive {
        if let Some(message) = &first_use {
            errln!("{message}");
        }
    }
    let ok = if let Some(text) = &args.command {
        session.run(text, None, None, false).ok
    } else if let Some(Action::Backup { new }) = &args.action {
        copy_result(session.db.backup(new), new) == ExitCode::SUCCESS
    } else if let Some(Action::Compact) = &args.action {
        cli::compact(&session.db)
            .map_err(|message| errln!("error: {message}"))
            .is_ok()
    } else if let Some(Action::Import { dir }) = &args.action {
        match args.format {
            Some(FormatArg::Exchange(word)) => cli::exchange::import(&session.db, word, dir),
            _ => cli::import(&session.db, dir),
        }
    } else if let Some(Action::Export { query, path }) = &args.action {
        cli::exchange::export(&session.db, args.format, query.as_deref(), path)
    } else if let Some(Action::Sql { question, dialect }) = &args.action {
        cli::exchange::print_sql(&session.db, question, dialect)
    } else if let Some(Action::Run { files }) = &args.action {
        run_files(files, session.keep_going, &mut |text, name, dir| {
            session.run(text, Some(name), dir, true)
        })
    } else if let Some(Action::Extract {
        files,
        published,
        language,
        outlet,
        apply,
        yes,
    }) = &args.action
    {
        let request = cli::extract::Request {
            files,
            published: published.as_deref(),
            language: language.clone(),
            outlet: outlet.clone(),
            apply: *apply,
            yes: *yes,
        };
        cli::extract::run(&session.db, request)
    } else if interactive {
        match cli::repl::run(&mut session, first_use, history_wanted(&args)) {
            Ok(()) => true,
            Err(e) => {
                errln!("error: the shell cannot read its input: {e}");
                false
            }
        }
    } else if args.keep_going {
        cli::run_input_by_statement(&mut session, &mut std::io::stdin().lock())
    } else {
        let mut text = String::new();
        match std::io::stdin().read_to_string(&mut text) {
            Ok(_) => {
                session
                    .run(&text, Some("<stdin>"), Some(Path::new(".")), false)
                    .ok
            }
            Err(e) => {
                errln!("error: cannot read standard input: {e}");
                false
            }
        }
    };
    if signals::ending() == Some(Ending::Terminated) {
        errln!("{}", signals::TERMINATED);
    }
    signals::exit_code(ok)
}

/// The output settings the options ask for.
fn settings(args: &Args) -> Settings {
    let default_format = if std::io::stdout().is_terminal() {
        Format::Table
    } else {
        Format::Csv
    };
    Settings {
        format: match args.format {
            Some(FormatArg::Output(format)) => format,
            _ => default_format,
        },
        headers: !args.no_headers,
        timer: false,
        max_rows: cli::DEFAULT_MAX_ROWS,
        lanes: entrevue::picture::Lanes::default(),
        dates: args.dates.into(),
    }
}

/// Asks the process that holds the database in `dir` to run what the options say, printing
/// its answers as if they were this process's own. `None` when no process answers there, or
/// for an import or a backup, which need the database itself.
fn ask_holder(args: &Args, dir: &Path) -> Option<bool> {
    if matches!(
        args.action,
        Some(
            Action::Import { .. }
                | Action::Backup { .. }
                | Action::Compact
                | Action::Extract { .. }
        )
    ) {
        return None;
    }
    let mut asking = share::Asking::new(dir, settings(args), args.keep_going)?;
    let ok = if let Some(text) = &args.command {
        asking.ask(text, None, None, false).ok
    } else if let Some(Action::Run { files }) = &args.action {
        run_files(files, args.keep_going, &mut |text, name, dir| {
            asking.ask(text, Some(name), dir, true)
        })
    } else {
        let mut text = String::new();
        match std::io::stdin().read_to_string(&mut text) {
            Ok(_) => {
                asking
                    .ask(&text, Some("<stdin>"), Some(Path::new(".")), false)
                    .ok
            }
            Err(e) => {
                errln!("error: cannot read standard input: {e}");
                false
            }
        }
    };
    Some(ok)
}

/// A script's text, its name and its folder, run: on this process's database or through the
/// process that holds it.
type RunText<'a> = dyn FnMut(&str, &str, Option<&Path>) -> cli::Ran + 'a;

/// `entrevue run FILE…`: each file one script, in order; the first failure stops the rest
/// (unless --keep-going), and so does an interruption or `.quit`.
fn run_files(files: &[PathBuf], keep_going: bool, run: &mut RunText<'_>) -> bool {
    let mut ok = true;
    for file in files {
        let name = file.display().to_string();
        match entrevue::script::read_script(file) {
            Ok(text) => {
                let ran = run(&text, &name, file.parent());
                ok &= ran.ok;
                if ran.quit {
                    break;
                }
            }
            Err(e) => {
                cli::report(&e);
                ok = false;
            }
        }
        if signals::ending().is_some() || (!ok && !keep_going) {
            break;
        }
    }
    ok
}
