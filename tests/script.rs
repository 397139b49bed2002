//! Scripts with directive lines, through the library: the handler is handed each directive in
//! order, inside the script's own transaction, sees the script's writes so far, and a failure
//! anywhere undoes everything; files read by a directive nest as `load` does; a file that is
//! not a script is said to be none.

use entrevue::script::{read_script, Directed, Here, ScriptHandler};
use entrevue::{Database, Error, RecordKind, Rows, ScriptOptions};

/// Notes every result and directive, and the number of actors each directive sees.
#[derive(Default)]
struct Recorder {
    seen: Vec<String>,
}

impl ScriptHandler for Recorder {
    fn result(&mut self, result: Result<Rows, &Error>) {
        self.seen.push(format!("result ok={}", result.is_ok()));
    }

    fn directive_writes(&self, line: &str) -> bool {
        line.starts_with(".read")
    }

    fn directive(&mut self, line: &str, here: &Here<'_>) -> entrevue::Result<Directed> {
        let actors = here.count(RecordKind::Actor)?;
        self.seen.push(format!("{line} actors={actors}"));
        let words: Vec<&str> = line.split_whitespace().collect();
        Ok(match words[..] {
            [".stop"] => Directed::Stop,
            [".read", file] => Directed::Read(file.to_string()),
            _ => Directed::Continue,
        })
    }
}

fn actors(db: &Database) -> u64 {
    db.stats().unwrap().actors
}

#[test]
fn directives_run_in_order_inside_the_script_transaction() {
    let db = Database::temporary().unwrap();
    let mut recorder = Recorder::default();
    let text =
        "add actor A kind person;\n.count\nadd actor B kind person;\n.count\nwho met Nobody;\n";
    let result = db.run_script_with(text, &ScriptOptions::default(), &mut recorder);
    let error = result.unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("5:9: no actor named 'Nobody'"),
        "{error}"
    );
    assert_eq!(
        recorder.seen,
        [
            "result ok=true",
            ".count actors=1",
            "result ok=true",
            ".count actors=2"
        ]
    );
    assert_eq!(actors(&db), 0, "the failure undid the writes before it");
}

#[test]
fn a_directive_that_fails_undoes_the_script() {
    struct Refuser;
    impl ScriptHandler for Refuser {
        fn result(&mut self, _: Result<Rows, &Error>) {}
        fn directive(&mut self, _: &str, _: &Here<'_>) -> entrevue::Result<Directed> {
            Err(Error::Invalid("no such command".into()))
        }
    }
    let db = Database::temporary().unwrap();
    let text = "add actor A kind person;\n.nope\n";
    let error = db
        .run_script_with(text, &ScriptOptions::default(), &mut Refuser)
        .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("2:1: no such command\n  .nope\n  ^"),
        "{error}"
    );
    assert_eq!(actors(&db), 0);
}

#[test]
fn a_directive_can_stop_the_script_and_keep_what_came_before() {
    let db = Database::temporary().unwrap();
    let mut recorder = Recorder::default();
    let text = "add actor A kind person;\n.stop\nadd actor B kind person;\n";
    let report = db
        .run_script_with(text, &ScriptOptions::default(), &mut recorder)
        .unwrap();
    assert_eq!(report.stopped_at, Some(text.find("add actor B").unwrap()));
    assert_eq!(actors(&db), 1);
}

#[test]
fn without_a_handler_a_dot_line_is_a_syntax_error() {
    let db = Database::temporary().unwrap();
    assert!(db.execute("add actor A kind person;\n.count\n").is_err());
    assert_eq!(actors(&db), 0);
}

