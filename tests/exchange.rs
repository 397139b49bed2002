//! Exchange formats: the demo data through FollowTheMoney and back answers every question
//! alike; a bad file names its line and changes nothing; other FtM data is read as well as it
//! maps; the Neo4j files follow the bulk importer's header rules; GDELT events become meetings.

mod common;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use entrevue::{
    Actor, Database, Document, ExportFormat, ImportFormat, Meeting, Place, Relation, Stats,
};

fn demo() -> Database {
    let db = Database::temporary().unwrap();
    db.execute("load demo;").unwrap();
    db
}

/// Every question form of the specification, on the demo data.
const QUESTIONS: [&str; 17] = [
    "who met Witkoff",
    "who met Witkoff in Florida",
    "who met Witkoff during 2025-12",
    "who met Witkoff between 2025-11-01 and 2025-12-31",
    "who was with Witkoff",
    "when did Witkoff meet Putin",
    "where did Witkoff meet Umerov",
    "meetings with Witkoff and Dmitriev",
    "meetings in Florida during 2025-12",
    "meetings with Umerov including planned",
    "meetings with at least 4 participants",
    "path from Bessent to Zelensky",
    "path from Kushner to Putin",
    "who is Oumerov",
    "timeline of Umerov",
    "sources of #m02",
    "who met Witkoff in Florida during 2025-12 including planned",
];

#[test]
fn ftm_round_trip_keeps_every_record_and_answer() {
    let dir = tempfile::tempdir().unwrap();
    let original = demo();
    let path = dir.path().join("demo.ftm");
    original.export(ExportFormat::Ftm, None, &path).unwrap();
    let copy = Database::temporary().unwrap();
    let report = copy.import_file(ImportFormat::Ftm, &path).unwrap();
    assert!(report.skipped.is_empty(), "{report}");
    assert_eq!(copy.stats().unwrap(), original.stats().unwrap());
    // Records compare whole: aliases, titles, sides, roles, certainty, status, dates at their
    // precision, quotes and what each source says.
    same_records(&copy, &original, true);
    for question in QUESTIONS {
        let expected = original.query(question).unwrap();
        // Bessent met no one of Zelensky's chain in the sources: the one question with no rows.
        let none_expected = question.contains("Bessent");
        assert_eq!(expected.rows.is_empty(), none_expected, "{question}");
        assert_eq!(copy.query(question).unwrap(), expected, "{question}");
    }
    assert!(copy.check().unwrap().is_clean());
}

/// Each place as (handle, name, parent's handle) and each actor as (handle, name,
/// affiliation's handle): what the records say, whatever ids they were given.
/// Asserts that `copy` holds `original`'s actors, places, meetings and relations, record for
/// record and id for id, and its documents too when `documents`.
fn same_records(copy: &Database, original: &Database, documents: bool) {
    assert_eq!(
        copy.all::<Actor>().unwrap(),
        original.all::<Actor>().unwrap()
    );
    assert_eq!(
        copy.all::<Place>().unwrap(),
        original.all::<Place>().unwrap()
    );
    if documents {
        assert_eq!(
            copy.all::<Document>().unwrap(),
            original.all::<Document>().unwrap()
        );
    }
    assert_eq!(
        copy.all::<Meeting>().unwrap(),
        original.all::<Meeting>().unwrap()
    );
    assert_eq!(
        copy.all::<Relation>().unwrap(),
        original.all::<Relation>().unwrap()
    );
}

