//! `entrevue extract FILE…`: each article's proposals printed as a script to review.

use std::path::PathBuf;

use entrevue::{Database, DateSpan, ExtractOptions, Precision};

use super::report;
use crate::{errln, outln};

/// Prints the script of each file in turn; a file that cannot be read is reported and the
/// others still go. Returns whether every file was read.
pub fn run(
    db: &Database,
    files: &[PathBuf],
    published: Option<&str>,
    language: &Option<String>,
    outlet: &Option<String>,
) -> bool {
    let published = match published.map(str::parse::<DateSpan>).transpose() {
        Ok(Some(day)) if day.precision() != Precision::Day => {
            errln!("error: --published {day}: expected one day, YYYY-MM-DD");
            return false;
        }
        Ok(day) => day,
        Err(e) => {
            errln!("error: --published: {e}");
            return false;
        }
    };
    let mut options = ExtractOptions {
        published,
        language: language.clone(),
        outlet: outlet.clone(),
        ..Default::default()
    };
    let mut ok = true;
    for file in files {
        match db.extract_file(file, &options) {
            Ok(found) => {
                outln!("{}", found.script);
                // The next article's document gets the next handle.
                options.taken.push(found.document);
            }
            Err(e) => {
                report(&e);
                ok = false;
            }
        }
    }
    ok
}
