//! Questions about the reporting itself: `as of DATE` (the facts as the documents published by
//! then report them) and `according to DOC` (as one document reports them), on the demo data
//! with answers derived from the articles' publication dates (d001 2025-12-06; d000 and d002
//! 2025-12-20; d003 2025-12-23; d004 2026-01-31), and on a small world of same-day and
//! conflicting reports. Every answer is asked of the store and of a `MemoryCatalog` copy.

mod common;

use common::{cell, demo, render};
use entrevue::{Database, Rows};

/// The answer of the store, which a `MemoryCatalog` copy must give too.
fn q(db: &Database, text: &str) -> Rows {
    let rows = db
        .query(text)
        .unwrap_or_else(|e| panic!("`{text}` failed: {e}"));
    let memory = db.memory_copy().expect("a memory copy");
    let in_memory = memory
        .query(text)
        .unwrap_or_else(|e| panic!("`{text}` failed in memory: {e}"));
    assert_eq!(in_memory, rows, "`{text}` in memory and on disk");
    rows
}

/// `q`, rendered as `meeting | date | status`.
fn meetings(db: &Database, text: &str) -> Vec<String> {
    render(&q(db, text), &["meeting", "date", "status"])
}

/// The error of the store, which a `MemoryCatalog` copy must give too.
fn fails(db: &Database, text: &str) -> String {
    let error = db.query(text).expect_err(text).to_string();
    let memory = db.memory_copy().expect("a memory copy");
    let in_memory = memory.query(text).expect_err(text).to_string();
    assert_eq!(in_memory, error, "`{text}` in memory and on disk");
    error
}

// ---- the demo ---------------------------------------------------------------------------------

#[test]
fn as_of_the_day_two_articles_disagree_the_recorded_status_wins() {
    let db = demo();
    // d000 (held, no `says`) and d002 (`says planned`) were both published on 2025-12-20: d000
    // supports the recorded "occurred", so m08 occurred as of that day. For m12, d000 supports
    // the recorded "ruled_out" against d002's "possible".
    assert_eq!(
        meetings(&db, "meetings with Dmitriev as of 2025-12-20 including all"),
        ["m08 | 2025-12-20 | occurred", "m12 | — | ruled_out"]
    );
    assert_eq!(
        meetings(&db, "meetings with Dmitriev as of 2025-12-20"),
        ["m08 | 2025-12-20 | occurred"]
    );
    // Nothing about Dmitriev was published before the 20th.
    assert!(meetings(&db, "meetings with Dmitriev as of 2025-12-19 including all").is_empty());
    // A month means its last day; a year, its last day.
    assert_eq!(
        meetings(&db, "meetings with Dmitriev as of 2025-12"),
        meetings(&db, "meetings with Dmitriev as of 2025-12-31"),
    );
}

#[test]
fn as_of_the_first_article_only_what_it_reported() {
    let db = demo();
    // Only d001 (2025-12-06) was out: the visit, the golf-club talks (on the day d001 gives),
    // the Miami talks of the 5th and the talks planned for the 6th.
    let rows = q(&db, "timeline of Umerov as of 2025-12-06");
    assert_eq!(
        render(&rows, &["date", "meeting", "status"]),
        [
            "~2025-11-24..2025-11-30 | m01 | occurred",
            "2025-11-30 | m02 | occurred",
            "2025-12-05 | m04 | occurred",
            "2025-12-06 | m05 | planned",
        ]
    );
    // By the 20th, d000 is the latest report of m02, and it said "fin novembre".
    let rows = q(
        &db,
        "timeline of Umerov as of 2025-12-20 return date, meeting",
    );
    assert!(render(&rows, &["date", "meeting"]).contains(&"~2025-11 | m02".to_string()));
    // Before any article, nothing.
    assert!(q(&db, "timeline of Umerov as of 2025-12-05")
        .rows
        .is_empty());
}

