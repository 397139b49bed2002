//! The Parquet table bundle (docs/TABLES.md): the demo exported and read back with the parquet
//! crate's own reader, every table against the records it comes from, and `met` against what
//! `who met` answers.

mod common;

use common::demo;
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Int32Type, Int64Type};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::DataType;
use entrevue::{Actor, Database, Document, ExportFormat, Meeting, Place, Relation, Value};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

/// The demo's bundle, written into a new directory.
fn exported(db: &Database) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    db.export(ExportFormat::Parquet, None, &dir.path().join("bundle"))
        .unwrap();
    dir
}

/// A column of the contract: its name, its type, and whether it may be null.
type Column = (&'static str, &'static str, bool);

/// The contract (docs/TABLES.md): each table's columns.
const CONTRACT: [(&str, &[Column]); 8] = [
    (
        "actors",
        &[
            ("id", "int64", false),
            ("handle", "text", false),
            ("name", "text", false),
            ("kind", "text", false),
            ("affiliation", "int64", true),
            ("aliases", "list<text>", false),
        ],
    ),
    (
        "places",
        &[
            ("id", "int64", false),
            ("handle", "text", false),
            ("name", "text", false),
            ("kind", "text", false),
            ("parent", "int64", true),
            ("depth", "int32", false),
            ("aliases", "list<text>", false),
        ],
    ),
    (
        "documents",
        &[
            ("id", "int64", false),
            ("handle", "text", false),
            ("title", "text", false),
            ("outlet", "text", true),
            ("language", "text", true),
            ("published", "text", true),
            ("published_first", "date", true),
            ("published_last", "date", true),
            ("url", "text", true),
            ("file", "text", true),
        ],
    ),
    (
        "meetings",
        &[
            ("id", "int64", false),
            ("handle", "text", false),
            ("kind", "text", false),
            ("date", "text", true),
            ("edtf", "text", true),
            ("first_day", "date", true),
            ("last_day", "date", true),
            ("precision", "text", true),
            ("before", "date", true),
            ("status", "text", false),
            ("place", "int64", true),
            ("summary", "text", true),
        ],
    ),
    (
        "participation",
        &[
            ("meeting", "int64", false),
            ("position", "int32", false),
            ("actor", "int64", false),
            ("side", "int64", true),
            ("role", "text", true),
            ("certainty", "text", false),
        ],
    ),
    (
        "sources",
        &[
            ("record_kind", "text", false),
            ("record", "int64", false),
            ("position", "int32", false),
            ("document", "int64", false),
            ("quote", "text", false),
            ("says_status", "text", true),
            ("says_date", "text", true),
        ],
    ),
    (
        "relations",
        &[
            ("id", "int64", false),
            ("handle", "text", false),
            ("subject", "int64", false),
            ("predicate", "text", false),
            ("object", "int64", false),
            ("during", "text", true),
            ("first_day", "date", true),
            ("last_day", "date", true),
        ],
    ),
    (
        "met",
        &[
            ("src", "int64", false),
            ("dst", "int64", false),
            ("meeting", "int64", false),
            ("first_day", "date", true),
        ],
    ),
];

fn type_name(data_type: &DataType) -> String {
    match data_type {
        DataType::Int64 => "int64".into(),
        DataType::Int32 => "int32".into(),
        DataType::Utf8 => "text".into(),
        DataType::Date32 => "date".into(),
        DataType::List(item) => format!("list<{}>", type_name(item.data_type())),
        other => format!("{other:?}"),
    }
}

/// One file read back whole.
struct Table {
    batches: Vec<RecordBatch>,
}

fn read(dir: &Path, name: &str) -> Table {
    let file = File::open(dir.join(format!("{name}.parquet"))).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    Table {
        batches: reader.map(Result::unwrap).collect(),
    }
}

impl Table {
    fn len(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    fn columns(&self, name: &str) -> Vec<ArrayRef> {
        self.batches
            .iter()
            .map(|b| b.column_by_name(name).unwrap().clone())
            .collect()
    }

    /// An integer or date column, dates as days since 1970-01-01.
    fn ints(&self, name: &str) -> Vec<Option<i64>> {
        let mut out = Vec::new();
        for column in self.columns(name) {
            for i in 0..column.len() {
                out.push(column.is_valid(i).then(|| match column.data_type() {
                    DataType::Int64 => column.as_primitive::<Int64Type>().value(i),
                    DataType::Int32 => i64::from(column.as_primitive::<Int32Type>().value(i)),
                    DataType::Date32 => i64::from(column.as_primitive::<Date32Type>().value(i)),
                    other => panic!("{name} is not an integer column: {other:?}"),
                }));
            }
        }
        out
    }

    fn texts(&self, name: &str) -> Vec<Option<String>> {
        let mut out = Vec::new();
        for column in self.columns(name) {
            let strings = column.as_string::<i32>();
            for i in 0..strings.len() {
                out.push(strings.is_valid(i).then(|| strings.value(i).to_string()));
            }
        }
        out
    }

    fn lists(&self, name: &str) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        for column in self.columns(name) {
            let lists = column.as_list::<i32>();
            for i in 0..lists.len() {
                let items = lists.value(i);
                let items = items.as_string::<i32>();
                out.push(
                    (0..items.len())
                        .map(|j| items.value(j).to_string())
                        .collect(),
                );
            }
        }
        out
    }
}

