//! The files of exchange: an export is written to a new file (or a new directory), never over
//! an existing one, and removed again when writing fails half-way; an import reads UTF-8 text, a line at a time.

use std::fmt;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

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

/// A new file an export writes into, through a buffer: created exclusively (an existing file,
/// or a link, is refused rather than written through), and removed again unless
/// [`NewFile::finish`] puts it whole on disk — a file cut short would read as less data.
pub(super) struct NewFile {
    path: PathBuf,
    file: BufWriter<File>,
    finished: bool,
}

impl NewFile {
    /// Creates the new file `path`.
    pub(super) fn create(path: &Path) -> Result<NewFile> {
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|e| match e.kind() {
                io::ErrorKind::AlreadyExists => Error::Invalid(format!(
                    "cannot write the export to '{}': it already exists; name a new file",
                    path.display()
                )),
                _ => cannot_write(path, e),
            })?;
        Ok(NewFile {
            path: path.to_path_buf(),
            file: BufWriter::with_capacity(1 << 16, file),
            finished: false,
        })
    }

    /// The error of a write to this file that failed with `e`.
    pub(super) fn failed(&self, e: impl fmt::Display) -> Error {
        cannot_write(&self.path, e)
    }

    /// Writes out what is buffered and puts the file on disk.
    pub(super) fn finish(mut self) -> Result<()> {
        self.file
            .flush()
            .and_then(|()| self.file.get_ref().sync_all())
            .map_err(|e| self.failed(e))?;
        self.finished = true;
        Ok(())
    }
}

impl Write for NewFile {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.file.write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Drop for NewFile {
    fn drop(&mut self) {
        if !self.finished {
            let _ = fs::remove_file(&self.path);
        }
    }
}

fn cannot_write(path: &Path, e: impl fmt::Display) -> Error {
    Error::Invalid(format!(
        "cannot write the export to '{}': {e}",
        path.display()
    ))
}

/// A new directory an export writes its files into: created exclusively, and removed with
/// whatever it holds unless [`NewDirectory::finish`] is called once every file is whole.
pub(super) struct NewDirectory {
    path: PathBuf,
    finished: bool,
}

impl NewDirectory {
    /// Creates the new directory `path`.
    pub(super) fn create(path: &Path) -> Result<NewDirectory> {
        let shown = path.display();
        fs::create_dir(path).map_err(|e| match e.kind() {
            io::ErrorKind::AlreadyExists => Error::Invalid(format!(
                "cannot write the export to '{shown}': it already exists; name a new directory"
            )),
            _ => Error::Invalid(format!("cannot create the export directory '{shown}': {e}")),
        })?;
        Ok(NewDirectory {
            path: path.to_path_buf(),
            finished: false,
        })
    }

    /// Creates the new file `name` in the directory.
    pub(super) fn file(&self, name: &str) -> Result<NewFile> {
        NewFile::create(&self.path.join(name))
    }

    /// Keeps the directory: its files are whole.
    pub(super) fn finish(mut self) {
        self.finished = true;
    }
}

impl Drop for NewDirectory {
    fn drop(&mut self) {
        if !self.finished {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_is_kept_only_when_finished() {
        let dir = tempfile::tempdir().unwrap();
        let kept = dir.path().join("kept.txt");
        let mut file = NewFile::create(&kept).unwrap();
        file.write_all(b"whole\n").unwrap();
        file.finish().unwrap();
        assert_eq!(fs::read(&kept).unwrap(), b"whole\n");
        // Never over an existing file, and never through a link.
        let again = NewFile::create(&kept).err().unwrap().to_string();
        assert!(again.contains("already exists"), "{again}");
        #[cfg(unix)]
        {
            let link = dir.path().join("link.txt");
            std::os::unix::fs::symlink(dir.path().join("target.txt"), &link).unwrap();
            assert!(NewFile::create(&link).is_err());
            assert!(!dir.path().join("target.txt").exists());
        }
        // A file given up half-way (an error, an interrupt) is removed.
        let cut = dir.path().join("cut.txt");
        let mut file = NewFile::create(&cut).unwrap();
        file.write_all(&[b'x'; 200_000]).unwrap();
        drop(file);
        assert!(!cut.exists());
    }

    #[test]
    fn a_new_directory_is_kept_only_when_finished() {
        let dir = tempfile::tempdir().unwrap();
        let given_up = dir.path().join("given-up");
        let new = NewDirectory::create(&given_up).unwrap();
        new.file("a.csv").unwrap().finish().unwrap();
        drop(new);
        assert!(!given_up.exists());
        let kept = dir.path().join("kept");
        let new = NewDirectory::create(&kept).unwrap();
        new.file("a.csv").unwrap().finish().unwrap();
        new.finish();
        assert!(kept.join("a.csv").exists());
        let again = NewDirectory::create(&kept).err().unwrap().to_string();
        assert!(again.contains("already exists"), "{again}");
    }
}
