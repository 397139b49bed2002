//! What the bytes of a database are: per sled tree, its keys and the bytes of its keys and
//! values as stored (after Entrevue's own compression), beside the size of sled's files.
//!
//! `cargo run --example tree_bytes -- DBDIR [MEETINGS] [--alone]` — the database must not be
//! open elsewhere; with MEETINGS, each tree's bytes per meeting too. Then the keys of the
//! `terms` tree by what they are (a posting of a quote or of a record's own text, a count) and
//! language, from the key layout of ARCHITECTURE.md. With `--alone`, each tree is also copied
//! by itself into a fresh sled directory (key order, batches of 1,000, then a flush, as a
//! compaction writes) and the size of sled's files is given beside its keys and values: what
//! sled costs per tree.

use std::collections::BTreeMap;
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let dir = Path::new(args.get(1).ok_or("give the database's directory")?);
    let alone = args.iter().any(|a| a == "--alone");
    let meetings: Option<f64> = args
        .get(2)
        .filter(|a| *a != "--alone")
        .map(|m| m.parse())
        .transpose()?;
    let db = sled::Config::new().path(dir).open()?;
    let on_disk = db.size_on_disk()?;
    println!("| tree | keys | key bytes | value bytes | bytes per meeting |");
    println!("|---|---:|---:|---:|---:|");
    let (mut all_keys, mut all_bytes) = (0u64, 0u64);
    for name in db.tree_names() {
        let tree = db.open_tree(&name)?;
        let (mut keys, mut key_bytes, mut value_bytes) = (0u64, 0u64, 0u64);
        for entry in tree.iter() {
            let (k, v) = entry?;
            keys += 1;
            key_bytes += k.len() as u64;
            value_bytes += v.len() as u64;
        }
        if keys == 0 {
            continue;
        }
        let per = meetings.map_or(String::new(), |m| {
            format!("{:.1}", (key_bytes + value_bytes) as f64 / m)
        });
        let name = String::from_utf8_lossy(&name);
        println!("| {name} | {keys} | {key_bytes} | {value_bytes} | {per} |");
        all_keys += keys;
        all_bytes += key_bytes + value_bytes;
    }
    println!("| all | {all_keys} | {all_bytes} (keys and values) | | |");
    println!(
        "sled's files: {on_disk} bytes ({:.1} MiB)",
        on_disk as f64 / 1048576.0
    );
    terms_by_kind(&db.open_tree("terms")?)?;
    if alone {
        each_tree_alone(&db)?;
    }
    Ok(())
}

/// Copies each tree by itself into a fresh sled directory and prints what its files take.
fn each_tree_alone(db: &sled::Db) -> Result<(), Box<dyn std::error::Error>> {
    println!();
    println!("| tree, copied alone | keys | keys and values | sled's files | files ÷ data |");
    println!("|---|---:|---:|---:|---:|");
    for name in db.tree_names() {
        let from = db.open_tree(&name)?;
        let scratch = tempfile::tempdir()?;
        let (mut keys, mut bytes) = (0u64, 0u64);
        {
            let fresh = sled::Config::new().path(scratch.path()).open()?;
            let to = fresh.open_tree(&name)?;
            let mut batch = sled::Batch::default();
            let mut held = 0;
            for entry in from.iter() {
                let (k, v) = entry?;
                keys += 1;
                bytes += (k.len() + v.len()) as u64;
                batch.insert(k, v);
                held += 1;
                if held == 1000 {
                    to.apply_batch(std::mem::take(&mut batch))?;
                    held = 0;
                }
            }
            to.apply_batch(batch)?;
            fresh.flush()?;
        }
        if keys == 0 {
            continue;
        }
        // sled's threads may still be writing for a moment after the last handle is gone.
        std::thread::sleep(std::time::Duration::from_millis(500));
        let files = directory_bytes(scratch.path())?;
        let name = String::from_utf8_lossy(&name);
        println!(
            "| {name} | {keys} | {bytes} | {files} | {:.2} |",
            files as f64 / bytes as f64
        );
    }
    Ok(())
}

fn directory_bytes(dir: &Path) -> std::io::Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        total += match meta.is_dir() {
            true => directory_bytes(&entry.path())?,
            false => meta.len(),
        };
    }
    Ok(total)
}

/// Counts the `terms` keys and their bytes by what each is: `0x01, language, stem, 0x00, tag,
/// id: u64, part: u32` a posting (part 0 a record's own text, a title or a summary; part n the
/// quote of its n-th source), `0x02, language, stem` a count, `0x00 …` a total.
fn terms_by_kind(terms: &sled::Tree) -> Result<(), Box<dyn std::error::Error>> {
    let mut groups: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for entry in terms.iter() {
        let (k, v) = entry?;
        let language = match k.get(1) {
            Some(1) => "French",
            Some(2) => "English",
            _ => "",
        };
        let what = match k.first() {
            Some(1) if k.ends_with(&[0, 0, 0, 0]) => format!("{language} postings of own texts"),
            Some(1) => format!("{language} postings of quotes"),
            Some(2) => format!("{language} counts"),
            _ => "totals".to_string(),
        };
        let group = groups.entry(what).or_default();
        group.0 += 1;
        group.1 += (k.len() + v.len()) as u64;
    }
    println!();
    println!("| `terms` keys | keys | key and value bytes |");
    println!("|---|---:|---:|");
    for (what, (keys, bytes)) in groups {
        println!("| {what} | {keys} | {bytes} |");
    }
    Ok(())
}