fn places_and_actors(db: &Database) -> (Vec<[String; 3]>, Vec<[String; 3]>) {
    let places = db.all::<Place>().unwrap();
    let place_handle: HashMap<u64, String> = places
        .iter()
        .map(|(id, p)| (id.get(), p.handle.clone()))
        .collect();
    let mut p: Vec<[String; 3]> = places
        .iter()
        .map(|(_, p)| {
            let parent = p.parent.map(|i| place_handle[&i.get()].clone());
            [p.handle.clone(), p.name.clone(), parent.unwrap_or_default()]
        })
        .collect();
    let actors = db.all::<Actor>().unwrap();
    let actor_handle: HashMap<u64, String> = actors
        .iter()
        .map(|(id, a)| (id.get(), a.handle.clone()))
        .collect();
    let mut a: Vec<[String; 3]> = actors
        .iter()
        .map(|(_, a)| {
            let affiliation = a.affiliation.map(|i| actor_handle[&i.get()].clone());
            [
                a.handle.clone(),
                a.name.clone(),
                affiliation.unwrap_or_default(),
            ]
        })
        .collect();
    p.sort();
    a.sort();
    (p, a)
}

#[test]
fn our_entities_may_come_in_any_order() {
    let dir = tempfile::tempdir().unwrap();
    let original = demo();
    let path = dir.path().join("demo.ftm");
    original.export(ExportFormat::Ftm, None, &path).unwrap();
    let lines: Vec<String> = std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    let is = |line: &String, record: &str| line.contains(&format!("\"record\":\"{record}\""));
    let early = |l: &String| is(l, "actor") || is(l, "place");
    // Actors and places after the meetings and relations that name them, in their own order:
    // every record comes back exactly, with the same ids.
    let mut moved: Vec<String> = lines.iter().filter(|l| !early(l)).cloned().collect();
    moved.extend(lines.iter().filter(|l| early(l)).cloned());
    let path = write(dir.path(), "moved.ftm", &(moved.join("\n") + "\n"));
    let copy = Database::temporary().unwrap();
    copy.import_file(ImportFormat::Ftm, &path).unwrap();
    same_records(&copy, &original, false);
    // Reversed, places come before their parents and actors before their affiliations: the
    // records get other ids, and say the same.
    let reversed: Vec<String> = lines.iter().rev().cloned().collect();
    let (places, actors) = places_and_actors(&original);
    assert!(
        places.iter().any(|p| !p[2].is_empty()),
        "no parents to test"
    );
    assert!(
        actors.iter().any(|a| !a[2].is_empty()),
        "no affiliations to test"
    );
    let path = write(dir.path(), "reversed.ftm", &(reversed.join("\n") + "\n"));
    let copy = Database::temporary().unwrap();
    copy.import_file(ImportFormat::Ftm, &path).unwrap();
    assert_eq!(places_and_actors(&copy), (places, actors));
    assert_eq!(copy.stats().unwrap(), original.stats().unwrap());
    assert!(copy.check().unwrap().is_clean());
}

