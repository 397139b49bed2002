//! Helpers shared by several test files: reopening a database closed a moment ago, and
//! finding the seed articles beside the clone.
//!
//! sled lets go of its file lock only when a closed database's background work ends, so an
//! immediate reopen can find it still locked on a loaded machine. These wait up to 2 s.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use entrevue::{Database, Error, Rows, Value};

const TRIES: usize = 40;
const PAUSE: Duration = Duration::from_millis(50);

/// Opens a database closed a moment ago.
#[allow(dead_code)]
pub fn reopen(dir: &Path) -> Database {
    open_waiting(dir).unwrap()
}

/// Opens a database closed a moment ago, with whatever else opening it says.
#[allow(dead_code)]
pub fn open_waiting(dir: &Path) -> Result<Database, Error> {
    for _ in 0..TRIES {
        match Database::open(dir) {
            Err(Error::Locked { .. }) => std::thread::sleep(PAUSE),
            other => return other,
        }
    }
    Database::open(dir)
}

/// Runs `f` on the raw sled database under an Entrevue database closed a moment ago, then
/// flushes it: for damaging or rewinding what Entrevue wrote.
#[allow(dead_code)]
pub fn raw(dir: &Path, f: impl FnOnce(&sled::Db)) {
    let mut tries = 0;
    let db = loop {
        match sled::open(dir) {
            Ok(db) => break db,
            Err(e) if tries < TRIES => {
                tries += 1;
                eprintln!("retrying after: {e}");
                std::thread::sleep(PAUSE);
            }
            Err(e) => panic!("cannot open the closed database: {e}"),
        }
    };
    f(&db);
    db.flush().unwrap();
}

/// The entries of a table kept in entry pages (`handles`, `names`, `refs`, `terms`), read
/// from the raw tree, changed by `f`, and written back as one page: a decoder and an encoder
/// of the documented page layout (ARCHITECTURE.md, "entry pages") written apart from the one
/// in the library.
#[allow(dead_code)]
pub fn edit_entries(
    tree: &sled::Tree,
    f: impl FnOnce(&mut std::collections::BTreeMap<Vec<u8>, Vec<u8>>),
) {
    fn varint(bytes: &[u8], at: &mut usize) -> usize {
        let mut n = 0;
        for shift in (0..).step_by(7) {
            let byte = bytes[*at];
            *at += 1;
            n |= usize::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return n;
            }
        }
        unreachable!()
    }
    fn put(out: &mut Vec<u8>, mut n: usize) {
        while n >= 0x80 {
            out.push(n as u8 | 0x80);
            n >>= 7;
        }
        out.push(n as u8);
    }
    let mut entries = std::collections::BTreeMap::new();
    for page in tree.iter() {
        let (page_key, page) = page.unwrap();
        assert_eq!(page[0], 1, "page version");
        let mut at = 1;
        let mut key: Vec<u8> = Vec::new();
        for _ in 0..varint(&page, &mut at) {
            let shared = varint(&page, &mut at);
            let length = varint(&page, &mut at);
            key.truncate(shared);
            key.extend_from_slice(&page[at..at + length]);
            at += length;
            let length = varint(&page, &mut at);
            entries.insert(key.clone(), page[at..at + length].to_vec());
            at += length;
        }
        assert_eq!(at, page.len(), "the page ends after its entries");
        assert_eq!(key, page_key.to_vec(), "a page is keyed by its last entry");
    }
    f(&mut entries);
    tree.clear().unwrap();
    let Some(last) = entries.keys().next_back().cloned() else {
        return;
    };
    let mut page = vec![1u8];
    put(&mut page, entries.len());
    let mut before: &[u8] = &[];
    for (key, value) in &entries {
        let shared = before.iter().zip(key).take_while(|(a, b)| a == b).count();
        put(&mut page, shared);
        put(&mut page, key.len() - shared);
        page.extend_from_slice(&key[shared..]);
        put(&mut page, value.len());
        page.extend_from_slice(value);
        before = key;
    }
    tree.insert(last, page).unwrap();
}

/// The seed articles' folder, or `None` when `../shared` is not beside this clone: then the
/// check named `check` says in the test output that it was skipped, and passes.
#[allow(dead_code)]
pub fn seeds_dir(check: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    if dir.is_dir() {
        return Some(dir);
    }
    // Straight to the process's standard error: the test harness captures `eprintln!` of a
    // passing test, and this line must be seen.
    let _ = writeln!(
        std::io::stderr(),
        "skipped: {check}: it needs the seed articles in {}, which is not there",
        dir.display()
    );
    None
}

/// The statements of `db`'s dump, in order.
#[allow(dead_code)]
pub fn dump(db: &Database) -> Vec<String> {
    let rows = db.query("dump").expect("dump runs");
    assert_eq!(rows.columns, ["statement"]);
    rows.rows
        .iter()
        .map(|row| match &row[..] {
            [Value::Text(s)] => s.clone(),
            other => panic!("a dump row is one statement, got {other:?}"),
        })
        .collect()
}

/// A fresh temporary database with the demo dataset loaded.
#[allow(dead_code)]
pub fn demo() -> Database {
    let db = Database::temporary().expect("a temporary database");
    db.execute("load demo;")
        .unwrap_or_else(|e| panic!("load demo failed:\n{e}"));
    db
}

/// A value as a table shows it (a missing one as "—").
#[allow(dead_code)]
pub fn cell(value: &Value) -> String {
    match value {
        Value::Null => "—".to_string(),
        other => other.to_string(),
    }
}

/// The chosen columns of every row, joined with " | ".
#[allow(dead_code)]
pub fn render(rows: &Rows, columns: &[&str]) -> Vec<String> {
    let positions: Vec<usize> = columns
        .iter()
        .map(|c| {
            rows.column(c)
                .unwrap_or_else(|| panic!("no column '{c}' in {:?}", rows.columns))
        })
        .collect();
    rows.rows
        .iter()
        .map(|row| {
            let cells: Vec<String> = positions.iter().map(|&i| cell(&row[i])).collect();
            cells.join(" | ")
        })
        .collect()
}

/// One GDELT 2.0 event line (61 tab-separated columns) with the fields the import reads.
#[allow(clippy::too_many_arguments, dead_code)]
pub fn gdelt(
    id: u64,
    day: &str,
    actor1: (&str, &str, &str),
    actor2: (&str, &str, &str),
    code: &str,
    place: (&str, &str, &str, &str),
    url: &str,
) -> String {
    let mut f = vec![String::new(); 61];
    f[0] = id.to_string();
    f[1] = day.to_string();
    f[2] = day.get(..6).unwrap_or("").to_string();
    f[3] = day.get(..4).unwrap_or("").to_string();
    (f[5], f[6], f[7]) = (actor1.0.into(), actor1.1.into(), actor1.2.into());
    (f[15], f[16], f[17]) = (actor2.0.into(), actor2.1.into(), actor2.2.into());
    f[26] = code.to_string();
    f[27] = code.to_string();
    f[28] = code.get(..2).unwrap_or("").to_string();
    (f[51], f[52], f[53], f[54]) = (
        place.0.into(),
        place.1.into(),
        place.2.into(),
        place.3.into(),
    );
    f[59] = format!("{day}120000");
    f[60] = url.to_string();
    f.join("\t")
}
