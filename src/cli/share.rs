//! Questions from a second process. sled lets one process open a database; so that another
//! `entrevue` can still ask questions of a database in use, the process that holds it listens
//! on a Unix socket in the database directory (`entrevue.sock`, owner only) and answers them
//! there, on read snapshots, while writes stay refused with the "in use" error.
//!
//! One request per connection: the asking process sends its script (text, source name, folder,
//! `--keep-going`), and the holder runs it with [`Forward`] as its handler, which sends back
//! each statement's rows (or, with `--keep-going`, its error as the holder words it), hands
//! each dot-command line to the asking process and waits for its verdict, and ends with how
//! the script went. The asking process prints all of it with its own settings, so an answer
//! looks as it would have from a database of its own. Frames are a 4-byte big-endian length
//! and JSON.
//!
//! Bounds on what an asking process may cost the holder: one connection is served at a time,
//! by one thread; a request is at most [`MAX_REQUEST`] bytes; while a script runs, every read
//! or write of the socket times out after [`PATIENCE`]; answers are queued and sent once the
//! script has run (only a dot-command waits for the asking process inside the script's
//! snapshot), so the holder's own writes never wait on a slow reader, which holds up only the
//! server thread. Closing the database waits at most [`PATIENCE`] for that thread.

// Without Unix sockets the wire format is unused, but stays one definition for every platform.
#![cfg_attr(not(unix), allow(dead_code))]

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use entrevue::{DateSpan, Day, Rows, Value};

/// The socket's name in the database directory.
pub const SOCKET: &str = "entrevue.sock";

/// The longest request the holder reads: a script of 16 MiB.
const MAX_REQUEST: usize = 16 << 20;
/// The longest verdict on a dot-command (a usage message, an error).
const MAX_VERDICT: usize = 64 << 10;
/// The longest frame of an answer the asking process reads.
const MAX_ANSWER: usize = 1 << 30;
/// How long the holder waits on one read or write of the socket.
const PATIENCE: Duration = Duration::from_secs(10);

/// Why a dot-command that reads the database cannot run in a process that does not hold it.
pub fn held_elsewhere(command: &str) -> String {
    format!(
        "'{command}' is not available here: another process holds the database, and answers \
         only the statements asked of it; run '{command}' once the database is free"
    )
}

/// What the asking process sends: its script and how to run it.
#[derive(Serialize, Deserialize)]
struct Request {
    text: String,
    /// The name errors are reported under (`-c` has none, a file its path).
    source: Option<String>,
    /// Where `dump 'FILE'` resolves a relative path: the asking process's folder, absolute.
    base_dir: PathBuf,
    keep_going: bool,
    from_file: bool,
    /// The database as the asking process names it, for the "in use" error.
    db: String,
}

/// A [`Value`] on the wire; `Value`'s own serialisation is the JSON output format, which does
/// not keep a date apart from text.
#[derive(Serialize, Deserialize)]
enum Cell {
    Null,
    Int(i64),
    Decimal(i64),
    Text(String),
    Date(DateSpan),
    Before(Day),
    List(Vec<String>),
}

/// [`Rows`] on the wire.
#[derive(Serialize, Deserialize)]
struct Answer {
    columns: Vec<String>,
    rows: Vec<Vec<Cell>>,
    note: Option<String>,
}

impl Answer {
    fn of(rows: Rows) -> Answer {
        let cell = |value: Value| match value {
            Value::Null => Cell::Null,
            Value::Int(n) => Cell::Int(n),
            Value::Decimal(n) => Cell::Decimal(n),
            Value::Text(t) => Cell::Text(t),
            Value::Date(d) => Cell::Date(d),
            Value::Before(d) => Cell::Before(d),
            Value::List(items) => Cell::List(items),
        };
        Answer {
            columns: rows.columns,
            rows: rows
                .rows
                .into_iter()
                .map(|row| row.into_iter().map(cell).collect())
                .collect(),
            note: rows.note,
        }
    }

    fn into_rows(self) -> Rows {
        let value = |cell: Cell| match cell {
            Cell::Null => Value::Null,
            Cell::Int(n) => Value::Int(n),
            Cell::Decimal(n) => Value::Decimal(n),
            Cell::Text(t) => Value::Text(t),
            Cell::Date(d) => Value::Date(d),
            Cell::Before(d) => Value::Before(d),
            Cell::List(items) => Value::List(items),
        };
        Rows {
            columns: self.columns,
            rows: self
                .rows
                .into_iter()
                .map(|row| row.into_iter().map(value).collect())
                .collect(),
            note: self.note,
        }
    }
}

/// What the holder sends, in the order the script produced it.
#[derive(Serialize, Deserialize)]
enum Event {
    /// A statement's rows.
    Rows(Answer),
    /// A statement's error (with `--keep-going`), worded by the holder.
    Failed(String),
    /// A dot-command line for the asking process, which answers with a [`Verdict`].
    Directive(String),
    /// The end: how many statements failed and whether a dot-command stopped the script, or
    /// the error that failed it.
    Done(Result<Finished, String>),
}

#[derive(Serialize, Deserialize)]
struct Finished {
    failed: usize,
    stopped: bool,
}

/// The asking process's answer to a dot-command line.
#[derive(Serialize, Deserialize)]
enum Verdict {
    Continue,
    Stop,
    Failed(String),
}

/// Writes one frame: the length of the JSON, then the JSON.
fn send<T: Serialize>(to: &mut dyn Write, value: &T) -> io::Result<()> {
    let bytes = serde_json::to_vec(value).map_err(io::Error::other)?;
    let length = u32::try_from(bytes.len())
        .map_err(|_| io::Error::other(format!("a frame of {} bytes is too long", bytes.len())))?;
    to.write_all(&length.to_be_bytes())?;
    to.write_all(&bytes)?;
    to.flush()
}

/// Reads one frame of at most `limit` bytes.
fn receive<T: DeserializeOwned>(from: &mut dyn Read, limit: usize) -> io::Result<T> {
    let mut length = [0; 4];
    from.read_exact(&mut length).map_err(waited)?;
    let length = u32::from_be_bytes(length) as usize;
    if length > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("a frame of {length} bytes, more than the {limit} allowed"),
        ));
    }
    let mut bytes = vec![0; length];
    from.read_exact(&mut bytes).map_err(waited)?;
    serde_json::from_slice(&bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// A read that timed out, said as such (the system calls it "resource temporarily
/// unavailable").
fn waited(e: io::Error) -> io::Error {
    match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => {
            io::Error::new(io::ErrorKind::TimedOut, "nothing came in the time allowed")
        }
        _ => e,
    }
}

#[cfg(unix)]
pub use unix::{remove_socket, serve, Asking, Server};

#[cfg(unix)]
mod unix;

/// Elsewhere there are no Unix sockets: a database in use is refused as before.
#[cfg(not(unix))]
mod elsewhere {
    use std::path::Path;
    use std::sync::Arc;

    use entrevue::Database;

    use super::super::{Ran, Settings};

    pub struct Server;

    pub fn serve(_db: &Arc<Database>) -> Option<Server> {
        None
    }

    pub fn remove_socket() {}

    pub struct Asking;

    impl Asking {
        pub fn new(_dir: &Path, _settings: Settings, _keep_going: bool) -> Option<Asking> {
            None
        }

        pub fn ask(
            &mut self,
            _text: &str,
            _source: Option<&str>,
            _base_dir: Option<&Path>,
            _from_file: bool,
        ) -> Ran {
            Ran {
                ok: false,
                quit: false,
            }
        }
    }
}

#[cfg(not(unix))]
pub use elsewhere::{remove_socket, serve, Asking, Server};