#[test]
fn a_question_exports_its_meetings_and_what_they_involve() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo();
    let path = dir.path().join("witkoff.ftm");
    db.export(ExportFormat::Ftm, Some("meetings with Witkoff"), &path)
        .unwrap();
    let copy = Database::temporary().unwrap();
    copy.import_file(ImportFormat::Ftm, &path).unwrap();
    let question = "meetings with Witkoff";
    assert_eq!(copy.query(question).unwrap(), db.query(question).unwrap());
    let meetings = db.query(question).unwrap().rows.len() as u64;
    assert_eq!(copy.stats().unwrap().meetings, meetings);
    // A question whose rows are neither meetings nor actors is refused, in words.
    let refused = db
        .export(
            ExportFormat::Gexf,
            Some("meetings with Witkoff return date"),
            &dir.path().join("x"),
        )
        .unwrap_err()
        .to_string();
    assert!(refused.contains("return meeting"), "{refused}");
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_bad_ftm_file_names_its_line_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("demo.ftm");
    demo().export(ExportFormat::Ftm, None, &good).unwrap();
    let lines: Vec<String> = std::fs::read_to_string(&good)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    let find = |text: &str| lines.iter().position(|l| l.contains(text)).unwrap() + 1;
    let city = find("\"kind\":\"city\"");
    let actor = find("\"record\":\"actor\"");
    let cases: Vec<(usize, String, &str)> = vec![
        (5, "{not json".to_string(), "is not a JSON object"),
        (7, r#"{"schema": "Person"}"#.to_string(), "needs an \"id\""),
        (
            city,
            lines[city - 1].replace("\"kind\":\"city\"", "\"kind\":\"town\""),
            "is not a place kind",
        ),
        (
            actor,
            lines[actor - 1].replace("\"record\":\"actor\"", "\"record\":\"gadget\""),
            "not a kind of record",
        ),
    ];
    for (line, replacement, expected) in cases {
        let mut text = lines.clone();
        text[line - 1] = replacement;
        let path = write(dir.path(), "bad.ftm", &(text.join("\n") + "\n"));
        let db = Database::temporary().unwrap();
        let message = db
            .import_file(ImportFormat::Ftm, &path)
            .unwrap_err()
            .to_string();
        let at = format!("{}:{line}: ", path.display());
        assert!(
            message.starts_with(&at) && message.contains(expected),
            "{message}"
        );
        assert_eq!(db.stats().unwrap(), Stats::default());
    }
    // A meeting naming an actor the file lacks: found while linking, still nothing written.
    let meeting = lines
        .iter()
        .position(|l| l.contains("\"record\":\"meeting\""))
        .unwrap();
    let mut text = lines.clone();
    text[meeting] = text[meeting].replacen("\"actor\":\"", "\"actor\":\"nobody-", 1);
    let path = write(dir.path(), "bad.ftm", &(text.join("\n") + "\n"));
    let db = Database::temporary().unwrap();
    let message = db
        .import_file(ImportFormat::Ftm, &path)
        .unwrap_err()
        .to_string();
    assert!(
        message.starts_with(&format!("{}:{}: ", path.display(), meeting + 1)),
        "{message}"
    );
    assert!(message.contains("no actor #nobody-"), "{message}");
    assert_eq!(db.stats().unwrap(), Stats::default());
    // An import needs an empty database.
    let full = demo();
    let message = full
        .import_file(ImportFormat::Ftm, &good)
        .unwrap_err()
        .to_string();
    assert!(message.contains("empty database"), "{message}");
}

#[test]
fn other_ftm_data_is_read_as_well_as_it_maps() {
    let dir = tempfile::tempdir().unwrap();
    let text = r#"{"id": "p-ann", "schema": "Person", "properties": {"name": ["Ann Archer"], "alias": ["A. Archer"]}}
{"id": "c-acme", "schema": "Company", "properties": {"name": ["Acme Holdings"]}}
{"id": "v-1", "schema": "Vessel", "properties": {"name": ["Sea Queen"]}}
{"id": "dn-0", "schema": "Documentation", "properties": {"document": ["doc-1"], "entity": ["ev-1"], "summary": ["Acme invited Ann and Bo."]}}
{"id": "ev-1", "schema": "Event", "properties": {"name": ["Board dinner"], "date": ["2021-03-04T19:00:00"], "location": ["Oslo"], "involved": ["p-ann", "p-bo"], "organizer": ["c-acme"]}}
{"id": "p-bo", "schema": "Person", "properties": {"name": ["Bo Berg"]}}
{"id": "m-1", "schema": "Membership", "properties": {"member": ["p-ann"], "organization": ["c-acme"], "role": ["Board member"]}}
{"id": "m-2", "schema": "Membership", "properties": {"member": ["v-1"], "organization": ["c-acme"]}}
{"id": "doc-1", "schema": "Article", "properties": {"title": ["Dinner report"]}}
{"id": "dn-1", "schema": "Documentation", "properties": {"document": ["doc-1"], "entity": ["ev-1"], "summary": ["Ann and Bo dined with Acme."]}}
"#;
    let path = write(dir.path(), "other.ftm", text);
    let db = Database::temporary().unwrap();
    let report = db.import_file(ImportFormat::Ftm, &path).unwrap();
    assert_eq!(report.imported, [3, 1, 1, 1, 1], "{report}");
    let skipped = report.skipped.join("\n");
    assert!(
        skipped.contains(":3: Vessel v-1") && skipped.contains(":8: Membership m-2"),
        "{skipped}"
    );
    let met = db.query("who met Ann Archer").unwrap();
    assert_eq!(met.rows.len(), 2, "{met:?}");
    let meetings = db.query("meetings in Oslo during 2021-03-04").unwrap();
    assert_eq!(meetings.rows.len(), 1);
    let profile = format!("{:?}", db.query("who is #p-ann").unwrap());
    assert!(profile.contains("board_member"), "{profile}");
    // Bo is defined after the event that involves him, and a quote comes before the event:
    // both are kept, the quotes in the file's order.
    let (_, dinner) = db.all::<Meeting>().unwrap().remove(0);
    let quotes: Vec<&str> = dinner.sources.iter().map(|s| s.quote.as_str()).collect();
    assert_eq!(
        quotes,
        ["Acme invited Ann and Bo.", "Ann and Bo dined with Acme."]
    );
    let sources = format!("{:?}", db.query("sources of #ev-1").unwrap());
    assert!(sources.contains("Ann and Bo dined"), "{sources}");
}

