//! The socket itself: the holder's server thread, and the asking process's side.

use std::fs::{self, Permissions};
use std::io::{self, ErrorKind, Write};
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, MetadataExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use entrevue::script::{Directed, Here, ScriptHandler};
use entrevue::{Database, Error, Rows, ScriptOptions};

use super::super::out::{Out, Redirect};
use super::super::signals;
use super::super::{describe, After, Ran, Settings, Shell};
use super::{
    receive, send, Answer, Event, Finished, Request, Verdict, MAX_ANSWER, MAX_REQUEST, MAX_VERDICT,
    PATIENCE, SOCKET,
};
use crate::errln;

/// How long the server thread rests after a failure to accept a connection (too many open
/// files, say), before it tries again.
const REST: Duration = Duration::from_millis(50);

/// How long the asking process waits for the holder's next frame: a long question may take
/// minutes, but a holder that stopped (suspended, say) must not keep it waiting for ever.
const ASKING_PATIENCE: Duration = Duration::from_secs(600);

/// The socket of the open database, for [`remove_socket`] when the program leaves at once.
static SERVED: Mutex<Option<PathBuf>> = Mutex::new(None);

/// The thread that answers other processes' questions; dropping it stops the thread and
/// removes the socket.
pub struct Server {
    socket: PathBuf,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // A connection wakes the thread if it is waiting for one, to see that it must stop.
        let _ = UnixStream::connect(&self.socket);
        let _ = fs::remove_file(&self.socket);
        *SERVED.lock().unwrap_or_else(PoisonError::into_inner) = None;
        if let Some(thread) = self.thread.take() {
            // The thread may be answering a process that reads slowly: it gets as long as the
            // server waits on anyone, then is left to finish (or to end with the program), so
            // that closing the database or leaving is never held up for longer.
            let deadline = Instant::now() + PATIENCE;
            while !thread.is_finished() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(1));
            }
            if thread.is_finished() {
                let _ = thread.join();
            }
        }
    }
}

/// Removes the socket of the open database, for a program that ends without unwinding (a
/// signal): a socket left behind would only be found dead and replaced, but it is untidy.
pub fn remove_socket() {
    if let Some(socket) = SERVED.lock().unwrap_or_else(PoisonError::into_inner).take() {
        let _ = fs::remove_file(socket);
    }
}

/// Starts answering other processes' questions about `db`, if it has a directory that not
/// everyone may write in. Without a server (a temporary database, a directory anyone may write
/// in, a path too long for a socket's name) other processes get the plain "in use" error,
/// which is why a failure here is not reported.
pub fn serve(db: &Arc<Database>) -> Option<Server> {
    let dir = db.path()?.to_path_buf();
    if !private(&dir) {
        return None;
    }
    let socket = dir.join(SOCKET);
    let listener = bind(&dir, &socket).ok()?;
    let stop = Arc::new(AtomicBool::new(false));
    let thread = {
        let (db, stop) = (db.clone(), stop.clone());
        std::thread::Builder::new()
            .name("share".into())
            .spawn(move || listen(&listener, &db, &stop))
    };
    let thread = match thread {
        Ok(thread) => thread,
        Err(_) => {
            let _ = fs::remove_file(&socket);
            return None;
        }
    };
    *SERVED.lock().unwrap_or_else(PoisonError::into_inner) = Some(socket.clone());
    Some(Server {
        socket,
        stop,
        thread: Some(thread),
    })
}

/// Whether the directory is not writable by everyone, who could otherwise put a socket of
/// their own in the holder's place. Whoever else may write in it (its group) may already
/// change the database's own files, so a socket there is as trustworthy as the data.
fn private(dir: &Path) -> bool {
    fs::metadata(dir).is_ok_and(|m| m.is_dir() && m.mode() & 0o002 == 0)
}

/// Binds the socket in a folder only this user may enter, makes it owner-only, then moves it
/// to its name: it is never reachable by another user, whatever the umask. Only the process
/// holding the database's lock gets here, so any socket already there is a dead holder's.
fn bind(dir: &Path, socket: &Path) -> io::Result<UnixListener> {
    remove_leftovers(dir)?;
    let staging = dir.join(format!("{SOCKET}.{}", std::process::id()));
    fs::DirBuilder::new().mode(0o700).create(&staging)?;
    let fresh = staging.join("s");
    let bound = UnixListener::bind(&fresh).and_then(|listener| {
        fs::set_permissions(&fresh, Permissions::from_mode(0o600))?;
        fs::rename(&fresh, socket)?;
        Ok(listener)
    });
    let _ = fs::remove_dir_all(&staging);
    if bound.is_err() {
        let _ = fs::remove_file(socket);
    }
    bound
}