#[test]
fn as_of_filters_test_the_status_and_date_of_the_view() {
    let db = demo();
    // m02 is on ~2025-11 as of 2025-12-20: not inside 2025-11-30 any more, inside 2025-11.
    assert!(!meetings(
        &db,
        "meetings with Umerov during 2025-11-30 as of 2025-12-20"
    )
    .iter()
    .any(|m| m.starts_with("m02")));
    assert!(
        meetings(&db, "meetings with Umerov during 2025-11 as of 2025-12-20")
            .iter()
            .any(|m| m.starts_with("m02"))
    );
    // Counts count what the view keeps: as of the 6th, Witkoff had met Umerov twice (m02, m04).
    let rows = q(&db, "who met Umerov as of 2025-12-06");
    assert!(render(&rows, &["actor", "meetings"]).contains(&"Steve Witkoff | 2".to_string()));
    // The meetings behind a count carry the status of the view.
    let rows = q(
        &db,
        "who met Dmitriev including all according to d002 return actor, via",
    );
    assert!(
        render(&rows, &["actor", "via"]).contains(&"Steve Witkoff | m08 (planned)".to_string()),
        "{rows:?}"
    );
}

#[test]
fn according_to_one_article() {
    let db = demo();
    assert_eq!(
        meetings(&db, "meetings according to d002 including all"),
        [
            "m06 | 2025-12-19 | occurred",
            "m07 | 2025-12-19..2025-12-20 | occurred",
            "m08 | 2025-12-20 | planned",
            "m12 | — | possible",
        ]
    );
    // d002 reports no meeting with Dmitriev that occurred.
    assert!(meetings(&db, "meetings with Dmitriev according to d002").is_empty());
    assert_eq!(
        meetings(&db, "meetings status planned according to #d002"),
        ["m08 | 2025-12-20 | planned"]
    );
    // d000 gives the golf-club talks as "fin novembre".
    assert_eq!(
        meetings(&db, "meetings with Rubio according to d000 including all"),
        ["m02 | ~2025-11 | occurred", "m08 | 2025-12-20 | occurred"]
    );
}

