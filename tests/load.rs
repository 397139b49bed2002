//! A script that writes into a database that has never held a record runs as a load: its
//! writes go to the store as they are made, in bounded memory. It must stay what a script is:
//! all of it or nothing (a failure near the end leaves the database empty, the error located
//! where it was), reads during it seeing everything written so far, and the same database in
//! the end as a script run in one transaction gives.

mod common;

use common::dump;

use entrevue::{Database, Error, Rows, ScriptOptions, Stats};

/// The statements of `db`'s dump./// A database that is empty but has held a record: a script writes into it in one
/// transaction, not as a load.
fn emptied() -> Database {
    let db = Database::temporary().unwrap();
    db.execute("add actor #gone 'Gone' kind person;").unwrap();
    db.execute("delete actor #gone;").unwrap();
    assert_eq!(db.stats().unwrap(), Stats::default());
    db
}

/// Runs `text` as one script named `big.ent`; returns the rows of each statement.
fn run(db: &Database, text: &str) -> Result<Vec<Rows>, Error> {
    let options = ScriptOptions {
        source: Some("big.ent".into()),
        ..ScriptOptions::default()
    };
    let mut all = Vec::new();
    db.run_script(text, &options, &mut |result| {
        if let Ok(rows) = result {
            all.push(rows);
        }
    })?;
    Ok(all)
}

const ACTORS: usize = 1500;
const MEETINGS: usize = 3500;

/// Actors, then meetings of two or three of them, one statement a line.
fn large_script() -> String {
    let mut text = String::new();
    for i in 1..=ACTORS {
        text += &format!("add actor #a{i} 'Actor {i}' kind person;\n");
    }
    for j in 1..=MEETINGS {
        let (a, b, c) = (
            1 + j % ACTORS,
            1 + (j * 7 + 3) % ACTORS,
            1 + (j * 13 + 5) % ACTORS,
        );
        let third = if j % 3 == 0 && c != a && c != b {
            format!(" with #a{c}")
        } else {
            String::new()
        };
        text += &format!(
            "add meeting #m{j} kind talks on 2021-{:02}-{:02} with #a{a} with #a{b}{third};\n",
            1 + j % 12,
            1 + j % 28
        );
    }
    text
}

#[test]
fn a_failing_statement_near_the_end_of_a_load_leaves_the_database_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db");
    let script = large_script();
    let bad = "add actor #late 'Late' kind persn;\n";
    let text = format!("{script}{bad}add actor #after 'After' kind person;\n");
    // The bad statement is on the line after the large script's, its kind at the column just
    // past `… kind `.
    let line = script.lines().count() + 1;
    let column = bad.find("persn").unwrap() + 1;
    {
        let db = Database::open(&path).unwrap();
        let error = run(&db, &text).unwrap_err().to_string();
        assert!(
            error.starts_with(&format!(
                "big.ent:{line}:{column}: 'persn' is not an actor kind"
            )),
            "{error}"
        );
        assert!(
            error.contains(&format!("\n  {}", bad.trim_end())),
            "{error}"
        );
        assert_eq!(db.stats().unwrap(), Stats::default());
        assert!(dump(&db).is_empty());
        assert!(db.check().unwrap().is_clean());
    }
    // Empty when opened again too, and still a database a load can fill.
    let db = common::open_waiting(&path).unwrap();
    assert_eq!(db.stats().unwrap(), Stats::default());
    run(&db, &script).unwrap();
    let stats = db.stats().unwrap();
    assert_eq!(
        (stats.actors, stats.meetings),
        (ACTORS as u64, MEETINGS as u64)
    );
    assert!(db.check().unwrap().is_clean());
}

#[test]
fn a_syntax_error_near_the_end_runs_nothing_and_is_located() {
    let db = Database::temporary().unwrap();
    let script = large_script();
    let text = format!("{script}add actor #x 'X' kind person\nadd actor #y 'Y' kind person;\n");
    let error = run(&db, &text).unwrap_err().to_string();
    // The second `add` of the last two lines is where a `;` was expected.
    let line = script.lines().count() + 2;
    assert!(
        error.starts_with(&format!("big.ent:{line}:1: expected ")),
        "{error}"
    );
    assert!(error.contains("found `add`"), "{error}");
    assert_eq!(db.stats().unwrap(), Stats::default());
}

#[test]
fn a_dump_run_into_an_empty_database_dumps_the_same() {
    let demo = Database::temporary().unwrap();
    demo.execute("load demo;").unwrap();
    let original = dump(&demo);
    let text = original.join("\n");
    // Loaded, and written in one transaction: the same records either way.
    for (db, how) in [
        (Database::temporary().unwrap(), "loaded"),
        (emptied(), "in a transaction"),
    ] {
        run(&db, &text).unwrap();
        assert_eq!(db.stats().unwrap(), demo.stats().unwrap(), "{how}");
        assert!(dump(&db) == original, "{how}: the dump differs");
        assert!(db.check().unwrap().is_clean(), "{how}");
    }
}

#[test]
fn reads_and_changes_during_a_load_see_everything_written_so_far() {
    let mut text = large_script();
    text += "meetings with #a2 return meeting, date order by meeting;\n";
    text += "who met #a2 return handle, meetings order by handle;\n";
    text += "set meeting #m1 on 2020-05-05 status planned;\n";
    text += "delete meeting #m2;\n";
    text += "add meeting #late kind call on 2019-01-01 with #a2 with #a9;\n";
    text += "meetings with #a2 return meeting, date, status order by meeting;\n";
    text += "delete actor #a1500;\n";
    text += "add actor #new 'New' kind person;\n";
    text += "meetings during 2021-03 return meeting order by meeting limit 20;\n";
    let loaded = Database::temporary().unwrap();
    let in_transaction = emptied();
    let rows_loaded = run(&loaded, &text);
    let rows_in_transaction = run(&in_transaction, &text);
    // `#a1500` takes part in meetings: its delete is refused, and the whole script undone.
    let error = rows_loaded.unwrap_err().to_string();
    assert!(error.contains("#a1500"), "{error}");
    assert_eq!(error, rows_in_transaction.unwrap_err().to_string());
    assert_eq!(loaded.stats().unwrap(), Stats::default());

    let text = text.replace("delete actor #a1500;\n", "");
    let rows_loaded = run(&loaded, &text).unwrap();
    let rows_in_transaction = run(&in_transaction, &text).unwrap();
    let questions = |rows: &[Rows]| -> Vec<Rows> {
        rows.iter()
            .filter(|r| !r.columns.is_empty())
            .cloned()
            .collect()
    };
    let asked = questions(&rows_loaded);
    assert_eq!(asked.len(), 4);
    assert!(asked.iter().all(|r| !r.rows.is_empty()));
    assert_eq!(asked, questions(&rows_in_transaction));
    assert!(dump(&loaded) == dump(&in_transaction));
    assert!(loaded.check().unwrap().is_clean());
}