#[test]
fn every_table_has_the_contracts_columns_and_a_row_per_record() {
    let db = demo();
    let dir = exported(&db);
    let bundle = dir.path().join("bundle");
    let mut files: Vec<String> = std::fs::read_dir(&bundle)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    let mut expected: Vec<String> = CONTRACT
        .iter()
        .map(|(t, _)| format!("{t}.parquet"))
        .collect();
    expected.sort();
    assert_eq!(
        files, expected,
        "the bundle holds the eight files and nothing else"
    );

    for (table, columns) in CONTRACT {
        let file = File::open(bundle.join(format!("{table}.parquet"))).unwrap();
        let schema = ParquetRecordBatchReaderBuilder::try_new(file)
            .unwrap()
            .schema()
            .clone();
        let found: Vec<(String, String, bool)> = schema
            .fields()
            .iter()
            .map(|f| (f.name().clone(), type_name(f.data_type()), f.is_nullable()))
            .collect();
        let wanted: Vec<(String, String, bool)> = columns
            .iter()
            .map(|(n, t, null)| (n.to_string(), t.to_string(), *null))
            .collect();
        assert_eq!(found, wanted, "{table}");
    }

    let actors = db.all::<Actor>().unwrap();
    let places = db.all::<Place>().unwrap();
    let documents = db.all::<Document>().unwrap();
    let meetings = db.all::<Meeting>().unwrap();
    let relations = db.all::<Relation>().unwrap();
    let participants: usize = meetings.iter().map(|(_, m)| m.participants.len()).sum();
    let sources: usize = meetings.iter().map(|(_, m)| m.sources.len()).sum::<usize>()
        + relations
            .iter()
            .map(|(_, r)| r.sources.len())
            .sum::<usize>();
    for (table, rows) in [
        ("actors", actors.len()),
        ("places", places.len()),
        ("documents", documents.len()),
        ("meetings", meetings.len()),
        ("participation", participants),
        ("sources", sources),
        ("relations", relations.len()),
    ] {
        assert!(rows > 0, "the demo has {table}");
        assert_eq!(read(&bundle, table).len(), rows, "{table}");
    }

    // Ids in id order, handles beside them.
    let ids: Vec<Option<i64>> = actors.iter().map(|(id, _)| Some(id.get() as i64)).collect();
    let handles: Vec<Option<String>> = actors.iter().map(|(_, a)| Some(a.handle.clone())).collect();
    let table = read(&bundle, "actors");
    assert_eq!(table.ints("id"), ids);
    assert_eq!(table.texts("handle"), handles);
    let aliases: Vec<Vec<String>> = actors.iter().map(|(_, a)| a.aliases.clone()).collect();
    assert_eq!(table.lists("aliases"), aliases);
    assert!(
        aliases.iter().any(|a| !a.is_empty()),
        "some actor has aliases"
    );

    // Depth: how many parents up to a root.
    let parent: BTreeMap<u64, u64> = places
        .iter()
        .filter_map(|(id, p)| p.parent.map(|x| (id.get(), x.get())))
        .collect();
    let depths: Vec<Option<i64>> = places
        .iter()
        .map(|(id, _)| {
            let (mut at, mut depth) = (id.get(), 0);
            while let Some(up) = parent.get(&at) {
                (at, depth) = (*up, depth + 1);
            }
            Some(depth)
        })
        .collect();
    assert_eq!(read(&bundle, "places").ints("depth"), depths);
    assert!(depths.iter().any(|d| *d > Some(1)), "the demo nests places");
}