#[test]
fn a_file_read_by_a_directive_nests_like_load_and_keeps_nothing_on_failure() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    std::fs::write(
        dir.path().join("sub/loop.ent"),
        "add actor Loop kind person;\n.read loop.ent\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("sub/one.ent"), ".count\n").unwrap();
    let db = Database::temporary().unwrap();
    let options = ScriptOptions {
        base_dir: Some(dir.path().to_path_buf()),
        ..ScriptOptions::default()
    };
    // Relative to the reading script's folder: sub/one.ent, not one.ent.
    let mut recorder = Recorder::default();
    db.run_script_with(
        "add actor A kind person;\n.read sub/one.ent\n",
        &options,
        &mut recorder,
    )
    .unwrap();
    assert_eq!(
        recorder.seen[1..],
        [".read sub/one.ent actors=1", ".count actors=1"]
    );
    let error = db
        .run_script_with(".read sub/loop.ent\n", &options, &mut Recorder::default())
        .unwrap_err();
    assert!(
        error.to_string().contains("scripts nest deeper than 16"),
        "{error}"
    );
    assert_eq!(actors(&db), 1, "none of the 16 nested writes was kept");
}

#[test]
fn a_file_that_is_not_a_script_is_not_shown() {
    let dir = tempfile::tempdir().unwrap();
    let passwd = dir.path().join("passwd");
    std::fs::write(&passwd, "root:x:0:0:hunter2:/root:/bin/bash\n").unwrap();
    let text = read_script(&passwd).unwrap();
    let name = passwd.display().to_string();
    let options = ScriptOptions {
        source: Some(name.clone()),
        from_file: true,
        ..ScriptOptions::default()
    };
    let error = db_error(&text, &options);
    assert_eq!(
        error,
        format!("'{name}' is not an Entrevue script: line 1:1: expected a statement")
    );
    // A first statement that starts well but goes wrong: what was expected, not what was found.
    let error = db_error("who met\n  -- hunter2\n  hunter2 hunter2 ,", &options);
    assert!(
        error.starts_with(&format!(
            "'{name}' is not an Entrevue script: line 3:19: expected a name, `in`"
        )),
        "{error}"
    );
    assert!(
        error.ends_with("or `;`") && !error.contains("hunter2"),
        "{error}"
    );
    // From standard input or -c, a mistake is shown with its line, as always.
    let error = db_error(&text, &ScriptOptions::default());
    assert!(error.contains("root:x:0:0"), "{error}");

    for (bytes, why) in [
        (&b"who met X;\0"[..], "it contains NUL bytes"),
        (&b"who met Andr\xe9;"[..], "it is not UTF-8 text"),
    ] {
        std::fs::write(&passwd, bytes).unwrap();
        assert_eq!(
            read_script(&passwd).unwrap_err().to_string(),
            format!("'{name}' is not an Entrevue script: {why}")
        );
    }
}

fn db_error(text: &str, options: &ScriptOptions) -> String {
    let db = Database::temporary().unwrap();
    db.run_script(text, options, &mut |_| {})
        .unwrap_err()
        .to_string()
}

#[test]
fn keep_going_parses_each_statement_when_its_turn_comes() {
    let db = Database::temporary().unwrap();
    let mut recorder = Recorder::default();
    let options = ScriptOptions {
        keep_going: true,
        source: Some("typo.ent".into()),
        ..ScriptOptions::default()
    };
    let text = "add actor A kind person;\n.count\n\n  who mett X; add actor 'B;' kind person;\n.count\nadd actor C kind persn;\nadd actor";
    let errors = std::cell::RefCell::new(Vec::new());
    struct Errors<'a>(&'a mut Recorder, &'a std::cell::RefCell<Vec<String>>);
    impl ScriptHandler for Errors<'_> {
        fn result(&mut self, result: Result<Rows, &Error>) {
            if let Err(e) = &result {
                self.1.borrow_mut().push(e.to_string());
            }
            self.0.result(result);
        }
        fn directive(&mut self, line: &str, here: &Here<'_>) -> entrevue::Result<Directed> {
            self.0.directive(line, here)
        }
    }
    let report = db
        .run_script_with(text, &options, &mut Errors(&mut recorder, &errors))
        .unwrap();
    assert_eq!(report.failed, 3);
    assert_eq!(
        recorder.seen,
        [
            "result ok=true",
            ".count actors=1",
            "result ok=false",
            "result ok=true",
            ".count actors=2",
            "result ok=false",
            "result ok=false",
        ]
    );
    let errors = errors.into_inner();
    // Each located in the whole script, the caret under the spot.
    assert!(
        errors[0].starts_with("typo.ent:4:7: expected `met`"),
        "{errors:?}"
    );
    assert!(
        errors[0].contains("\n    who mett X; add actor 'B;' kind person;\n        ^"),
        "{errors:?}"
    );
    assert!(
        errors[1].starts_with("typo.ent:6:18: 'persn' is not an actor kind"),
        "{errors:?}"
    );
    assert!(errors[2].starts_with("typo.ent:7:10: "), "{errors:?}");
    assert_eq!(actors(&db), 2);
}

