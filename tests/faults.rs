//! Faults from outside: a process killed with SIGKILL in the middle of an import, of a
//! compaction or of a long script, and database files damaged after a clean close.
//!
//! After a kill, the database opens with all of the interrupted write or none of it, and its
//! indexes agree with its records. After damage, opening either gives back every record or
//! says, in Entrevue's words, that the database is damaged; it never panics and never opens a
//! database that silently holds less. `Database::recover` then copies what it can, and only
//! records that were there.
//!
//! The killed process is the `entrevue` binary, or this test binary re-run on `child_process`
//! (whose body acts only when an environment variable names a database), which says how far an
//! import has gone. Kill moments are stratified random delays over the length of a run timed
//! first; what the tests assert does not depend on speed: the kills that must land in the
//! middle of a write are made at points the child reports (or waits at), and a kill that lands
//! before the child opened the database just counts as one that found nothing.

#![cfg(unix)]

mod common;

use common::dump;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{BufRead, BufReader, Write as _};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use entrevue::{
    Actor, Database, Document, Error, ImportFormat, Meeting, Place, Record, Relation, Stats,
};

const CHILD_DB: &str = "ENTREVUE_TEST_CHILD_DB";
const CHILD_DATA: &str = "ENTREVUE_TEST_CHILD_DATA";
const CHILD_PAUSE: &str = "ENTREVUE_TEST_CHILD_PAUSE";
/// Set to `gdelt`: the child imports `CHILD_DATA` as a GDELT events file, not a CSV dataset.
const CHILD_FORMAT: &str = "ENTREVUE_TEST_CHILD_FORMAT";

// ---- helpers --------------------------------------------------------------------------------

/// A small deterministic random source (xorshift), seeded from the clock unless
/// `ENTREVUE_FAULT_SEED` gives the seed; the seed is printed so that a failure can be re-run.
struct Random(u64);