#[test]
fn values_are_what_entrevue_prints() {
    let db = demo();
    let dir = exported(&db);
    let bundle = dir.path().join("bundle");
    let id = |handle: &str| db.by_handle::<Meeting>(handle).unwrap().unwrap().get() as i64;
    let actor = |handle: &str| db.by_handle::<Actor>(handle).unwrap().unwrap().get() as i64;

    // The demo script: `add meeting #m02 kind talks on 2025-11-30 … status occurred`.
    let meetings = read(&bundle, "meetings");
    let row = meetings
        .ints("id")
        .iter()
        .position(|i| *i == Some(id("m02")))
        .unwrap();
    assert_eq!(meetings.texts("handle")[row].as_deref(), Some("m02"));
    assert_eq!(meetings.texts("date")[row].as_deref(), Some("2025-11-30"));
    assert_eq!(meetings.texts("edtf")[row].as_deref(), Some("2025-11-30"));
    assert_eq!(meetings.texts("precision")[row].as_deref(), Some("day"));
    assert_eq!(meetings.texts("status")[row].as_deref(), Some("occurred"));
    assert_eq!(meetings.texts("kind")[row].as_deref(), Some("talks"));
    // 2025-01-01 is day 55 × 365 + 14 leap days = 20089; November 30 is the year's 334th day.
    assert_eq!(meetings.ints("first_day")[row], Some(20089 + 333));
    assert_eq!(meetings.ints("last_day")[row], Some(20089 + 333));
    assert_eq!(meetings.ints("before")[row], None);

    // Every meeting's date text is the `date` column of `meetings`, as Entrevue prints it.
    let printed = db
        .query("meetings including all return meeting, date")
        .unwrap();
    let printed: BTreeMap<String, Option<String>> = printed
        .rows
        .iter()
        .map(|r| {
            let date = match &r[1] {
                Value::Null => None,
                value => Some(value.to_string()),
            };
            (r[0].to_string(), date)
        })
        .collect();
    let exported: BTreeMap<String, Option<String>> = meetings
        .texts("handle")
        .into_iter()
        .map(Option::unwrap)
        .zip(meetings.texts("date"))
        .collect();
    assert_eq!(exported, printed);
    assert!(
        printed
            .values()
            .any(|d| d.as_deref().is_some_and(|d| d.starts_with('~'))),
        "the demo has an approximate date"
    );

    // m02's participants in record order: Umerov fourth, on the side of Ukraine.
    let part = read(&bundle, "participation");
    let row = (0..part.len())
        .find(|&i| {
            part.ints("meeting")[i] == Some(id("m02")) && part.ints("position")[i] == Some(3)
        })
        .unwrap();
    assert_eq!(part.ints("actor")[row], Some(actor("umerov")));
    assert_eq!(part.ints("side")[row], Some(actor("ukraine")));
    assert_eq!(
        part.texts("role")[row].as_deref(),
        Some("head_of_delegation")
    );
    assert_eq!(part.texts("certainty")[row].as_deref(), Some("confirmed"));

    // m02's third source: d000 says "fin novembre", stored as ~2025-11.
    let src = read(&bundle, "sources");
    let row = (0..src.len())
        .find(|&i| {
            src.texts("record_kind")[i].as_deref() == Some("meeting")
                && src.ints("record")[i] == Some(id("m02"))
                && src.ints("position")[i] == Some(2)
        })
        .unwrap();
    let d000 = db.by_handle::<Document>("d000").unwrap().unwrap().get() as i64;
    assert_eq!(src.ints("document")[row], Some(d000));
    assert!(src.texts("quote")[row]
        .as_deref()
        .unwrap()
        .starts_with("Des contacts antérieurs ont eu lieu fin novembre"));
    assert_eq!(src.texts("says_date")[row].as_deref(), Some("~2025-11"));
    assert_eq!(src.texts("says_status")[row], None);
}

#[test]
fn met_holds_what_who_met_counts() {
    let db = demo();
    let dir = exported(&db);
    let met = read(&dir.path().join("bundle"), "met");
    let handle: BTreeMap<i64, String> = db
        .all::<Actor>()
        .unwrap()
        .into_iter()
        .map(|(id, a)| (id.get() as i64, a.handle))
        .collect();
    let mut pairs: BTreeMap<(String, String), i64> = BTreeMap::new();
    let mut meetings = BTreeSet::new();
    for ((src, dst), meeting) in met
        .ints("src")
        .into_iter()
        .zip(met.ints("dst"))
        .zip(met.ints("meeting"))
    {
        let key = (handle[&src.unwrap()].clone(), handle[&dst.unwrap()].clone());
        *pairs.entry(key).or_default() += 1;
        assert!(
            meetings.insert((src, dst, meeting)),
            "one row per pair and meeting"
        );
    }
    let mut asked = BTreeMap::new();
    for name in handle.values() {
        let rows = db
            .query(&format!("who met #{name} return handle, meetings"))
            .unwrap();
        for row in rows.rows {
            let Value::Int(count) = row[1] else {
                panic!("meetings is a count: {:?}", row[1]);
            };
            asked.insert((name.clone(), row[0].to_string()), count);
        }
    }
    assert!(!asked.is_empty());
    assert_eq!(pairs, asked);
}

#[test]
fn a_directory_that_is_a_file_or_holds_files_is_refused() {
    let db = demo();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "kept").unwrap();
    let full = dir.path().join("full");
    std::fs::create_dir(&full).unwrap();
    std::fs::write(full.join("notes.txt"), "kept").unwrap();
    for path in [&file, &full] {
        let error = db.export(ExportFormat::Parquet, None, path).unwrap_err();
        assert!(
            error.to_string().contains("is not an empty directory"),
            "{error}"
        );
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "kept");
    let left: Vec<_> = std::fs::read_dir(&full).unwrap().collect();
    assert_eq!(
        left.len(),
        1,
        "nothing is added to a directory that holds files"
    );

    // An empty directory is taken.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    db.export(ExportFormat::Parquet, None, &empty).unwrap();
    assert_eq!(
        read(&empty, "actors").len(),
        db.all::<Actor>().unwrap().len()
    );

    // The bundle is the whole database: a question does not select part of it.
    let error = db
        .export(
            ExportFormat::Parquet,
            Some("who met Witkoff"),
            &dir.path().join("q"),
        )
        .unwrap_err();
    assert!(error.to_string().contains("whole database"), "{error}");
    assert!(!dir.path().join("q").exists());
}