/// The column types the Neo4j bulk importer knows.
const NEO4J_TYPES: [&str; 16] = [
    "int",
    "long",
    "float",
    "double",
    "boolean",
    "byte",
    "short",
    "char",
    "string",
    "point",
    "date",
    "localtime",
    "time",
    "localdatetime",
    "datetime",
    "duration",
];

#[test]
fn neo4j_files_follow_the_bulk_importer_header_rules() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("neo4j");
    let db = demo();
    db.export(ExportFormat::Neo4j, None, &out).unwrap();
    let mut ids = HashSet::new();
    let mut ends = Vec::new();
    let mut relationships = 0;
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    // Node files first, so that every relationship's ends can be looked up.
    names.sort_by_key(|n| {
        !["actors.csv", "places.csv", "documents.csv", "meetings.csv"].contains(&n.as_str())
    });
    for name in &names {
        let mut reader = csv::Reader::from_path(out.join(name)).unwrap();
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        let count = |field: &str| header.iter().filter(|h| h.ends_with(field)).count();
        for h in &header {
            if let Some((_, kind)) = h.split_once(':') {
                let base = kind.split('(').next().unwrap().trim_end_matches("[]");
                let special =
                    ["ID", "LABEL", "START_ID", "END_ID", "TYPE", "IGNORE"].contains(&base);
                assert!(special || NEO4J_TYPES.contains(&base), "{name}: column {h}");
            }
        }
        let node = count(":ID") == 1;
        if node {
            assert_eq!(
                (count(":LABEL"), count(":START_ID"), count(":TYPE")),
                (1, 0, 0),
                "{name}"
            );
        } else {
            assert_eq!(
                (count(":START_ID"), count(":END_ID"), count(":TYPE")),
                (1, 1, 1),
                "{name}"
            );
        }
        let column = |field: &str| header.iter().position(|h| h.ends_with(field));
        for row in reader.records() {
            let row = row.unwrap();
            assert_eq!(row.len(), header.len(), "{name}: {row:?}");
            for (h, value) in header.iter().zip(row.iter()) {
                if h.ends_with(":date") && !value.is_empty() {
                    assert!(
                        value.len() == 10 && value.as_bytes()[4] == b'-',
                        "{name}: {value}"
                    );
                }
            }
            if node {
                assert!(
                    ids.insert(row[column(":ID").unwrap()].to_string()),
                    "{name}: id twice"
                );
                assert!(!row[column(":LABEL").unwrap()].is_empty());
            } else {
                relationships += 1;
                assert!(!row[column(":TYPE").unwrap()].is_empty());
                ends.push((name.clone(), row[column(":START_ID").unwrap()].to_string()));
                ends.push((name.clone(), row[column(":END_ID").unwrap()].to_string()));
            }
        }
    }
    for (name, id) in ends {
        assert!(ids.contains(&id), "{name}: {id} is no node's id");
    }
    let stats = db.stats().unwrap();
    assert_eq!(
        ids.len() as u64,
        stats.actors + stats.places + stats.documents + stats.meetings
    );
    let participations: usize = db
        .all::<Meeting>()
        .unwrap()
        .iter()
        .map(|(_, m)| m.participants.len())
        .sum();
    assert!(relationships >= participations + stats.relations as usize);
    // An existing directory is refused rather than written into.
    let again = db
        .export(ExportFormat::Neo4j, None, &out)
        .unwrap_err()
        .to_string();
    assert!(again.contains("already exists"), "{again}");
}

