//! The database directory before sled opens it: that it is one, that this process has it to
//! itself, and that no half-written file of an earlier process stands in the way.

use std::fs::{self, File, TryLockError};
use std::io::ErrorKind;
use std::path::Path;

use crate::error::{Error, Result};

/// The file whose lock says which process has the database open.
const LOCK: &str = "entrevue.lock";

/// How long a lock found taken is tried again before the database is said to be in use.
const RELEASE_WAIT: std::time::Duration = std::time::Duration::from_millis(300);

/// Files that mark a directory as a database: sled's own and ours.
const MARKS: [&str; 3] = ["conf", "db", super::state::FILE];

/// Makes `path` ready for sled: creates it if it does not exist, refuses a file or a directory
/// of other things, takes the lock (held as long as the returned file is open), and removes
/// what a process that died while writing a snapshot left behind.
pub(crate) fn claim(path: &Path) -> Result<File> {
    refuse_foreign(path)?;
    fs::create_dir_all(path).map_err(|e| cannot_use(path, e))?;
    let lock = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path.join(LOCK))
        .map_err(|e| cannot_use(path, e))?;
    // A lock this process has just let go of can still be held for a moment by a child being
    // started (between fork and exec it shares the open file): try again, briefly, before
    // saying another process has the database.
    let started = std::time::Instant::now();
    loop {
        match lock.try_lock() {
            Ok(()) => break,
            Err(TryLockError::WouldBlock) if started.elapsed() < RELEASE_WAIT => {
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            Err(TryLockError::WouldBlock) => {
                return Err(Error::Locked {
                    path: path.to_path_buf(),
                })
            }
            Err(TryLockError::Error(e)) => return Err(cannot_use(path, e)),
        }
    }
    remove_unfinished_snapshots(path)?;
    Ok(lock)
}

/// A directory that exists must be empty or a database: opening it must not turn a folder of
/// someone's files into a database.
fn refuse_foreign(path: &Path) -> Result<()> {
    let entries = match fs::read_dir(path) {
        Ok(entries) => entries,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(()),
        Err(e) if e.kind() == ErrorKind::NotADirectory || path.is_file() => {
            return Err(Error::Invalid(format!(
                "{} is a file, not a database directory",
                path.display()
            )))
        }
        Err(e) => return Err(cannot_use(path, e)),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| cannot_use(path, e))?;
        names.push(entry.file_name());
    }
    let marked = names.iter().any(|n| MARKS.iter().any(|m| n == *m));
    if names.is_empty() || marked {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "{} is not an Entrevue database: it holds other files; give a new or empty \
             directory",
            path.display()
        )))
    }
}

/// sled writes a snapshot as `snap.N.generating` and renames it when complete; one left over
/// from a process that died (a full disk, say) would be read as the latest snapshot and make
/// every later open fail. Only the process holding the lock may remove it.
fn remove_unfinished_snapshots(path: &Path) -> Result<()> {
    let entries = fs::read_dir(path).map_err(|e| cannot_use(path, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| cannot_use(path, e))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snap.") && name.ends_with(".generating") {
            fs::remove_file(entry.path()).map_err(|e| cannot_use(path, e))?;
        }
    }
    Ok(())
}

/// Our sentence around an I/O error met while claiming the directory.
pub(crate) fn cannot_use(path: &Path, source: std::io::Error) -> Error {
    if source.kind() == ErrorKind::PermissionDenied {
        Error::Invalid(format!(
            "cannot open the database {}: permission denied. Entrevue needs to write in a \
             database's directory even to read it; copy it somewhere writable",
            path.display()
        ))
    } else {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}
