//! Compaction: every tree copied, in key order, into a fresh sled directory, which then takes
//! the place of sled's files in the database directory.
//!
//! sled keeps about twice our bytes after a bulk load (its log holds each leaf several times,
//! and a segment is cleaned only once half of it is dead); written afresh in key order, the
//! same keys take a fifth less.
//!
//! The swap is made safe against a kill at any moment by a commit marker, and finished by
//! whichever process next holds the lock:
//!
//! 1. the copy is built in `compact.new/` inside the database directory, flushed and closed;
//!    until step 2, a kill leaves the old database whole and `compact.new/` is removed by the
//!    next open;
//! 2. `compact.swap` is written (under a temporary name, synced, renamed): it lists the files
//!    of the copy, and from then on the copy is the database;
//! 3. the old sled is closed; every sled file of the database directory not in the list is
//!    removed; each listed file still in `compact.new/` replaces its namesake; the marker is
//!    removed, then `compact.new/`. Each step can be done again after a kill: a listed file
//!    still in `compact.new/` has not been moved, so the one in the directory is the old one.
//!
//! The copy holds the same keys, `meta` included, so the generation and counters are those
//! the state file remembers: the file stays true of the database before, during and after.
//!
//! Discarding an unfinished load (`bulk::discard_into`) makes the same swap with a copy that
//! holds only what the database held before the load: its `meta` keys but the marker and the
//! counters. Building it costs what creating a database does, where removing the load's keys
//! one at a time took minutes.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::kv::{storage_error, BATCH};
use super::{Store, Table};
use crate::error::{Error, Result};

/// The folder, inside the database directory, where the copy is built.
const COPY: &str = "compact.new";
/// The commit marker: its presence says the copy is the database.
const MARKER: &str = "compact.swap";
/// The order the trees are copied in, and a bulk load writes them in: the largest first.
/// Copied in `Table::ALL` order (the small trees first), the same keys took 175 MiB at the
/// `default` benchmark; largest first, 152–156 MiB (BENCHMARKS.md, "compaction after a bulk
/// load"). A bulk load that writes them so leaves as little (154–159 MiB) with no compaction
/// after it ("a bulk load written largest first").
pub(super) const LARGEST_FIRST: [Table; 13] = [
    Table::ActorMeetings,
    Table::Meetings,
    Table::PlaceMeetings,
    Table::DateMeetings,
    Table::Terms,
    Table::Names,
    Table::Documents,
    Table::Actors,
    Table::Places,
    Table::Refs,
    Table::Handles,
    Table::Relations,
    Table::Meta,
];
/// How long to wait for sled to let go of files it was asked to close.
const RELEASE_WAIT: Duration = Duration::from_secs(30);

/// Builds the new files in `compact.new/` with `fill`, which writes the trees of a fresh
/// sled database, and commits the swap (steps 1 and 2). Before the commit, a failure removes
/// the copy and leaves the database as it was.
pub(super) fn build_and_commit(
    dir: &Path,
    fill: impl FnOnce(&sled::Db) -> Result<()>,
) -> Result<()> {
    let copy = dir.join(COPY);
    remove_dir(&copy)?;
    let built = write_copy(&copy, fill).and_then(|names| commit(dir, &names));
    if built.is_err() {
        let _ = remove_dir(&copy);
    }
    built
}

/// Copies every tree of `store` into `fresh`, the largest first.
pub(super) fn copy_every_tree(store: &Store, fresh: &sled::Db) -> Result<()> {
    for table in LARGEST_FIRST {
        copy_tree(
            store.tree(table),
            &fresh.open_tree(table.name()).map_err(storage_error)?,
        )?;
    }
    Ok(())
}

/// Writes the copy with `fill` and closes it; returns the names of its files.
fn write_copy(copy: &Path, fill: impl FnOnce(&sled::Db) -> Result<()>) -> Result<Vec<String>> {
    {
        let fresh = sled::Config::new()
            .path(copy)
            .open()
            .map_err(storage_error)?;
        fill(&fresh)?;
        fresh.flush().map_err(storage_error)?;
    }
    wait_released(copy)?;
    let mut names = Vec::new();
    for entry in fs::read_dir(copy).map_err(|e| io(copy, e))? {
        let entry = entry.map_err(|e| io(copy, e))?;
        match entry.file_name().into_string() {
            Ok(name) if is_sled_file(&name) => names.push(name),
            _ => {
                return Err(Error::Internal(format!(
                    "the compacted copy in {} holds a file sled does not write",
                    copy.display()
                )))
            }
        }
    }
    Ok(names)
}

/// Copies one tree in key order, a batch of keys at a time.
pub(super) fn copy_tree(from: &sled::Tree, to: &sled::Tree) -> Result<()> {
    let mut batch = sled::Batch::default();
    let mut held = 0;
    for pair in from.iter() {
        let (key, value) = pair.map_err(storage_error)?;
        batch.insert(key, value);
        held += 1;
        if held == BATCH {
            to.apply_batch(std::mem::take(&mut batch))
                .map_err(storage_error)?;
            held = 0;
        }
    }
    to.apply_batch(batch).map_err(storage_error)
}