#[test]
fn graph_exports_hold_one_node_per_actor_and_the_answers_edges() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo();
    let mut met = HashMap::new();
    for (_, actor) in db.all::<Actor>().unwrap() {
        let rows = db.query(&format!("who met #{}", actor.handle)).unwrap();
        for row in rows.rows {
            let other = row[1].as_text().unwrap().to_string();
            let key = if actor.handle < other {
                (actor.handle.clone(), other)
            } else {
                (other, actor.handle.clone())
            };
            met.insert(key, ());
        }
    }
    for format in [ExportFormat::Gexf, ExportFormat::Graphml] {
        let path = dir.path().join(format!("{format:?}"));
        db.export(format, None, &path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text.matches("<node ").count() as u64,
            db.stats().unwrap().actors
        );
        let edges = text.matches("<edge ").count();
        let met_edges = if format == ExportFormat::Gexf {
            text.matches("label=\"met\"").count()
        } else {
            text.matches(">met</data>").count()
        };
        assert_eq!(met_edges, met.len(), "{format:?}");
        assert!(edges > met_edges);
    }
}

/// The streamed exports of the demo, byte for byte, against `tests/exports/`: the files the
/// earlier writers made, which built each export whole in memory from every record held by id
/// before writing it (a separate derivation of the same formats; made again only if the demo
/// itself changes).
#[test]
fn whole_exports_are_the_bytes_the_in_memory_writers_made() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo();
    let fixed = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/exports");
    let files = [
        (ExportFormat::Ftm, "demo.ftm"),
        (ExportFormat::Gexf, "demo.gexf"),
        (ExportFormat::Graphml, "demo.graphml"),
    ];
    for (format, name) in files {
        let path = dir.path().join(name);
        db.export(format, None, &path).unwrap();
        let made = std::fs::read(&path).unwrap();
        let expected = std::fs::read(fixed.join(name)).unwrap();
        assert!(made == expected, "{name} differs from tests/exports/{name}");
    }
    let path = dir.path().join("neo4j");
    db.export(ExportFormat::Neo4j, None, &path).unwrap();
    let mut names: Vec<String> = std::fs::read_dir(&path)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected_names: Vec<String> = std::fs::read_dir(fixed.join("demo-neo4j"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    expected_names.sort();
    assert_eq!(names, expected_names);
    for name in &names {
        let made = std::fs::read(path.join(name)).unwrap();
        let expected = std::fs::read(fixed.join("demo-neo4j").join(name)).unwrap();
        assert!(
            made == expected,
            "{name} differs from tests/exports/demo-neo4j"
        );
    }
}

const HEADER: &str = "GLOBALEVENTID\tSQLDATE\tMonthYear\tYear\tFractionDate\tActor1Code\tActor1Name\tActor1CountryCode\tActor1KnownGroupCode\tActor1EthnicCode\tActor1Religion1Code\tActor1Religion2Code\tActor1Type1Code\tActor1Type2Code\tActor1Type3Code\tActor2Code\tActor2Name\tActor2CountryCode\tActor2KnownGroupCode\tActor2EthnicCode\tActor2Religion1Code\tActor2Religion2Code\tActor2Type1Code\tActor2Type2Code\tActor2Type3Code\tIsRootEvent\tEventCode\tEventBaseCode\tEventRootCode\tQuadClass\tGoldsteinScale\tNumMentions\tNumSources\tNumArticles\tAvgTone\tActor1Geo_Type\tActor1Geo_FullName\tActor1Geo_CountryCode\tActor1Geo_ADM1Code\tActor1Geo_ADM2Code\tActor1Geo_Lat\tActor1Geo_Long\tActor1Geo_FeatureID\tActor2Geo_Type\tActor2Geo_FullName\tActor2Geo_CountryCode\tActor2Geo_ADM1Code\tActor2Geo_ADM2Code\tActor2Geo_Lat\tActor2Geo_Long\tActor2Geo_FeatureID\tActionGeo_Type\tActionGeo_FullName\tActionGeo_CountryCode\tActionGeo_ADM1Code\tActionGeo_ADM2Code\tActionGeo_Lat\tActionGeo_Long\tActionGeo_FeatureID\tDATEADDED\tSOURCEURL";

fn gdelt_sample() -> Vec<String> {
    let usa = ("USA", "UNITED STATES", "USA");
    let rus = ("RUS", "RUSSIA", "RUS");
    let envoy = ("USAGOV", "STEVE WITKOFF", "USA");
    let banker = ("RUSBUS", "KIRILL DMITRIEV", "RUS");
    let miami = ("3", "Miami, Florida, United States", "US", "USFL");
    let moscow = ("4", "Moscow, Moskva, Russia", "RS", "RS48");
    vec![
        common::gdelt(
            1001,
            "20251220",
            envoy,
            banker,
            "044",
            miami,
            "https://example.org/a",
        ),
        // The same meeting, reported again (actors the other way round): merged.
        common::gdelt(
            1002,
            "20251220",
            banker,
            envoy,
            "040",
            miami,
            "https://example.org/b",
        ),
        common::gdelt(
            1003,
            "20251202",
            envoy,
            ("RUSGOV", "VLADIMIR PUTIN", "RUS"),
            "042",
            moscow,
            "https://example.org/c",
        ),
        common::gdelt(
            1004,
            "20251203",
            usa,
            rus,
            "046",
            ("1", "Russia", "RS", "RS"),
            "https://example.org/c",
        ),
        // Not a consultation: left out.
        common::gdelt(
            1005,
            "20251204",
            usa,
            rus,
            "190",
            moscow,
            "https://example.org/d",
        ),
    ]
}

#[test]
fn gdelt_consultations_become_meetings_with_every_source() {
    let dir = tempfile::tempdir().unwrap();
    for with_header in [true, false] {
        let mut lines = gdelt_sample();
        if with_header {
            lines.insert(0, HEADER.to_string());
        }
        let path = write(dir.path(), "events.tsv", &(lines.join("\n") + "\n"));
        let db = Database::temporary().unwrap();
        let report = db.import_file(ImportFormat::Gdelt, &path).unwrap();
        assert_eq!(report.imported[3], 3, "{report}");
        assert!(
            report
                .skipped
                .join(" ")
                .contains("1 events of other CAMEO root codes"),
            "{report}"
        );
        let met = db.query("who met STEVE WITKOFF").unwrap();
        assert_eq!(met.rows.len(), 2, "{met:?}");
        // Merged: one meeting in Miami with both events as sources.
        let miami = db.query("meetings in Florida during 2025-12-20").unwrap();
        assert_eq!(miami.rows.len(), 1, "{miami:?}");
        let handle = miami.rows[0][0].as_text().unwrap().to_string();
        let sources = db.query(&format!("sources of #{handle}")).unwrap();
        assert_eq!(sources.rows.len(), 2, "{sources:?}");
        // Each actor on the side of its country; no one else was on Witkoff's side.
        let together = db.query("who was with STEVE WITKOFF").unwrap();
        assert_eq!(together.rows.len(), 0);
        let sides = format!("{:?}", db.query("timeline of STEVE WITKOFF").unwrap());
        assert!(sides.contains("UNITED STATES"), "{sides}");
        let moscow = db.query("meetings in Russia").unwrap();
        assert_eq!(moscow.rows.len(), 2, "{moscow:?}");
        assert!(db.check().unwrap().is_clean());
    }
}

#[test]
fn bad_gdelt_rows_name_their_line_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let good = gdelt_sample();
    let mut short = good.clone();
    short[2] = good[2].split('\t').take(58).collect::<Vec<_>>().join("\t");
    let mut bad_date = good.clone();
    bad_date[1] = good[1].replacen("\t20251220\t", "\t20251320\t", 1);
    let mut not_a_date = good.clone();
    not_a_date[3] = good[3].replacen("\t20251203\t", "\t2025-12-03\t", 1);
    let cases = [
        (
            short,
            3,
            "expected 61 tab-separated columns (a GDELT 2.0 event), found 58",
        ),
        (bad_date, 2, "SQLDATE '20251320': "),
        (not_a_date, 4, "SQLDATE '2025-12-03' is not a date YYYYMMDD"),
    ];
    for (lines, line, expected) in cases {
        let path = write(dir.path(), "bad.tsv", &(lines.join("\n") + "\n"));
        let db = Database::temporary().unwrap();
        let message = db
            .import_file(ImportFormat::Gdelt, &path)
            .unwrap_err()
            .to_string();
        assert!(
            message.starts_with(&format!("{}:{line}: ", path.display())),
            "{message}"
        );
        assert!(message.contains(expected), "{message}");
        assert_eq!(db.stats().unwrap(), Stats::default());
    }
}

