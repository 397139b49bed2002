//! Writing to standard output and standard error without ever panicking (`println!` panics
//! when its stream is closed). Standard output goes through [`Out`], which stops writing once
//! the run is ending (Ctrl-C, SIGTERM) and turns a closed pipe into a quiet end of the run
//! (see `signals`).

use std::io::{self, StdoutLock, Write};

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
