//! Reading that cannot hang on damaged data.
//!
//! On some damaged files a single step of a sled iterator never returns: sled retries its
//! traversal up to a million times, each retry rereading and checksumming a page from disk. A
//! step cannot be interrupted, so the work that may meet damage — the integrity check and the
//! walks of a salvage — runs on a thread of its own over clones of sled's handles, counting
//! every entry it reads, while the caller watches the count. When it has stood still for
//! [`STALL`] in all, the caller gives up and reports the damage; the stuck thread is left behind,
//! holding nothing but its own handles (a process that exits ends it).

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sled::IVec;

use super::kv::{tree_get, tree_range, Entry, KvIter, KvRead};
use super::{Store, Table};
use crate::error::{Error, Result};

/// How long reading may make no progress at a stretch before it counts as stuck: the looks
/// (every [`LOOK`]) in a row that saw no entry read. A healthy step takes microseconds, or a
/// disk read; on damaged data sled can also spend seconds on each step and still creep
/// forward, which the sum of slow steps catches ([`SLOW_STEP`]). Summing the idle looks of a
/// whole check instead made a healthy check of a large database fail on a loaded machine.
pub(crate) const STALL: Duration = Duration::from_secs(5);

/// A step that works longer than this is one no healthy read takes (a read from disk takes
/// milliseconds, and waits rather than works); [`STALL`] of them in all is reported as damage.
/// The work is the reading thread's own CPU time ([`working_time`]): on a loaded machine a
/// healthy step can wait far longer than this for a core, and wall-clock time then made a
/// healthy check of a large database report damage.
const SLOW_STEP: Duration = Duration::from_millis(50);

/// How often the watcher looks at the count.
const LOOK: Duration = Duration::from_millis(100);

/// What a reading thread has done so far: entries read, and the table it read last.
#[derive(Default)]
struct Progress {
    entries: AtomicU64,
    table: AtomicU64,
}

/// Clones of sled's tree handles that a thread can own, counting what is read through them
/// and timing each step.
struct Counted {
    trees: Vec<sled::Tree>,
    progress: Arc<Progress>,
    /// Time spent in steps slower than [`SLOW_STEP`], in all.
    slow: Cell<Duration>,
}

impl Counted {
    /// Runs one step of reading `table`: counted, and timed so that creeping over damaged
    /// data ends as an error.
    fn step<T>(&self, table: Table, read: impl FnOnce() -> Result<T>) -> Result<T> {
        self.progress.entries.fetch_add(1, Ordering::Relaxed);
        self.progress.table.store(table as u64, Ordering::Relaxed);
        let started = working_time();
        let value = read()?;
        let took = working_time().saturating_sub(started);
        if took > SLOW_STEP {
            self.slow.set(self.slow.get() + took);
            if self.slow.get() >= STALL {
                return Err(Error::Corrupt(format!(
                    "reading the {} table crawls (over {} ms per step): its data there is \
                     damaged",
                    table.name(),
                    SLOW_STEP.as_millis()
                )));
            }
        }
        Ok(value)
    }
}

impl KvRead for Counted {
    fn get(&self, table: Table, key: &[u8]) -> Result<Option<IVec>> {
        self.step(table, || tree_get(&self.trees[table as usize], table, key))
    }

    fn range<'a>(
        &'a self,
        table: Table,
        from: &[u8],
        to: Option<&[u8]>,
        reverse: bool,
    ) -> KvIter<'a> {
        let mut entries = tree_range(&self.trees[table as usize], table, from, to, reverse);
        // On some damaged trees sled's iterator goes round in a circle, each step quick: keys
        // must keep moving in one direction.
        let mut last: Option<IVec> = None;
        let mut broken = false;
        Box::new(std::iter::from_fn(move || {
            if broken {
                return None;
            }
            let entry = self.step(table, || entries.next().transpose());
            let onward = match &entry {
                Ok(Some((key, _))) => {
                    let onward = last
                        .as_ref()
                        .is_none_or(|l| if reverse { key < l } else { key > l });
                    last = Some(key.clone());
                    onward
                }
                Ok(None) => return None,
                Err(_) => true,
            };
            broken = !onward || entry.is_err();
            if !onward {
                return Some(Err(Error::Corrupt(format!(
                    "the {} table is damaged: reading it in key order came back to a key \
                     already read",
                    table.name()
                ))));
            }
            entry.transpose()
        }))
    }
}

/// The time the calling thread has spent running, in the kernel or out of it: what sled's
/// retries over damaged pages spend (rereading and checksumming), and what waiting for a core
/// or the disk does not.
#[cfg(unix)]
fn working_time() -> Duration {
    let now = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    let seconds = u64::try_from(now.tv_sec).unwrap_or(0);
    let nanos = u32::try_from(now.tv_nsec).unwrap_or(0);
    Duration::new(seconds, nanos)
}

