//! `entrevue extract FILE…`: each article's proposals printed as a script to review.

use std::io::IsTerminal;
use std::path::PathBuf;

use entrevue::{Database, DateSpan, ExtractOptions, Precision};

use super::report;
use crate::{errln, outln};

/// What `entrevue extract` was asked.
pub struct Request<'a> {
    /// The articles.
    pub files: &'a [PathBuf],
    /// `--published`, as typed.
    pub published: Option<&'a str>,
    /// `--language`.
    pub language: Option<String>,
    /// `--outlet`.
    pub outlet: Option<String>,
    /// `--apply`: run the scripts, once confirmed.
    pub apply: bool,
    /// `--yes`: run them without asking.
    pub yes: bool,
}

/// A publication date: one day.
fn published(text: Option<&str>) -> Result<Option<DateSpan>, String> {
    match text.map(str::parse::<DateSpan>).transpose() {
        Ok(Some(day)) if day.precision() != Precision::Day => {
            Err(format!("published {day}: expected one day, YYYY-MM-DD"))
        }
        Ok(day) => Ok(day),
        Err(e) => Err(format!("published: {e}")),
    }
}

/// The script of one article, for the shell's `.extract FILE ?PUBLISHED?`.
pub fn script_of(db: &Database, file: &str, day: Option<&str>) -> Result<String, String> {
    let options = ExtractOptions {
        published: published(day)?,
        ..Default::default()
    };
    let found = db
        .extract_file(std::path::Path::new(file), &options)
        .map_err(|e| e.to_string())?;
    Ok(found.script)
}

/// Prints the script of each file in turn; a file that cannot be read is reported and the
/// others still go. With `apply`, runs all the scripts as one transaction once confirmed.
/// Returns whether every file was read (and the scripts ran, when asked).
pub fn run(db: &Database, request: Request<'_>) -> bool {
    let published = match published(request.published) {
        Ok(day) => day,
        Err(e) => {
            errln!("error: --{e}");
            return false;
        }
    };
    let mut options = ExtractOptions {
        published,
        language: request.language,
        outlet: request.outlet,
        ..Default::default()
    };
    let mut ok = true;
    let mut scripts = String::new();
    for file in request.files {
        match db.extract_file(file, &options) {
            Ok(found) => {
                outln!("{}", found.script);
                scripts.push_str(&found.script);
                // The next article's document gets the next handle.
                options.taken.push(found.document);
            }
            Err(e) => {
                report(&e);
                ok = false;
            }
        }
    }
    if !request.apply {
        return ok;
    }
    if !ok {
        errln!("error: nothing applied, since an article could not be read");
        return false;
    }
    if !request.yes && !confirmed() {
        errln!("nothing applied");
        return false;
    }
    match db.execute(&scripts) {
        Ok(_) => {
            errln!("applied: the statements above ran as one transaction");
            true
        }
        Err(e) => {
            report(&e);
            errln!("nothing applied: the transaction was undone");
            false
        }
    }
}

/// Asks on the terminal whether to run the scripts; no terminal, no.
fn confirmed() -> bool {
    if !std::io::stdin().is_terminal() {
        errln!("error: --apply asks before it writes, and there is no terminal to ask on; add --yes to run the statements without asking");
        return false;
    }
    eprint!("Run the statements above as one transaction? [y/N] ");
    let mut answer = String::new();
    if std::io::stdin().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim(), "y" | "Y" | "yes" | "Yes")
}
