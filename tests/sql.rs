//! `Database::sql`: the SQL text of question forms on the demo data. These check what the
//! text must say (the ids the names bind to, the filters, the dialect's words); that the
//! queries give Entrevue's answers is checked by running them, with DuckDB and Spark, in
//! `scripts/check-sql.py` (run by `.ci/run`).

mod common;

use common::demo;
use std::collections::BTreeSet;

use entrevue::{Database, Dialect, Error, Place};

fn sql(db: &Database, question: &str) -> String {
    db.sql(question, Dialect::DuckDb).unwrap()
}

#[test]
fn the_header_names_the_question_on_one_line() {
    let db = demo();
    let text = sql(&db, "who met\n  Witkoff");
    assert!(text.starts_with("-- Entrevue: who met Witkoff\n"), "{text}");
}

#[test]
fn names_become_the_ids_the_binder_finds() {
    let db = demo();
    let witkoff = db.resolve_actor("Witkoff").unwrap().get();
    let text = sql(&db, "who met Zelensky"); // another actor: its id, not Witkoff's
    assert!(!text.contains(&format!("actor = {witkoff})")), "{text}");
    let text = sql(&db, "who met Witkoff");
    assert!(
        text.contains(&format!(
            "m.id IN (SELECT meeting FROM participation WHERE actor = {witkoff})"
        )),
        "{text}"
    );
    assert!(text.contains(&format!(
        "me.actor = {witkoff} AND me.certainty = 'confirmed'"
    )));
}

#[test]
fn what_counts_follows_the_status_filters() {
    let db = demo();
    let plain = sql(&db, "who met Witkoff");
    assert!(plain.contains("m.status IN ('occurred')"), "{plain}");
    let widened = sql(&db, "who met Witkoff including planned");
    assert!(
        widened.contains("m.status IN ('occurred', 'planned')"),
        "{widened}"
    );
    // Widening lets participants of any certainty count.
    assert!(!widened.contains("certainty = 'confirmed'"), "{widened}");
    let all = sql(&db, "who met Witkoff including all");
    assert!(!all.contains("m.status IN"), "{all}");
}

#[test]
fn dates_filter_on_whole_spans() {
    let db = demo();
    let text = sql(&db, "meetings in Florida during 2025-12");
    assert!(
        text.contains("m.first_day >= DATE '2025-12-01' AND m.last_day <= DATE '2025-12-31'"),
        "{text}"
    );
}

/// The places inside Florida, walked from the records' parents.
fn inside(db: &Database, name: &str) -> BTreeSet<u64> {
    let top = db.resolve_place(name).unwrap();
    let mut found = BTreeSet::new();
    let stats = db.stats().unwrap();
    for id in 1..=stats.places + 64 {
        let mut at = Some(entrevue::Id::<Place>::new(id));
        while let Some(place) = at {
            if place == top {
                found.insert(id);
                break;
            }
            at = db.get(place).unwrap().and_then(|p| p.parent);
        }
    }
    found
}

#[test]
fn places_inside_are_a_recursive_cte_in_duckdb_and_a_list_in_spark() {
    let db = demo();
    let florida = db.resolve_place("Florida").unwrap().get();
    let duck = sql(&db, "meetings in Florida");
    assert!(duck.contains("WITH RECURSIVE\n"), "{duck}");
    assert!(duck.contains(&format!("SELECT id FROM places WHERE id = {florida}\n")));
    let spark = db.sql("meetings in Florida", Dialect::Spark).unwrap();
    assert!(!spark.contains("RECURSIVE"), "{spark}");
    let ids: Vec<String> = inside(&db, "Florida")
        .iter()
        .map(|id| id.to_string())
        .collect();
    assert!(ids.len() > 1, "Florida has places inside it in the demo");
    assert!(
        spark.contains(&format!("m.place IN ({})", ids.join(", "))),
        "{spark}"
    );
}

#[test]
fn each_dialect_has_its_quotes_and_its_ordered_aggregate() {
    let db = demo();
    let duck = sql(&db, "meetings with Umerov");
    assert!(duck.contains("c5 AS \"participants\""), "{duck}");
    assert!(duck.contains("'; ' ORDER BY p.position)"), "{duck}");
    let spark = db.sql("meetings with Umerov", Dialect::Spark).unwrap();
    assert!(spark.contains("c5 AS `participants`"), "{spark}");
    assert!(
        spark.contains("WITHIN GROUP (ORDER BY p.position)"),
        "{spark}"
    );
}

#[test]
fn return_order_and_limit_shape_the_outer_select() {
    let db = demo();
    let text = sql(
        &db,
        "who met Witkoff return id, meetings order by meetings desc, id limit 10",
    );
    let tail: Vec<&str> = text.lines().rev().take(4).collect();
    assert_eq!(tail[0], "LIMIT 10");
    assert_eq!(
        tail[1],
        "ORDER BY c1 IS NULL, c1 DESC, c0 IS NULL, c0 ASC, t0"
    );
    assert_eq!(tail[2], "FROM answer");
    assert_eq!(tail[3], "SELECT c0 AS \"id\", c1 AS \"meetings\"");
    // Only the columns asked for are worked out: no names, no lists.
    assert!(!text.contains("actors a"), "{text}");
}

#[test]
fn a_path_searches_level_by_level_up_to_the_hop_limit() {
    let db = demo();
    let plain = sql(&db, "path from Bessent to Zelensky");
    assert!(plain.contains("reach6 AS ("), "{plain}");
    assert!(!plain.contains("reach7"), "{plain}");
    // Each level is read once, by the next (or, the last, by the steps): an engine that
    // copies a CTE into every reference would otherwise plan exponentially many copies.
    for k in 0..=6 {
        let reads = plain.matches(&format!("FROM reach{k} ")).count();
        assert_eq!(reads, 1, "reach{k} is read {reads} times: {plain}");
    }
    // What `path` counts by default is what the bundle's `met` table holds.
    assert!(
        plain.contains("SELECT src, dst, meeting FROM met"),
        "{plain}"
    );
    assert!(plain.contains("-- One shortest chain"), "{plain}");
    let widened = sql(&db, "path from Bessent to Zelensky including all");
    assert!(!widened.contains("FROM met"), "{widened}");
    assert!(widened.contains("JOIN participation b ON b.meeting = m.id"));
}

#[test]
fn forms_sql_cannot_express_are_refused_with_the_reason() {
    let db = demo();
    for question in [
        "who is Oumerov",
        "where is Florida",
        "reported by #d001",
        "disputes",
        "quotes matching \"Miami\"",
        "meetings with Umerov as of 2025-12-01",
        "meetings with Umerov according to #d001",
        "path from Bessent to Zelensky in time order",
    ] {
        match db.sql(question, Dialect::DuckDb) {
            Err(Error::Invalid(message)) => {
                assert!(message.contains("cannot be written as SQL"), "{message}")
            }
            other => panic!("{question}: {other:?}"),
        }
    }
}

#[test]
fn only_one_question_is_written() {
    let db = demo();
    assert!(matches!(
        db.sql("who met Witkoff; who met Putin", Dialect::DuckDb),
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        db.sql("who met Nobodyknown", Dialect::DuckDb),
        Err(Error::NotFound { .. }) | Err(Error::At { .. })
    ));
    assert!(Dialect::from_word("postgres").is_err());
    assert_eq!(Dialect::from_word("Spark").unwrap(), Dialect::Spark);
}