/// Writes the commit marker, listing the copy's files, so that it appears whole or not at all.
fn commit(dir: &Path, names: &[String]) -> Result<()> {
    let temporary = dir.join(format!("{MARKER}.new"));
    let mut file = fs::File::create(&temporary).map_err(|e| io(&temporary, e))?;
    file.write_all(names.join("\n").as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| io(&temporary, e))?;
    fs::rename(&temporary, dir.join(MARKER)).map_err(|e| io(dir, e))?;
    sync_dir(dir)
}

/// Finishes or undoes a compaction a process left unfinished; run by the lock's holder
/// before sled opens the directory. With the marker: the swap is finished (step 3). Without:
/// a copy left over is removed, with the marker's temporary file.
pub(super) fn settle(dir: &Path) -> Result<()> {
    let marker = dir.join(MARKER);
    match fs::read_to_string(&marker) {
        Ok(list) => swap(dir, &list),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            remove_file(&dir.join(format!("{MARKER}.new")))?;
            remove_dir(&dir.join(COPY))
        }
        Err(e) => Err(io(&marker, e)),
    }
}

/// Puts the copy's files in the place of sled's (step 3): sled must not have the directory
/// open.
fn swap(dir: &Path, list: &str) -> Result<()> {
    let names: Vec<&str> = list.lines().filter(|n| !n.is_empty()).collect();
    if names.is_empty() || !names.iter().all(|n| is_sled_file(n)) {
        return Err(Error::Damaged {
            path: dir.to_path_buf(),
            what: format!("its file {MARKER}, left by a compaction, does not read back"),
        });
    }
    let copy = dir.join(COPY);
    for entry in fs::read_dir(dir).map_err(|e| io(dir, e))? {
        let entry = entry.map_err(|e| io(dir, e))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if is_sled_file(&name) && !names.contains(&name.as_ref()) {
            remove_any(&entry.path())?;
        }
    }
    for name in &names {
        let moved = copy.join(name);
        if moved.exists() {
            let target = dir.join(name);
            if target.is_dir() {
                remove_any(&target)?;
            }
            fs::rename(&moved, &target).map_err(|e| io(&moved, e))?;
        }
    }
    sync_dir(dir)?;
    remove_file(&dir.join(MARKER))?;
    sync_dir(dir)?;
    remove_dir(&copy)
}

/// Whether `name` is one of the files sled keeps in its directory.
fn is_sled_file(name: &str) -> bool {
    matches!(name, "conf" | "db" | "blobs") || name.starts_with("snap.")
}