/// A handler that may not write, as one answering on behalf of another process.
struct ReadOnly(Recorder);

impl ScriptHandler for ReadOnly {
    fn result(&mut self, result: Result<Rows, &Error>) {
        self.0.result(result);
    }

    fn directive_writes(&self, line: &str) -> bool {
        self.0.directive_writes(line)
    }

    fn refuses_writes(&self) -> Option<String> {
        Some("writes are not taken here".into())
    }

    fn directive(&mut self, line: &str, here: &Here<'_>) -> entrevue::Result<Directed> {
        self.0.directive(line, here)
    }
}

#[test]
fn a_handler_that_refuses_writes_refuses_a_script_that_writes_whole() {
    let db = Database::temporary().unwrap();
    db.execute("add actor A kind person;").unwrap();
    let text = "who is A;\n.count\nadd actor B kind person;\n";
    let mut handler = ReadOnly(Recorder::default());
    let error = db
        .run_script_with(text, &ScriptOptions::default(), &mut handler)
        .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("3:1: writes are not taken here"),
        "{error}"
    );
    assert!(
        handler.0.seen.is_empty(),
        "nothing ran: {:?}",
        handler.0.seen
    );
    // A directive that may write is refused as a write statement is.
    let error = db
        .run_script_with(
            "who is A;\n.read other.ent\n",
            &ScriptOptions::default(),
            &mut handler,
        )
        .unwrap_err();
    assert!(error
        .to_string()
        .starts_with("2:1: writes are not taken here"));
    // Statement by statement, the write fails on its own and the rest runs.
    let options = ScriptOptions {
        keep_going: true,
        ..ScriptOptions::default()
    };
    let report = db.run_script_with(text, &options, &mut handler).unwrap();
    assert_eq!(report.failed, 1);
    assert_eq!(
        handler.0.seen,
        ["result ok=true", ".count actors=1", "result ok=false"]
    );
    // A script that only reads runs.
    handler.0.seen.clear();
    let report = db
        .run_script_with(
            "who is A;\n.count\n",
            &ScriptOptions::default(),
            &mut handler,
        )
        .unwrap();
    assert_eq!(report.failed, 0);
    assert_eq!(handler.0.seen, ["result ok=true", ".count actors=1"]);
    assert_eq!(actors(&db), 1);
}

#[test]
fn statements_past_the_first_few_hundred_run_as_written_between_directives() {
    // A survey keeps the trees of the first statements for the run and parses the rest again:
    // each statement must run once, in order, whichever way it came.
    let db = Database::temporary().unwrap();
    let mut recorder = Recorder::default();
    let mut text = String::new();
    for block in 0..6 {
        for i in 0..100 {
            text.push_str(&format!("add actor \"A{block}-{i}\" kind person; "));
        }
        text.push_str("\n.count\n");
    }
    text.push_str("who is \"A5-99\";\n");
    db.run_script_with(&text, &ScriptOptions::default(), &mut recorder)
        .unwrap();
    let counts: Vec<&String> = recorder
        .seen
        .iter()
        .filter(|s| s.starts_with(".count"))
        .collect();
    let expected: Vec<String> = (1..=6)
        .map(|block| format!(".count actors={}", block * 100))
        .collect();
    assert_eq!(counts, expected.iter().collect::<Vec<_>>());
    assert_eq!(actors(&db), 600);
    assert_eq!(
        recorder
            .seen
            .iter()
            .filter(|s| *s == "result ok=true")
            .count(),
        601
    );
}
