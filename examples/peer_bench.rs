//! The Entrevue side of the actor-meeting benchmark in `../shared/bench` (its README is the
//! contract): import the CSVs into a fresh database (timed), reopen it, answer Q1–Q6 through
//! the query language, and write the results file.
//!
//! `cargo run --release --example peer_bench -- --data DIR --db DBPATH --out OUTFILE [--reuse]`
//! (`--reuse`: ask a database left by an earlier run again instead of loading DBPATH anew).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use entrevue::{Database, Error, Rows};
use serde_json::{json, Value};
use sha1::{Digest, Sha1};

fn arg(name: &str) -> PathBuf {
    let args: Vec<String> = std::env::args().collect();
    let at = args
        .iter()
        .position(|a| a == name)
        .unwrap_or_else(|| panic!("missing {name}"));
    PathBuf::from(&args[at + 1])
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

/// The contract's canonical rows: values joined with `|`, sorted.
fn canon(rows: &[Vec<String>]) -> Vec<String> {
    let mut lines: Vec<String> = rows.iter().map(|r| r.join("|")).collect();
    lines.sort();
    lines
}

fn digest(rows: &[Vec<String>]) -> String {
    let hash = Sha1::digest(canon(rows).join("\n").as_bytes());
    hash.iter().map(|b| format!("{b:02x}")).collect::<String>()[..12].to_string()
}

/// Picks columns of the language's rows, as text.
fn pick(rows: &Rows, columns: &[&str]) -> Vec<Vec<String>> {
    let at: Vec<usize> = columns
        .iter()
        .map(|c| rows.column(c).unwrap_or_else(|| panic!("no column {c}")))
        .collect();
    rows.rows
        .iter()
        .map(|r| at.iter().map(|&i| r[i].to_string()).collect())
        .collect()
}

/// One question: its text and how its rows become canonical ones.
struct Question {
    text: String,
    columns: &'static [&'static str],
    /// For Q4: the answer is the number of hops, when at most this many.
    hops_within: Option<usize>,
}

impl Question {
    /// The language's answer, as the client holds it: what the timings cover, as the peers'
    /// cover their fetched rows.
    fn fetch(&self, db: &Database) -> Result<Rows, Error> {
        db.query(&self.text)
    }

    /// The answer in the harness's canonical shape.
    fn canonical(&self, rows: &Rows) -> Vec<Vec<String>> {
        match self.hops_within {
            Some(max) if !rows.is_empty() && rows.len() <= max => {
                vec![vec![rows.len().to_string()]]
            }
            Some(_) => Vec::new(),
            None => pick(rows, self.columns),
        }
    }

    fn run(&self, db: &Database) -> Result<Vec<Vec<String>>, Error> {
        Ok(self.canonical(&self.fetch(db)?))
    }
}

fn q1(x: &Value) -> Question {
    Question {
        text: format!("who met #{x} return id, meetings"),
        columns: &["id", "meetings"],
        hops_within: None,
    }
}

fn q2(x: &Value, y: &Value) -> Question {
    Question {
        text: format!("meetings with #{x} and #{y} return id, date, place"),
        columns: &["id", "date", "place"],
        hops_within: None,
    }
}

/// Runs `f` with a watchdog that interrupts the database after `cap`.
fn capped<T>(db: &Database, cap: Duration, f: impl FnOnce() -> T) -> T {
    let handle = db.interrupt_handle();
    let (done, wait) = std::sync::mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        if wait.recv_timeout(cap).is_err() {
            handle.interrupt();
        }
    });
    let out = f();
    let _ = done.send(());
    let _ = watchdog.join();
    out
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// The contract's timing of one metric: a warm-up, then 5, 3 or 1 timed runs.
fn measure(db: &Database, question: &Question, cap_s: u64) -> Value {
    let cap = Duration::from_secs(cap_s);
    let start = Instant::now();
    let warm = capped(db, cap, || question.fetch(db));
    let warm_time = start.elapsed();
    let rows = match warm {
        Ok(rows) => question.canonical(&rows),
        Err(Error::At { error, .. }) if matches!(*error, Error::Interrupted) => {
            return json!({"status": "timeout", "cap_s": cap_s})
        }
        Err(e) => return json!({"status": "error", "error": e.to_string()}),
    };
    let runs = if warm_time < Duration::from_secs(3) {
        5
    } else if warm_time < Duration::from_secs(20) {
        3
    } else {
        1
    };
    let mut all = Vec::new();
    let mut last = Vec::new();
    for _ in 0..runs {
        let start = Instant::now();
        let fetched = question.fetch(db);
        all.push(ms(start.elapsed()));
        last = fetched.map(|r| question.canonical(&r)).unwrap_or_default();
    }
    json!({
        "status": "ok", "median_ms": median(&all), "runs": runs, "all_ms": all,
        "rows": rows.len(), "digest": digest(&rows), "warmup_ms": ms(warm_time),
        "stable": digest(&last) == digest(&rows),
    })
}