/// Waits until sled has let go of the directory `dir` (its lock on `db` is gone): sled's
/// background work may hold it, and write to it, for a moment after the last handle is dropped.
pub(super) fn wait_released(dir: &Path) -> Result<()> {
    let file = dir.join("db");
    let started = Instant::now();
    loop {
        let held = match fs::File::open(&file) {
            Ok(f) => f.try_lock().is_err(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => return Err(io(&file, e)),
        };
        if !held {
            return Ok(());
        }
        if started.elapsed() > RELEASE_WAIT {
            return Err(Error::Internal(format!(
                "sled did not let go of {} within {} s of being closed",
                dir.display(),
                RELEASE_WAIT.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn sync_dir(dir: &Path) -> Result<()> {
    fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io(dir, e))
}

fn remove_any(path: &Path) -> Result<()> {
    if path.is_dir() {
        remove_dir(path)
    } else {
        remove_file(path)
    }
}

fn remove_dir(path: &Path) -> Result<()> {
    match fs::remove_dir_all(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(path, e)),
        _ => Ok(()),
    }
}

fn remove_file(path: &Path) -> Result<()> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(path, e)),
        _ => Ok(()),
    }
}

fn io(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: PathBuf::from(path),
        source,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    //! Also what the tests of a discarded load (`bulk`) check its swap with.

    use super::*;

    pub(crate) type Contents = Vec<(Table, Vec<u8>, Vec<u8>)>;

    /// Every key and value of every tree.
    pub(crate) fn contents(store: &Store) -> Contents {
        let mut all = Vec::new();
        for table in Table::ALL {
            for pair in store.tree(table).iter() {
                let (key, value) = pair.unwrap();
                all.push((table, key.to_vec(), value.to_vec()));
            }
        }
        all
    }

    /// A database in `dir` holding some thousands of keys, closed; returns what it holds.
    pub(crate) fn filled(dir: &Path) -> Contents {
        let store = Store::open(dir).unwrap();
        for n in 0..4000u32 {
            let key = n.wrapping_mul(2_654_435_761).to_be_bytes();
            let value = vec![(n % 251) as u8; (n % 300) as usize];
            store.tree(Table::Refs).insert(key, value).unwrap();
            store
                .tree(Table::Names)
                .insert(n.to_be_bytes(), &key[..])
                .unwrap();
        }
        store.flush().unwrap();
        let all = contents(&store);
        drop(store);
        wait_released(dir).unwrap();
        all
    }

    /// Opens sled's files in `dir` as they are: no swap finished, no load discarded.
    pub(crate) fn open_as_is(dir: &Path) -> Store {
        let db = sled::Config::new().path(dir).open().unwrap();
        Store::with_db(db, Some(dir.to_path_buf()), None).unwrap()
    }

    /// Opens `dir` as the next process would, and checks that it holds `expected` and that
    /// nothing of the compaction is left.
    pub(crate) fn opens_whole(dir: &Path, expected: &Contents, case: &str) {
        let store = Store::open(dir).unwrap_or_else(|e| panic!("{case}: {e}"));
        assert!(contents(&store) == *expected, "{case}: the contents differ");
        assert!(!dir.join(COPY).exists(), "{case}: the copy is left");
        assert!(!dir.join(MARKER).exists(), "{case}: the marker is left");
        drop(store);
        wait_released(dir).unwrap();
    }

    /// Writes new files with `fill` in `dir`'s copy folder, as a process killed before the
    /// commit leaves them.
    pub(crate) fn leave_uncommitted(dir: &Path, fill: impl FnOnce(&sled::Db) -> Result<()>) {
        write_copy(&dir.join(COPY), fill).unwrap();
    }

    #[test]
    fn every_tree_is_copied_once() {
        let mut ordered = LARGEST_FIRST.to_vec();
        ordered.sort();
        assert_eq!(ordered, Table::ALL);
    }

    #[test]
    fn a_compaction_keeps_every_key_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let expected = filled(dir.path());
        let store = Store::open(dir.path()).unwrap();
        let (result, store) = store.compacted();
        result.unwrap();
        let store = store.unwrap();
        assert!(contents(&store) == expected);
        drop(store);
        wait_released(dir.path()).unwrap();
        opens_whole(dir.path(), &expected, "after a compaction");
    }

    /// A process killed after the commit, with the first `moved` listed files swapped (and
    /// the old files left out of the list removed or not), for every `moved`: `reopen` (the
    /// next open, [`opens_whole`], or a reading of the files left) is told the directory and
    /// what `prepare` (which makes a closed database in a directory) says the swapped files
    /// hold. `fill` makes the new files, as a compaction or a discarded load does.
    pub(crate) fn cut_short_at_every_step(
        prepare: impl Fn(&Path) -> Contents,
        fill: fn(&Store, &sled::Db) -> Result<()>,
        reopen: impl Fn(&Path, &Contents, &str),
    ) {
        let mut case = 0;
        loop {
            let dir = tempfile::tempdir().unwrap();
            let expected = prepare(dir.path());
            let store = open_as_is(dir.path());
            build_and_commit(dir.path(), |fresh| fill(&store, fresh)).unwrap();
            drop(store);
            wait_released(dir.path()).unwrap();
            let list = fs::read_to_string(dir.path().join(MARKER)).unwrap();
            let names: Vec<&str> = list.lines().collect();
            let moved = case / 2;
            if moved > names.len() {
                break;
            }
            if case % 2 == 1 {
                for entry in fs::read_dir(dir.path()).unwrap() {
                    let name = entry.unwrap().file_name().into_string().unwrap();
                    if is_sled_file(&name) && !names.contains(&name.as_str()) {
                        remove_any(&dir.path().join(name)).unwrap();
                    }
                }
            }
            for name in &names[..moved] {
                let target = dir.path().join(name);
                if target.exists() {
                    remove_any(&target).unwrap();
                }
                fs::rename(dir.path().join(COPY).join(name), target).unwrap();
            }
            let what = format!("{moved} of {} files moved, case {case}", names.len());
            reopen(dir.path(), &expected, &what);
            case += 1;
        }
    }

    #[test]
    fn a_swap_cut_short_anywhere_is_finished_by_the_next_open() {
        cut_short_at_every_step(filled, copy_every_tree, opens_whole);
    }

    /// Killed once the marker was removed, with the emptied copy's folder left; and killed
    /// before the commit, the copy half-written and the marker's temporary file there: the
    /// next open removes what was left, and the database is whole.
    #[test]
    fn what_a_compaction_leaves_outside_its_commit_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let expected = filled(dir.path());
        fs::create_dir(dir.path().join(COPY)).unwrap();
        opens_whole(dir.path(), &expected, "the empty copy left");

        let store = Store::open(dir.path()).unwrap();
        write_copy(&dir.path().join(COPY), |fresh| {
            copy_every_tree(&store, fresh)
        })
        .unwrap();
        drop(store);
        wait_released(dir.path()).unwrap();
        fs::write(dir.path().join(format!("{MARKER}.new")), "con").unwrap();
        opens_whole(dir.path(), &expected, "the copy written, not committed");
    }

    #[test]
    fn a_marker_that_lists_no_sled_file_is_damage() {
        let dir = tempfile::tempdir().unwrap();
        filled(dir.path());
        fs::write(dir.path().join(MARKER), "entrevue.state\n").unwrap();
        let err = Store::open(dir.path()).err().unwrap();
        assert!(err.to_string().contains("left by a compaction"), "{err}");
        assert!(dir.path().join("entrevue.state").exists());
    }
}
