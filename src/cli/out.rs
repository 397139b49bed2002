//! Writing to standard output and standard error without ever panicking (`println!` panics
//! when its stream is closed). Standard output goes through [`Out`], which stops writing once
//! the run is ending (Ctrl-C, SIGTERM) and turns a closed pipe into a quiet end of the run
//! (see `signals`). [`Redirect`] holds the files `.output` and `.once` send output to.

use std::fs::{File, OpenOptions};
use std::io::{self, StdoutLock, Write};
use std::path::{Path, PathBuf};

use super::signals::{self, Ending};

/// Standard output, locked for a while; every write checks that the run is not ending.
pub struct Out {
    lock: StdoutLock<'static>,
}

impl Out {
    pub fn new() -> Out {
        Out {
            lock: io::stdout().lock(),
        }
    }

    fn failed(e: io::Error) -> io::Error {
        if e.kind() == io::ErrorKind::BrokenPipe {
            signals::stop(Ending::OutputClosed);
        } else if signals::ending().is_none() {
            let _ = writeln!(io::stderr(), "error: cannot write the output: {e}");
            signals::stop(Ending::OutputFailed);
        }
        e
    }
}

impl Write for Out {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(ending) = signals::ending() {
            return Err(io::Error::other(format!("output stopped: {ending:?}")));
        }
        self.lock.write(buf).map_err(Out::failed)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.lock.flush().map_err(Out::failed)
    }
}

/// `println!` that cannot panic: writes a line to standard output through [`Out`]; a failure
/// ends the run as `Out` says.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!($crate::cli::out::Out::new(), $($arg)*);
    }};
}

/// `eprintln!` that cannot panic: a message nobody can read is dropped.
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// Where output goes instead of standard output: the files of `.output` (everything until
/// changed) and `.once` (the next statement's output).
#[derive(Default)]
pub struct Redirect {
    /// `.output FILE`: every output until `.output stdout`.
    pub output: Option<(PathBuf, File)>,
    /// `.once FILE`: the next statement's output only.
    pub once: Option<(PathBuf, File)>,
    /// The files this session created, with their identity, which it may write again.
    created: Vec<(PathBuf, Option<(u64, u64)>)>,
}

impl Redirect {
    /// Opens `path` to write output to it: a new file, created exclusively (so an existing
    /// file or a symbolic link, even a dangling one, is refused), or a file this session
    /// created, emptied. Overwriting any other file is refused rather than done, since output
    /// sent to the wrong name would destroy it.
    pub fn open(&mut self, path: &Path) -> Result<File, String> {
        match OpenOptions::new().write(true).create_new(true).open(path) {
            Ok(file) => {
                let identity = file.metadata().ok().as_ref().and_then(identity);
                self.created.push((path.to_path_buf(), identity));
                Ok(file)
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => self.reopen(path),
            Err(e) => Err(format!("cannot create '{}': {e}", path.display())),
        }
    }

    /// A file this session created, opened again and emptied; anything else is refused.
    fn reopen(&self, path: &Path) -> Result<File, String> {
        let refused = || {
            format!(
                "'{}' already exists; output goes only to a new file (or one written earlier \
                 in this session): remove the file first to replace it, or give another name",
                path.display()
            )
        };
        let known = self
            .created
            .iter()
            .find(|(p, _)| p == path)
            .ok_or_else(refused)?;
        // `symlink_metadata` does not follow a link: a link put in the file's place is refused.
        let is_file = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_file());
        if !is_file {
            return Err(refused());
        }
        let file = OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|e| format!("cannot open '{}': {e}", path.display()))?;
        // The file opened must be the one created: not another put there since.
        let opened = file.metadata().ok().as_ref().and_then(identity);
        if opened != known.1 {
            return Err(refused());
        }
        file.set_len(0)
            .map_err(|e| format!("cannot empty '{}': {e}", path.display()))?;
        Ok(file)
    }
}

/// What tells one file from another, where the system says.
#[cfg(unix)]
fn identity(meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn identity(_meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}
