//! One error type for the whole crate, typed by cause.
//!
//! Callers match on the variant to decide what to do (suggest a spelling, list candidates, tell
//! the user another process holds the database); the `Display` text is one sentence a person can
//! act on. A storage failure keeps the engine's error as its source (boxed, so the engine's type
//! is not part of this enum). A user's mistake (`Invalid`, `NotFound` …) is a different kind
//! from a broken internal invariant (`Internal`).

use std::fmt;
use std::path::PathBuf;

use crate::location::{Location, ParseError};

/// Every way an Entrevue operation can fail.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No record answers to this name or handle.
    #[error("no {kind} named '{}'{}", shortened(.name), did_you_mean(.suggestions))]
    NotFound {
        /// `actor`, `place`, `meeting`, `document` or `relation`.
        kind: &'static str,
        /// The name as given.
        name: String,
        /// Up to three close spellings that do exist, best first.
        suggestions: Vec<String>,
    },

    /// Several records answer to this name.
    #[error("'{}' names {} {kind}s: {}", shortened(.name), .candidates.len(), .candidates.join("; "))]
    Ambiguous {
        /// `actor` or `place`.
        kind: &'static str,
        /// The name as given.
        name: String,
        /// A description of each candidate (name, kind, affiliation, handle).
        candidates: Vec<String>,
    },

    /// Another process has the database open.
    #[error("database is in use by another process: {}", .path.display())]
    Locked {
        /// The database directory.
        path: PathBuf,
    },

    /// The database was written by a newer or older Entrevue whose format this one cannot read.
    #[error("database format {found} is not supported (this Entrevue reads format {supported}){}", if *.found > *.supported { "; it was written by a newer Entrevue" } else { "; it was written by an older Entrevue: `dump` it with that one, and run the script in a new database" })]
    UnsupportedFormat {
        /// The format version found on disk.
        found: u32,
        /// The format version this build reads and writes.
        supported: u32,
    },

    /// Stored data does not decode, or records and indexes disagree.
    #[error("the database is damaged: {0}; `.check` lists the damage, and `entrevue recover` copies every record that can still be read into a new database")]
    Corrupt(String),

    /// A database's files are damaged: they do not open, or hold less than its last durable
    /// commit left.
    #[error("the database {} is damaged: {what}. `entrevue recover {} NEW` copies every record that can still be read into a new database", .path.display(), .path.display())]
    Damaged {
        /// The database directory.
        path: PathBuf,
        /// What was found.
        what: String,
    },

    /// A handle is already taken by another record of the same kind.
    #[error("{kind} handle '{handle}' is already taken")]
    HandleTaken {
        /// The record kind.
        kind: &'static str,
        /// The handle.
        handle: String,
    },

    /// A record cannot be deleted while others refer to it.
    #[error("{kind} '{name}' cannot be deleted: {used_by}")]
    InUse {
        /// The record kind.
        kind: &'static str,
        /// The record's name or handle.
        name: String,
        /// What still refers to it.
        used_by: String,
    },

    /// A record is not valid as given (a missing referent, a duplicate participant, a cycle in
    /// the place tree …).
    #[error("{0}")]
    Invalid(String),

    /// Text that should be a date is not one.
    #[error("'{text}' is not a valid date: {reason}")]
    InvalidDate {
        /// The text as given.
        text: String,
        /// Why not: "there is no month 13", "February 2025 has 28 days" …
        reason: String,
    },

    /// A statement does not parse.
    #[error("{0}")]
    Parse(#[from] ParseError),

    /// A statement parsed, but failed at this spot (an unknown name, an invalid record …).
    #[error("{}", At(.location, .error))]
    At {
        /// Where in the statement's text.
        location: Box<Location>,
        /// What went wrong there.
        error: Box<Error>,
    },

    /// The statement was interrupted (Ctrl-C, or [`InterruptHandle::interrupt`](crate::InterruptHandle::interrupt)).
    #[error("interrupted")]
    Interrupted,

    /// The storage engine failed (I/O, disk full …); its own error is the source.
    #[error("cannot read or write the database files: {source}")]
    Storage {
        /// What the storage engine reported.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// Entrevue broke one of its own invariants: a bug, never the user's mistake.
    #[error("internal error: {0}")]
    Internal(String),

    /// A file could not be read or written.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
}

impl Error {
    /// Attaches a location to an error that has none.
    pub fn at(location: Location, error: Error) -> Error {
        match error {
            located @ (Error::At { .. } | Error::Parse(_)) => located,
            error => Error::At {
                location: Box::new(location),
                error: Box::new(error),
            },
        }
    }

    /// The error itself, without the location it was reported at.
    pub fn root(&self) -> &Error {
        match self {
            Error::At { error, .. } => error.root(),
            other => other,
        }
    }

    /// Where the error was found in a statement's text, if it was.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Error::At { location, .. } => Some(location),
            Error::Parse(p) => Some(&p.location),
            _ => None,
        }
    }
}

/// Renders a located error as `line:col: message` with its line and caret.
struct At<'a>(&'a Location, &'a Error);

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.render(f, self.1)
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A name as messages quote it: whole up to 80 characters, else its start and `…`, so that a
/// mistaken name of a megabyte does not make a message of a megabyte.
fn shortened(name: &str) -> std::borrow::Cow<'_, str> {
    match name.char_indices().nth(80) {
        Some((end, _)) => format!("{}…", &name[..end]).into(),
        None => name.into(),
    }
}

fn did_you_mean(suggestions: &[String]) -> String {
    match suggestions {
        [] => String::new(),
        [one] => format!("; did you mean {one}?"),
        [init @ .., last] => format!("; did you mean {} or {last}?", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_as_sentences() {
        let err = Error::NotFound {
            kind: "actor",
            name: "Witkof".into(),
            suggestions: vec!["Witkoff (Steve Witkoff)".into()],
        };
        assert_eq!(
            err.to_string(),
            "no actor named 'Witkof'; did you mean Witkoff (Steve Witkoff)?"
        );
        let err = Error::NotFound {
            kind: "place",
            name: "X".into(),
            suggestions: vec!["A".into(), "B".into(), "C".into()],
        };
        assert_eq!(
            err.to_string(),
            "no place named 'X'; did you mean A, B or C?"
        );
        let err = Error::UnsupportedFormat {
            found: 9,
            supported: 1,
        };
        assert!(err.to_string().ends_with("written by a newer Entrevue"));
        let err = Error::UnsupportedFormat {
            found: 2,
            supported: 3,
        };
        assert!(err
            .to_string()
            .contains("written by an older Entrevue: `dump` it"));
    }
}
