//! Importing the CSV layout: records, handles and indexes come out right; a bad row names its
//! file and line and leaves the database empty; an import cut short is discarded on open.

mod common;

use std::path::Path;

use entrevue::{Database, Error, Meeting, Place, PlaceKind};

fn write_dataset(dir: &Path, participation: &str) {
    std::fs::write(dir.join("actors.csv"), "id,name,kind,country_id\n1,\"Ann Archer\",person,1\n2,\"Bo Berg\",person,1\n3,\"Trade Union\",organisation,1\n").unwrap();
    std::fs::write(
        dir.join("places.csv"),
        "id,name,parent_id\n1,Nordland,\n2,North Region,1\n3,Capital City,2\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("meetings.csv"),
        "id,date,place_id\n10,2020-03-05,3\n11,2021-01-01,3\n",
    )
    .unwrap();
    std::fs::write(dir.join("participation.csv"), participation).unwrap();
}

const PARTICIPATION: &str = "meeting_id,actor_id\n10,1\n10,2\n11,1\n11,3\n";

#[test]
fn an_import_answers_questions_by_id() {
    let dir = tempfile::tempdir().unwrap();
    write_dataset(dir.path(), PARTICIPATION);
    let db = Database::temporary().unwrap();
    let report = db.import_csv(dir.path(), &mut |_, _| {}).unwrap();
    assert_eq!(
        (
            report.actors,
            report.places,
            report.meetings,
            report.participations
        ),
        (3, 3, 2, 4)
    );
    assert!(db.check().unwrap().is_clean());

    let rows = db.query("who met #1").unwrap();
    let met: Vec<String> = rows
        .rows
        .iter()
        .map(|r| format!("{}|{}", r[1], r[2]))
        .collect();
    assert_eq!(met, ["2|1", "3|1"]);
    let rows = db
        .query("meetings in #1 between 2020-03-01 and 2020-03-31")
        .unwrap();
    assert_eq!(
        rows.values("meeting")
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>(),
        ["10"]
    );
    assert_eq!(rows.values("place")[0].to_string(), "Capital City");
    // Kinds follow the depth in the place tree; ids are kept.
    let city = db.get::<Place>(entrevue::PlaceId::new(3)).unwrap().unwrap();
    assert_eq!((city.kind, city.handle.as_str()), (PlaceKind::City, "3"));
    assert_eq!(
        db.by_handle::<Meeting>("11").unwrap(),
        Some(entrevue::MeetingId::new(11))
    );
    // Ordinary writes continue after the imported ids.
    let id = db
        .add(Meeting::new("call").with(entrevue::Participant::new(entrevue::ActorId::new(2))))
        .unwrap();
    assert_eq!(id.get(), 12);
    assert!(db.check().unwrap().is_clean());
}

#[test]
fn a_bad_row_names_its_file_and_line_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write_dataset(dir.path(), "meeting_id,actor_id\n10,1\n10,99\n");
    let db = Database::temporary().unwrap();
    let err = db.import_csv(dir.path(), &mut |_, _| {}).unwrap_err();
    let text = err.to_string();
    assert!(
        text.ends_with("participation.csv:3: no actor with id 99"),
        "{text}"
    );
    assert_eq!(db.stats().unwrap(), entrevue::Stats::default());

    write_dataset(dir.path(), "meeting_id,actor_id\n10,1\n10,1\n");
    let err = db.import_csv(dir.path(), &mut |_, _| {}).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("participation.csv:3: actor 1 is listed twice in meeting 10"),
        "{err}"
    );
    std::fs::write(
        dir.path().join("meetings.csv"),
        "id,date,place_id\n10,2020-02-30,3\n",
    )
    .unwrap();
    let err = db.import_csv(dir.path(), &mut |_, _| {}).unwrap_err();
    assert!(
        err.to_string().contains(
            "meetings.csv:2: '2020-02-30' is not a valid date: February 2020 has 29 days"
        ),
        "{err}"
    );
    assert_eq!(db.stats().unwrap(), entrevue::Stats::default());
}

#[test]
fn an_import_needs_an_empty_database() {
    let dir = tempfile::tempdir().unwrap();
    write_dataset(dir.path(), PARTICIPATION);
    let db = Database::temporary().unwrap();
    db.execute("load demo").unwrap();
    let err = db.import_csv(dir.path(), &mut |_, _| {}).unwrap_err();
    assert!(
        matches!(err, Error::Invalid(ref m) if m.contains("empty database")),
        "{err}"
    );
    assert_eq!(db.stats().unwrap().meetings, 13);
}

#[test]
fn an_import_cut_short_is_discarded_on_open() {
    let data = tempfile::tempdir().unwrap();
    write_dataset(data.path(), PARTICIPATION);
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("entrevue.state");
    let before;
    {
        let db = Database::open(dir.path()).unwrap();
        before = std::fs::read(&state).unwrap();
        db.import_csv(data.path(), &mut |_, _| {}).unwrap();
        assert!(!db.discarded_import());
    }
    // Leave the marker an import sets while it writes, and the state the database was in
    // before, as if the process had died then.
    std::fs::write(&state, before).unwrap();
    common::raw(dir.path(), |raw| {
        raw.open_tree("meta")
            .unwrap()
            .insert("loading", &[1u8][..])
            .unwrap();
    });
    let db = common::reopen(dir.path());
    assert!(db.discarded_import());
    assert_eq!(db.stats().unwrap(), entrevue::Stats::default());
    assert!(db.check().unwrap().is_clean());
    db.import_csv(data.path(), &mut |_, _| {}).unwrap();
    assert_eq!(db.stats().unwrap().meetings, 2);
}

#[test]
fn order_by_takes_several_columns_and_sorts_numeric_handles_as_numbers() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("actors.csv"), "id,name,kind,country_id\n9,\"Zed\",person,1\n10,\"Amy\",person,1\n12224,\"Bob\",person,1\n1,\"Hub\",person,1\n").unwrap();
    std::fs::write(
        dir.path().join("places.csv"),
        "id,name,parent_id\n1,Nordland,\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("meetings.csv"),
        "id,date,place_id\n1,2020-01-01,1\n2,2020-01-02,1\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("participation.csv"),
        "meeting_id,actor_id\n1,1\n1,9\n1,10\n1,12224\n2,1\n2,12224\n",
    )
    .unwrap();
    let db = Database::temporary().unwrap();
    db.import_csv(dir.path(), &mut |_, _| {}).unwrap();
    let order = |q: &str| -> Vec<String> {
        db.query(q)
            .unwrap()
            .rows
            .iter()
            .map(|r| format!("{}|{}", r[1], r[2]))
            .collect()
    };
    assert_eq!(
        order("who met #1 order by meetings desc, handle asc"),
        ["12224|2", "9|1", "10|1"]
    );
    assert_eq!(
        order("who met #1 order by meetings desc, handle desc"),
        ["12224|2", "10|1", "9|1"]
    );
    assert_eq!(
        order("who met #1 order by handle"),
        ["9|1", "10|1", "12224|2"]
    );
    assert_eq!(
        order("who met #1 order by actor"),
        ["10|1", "12224|2", "9|1"]
    );
}