/// Removes the socket, and any folder a socket was being made in, that holders killed without
/// warning left.
fn remove_leftovers(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let removed = if name == SOCKET {
            fs::remove_file(entry.path())
        } else if name.starts_with(&format!("{SOCKET}.")) {
            fs::remove_dir_all(entry.path())
        } else {
            Ok(())
        };
        match removed {
            Err(e) if e.kind() != ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

/// The server thread: one connection at a time, until told to stop (and woken by a
/// connection, see [`Server`]'s `drop`).
fn listen(listener: &UnixListener, db: &Database, stop: &AtomicBool) {
    loop {
        let accepted = listener.accept();
        if stop.load(Ordering::SeqCst) {
            return;
        }
        match accepted {
            // A connection that fails is that process's problem: the next one is served.
            Ok((stream, _)) => {
                let _ = answer(stream, db);
            }
            Err(_) => std::thread::sleep(REST),
        }
    }
}

/// Answers one request: runs its script, refusing writes, and sends what it gave.
fn answer(mut stream: UnixStream, db: &Database) -> io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(PATIENCE))?;
    stream.set_write_timeout(Some(PATIENCE))?;
    let request: Request = match receive(&mut stream, MAX_REQUEST) {
        Ok(request) => request,
        // A process that only looked whether the holder answers (see `Asking::new`).
        Err(e) if e.kind() == ErrorKind::UnexpectedEof => return Ok(()),
        Err(e) => {
            let refused =
                format!("the process holding the database could not read the request: {e}");
            return send(&mut stream, &Event::Done(Err(refused)));
        }
    };
    let options = ScriptOptions {
        source: request.source,
        keep_going: request.keep_going,
        base_dir: Some(request.base_dir),
        progress: None,
        from_file: request.from_file,
        line_offset: 0,
    };
    let mut forward = Forward {
        stream: &mut stream,
        pending: Vec::new(),
        db,
        name: request.db,
        broken: None,
    };
    let ran = db.run_script_with(&request.text, &options, &mut forward);
    let done = match ran {
        Ok(report) => Ok(Finished {
            failed: report.failed,
            stopped: report.stopped_at.is_some(),
        }),
        Err(e) => Err(describe(Some(db), &e)),
    };
    forward.queue(&Event::Done(done));
    let (pending, broken) = (std::mem::take(&mut forward.pending), forward.broken.take());
    if let Some(e) = broken {
        return Err(e);
    }
    // The snapshot is released: a slow reader now holds up only this thread.
    stream.set_write_timeout(Some(ASKING_PATIENCE))?;
    stream.write_all(&pending)?;
    stream.flush()
}

/// The holder's side of a script asked by another process: results are queued, dot-commands
/// go to the asking process, writes are refused.
struct Forward<'a> {
    stream: &'a mut UnixStream,
    /// Frames not sent yet: sent at a dot-command, which needs the asking process's answer,
    /// and at the end.
    pending: Vec<u8>,
    db: &'a Database,
    /// The database as the asking process names it.
    name: String,
    /// The first failure to talk to the asking process; the script runs on, unheard.
    broken: Option<io::Error>,
}

impl Forward<'_> {
    fn queue(&mut self, event: &Event) {
        if self.broken.is_none() {
            if let Err(e) = send(&mut self.pending, event) {
                self.broken = Some(e);
            }
        }
    }

    /// Sends what is queued, then the dot-command line, and waits for the verdict.
    fn verdict(&mut self, line: &str) -> io::Result<Verdict> {
        self.queue(&Event::Directive(line.to_string()));
        if let Some(e) = self.broken.take() {
            return Err(e);
        }
        self.stream.write_all(&self.pending)?;
        self.stream.flush()?;
        self.pending.clear();
        receive(self.stream, MAX_VERDICT)
    }
}

impl ScriptHandler for Forward<'_> {
    fn result(&mut self, result: entrevue::Result<Rows, &Error>) {
        let event = match result {
            Ok(rows) => Event::Rows(Answer::of(rows)),
            Err(e) => Event::Failed(describe(Some(self.db), e)),
        };
        self.queue(&event);
    }

    fn refuses_writes(&self) -> Option<String> {
        Some(format!(
            "database is in use by another process: {}; that process answers the questions \
             asked here, but a script that writes needs the database to itself",
            self.name
        ))
    }

    fn directive(&mut self, line: &str, _here: &Here<'_>) -> entrevue::Result<Directed> {
        match self.verdict(line) {
            Ok(Verdict::Continue) => Ok(Directed::Continue),
            Ok(Verdict::Stop) => Ok(Directed::Stop),
            Ok(Verdict::Failed(message)) => Err(Error::Invalid(message)),
            Err(e) => Err(Error::Invalid(format!(
                "the process that asked this script stopped answering: {e}"
            ))),
        }
    }
}