#[test]
fn the_command_line_exports_and_imports() {
    use assert_cmd::Command;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let entrevue = || {
        let mut cmd = Command::cargo_bin("entrevue").unwrap();
        cmd.env("XDG_DATA_HOME", dir.path());
        cmd
    };
    entrevue()
        .arg("--db")
        .arg(&db)
        .args(["-c", "load demo"])
        .assert()
        .success();
    let gexf = dir.path().join("witkoff.gexf");
    let out = entrevue()
        .arg("--db")
        .arg(&db)
        .args([
            "export",
            "--format",
            "gexf",
            "--query",
            "meetings with Witkoff",
        ])
        .arg(&gexf)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("exported "));
    assert!(std::fs::read_to_string(&gexf)
        .unwrap()
        .contains("<gexf xmlns=\"http://gexf.net/1.3\""));
    let ftm = dir.path().join("all.ftm");
    entrevue()
        .arg("--db")
        .arg(&db)
        .args(["export", "--format", "ftm"])
        .arg(&ftm)
        .assert()
        .success();
    let copy = dir.path().join("copy");
    entrevue()
        .arg("--db")
        .arg(&copy)
        .args(["import", "--format", "ftm"])
        .arg(&ftm)
        .assert()
        .success();
    let answer = |at: &Path| {
        entrevue()
            .arg("--db")
            .arg(at)
            .args(["--format", "csv", "-c", "timeline of Umerov"])
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(answer(&copy), answer(&db));
    // Refusals, each in a sentence: an existing file, a format for printing rows, an export
    // into the database's own directory, a file format given where rows are printed.
    let refused = |args: &[&str], expected: &str| {
        let out = entrevue().arg("--db").arg(&db).args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(
            !out.status.success() && stderr.contains(expected),
            "{args:?}: {stderr}"
        );
    };
    let ftm_text = ftm.to_str().unwrap();
    refused(&["export", "--format", "ftm", ftm_text], "already exists");
    refused(
        &["export", "--format", "csv", "x.csv"],
        "export needs --format ftm|gexf|graphml|neo4j",
    );
    let inside = db.join("inside.gexf");
    refused(
        &["export", "--format", "gexf", inside.to_str().unwrap()],
        "inside the open database's directory",
    );
    refused(
        &["--format", "gexf", "-c", "who met Witkoff"],
        "is a file format of",
    );
    refused(
        &["import", "--format", "gexf", ftm_text],
        "import reads --format ftm|gdelt",
    );
}