/// Elsewhere, wall-clock time since the first call.
#[cfg(not(unix))]
fn working_time() -> Duration {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed()
}

/// Runs `work` on its own thread over `store`'s tables, and returns what it returns; an error
/// if it panics (sled panics on some damaged data) or stops making progress for [`STALL`].
pub(crate) fn watched<T: Send + 'static>(
    store: &Store,
    work: impl FnOnce(&dyn KvRead) -> Result<T> + Send + 'static,
) -> Result<T> {
    let progress = Arc::new(Progress::default());
    let kv = Counted {
        trees: store.trees.clone(),
        progress: Arc::clone(&progress),
        slow: Cell::new(Duration::ZERO),
    };
    let (sender, receiver) = mpsc::channel();
    std::thread::Builder::new()
        .name("entrevue-reader".into())
        .spawn(move || {
            let result = catch_unwind(AssertUnwindSafe(|| work(&kv)));
            let _ = sender.send(result);
        })
        .map_err(|e| Error::Internal(format!("cannot start a reading thread: {e}")))?;
    let mut seen = 0;
    let mut idle = Duration::ZERO;
    loop {
        let looked = Instant::now();
        match receiver.recv_timeout(LOOK) {
            Ok(Ok(result)) => return result,
            Ok(Err(_)) => return Err(stuck(&progress, "the storage engine failed")),
            Err(RecvTimeoutError::Timeout) => {
                // Idle time counts at a stretch: a busy or descheduled reader that still
                // moves forward is not stuck (crawling is what `Counted::step` catches).
                let now = progress.entries.load(Ordering::Relaxed);
                if now == seen {
                    idle += looked.elapsed();
                } else {
                    idle = Duration::ZERO;
                }
                seen = now;
                if idle >= STALL {
                    return Err(stuck(&progress, "reading made no progress"));
                }
            }
            Err(RecvTimeoutError::Disconnected) => {
                return Err(Error::Internal(
                    "a reading thread ended without a word".into(),
                ))
            }
        }
    }
}

fn stuck(progress: &Progress, what: &str) -> Error {
    let table = Table::ALL
        .get(progress.table.load(Ordering::Relaxed) as usize)
        .map_or("a table", |t| t.name());
    Error::Corrupt(format!(
        "{what} in the {table} table after {} entries: its data there is damaged",
        progress.entries.load(Ordering::Relaxed)
    ))
}

/// Streams the entries of one table from `from` on, in key order, each step watched: stops at
/// the end, or with the reason when sled errs, panics or stalls.
pub(crate) fn walk(
    store: &Store,
    table: Table,
    from: Vec<u8>,
    mut visit: impl FnMut(Entry),
) -> std::result::Result<(), &'static str> {
    let tree = store.tree(table).clone();
    let (sender, receiver) = mpsc::sync_channel::<Option<Entry>>(1024);
    let spawned = std::thread::Builder::new()
        .name("entrevue-walk".into())
        .spawn(move || {
            // Ending without sending `None` (an error, a panic) tells the walker it failed.
            let _ = catch_unwind(AssertUnwindSafe(|| {
                for entry in tree.range(from..) {
                    let Ok(entry) = entry else { return };
                    if sender.send(Some(entry)).is_err() {
                        return;
                    }
                }
                let _ = sender.send(None);
            }));
        });
    if spawned.is_err() {
        return Err("a reading thread could not start");
    }
    loop {
        match receiver.recv_timeout(STALL) {
            Ok(Some(entry)) => visit(entry),
            Ok(None) => return Ok(()),
            Err(RecvTimeoutError::Timeout) => return Err("reading made no progress"),
            Err(RecvTimeoutError::Disconnected) => return Err("the storage engine failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_that_stops_reading_is_reported_as_stuck() {
        let store = Store::temporary().unwrap();
        let result = watched(&store, |kv| {
            kv.get(Table::Meta, b"format")?;
            // As sled does on some damaged pages: one step that does not come back.
            std::thread::sleep(STALL * 4);
            Ok(())
        });
        let err = result.unwrap_err();
        assert!(
            err.to_string()
                .contains("made no progress in the meta table after 1 entries"),
            "{err}"
        );
    }

    #[test]
    fn work_that_reads_returns_its_result() {
        let store = Store::temporary().unwrap();
        let format = watched(&store, |kv| Ok(kv.get(Table::Meta, b"format")?.is_some()));
        assert!(format.unwrap());
    }
}