/// The asking side: a process whose database another process holds, asking it instead.
pub struct Asking {
    dir: PathBuf,
    settings: Settings,
    redirect: Redirect,
    keep_going: bool,
}

impl Asking {
    /// The process holding the database in `dir`, if one answers there. The connection that
    /// finds out is closed at once: the script to send may take a while to read (standard
    /// input), and the holder waits on no one for long.
    pub fn new(dir: &Path, settings: Settings, keep_going: bool) -> Option<Asking> {
        connect(dir).ok()?;
        Some(Asking {
            dir: dir.to_path_buf(),
            settings,
            redirect: Redirect::default(),
            keep_going,
        })
    }

    /// Runs a script's text through the holder, as [`Session::run`](super::super::Session::run)
    /// runs it on a database of its own, printing what comes back.
    pub fn ask(
        &mut self,
        text: &str,
        source: Option<&str>,
        base_dir: Option<&Path>,
        from_file: bool,
    ) -> Ran {
        let failed = Ran {
            ok: false,
            quit: false,
        };
        let stream = connect(&self.dir);
        // A file in the current folder has an empty parent, which `absolute` refuses.
        let base = base_dir
            .filter(|dir| !dir.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let base = std::path::absolute(base);
        let (mut stream, base) = match (stream, base) {
            (Ok(stream), Ok(base)) => (stream, base),
            (Err(e), _) | (_, Err(e)) => {
                self.lost(&e);
                return failed;
            }
        };
        let request = Request {
            text: text.to_string(),
            source: source.map(str::to_string),
            base_dir: base,
            keep_going: self.keep_going,
            from_file,
            db: self.dir.display().to_string(),
        };
        if let Err(e) = stream
            .set_read_timeout(Some(ASKING_PATIENCE))
            .and_then(|()| send(&mut stream, &request))
        {
            self.lost(&e);
            return failed;
        }
        self.hear(&mut stream)
    }

    /// Prints what the holder sends until it is done, answering its dot-command lines.
    fn hear(&mut self, stream: &mut UnixStream) -> Ran {
        let mut shell = Shell {
            settings: &mut self.settings,
            redirect: &mut self.redirect,
            db: None,
            interactive: false,
            out: Out::new(),
            clock: Instant::now(),
            after: None,
            printing: None,
        };
        let ran = loop {
            let event = match receive(stream, MAX_ANSWER) {
                Ok(event) => event,
                Err(e) => break Err(e),
            };
            match event {
                Event::Rows(answer) => shell.result(Ok(answer.into_rows())),
                Event::Failed(message) => shell.result(Err(&Error::Invalid(message))),
                Event::Directive(line) => {
                    signals::reassert();
                    let verdict = match shell.dot(&line, None) {
                        Ok(Directed::Stop) => Verdict::Stop,
                        Ok(_) => Verdict::Continue,
                        Err(message) => Verdict::Failed(message),
                    };
                    shell.clock = Instant::now();
                    if let Err(e) = send(stream, &verdict) {
                        break Err(e);
                    }
                }
                Event::Done(Ok(finished)) => {
                    break Ok(Ran {
                        ok: finished.failed == 0,
                        quit: finished.stopped && matches!(shell.after, Some(After::Quit)),
                    })
                }
                Event::Done(Err(message)) => {
                    if signals::ending().is_none() {
                        errln!("error: {message}");
                    }
                    break Ok(Ran {
                        ok: false,
                        quit: false,
                    });
                }
            }
        };
        let _ = shell.out.flush();
        ran.unwrap_or_else(|e| {
            self.lost(&e);
            Ran {
                ok: false,
                quit: false,
            }
        })
    }

    fn lost(&self, e: &io::Error) {
        if signals::ending().is_none() {
            errln!(
                "error: the process holding the database {} stopped answering: {e}",
                self.dir.display()
            );
        }
    }
}

/// Connects to the holder's socket in `dir`, if it is one its owner made: a socket, owned by
/// the directory's owner, in a directory not everyone may write in.
fn connect(dir: &Path) -> io::Result<UnixStream> {
    let socket = dir.join(SOCKET);
    let found = fs::symlink_metadata(&socket)?;
    let owned = found.file_type().is_socket()
        && private(dir)
        && fs::metadata(dir).is_ok_and(|d| d.uid() == found.uid());
    if !owned {
        return Err(io::Error::other(format!(
            "{} is not a socket of the database's owner",
            socket.display()
        )));
    }
    UnixStream::connect(&socket)
}