#[test]
fn a_large_gdelt_file_merges_its_repeats_and_a_bad_last_line_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let miami = ("3", "Miami, Florida, United States", "US", "USFL");
    // 10,000 meetings (a different pair of actors each), every one reported five times.
    let (meetings, repeats) = (10_000u64, 5u64);
    let mut lines = Vec::new();
    for r in 0..repeats {
        for m in 0..meetings {
            let a = format!("ENVOY {m}");
            let b = format!("BANKER {m}");
            lines.push(common::gdelt(
                r * meetings + m + 1,
                "20251220",
                ("USAGOV", &a, "USA"),
                ("RUSBUS", &b, "RUS"),
                "040",
                miami,
                &format!("https://example.org/{r}/{m}"),
            ));
        }
    }
    let path = write(dir.path(), "large.tsv", &(lines.join("\n") + "\n"));
    let db = Database::temporary().unwrap();
    let report = db.import_file(ImportFormat::Gdelt, &path).unwrap();
    assert_eq!(report.imported[3], meetings, "{report}");
    // Reports of a meeting come 10,000 lines apart, past the meetings kept in memory before
    // they are written: every one of them is still a source of its meeting, and only of it.
    let written = db.all::<Meeting>().unwrap();
    assert_eq!(written.len() as u64, meetings);
    assert!(db.check().unwrap().is_clean());
    let actor_names: HashMap<u64, String> = db
        .all::<Actor>()
        .unwrap()
        .into_iter()
        .map(|(id, a)| (id.get(), a.name))
        .collect();
    for (_, meeting) in &written {
        assert_eq!(meeting.sources.len() as u64, repeats, "{meeting:?}");
        let names: Vec<&str> = meeting
            .participants
            .iter()
            .map(|p| actor_names[&p.actor.get()].as_str())
            .collect();
        let m = names[0].trim_start_matches("ENVOY ");
        assert_eq!(names, [format!("ENVOY {m}"), format!("BANKER {m}")]);
        for source in &meeting.sources {
            assert!(source.quote.contains(&format!("ENVOY {m} ")), "{source:?}");
        }
    }
    // A bad date on the last line is found while writing, after thousands of records: the
    // database on disk is left empty and clean, also once reopened.
    // Past the window: the first 10,000 meetings are written, then updated, when it fails.
    let mut late: Vec<String> = lines.iter().take(12_000).cloned().collect();
    if let Some(last) = late.last_mut() {
        *last = last.replacen("\t20251220\t", "\t20251320\t", 1);
    }
    let path = write(dir.path(), "late-bad.tsv", &(late.join("\n") + "\n"));
    let on_disk = tempfile::tempdir().unwrap();
    {
        let db = Database::open(on_disk.path()).unwrap();
        let message = db
            .import_file(ImportFormat::Gdelt, &path)
            .unwrap_err()
            .to_string();
        assert!(message.contains(":12000: SQLDATE"), "{message}");
        assert_eq!(db.stats().unwrap(), Stats::default());
        assert!(db.check().unwrap().is_clean());
    }
    let db = common::reopen(on_disk.path());
    assert_eq!(db.stats().unwrap(), Stats::default());
    assert!(db.check().unwrap().is_clean());
    lines.push("not an event".to_string());
    let path = write(dir.path(), "large-bad.tsv", &(lines.join("\n") + "\n"));
    let db = Database::temporary().unwrap();
    let message = db
        .import_file(ImportFormat::Gdelt, &path)
        .unwrap_err()
        .to_string();
    let last = (meetings * repeats + 1).to_string();
    assert!(
        message.contains(&format!(":{last}: expected 61")),
        "{message}"
    );
    assert_eq!(db.stats().unwrap(), Stats::default());
}
