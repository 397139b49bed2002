//! The query language on a small hand-built world: every question form, its filters, name
//! resolution, writes and `explain`, each answer checked row for row.
//!
//! The world (built with the language itself, below):
//!
//! ```text
//! places   Arland (country) ⊃ North Province (region) ⊃ Portsea (city) ⊃ Harbour Hall (site)
//!                                                      ⊃ Lakeside (city)
//!                           ⊃ South Province (region) ⊃ Sunville (city)
//!          Belmar (country) ⊃ Belmar City (city)
//!          Cordia (country)
//! sides    Arland: Ann Archer, Dee Dale, Pia Park, Sol Sun
//!          Belmar: Bo Berg, Eli Eck, Quin Quay
//!          Cordia: Cy Cole, Fay Fox, Rex Roe          (Cy and Fay are both aka "Doc")
//!          none:   Gus Gray, Hal Hart
//!
//! m01 talks   2025-03-10             Harbour Hall   occurred   Ann(A, lead) Bo(B) Dee(A)
//! m02 call    2025-03                Portsea        occurred   Ann(A) Cy(?)
//! m03 meeting 2025-03-30..2025-04-02 North Province occurred   Ann(A) Bo(B) Eli(B)
//! m04 visit   ~2025-05               Belmar City    occurred   Ann(?, guest) Gus(?)
//! m05 summit  2025                   Arland         occurred   Ann(A) Dee(A) Eli(B, expected)
//! m06 talks   (undated)              (nowhere)      occurred   Ann(A) Cy(C)
//! m07 talks   2025-06-15             Sunville       planned    Ann(A) Fay(C, possible)
//! m08 talks   2025-07-01             Lakeside       possible   Ann(A) Bo(B)
//! m09 talks   2025-08-01             Belmar City    ruled_out  Ann(A) Cy(C)
//! m10 talks   2025-09-01             (nowhere)      cancelled  Ann(A) Eli(B)
//! m12 talks   2025-02-01             (nowhere)      occurred   Pia(A) Quin(B)
//! m13 talks   2025-02-02             Cordia         occurred   Quin(B) Rex(C)
//! m14 talks   2025-02-03             (nowhere)      occurred   Rex(C) Sol(A)
//! m15 talks   2025-02-04             (nowhere)      occurred   Pia(A) Sol(A)
//! m16 talks   2025-02-05             (nowhere)      planned    Pia(A) Rex(C)
//! ```

use entrevue::query::MemoryCatalog;
use entrevue::{Actor, ActorKind, Database, Error, Meeting, Rows, Status, Value};

const WORLD: &str = r#"
add document #d1 title "Gazette report on the harbour talks" outlet "Gazette" language en published 2025-03-11;
add document #d2 title "Courier preview" outlet "Courier" published 2025-03;
add document #d3 title "Anonymous note";

add place #pa "Arland" kind country;
add place #north "North Province" kind region in #pa aka "Nordprovinz";
add place #port "Portsea" kind city in #north;
add place #hall "Harbour Hall" kind site in #port;
add place #lake "Lakeside" kind city in #north;
add place #south "South Province" kind region in #pa;
add place #sun "Sunville" kind city in #south;
add place #pb "Belmar" kind country;
add place #bcity "Belmar City" kind city in #pb;
add place #pc "Cordia" kind country;

add actor #arland "Arland" kind country;
add actor #belmar "Belmar" kind country;
add actor #cordia "Cordia" kind country;
add actor #a-arch "Ann Archer" kind person aka "Anne Arché", "Анна Арчер" affiliation #arland
  title "envoy" during 2025 title "negotiator";
add actor #bo "Bo Berg" affiliation #belmar;
add actor #cy "Cy Cole" aka "Doc" affiliation #cordia;
add actor #dee "Dee Dale" affiliation #arland;
add actor #eli "Eli Eck" affiliation #belmar;
add actor #fay "Fay Fox" aka "Doc" affiliation #cordia;
add actor #gus "Gus Gray";
add actor #hal "Hal Hart";
add actor #pia "Pia Park" affiliation #arland;
add actor #quin "Quin Quay" affiliation #belmar;
add actor #rex "Rex Roe" affiliation #cordia;
add actor #sol "Sol Sun" affiliation #arland;

add relation #r1 #a-arch advisor_of #dee during 2025 source #d1 "Archer advises Dale";
add relation #r2 "Gus Gray" mentor_of "Ann Archer";

add meeting #m01 kind talks on 2025-03-10 in "Harbour Hall" status occurred
  with "Ann Archer" side Arland role lead
  with "Bo Berg" side Belmar
  with "Dee Dale" side Arland
  summary "Harbour talks"
  source #d1 "Archer and Berg met at Harbour Hall"
  source #d2 "A meeting is planned for March" says planned 2025-03;
add meeting #m02 kind call on 2025-03 in Portsea status occurred
  with "Ann Archer" side Arland
  with "Cy Cole";
add meeting #m03 kind meeting on 2025-03-30..2025-04-02 in "North Province" status occurred
  with "Ann Archer" side Arland
  with "Bo Berg" side Belmar
  with "Eli Eck" side Belmar
  source #d1 "the talks ran into April" says 2025-04;
add meeting #m04 kind visit on ~2025-05 in "Belmar City" status occurred
  with "Ann Archer" role guest
  with "Gus Gray"
  source #d3 "seen together";
add meeting #m05 kind summit on 2025 in #pa status occurred
  with "Ann Archer" side Arland
  with "Dee Dale" side Arland
  with "Eli Eck" side Belmar certainty expected;
add meeting #m06 kind talks status occurred
  with "Ann Archer" side Arland
  with "Cy Cole" side Cordia;
add meeting #m07 kind talks on 2025-06-15 in Sunville status planned
  with "Ann Archer" side Arland
  with "Fay Fox" side Cordia certainty possible
  source #d2 "a meeting might follow" says possible;
add meeting #m08 kind talks on 2025-07-01 in Lakeside status possible
  with "Ann Archer" side Arland with "Bo Berg" side Belmar;
add meeting #m09 kind talks on 2025-08-01 in "Belmar City" status ruled_out
  with "Ann Archer" side Arland with "Cy Cole" side Cordia;
add meeting #m10 kind talks on 2025-09-01 status cancelled
  with "Ann Archer" side Arland with "Eli Eck" side Belmar;

add meeting #m12 kind talks on 2025-02-01 status occurred with "Pia Park" side Arland with "Quin Quay" side Belmar;
add meeting #m13 kind talks on 2025-02-02 in #pc status occurred with "Quin Quay" side Belmar with "Rex Roe" side Cordia;
add meeting #m14 kind talks on 2025-02-03 status occurred with "Rex Roe" side Cordia with "Sol Sun" side Arland;
add meeting #m15 kind talks on 2025-02-04 status occurred with "Pia Park" side Arland with "Sol Sun" side Arland;
add meeting #m16 kind talks on 2025-02-05 status planned with "Pia Park" side Arland with "Rex Roe" side Cordia;
"#;

// ---- helpers ------------------------------------------------------------------------------

fn world() -> Database {
    let db = Database::temporary().unwrap();
    db.execute(WORLD)
        .unwrap_or_else(|e| panic!("the world does not load: {e}"));
    db
}

/// Whether `text` is one question (not a write, `explain` or `dump`).
fn is_question(text: &str) -> bool {
    matches!(
        entrevue::syntax::parse(text).as_deref(),
        Ok([(entrevue::syntax::Statement::Query(_), _)])
    )
}

/// The answer of the stored database, after checking that a copy of its records in memory,
/// answering from the records alone, gives the same.
fn q(db: &Database, text: &str) -> Rows {
    let memory = is_question(text).then(|| db.memory_copy().unwrap());
    q_both(db, memory.as_ref(), text)
}

fn q_both(db: &Database, memory: Option<&MemoryCatalog>, text: &str) -> Rows {
    let rows = db
        .query(text)
        .unwrap_or_else(|e| panic!("`{text}` failed: {e}"));
    if let Some(memory) = memory {
        let in_memory = memory
            .query(text)
            .unwrap_or_else(|e| panic!("`{text}` failed in memory: {e}"));
        assert_eq!(in_memory, rows, "`{text}` in memory and on disk");
    }
    rows
}

/// The error of the stored database; a question fails with the same words in memory.
fn err(db: &Database, text: &str) -> Error {
    match db.execute(text) {
        Ok(rows) => panic!("`{text}` should fail, gave {rows:?}"),
        Err(e) => {
            if is_question(text) {
                let in_memory = db.memory_copy().unwrap().query(text);
                let in_memory = in_memory.expect_err("fails in memory too");
                assert_eq!(in_memory.to_string(), e.to_string(), "`{text}`");
            }
            e
        }
    }
}

/// A value as text; `∅` for null, `[a, b]` for a list, so every cell is distinct.
fn cell(v: &Value) -> String {
    match v {
        Value::Null => "∅".to_string(),
        Value::List(items) => format!("[{}]", items.join(", ")),
        other => other.to_string(),
    }
}

fn table(rows: &Rows) -> Vec<Vec<String>> {
    rows.rows
        .iter()
        .map(|r| r.iter().map(cell).collect())
        .collect()
}

