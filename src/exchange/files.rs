//! The files of exchange: an export is written to a new file (or a new directory), never over
//! an existing one, and removed again when writing fails half-way; an import reads UTF-8 text, a line at a time.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;

use crate::error::{Error, Result};
use crate::query::CancellationToken;

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

/// The lines of an import file, read one at a time so that memory stays bounded whatever the
/// file's size; each line must be UTF-8. Bytes read so far are reported to `progress`; once
/// `cancel` is set (Ctrl-C), the next line read fails with [`Error::Interrupted`].
pub(super) struct Lines<'p> {
    shown: String,
    reader: BufReader<File>,
    buffer: Vec<u8>,
    line: usize,
    /// Bytes read by the passes before this one, and in this one.
    done: u64,
    total: u64,
    progress: &'p mut dyn FnMut(u64, u64),
    cancel: &'p CancellationToken,
}

impl<'p> Lines<'p> {
    /// Opens `path` for pass `pass` (from 0) of `passes`: progress counts every pass's bytes.
    pub(super) fn open(
        path: &Path,
        (pass, passes): (u64, u64),
        progress: &'p mut dyn FnMut(u64, u64),
        cancel: &'p CancellationToken,
    ) -> Result<Lines<'p>> {
        let shown = path.display().to_string();
        let cannot = |e: io::Error| Error::Invalid(format!("cannot read the file '{shown}': {e}"));
        let file = File::open(path).map_err(cannot)?;
        let size = file.metadata().map_err(cannot)?.len();
        Ok(Lines {
            reader: BufReader::with_capacity(1 << 16, file),
            buffer: Vec::new(),
            line: 0,
            done: size.saturating_mul(pass),
            total: size.saturating_mul(passes),
            progress,
            cancel,
            shown,
        })
    }

    /// The next line, without its line ending, and its number from 1; `None` at the end.
    pub(super) fn next_line(&mut self) -> Result<Option<(usize, &str)>> {
        self.buffer.clear();
        let read = self
            .reader
            .read_until(b'\n', &mut self.buffer)
            .map_err(|e| Error::Invalid(format!("cannot read the file '{}': {e}", self.shown)))?;
        if read == 0 {
            return Ok(None);
        }
        self.cancel.check()?;
        self.line += 1;
        self.done += read as u64;
        (self.progress)(self.done, self.total);
        let bytes = self.buffer.strip_suffix(b"\n").unwrap_or(&self.buffer);
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        let text = std::str::from_utf8(bytes).map_err(|_| {
            Error::Invalid(format!(
                "{}:{}: the file is not UTF-8 text",
                self.shown, self.line
            ))
        })?;
        Ok(Some((self.line, text)))
    }
}
