//! `entrevue export` and `entrevue import --format …`: the command line of the exchange
//! formats. `--format` is one option for the output formats and the exchange formats, so that
//! `entrevue export --format gexf` reads as the user expects.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use entrevue::{Database, Error, ExportFormat, ImportFormat};

use super::output::{Format, FORMATS};
use super::signals::{self, Ending};
use super::{format_duration, report};
use crate::{errln, outln};

/// What `--format` names: an output format, or an exchange format of import or export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormatArg {
    /// How rows are printed.
    Output(Format),
    /// A file format of `import` or `export`.
    Exchange(&'static str),
}

/// The exchange formats: those export writes, and those import reads.
const EXPORTS: [&str; 5] = ["ftm", "gexf", "graphml", "neo4j", "parquet"];
const IMPORTS: [&str; 2] = ["ftm", "gdelt"];

/// Parses `--format`.
pub fn parse_format(word: &str) -> Result<FormatArg, String> {
    use clap::ValueEnum;
    if let Ok(format) = Format::from_str(word, true) {
        return Ok(FormatArg::Output(format));
    }
    let lower = word.to_ascii_lowercase();
    if let Some(known) = EXPORTS.iter().chain(&IMPORTS).find(|f| **f == lower) {
        return Ok(FormatArg::Exchange(known));
    }
    let outputs: Vec<String> = FORMATS
        .iter()
        .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
        .collect();
    Err(format!(
        "'{word}' is not a format: output formats are {}; `export` writes {}; `import` reads \
         {} (or, without --format, a directory of CSV files)",
        outputs.join(", "),
        EXPORTS.join(", "),
        IMPORTS.join(", ")
    ))
}

/// `entrevue export --format F [--query Q] PATH`. Ctrl-C stops it at the next record read,
/// and the file (the directory) is removed.
pub fn export(db: &Database, format: Option<FormatArg>, query: Option<&str>, path: &Path) -> bool {
    let chosen = match format {
        Some(FormatArg::Exchange(word)) => ExportFormat::ALL
            .iter()
            .find(|(_, w)| *w == word)
            .map(|(f, _)| *f),
        _ => None,
    };
    let Some(chosen) = chosen else {
        errln!("error: export needs --format {}", EXPORTS.join("|"));
        return false;
    };
    // A signal now stops the export, which removes what it wrote, instead of ending the
    // program where it stands and leaving a file cut short.
    signals::running(true);
    let result = db.export(chosen, query, path);
    signals::running(false);
    match result {
        Ok(written) => {
            errln!("{written} to {}", path.display());
            true
        }
        Err(Error::Interrupted) => {
            errln!("export interrupted: what it had written was removed");
            false
        }
        Err(e) => {
            report(&e);
            false
        }
    }
}

/// `entrevue import --format ftm|gdelt FILE`. Ctrl-C stops it at the next line read, and the
/// database is left as it was, empty.
pub fn import(db: &Database, word: &str, path: &Path) -> bool {
    let format = match word {
        "ftm" => ImportFormat::Ftm,
        "gdelt" => ImportFormat::Gdelt,
        _ => {
            errln!(
                "error: import reads --format {} (or, without --format, a directory of CSV \
                 files); '{word}' is a format of export",
                IMPORTS.join("|")
            );
            return false;
        }
    };
    let start = Instant::now();
    let bar = super::import_bar("reading");
    // A signal now stops the import instead of ending the program where it stands.
    signals::running(true);
    let finished = AtomicBool::new(false);
    let result = std::thread::scope(|scope| {
        scope.spawn(|| say_when_interrupted(&finished, &bar));
        let result = db.import_file_with_progress(format, path, &mut |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        });
        finished.store(true, Ordering::SeqCst);
        result
    });
    signals::running(false);
    bar.finish_and_clear();
    match result {
        Ok(done) => {
            errln!("{done}\nin {}", format_duration(start.elapsed()));
            true
        }
        Err(Error::Interrupted) => {
            errln!(
                "interrupted after {}: nothing of the import was kept, the database is empty \
                 as before",
                format_duration(start.elapsed())
            );
            false
        }
        Err(e) => {
            report(&e);
            false
        }
    }
}

/// Says, as soon as Ctrl-C stops the import, that what it wrote is being discarded: after a
/// large part of a large file that takes a while, and a second Ctrl-C leaves at once.
fn say_when_interrupted(finished: &AtomicBool, bar: &indicatif::ProgressBar) {
    while !finished.load(Ordering::SeqCst) {
        if signals::ending() == Some(Ending::Interrupted) {
            bar.suspend(|| {
                errln!(
                    "interrupted: discarding what the import wrote (Ctrl-C again leaves at \
                     once, and the next open discards it instead)"
                )
            });
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `entrevue sql QUESTION [--dialect duckdb|spark]`: prints the question as one SQL query over
/// the tables of the Parquet export.
pub fn print_sql(db: &Database, question: &str, dialect: &str) -> bool {
    match entrevue::Dialect::from_word(dialect).and_then(|d| db.sql(question, d)) {
        Ok(sql) => {
            outln!("{}", sql.trim_end());
            true
        }
        Err(e) => {
            report(&e);
            false
        }
    }
}
