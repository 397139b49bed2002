//! Inputs the fuzzers found, kept as ordinary tests (see fuzz/README.md).

use entrevue::script::count_steps;
use entrevue::{Database, ScriptOptions};

/// A `;` with nothing before it is no statement, whether the script is parsed whole or run
/// statement by statement: both count the same statements.
#[test]
fn an_empty_statement_counts_the_same_statement_by_statement() {
    let db = Database::temporary().unwrap();
    db.execute("load demo;").unwrap();
    let text = ";\nwho met Dmitriev; ;; -- nothing\n;";
    let whole = entrevue::syntax::parse(text).unwrap().len();
    assert_eq!(whole, 1);
    assert_eq!(count_steps(text, false), whole);
    for keep_going in [false, true] {
        let options = ScriptOptions {
            keep_going,
            ..ScriptOptions::default()
        };
        let mut answers = 0;
        let report = db
            .run_script(text, &options, &mut |result| {
                assert!(result.is_ok());
                answers += 1;
            })
            .unwrap();
        assert_eq!(report.statements, whole, "keep_going {keep_going}");
        assert_eq!(report.failed, 0);
        assert_eq!(answers, whole);
    }
}