fn main() {
    let (data, db_path, out) = (arg("--data"), arg("--db"), arg("--out"));
    let params: Value =
        serde_json::from_str(&std::fs::read_to_string(data.join("params.json")).unwrap()).unwrap();

    // `--reuse`: a database kept by an earlier run (`bench.py run --keep-db`) is asked again
    // without loading it anew; the results then hold no load time, and the dataset's counts
    // are those of the CSVs' parameters.
    let reuse = std::env::args().any(|a| a == "--reuse") && db_path.exists();
    let (load_s, dataset) = if reuse {
        let dataset = json!({"n_actors": params["n_actors"], "n_meetings": params["n_meetings"],
                             "n_participation": params["n_participation"]});
        (None, dataset)
    } else {
        let start = Instant::now();
        let db = Database::open(&db_path).unwrap();
        let report = db.import_csv(&data, &mut |_, _| {}).unwrap();
        db.flush().unwrap();
        let load_s = start.elapsed().as_secs_f64();
        let dataset = json!({"n_actors": report.actors, "n_meetings": report.meetings,
                             "n_participation": report.participations});
        (Some((load_s * 1000.0).round() / 1000.0), dataset)
    };
    let size_bytes = dir_size(&db_path);
    let db = Database::open(&db_path).unwrap();

    let q4 = &params["q4"];
    let (from, to) = (
        params["q3"]["from"].as_str().unwrap(),
        params["q3"]["to"].as_str().unwrap(),
    );
    // The contract's range is half-open: the last day is the day before `to`.
    let to_day = to
        .parse::<jiff::civil::Date>()
        .unwrap()
        .yesterday()
        .unwrap();
    let mut metrics = serde_json::Map::new();
    let questions: Vec<(&str, Question, u64)> = vec![
        ("q1_high", q1(&params["x_high"]), 300),
        ("q1_low", q1(&params["x_low"]), 300),
        (
            "q2_hub",
            q2(&params["q2_hub"][0], &params["q2_hub"][1]),
            300,
        ),
        (
            "q2_low",
            q2(&params["q2_low"][0], &params["q2_low"][1]),
            300,
        ),
        (
            "q3",
            Question {
                text: format!(
                    "meetings in #{} between {from} and {to_day} return id, date, place",
                    params["q3"]["country"]
                ),
                columns: &["id", "date", "place"],
                hops_within: None,
            },
            300,
        ),
        (
            "q4",
            Question {
                text: format!("path from #{} to #{}", q4["x"], q4["y"]),
                columns: &[],
                hops_within: Some(4),
            },
            60,
        ),
        (
            "q5",
            Question {
                text: format!(
                    "who met #{} return id, meetings order by meetings desc, id limit 10",
                    params["q5_x"]
                ),
                columns: &["id", "meetings"],
                hops_within: None,
            },
            300,
        ),
    ];
    for (name, question, cap) in &questions {
        eprintln!("{name}: {}", question.text);
        metrics.insert(name.to_string(), measure(&db, question, *cap));
    }

    // Q6: the mixed batch, answered in order, one query at a time.
    let batch: Vec<Question> = params["q6"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| match item[0].as_str() {
            Some("q1") => q1(&item[1]),
            _ => q2(&item[1], &item[2]),
        })
        .collect();
    for question in batch.iter().take(100) {
        let _ = question.run(&db);
    }
    let mut all_ms = Vec::new();
    let mut batch_digest = String::new();
    for _ in 0..3 {
        let start = Instant::now();
        let mut hash = Sha1::new();
        for question in &batch {
            let rows = question.run(&db).unwrap_or_default();
            hash.update(canon(&rows).join("\n").as_bytes());
            hash.update(b"\n#\n");
        }
        let took = start.elapsed();
        all_ms.push(ms(took));
        batch_digest = hash
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()[..12]
            .to_string();
        if took > Duration::from_secs(30) {
            break;
        }
    }
    let median_ms = median(&all_ms);
    metrics.insert(
        "q6".into(),
        json!({"status": "ok", "median_ms": median_ms, "runs": all_ms.len(), "all_ms": all_ms,
               "rows": batch.len(), "qps": batch.len() as f64 / (median_ms / 1000.0), "digest": batch_digest}),
    );

    let git = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    let size = data
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("unknown")
        .to_string();
    let results = json!({
        "engine": "entrevue",
        "version": format!("{} (git {git})", env!("CARGO_PKG_VERSION")),
        "size": size,
        "notes": "sled trees: records by id, handles, folded names, chunked posting lists (actor/place/date -> meetings in date order, each entry with the meeting's date, place and, in actor lists, its participants); import: entrevue's bulk CSV path (sorted 1,000-key batches); questions in the language, unprepared, each returning only the columns the harness reads (import keeps CSV ids as record ids): q1 'who met #X return id, meetings', q2 'meetings with #X and #Y return id, date, place', q3 'meetings in #C between A and B return id, date, place' (place tree), q4 'path from #X to #Y' (bidirectional BFS, hops = rows, none beyond 4), q5 'who met #X return id, meetings order by meetings desc, id limit 10', q6 the q1/q2 batch",
        "dataset": dataset,
        "load_s": load_s,
        "size_bytes": size_bytes,
        "metrics": metrics,
    });
    std::fs::write(&out, serde_json::to_string_pretty(&results).unwrap()).unwrap();
}