impl Random {
    fn new(test: &str) -> Random {
        let seed = std::env::var("ENTREVUE_FAULT_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
            });
        eprintln!("{test}: seed {seed} (ENTREVUE_FAULT_SEED={seed} repeats these moments)");
        Random(seed | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `n` delays spread over [0, `span`): one at a random point of each n-th.
fn spread(random: &mut Random, span: Duration, n: u32) -> Vec<Duration> {
    (0..n)
        .map(|k| span.mul_f64((f64::from(k) + random.unit()) / f64::from(n)))
        .collect()
}

fn entrevue() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_entrevue"));
    command.env("ENTREVUE_HISTORY", "off");
    command
}

/// Whether no process holds `file`'s lock (a missing file holds none).
/// `entrevue --db DB import DATA`, saying nothing.
fn quiet_import(db: &Path, data: &Path) -> Command {
    let mut command = entrevue();
    command
        .arg("--db")
        .arg(db)
        .arg("import")
        .arg(data)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

fn unlocked(file: &Path) -> bool {
    match fs::File::open(file) {
        // Closing the file lets the lock go at once.
        Ok(f) => f.try_lock().is_ok(),
        Err(_) => true,
    }
}

/// Waits until no process, this one included, holds the database in `dir`: sled keeps its
/// lock on `db` until its background work ends, a moment after the database is dropped. A
/// child started before that would find the database locked.
fn wait_released(dir: &Path) {
    for _ in 0..400 {
        if unlocked(&dir.join("db")) && unlocked(&dir.join("entrevue.lock")) {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("{} is still locked 4 s after it was closed", dir.display());
}

/// Kills `child` unless it has ended by itself; says whether the kill found it running.
fn kill(child: &mut Child) -> bool {
    let running = child.try_wait().unwrap().is_none();
    if running {
        child.kill().unwrap();
    }
    child.wait().unwrap();
    running
}

/// Reads the child's output until a line containing `marker`.
fn wait_for(out: &mut BufReader<ChildStdout>, marker: &str) {
    let mut line = String::new();
    loop {
        line.clear();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "the child ended before saying '{marker}'"
        );
        if line.contains(marker) {
            return;
        }
    }
}

fn total(s: &Stats) -> u64 {
    s.actors + s.places + s.documents + s.meetings + s.relations
}

/// The statements of `db`'s dump./// Every record's handle, by kind.
fn handles(db: &Database) -> BTreeMap<&'static str, BTreeSet<String>> {
    fn of<R: Record>(db: &Database) -> BTreeSet<String> {
        db.all::<R>()
            .unwrap()
            .into_iter()
            .map(|(_, r)| r.handle().to_string())
            .collect()
    }
    BTreeMap::from([
        ("actor", of::<Actor>(db)),
        ("place", of::<Place>(db)),
        ("document", of::<Document>(db)),
        ("meeting", of::<Meeting>(db)),
        ("relation", of::<Relation>(db)),
    ])
}

/// Opens the database in `dir` after a kill and checks it; returns it with its counts.
fn open_after_kill(dir: &Path, what: &str) -> (Database, Stats) {
    let db = common::open_waiting(dir).unwrap_or_else(|e| panic!("{what}: opening fails: {e}"));
    let report = db.check().unwrap();
    assert!(report.is_clean(), "{what}: {report}");
    let stats = db.stats().unwrap();
    (db, stats)
}

// ---- the child process ----------------------------------------------------------------------

/// The child's side: imports `CHILD_DATA` into `CHILD_DB`, saying how far it has gone;
/// does nothing unless run by a test below.
#[test]
fn child_process() {
    let (Ok(path), Ok(data)) = (std::env::var(CHILD_DB), std::env::var(CHILD_DATA)) else {
        return;
    };
    // Waits at the n-th progress report, for a kill in the middle of the write.
    let pause: Option<u64> = std::env::var(CHILD_PAUSE).ok().and_then(|p| p.parse().ok());
    let mut tries = 0;
    let db = loop {
        match Database::open(&path) {
            Ok(db) => break db,
            Err(Error::Locked { .. }) if tries < 200 => {
                tries += 1;
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("{e}"),
        }
    };
    // Markers start a fresh line: the test harness has already printed "test child_process ... ".
    println!("\n@open");
    let mut reports = 0;
    let mut progress = |done, total| {
        reports += 1;
        println!("@progress {done} {total}");
        if pause == Some(reports) {
            println!("@paused");
            std::thread::sleep(Duration::from_secs(60));
        }
    };
    if std::env::var(CHILD_FORMAT).is_ok_and(|f| f == "gdelt") {
        db.import_file_with_progress(ImportFormat::Gdelt, Path::new(&data), &mut progress)
            .unwrap();
    } else {
        db.import_csv(Path::new(&data), &mut progress).unwrap();
    }
    println!("@done");
    std::thread::sleep(Duration::from_secs(60));
}

fn spawn_importer(db: &Path, data: &Path, pause: Option<u64>) -> (Child, BufReader<ChildStdout>) {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args([
            "--exact",
            "child_process",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DB, db)
        .env(CHILD_DATA, data)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(n) = pause {
        command.env(CHILD_PAUSE, n.to_string());
    }
    let mut child = command.spawn().unwrap();
    let out = BufReader::new(child.stdout.take().unwrap());
    (child, out)
}

// ---- 1. SIGKILL during an import ------------------------------------------------------------

const ACTORS: u64 = 400;
const COUNTRIES: u64 = 4;
const REGIONS: u64 = 12;
const CITIES: u64 = 40;

/// Writes a dataset in the CSV layout of `tests/import.rs`: 400 actors, a tree of 56 places,
/// `meetings` meetings of 2 to 4 actors each. Returns what it holds.
fn write_dataset(dir: &Path, meetings: u64) -> Stats {
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    let mut actors = String::from("id,name,kind,country_id\n");
    for id in 1..=ACTORS {
        let kind = if id % 5 == 0 {
            "organisation"
        } else {
            "person"
        };
        actors += &format!("{id},\"Actor {id}\",{kind},{}\n", 1 + id % COUNTRIES);
    }
    let mut places = String::from("id,name,parent_id\n");
    for id in 1..=COUNTRIES {
        places += &format!("{id},Country {id},\n");
    }
    for r in 1..=REGIONS {
        let id = COUNTRIES + r;
        places += &format!("{id},Region {r},{}\n", 1 + r % COUNTRIES);
    }
    for c in 1..=CITIES {
        let id = COUNTRIES + REGIONS + c;
        places += &format!("{id},City {c},{}\n", COUNTRIES + 1 + c % REGIONS);
    }
    let mut meeting_rows = String::from("id,date,place_id\n");
    let mut participation = String::from("meeting_id,actor_id\n");
    for id in 1..=meetings {
        let r = random.next();
        let date = format!(
            "{}-{:02}-{:02}",
            2015 + r % 11,
            1 + (r >> 8) % 12,
            1 + (r >> 16) % 28
        );
        let city = COUNTRIES + REGIONS + 1 + (r >> 24) % CITIES;
        meeting_rows += &format!("{id},{date},{city}\n");
        // Distinct actors: offsets 0, 1..=50, 51..=100 and 101..=150 from the first.
        let first = random.next() % ACTORS;
        let count = 2 + random.next() % 3;
        for k in 0..count {
            let offset = if k == 0 {
                0
            } else {
                1 + 50 * (k - 1) + random.next() % 50
            };
            participation += &format!("{id},{}\n", 1 + (first + offset) % ACTORS);
        }
    }
    fs::write(dir.join("actors.csv"), actors).unwrap();
    fs::write(dir.join("places.csv"), places).unwrap();
    fs::write(dir.join("meetings.csv"), meeting_rows).unwrap();
    fs::write(dir.join("participation.csv"), participation).unwrap();
    Stats {
        actors: ACTORS,
        places: COUNTRIES + REGIONS + CITIES,
        meetings,
        ..Stats::default()
    }
}

/// How the kills of one test landed.
#[derive(Default, Debug)]
struct Tally {
    /// Kills after which the database held none of the write.
    none: usize,
    /// Kills after which it held all of it.
    all: usize,
    /// Kills that found the child running (the rest found it ended by itself).
    live: usize,
    /// Kills whose database opening reported as damaged because of a known bug.
    known_bug: usize,
}

/// Kills of `entrevue import` at random moments, and of an importer waiting in the middle of
/// its write or after it: each time the database opens with nothing or everything of the
/// import, and clean indexes.
#[test]
fn sigkill_during_an_import_keeps_all_of_it_or_none() {
    let mut random = Random::new("sigkill_during_an_import_keeps_all_of_it_or_none");
    let data = tempfile::tempdir().unwrap();
    let full = write_dataset(data.path(), 3000);
    let work = tempfile::tempdir().unwrap();
    let mut fresh = 0;
    let mut new_dir = || {
        fresh += 1;
        work.path().join(format!("db{fresh}"))
    };

    // One import run to its end: how long it takes, and what a whole import holds.
    let reference = new_dir();
    let start = Instant::now();
    let status = quiet_import(&reference, data.path()).status().unwrap();
    let length = start.elapsed();
    assert!(status.success());
    let expected = {
        let (db, stats) = open_after_kill(&reference, "the whole import");
        assert_eq!(stats, full);
        assert!(!db.discarded_import());
        dump(&db)
    };
    eprintln!("an uninterrupted import takes {length:?}");

    let mut tally = Tally::default();
    let mut discarded = 0;
    let mut dir = new_dir();
    let mut verify = |dir: &mut PathBuf, what: &str, tally: &mut Tally| -> bool {
        let db = match common::open_waiting(dir) {
            // The window of `a_kill_at_the_end_of_an_import_is_not_reported_as_damage`
            // (ignored until it is fixed): a kill between an import's last two flushes.
            Err(Error::Damaged { what: found, .. })
                if found.contains("counters changed without a commit") =>
            {
                eprintln!("{what}: landed in the known window at the end of an import: {found}");
                tally.known_bug += 1;
                *dir = new_dir();
                return false;
            }
            opened => opened.unwrap_or_else(|e| panic!("{what}: opening fails: {e}")),
        };
        let report = db.check().unwrap();
        assert!(report.is_clean(), "{what}: {report}");
        let stats = db.stats().unwrap();
        let was_discarded = db.discarded_import();
        if stats == Stats::default() {
            tally.none += 1;
            eprintln!("{what}: nothing imported (discarded an unfinished import: {was_discarded})");
        } else {
            assert_eq!(stats, full, "{what}: part of the import is there");
            assert!(!was_discarded, "{what}: discarded an import, yet holds it");
            assert!(dump(&db) == expected, "{what}: the records differ");
            tally.all += 1;
            eprintln!("{what}: all of the import");
        }
        drop(db);
        if stats == Stats::default() {
            // The next import goes into this database, emptied by the discarded import.
            wait_released(dir);
        } else {
            *dir = new_dir();
        }
        was_discarded
    };

    // In the middle of the write: the importer waits at its first progress report, after the
    // loading marker and a first batch of keys reached the store.
    for round in 0..2 {
        let (mut child, mut out) = spawn_importer(&dir, data.path(), Some(1));
        wait_for(&mut out, "@paused");
        assert!(kill(&mut child));
        tally.live += 1;
        let what = format!("kill {round}, in the middle of the write");
        assert!(
            verify(&mut dir, &what, &mut tally),
            "{what}: nothing said the import was discarded"
        );
    }
    assert_eq!(
        tally.none, 2,
        "a kill in the middle of the write kept the import"
    );
    discarded += 2;

    // After the import returned.
    let (mut child, mut out) = spawn_importer(&dir, data.path(), None);
    wait_for(&mut out, "@done");
    assert!(kill(&mut child));
    tally.live += 1;
    assert!(!verify(
        &mut dir,
        "kill 2, after the import returned",
        &mut tally
    ));
    assert_eq!(tally.all, 1, "a kill after the import returned lost it");

    // `entrevue import` at a spread of moments over its length and a little past it; if none
    // found it running, shorter delays until one does.
    let mut delays = spread(&mut random, length.mul_f64(1.3), 7);
    let mut round = 3;
    while let Some(delay) = delays.pop() {
        let mut child = quiet_import(&dir, data.path()).spawn().unwrap();
        std::thread::sleep(delay);
        let live = kill(&mut child);
        tally.live += usize::from(live);
        let what = format!(
            "kill {round}, {delay:?} into `entrevue import`{}",
            if live { "" } else { " (it had ended)" }
        );
        discarded += usize::from(verify(&mut dir, &what, &mut tally));
        round += 1;
        if delays.is_empty() && tally.live == 3 && round < 16 {
            delays.push(delay / 4);
        }
    }
    eprintln!("{tally:?}, {discarded} imports discarded");
    assert!(tally.none >= 1 && tally.all >= 1, "{tally:?}");
    assert!(
        tally.live > 3,
        "no kill found `entrevue import` running: {tally:?}"
    );
}

/// The importer killed in the middle of its write: the next open discards what it wrote and
/// says so; the database is empty, consistent, and takes the import again.
#[test]
fn an_interrupted_import_is_discarded_and_said() {
    let data = tempfile::tempdir().unwrap();
    let full = write_dataset(data.path(), 1500);
    let dir = tempfile::tempdir().unwrap();
    let (mut child, mut out) = spawn_importer(dir.path(), data.path(), Some(1));
    wait_for(&mut out, "@paused");
    assert!(kill(&mut child));
    {
        let (db, stats) = open_after_kill(dir.path(), "after the kill");
        assert!(
            db.discarded_import(),
            "the open did not say it discarded the import"
        );
        assert_eq!(stats, Stats::default());
        db.import_csv(data.path(), &mut |_, _| {}).unwrap();
        assert_eq!(db.stats().unwrap(), full);
        assert!(db.check().unwrap().is_clean());
    }
    // Only the open that found the unfinished import says so.
    let db = common::reopen(dir.path());
    assert!(!db.discarded_import());
    assert_eq!(db.stats().unwrap(), full);
}

/// Writes `rows` GDELT events, each a meeting of its own envoy with one of 100 bankers in
/// Miami, reported by one of 700 articles.
fn write_gdelt(events: &Path, rows: u64) {
    let miami = ("3", "Miami, Florida, United States", "US", "USFL");
    let lines: Vec<String> = (1..=rows)
        .map(|n| {
            common::gdelt(
                n,
                "20251220",
                ("USAGOV", &format!("ENVOY {n}"), "USA"),
                ("RUSBUS", &format!("BANKER {}", n % 100), "RUS"),
                "040",
                miami,
                &format!("https://example.org/{}", n % 700),
            )
        })
        .collect();
    fs::write(events, lines.join("\n") + "\n").unwrap();
}

/// A GDELT import killed while it writes its meetings, past most of its second pass over the
/// file: the next open discards it; the database is empty, consistent, and takes it again.
#[test]
fn an_interrupted_gdelt_import_is_discarded() {
    let data = tempfile::tempdir().unwrap();
    let events = data.path().join("events.tsv");
    let rows = 3000u64;
    write_gdelt(&events, rows);
    let dir = tempfile::tempdir().unwrap();
    // A progress report per line over two passes: this one is late in the second.
    let late = rows * 2 - 100;
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args([
            "--exact",
            "child_process",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DB, dir.path())
        .env(CHILD_DATA, &events)
        .env(CHILD_FORMAT, "gdelt")
        .env(CHILD_PAUSE, late.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = command.spawn().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    wait_for(&mut out, "@paused");
    assert!(kill(&mut child));
    {
        let (db, stats) = open_after_kill(dir.path(), "after the kill");
        assert!(
            db.discarded_import(),
            "the open did not say it discarded the import"
        );
        assert_eq!(stats, Stats::default());
        let report = db.import_file(ImportFormat::Gdelt, &events).unwrap();
        assert_eq!(report.imported[3], rows, "{report}");
        assert!(db.check().unwrap().is_clean());
    }
    let db = common::reopen(dir.path());
    assert!(!db.discarded_import());
    assert_eq!(db.stats().unwrap().meetings, rows);
}

/// Ctrl-C (SIGINT) during a GDELT import from the command line stops it at the next line it
/// reads: it says so, leaves with 130, and the database is empty, with nothing left for the
/// next open to discard. The file is a pipe the test writes into and never closes, so the
/// import cannot end by itself and the signal lands in its middle, whatever the machine's speed.
#[test]
fn ctrl_c_stops_a_gdelt_import_and_keeps_nothing() {
    let data = tempfile::tempdir().unwrap();
    let pipe = data.path().join("events.tsv");
    assert!(Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .unwrap()
        .success());
    let dir = tempfile::tempdir().unwrap();
    let mut child = entrevue()
        .arg("--db")
        .arg(dir.path())
        .args(["import", "--format", "gdelt"])
        .arg(&pipe)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Opening the pipe waits for the import to open it, which it does once signals stop it.
    let mut writer = fs::OpenOptions::new().write(true).open(&pipe).unwrap();
    let miami = ("3", "Miami, Florida, United States", "US", "USFL");
    let event = |n: u64| {
        // Country actors: the first pass writes them, so the load holds records when stopped.
        let line = common::gdelt(
            n,
            "20251220",
            ("USA", "UNITED STATES", "USA"),
            ("RUS", "RUSSIA", "RUS"),
            "040",
            miami,
            &format!("https://example.org/{n}"),
        );
        line + "\n"
    };
    for n in 1..=200 {
        writer.write_all(event(n).as_bytes()).unwrap();
    }
    writer.flush().unwrap();
    let signalled = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(signalled.success());
    // The import sees the signal at the next line it reads: feed lines until it has gone.
    let mut n = 200;
    while child.try_wait().unwrap().is_none() {
        n += 1;
        assert!(n < 200 + 30_000, "the import did not stop after Ctrl-C");
        if writer.write_all(event(n).as_bytes()).is_err() {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    drop(writer);
    let output = child.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "stderr: {said}");
    assert!(said.contains("interrupted"), "stderr: {said}");
    assert!(
        said.contains("nothing of the import was kept"),
        "stderr: {said}"
    );
    wait_released(dir.path());
    let db = common::reopen(dir.path());
    assert!(!db.discarded_import(), "the import was left for the open");
    assert_eq!(db.stats().unwrap(), Stats::default());
    assert!(db.check().unwrap().is_clean());
}

/// The shell opening a database whose import was cut short tells the user it discarded it.
#[test]
fn the_shell_says_an_interrupted_import_was_discarded() {
    let data = tempfile::tempdir().unwrap();
    write_dataset(data.path(), 1500);
    let dir = tempfile::tempdir().unwrap();
    let (mut child, mut out) = spawn_importer(dir.path(), data.path(), Some(1));
    wait_for(&mut out, "@paused");
    assert!(kill(&mut child));
    wait_released(dir.path());
    let output = entrevue()
        .arg("--db")
        .arg(dir.path())
        .args(["-c", ".stats"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stderr).to_lowercase();
    assert!(said.contains("import"), "stderr: {said:?}");
}

/// An import of `data` into a new database in `dir`, run to its end and closed; returns the
/// state file as it was before the import and as the import left it.
fn imported(dir: &Path, data: &Path) -> (Vec<u8>, Vec<u8>) {
    let state = dir.join("entrevue.state");
    let before;
    {
        let db = Database::open(dir).unwrap();
        before = fs::read(&state).unwrap();
        db.import_csv(data, &mut |_, _| {}).unwrap();
    }
    wait_released(dir);
    (before, fs::read(&state).unwrap())
}

/// The `meta` keys of the record counters: `count:` and `next:` with each kind's tag.
fn counter_keys() -> Vec<Vec<u8>> {
    let mut keys = Vec::new();
    for tag in 1..=5u8 {
        for prefix in [&b"count:"[..], b"next:"] {
            let mut key = prefix.to_vec();
            key.push(tag);
            keys.push(key);
        }
    }
    keys
}

/// A kill between the two flushes at the end of an import: the records and the counters are
/// durable, and neither the removal of the loading marker nor the state file after it is. The
/// state file still names the generation and counts from before the import, which the cleared
/// database matches: opening discards the import and says so, instead of reporting damage.
#[test]
fn a_kill_at_the_end_of_an_import_is_not_reported_as_damage() {
    let data = tempfile::tempdir().unwrap();
    let full = write_dataset(data.path(), 200);
    let dir = tempfile::tempdir().unwrap();
    let (before, _) = imported(dir.path(), data.path());
    fs::write(dir.path().join("entrevue.state"), before).unwrap();
    common::raw(dir.path(), |raw| {
        raw.open_tree("meta")
            .unwrap()
            .insert("loading", &[1u8][..])
            .unwrap();
    });
    let (db, stats) = open_after_kill(dir.path(), "a kill before the marker's removal");
    if stats == Stats::default() {
        assert!(
            db.discarded_import(),
            "the import was discarded without a word"
        );
    } else {
        assert_eq!(stats, full);
    }
}

/// A kill while an unfinished import is cleared in place (`bulk::clear`, used where sled's
/// files cannot be swapped for fresh ones): it removes the counters, empties the trees and
/// flushes, and only then removes the loading marker; sled keeps a prefix of those removals.
/// Here the counters and the record trees are gone and the index trees are not, but the
/// marker is still set: the next open discards the import, and the database is clean and
/// takes the import.
#[test]
fn a_kill_while_an_import_is_discarded_leaves_no_stray_records() {
    let data = tempfile::tempdir().unwrap();
    let full = write_dataset(data.path(), 200);
    let dir = tempfile::tempdir().unwrap();
    let (before, _) = imported(dir.path(), data.path());
    // The import died before its first flush saved a state file.
    fs::write(dir.path().join("entrevue.state"), before).unwrap();
    common::raw(dir.path(), |raw| {
        let meta = raw.open_tree("meta").unwrap();
        meta.insert("loading", &[1u8][..]).unwrap();
        for key in counter_keys() {
            meta.remove(key).unwrap();
        }
        for tree in ["actors", "places", "documents", "meetings", "relations"] {
            raw.open_tree(tree).unwrap().clear().unwrap();
        }
    });
    let db = common::open_waiting(dir.path()).unwrap();
    assert!(db.discarded_import());
    let report = db.check().unwrap();
    assert!(report.is_clean(), "{report}");
    db.import_csv(data.path(), &mut |_, _| {}).unwrap();
    assert_eq!(db.stats().unwrap(), full);
}

/// Kills of the open that discards an unfinished import (it swaps sled's files for fresh,
/// empty ones, as a compaction does), at a spread of moments over the open's length: each
/// time the next open finishes the discard, or finds it done, and the database is empty and
/// clean, with nothing of the swap left; at the end it takes the import whole.
#[test]
fn sigkill_during_a_discard_leaves_it_to_the_next_open() {
    let mut random = Random::new("sigkill_during_a_discard_leaves_it_to_the_next_open");
    let data = tempfile::tempdir().unwrap();
    let full = write_dataset(data.path(), 3000);
    let work = tempfile::tempdir().unwrap();
    let killed = work.path().join("killed");
    let (mut child, mut out) = spawn_importer(&killed, data.path(), Some(2));
    wait_for(&mut out, "@paused");
    assert!(kill(&mut child));
    wait_released(&killed);
    let dir = work.path().join("db");
    // The database as the import's kill left it, again.
    let restore = || {
        if dir.exists() {
            fs::remove_dir_all(&dir).unwrap();
        }
        let copied = Command::new("cp")
            .arg("-a")
            .arg(&killed)
            .arg(&dir)
            .status()
            .unwrap();
        assert!(copied.success());
    };
    let discard = || {
        entrevue()
            .arg("--db")
            .arg(&dir)
            .args(["-c", ".stats"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    restore();
    let start = Instant::now();
    assert!(discard().wait().unwrap().success());
    let length = start.elapsed();
    eprintln!("an open that discards the import takes {length:?}");

    let mut live = 0;
    for (round, delay) in spread(&mut random, length.mul_f64(1.2), 12)
        .into_iter()
        .enumerate()
    {
        restore();
        let mut child = discard();
        std::thread::sleep(delay);
        live += usize::from(kill(&mut child));
        let left = compaction_left(&dir);
        let what = format!("kill {round}, {delay:?} into the discarding open, which left {left}");
        eprintln!("{what}");
        {
            let (_, stats) = open_after_kill(&dir, &what);
            assert_eq!(stats, Stats::default(), "{what}");
        }
        assert!(
            !dir.join("compact.new").exists() && !dir.join("compact.swap").exists(),
            "{what}: opening left the swap's files"
        );
        wait_released(&dir);
    }
    assert!(live > 0, "no kill found the discarding open running");
    let db = common::open_waiting(&dir).unwrap();
    db.import_csv(data.path(), &mut |_, _| {}).unwrap();
    assert_eq!(db.stats().unwrap(), full);
    assert!(db.check().unwrap().is_clean());
}

/// A GDELT import of a thousand meetings (a load, written as it goes) interrupted
/// late in its second pass is discarded by the process that ran it: the database is empty
/// and clean, and nothing is left for the next open.
#[test]
fn an_interrupted_load_is_discarded_whole_by_its_own_process() {
    let data = tempfile::tempdir().unwrap();
    let events = data.path().join("events.tsv");
    let rows = 1000u64;
    write_gdelt(&events, rows);
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    let stop = db.interrupt_handle();
    let mut reports = 0;
    let stopped = db.import_file_with_progress(ImportFormat::Gdelt, &events, &mut |_, _| {
        reports += 1;
        // A progress report per line over two passes: this one is late in the second.
        if reports == rows * 2 - 100 {
            stop.interrupt();
        }
    });
    assert!(
        matches!(stopped, Err(Error::Interrupted)),
        "the import was not interrupted: {stopped:?}"
    );
    assert_eq!(db.stats().unwrap(), Stats::default());
    assert!(db.check().unwrap().is_clean());
    drop(db);
    wait_released(dir.path());
    let db = common::reopen(dir.path());
    assert!(
        !db.discarded_import(),
        "the load was left for the next open"
    );
    assert_eq!(db.stats().unwrap(), Stats::default());
}

// ---- 1b. SIGKILL during a compaction ---------------------------------------------------------

/// What a killed compaction left in the database directory, seen before it is opened again.
fn compaction_left(dir: &Path) -> &'static str {
    if dir.join("compact.swap").exists() {
        "committed, the files not all swapped"
    } else if dir.join("compact.new").exists() {
        "a copy under way"
    } else {
        "no trace"
    }
}

/// Kills of `entrevue compact` at a spread of moments over its length: each time the database
/// opens (finishing or undoing the swap), passes the check and holds every record, as dumped
/// before.
#[test]
fn sigkill_during_a_compaction_keeps_the_database_whole() {
    let mut random = Random::new("sigkill_during_a_compaction_keeps_the_database_whole");
    let data = tempfile::tempdir().unwrap();
    // Enough meetings that copying takes most of the command's time, not starting it: a
    // kill must be able to land between the copy's first write and the swap's last step.
    let full = write_dataset(data.path(), 40_000);
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("db");
    let status = quiet_import(&dir, data.path()).status().unwrap();
    assert!(status.success());
    let expected = {
        let (db, stats) = open_after_kill(&dir, "the import");
        assert_eq!(stats, full);
        dump(&db)
    };
    wait_released(&dir);
    let compact = || {
        entrevue()
            .arg("--db")
            .arg(&dir)
            .arg("compact")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    let start = Instant::now();
    assert!(compact().wait().unwrap().success());
    let length = start.elapsed();
    eprintln!("an uninterrupted compaction takes {length:?}");

    let mut midway = 0;
    let mut live = 0;
    let mut delays = spread(&mut random, length.mul_f64(1.2), 8);
    let mut round = 0;
    while let Some(delay) = delays.pop() {
        let mut child = compact();
        std::thread::sleep(delay);
        let was_live = kill(&mut child);
        live += usize::from(was_live);
        let left = compaction_left(&dir);
        midway += usize::from(left != "no trace");
        let what = format!("kill {round}, {delay:?} into `entrevue compact`, which left {left}");
        eprintln!("{what}");
        {
            let (db, stats) = open_after_kill(&dir, &what);
            assert_eq!(stats, full, "{what}");
            assert!(dump(&db) == expected, "{what}: the records differ");
            assert!(!db.discarded_import(), "{what}");
        }
        assert!(
            !dir.join("compact.new").exists() && !dir.join("compact.swap").exists(),
            "{what}: opening left the compaction's files"
        );
        wait_released(&dir);
        round += 1;
        if delays.is_empty() && midway == 0 && round < 24 {
            delays.push(delay / 3);
        }
    }
    assert!(live > 0, "no kill found `entrevue compact` running");
    assert!(midway > 0, "no kill landed in the middle of a compaction");
}

/// A compaction keeps every answer: the dump before and after are the same, the check is
/// clean, and the database takes writes again (which survive a reopen).
#[test]
fn a_compaction_keeps_every_record() {
    let data = tempfile::tempdir().unwrap();
    let full = write_dataset(data.path(), 1500);
    let dir = tempfile::tempdir().unwrap();
    let db = Database::open(dir.path()).unwrap();
    db.import_csv(data.path(), &mut |_, _| {}).unwrap();
    // Writes in transactions after the load, so that sled's files hold rewritten pages.
    db.execute("add actor #late \"Late Comer\" kind person;")
        .unwrap();
    db.execute("set actor #late name \"Late Arrival\";")
        .unwrap();
    let before = dump(&db);
    db.compact().unwrap();
    assert!(dump(&db) == before, "a compaction changed the records");
    let report = db.check().unwrap();
    assert!(report.is_clean(), "{report}");
    db.execute("add actor #after \"After Compaction\" kind person;")
        .unwrap();
    let expected = dump(&db);
    drop(db);
    let db = common::open_waiting(dir.path()).unwrap();
    assert!(dump(&db) == expected, "the reopened database differs");
    assert_eq!(db.stats().unwrap().actors, full.actors + 2);
}

// ---- 2. SIGKILL during a long script --------------------------------------------------------

const SCRIPT_ACTORS: u64 = 100;
const SCRIPT_MEETINGS: u64 = 1400;

fn add_meeting(j: u64) -> String {
    let a = 1 + j % SCRIPT_ACTORS;
    let b = 1 + (j + 1 + j % 97) % SCRIPT_ACTORS;
    format!(
        "add meeting #fm{j} kind talks on 2021-{:02}-{:02} with #fa{a} with #fa{b};\n",
        1 + j % 12,
        1 + j % 28
    )
}

/// Writes `long.ent` (actors, then meetings, `.stats` and `.read /dev/stdin` halfway, then
/// more meetings and `load 'tail.ent';` for the last ones) and `tail.ent`; returns the path of
/// `long.ent`. The script reads its standard input in the middle of its transaction, so a
/// child whose standard input stays open waits there, with half the script's writes pending.
fn write_long_script(dir: &Path) -> PathBuf {
    let mut text = String::new();
    for i in 1..=SCRIPT_ACTORS {
        text += &format!("add actor #fa{i} \"Fault Actor {i}\" kind person;\n");
    }
    let half = SCRIPT_MEETINGS * 2 / 5;
    let tail = SCRIPT_MEETINGS * 4 / 5;
    for j in 1..=half {
        text += &add_meeting(j);
    }
    text += ".stats\n.read /dev/stdin\n";
    for j in half + 1..=tail {
        text += &add_meeting(j);
    }
    text += "load 'tail.ent';\n";
    let mut rest = String::new();
    for j in tail + 1..=SCRIPT_MEETINGS {
        rest += &add_meeting(j);
    }
    fs::write(dir.join("long.ent"), text).unwrap();
    fs::write(dir.join("tail.ent"), rest).unwrap();
    dir.join("long.ent")
}

/// What the child reads from its standard input in the middle of the script.
const RELEASE: &str = "add actor #released \"Released Reader\" kind person;\n";

/// A database with the demo data, written by the binary (so no lock of this process lingers).
fn demo_database(dir: &Path) {
    let status = entrevue()
        .arg("--db")
        .arg(dir)
        .args(["-c", "load demo"])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
}

/// Starts `entrevue run long.ent`; with `release`, its standard input gives the statement the
/// script reads halfway and ends, else it stays open and the script waits there.
fn spawn_script(db: &Path, script: &Path, release: bool) -> Child {
    let mut child = entrevue()
        .arg("--db")
        .arg(db)
        .arg("run")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(if release {
            Stdio::null()
        } else {
            Stdio::piped()
        })
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    if release {
        let mut input = child.stdin.take().unwrap();
        // A child that failed at once is not reading: what it left is checked all the same.
        let _ = input.write_all(RELEASE.as_bytes());
    }
    child
}

/// Kills of `entrevue run` on a script of 1,500 writes in one transaction (with `.read` and
/// `load` inside it): each time the database holds what it held before, or that and every
/// record of the script, and its indexes agree.
#[test]
fn sigkill_during_a_long_script_keeps_all_of_it_or_none() {
    let mut random = Random::new("sigkill_during_a_long_script_keeps_all_of_it_or_none");
    let scripts = tempfile::tempdir().unwrap();
    let script = write_long_script(scripts.path());
    let work = tempfile::tempdir().unwrap();
    let mut fresh = 0;
    let mut new_dir = || {
        fresh += 1;
        let dir = work.path().join(format!("db{fresh}"));
        demo_database(&dir);
        dir
    };

    // The demo database as it is before the script, and one run to the end.
    let reference = new_dir();
    let (base, before) = {
        let (db, stats) = open_after_kill(&reference, "the demo");
        (stats, dump(&db))
    };
    wait_released(&reference);
    let start = Instant::now();
    let mut child = spawn_script(&reference, &script, true);
    let status = child.wait().unwrap();
    let length = start.elapsed();
    assert!(status.success(), "the script fails: {status}");
    let whole = Stats {
        actors: base.actors + SCRIPT_ACTORS + 1,
        meetings: base.meetings + SCRIPT_MEETINGS,
        ..base
    };
    let after = {
        let (db, stats) = open_after_kill(&reference, "the whole script");
        assert_eq!(stats, whole);
        dump(&db)
    };
    eprintln!("an uninterrupted run of the script takes {length:?}");

    let mut tally = Tally::default();
    let mut dir = new_dir();
    let mut verify = |dir: &mut PathBuf, what: &str, tally: &mut Tally| {
        let (db, stats) = open_after_kill(dir, what);
        if stats == base {
            assert!(
                dump(&db) == before,
                "{what}: the records differ from before"
            );
            tally.none += 1;
            eprintln!("{what}: none of the script");
        } else {
            assert_eq!(stats, whole, "{what}: part of the script is there");
            assert!(dump(&db) == after, "{what}: the records differ");
            tally.all += 1;
            eprintln!("{what}: all of the script");
        }
        drop(db);
        if stats == base {
            wait_released(dir);
        } else {
            *dir = new_dir();
        }
    };

    // Waiting halfway through the transaction, half its writes pending.
    for round in 0..2 {
        let mut child = spawn_script(&dir, &script, false);
        let mut out = BufReader::new(child.stdout.take().unwrap());
        wait_for(&mut out, "size on disk");
        assert!(kill(&mut child));
        tally.live += 1;
        verify(&mut dir, &format!("kill {round}, halfway"), &mut tally);
    }
    assert_eq!(
        tally.none, 2,
        "a kill halfway through the script kept some of it"
    );

    // At a spread of moments over the whole run and a little past it; if none left the
    // script's records, or none found the child running, more with longer or shorter delays.
    let mut delays = spread(&mut random, length.mul_f64(1.3), 5);
    let mut round = 2;
    while let Some(delay) = delays.pop() {
        let mut child = spawn_script(&dir, &script, true);
        std::thread::sleep(delay);
        let live = kill(&mut child);
        tally.live += usize::from(live);
        let what = format!(
            "kill {round}, {delay:?} into `entrevue run`{}",
            if live { "" } else { " (it had ended)" }
        );
        verify(&mut dir, &what, &mut tally);
        round += 1;
        if delays.is_empty() && round < 20 {
            if tally.all == 0 {
                delays.push(delay.max(length) * 2);
            } else if tally.live == 2 {
                delays.push(delay / 4);
            }
        }
    }
    eprintln!("{tally:?}");
    assert!(tally.none >= 1 && tally.all >= 1, "{tally:?}");
    assert!(
        tally.live > 2,
        "no kill found `entrevue run` running: {tally:?}"
    );
}

/// Writes `load.ent` (actors and meetings, with `load '/dev/stdin';` after the first half of
/// them) into `dir`; returns its path. Run into a new database, it is a load; a child whose
/// standard input stays open waits in the middle of it.
fn write_load_script(dir: &Path) -> PathBuf {
    let mut text = String::new();
    for i in 1..=SCRIPT_ACTORS {
        text += &format!("add actor #fa{i} \"Fault Actor {i}\" kind person;\n");
    }
    let meetings = SCRIPT_MEETINGS * 3;
    for j in 1..=meetings {
        if j == meetings / 2 {
            text += "load '/dev/stdin';\n";
        }
        text += &add_meeting(j);
    }
    fs::write(dir.join("load.ent"), text).unwrap();
    dir.join("load.ent")
}

/// Kills of `entrevue run` on a script loading a new database: each time it opens empty, or
/// with every record of the script, and its indexes agree.
#[test]
fn sigkill_during_a_load_leaves_the_database_empty_or_whole() {
    let mut random = Random::new("sigkill_during_a_load_leaves_the_database_empty_or_whole");
    let scripts = tempfile::tempdir().unwrap();
    let script = write_load_script(scripts.path());
    let work = tempfile::tempdir().unwrap();
    let mut fresh = 0;
    let mut new_dir = || {
        fresh += 1;
        work.path().join(format!("db{fresh}"))
    };

    // One run to the end.
    let reference = new_dir();
    let start = Instant::now();
    let mut child = spawn_script(&reference, &script, true);
    let status = child.wait().unwrap();
    let length = start.elapsed();
    assert!(status.success(), "the script fails: {status}");
    let whole = Stats {
        actors: SCRIPT_ACTORS + 1,
        meetings: SCRIPT_MEETINGS * 3,
        ..Stats::default()
    };
    let after = {
        let (db, stats) = open_after_kill(&reference, "the whole script");
        assert_eq!(stats, whole);
        dump(&db)
    };
    eprintln!("an uninterrupted load takes {length:?}");

    let mut tally = Tally::default();
    let verify = |dir: &Path, what: &str, tally: &mut Tally| {
        let (db, stats) = open_after_kill(dir, what);
        if stats == Stats::default() {
            assert!(dump(&db).is_empty(), "{what}: records left");
            tally.none += 1;
            eprintln!("{what}: none of the script");
        } else {
            assert_eq!(stats, whole, "{what}: part of the script is there");
            assert!(dump(&db) == after, "{what}: the records differ");
            tally.all += 1;
            eprintln!("{what}: all of the script");
        }
    };

    // Waiting in the middle of the load.
    let dir = new_dir();
    let mut child = spawn_script(&dir, &script, false);
    // The child reads its standard input once the first half is written.
    std::thread::sleep(length / 2);
    assert!(kill(&mut child), "the load ended without its input");
    tally.live += 1;
    verify(&dir, "kill in the middle", &mut tally);
    assert_eq!(
        tally.none, 1,
        "a kill in the middle of the load kept some of it"
    );

    // At a spread of moments over the whole run and a little past it.
    let mut delays = spread(&mut random, length.mul_f64(1.3), 6);
    let mut round = 1;
    while let Some(delay) = delays.pop() {
        let dir = new_dir();
        let mut child = spawn_script(&dir, &script, true);
        std::thread::sleep(delay);
        let live = kill(&mut child);
        tally.live += usize::from(live);
        let what = format!(
            "kill {round}, {delay:?} into `entrevue run`{}",
            if live { "" } else { " (it had ended)" }
        );
        verify(&dir, &what, &mut tally);
        round += 1;
        if delays.is_empty() && round < 20 && tally.all == 0 {
            delays.push(delay.max(length) * 2);
        }
    }
    eprintln!("{tally:?}");
    assert!(tally.none >= 1 && tally.all >= 1, "{tally:?}");
}

// ---- 3. damaged files -----------------------------------------------------------------------

/// A database's records before its files were damaged.
struct Original {
    stats: Stats,
    dump: Vec<String>,
    handles: BTreeMap<&'static str, BTreeSet<String>>,
}

/// A database's records, read before its files are damaged.
fn original(db: &Database) -> Original {
    let original = Original {
        stats: db.stats().unwrap(),
        dump: dump(db),
        handles: handles(db),
    };
    assert!(total(&original.stats) > 0);
    original
}

/// The demo data loaded in one transaction into a database in `dir`, closed: sled has
/// written no snapshot yet (it writes one when it opens a database with a log).
fn build_demo(dir: &Path) -> Original {
    let db = Database::open(dir).unwrap();
    db.execute("load demo;").unwrap();
    let original = original(&db);
    drop(db);
    wait_released(dir);
    original
}

/// The demo data and 300 meetings more, written in 31 transactions, closed.
fn build_larger(dir: &Path) -> Original {
    let db = Database::open(dir).unwrap();
    db.execute("load demo;").unwrap();
    for batch in 0..30 {
        let mut text = String::new();
        for j in batch * 10..batch * 10 + 10 {
            text += &format!(
                "add meeting #dm{j} kind talks on 2024-{:02}-{:02} with Witkoff with Dmitriev;\n",
                1 + j % 12,
                1 + j % 28
            );
        }
        db.execute(&text).unwrap();
    }
    let original = original(&db);
    drop(db);
    wait_released(dir);
    original
}

/// Opens and closes the database in `dir` once more: sled writes a snapshot as it opens.
fn reopened(dir: &Path, original: Original) -> Original {
    drop(common::reopen(dir));
    wait_released(dir);
    assert!(
        fs::read_dir(dir).unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with("snap.")),
        "no snapshot after a reopen"
    );
    original
}

type Build = fn(&Path) -> Original;

/// The databases each kind of damage is done to.
const BUILDS: [(Build, &str); 4] = [
    (build_demo, "the demo"),
    (build_larger, "31 transactions"),
    (|dir| reopened(dir, build_demo(dir)), "the demo, reopened"),
    (
        |dir| reopened(dir, build_larger(dir)),
        "31 transactions, reopened",
    ),
];

fn overwrite(file: &Path, offset: u64, bytes: &[u8]) {
    use std::io::{Seek, SeekFrom};
    let mut f = fs::OpenOptions::new().write(true).open(file).unwrap();
    f.seek(SeekFrom::Start(offset)).unwrap();
    f.write_all(bytes).unwrap();
}

fn truncate(file: &Path, percent: u64) {
    let len = fs::metadata(file).unwrap().len();
    fs::OpenOptions::new()
        .write(true)
        .open(file)
        .unwrap()
        .set_len(len * percent / 100)
        .unwrap();
}

/// Every file under `dir` with its bytes.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut found = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else {
                found.insert(path.clone(), fs::read(&path).unwrap());
            }
        }
    }
    found
}

/// Words that are not ours: sled's and the panic machinery's.
const FOREIGN_WORDS: [&str; 4] = [
    "backtrace",
    "Read corrupted data",
    "file offset",
    "panicked",
];

/// What opening a damaged database did.
#[derive(Debug, PartialEq)]
enum Opened {
    Intact,
    Refused,
    /// Opened, and `check` found the damage.
    ReportedByCheck,
}

/// Opens the damaged database in `dir`: it either gives back every record of `original` with
/// clean indexes, or is refused as damaged in our words; never a panic, never fewer records.
/// When refused, recovery is tried too.
fn open_damaged(dir: &Path, original: &Original, case: &str) -> Opened {
    let opened = catch_unwind(AssertUnwindSafe(|| common::open_waiting(dir)))
        .unwrap_or_else(|_| panic!("{case}: opening panicked"));
    match opened {
        Ok(db) => {
            let stats = db.stats().unwrap();
            assert_eq!(
                stats, original.stats,
                "{case}: the database opened holding other records than it had"
            );
            // Sled reads pages lazily: damage it finds only when `check` reads every record
            // is reported then, in our words, and is as good as a refusal.
            let report = match db.check() {
                Ok(report) => report,
                Err(e) => {
                    assert!(matches!(e, Error::Corrupt(_)), "{case}: {e:?}");
                    let message = e.to_string();
                    for word in FOREIGN_WORDS {
                        assert!(!message.contains(word), "{case}: '{word}' in {message}");
                    }
                    eprintln!("{case}: opened, and `check` reported: {message}");
                    drop(db);
                    recover(dir, original, case);
                    return Opened::ReportedByCheck;
                }
            };
            assert!(report.is_clean(), "{case}: opened, but {report}");
            assert!(
                dump(&db) == original.dump,
                "{case}: opened, but the records differ"
            );
            eprintln!("{case}: opens with every record");
            Opened::Intact
        }
        Err(e) => {
            let message = e.to_string();
            assert!(
                matches!(
                    e,
                    Error::Damaged { .. } | Error::Corrupt(_) | Error::Invalid(_)
                ),
                "{case}: {e:?}"
            );
            assert!(message.contains("damaged"), "{case}: {message}");
            for word in FOREIGN_WORDS {
                assert!(!message.contains(word), "{case}: '{word}' in {message}");
            }
            eprintln!("{case}: refused: {message}");
            recover(dir, original, case);
            Opened::Refused
        }
    }
}

/// Recovers the damaged database in `dir`: a report or an error, never a panic; the damaged
/// files are left as they are; a recovered database holds only records that were there, and
/// its indexes agree with them.
fn recover(dir: &Path, original: &Original, case: &str) {
    let before = files(dir);
    let target = tempfile::tempdir().unwrap();
    let new = target.path().join("recovered");
    let result = catch_unwind(AssertUnwindSafe(|| Database::recover(dir, &new)))
        .unwrap_or_else(|_| panic!("{case}: recovery panicked"));
    assert!(
        files(dir) == before,
        "{case}: recovery changed the damaged files"
    );
    match result {
        Ok(report) => {
            eprintln!("{case}: recovered: {report}");
            let db = common::open_waiting(&new)
                .unwrap_or_else(|e| panic!("{case}: the recovered database does not open: {e}"));
            let check = db.check().unwrap();
            assert!(check.is_clean(), "{case}: recovered, but {check}");
            let stats = db.stats().unwrap();
            assert_eq!(
                [
                    stats.actors,
                    stats.places,
                    stats.documents,
                    stats.meetings,
                    stats.relations
                ],
                report.copied,
                "{case}: the report says other counts than the copy holds"
            );
            for (kind, found) in handles(&db) {
                let extra: Vec<_> = found.difference(&original.handles[kind]).collect();
                assert!(
                    extra.is_empty(),
                    "{case}: recovered {kind}s that were not there: {extra:?}"
                );
            }
        }
        Err(e) => {
            let message = e.to_string();
            for word in FOREIGN_WORDS {
                assert!(!message.contains(word), "{case}: '{word}' in {message}");
            }
            eprintln!("{case}: recovery failed: {message}");
        }
    }
}

/// 64 bytes overwritten near the start of the log of a database written in one transaction,
/// before sled took any snapshot: sled would keep what precedes the damage — nothing — and
/// open as an empty database.
#[test]
fn damage_before_the_first_snapshot_is_reported_not_an_empty_database() {
    let dir = tempfile::tempdir().unwrap();
    let original = build_demo(dir.path());
    overwrite(&dir.path().join("db"), 2000, &[0xa5; 64]);
    open_damaged(dir.path(), &original, "64 bytes at offset 2000");
    // Asking again gives the same answer: the refused open changed nothing.
    open_damaged(
        dir.path(),
        &original,
        "64 bytes at offset 2000, opened again",
    );
}

#[test]
fn a_truncated_file_is_reported_not_panicked_on() {
    for percent in [90, 50] {
        for (build, name) in BUILDS {
            let dir = tempfile::tempdir().unwrap();
            let original = build(dir.path());
            truncate(&dir.path().join("db"), percent);
            open_damaged(
                dir.path(),
                &original,
                &format!("{name}, db cut to {percent} %"),
            );
        }
    }
}

#[test]
fn damage_is_reported_in_our_own_words() {
    for (build, name) in BUILDS {
        let dir = tempfile::tempdir().unwrap();
        let original = build(dir.path());
        let db_file = dir.path().join("db");
        let middle = fs::metadata(&db_file).unwrap().len() / 2;
        overwrite(&db_file, middle, &[0x5a; 64]);
        overwrite(&db_file, 2000, &[0xa5; 64]);
        let case = format!("{name}, 64 bytes at offset 2000 and {middle}");
        let opened = open_damaged(dir.path(), &original, &case);
        wait_released(dir.path());
        // The shell says it in the same words, on standard error, and fails.
        let output = entrevue()
            .arg("--db")
            .arg(dir.path())
            .args(["-c", "who met Witkoff"])
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&output.stderr);
        for word in FOREIGN_WORDS {
            assert!(
                !said.contains(word),
                "{case}: the shell said '{word}': {said}"
            );
        }
        match opened {
            Opened::Refused => {
                assert!(!output.status.success(), "{case}: the shell succeeded");
                assert!(said.contains("is damaged"), "{case}: the shell said {said}");
            }
            Opened::Intact => assert!(output.status.success(), "{case}: {said}"),
            // A question may or may not read the damaged page; either way in our words.
            Opened::ReportedByCheck => {}
        }
    }
}

#[test]
fn damage_in_the_middle_of_the_log_is_reported_or_not_missed() {
    for (build, name) in BUILDS {
        let dir = tempfile::tempdir().unwrap();
        let original = build(dir.path());
        let db_file = dir.path().join("db");
        let middle = fs::metadata(&db_file).unwrap().len() / 2;
        overwrite(&db_file, middle, &[0xa5; 64]);
        let case = format!("{name}, 64 bytes at offset {middle}");
        open_damaged(dir.path(), &original, &case);
    }
}

#[test]
fn deleted_snapshots_are_reported_or_not_missed() {
    // Only a database opened again has a snapshot.
    for (build, name) in &BUILDS[2..] {
        let dir = tempfile::tempdir().unwrap();
        let original = build(dir.path());
        let mut deleted = 0;
        for entry in fs::read_dir(dir.path()).unwrap() {
            let entry = entry.unwrap();
            if entry.file_name().to_string_lossy().starts_with("snap.") {
                fs::remove_file(entry.path()).unwrap();
                deleted += 1;
            }
        }
        assert!(deleted > 0, "{name}: no snapshot to delete");
        let case = format!("{name}, {deleted} snapshot file(s) deleted");
        open_damaged(dir.path(), &original, &case);
    }
}

#[test]
fn an_emptied_conf_is_reported_or_not_missed() {
    for (build, name) in BUILDS {
        let dir = tempfile::tempdir().unwrap();
        let original = build(dir.path());
        fs::write(dir.path().join("conf"), b"").unwrap();
        open_damaged(dir.path(), &original, &format!("{name}, conf emptied"));
    }
}

/// A snapshot sled began and never finished (the process died, the disk was full) is removed
/// on open, and the database opens whole.
#[test]
fn a_half_written_snapshot_does_not_block_opening() {
    let dir = tempfile::tempdir().unwrap();
    let original = build_larger(dir.path());
    let leftover = dir.path().join("snap.00000000000FFFFF.generating");
    fs::write(&leftover, b"").unwrap();
    assert_eq!(
        open_damaged(dir.path(), &original, "a 0-byte half-written snapshot"),
        Opened::Intact
    );
    assert!(!leftover.exists(), "opening left the half-written snapshot");
    // And again, through the shell.
    fs::write(&leftover, b"").unwrap();
    wait_released(dir.path());
    let output = entrevue()
        .arg("--db")
        .arg(dir.path())
        .args(["-c", ".check"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!leftover.exists());
}

// ---- 14. paths that are not databases -------------------------------------------------------

#[test]
fn opening_a_file_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("notes.txt");
    fs::write(&file, "not a database").unwrap();
    let err = Database::open(&file)
        .err()
        .expect("a file opened as a database");
    assert!(matches!(err, Error::Invalid(_)), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains(&file.display().to_string()) && message.contains("is a file"),
        "{message}"
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), "not a database");
    // The shell says the same.
    let output = entrevue()
        .arg("--db")
        .arg(&file)
        .args(["-c", ".stats"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains(&file.display().to_string()), "{said}");
    assert_eq!(fs::read_to_string(&file).unwrap(), "not a database");
}

#[test]
fn a_directory_of_other_files_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("thesis.tex"), "\\chapter{One}").unwrap();
    fs::create_dir(dir.path().join("figures")).unwrap();
    fs::write(dir.path().join("figures").join("map.svg"), "<svg/>").unwrap();
    let before = files(dir.path());
    let names = |d: &Path| -> BTreeSet<_> {
        fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect()
    };
    let listed = names(dir.path());
    let err = Database::open(dir.path())
        .err()
        .expect("a folder of other files opened as a database");
    assert!(matches!(err, Error::Invalid(_)), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains(&dir.path().display().to_string()) && message.contains("other files"),
        "{message}"
    );
    assert!(files(dir.path()) == before, "the folder's files changed");
    assert_eq!(
        names(dir.path()),
        listed,
        "opening left files in the folder"
    );
    let output = entrevue()
        .arg("--db")
        .arg(dir.path())
        .args(["-c", ".stats"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        files(dir.path()) == before,
        "the shell changed the folder's files"
    );
    assert_eq!(
        names(dir.path()),
        listed,
        "the shell left files in the folder"
    );
}

/// A database whose directory cannot be written (run as root, permissions are not enforced
/// and the test has nothing to check).
#[test]
fn a_read_only_database_directory_is_named() {
    use std::os::unix::fs::PermissionsExt;
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("db");
    build_demo(&dir);
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o555)).unwrap();
    // Root writes in a read-only directory anyway: then there is nothing to see.
    let probe = dir.join("probe");
    let privileged = fs::write(&probe, b"").is_ok();
    let result = if privileged {
        fs::remove_file(&probe).unwrap();
        eprintln!("running with privileges that ignore permissions: nothing to check");
        None
    } else {
        Some(catch_unwind(AssertUnwindSafe(|| {
            Database::open(&dir).map(|_| ())
        })))
    };
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    if let Some(result) = result {
        let err = result
            .expect("opening a read-only database panicked")
            .expect_err("a database in a read-only directory opened");
        let message = err.to_string();
        assert!(message.contains(&dir.display().to_string()), "{message}");
        for word in FOREIGN_WORDS {
            assert!(!message.contains(word), "'{word}' in {message}");
        }
    }
}