fn expect(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

fn column(rows: &Rows, name: &str) -> Vec<String> {
    assert!(
        rows.column(name).is_some(),
        "no column {name} in {:?}",
        rows.columns
    );
    rows.values(name).into_iter().map(cell).collect()
}

/// Asserts the columns and every row of an answer.
#[track_caller]
fn assert_rows(db: &Database, text: &str, columns: &[&str], rows: &[&[&str]]) {
    let answer = q(db, text);
    assert_eq!(answer.columns, columns, "columns of `{text}`");
    assert_eq!(table(&answer), expect(rows), "rows of `{text}`");
}

fn dump(db: &Database) -> Vec<String> {
    column(&q(db, "dump"), "statement")
}

fn meeting(db: &Database, handle: &str) -> Meeting {
    let id = db
        .by_handle::<Meeting>(handle)
        .unwrap()
        .unwrap_or_else(|| panic!("no meeting {handle}"));
    db.get(id).unwrap().unwrap()
}

const WHO: [&str; 3] = ["actor", "handle", "meetings"];
const WHEN: [&str; 4] = ["date", "place", "meeting", "kind"];
const WHERE: [&str; 4] = ["place", "date", "meeting", "kind"];
const MEETINGS: [&str; 6] = ["meeting", "date", "place", "kind", "status", "participants"];
const PATH: [&str; 7] = ["step", "from", "to", "meeting", "date", "status", "place"];
const TIMELINE: [&str; 9] = [
    "date",
    "meeting",
    "kind",
    "place",
    "status",
    "side",
    "role",
    "certainty",
    "with",
];
const SOURCES: [&str; 5] = ["document", "outlet", "published", "quote", "says"];

#[test]
fn the_world_loads_clean() {
    let db = world();
    let stats = db.stats().unwrap();
    assert_eq!(
        (
            stats.actors,
            stats.places,
            stats.documents,
            stats.meetings,
            stats.relations
        ),
        (15, 10, 3, 15, 2)
    );
    let report = db.check().unwrap();
    assert!(report.is_clean(), "{report}");
}

// ---- who met ------------------------------------------------------------------------------

#[test]
fn who_met_counts_counterparts_across_sides_and_unknown_sides() {
    let db = world();
    // Bo: m01, m03 (different sides). Cy: m02 (Cy's side unknown), m06. Eli: m03 (m05 only
    // expected). Gus: m04 (both sides unknown). Dee is on Ann's side in m01 and m05: never met.
    assert_rows(
        &db,
        "who met Ann Archer",
        &WHO,
        &[
            &["Bo Berg", "bo", "2"],
            &["Cy Cole", "cy", "2"],
            &["Eli Eck", "eli", "1"],
            &["Gus Gray", "gus", "1"],
        ],
    );
    // The relation is symmetric: Ann appears in each counterpart's answer.
    assert_rows(
        &db,
        "who met Bo Berg",
        &WHO,
        &[&["Ann Archer", "a-arch", "2"], &["Dee Dale", "dee", "1"]],
    );
    assert_rows(
        &db,
        "who met Gus Gray",
        &WHO,
        &[&["Ann Archer", "a-arch", "1"]],
    );
}

#[test]
fn who_met_never_pairs_the_same_side() {
    let db = world();
    let answer = q(&db, "who met Dee Dale");
    // Dee was with Ann twice (m01, m05) on the same side; met only Bo (m01).
    assert_eq!(table(&answer), expect(&[&["Bo Berg", "bo", "1"]]));
    let pia = q(&db, "who met Pia Park");
    // Pia and Sol were together in m15 on the same side; m16 with Rex is only planned.
    assert_eq!(table(&pia), expect(&[&["Quin Quay", "quin", "1"]]));
}

#[test]
fn who_met_counts_only_occurred_and_confirmed_by_default() {
    let db = world();
    let names = column(&q(&db, "who met Ann Archer"), "actor");
    // Fay (m07, planned), Bo in m08 (possible), Cy in m09 (ruled out), Eli in m10 (cancelled)
    // and Eli in m05 (expected) do not count.
    assert!(!names.contains(&"Fay Fox".to_string()), "{names:?}");
    let eli = q(&db, "who met Eli Eck");
    // Eli: m03 with Ann; m05 expected; m10 cancelled.
    assert_eq!(table(&eli), expect(&[&["Ann Archer", "a-arch", "1"]]));
}

#[test]
fn including_widens_statuses_and_certainty() {
    let db = world();
    // + m07 (planned; Fay only possibly there) and m05 (Eli expected): any certainty counts.
    assert_rows(
        &db,
        "who met Ann Archer including planned return actor, handle, meetings",
        &WHO,
        &[
            &["Bo Berg", "bo", "2"],
            &["Cy Cole", "cy", "2"],
            &["Eli Eck", "eli", "2"],
            &["Fay Fox", "fay", "1"],
            &["Gus Gray", "gus", "1"],
        ],
    );
    // + m08 (possible), m09 (ruled out), m10 (cancelled).
    assert_rows(
        &db,
        "who met Ann Archer including all return actor, handle, meetings",
        &WHO,
        &[
            &["Bo Berg", "bo", "3"],
            &["Cy Cole", "cy", "3"],
            &["Eli Eck", "eli", "3"],
            &["Fay Fox", "fay", "1"],
            &["Gus Gray", "gus", "1"],
        ],
    );
    // A list of statuses: occurred plus those named.
    assert_rows(
        &db,
        "who met Ann Archer including possible, ruled_out return actor, handle, meetings",
        &WHO,
        &[
            &["Bo Berg", "bo", "3"],
            &["Cy Cole", "cy", "3"],
            &["Eli Eck", "eli", "2"],
            &["Gus Gray", "gus", "1"],
        ],
    );
}

#[test]
fn who_met_in_a_place_includes_every_place_inside_it() {
    let db = world();
    // Portsea (city) holds m02 and, through Harbour Hall (site), m01.
    assert_rows(
        &db,
        "who met Ann Archer in Portsea",
        &WHO,
        &[&["Bo Berg", "bo", "1"], &["Cy Cole", "cy", "1"]],
    );
    // North Province (region): m01 (site), m02 (city), m03 (the region itself).
    assert_rows(
        &db,
        "who met Ann Archer in North Province",
        &WHO,
        &[
            &["Bo Berg", "bo", "2"],
            &["Cy Cole", "cy", "1"],
            &["Eli Eck", "eli", "1"],
        ],
    );
    // With planned meetings: Arland (country) adds m05 (the country itself) and m07 (Sunville,
    // in South Province); North Province does not.
    assert_rows(
        &db,
        "who met Ann Archer in Arland including planned return actor, handle, meetings",
        &WHO,
        &[
            &["Bo Berg", "bo", "2"],
            &["Eli Eck", "eli", "2"],
            &["Cy Cole", "cy", "1"],
            &["Fay Fox", "fay", "1"],
        ],
    );
    assert_rows(
        &db,
        "who met Ann Archer in Nordprovinz including planned return actor, handle, meetings",
        &WHO,
        &[
            &["Bo Berg", "bo", "2"],
            &["Cy Cole", "cy", "1"],
            &["Eli Eck", "eli", "1"],
        ],
    );
    // A place with no meeting inside it.
    assert_rows(&db, "who met Ann Archer in Lakeside", &WHO, &[]);
}

#[test]
fn during_keeps_only_meetings_wholly_inside_the_span() {
    let db = world();
    // A day: the month-precision m02 (2025-03) is not within 2025-03-10.
    assert_rows(
        &db,
        "who met Ann Archer during 2025-03-10",
        &WHO,
        &[&["Bo Berg", "bo", "1"]],
    );
    // A month: m01 and m02, but not the range m03 that spills into April.
    assert_rows(
        &db,
        "who met Ann Archer during 2025-03",
        &WHO,
        &[&["Bo Berg", "bo", "1"], &["Cy Cole", "cy", "1"]],
    );
    // A year: every dated meeting (m01–m05); the undated m06 never matches a date filter.
    assert_rows(
        &db,
        "who met Ann Archer during 2025",
        &WHO,
        &[
            &["Bo Berg", "bo", "2"],
            &["Cy Cole", "cy", "1"],
            &["Eli Eck", "eli", "1"],
            &["Gus Gray", "gus", "1"],
        ],
    );
    // A range covering March and April takes m03 back.
    assert_rows(
        &db,
        "who met Ann Archer during 2025-03..2025-04",
        &WHO,
        &[
            &["Bo Berg", "bo", "2"],
            &["Cy Cole", "cy", "1"],
            &["Eli Eck", "eli", "1"],
        ],
    );
}

#[test]
fn between_two_dates_is_an_inclusive_range() {
    let db = world();
    assert_rows(
        &db,
        "who met Ann Archer between 2025-03-01 and 2025-04-30",
        &WHO,
        &[
            &["Bo Berg", "bo", "2"],
            &["Cy Cole", "cy", "1"],
            &["Eli Eck", "eli", "1"],
        ],
    );
    // Ends are inclusive: m01 is on the 10th.
    assert_rows(
        &db,
        "who met Ann Archer between 2025-03-10 and 2025-03-10",
        &WHO,
        &[&["Bo Berg", "bo", "1"]],
    );
    // Up to the 1st of April: m03 ends on the 2nd.
    assert_rows(
        &db,
        "who met Ann Archer between 2025-03-01 and 2025-04-01",
        &WHO,
        &[&["Bo Berg", "bo", "1"], &["Cy Cole", "cy", "1"]],
    );
}

#[test]
fn order_by_and_limit() {
    let db = world();
    assert_eq!(
        column(&q(&db, "who met Ann Archer order by actor desc"), "actor"),
        ["Gus Gray", "Eli Eck", "Cy Cole", "Bo Berg"]
    );
    // The chosen key first, then the default order (count desc, then actor) for ties.
    assert_rows(
        &db,
        "who met Ann Archer order by meetings asc",
        &WHO,
        &[
            &["Eli Eck", "eli", "1"],
            &["Gus Gray", "gus", "1"],
            &["Bo Berg", "bo", "2"],
            &["Cy Cole", "cy", "2"],
        ],
    );
    assert_rows(
        &db,
        "who met Ann Archer order by handle desc limit 2",
        &WHO,
        &[&["Gus Gray", "gus", "1"], &["Eli Eck", "eli", "1"]],
    );
    assert_rows(
        &db,
        "who met Ann Archer limit 1",
        &WHO,
        &[&["Bo Berg", "bo", "2"]],
    );
    assert_rows(&db, "who met Ann Archer limit 0", &WHO, &[]);
}

#[test]
fn order_by_an_unknown_column_lists_the_columns() {
    let db = world();
    let text = "who met Ann Archer order by nmae";
    let e = err(&db, text);
    assert!(matches!(e.root(), Error::Invalid(_)), "{e:?}");
    let message = e.root().to_string();
    assert!(message.contains("nmae"), "{message}");
    assert!(
        message.contains("actor, handle, meetings"),
        "the columns should be listed: {message}"
    );
    let location = e.location().expect("located at the column name");
    assert_eq!(location.line, 1);
    assert_eq!(location.column as usize, text.find("nmae").unwrap() + 1);
    // Another form lists its own columns.
    let e = err(&db, "meetings with Ann Archer order by actor");
    assert!(
        e.root()
            .to_string()
            .contains("meeting, date, place, kind, status, participants"),
        "{e}"
    );
}

// ---- who was with -------------------------------------------------------------------------

#[test]
fn who_was_with_counts_the_same_known_side_only() {
    let db = world();
    // Dee was on Ann's side in m01 and m05; Ann's side in m04 is unknown, so Gus is not with her.
    assert_rows(
        &db,
        "who was with Ann Archer",
        &WHO,
        &[&["Dee Dale", "dee", "2"]],
    );
    assert_rows(
        &db,
        "who was with Bo Berg",
        &WHO,
        &[&["Eli Eck", "eli", "1"]],
    );
    assert_rows(
        &db,
        "who was with Pia Park",
        &WHO,
        &[&["Sol Sun", "sol", "1"]],
    );
    // Unknown sides are never "together".
    assert_rows(&db, "who was with Gus Gray", &WHO, &[]);
    assert_rows(&db, "who was with Cy Cole", &WHO, &[]);
    // Eli was expected at m05 beside nobody from Belmar; with any certainty, still only Bo.
    assert_rows(
        &db,
        "who was with Eli Eck including all return actor, handle, meetings",
        &WHO,
        &[&["Bo Berg", "bo", "1"]],
    );
}

// ---- when / where did ---------------------------------------------------------------------

#[test]
fn when_did_lists_the_meetings_where_they_met_in_date_order() {
    let db = world();
    assert_rows(
        &db,
        "when did Ann Archer meet Bo Berg",
        &WHEN,
        &[
            &["2025-03-10", "Harbour Hall", "m01", "talks"],
            &["2025-03-30..2025-04-02", "North Province", "m03", "meeting"],
        ],
    );
    // Either way round.
    assert_eq!(
        table(&q(&db, "when did Bo Berg meet Ann Archer")),
        table(&q(&db, "when did Ann Archer meet Bo Berg"))
    );
    assert_rows(
        &db,
        "when did Ann Archer meet Bo Berg including all",
        &WHEN,
        &[
            &["2025-03-10", "Harbour Hall", "m01", "talks"],
            &["2025-03-30..2025-04-02", "North Province", "m03", "meeting"],
            &["2025-07-01", "Lakeside", "m08", "talks"],
        ],
    );
}

#[test]
fn when_did_puts_undated_meetings_last() {
    let db = world();
    assert_rows(
        &db,
        "when did Ann Archer meet Cy Cole",
        &WHEN,
        &[
            &["2025-03", "Portsea", "m02", "call"],
            &["∅", "∅", "m06", "talks"],
        ],
    );
    assert_rows(
        &db,
        "when did Ann Archer meet Cy Cole including all",
        &WHEN,
        &[
            &["2025-03", "Portsea", "m02", "call"],
            &["2025-08-01", "Belmar City", "m09", "talks"],
            &["∅", "∅", "m06", "talks"],
        ],
    );
    // A year sorts by its first day: m05 (2025) comes before m03 (late March).
    assert_rows(
        &db,
        "when did Ann Archer meet Eli Eck including planned",
        &WHEN,
        &[
            &["2025", "Arland", "m05", "summit"],
            &["2025-03-30..2025-04-02", "North Province", "m03", "meeting"],
        ],
    );
}

#[test]
fn being_on_the_same_side_is_not_meeting() {
    let db = world();
    // Ann and Dee shared m01 and m05, on the same side.
    assert_rows(&db, "when did Ann Archer meet Dee Dale", &WHEN, &[]);
    assert_rows(
        &db,
        "where did Ann Archer meet Dee Dale including all",
        &WHERE,
        &[],
    );
    // Nor does someone meet themselves.
    assert_rows(&db, "when did Ann Archer meet Ann Archer", &WHEN, &[]);
}

#[test]
fn where_did_lists_places_first() {
    let db = world();
    assert_rows(
        &db,
        "where did Ann Archer meet Cy Cole",
        &WHERE,
        &[
            &["Portsea", "2025-03", "m02", "call"],
            &["∅", "∅", "m06", "talks"],
        ],
    );
    assert_rows(
        &db,
        "where did Gus Gray meet Ann Archer",
        &WHERE,
        &[&["Belmar City", "~2025-05", "m04", "visit"]],
    );
    // Filters apply: only North Province.
    assert_rows(
        &db,
        "where did Ann Archer meet Bo Berg in North Province during 2025-03..2025-04",
        &WHERE,
        &[
            &["Harbour Hall", "2025-03-10", "m01", "talks"],
            &["North Province", "2025-03-30..2025-04-02", "m03", "meeting"],
        ],
    );
}

// ---- meetings -----------------------------------------------------------------------------

#[test]
fn meetings_with_several_actors_is_an_intersection() {
    let db = world();
    assert_rows(
        &db,
        "meetings with Ann Archer and Bo Berg",
        &MEETINGS,
        &[
            &[
                "m01",
                "2025-03-10",
                "Harbour Hall",
                "talks",
                "occurred",
                "[Ann Archer, Bo Berg, Dee Dale]",
            ],
            &[
                "m03",
                "2025-03-30..2025-04-02",
                "North Province",
                "meeting",
                "occurred",
                "[Ann Archer, Bo Berg, Eli Eck]",
            ],
        ],
    );
    // Being in the same meeting is enough, sides aside.
    assert_eq!(
        column(&q(&db, "meetings with Ann Archer and Dee Dale"), "meeting"),
        ["m05", "m01"]
    );
    assert_eq!(
        column(
            &q(&db, "meetings with Ann Archer and Bo Berg and Dee Dale"),
            "meeting"
        ),
        ["m01"]
    );
    assert_rows(&db, "meetings with Bo Berg and Cy Cole", &MEETINGS, &[]);
}

#[test]
fn meetings_count_confirmed_participants_unless_widened() {
    let db = world();
    // Eli was only expected at m05; m10 was cancelled.
    assert_eq!(
        column(&q(&db, "meetings with Ann Archer and Eli Eck"), "meeting"),
        ["m03"]
    );
    assert_rows(
        &db,
        "meetings with Ann Archer and Eli Eck including all",
        &MEETINGS,
        &[
            &[
                "m05",
                "2025",
                "Arland",
                "summit",
                "occurred",
                "[Ann Archer, Dee Dale, Eli Eck (expected)]",
            ],
            &[
                "m03",
                "2025-03-30..2025-04-02",
                "North Province",
                "meeting",
                "occurred",
                "[Ann Archer, Bo Berg, Eli Eck]",
            ],
            &[
                "m10",
                "2025-09-01",
                "∅",
                "talks",
                "cancelled",
                "[Ann Archer, Eli Eck]",
            ],
        ],
    );
}

#[test]
fn meetings_in_a_place_and_during_a_span() {
    let db = world();
    // In date order: the month m02 (from 03-01) before the day m01 (03-10).
    assert_eq!(
        column(&q(&db, "meetings in North Province"), "meeting"),
        ["m02", "m01", "m03"]
    );
    assert_eq!(
        column(
            &q(&db, "meetings in North Province including all"),
            "meeting"
        ),
        ["m02", "m01", "m03", "m08"]
    );
    assert_eq!(
        column(&q(&db, "meetings in Harbour Hall"), "meeting"),
        ["m01"]
    );
    assert_eq!(
        column(&q(&db, "meetings in Belmar including all"), "meeting"),
        ["m04", "m09"]
    );
    assert_rows(
        &db,
        "meetings in Cordia",
        &MEETINGS,
        &[&[
            "m13",
            "2025-02-02",
            "Cordia",
            "talks",
            "occurred",
            "[Quin Quay, Rex Roe]",
        ]],
    );
    assert_eq!(
        column(&q(&db, "meetings during 2025-03"), "meeting"),
        ["m02", "m01"]
    );
    assert_eq!(
        column(
            &q(&db, "meetings during 2025-02 including planned"),
            "meeting"
        ),
        ["m12", "m13", "m14", "m15", "m16"]
    );
    // Every occurred meeting, undated last.
    assert_eq!(
        column(&q(&db, "meetings"), "meeting"),
        ["m05", "m12", "m13", "m14", "m15", "m02", "m01", "m03", "m04", "m06"]
    );
}

#[test]
fn meetings_with_at_least_n_confirmed_participants() {
    let db = world();
    // m05 lists three participants but only two are confirmed.
    assert_eq!(
        column(&q(&db, "meetings with at least 3 participants"), "meeting"),
        ["m01", "m03"]
    );
    assert_eq!(
        column(
            &q(&db, "meetings with at least 3 participants including all"),
            "meeting"
        ),
        ["m01", "m03"]
    );
    assert_eq!(
        column(&q(&db, "meetings with at least 4 participants"), "meeting"),
        Vec::<String>::new()
    );
    // m07 has two participants, one only possible.
    assert_eq!(
        column(
            &q(
                &db,
                "meetings in Sunville with at least 2 participants including all"
            ),
            "meeting"
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        column(
            &q(
                &db,
                "meetings in Sunville with at least 1 participants including all"
            ),
            "meeting"
        ),
        ["m07"]
    );
}

#[test]
fn meetings_combine_filters() {
    let db = world();
    assert_eq!(
        column(
            &q(&db, "meetings with Ann Archer in Arland during 2025-03"),
            "meeting"
        ),
        ["m02", "m01"]
    );
    assert_eq!(
        column(
            &q(
                &db,
                "meetings with Bo Berg in Arland with at least 3 participants"
            ),
            "meeting"
        ),
        ["m01", "m03"]
    );
    assert_eq!(
        column(
            &q(&db, "meetings in Arland during 2025 including all"),
            "meeting"
        ),
        ["m05", "m02", "m01", "m03", "m07", "m08"]
    );
    assert_eq!(
        column(
            &q(
                &db,
                "meetings with Ann Archer in Belmar between 2025-05-01 and 2025-12-31 including all"
            ),
            "meeting"
        ),
        ["m04", "m09"]
    );
    assert_eq!(
        column(
            &q(
                &db,
                "meetings with Ann Archer including all order by meeting desc limit 3"
            ),
            "meeting"
        ),
        ["m10", "m09", "m08"]
    );
}

// ---- path ---------------------------------------------------------------------------------

#[test]
fn path_follows_a_chain_of_meetings() {
    let db = world();
    // Pia and Sol were together in m15, on the same side: that is no hop.
    assert_rows(
        &db,
        "path from Pia Park to Sol Sun",
        &PATH,
        &[
            &[
                "1",
                "Pia Park",
                "Quin Quay",
                "m12",
                "2025-02-01",
                "occurred",
                "∅",
            ],
            &[
                "2",
                "Quin Quay",
                "Rex Roe",
                "m13",
                "2025-02-02",
                "occurred",
                "Cordia",
            ],
            &[
                "3",
                "Rex Roe",
                "Sol Sun",
                "m14",
                "2025-02-03",
                "occurred",
                "∅",
            ],
        ],
    );
    // Backwards, the same meetings in the other direction.
    assert_rows(
        &db,
        "path from Sol Sun to Pia Park",
        &PATH,
        &[
            &[
                "1",
                "Sol Sun",
                "Rex Roe",
                "m14",
                "2025-02-03",
                "occurred",
                "∅",
            ],
            &[
                "2",
                "Rex Roe",
                "Quin Quay",
                "m13",
                "2025-02-02",
                "occurred",
                "Cordia",
            ],
            &[
                "3",
                "Quin Quay",
                "Pia Park",
                "m12",
                "2025-02-01",
                "occurred",
                "∅",
            ],
        ],
    );
}

#[test]
fn path_does_not_hop_between_companions() {
    let db = world();
    // Ann and Dee were only ever together; the chain runs through Bo, whom both met in m01.
    assert_rows(
        &db,
        "path from Ann Archer to Dee Dale",
        &PATH,
        &[
            &[
                "1",
                "Ann Archer",
                "Bo Berg",
                "m01",
                "2025-03-10",
                "occurred",
                "Harbour Hall",
            ],
            &[
                "2",
                "Bo Berg",
                "Dee Dale",
                "m01",
                "2025-03-10",
                "occurred",
                "Harbour Hall",
            ],
        ],
    );
}

#[test]
fn path_uses_other_statuses_only_when_included() {
    let db = world();
    // m16 (planned) links Pia to Rex directly.
    assert_rows(
        &db,
        "path from Pia Park to Sol Sun including planned",
        &PATH,
        &[
            &[
                "1",
                "Pia Park",
                "Rex Roe",
                "m16",
                "2025-02-05",
                "planned",
                "∅",
            ],
            &[
                "2",
                "Rex Roe",
                "Sol Sun",
                "m14",
                "2025-02-03",
                "occurred",
                "∅",
            ],
        ],
    );
    // Ann and Fay only share the planned m07.
    let none = q(&db, "path from Ann Archer to Fay Fox");
    assert!(none.rows.is_empty(), "{:?}", none.rows);
    assert_rows(
        &db,
        "path from Ann Archer to Fay Fox including planned",
        &PATH,
        &[&[
            "1",
            "Ann Archer",
            "Fay Fox",
            "m07",
            "2025-06-15",
            "planned",
            "Sunville",
        ]],
    );
}

#[test]
fn path_between_disconnected_actors_is_empty_with_a_note() {
    let db = world();
    let answer = q(&db, "path from Pia Park to Hal Hart");
    assert_eq!(answer.columns, PATH);
    assert!(answer.rows.is_empty());
    assert_eq!(
        answer.note.as_deref(),
        Some("no chain of meetings links Pia Park to Hal Hart within 6 hops")
    );
    // The two groups of the world never meet.
    let answer = q(&db, "path from Ann Archer to Quin Quay including all");
    assert!(answer.rows.is_empty());
    assert_eq!(
        answer.note.as_deref(),
        Some("no chain of meetings links Ann Archer to Quin Quay within 6 hops")
    );
    // A place filter cuts the chain: none of its meetings was held inside Arland.
    let answer = q(&db, "path from Pia Park to Sol Sun in Arland");
    assert!(answer.rows.is_empty(), "{:?}", answer.rows);
    assert!(answer.note.is_some());
}

#[test]
fn path_searches_at_most_six_hops() {
    let db = world();
    // c0 – c1 – … – c8, one call per link; nobody has a side, so each call is a hop.
    let mut chain = String::new();
    for i in 0..9 {
        chain += &format!("add actor #c{i} \"Chain {i}\";\n");
    }
    for i in 0..8 {
        chain += &format!(
            "add meeting #cm{i} kind call on 2024-01-{:02} with #c{i} with #c{};\n",
            i + 1,
            i + 1
        );
    }
    db.execute(&chain).unwrap();
    let six = q(&db, "path from #c0 to #c6");
    assert_eq!(
        column(&six, "meeting"),
        ["cm0", "cm1", "cm2", "cm3", "cm4", "cm5"]
    );
    assert_eq!(column(&six, "step"), ["1", "2", "3", "4", "5", "6"]);
    let seven = q(&db, "path from #c0 to #c7");
    assert!(seven.rows.is_empty(), "{:?}", seven.rows);
    assert_eq!(
        seven.note.as_deref(),
        Some("no chain of meetings links Chain 0 to Chain 7 within 6 hops")
    );
    assert_eq!(q(&db, "path from #c1 to #c7").rows.len(), 6);
}

// ---- who is -------------------------------------------------------------------------------

#[test]
fn who_is_shows_the_profile() {
    let db = world();
    assert_rows(
        &db,
        "who is Ann Archer",
        &["field", "value"],
        &[
            &["name", "Ann Archer"],
            &["handle", "a-arch"],
            &["kind", "person"],
            &["aliases", "[Anne Arché, Анна Арчер]"],
            &["affiliation", "Arland"],
            &["title", "envoy (2025)"],
            &["title", "negotiator"],
            &["relation", "Ann Archer advisor_of Dee Dale (2025)"],
            &["relation", "Gus Gray mentor_of Ann Archer"],
            &[
                "meetings",
                "6 occurred, 1 planned, 1 possible, 1 ruled_out, 1 cancelled",
            ],
        ],
    );
}

#[test]
fn who_is_shows_relations_from_either_end() {
    let db = world();
    assert_rows(
        &db,
        "who is Dee Dale",
        &["field", "value"],
        &[
            &["name", "Dee Dale"],
            &["handle", "dee"],
            &["kind", "person"],
            &["aliases", "[]"],
            &["affiliation", "Arland"],
            &["relation", "Ann Archer advisor_of Dee Dale (2025)"],
            &["meetings", "2 occurred"],
        ],
    );
    assert_rows(
        &db,
        "who is Hal Hart",
        &["field", "value"],
        &[
            &["name", "Hal Hart"],
            &["handle", "hal"],
            &["kind", "person"],
            &["aliases", "[]"],
            &["meetings", "none"],
        ],
    );
    let arland = q(&db, "who is Arland");
    assert!(table(&arland).contains(&expect(&[&["kind", "country"]])[0]));
    // Filters make no sense for a profile.
    let e = err(&db, "who is Ann Archer in Arland");
    assert!(matches!(e.root(), Error::Invalid(_)), "{e}");
}

// ---- how sure the sources are --------------------------------------------------------------

#[test]
fn lists_mark_the_participants_the_sources_are_not_sure_of() {
    let db = world();
    // Eli was only expected at m05 and Fay only possibly at m07: their names say so, and
    // `with at least` counts what the list shows unmarked.
    let m05 = q(
        &db,
        "meetings in Arland during 2025 including all return meeting, participants",
    );
    assert!(
        table(&m05).contains(&expect(&[&["m05", "[Ann Archer, Dee Dale, Eli Eck (expected)]"]])[0]),
        "{:?}",
        table(&m05)
    );
    assert_eq!(
        column(
            &q(&db, "meetings with at least 3 participants including all"),
            "meeting"
        ),
        ["m01", "m03"]
    );
    assert_rows(
        &db,
        "timeline of Fay Fox",
        &TIMELINE,
        &[&[
            "2025-06-15",
            "m07",
            "talks",
            "Sunville",
            "planned",
            "Cordia",
            "∅",
            "possible",
            "[Ann Archer]",
        ]],
    );
}

#[test]
fn counts_describe_the_meetings_behind_them() {
    let db = world();
    // Widened: the surest certainty and the meetings, each that did not occur with its status.
    assert_rows(
        &db,
        "who met Ann Archer including all return actor, certainty, via, side, role",
        &["actor", "certainty", "via", "side", "role"],
        &[
            &[
                "Bo Berg",
                "confirmed",
                "[m01, m03, m08 (possible)]",
                "[Belmar]",
                "[]",
            ],
            &[
                "Cy Cole",
                "confirmed",
                "[m02, m09 (ruled_out), m06]",
                "[Cordia]",
                "[]",
            ],
            &[
                "Eli Eck",
                "confirmed",
                "[m05, m03, m10 (cancelled)]",
                "[Belmar]",
                "[]",
            ],
            &["Fay Fox", "possible", "[m07 (planned)]", "[Cordia]", "[]"],
            &["Gus Gray", "confirmed", "[m04]", "[]", "[]"],
        ],
    );
    // By default only occurred meetings and confirmed participants count, and the answer
    // keeps to its three columns; the others can be asked for.
    assert_eq!(q(&db, "who met Ann Archer").columns, WHO);
    assert_rows(
        &db,
        "who met Eli Eck return actor, via, certainty",
        &["actor", "via", "certainty"],
        &[&["Ann Archer", "[m03]", "confirmed"]],
    );
}

#[test]
fn status_keeps_exactly_the_statuses_named() {
    let db = world();
    assert_eq!(
        column(
            &q(&db, "meetings with Ann Archer status planned, possible"),
            "meeting"
        ),
        ["m07", "m08"]
    );
    assert_eq!(
        column(&q(&db, "meetings status occurred"), "meeting"),
        column(&q(&db, "meetings"), "meeting")
    );
    // Asking for meetings that did not occur lets participants of any certainty count.
    assert_rows(
        &db,
        "who met Ann Archer status planned return actor, handle, meetings",
        &WHO,
        &[&["Fay Fox", "fay", "1"]],
    );
    let e = err(&db, "meetings status planned including possible");
    assert!(e.to_string().contains("given twice"), "{e}");
}

#[test]
fn side_of_lists_who_took_part_for_an_actor() {
    let db = world();
    assert_rows(
        &db,
        "side of Belmar",
        &WHO,
        &[
            &["Bo Berg", "bo", "2"],
            &["Quin Quay", "quin", "2"],
            &["Eli Eck", "eli", "1"],
        ],
    );
    assert_rows(
        &db,
        "side of Belmar including all",
        &["actor", "handle", "meetings", "certainty", "via"],
        &[
            &[
                "Bo Berg",
                "bo",
                "3",
                "confirmed",
                "[m01, m03, m08 (possible)]",
            ],
            &[
                "Eli Eck",
                "eli",
                "3",
                "confirmed",
                "[m05, m03, m10 (cancelled)]",
            ],
            &["Quin Quay", "quin", "2", "confirmed", "[m12, m13]"],
        ],
    );
    assert!(q(&db, "side of Hal Hart").is_empty());
}

#[test]
fn where_is_profiles_a_place() {
    let db = world();
    assert_rows(
        &db,
        "where is Portsea",
        &["field", "value"],
        &[
            &["name", "Portsea"],
            &["handle", "port"],
            &["kind", "city"],
            &["aliases", "[]"],
            &["in", "[North Province, Arland]"],
            &["inside", "[Harbour Hall]"],
            &["meetings", "2 occurred"],
            &["meeting", "m02 2025-03 call in Portsea (occurred)"],
            &["meeting", "m01 2025-03-10 talks in Harbour Hall (occurred)"],
        ],
    );
    let e = err(&db, "where is Portsea during 2025");
    assert!(matches!(e.root(), Error::Invalid(_)), "{e}");
}

#[test]
fn reported_by_lists_what_a_document_says_and_sources_of_takes_relations() {
    let db = world();
    assert_rows(
        &db,
        "reported by d1",
        &["record", "kind", "date", "status", "what", "quote", "says"],
        &[
            &[
                "m01",
                "meeting",
                "2025-03-10",
                "occurred",
                "Harbour talks",
                "Archer and Berg met at Harbour Hall",
                "∅",
            ],
            &[
                "m03",
                "meeting",
                "2025-03-30..2025-04-02",
                "occurred",
                "meeting",
                "the talks ran into April",
                "2025-04",
            ],
            &[
                "r1",
                "relation",
                "2025",
                "∅",
                "Ann Archer advisor_of Dee Dale",
                "Archer advises Dale",
                "∅",
            ],
        ],
    );
    assert_rows(
        &db,
        "sources of r1",
        &SOURCES,
        &[&["d1", "Gazette", "2025-03-11", "Archer advises Dale", "∅"]],
    );
    assert!(q(&db, "reported by d3").rows.len() == 1);
    let e = err(&db, "sources of r9");
    assert!(matches!(e.root(), Error::NotFound { .. }), "{e}");
}

#[test]
fn in_time_order_applies_to_path_only() {
    let db = world();
    // Pia met Quin (m12, 02-01), Quin met Rex (m13, 02-02), Rex met Sol (m14, 02-03): in order.
    assert_eq!(
        column(
            &q(&db, "path from Pia Park to Sol Sun in time order"),
            "meeting"
        ),
        ["m12", "m13", "m14"]
    );
    // Backwards in time there is a chain, but not one in time order.
    assert_eq!(q(&db, "path from Sol Sun to Pia Park").rows.len(), 3);
    let none = q(&db, "path from Sol Sun to Pia Park in time order");
    assert!(none.is_empty(), "{:?}", table(&none));
    assert!(none.note.unwrap().contains("in time order"));
    let e = err(&db, "who met Ann Archer in time order");
    assert!(e.to_string().contains("applies only to `path`"), "{e}");
    assert!(plan(&db, "path from Pia Park to Sol Sun in time order").contains("no earlier than"));
}

// ---- timeline -----------------------------------------------------------------------------

#[test]
fn timeline_lists_every_status_in_date_order_undated_last() {
    let db = world();
    assert_rows(
        &db,
        "timeline of Ann Archer",
        &TIMELINE,
        &[
            &[
                "2025",
                "m05",
                "summit",
                "Arland",
                "occurred",
                "Arland",
                "∅",
                "confirmed",
                "[Dee Dale, Eli Eck (expected)]",
            ],
            &[
                "2025-03",
                "m02",
                "call",
                "Portsea",
                "occurred",
                "Arland",
                "∅",
                "confirmed",
                "[Cy Cole]",
            ],
            &[
                "2025-03-10",
                "m01",
                "talks",
                "Harbour Hall",
                "occurred",
                "Arland",
                "lead",
                "confirmed",
                "[Bo Berg, Dee Dale]",
            ],
            &[
                "2025-03-30..2025-04-02",
                "m03",
                "meeting",
                "North Province",
                "occurred",
                "Arland",
                "∅",
                "confirmed",
                "[Bo Berg, Eli Eck]",
            ],
            &[
                "~2025-05",
                "m04",
                "visit",
                "Belmar City",
                "occurred",
                "∅",
                "guest",
                "confirmed",
                "[Gus Gray]",
            ],
            &[
                "2025-06-15",
                "m07",
                "talks",
                "Sunville",
                "planned",
                "Arland",
                "∅",
                "confirmed",
                "[Fay Fox (possible)]",
            ],
            &[
                "2025-07-01",
                "m08",
                "talks",
                "Lakeside",
                "possible",
                "Arland",
                "∅",
                "confirmed",
                "[Bo Berg]",
            ],
            &[
                "2025-08-01",
                "m09",
                "talks",
                "Belmar City",
                "ruled_out",
                "Arland",
                "∅",
                "confirmed",
                "[Cy Cole]",
            ],
            &[
                "2025-09-01",
                "m10",
                "talks",
                "∅",
                "cancelled",
                "Arland",
                "∅",
                "confirmed",
                "[Eli Eck]",
            ],
            &[
                "∅",
                "m06",
                "talks",
                "∅",
                "occurred",
                "Arland",
                "∅",
                "confirmed",
                "[Cy Cole]",
            ],
        ],
    );
}

#[test]
fn timeline_takes_filters() {
    let db = world();
    assert_eq!(
        column(
            &q(&db, "timeline of Ann Archer including planned"),
            "meeting"
        ),
        ["m05", "m02", "m01", "m03", "m04", "m07", "m06"]
    );
    assert_eq!(
        column(&q(&db, "timeline of Ann Archer in Belmar"), "meeting"),
        ["m04", "m09"]
    );
    assert_eq!(
        column(&q(&db, "timeline of Eli Eck during 2025"), "meeting"),
        ["m05", "m03", "m10"]
    );
    assert_eq!(
        column(&q(&db, "timeline of Eli Eck"), "side"),
        ["Belmar", "Belmar", "Belmar"]
    );
}

// ---- sources of ---------------------------------------------------------------------------

#[test]
fn sources_of_a_meeting() {
    let db = world();
    assert_rows(
        &db,
        "sources of m01",
        &SOURCES,
        &[
            &[
                "d1",
                "Gazette",
                "2025-03-11",
                "Archer and Berg met at Harbour Hall",
                "∅",
            ],
            &[
                "d2",
                "Courier",
                "2025-03",
                "A meeting is planned for March",
                "planned 2025-03",
            ],
        ],
    );
    assert_rows(
        &db,
        "sources of #m03",
        &SOURCES,
        &[&[
            "d1",
            "Gazette",
            "2025-03-11",
            "the talks ran into April",
            "2025-04",
        ]],
    );
    assert_rows(
        &db,
        "sources of m07",
        &SOURCES,
        &[&[
            "d2",
            "Courier",
            "2025-03",
            "a meeting might follow",
            "possible",
        ]],
    );
    assert_rows(
        &db,
        "sources of m04",
        &SOURCES,
        &[&["d3", "∅", "∅", "seen together", "∅"]],
    );
    assert_rows(&db, "sources of m02", &SOURCES, &[]);
    let e = err(&db, "sources of m99");
    assert!(
        matches!(
            e.root(),
            Error::NotFound {
                kind: "meeting",
                ..
            }
        ),
        "{e}"
    );
}

// ---- name resolution ----------------------------------------------------------------------

fn handle_of(db: &Database, who: &str) -> String {
    let profile = q(db, &format!("who is {who}"));
    let handle = profile
        .rows
        .iter()
        .find(|r| r[0] == Value::Text("handle".into()))
        .unwrap_or_else(|| panic!("no handle row for {who}"));
    cell(&handle[1])
}

#[test]
fn names_resolve_ignoring_case_diacritics_and_script() {
    let db = world();
    for name in [
        "Ann Archer",
        "ann archer",
        "ANN ARCHER",
        "\"Ánn Ârçher\"",
        "Anne Arché",
        "anne arche",
        "\"ANNE ARCHE\"",
        "Анна Арчер",
        "\"анна арчер\"",
        // The Cyrillic alias folds to its transliteration.
        "Anna Archer",
        "#a-arch",
        "a-arch",
    ] {
        assert_eq!(handle_of(&db, name), "a-arch", "resolving {name}");
    }
    // Places too.
    assert_eq!(
        column(&q(&db, "meetings in \"NORDPROVINZ\""), "meeting"),
        column(&q(&db, "meetings in North Province"), "meeting")
    );
    assert_eq!(column(&q(&db, "meetings in #hall"), "meeting"), ["m01"]);
}

#[test]
fn a_misspelling_is_not_found_with_suggestions() {
    let db = world();
    let e = err(&db, "who met Ann Archr");
    match e.root() {
        Error::NotFound {
            kind,
            name,
            suggestions,
        } => {
            assert_eq!(*kind, "actor");
            assert_eq!(name, "Ann Archr");
            assert_eq!(suggestions.first().map(String::as_str), Some("Ann Archer"));
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    // An alias suggestion names its record.
    let e = err(&db, "meetings in Nordprovnz");
    match e.root() {
        Error::NotFound {
            kind, suggestions, ..
        } => {
            assert_eq!(*kind, "place");
            assert_eq!(
                suggestions.first().map(String::as_str),
                Some("Nordprovinz (North Province)")
            );
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    // A handle that does not exist.
    let e = err(&db, "who is #nobody");
    assert!(
        matches!(e.root(), Error::NotFound { kind: "actor", .. }),
        "{e}"
    );
}

#[test]
fn a_shared_alias_is_ambiguous() {
    let db = world();
    let e = err(&db, "who is Doc");
    match e.root() {
        Error::Ambiguous {
            kind,
            name,
            candidates,
        } => {
            assert_eq!(*kind, "actor");
            assert_eq!(name, "Doc");
            assert_eq!(
                candidates,
                &[
                    "Cy Cole (person, Cordia, #cy)".to_string(),
                    "Fay Fox (person, Cordia, #fay)".to_string()
                ]
            );
        }
        other => panic!("expected Ambiguous, got {other:?}"),
    }
    // A handle settles it.
    assert_eq!(handle_of(&db, "#fay"), "fay");
}

#[test]
fn errors_point_at_the_name() {
    let db = world();
    let script = "who is Ann Archer;\nwho met  Ann Archr;";
    let e = err(&db, script);
    let location = e.location().expect("a location");
    assert_eq!((location.line, location.column), (2, 10));
    let shown = e.to_string();
    assert!(
        shown.starts_with("2:10: no actor named 'Ann Archr'; did you mean Ann Archer"),
        "{shown}"
    );
    assert!(
        shown.contains("\n  who met  Ann Archr;\n           ^"),
        "the caret should sit under the name: {shown}"
    );

    // The second name of a question, after a name in another script: columns count characters.
    let text = "when did Анна Арчер meet Doc";
    let e = err(&db, text);
    assert!(matches!(e.root(), Error::Ambiguous { .. }), "{e}");
    let location = e.location().expect("a location");
    let column = text[..text.find("Doc").unwrap()].chars().count() + 1;
    assert_eq!((location.line, location.column as usize), (1, column));

    // In a write, too.
    let e = err(
        &db,
        "add meeting #m99 kind talks\n  with \"Ann Archer\"\n  with Bo Brg;",
    );
    assert!(matches!(e.root(), Error::NotFound { .. }), "{e}");
    let location = e.location().expect("a location");
    assert_eq!((location.line, location.column), (3, 8));
}

#[test]
fn an_unknown_huge_name_fails_at_once_without_suggestions() {
    let db = world();
    // A stored name of 100,000 characters, and a question for one that differs by a letter:
    // an edit distance between the two would cost ten billion steps.
    let stored = "Ann Archer ".repeat(9_091);
    let stored = stored.trim_end();
    db.execute(&format!("add actor #long \"{stored}\";"))
        .unwrap();
    let wanted = format!("{stored}x");
    for text in [format!("who is \"{wanted}\""), format!("who met {wanted}")] {
        let e = err(&db, &text);
        match e.root() {
            Error::NotFound { suggestions, .. } => {
                assert!(suggestions.is_empty(), "{suggestions:?}")
            }
            other => panic!("expected NotFound, got {other:?}"),
        }
        // The message quotes the start of the name and a window of the line, not all of it.
        let shown = e.to_string();
        assert!(shown.len() < 1_000, "{} bytes: {shown}", shown.len());
        assert!(
            shown.contains("no actor named 'Ann Archer Ann Archer"),
            "{shown}"
        );
    }
    // A name of ordinary length still gets its suggestions.
    let e = err(&db, "who is Ann Archr");
    assert!(e.to_string().contains("did you mean Ann Archer"), "{e}");
}

#[test]
fn look_alike_and_invisible_names_cannot_pass_for_others() {
    let db = world();
    let before = dump(&db);
    // Refused, by code point and position: an invisible character, a bidi override, a
    // Cyrillic letter inside a Latin word — each would make a name look like another.
    for (text, expected) in [
        (
            "add actor \"Ann\u{200b} Archer\";",
            "actor name \"Ann\\u{200b} Archer\" has U+200B ZERO WIDTH SPACE at character 4",
        ),
        (
            "add actor \"\u{202e}rehcrA nnA\";",
            "has U+202E RIGHT-TO-LEFT OVERRIDE at character 1",
        ),
        (
            "add actor \"\u{410}nn Archer\";",
            "mixes scripts in the word '\u{410}nn': 'n' (U+006E) at character 2 is Latin, but \
             '\u{410}' (U+0410) at character 1 is Cyrillic",
        ),
        (
            "add alias \"Ann Arch\u{435}r\" to actor #a-arch;",
            "'\u{435}' (U+0435) at character 9 is Cyrillic",
        ),
        (
            "set actor #a-arch aka \"Ann\u{2066}\";",
            "U+2066 LEFT-TO-RIGHT ISOLATE at character 4",
        ),
    ] {
        let shown = err(&db, text).to_string();
        assert!(shown.contains(expected), "{text}: {shown}");
    }
    assert_eq!(dump(&db), before, "a refused write changes nothing");
    let invalid = db.add(Actor::new(ActorKind::Person, "Bo\u{feff}"));
    assert!(matches!(invalid, Err(Error::Invalid(_))), "{invalid:?}");

    // A fullwidth spelling is stored in plain letters, so it shows as what it folds to: two
    // actors called Ann Archer, told apart by their handles.
    db.execute("add actor #ann2 \"\u{ff21}\u{ff4e}\u{ff4e} Archer\" kind person;")
        .unwrap();
    let id = db.by_handle::<Actor>("ann2").unwrap().unwrap();
    assert_eq!(db.get(id).unwrap().unwrap().name, "Ann Archer");
    let shown = err(&db, "who is Ann Archer").to_string();
    assert!(shown.contains("'Ann Archer' names 2 actors"), "{shown}");
    assert!(shown.contains("#ann2"), "{shown}");

    // A name in another script, as a whole, is an alias like any other.
    db.execute("add actor #dm \"Дмитриев\" kind person aka \"Dmitriev\", \"Kirill Дмитриев\";")
        .unwrap();
    assert_eq!(handle_of(&db, "Dmitriev"), "dm");
    assert_eq!(handle_of(&db, "Дмитриев"), "dm");
}

// ---- writes -------------------------------------------------------------------------------

#[test]
fn set_replaces_scalar_fields() {
    let db = world();
    db.execute("set meeting m02 status planned on 2025-04 kind visit in Lakeside;")
        .unwrap();
    let m02 = meeting(&db, "m02");
    assert_eq!(m02.status, Status::Planned);
    assert_eq!(m02.date.unwrap().to_string(), "2025-04");
    assert_eq!(m02.kind, "visit");
    // Participants were not mentioned, so they stay.
    assert_eq!(m02.participants.len(), 2);
    // The indexes follow: m02 no longer counts for Cy by default, nor for Portsea.
    assert_rows(
        &db,
        "who met Ann Archer",
        &WHO,
        &[
            &["Bo Berg", "bo", "2"],
            &["Cy Cole", "cy", "1"],
            &["Eli Eck", "eli", "1"],
            &["Gus Gray", "gus", "1"],
        ],
    );
    assert_eq!(
        column(&q(&db, "meetings in Lakeside including all"), "meeting"),
        ["m02", "m08"]
    );
    assert_eq!(
        column(&q(&db, "meetings in Portsea including all"), "meeting"),
        ["m01"]
    );
    // Actors: name and affiliation.
    db.execute("set actor Gus Gray name \"Gustav Gray\" affiliation Cordia kind group;")
        .unwrap();
    let profile = table(&q(&db, "who is Gustav Gray"));
    assert!(
        profile.contains(&vec!["affiliation".into(), "Cordia".into()]),
        "{profile:?}"
    );
    assert!(
        profile.contains(&vec!["kind".into(), "group".into()]),
        "{profile:?}"
    );
    let e = err(&db, "who is Gus Gray");
    assert!(
        matches!(e.root(), Error::NotFound { .. }),
        "the old name is gone: {e}"
    );
    assert!(db.check().unwrap().is_clean());
}

#[test]
fn set_replaces_list_fields_on_first_mention() {
    let db = world();
    // aka: replaced, then appended to within the same statement.
    db.execute("set actor Ann Archer aka \"Annie\" aka \"A. A.\";")
        .unwrap();
    assert_rows(
        &db,
        "who is Annie",
        &["field", "value"],
        &[
            &["name", "Ann Archer"],
            &["handle", "a-arch"],
            &["kind", "person"],
            &["aliases", "[Annie, A. A.]"],
            &["affiliation", "Arland"],
            &["title", "envoy (2025)"],
            &["title", "negotiator"],
            &["relation", "Ann Archer advisor_of Dee Dale (2025)"],
            &["relation", "Gus Gray mentor_of Ann Archer"],
            &[
                "meetings",
                "6 occurred, 1 planned, 1 possible, 1 ruled_out, 1 cancelled",
            ],
        ],
    );
    let e = err(&db, "who is Anne Arché");
    assert!(
        matches!(e.root(), Error::NotFound { .. }),
        "old alias gone: {e}"
    );
    // title: replaced.
    db.execute("set actor #a-arch title \"ambassador\" during 2026;")
        .unwrap();
    let titles: Vec<Vec<String>> = table(&q(&db, "who is Annie"))
        .into_iter()
        .filter(|r| r[0] == "title")
        .collect();
    assert_eq!(titles, expect(&[&["title", "ambassador (2026)"]]));
    // with: the participants are replaced as a whole.
    db.execute("set meeting m01 with Ann Archer side Arland with Cy Cole side Cordia;")
        .unwrap();
    assert_eq!(
        column(&q(&db, "meetings with Ann Archer and Cy Cole"), "meeting"),
        ["m02", "m01", "m06"]
    );
    assert_eq!(column(&q(&db, "meetings with Bo Berg"), "meeting"), ["m03"]);
    assert_eq!(meeting(&db, "m01").participants.len(), 2);
    // source: replaced.
    db.execute("set meeting m01 source #d3 \"a new account\";")
        .unwrap();
    assert_rows(
        &db,
        "sources of m01",
        &SOURCES,
        &[&["d3", "∅", "∅", "a new account", "∅"]],
    );
    // A relation's sources.
    db.execute("set relation r1 source #d2 \"first\" source #d3 \"second\";")
        .unwrap();
    let r1 = db
        .all::<entrevue::Relation>()
        .unwrap()
        .into_iter()
        .find(|(_, r)| r.handle == "r1")
        .unwrap()
        .1;
    let quotes: Vec<&str> = r1.sources.iter().map(|s| s.quote.as_str()).collect();
    assert_eq!(quotes, ["first", "second"]);
    assert!(db.check().unwrap().is_clean());
}

#[test]
fn aliases_are_added_and_deleted() {
    let db = world();
    db.execute("add alias \"Archie\" to actor Ann Archer;")
        .unwrap();
    assert_eq!(handle_of(&db, "Archie"), "a-arch");
    assert_eq!(handle_of(&db, "Anne Arché"), "a-arch");
    db.execute("delete alias \"anne arche\" from actor #a-arch;")
        .unwrap();
    let e = err(&db, "who is Anne Arché");
    assert!(matches!(e.root(), Error::NotFound { .. }), "{e}");
    let aliases: Vec<Vec<String>> = table(&q(&db, "who is Archie"))
        .into_iter()
        .filter(|r| r[0] == "aliases")
        .collect();
    assert_eq!(aliases, expect(&[&["aliases", "[Анна Арчер, Archie]"]]));
    // Deleting an alias the record does not have.
    let e = err(&db, "delete alias \"Nobody\" from actor Ann Archer;");
    assert!(
        matches!(e.root(), Error::NotFound { kind: "alias", .. }),
        "{e}"
    );
    // Resolving the shared alias away ends the ambiguity.
    db.execute("delete alias Doc from actor Fay Fox;").unwrap();
    assert_eq!(handle_of(&db, "Doc"), "cy");
    // Places.
    db.execute("add alias \"Le Nord\" to place North Province;")
        .unwrap();
    assert_eq!(
        column(&q(&db, "meetings in \"le nord\""), "meeting"),
        ["m02", "m01", "m03"]
    );
    assert!(db.check().unwrap().is_clean());
}

#[test]
fn delete_is_refused_while_referenced() {
    let db = world();
    db.execute(
        "add actor #zed \"Zed Zane\"; add meeting #m20 kind call on 2025-12-01 with Zed Zane with Hal Hart;",
    )
    .unwrap();
    let e = err(&db, "delete actor Zed Zane;");
    assert!(matches!(e.root(), Error::InUse { .. }), "{e}");
    assert!(db.by_handle::<entrevue::Actor>("zed").unwrap().is_some());
    // A place with places inside it and meetings at it.
    let e = err(&db, "delete place North Province;");
    assert!(matches!(e.root(), Error::InUse { .. }), "{e}");
    // A document cited by a meeting, an actor who is a side or in a relation.
    let e = err(&db, "delete document d3;");
    assert!(matches!(e.root(), Error::InUse { .. }), "{e}");
    let e = err(&db, "delete actor Belmar;");
    assert!(matches!(e.root(), Error::InUse { .. }), "{e}");
    // Once the meeting is gone, the actor can go.
    db.execute("delete meeting m20; delete actor Zed Zane;")
        .unwrap();
    assert!(db.by_handle::<entrevue::Actor>("zed").unwrap().is_none());
    assert_rows(&db, "who met Hal Hart", &WHO, &[]);
    // A leaf place with no meetings.
    db.execute(
        "add place #empty \"Empty Quarter\" kind site in Lakeside; delete place Empty Quarter;",
    )
    .unwrap();
    assert!(db.by_handle::<entrevue::Place>("empty").unwrap().is_none());
    assert!(db.check().unwrap().is_clean());
}

#[test]
fn a_failing_script_changes_nothing() {
    let db = world();
    let before = dump(&db);
    let stats = db.stats().unwrap();
    let e = err(
        &db,
        "add actor #new \"New One\";\n\
         set meeting m01 status planned with New One;\n\
         add alias \"Nouvelle\" to actor New One;\n\
         delete meeting m03;\n\
         delete actor Bo Berg;",
    );
    assert!(matches!(e.root(), Error::InUse { .. }), "{e}");
    assert_eq!(e.location().map(|l| l.line), Some(5));
    assert_eq!(dump(&db), before);
    assert_eq!(db.stats().unwrap(), stats);
    assert!(db.by_handle::<entrevue::Actor>("new").unwrap().is_none());
    assert_eq!(meeting(&db, "m01").status, Status::Occurred);
    // A parse error anywhere: nothing runs.
    let e = err(&db, "delete meeting m03;\nwho met;");
    assert!(matches!(e.root(), Error::Parse(_)), "{e}");
    assert_eq!(dump(&db), before);
    assert!(db.check().unwrap().is_clean());
}

#[test]
fn set_on_a_missing_record_is_not_found() {
    let db = world();
    let before = dump(&db);
    let e = err(&db, "set meeting m99 status planned;");
    assert!(
        matches!(
            e.root(),
            Error::NotFound {
                kind: "meeting",
                ..
            }
        ),
        "{e}"
    );
    let e = err(&db, "set actor Nobody Atall kind group;");
    assert!(
        matches!(e.root(), Error::NotFound { kind: "actor", .. }),
        "{e}"
    );
    let e = err(&db, "set place #nowhere kind city;");
    assert!(
        matches!(e.root(), Error::NotFound { kind: "place", .. }),
        "{e}"
    );
    let e = err(&db, "set document d9 title \"x\";");
    assert!(
        matches!(
            e.root(),
            Error::NotFound {
                kind: "document",
                ..
            }
        ),
        "{e}"
    );
    let e = err(&db, "set relation r9 during 2025;");
    assert!(
        matches!(
            e.root(),
            Error::NotFound {
                kind: "relation",
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(dump(&db), before);
}

#[test]
fn a_place_needs_a_kind() {
    let db = world();
    let e = err(&db, "add place \"Nowhere\" in Arland;");
    assert!(matches!(e.root(), Error::Invalid(_)), "{e}");
    assert!(e.root().to_string().contains("kind"), "{e}");
    assert!(db.find_places("Nowhere").unwrap().is_empty());
    let e = err(&db, "add place \"Nowhere\" kind planet;");
    assert!(matches!(e.root(), Error::Invalid(_)), "{e}");
    db.execute("add place \"Nowhere\" kind site;").unwrap();
    assert_eq!(db.find_places("nowhere").unwrap().len(), 1);
}

#[test]
fn writes_keep_handles_unique() {
    let db = world();
    let e = err(&db, "add actor #bo \"Another Bo\";");
    assert!(matches!(e.root(), Error::HandleTaken { .. }), "{e}");
    let e = err(&db, "add meeting #m01 kind talks;");
    assert!(matches!(e.root(), Error::HandleTaken { .. }), "{e}");
    // The same participant twice.
    let e = err(&db, "add meeting kind talks with Bo Berg with #bo;");
    assert!(matches!(e.root(), Error::Invalid(_)), "{e}");
}

#[test]
fn a_script_sees_its_own_writes() {
    let db = world();
    let answers = db
        .execute(
            "add actor #zoe \"Zoe Zed\" affiliation Cordia;\n\
             add meeting #m30 kind call on 2025-11-02 with Zoe Zed side Cordia with Hal Hart;\n\
             who met Hal Hart;\n\
             set meeting m30 status cancelled;\n\
             who met Hal Hart;",
        )
        .unwrap();
    assert_eq!(answers.len(), 5, "one answer per statement");
    assert_eq!(answers[0].note.as_deref(), Some("added actor #zoe"));
    assert_eq!(table(&answers[2]), expect(&[&["Zoe Zed", "zoe", "1"]]));
    assert_eq!(table(&answers[4]), Vec::<Vec<String>>::new());
    // And the whole script was kept.
    assert_eq!(meeting(&db, "m30").status, Status::Cancelled);
}

#[test]
fn a_name_wins_over_a_handle() {
    let db = world();
    // "bo" is Bo Berg's handle; once it is someone's alias, the bare word means that someone.
    db.execute("add actor #zed \"Zed Zane\" aka bo;").unwrap();
    assert_eq!(handle_of(&db, "bo"), "zed");
    assert_eq!(handle_of(&db, "#bo"), "bo");
}

#[test]
fn moving_a_place_moves_its_meetings_between_regions() {
    let db = world();
    db.execute("set place Lakeside in \"South Province\";")
        .unwrap();
    assert_eq!(
        column(
            &q(&db, "meetings in South Province including all"),
            "meeting"
        ),
        ["m07", "m08"]
    );
    assert_eq!(
        column(
            &q(&db, "meetings in North Province including all"),
            "meeting"
        ),
        ["m02", "m01", "m03"]
    );
    // Still inside Arland.
    assert!(
        column(&q(&db, "meetings in Arland including all"), "meeting").contains(&"m08".to_string())
    );
    // A place cannot move inside itself.
    let e = err(&db, "set place North Province in Harbour Hall;");
    assert!(matches!(e.root(), Error::Invalid(_)), "{e}");
    assert!(db.check().unwrap().is_clean());
}

// ---- explain ------------------------------------------------------------------------------

fn plan(db: &Database, question: &str) -> String {
    let rows = q(db, &format!("explain {question}"));
    assert_eq!(rows.columns, ["plan"]);
    column(&rows, "plan").join("\n")
}

#[test]
fn explain_names_the_index_of_each_scan() {
    let db = world();
    let actor = plan(&db, "who met Ann Archer during 2025-03");
    assert!(
        actor.contains("Scan meetings of Ann Archer during 2025-03"),
        "{actor}"
    );
    assert!(actor.contains("[index actor_meetings"), "{actor}");
    assert!(
        !actor.contains("place_meetings") && !actor.contains("date_meetings"),
        "{actor}"
    );

    let place = plan(&db, "meetings in North Province");
    assert!(place.contains("[index place_meetings"), "{place}");
    // North Province and the three places inside it.
    assert!(place.contains("and the 3 places inside it"), "{place}");
    assert!(!place.contains("actor_meetings"), "{place}");

    let date = plan(&db, "meetings during 2025-03");
    assert!(date.contains("[index date_meetings]"), "{date}");

    // Two actors: one scan of the actor with fewer meetings, whatever the order they are
    // named in; the other is tested on each entry's participants.
    let both = plan(&db, "meetings with Ann Archer and Bo Berg");
    assert_eq!(both.matches("[index actor_meetings").count(), 1, "{both}");
    let fewer = |name: &str| db.query(&format!("timeline of {name}")).unwrap().rows.len();
    let (scanned, tested) = if fewer("Bo Berg") <= fewer("Ann Archer") {
        ("Bo Berg", "Ann Archer")
    } else {
        ("Ann Archer", "Bo Berg")
    };
    for text in [both, plan(&db, "meetings with Bo Berg and Ann Archer")] {
        assert!(
            text.contains(&format!("Scan meetings of {scanned}")),
            "{text}"
        );
        assert!(
            text.contains(&format!("Filter {tested} took part")),
            "{text}"
        );
    }

    // explain does not run the question, but it resolves names.
    let e = err(&db, "explain who met Ann Archr");
    assert!(matches!(e.root(), Error::NotFound { .. }), "{e}");
}

// ---- answers agree with a brute-force reading of random worlds ----------------------------

mod model {
    use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

    use entrevue::{Certainty, DatePoint, DateSpan, Status};

    /// A world described independently of the database: places by parent, actors by number,
    /// meetings with (actor, side, certainty) participants. Sides are actors 0–2.
    #[derive(Clone, Debug)]
    pub struct World {
        pub parents: Vec<Option<usize>>,
        pub actors: usize,
        pub meetings: Vec<M>,
    }

    #[derive(Clone, Debug)]
    pub struct M {
        pub date: Option<DateSpan>,
        pub place: Option<usize>,
        pub status: Status,
        pub participants: Vec<(usize, Option<usize>, Certainty)>,
    }

    /// Which meetings a question looks at.
    #[derive(Clone, Debug)]
    pub struct Filter {
        pub place: Option<usize>,
        pub during: Option<DateSpan>,
        /// `None`: the default (occurred, confirmed only); `Some(list)`: `including list`.
        pub including: Option<Vec<Status>>,
    }

    impl Filter {
        pub fn text(&self) -> String {
            let mut s = String::new();
            if let Some(p) = self.place {
                s += &format!(" in #p{p}");
            }
            if let Some(d) = self.during {
                s += &format!(" during {d}");
            }
            match &self.including {
                None => {}
                Some(list) if list.len() == Status::ALL.len() => s += " including all",
                Some(list) => {
                    let words: Vec<&str> = list.iter().map(|s| s.as_str()).collect();
                    s += &format!(" including {}", words.join(", "));
                }
            }
            s
        }

        fn statuses(&self) -> Vec<Status> {
            let mut all = vec![Status::Occurred];
            if let Some(list) = &self.including {
                all.extend(list.iter().copied());
            }
            all.sort();
            all.dedup();
            all
        }

        /// Any certainty counts once more than one status does.
        pub fn any_certainty(&self) -> bool {
            self.statuses().len() > 1
        }
    }

    pub fn within(inner: &DateSpan, outer: &DateSpan) -> bool {
        outer.first_day() <= inner.first_day() && inner.last_day() <= outer.last_day()
    }

    pub fn met(a: Option<usize>, b: Option<usize>) -> bool {
        match (a, b) {
            (Some(x), Some(y)) => x != y,
            _ => true,
        }
    }

    impl World {
        pub fn inside(&self, place: usize) -> BTreeSet<usize> {
            (0..self.parents.len())
                .filter(|&p| {
                    let mut at = Some(p);
                    while let Some(q) = at {
                        if q == place {
                            return true;
                        }
                        at = self.parents[q];
                    }
                    false
                })
                .collect()
        }

        /// The meetings a filter keeps, by status, place and date.
        pub fn kept(&self, f: &Filter) -> Vec<usize> {
            let statuses = f.statuses();
            let inside = f.place.map(|p| self.inside(p));
            (0..self.meetings.len())
                .filter(|&i| {
                    let m = &self.meetings[i];
                    statuses.contains(&m.status)
                        && inside
                            .as_ref()
                            .is_none_or(|set| m.place.is_some_and(|p| set.contains(&p)))
                        && f.during
                            .is_none_or(|d| m.date.is_some_and(|md| within(&md, &d)))
                })
                .collect()
        }

        pub fn part(&self, m: usize, actor: usize) -> Option<(Option<usize>, Certainty)> {
            self.meetings[m]
                .participants
                .iter()
                .find(|p| p.0 == actor)
                .map(|p| (p.1, p.2))
        }

        /// `who met` (`together` false) or `who was with` (true): actor → meetings.
        pub fn who(&self, anchor: usize, f: &Filter, together: bool) -> BTreeMap<usize, i64> {
            let any = f.any_certainty();
            let counts = |c: Certainty| any || c == Certainty::Confirmed;
            let mut out = BTreeMap::new();
            for m in self.kept(f) {
                let Some((side, c)) = self.part(m, anchor) else {
                    continue;
                };
                if !counts(c) {
                    continue;
                }
                for &(other, other_side, oc) in &self.meetings[m].participants {
                    let paired = if together {
                        side.is_some() && side == other_side
                    } else {
                        met(side, other_side)
                    };
                    if other != anchor && counts(oc) && paired {
                        *out.entry(other).or_default() += 1;
                    }
                }
            }
            out
        }

        /// Meetings in the order questions list them: date order, undated last, then by id.
        pub fn in_date_order(&self, mut list: Vec<usize>) -> Vec<usize> {
            // Date order is first day, then last day (`DateSpan`'s own order, whose tie-break
            // between spans of the same days is arbitrary but total); undated last.
            list.sort_by_key(|&i| {
                let d = self.meetings[i].date;
                (d.is_none(), d, i)
            });
            list
        }

        /// `meetings with …` (all of `actors`), with the filter.
        pub fn meetings_with(&self, actors: &[usize], f: &Filter) -> Vec<usize> {
            let any = f.any_certainty();
            let kept = self
                .kept(f)
                .into_iter()
                .filter(|&m| {
                    actors.iter().all(|&a| {
                        self.part(m, a)
                            .is_some_and(|(_, c)| any || c == Certainty::Confirmed)
                    })
                })
                .collect();
            self.in_date_order(kept)
        }

        /// `when did a meet b`.
        pub fn when(&self, a: usize, b: usize, f: &Filter) -> Vec<usize> {
            let any = f.any_certainty();
            let kept = self
                .kept(f)
                .into_iter()
                .filter(|&m| match (self.part(m, a), self.part(m, b)) {
                    (Some((sa, ca)), Some((sb, cb))) => {
                        a != b
                            && (any || (ca == Certainty::Confirmed && cb == Certainty::Confirmed))
                            && met(sa, sb)
                    }
                    _ => false,
                })
                .collect();
            self.in_date_order(kept)
        }

        /// Whether meeting `m` is a hop between `a` and `b` under the filter.
        pub fn hop(&self, m: usize, a: usize, b: usize, f: &Filter) -> bool {
            self.when(a, b, f).contains(&m)
        }

        /// The fewest hops from `a` to `b` in time order, if any: every state (actor, the
        /// first days of the meetings so far) is explored, with no pruning.
        pub fn distance_in_time_order(&self, a: usize, b: usize, f: &Filter) -> Option<usize> {
            let mut layer: BTreeSet<(usize, i32)> = BTreeSet::from([(a, i32::MIN)]);
            for hops in 1..=6 {
                let mut next = BTreeSet::new();
                for &(x, after) in &layer {
                    for y in 0..self.actors {
                        for m in self.when(x, y, f) {
                            let Some(date) = self.meetings[m].date else {
                                continue;
                            };
                            if date.last_day().0 < after {
                                continue;
                            }
                            if y == b {
                                return Some(hops);
                            }
                            next.insert((y, after.max(date.first_day().0)));
                        }
                    }
                }
                layer = next;
            }
            None
        }

        /// Whether meeting `m` may follow meetings whose latest first day is `after`.
        pub fn follows(&self, m: usize, after: i32) -> Option<i32> {
            let date = self.meetings[m].date?;
            (date.last_day().0 >= after).then(|| after.max(date.first_day().0))
        }

        /// The fewest hops from `a` to `b`, if any.
        pub fn distance(&self, a: usize, b: usize, f: &Filter) -> Option<usize> {
            let mut seen: HashMap<usize, usize> = HashMap::from([(a, 0)]);
            let mut queue = VecDeque::from([a]);
            while let Some(x) = queue.pop_front() {
                if x == b {
                    return Some(seen[&x]);
                }
                for y in 0..self.actors {
                    if !seen.contains_key(&y) && !self.when(x, y, f).is_empty() {
                        seen.insert(y, seen[&x] + 1);
                        queue.push_back(y);
                    }
                }
            }
            None
        }
    }

    pub fn point(year: i16, month: u8, day: u8, precision: u8) -> DatePoint {
        match precision {
            0 => DatePoint::Day(year, month, day),
            1 => DatePoint::Month(year, month),
            _ => DatePoint::Year(year),
        }
    }
}

use model::{Filter, World, M};
use proptest::prelude::*;
use proptest::sample::{select, Index};

/// The script that builds a model world with the language.
fn script_of(world: &World) -> String {
    let mut s = String::new();
    for (i, parent) in world.parents.iter().enumerate() {
        s += &format!("add place #p{i} \"Place {i}\" kind region");
        if let Some(p) = parent {
            s += &format!(" in #p{p}");
        }
        s += ";\n";
    }
    for a in 0..world.actors {
        s += &format!("add actor #a{a} \"Actor {a}\";\n");
    }
    for (i, m) in world.meetings.iter().enumerate() {
        s += &format!("add meeting #m{i} kind talks status {}", m.status);
        if let Some(d) = m.date {
            s += &format!(" on {d}");
        }
        if let Some(p) = m.place {
            s += &format!(" in #p{p}");
        }
        for (a, side, c) in &m.participants {
            s += &format!("\n  with #a{a} certainty {c}");
            if let Some(side) = side {
                s += &format!(" side #a{side}");
            }
        }
        s += ";\n";
    }
    s
}

fn date_point() -> impl Strategy<Value = entrevue::DatePoint> {
    (
        1u8..=3,
        1u8..=28,
        prop_oneof![6 => Just(0u8), 3 => Just(1u8), 1 => Just(2u8)],
    )
        .prop_map(|(m, d, p)| model::point(2025, m, d, p))
}

fn date_span() -> impl Strategy<Value = entrevue::DateSpan> {
    (
        date_point(),
        proptest::option::weighted(0.25, date_point()),
        any::<bool>(),
    )
        .prop_filter_map("ordered", |(a, b, approx)| {
            let span = match b {
                None => entrevue::DateSpan::point(a).ok()?,
                Some(b) => entrevue::DateSpan::range(a, b)
                    .or_else(|_| entrevue::DateSpan::range(b, a))
                    .ok()?,
            };
            Some(if approx { span.approximate() } else { span })
        })
}

fn random_world() -> impl Strategy<Value = World> {
    let certainty = prop_oneof![
        6 => Just(entrevue::Certainty::Confirmed),
        1 => Just(entrevue::Certainty::Expected),
        1 => Just(entrevue::Certainty::Possible),
    ];
    let status = prop_oneof![5 => Just(Status::Occurred), 2 => select(Status::ALL.to_vec())];
    let participant = (
        0usize..7,
        proptest::option::weighted(0.7, 0usize..3),
        certainty,
    );
    let meeting = (
        proptest::option::weighted(0.85, date_span()),
        proptest::option::weighted(0.7, any::<Index>()),
        status,
        proptest::collection::vec(participant, 0..5),
    );
    (
        proptest::collection::vec(proptest::option::of(any::<Index>()), 1..7),
        proptest::collection::vec(meeting, 0..40),
    )
        .prop_map(|(parents, meetings)| {
            let parents: Vec<Option<usize>> = parents
                .iter()
                .enumerate()
                .map(|(i, p)| p.filter(|_| i > 0).map(|p| p.index(i)))
                .collect();
            let places = parents.len();
            let meetings = meetings
                .into_iter()
                .map(|(date, place, status, participants)| {
                    let mut seen = std::collections::BTreeSet::new();
                    M {
                        date,
                        place: place.map(|p| p.index(places)),
                        status,
                        participants: participants
                            .into_iter()
                            .filter(|p| seen.insert(p.0))
                            .collect(),
                    }
                })
                .collect();
            World {
                parents,
                actors: 7,
                meetings,
            }
        })
}

fn filters(world: &World) -> Vec<Filter> {
    let mut out = Vec::new();
    let spans: Vec<Option<entrevue::DateSpan>> = [
        None,
        Some("2025-01"),
        Some("2025-02-10..2025-03-05"),
        Some("2025-02-14"),
        Some("~2025-03"),
        Some("2025"),
    ]
    .iter()
    .map(|s| s.map(|s| s.parse().unwrap()))
    .collect();
    let includings = [
        None,
        Some(vec![Status::Planned]),
        Some(vec![Status::Possible, Status::Cancelled]),
        Some(Status::ALL.to_vec()),
    ];
    let places: Vec<Option<usize>> = std::iter::once(None)
        .chain((0..world.parents.len()).map(Some))
        .collect();
    for (i, during) in spans.iter().enumerate() {
        for (j, including) in includings.iter().enumerate() {
            out.push(Filter {
                place: places[(i + j) % places.len()],
                during: *during,
                including: including.clone(),
            });
        }
    }
    out
}

fn handles(rows: &Rows) -> Vec<String> {
    column(rows, "meeting")
}

fn names_of(list: &[usize]) -> Vec<String> {
    list.iter().map(|m| format!("m{m}")).collect()
}

/// Checks every question form against the model, for every pair of actors and each filter.
fn agree(db: &Database, world: &World) {
    // Every answer is also asked of the records in memory, copied once.
    let memory = db.memory_copy().unwrap();
    let q = |db: &Database, text: &str| q_both(db, Some(&memory), text);
    for f in filters(world) {
        let tail = f.text();
        for a in 0..world.actors {
            for (question, together) in [("who met", false), ("who was with", true)] {
                let text = format!("{question} #a{a}{tail} return actor, handle, meetings");
                let expected = world.who(a, &f, together);
                let mut rows: Vec<(i64, String)> = expected
                    .iter()
                    .map(|(actor, n)| (-n, format!("Actor {actor}")))
                    .collect();
                rows.sort();
                let expected: Vec<Vec<String>> = rows
                    .into_iter()
                    .map(|(n, name)| {
                        let handle = format!("a{}", &name["Actor ".len()..]);
                        vec![name, handle, (-n).to_string()]
                    })
                    .collect();
                assert_eq!(table(&q(db, &text)), expected, "{text}");
            }
            let text = format!("meetings with #a{a}{tail}");
            assert_eq!(
                handles(&q(db, &text)),
                names_of(&world.meetings_with(&[a], &f)),
                "{text}"
            );
            for b in 0..world.actors {
                let text = format!("when did #a{a} meet #a{b}{tail}");
                let answer = q(db, &text);
                assert_eq!(handles(&answer), names_of(&world.when(a, b, &f)), "{text}");
                if b > a {
                    let text = format!("meetings with #a{a} and #a{b}{tail}");
                    assert_eq!(
                        handles(&q(db, &text)),
                        names_of(&world.meetings_with(&[a, b], &f)),
                        "{text}"
                    );
                }
            }
        }
        let text = format!("meetings{tail}");
        let all = world.in_date_order(world.kept(&f));
        assert_eq!(handles(&q(db, &text)), names_of(&all), "{text}");
    }
    // Paths: as short as possible, and every step a real encounter.
    for f in [
        Filter {
            place: None,
            during: None,
            including: None,
        },
        Filter {
            place: None,
            during: None,
            including: Some(Status::ALL.to_vec()),
        },
        Filter {
            place: None,
            during: Some("2025-02".parse().unwrap()),
            including: None,
        },
        Filter {
            place: Some(0),
            during: None,
            including: Some(vec![Status::Planned]),
        },
    ] {
        for a in 0..world.actors {
            for b in 0..world.actors {
                if a == b {
                    continue;
                }
                let text = format!("path from #a{a} to #a{b}{}", f.text());
                let answer = q(db, &text);
                let steps = answer.rows.len();
                match world.distance(a, b, &f) {
                    Some(d) if d <= 6 => assert_eq!(steps, d, "{text}"),
                    _ => {
                        assert_eq!(steps, 0, "{text}");
                        assert!(answer.note.is_some(), "{text}");
                    }
                }
                let mut at = a;
                for row in &answer.rows {
                    let from = cell(&row[1]);
                    let to = cell(&row[2]);
                    assert_eq!(from, format!("Actor {at}"), "{text}");
                    let next: usize = to["Actor ".len()..].parse().unwrap();
                    let m: usize = cell(&row[3])[1..].parse().unwrap();
                    assert!(world.hop(m, at, next, &f), "{text}: m{m} is no hop");
                    at = next;
                }
                if steps > 0 {
                    assert_eq!(at, b, "{text}");
                }
                // In time order: as few hops as a search of every chain finds, each meeting
                // no earlier than those before it.
                let text = format!("path from #a{a} to #a{b}{} in time order", f.text());
                let answer = q(db, &text);
                match world.distance_in_time_order(a, b, &f) {
                    Some(d) => assert_eq!(answer.rows.len(), d, "{text}"),
                    None => assert!(answer.rows.is_empty() && answer.note.is_some(), "{text}"),
                }
                let (mut at, mut after) = (a, i32::MIN);
                for row in &answer.rows {
                    let next: usize = cell(&row[2])["Actor ".len()..].parse().unwrap();
                    let m: usize = cell(&row[3])[1..].parse().unwrap();
                    assert!(world.hop(m, at, next, &f), "{text}: m{m} is no hop");
                    after = world
                        .follows(m, after)
                        .unwrap_or_else(|| panic!("{text}: m{m} is out of time order"));
                    at = next;
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn answers_agree_with_a_reading_of_the_records(world in random_world()) {
        let db = Database::temporary().unwrap();
        db.execute(&script_of(&world)).unwrap();
        agree(&db, &world);
    }
}

/// A world big enough that posting lists split into several chunks.
#[test]
fn answers_agree_on_a_world_with_long_posting_lists() {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n) as usize
    };
    let parents = vec![None, Some(0), Some(1), Some(0), None];
    let mut meetings = Vec::new();
    for _ in 0..1400 {
        let date = match next(10) {
            0 => None,
            _ => {
                let a = model::point(
                    2025,
                    1 + next(3) as u8,
                    1 + next(28) as u8,
                    [0, 0, 0, 1, 2][next(5)],
                );
                let span = entrevue::DateSpan::point(a).unwrap();
                Some(if next(4) == 0 {
                    span.approximate()
                } else {
                    span
                })
            }
        };
        let mut participants = vec![(0usize, Some(next(3)), entrevue::Certainty::Confirmed)];
        for _ in 0..next(3) {
            let actor = 1 + next(6);
            if participants.iter().all(|p| p.0 != actor) {
                let side = [None, Some(0), Some(1), Some(2)][next(4)];
                let c = entrevue::Certainty::ALL[[0, 0, 0, 1, 2][next(5)]];
                participants.push((actor, side, c));
            }
        }
        meetings.push(M {
            date,
            place: [None, Some(0), Some(1), Some(2), Some(3), Some(4)][next(6)],
            status: Status::ALL[[0, 0, 0, 1, 2, 3, 4, 5][next(8)]],
            participants,
        });
    }
    let world = World {
        parents,
        actors: 7,
        meetings,
    };
    let db = Database::temporary().unwrap();
    db.execute(&script_of(&world)).unwrap();
    assert!(db.check().unwrap().is_clean());
    agree(&db, &world);
    // Timelines list every meeting of the actor.
    let mine: Vec<usize> = (0..world.meetings.len())
        .filter(|&m| world.part(m, 3).is_some())
        .collect();
    assert_eq!(
        handles(&q(&db, "timeline of #a3")),
        names_of(&world.in_date_order(mine))
    );
}

// ---- return: choosing columns ------------------------------------------------------------

fn sorted_table(rows: &Rows) -> Vec<Vec<String>> {
    let mut all = table(rows);
    all.sort();
    all
}

#[test]
fn return_keeps_the_columns_it_names_in_its_order() {
    let db = world();
    for question in [
        "who met Ann Archer",
        "meetings with Ann Archer including all",
        "meetings in North Province",
        "timeline of Pia Park",
    ] {
        let full = q(&db, question);
        let picked = [full.columns[2].clone(), full.columns[0].clone()];
        let text = format!("{question} return {}, {}", picked[0], picked[1]);
        let returned = q(&db, &text);
        assert_eq!(returned.columns, picked, "{text}");
        let expected: Vec<Vec<Value>> = full
            .rows
            .iter()
            .map(|r| vec![r[2].clone(), r[0].clone()])
            .collect();
        let expected = Rows {
            rows: expected,
            ..returned.clone()
        };
        assert_eq!(sorted_table(&returned), sorted_table(&expected), "{text}");
        assert!(!returned.rows.is_empty(), "{text}");
    }
}

#[test]
fn id_is_the_record_number_of_each_row() {
    let db = world();
    let actors = q(&db, "who met Ann Archer including all return id, handle");
    assert!(!actors.rows.is_empty());
    for row in &actors.rows {
        let (Value::Int(id), Value::Text(handle)) = (&row[0], &row[1]) else {
            panic!("{row:?}");
        };
        let actor: entrevue::Actor = db.get(entrevue::Id::new(*id as u64)).unwrap().unwrap();
        assert_eq!(&actor.handle, handle);
    }
    let meetings = q(&db, "meetings with Pia Park return id, meeting");
    assert!(!meetings.rows.is_empty());
    for row in &meetings.rows {
        let (Value::Int(id), Value::Text(handle)) = (&row[0], &row[1]) else {
            panic!("{row:?}");
        };
        let meeting: Meeting = db.get(entrevue::Id::new(*id as u64)).unwrap().unwrap();
        assert_eq!(&meeting.handle, handle);
    }
}

#[test]
fn order_may_use_a_column_that_return_leaves_out() {
    let db = world();
    let by_count = q(
        &db,
        "who met Ann Archer including all order by meetings desc, actor",
    );
    let names = q(
        &db,
        "who met Ann Archer including all return actor order by meetings desc, actor",
    );
    assert_eq!(names.columns, ["actor"]);
    let expected: Vec<Vec<Value>> = by_count.rows.iter().map(|r| vec![r[0].clone()]).collect();
    assert_eq!(names.rows, expected);
    let explained = plan(
        &db,
        "who met Ann Archer return actor order by meetings desc",
    );
    assert!(explained.contains("Keep columns 1"), "{explained}");
}

#[test]
fn return_errors_say_which_columns_exist() {
    let db = world();
    let e = err(&db, "who met Ann Archer return actor, nope");
    let shown = e.to_string();
    assert!(
        shown.starts_with(
            "1:34: there is no column 'nope' to return; the columns are actor, handle, meetings, side, role, certainty, via, id"
        ),
        "{shown}"
    );
    let e = err(&db, "path from Ann Archer to Bo Berg return when");
    assert!(e.to_string().contains("to return; the columns are"), "{e}");
    let e = err(&db, "who met Ann Archer limit 2 return id");
    assert!(
        e.to_string()
            .contains("`return` goes before `order by` and `limit`"),
        "{e}"
    );
}

// ---- undated but bounded ---------------------------------------------------------------------

/// A world of its own for the bound of undated meetings: `x` is undated and reported in a
/// document published in June, `y` is dated, `z` is undated with an undated source.
const BOUNDED: &str = r#"
add document #early title "Early" published 2025-04-10;
add document #late title "Late" published 2025-06;
add document #note title "Undated note";
add actor #ann "Ann";
add actor #bo "Bo";
add meeting #x kind talks status occurred with Ann with Bo source #late "they met";
add meeting #y kind talks on 2025-05-01 status occurred with Ann with Bo;
add meeting #z kind talks status occurred with Ann with Bo source #note "maybe";
"#;

/// `when did Ann meet Bo` as (date, meeting) pairs, after checking the store is consistent.
#[track_caller]
fn bounded_order(db: &Database) -> Vec<[String; 2]> {
    assert!(db.check().unwrap().is_clean(), "{:?}", db.check().unwrap());
    let rows = q(db, "when did Ann meet Bo return date, meeting");
    table(&rows)
        .into_iter()
        .map(|r| [r[0].clone(), r[1].clone()])
        .collect()
}

fn pairs(rows: &[[&str; 2]]) -> Vec<[String; 2]> {
    rows.iter()
        .map(|[d, m]| [d.to_string(), m.to_string()])
        .collect()
}

#[test]
fn an_undated_meeting_is_bounded_by_its_first_report_and_the_bound_follows_writes() {
    let db = Database::temporary().unwrap();
    db.execute(BOUNDED).unwrap();
    // A document published in a month reports by the month's last day.
    assert_eq!(
        bounded_order(&db),
        pairs(&[["2025-05-01", "y"], ["before 2025-06-30", "x"], ["∅", "z"]])
    );
    // Never a date filter: its first day is unknown.
    assert!(column(&q(&db, "meetings during 2025 return meeting"), "meeting") == ["y"]);
    // A source added earlier moves the bound earlier.
    db.execute(r#"set meeting #x source #late "they met" source #early "they had met";"#)
        .unwrap();
    assert_eq!(
        bounded_order(&db),
        pairs(&[["before 2025-04-10", "x"], ["2025-05-01", "y"], ["∅", "z"]])
    );
    // A corrected publication date moves the bound of every meeting citing the document.
    db.execute("set document #early published 2025-07-02;")
        .unwrap();
    assert_eq!(
        bounded_order(&db),
        pairs(&[["2025-05-01", "y"], ["before 2025-06-30", "x"], ["∅", "z"]])
    );
    db.execute(r#"set meeting #z source #note "maybe" source #early "then";"#)
        .unwrap();
    assert_eq!(
        bounded_order(&db),
        pairs(&[
            ["2025-05-01", "y"],
            ["before 2025-06-30", "x"],
            ["before 2025-07-02", "z"]
        ])
    );
    // Left with an undated source only, it is undated again, and lists last.
    db.execute(r#"set meeting #x source #note "only this";"#)
        .unwrap();
    assert_eq!(
        bounded_order(&db),
        pairs(&[["2025-05-01", "y"], ["before 2025-07-02", "z"], ["∅", "x"]])
    );
    // A date given to it replaces the bound; the record never holds the bound.
    db.execute("set meeting #z on 2025-03;").unwrap();
    assert_eq!(
        bounded_order(&db),
        pairs(&[["2025-03", "z"], ["2025-05-01", "y"], ["∅", "x"]])
    );
    assert!(meeting(&db, "x").date.is_none());
    assert!(dump(&db).iter().all(|s| !s.contains("before")));
}