#[test]
fn explain_says_what_a_view_reads() {
    let db = demo();
    let explain = |text: &str| db.query(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    let rows = explain("explain meetings with Dmitriev as of 2025-12-20");
    let text: Vec<String> = rows.rows.iter().map(|r| cell(&r[0])).collect();
    assert!(
        text.iter().any(|l| l
            .contains("View each meeting as the latest documents published by 2025-12-20")
            && l.contains("every meeting record of the list")),
        "{text:#?}"
    );
    let rows = explain("explain meetings with Dmitriev");
    assert!(!rows.rows.iter().any(|r| cell(&r[0]).contains("View")));
}

#[test]
fn views_are_refused_where_they_do_not_apply() {
    let db = demo();
    let error = fails(&db, "sources of m08 as of 2025-12-20");
    assert!(
        error.contains("`as of` does not apply to `sources of`"),
        "{error}"
    );
    assert!(error.contains("1:22"), "{error}");
    let error = fails(&db, "reported by d000 according to d002");
    assert!(
        error.contains("`according to` does not apply to `reported by`"),
        "{error}"
    );
    let error = fails(&db, "who is Witkoff during 2025-12 as of 2025-12-20");
    assert!(
        error.contains("`during` does not apply to `who is`"),
        "{error}"
    );
    let error = fails(&db, "meetings as of 2025-12-20 according to d002");
    assert!(error.contains("cannot be given together"), "{error}");
    let error = fails(&db, "meetings according to d999");
    assert!(error.contains("d999"), "{error}");
    let error = fails(&db, "meetings as of 2025-12-20 as of 2025-12-21");
    assert!(error.contains("`as of` is given twice"), "{error}");
    let error = fails(&db, "meetings as of Dmitriev");
    assert!(
        error.contains("1:16") && error.contains("a date"),
        "{error}"
    );
}

// ---- relations and their sources -----------------------------------------------------------

#[test]
fn relations_of_an_actor_with_how_many_documents_report_each() {
    let db = demo();
    // fixtures/miami-talks/miami-talks.ent: Kushner is Trump's son-in-law by d000, d001 and
    // d004, and an envoy of the United States by d002 alone.
    let all = q(&db, "relations of Kushner");
    assert_eq!(
        render(&all, &["subject", "predicate", "object", "sources"]),
        [
            "Jared Kushner | son_in_law_of | Donald Trump | 3",
            "Jared Kushner | envoy_of | United States | 1",
        ]
    );
    let corroborated = q(&db, "relations of Kushner with at least 2 sources");
    assert_eq!(
        render(&corroborated, &["predicate", "sources"]),
        ["son_in_law_of | 3"]
    );
    assert!(q(&db, "relations of Kushner with at least 4 sources").is_empty());
    let error = fails(&db, "relations of Kushner during 2025");
    assert!(
        error.contains("`during` does not apply to `relations of`"),
        "{error}"
    );
    let error = fails(&db, "relations of Kushner with at least 2 participants");
    assert!(
        error.contains("`with at least` does not apply to `relations of`"),
        "{error}"
    );
}

// ---- views of the path and the profiles --------------------------------------------------------

#[test]
fn a_path_goes_only_through_what_the_view_reports() {
    let db = demo();
    // Bessent met no one but at m09 (Florida, 2026-01-31), which only d004 (published that
    // day) reports: before it, no chain leaves him.
    let before = q(&db, "path from Bessent to Umerov as of 2025-12-31");
    assert!(before.is_empty(), "{:?}", before.rows);
    let note = before.note.clone().unwrap_or_default();
    assert!(note.contains("no chain"), "{note}");
    // By then: m09 (Bessent met Dmitriev), m08 or m09 (Dmitriev met Witkoff and Kushner),
    // then a meeting of those two with Umerov (m02 or m04): three steps.
    let after = q(&db, "path from Bessent to Umerov as of 2026-01-31");
    let steps = render(&after, &["step", "meeting"]);
    assert_eq!(steps.len(), 3, "{steps:?}");
    assert_eq!(steps[0], "1 | m09");
    assert!(
        ["2 | m08", "2 | m09"].contains(&steps[1].as_str()),
        "{steps:?}"
    );
    assert!(
        ["3 | m02", "3 | m04"].contains(&steps[2].as_str()),
        "{steps:?}"
    );
    // d002 still expected the Miami talks with Dmitriev (m08): by its account he met no one.
    assert!(q(&db, "path from Dmitriev to Umerov according to d002").is_empty());
}

#[test]
fn a_path_shows_each_meeting_as_the_view_reports_it() {
    let db = demo();
    // By d000: Dmitriev met Witkoff and Kushner at m08 (2025-12-20, held), and those two met
    // Umerov only at m02, which d000 dates "fin novembre" (says ~2025-11): m04 is d001's alone.
    let rows = q(&db, "path from Dmitriev to Umerov according to d000");
    let steps = render(&rows, &["step", "meeting", "date", "status"]);
    assert_eq!(
        steps,
        [
            "1 | m08 | 2025-12-20 | occurred",
            "2 | m02 | ~2025-11 | occurred"
        ]
    );
}

/// The `meetings` line of a profile.
fn meetings_line(rows: &Rows) -> String {
    let line = render(rows, &["field", "value"])
        .into_iter()
        .find(|l| l.starts_with("meetings | "));
    line.unwrap_or_default()
}

#[test]
fn a_profile_counts_the_meetings_as_the_view_reports_them() {
    let db = demo();
    // Dmitriev: m08 (held; d002 said planned), m09 (held, d004 only), m12 (ruled out; d002
    // said possible).
    let all = q(&db, "who is Dmitriev");
    assert_eq!(meetings_line(&all), "meetings | 2 occurred, 1 ruled_out");
    // On 2025-12-20 d000 and d002 came out; the record's status wins where one of them
    // reports it, and m09 is not reported yet.
    let then = q(&db, "who is Dmitriev as of 2025-12-20");
    assert_eq!(meetings_line(&then), "meetings | 1 occurred, 1 ruled_out");
    let d002 = q(&db, "who is Dmitriev according to d002");
    assert_eq!(meetings_line(&d002), "meetings | 1 planned, 1 possible");
    // The rest of the profile is the record's.
    assert_eq!(all.rows[..3], d002.rows[..3]);
}

#[test]
fn a_place_profile_lists_the_meetings_as_the_view_reports_them() {
    let db = demo();
    // Miami: m04 (2025-12-05, d001), m06 (2025-12-19) and m08 (2025-12-20), all held.
    let all = q(&db, "where is Miami");
    assert_eq!(meetings_line(&all), "meetings | 3 occurred");
    // As of d001's day, only m04 was reported.
    let then = q(&db, "where is Miami as of 2025-12-06");
    assert_eq!(meetings_line(&then), "meetings | 1 occurred");
    let listed: Vec<String> = render(&then, &["field", "value"])
        .into_iter()
        .filter(|l| l.starts_with("meeting | "))
        .collect();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert!(
        listed[0].starts_with("meeting | m04 2025-12-05 "),
        "{listed:?}"
    );
    // d002 reports m06 held and m08 still planned.
    let d002 = q(&db, "where is Miami according to d002");
    assert_eq!(meetings_line(&d002), "meetings | 1 occurred, 1 planned");
    let listed: Vec<String> = render(&d002, &["field", "value"])
        .into_iter()
        .filter(|l| l.starts_with("meeting | "))
        .collect();
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(
        listed[0].starts_with("meeting | m06 2025-12-19 "),
        "{listed:?}"
    );
    assert!(
        listed[1].starts_with("meeting | m08 2025-12-20 "),
        "{listed:?}"
    );
    assert!(listed[1].ends_with("(planned)"), "{listed:?}");
}

// ---- same-day and conflicting reports ---------------------------------------------------------

/// Talks planned on Wednesday's paper, held on Friday's; two papers of one Saturday that
/// disagree with each other and with the record; a paper with no publication date; one
/// published in a month.
const WORLD: &str = r#"
add document #wed title "Wednesday" published 2025-12-03;
add document #fri title "Friday" published 2025-12-05;
add document #sat1 title "Saturday, first" published 2025-12-06;
add document #sat2 title "Saturday, second" published 2025-12-06;
add document #undated title "Undated";
add document #month title "December" published 2025-12;
add actor #a "Alice" kind person;
add actor #b "Bob" kind person;
add meeting #talks kind talks on 2025-12-04 status occurred with #a with #b
  source #wed "will meet on Thursday" says planned
  source #fri "met on Thursday";
add meeting #summit kind summit on 2025-12-10 status cancelled with #a with #b
  source #sat1 "a summit is planned" says planned 2025-12-11
  source #sat2 "a summit may happen" says possible
  source #undated "the summit was cancelled";
add meeting #call kind call on 2025-12-01 status occurred with #a with #b
  source #month "they spoke on the 1st";
"#;

fn world() -> Database {
    let db = Database::temporary().expect("a temporary database");
    db.execute(WORLD).expect("the world");
    db
}

#[test]
fn planned_on_wednesday_held_on_friday() {
    let db = world();
    let all = "meetings with Alice including all";
    assert!(meetings(&db, &format!("{all} as of 2025-12-02")).is_empty());
    assert_eq!(
        meetings(&db, &format!("{all} as of 2025-12-04")),
        ["talks | 2025-12-04 | planned"]
    );
    assert_eq!(
        meetings(&db, &format!("{all} as of 2025-12-05")),
        ["talks | 2025-12-04 | occurred"]
    );
    // The status filter tests the status as of the date.
    assert!(meetings(&db, "meetings with Alice as of 2025-12-04").is_empty());
    assert_eq!(
        meetings(&db, "meetings with Alice status planned as of 2025-12-04"),
        ["talks | 2025-12-04 | planned"]
    );
}

#[test]
fn same_day_reports_that_all_differ_from_the_record_go_by_the_highest_id() {
    let db = world();
    // sat1 says planned on the 11th, sat2 possible (on the recorded 10th). Neither supports
    // the recorded status, so the later-entered sat2's "possible" holds; sat2 supports the
    // recorded date, which holds.
    assert_eq!(
        meetings(&db, "meetings with Alice including all as of 2025-12-06"),
        [
            "talks | 2025-12-04 | occurred",
            "summit | 2025-12-10 | possible"
        ]
    );
    // Each alone.
    assert_eq!(
        meetings(&db, "meetings with Alice including all according to sat1"),
        ["summit | 2025-12-11 | planned"]
    );
    assert_eq!(
        meetings(&db, "meetings with Alice including all according to sat2"),
        ["summit | 2025-12-10 | possible"]
    );
}

#[test]
fn undated_documents_never_count_and_a_month_counts_from_its_end() {
    let db = world();
    // The undated paper is the only one supporting "cancelled": never as of any date.
    let later = meetings(&db, "meetings with Alice including all as of 2030");
    assert!(
        later.contains(&"summit | 2025-12-10 | possible".to_string()),
        "{later:?}"
    );
    // ... but according to it, yes.
    assert_eq!(
        meetings(
            &db,
            "meetings with Alice including all according to undated"
        ),
        ["summit | 2025-12-10 | cancelled"]
    );
    // A paper of "2025-12" is out by the end of December, not before.
    let mid = meetings(&db, "meetings with Alice including all as of 2025-12-20");
    assert!(!mid.iter().any(|m| m.starts_with("call")), "{mid:?}");
    let end = meetings(&db, "meetings with Alice including all as of 2025-12");
    assert!(end.iter().any(|m| m.starts_with("call")), "{end:?}");
}

// ---- disputes ---------------------------------------------------------------------------------

#[test]
fn disputes_of_the_demo() {
    let db = demo();
    let columns = ["meeting", "document", "status", "date"];
    let rows = q(&db, "disputes");
    let mut found = render(&rows, &columns);
    found.dedup();
    // m08: d000 reports it held, d002 still expected it (one of its quotes says nothing, and
    // so supports the record); m12: ruled out by d000, possible for d002. m02's "fin
    // novembre" (d000) contains d001's 30 November, which is no contradiction.
    assert_eq!(
        found,
        [
            "m08 | d000 | occurred | 2025-12-20",
            "m08 | d002 | planned | 2025-12-20",
            "m08 | d002 | occurred | 2025-12-20",
            "m08 | d002 | planned | 2025-12-20",
            "m08 | d003 | occurred | 2025-12-20",
            "m12 | d000 | ruled_out | —",
            "m12 | d002 | possible | —",
        ]
    );
    assert_eq!(rows.rows.len(), 13, "one row per quote");
    let m12 = q(
        &db,
        "disputes of m12 return document, published, status, quote",
    );
    assert_eq!(
        render(&m12, &["document", "published", "status"]),
        [
            "d000 | 2025-12-20 | ruled_out",
            "d002 | 2025-12-20 | possible"
        ]
    );
    let m05 = q(&db, "disputes of #m05");
    assert!(m05.rows.is_empty());
    assert_eq!(
        m05.note.as_deref(),
        Some("the sources of #m05 agree on its status and date")
    );
    let error = fails(&db, "disputes of m99");
    assert!(error.contains("m99"), "{error}");
    let error = fails(&db, "disputes as of 2025-12-20");
    assert!(
        error.contains("`as of` does not apply to `disputes`"),
        "{error}"
    );
}

#[test]
fn disputes_of_conflicting_reports() {
    let db = world();
    let rows = q(&db, "disputes");
    assert_eq!(
        render(&rows, &["meeting", "document", "status", "date"]),
        [
            "talks | wed | planned | 2025-12-04",
            "talks | fri | occurred | 2025-12-04",
            "summit | sat1 | planned | 2025-12-11",
            "summit | sat2 | possible | 2025-12-10",
            "summit | undated | cancelled | 2025-12-10",
        ]
    );
}

// ---- corroboration ----------------------------------------------------------------------------

#[test]
fn how_many_documents_report_a_meeting() {
    let db = demo();
    // m02: d001 and d000; m06 and m08: d000, d002 and d003; m12 (ruled out): d000 and d002.
    let rows = q(
        &db,
        "meetings with at least 2 sources return meeting, sources",
    );
    assert_eq!(
        render(&rows, &["meeting", "sources"]),
        ["m02 | 2", "m06 | 3", "m08 | 3"]
    );
    let rows = q(
        &db,
        "meetings including all with at least 2 sources return meeting, sources",
    );
    assert_eq!(
        render(&rows, &["meeting", "sources"]),
        ["m02 | 2", "m06 | 3", "m08 | 3", "m12 | 2"]
    );
    // As of a date, the documents published by then; d003 was not out on the 20th.
    let rows = q(
        &db,
        "meetings with at least 2 sources as of 2025-12-20 return meeting, sources",
    );
    assert_eq!(
        render(&rows, &["meeting", "sources"]),
        ["m02 | 2", "m06 | 2", "m08 | 2"]
    );
    assert!(q(&db, "meetings with at least 2 sources as of 2025-12-06")
        .rows
        .is_empty());
    let rows = q(
        &db,
        "timeline of Umerov according to d001 return meeting, sources",
    );
    assert!(render(&rows, &["sources"]).iter().all(|n| n == "1"));
    // Ordered by it, most reported first.
    let rows = q(
        &db,
        "meetings return meeting, sources order by sources desc limit 2",
    );
    assert_eq!(
        render(&rows, &["meeting", "sources"]),
        ["m06 | 3", "m08 | 3"]
    );
    let error = fails(&db, "path from Bessent to Hnatov with at least 2 sources");
    assert!(
        error.contains("`with at least` does not apply to `path`"),
        "{error}"
    );
    let error = fails(
        &db,
        "meetings with at least 2 sources with at least 3 sources",
    );
    assert!(error.contains("given twice"), "{error}");
}

// ---- quotes ---------------------------------------------------------------------------------
//
// Hits derived by reading fixtures/miami-talks/miami-talks.ent: "cessez-le-feu" is written only
// in d003's title (line 19); "Hallandale Beach" in m02's summary (line 221) and four of its
// quotes (lines 222-225: two of d001, two of d000); "frappes" only in m15's quote of d004
// (line 363, "les frappes sur Kiev"); "Kiev" besides in d002's title (line 17) and m13's
// quote of d000 (line 345); "négociations", never "négociateur", in m06's quote of d003
// (line 272) and m08's second quote of d002 (line 297). Summaries are in English.

/// The texts' records, parts and documents, in rank order.
fn hits(db: &Database, text: &str) -> Vec<String> {
    render(&q(db, text), &["record", "part", "document"])
}

#[test]
fn quotes_matching_a_compound_word_finds_it_in_a_title_and_keeps_to_the_view() {
    let db = demo();
    let rows = q(&db, "quotes matching 'CESSEZ-LE-FEU'");
    assert_eq!(
        render(&rows, &["record", "kind", "part", "document", "published"]),
        ["d003 | document | title | d003 | 2025-12-23"]
    );
    assert!(cell(&rows.rows[0][6]).parse::<f64>().unwrap() > 0.0);
    // The same words written apart, as a phrase in double quotes.
    assert_eq!(
        hits(&db, "quotes matching '\"cessez le feu\"'"),
        ["d003 | title | d003"]
    );
    // d003 was published on 2025-12-23: not out by the 20th, out on the 23rd.
    assert!(hits(&db, "quotes matching 'cessez-le-feu' as of 2025-12-20").is_empty());
    assert_eq!(
        hits(&db, "quotes matching 'cessez-le-feu' as of 2025-12-23"),
        ["d003 | title | d003"]
    );
    assert_eq!(
        hits(&db, "quotes matching 'cessez-le-feu' according to d003"),
        ["d003 | title | d003"]
    );
    assert!(hits(&db, "quotes matching 'cessez-le-feu' according to d002").is_empty());
}

#[test]
fn quotes_matching_ignores_case_and_accents() {
    let db = demo();
    let accented = q(&db, "quotes matching 'négociations'");
    assert_eq!(q(&db, "quotes matching 'NEGOCIATIONS'"), accented);
    let phrase = hits(&db, "quotes matching '\"hallandale BEACH\"'");
    let mut found = phrase.clone();
    found.sort();
    assert_eq!(
        found,
        [
            "m02 | quote | d000",
            "m02 | quote | d000",
            "m02 | quote | d001",
            "m02 | quote | d001",
            "m02 | summary | —",
        ]
    );
    // Whole words (or their stems) only: "Hallandal" is the stem of "Hallandale", "Hallan"
    // is nothing's.
    let sorted = |text: &str| {
        let mut found = hits(&db, text);
        found.sort();
        found
    };
    assert_eq!(
        sorted("quotes matching 'Hallandal'"),
        sorted("quotes matching 'Hallandale'")
    );
    assert!(q(&db, "quotes matching 'Hallan'").rows.is_empty());
    let error = fails(&db, "quotes matching '--'");
    assert!(
        error.contains("1:17") && error.contains("no word to match"),
        "{error}"
    );
    let error = fails(&db, "quotes matching 'Miami' in Florida");
    assert!(
        error.contains("`in` does not apply to `quotes matching`"),
        "{error}"
    );
}

#[test]
fn quotes_matching_stems_french_and_english_words() {
    let db = demo();
    // French: Snowball cuts "négociateurs" and "négociations" to one stem, so the quotes that
    // speak only of "négociations" are found too.
    let rows = q(&db, "quotes matching 'négociateurs'");
    let texts = render(&rows, &["record", "document", "text"]);
    for (record, document, words) in [
        ("m06", "d003", "les négociations menées à Miami"),
        ("m08", "d002", "lors des négociations attendues à Miami"),
    ] {
        assert!(
            texts
                .iter()
                .any(|t| t.starts_with(&format!("{record} | {document} |")) && t.contains(words)),
            "{texts:?}"
        );
    }
    // English: summaries, which no document wrote, are stemmed in both languages; "talk"
    // finds m02's "US–Ukraine talks at Witkoff's golf club".
    let talk = q(&db, "quotes matching 'talk'");
    assert!(hits(&db, "quotes matching 'talk'").contains(&"m02 | summary | —".to_string()));
    assert_eq!(q(&db, "quotes matching 'TALKS'"), talk);
}

#[test]
fn quotes_holding_more_of_the_words_rank_first() {
    let db = demo();
    let rows = q(&db, "quotes matching 'frappes Kiev'");
    let found = hits(&db, "quotes matching 'frappes Kiev'");
    assert_eq!(found.len(), 3, "{found:?}");
    assert_eq!(found[0], "m15 | quote | d004");
    let mut rest = found[1..].to_vec();
    rest.sort();
    assert_eq!(rest, ["d002 | title | d002", "m13 | quote | d000"]);
    let scores: Vec<f64> = render(&rows, &["score"])
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    // A phrase holds only when its words stand in a row.
    assert_eq!(
        hits(&db, "quotes matching '\"frappes sur Kiev\"'"),
        ["m15 | quote | d004"]
    );
    assert!(hits(&db, "quotes matching '\"Kiev sur frappes\"'").is_empty());
    // `order by` and `limit` apply as to any question.
    assert_eq!(
        hits(&db, "quotes matching 'frappes Kiev' limit 1"),
        ["m15 | quote | d004"]
    );
    assert_eq!(
        render(
            &q(
                &db,
                "quotes matching 'frappes Kiev' return record order by record"
            ),
            &["record"]
        ),
        ["d002", "m13", "m15"]
    );
}

#[test]
fn quotes_of_meetings_and_relations() {
    let db = world();
    db.execute(
        "add meeting #truce kind talks on 2025-12-08 with #a with #b \
           source #fri \"un cessez\u{2011}le\u{2011}feu est exclu\"; \
         add relation #r1 #a envoy_of #b source #sat1 \"Alice, envoyée de Bob pour le Cessez-le-feu\";",
    )
    .expect("more of the world");
    let rows = q(&db, "quotes matching \"CESSEZ-LE-FEU\"");
    let mut found = render(&rows, &["record", "kind", "document", "text"]);
    found.sort();
    assert_eq!(
        found,
        [
            "r1 | relation | sat1 | Alice, envoyée de Bob pour le Cessez-le-feu",
            "truce | meeting | fri | un cessez\u{2011}le\u{2011}feu est exclu",
        ]
    );
    // A correction and a delete change what is found.
    db.execute("set meeting #truce source #fri \"une trêve est exclue\";")
        .expect("a correction");
    assert_eq!(
        hits(&db, "quotes matching 'cessez-le-feu'"),
        ["r1 | quote | sat1"]
    );
    assert_eq!(
        hits(&db, "quotes matching 'trêve'"),
        ["truce | quote | fri"]
    );
    db.execute("delete relation #r1;").expect("a delete");
    assert!(hits(&db, "quotes matching 'cessez-le-feu'").is_empty());
    assert!(db.check().expect("a check").is_clean());
}

#[test]
fn a_backup_writes_the_search_index_through_the_bulk_load() {
    let db = demo();
    let dir = tempfile::tempdir().expect("a folder");
    let path = dir.path().join("copy");
    db.backup(&path).expect("a backup");
    let copy = Database::open(&path).expect("the copy");
    let report = copy.check().expect("a check");
    assert!(report.is_clean(), "{report}");
    for question in [
        "quotes matching 'négociateurs'",
        "quotes matching 'frappes Kiev'",
        "quotes matching 'talk' as of 2025-12-20",
    ] {
        assert_eq!(
            copy.query(question).unwrap(),
            q(&db, question),
            "{question}"
        );
    }
}
