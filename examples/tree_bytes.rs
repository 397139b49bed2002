//! What the bytes of a database are: per sled tree, its keys and the bytes of its keys and
//! values as stored (after Entrevue's own compression), beside the size of sled's files.
//!
//! `cargo run --example tree_bytes -- DBDIR [MEETINGS]` — the database must not be open
//! elsewhere; with MEETINGS, each tree's bytes per meeting too. Then the keys of the `terms`
//! tree by what they are (a posting of a quote or of a record's own text, a count) and
//! language, from the key layout of ARCHITECTURE.md.

use std::collections::BTreeMap;
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let dir = Path::new(args.get(1).ok_or("give the database's directory")?);
    let meetings: Option<f64> = args.get(2).map(|m| m.parse()).transpose()?;
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
    terms_by_kind(&db.open_tree("terms")?)
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
