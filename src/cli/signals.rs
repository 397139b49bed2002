//! Signals and the ways a run can end early, with the exit status of each.
//!
//! While a script runs, SIGINT (Ctrl-C) and SIGTERM stop it — the statement being run, the
//! output being printed — and the script keeps nothing; the program then leaves with 130
//! (SIGINT) or 143 (SIGTERM), as a shell reports a program killed by those signals. When
//! nothing is running, SIGINT leaves at once with 130 (the REPL reads its lines in raw mode,
//! where Ctrl-C is a key that clears the line, and ignores the signal), and SIGTERM leaves
//! with 143 and a one-line message. A closed standard output (`entrevue … | head`) also stops
//! the run, quietly, with 141 (128 + SIGPIPE, as `cat` reports it).

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Mutex, PoisonError};

use entrevue::{Database, InterruptHandle};

/// Why a run is ending early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// SIGINT (Ctrl-C).
    Interrupted,
    /// SIGTERM.
    Terminated,
    /// Standard output was closed by its reader.
    OutputClosed,
    /// Standard output failed otherwise (a full disk …); the error was said.
    OutputFailed,
}

const NONE: u8 = 0;

impl Ending {
    fn code(self) -> u8 {
        match self {
            Ending::Interrupted => 1,
            Ending::Terminated => 2,
            Ending::OutputClosed => 3,
            Ending::OutputFailed => 4,
        }
    }

    fn from_code(code: u8) -> Option<Ending> {
        [
            Ending::Interrupted,
            Ending::Terminated,
            Ending::OutputClosed,
            Ending::OutputFailed,
        ]
        .into_iter()
        .find(|e| e.code() == code)
    }

    /// The exit status of a program that ended so.
    pub fn exit_code(self) -> u8 {
        match self {
            Ending::Interrupted => 130,
            Ending::Terminated => 143,
            Ending::OutputClosed => 141,
            Ending::OutputFailed => 1,
        }
    }
}

/// Whether a script is running: a signal then stops it instead of ending the program.
static RUNNING: AtomicBool = AtomicBool::new(false);
/// Whether a person is at the REPL, whose line editor handles Ctrl-C itself.
static INTERACTIVE: AtomicBool = AtomicBool::new(false);
/// The first reason the current run is ending early ([`Ending::code`]), or `NONE`.
static ENDING: AtomicU8 = AtomicU8::new(NONE);
/// The handle that stops the open database's script.
static INTERRUPT: Mutex<Option<InterruptHandle>> = Mutex::new(None);

/// The message SIGTERM leaves with.
pub const TERMINATED: &str =
    "entrevue: terminated by SIGTERM; what the unfinished script wrote was not kept";

/// Catches SIGINT and SIGTERM for the rest of the program, pointed at `db`.
pub fn install(db: &Database, interactive: bool) {
    watch(db);
    INTERACTIVE.store(interactive, Ordering::SeqCst);
    if let Err(e) = listen() {
        crate::errln!("warning: Ctrl-C will not stop a running statement: {e}");
    }
}

#[cfg(unix)]
fn listen() -> std::io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                let ending = if signal == SIGTERM {
                    Ending::Terminated
                } else {
                    Ending::Interrupted
                };
                on_signal(ending);
            }
        })?;
    Ok(())
}

#[cfg(not(unix))]
fn listen() -> std::io::Result<()> {
    ctrlc::set_handler(|| on_signal(Ending::Interrupted)).map_err(std::io::Error::other)
}

fn on_signal(ending: Ending) {
    if RUNNING.load(Ordering::SeqCst) {
        if self::ending() == Some(ending) {
            // Asked twice: the running work did not stop (it may be stuck in the storage
            // engine on damaged data); leave now, as a second Ctrl-C does elsewhere.
            leave(ending);
        }
        stop(ending);
        if ending == Ending::Terminated {
            // SIGTERM is usually sent once, by something that waits for the program to end.
            std::thread::spawn(|| {
                std::thread::sleep(TERMINATION_GRACE);
                leave(Ending::Terminated);
            });
        }
        return;
    }
    match ending {
        Ending::Interrupted if INTERACTIVE.load(Ordering::SeqCst) => {}
        _ => leave(ending),
    }
}

/// How long a script stopped by SIGTERM has to end by itself before the program leaves.
const TERMINATION_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// Ends the program now. What an unfinished script wrote is not committed, so nothing of it
/// is kept.
fn leave(ending: Ending) -> ! {
    // Leaving without unwinding, the server's own clean-up does not run.
    super::share::remove_socket();
    if ending == Ending::Terminated {
        crate::errln!("{TERMINATED}");
    }
    std::process::exit(i32::from(ending.exit_code()))
}

/// Ends the running script early for this reason (the first reason given stands).
pub fn stop(ending: Ending) {
    let _ = ENDING.compare_exchange(NONE, ending.code(), Ordering::SeqCst, Ordering::SeqCst);
    if let Some(handle) = INTERRUPT
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_ref()
    {
        handle.interrupt();
    }
}

/// Why the run is ending early, if it is.
pub fn ending() -> Option<Ending> {
    Ending::from_code(ENDING.load(Ordering::SeqCst))
}

/// Forgets a Ctrl-C once the REPL has dealt with it (the other endings end the program).
pub fn forget_interrupt() {
    let _ = ENDING.compare_exchange(
        Ending::Interrupted.code(),
        NONE,
        Ordering::SeqCst,
        Ordering::SeqCst,
    );
}

/// Marks a script as running (signals stop it) or not (signals end the program).
pub fn running(yes: bool) {
    RUNNING.store(yes, Ordering::SeqCst);
}

/// Interrupts the database again if the run is ending. The library clears the database's
/// interrupt as a script starts, so a signal that came just before would be lost; the shell
/// calls this as each statement ends, and the script checks once more before it commits.
pub fn reassert() {
    if let Some(ending) = ending() {
        stop(ending);
    }
}

/// Points signals at this database.
pub fn watch(db: &Database) {
    *INTERRUPT.lock().unwrap_or_else(PoisonError::into_inner) = Some(db.interrupt_handle());
}

/// The exit status: an early ending's, else 0 when all went well and 1 when not.
pub fn exit_code(ok: bool) -> ExitCode {
    match ending() {
        Some(ending) => ExitCode::from(ending.exit_code()),
        None if ok => ExitCode::SUCCESS,
        None => ExitCode::FAILURE,
    }
}
