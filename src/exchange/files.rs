//! The files of exchange: an export is written to a new file (or a new directory), never over
//! an existing one, and removed again when writing fails half-way; an import reads UTF-8 text.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

use crate::error::{Error, Result};

/// Refuses a `path` inside the open database's directory (`database`): a file of ours among
/// sled's would make the directory one that opening refuses.
pub(super) fn outside(path: &Path, database: Option<&Path>) -> Result<()> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let (Ok(folder), Some(Ok(database))) =
        (folder.canonicalize(), database.map(Path::canonicalize))
    else {
        return Ok(());
    };
    if folder.starts_with(&database) {
        return Err(Error::Invalid(format!(
            "cannot write the export to '{}': it is inside the open database's directory \
             '{}'; write it elsewhere",
            path.display(),
            database.display()
        )));
    }
    Ok(())
}

/// Writes `bytes` to the new file `path`, on disk before it returns.
pub(super) fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let shown = path.display();
    let failed =
        |e: io::Error| Error::Invalid(format!("cannot write the export to '{shown}': {e}"));
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            io::ErrorKind::AlreadyExists => Error::Invalid(format!(
                "cannot write the export to '{shown}': it already exists; name a new file"
            )),
            _ => failed(e),
        })?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| {
            // A file cut short would read as less data: leave none.
            let _ = fs::remove_file(path);
            failed(e)
        })
}

/// Creates the new directory `path` and writes each `(name, text, rows)` file into it.
pub(super) fn write_directory(path: &Path, files: &[(String, String, usize)]) -> Result<()> {
    let shown = path.display();
    fs::create_dir(path).map_err(|e| match e.kind() {
        io::ErrorKind::AlreadyExists => Error::Invalid(format!(
            "cannot write the export to '{shown}': it already exists; name a new directory"
        )),
        _ => Error::Invalid(format!("cannot create the export directory '{shown}': {e}")),
    })?;
    for (name, text, _) in files {
        if let Err(e) = write_new(&path.join(name), text.as_bytes()) {
            let _ = fs::remove_dir_all(path);
            return Err(e);
        }
    }
    Ok(())
}

/// Makes sure `path` is an empty directory: creates it when it does not exist (true), takes
/// it when it exists and is empty (false), refuses anything else.
#[cfg(feature = "parquet")]
pub(super) fn empty_directory(path: &Path) -> Result<bool> {
    let shown = path.display();
    match fs::create_dir(path) {
        Ok(()) => return Ok(true),
        Err(e) if e.kind() != io::ErrorKind::AlreadyExists => {
            return Err(Error::Invalid(format!(
                "cannot create the export directory '{shown}': {e}"
            )))
        }
        Err(_) => {}
    }
    let not_empty = || {
        Error::Invalid(format!(
            "cannot write the export to '{shown}': it exists and is not an empty directory; \
             name a new or empty directory"
        ))
    };
    // A link to a directory is refused too: the files would land somewhere else.
    let is_directory = fs::symlink_metadata(path).is_ok_and(|m| m.is_dir());
    if !is_directory {
        return Err(not_empty());
    }
    let mut entries = fs::read_dir(path)
        .map_err(|e| Error::Invalid(format!("cannot read the directory '{shown}': {e}")))?;
    match entries.next() {
        None => Ok(false),
        Some(_) => Err(not_empty()),
    }
}

/// The text of the file at `path`, which must be UTF-8.
pub(super) fn read_text(path: &Path) -> Result<String> {
    let shown = path.display();
    let bytes = fs::read(path)
        .map_err(|e| Error::Invalid(format!("cannot read the file '{shown}': {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let before = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        Error::Invalid(format!("{shown}:{line}: the file is not UTF-8 text"))
    })
}
