//! The benchmark's questions on the library, for profiling: `cargo bench --bench queries`;
//! and `quotes matching` on the bundled demo.
//!
//! The data is made here, deterministically, in the shape of `../shared/bench/gen.py` (actors
//! with skewed popularity, 2–6 participants per meeting, a 3-level place tree, days over
//! 2015–2025), small enough to build in seconds, and imported through `Database::import_csv`.

use std::fmt::Write as _;
use std::sync::OnceLock;

use entrevue::Database;

const ACTORS: u64 = 5_000;
const MEETINGS: u64 = 50_000;

#[path = "../tests/crowd/random.rs"]
mod random;
use random::Random;

fn database() -> &'static (Database, tempfile::TempDir) {
    static DB: OnceLock<(Database, tempfile::TempDir)> = OnceLock::new();
    DB.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let mut rng = Random(0x2545_f491_4f6c_dd1d);
        let mut places = String::from("id,name,parent_id\n");
        for id in 1..=20u64 {
            writeln!(places, "{id},Country {id},").unwrap();
        }
        for id in 21..=220u64 {
            writeln!(places, "{id},Region {id},{}", 1 + (id - 21) % 20).unwrap();
        }
        for id in 221..=2220u64 {
            writeln!(places, "{id},City {id},{}", 21 + (id - 221) % 200).unwrap();
        }
        let mut actors = String::from("id,name,kind,country_id\n");
        for id in 1..=ACTORS {
            writeln!(actors, "{id},\"Actor {id}\",person,{}", 1 + id % 20).unwrap();
        }
        let (mut meetings, mut participation) = (
            String::from("id,date,place_id\n"),
            String::from("meeting_id,actor_id\n"),
        );
        for id in 1..=MEETINGS {
            let day = 1 + rng.next() % 28;
            let month = 1 + rng.next() % 12;
            let year = 2015 + rng.next() % 11;
            writeln!(
                meetings,
                "{id},{year}-{month:02}-{day:02},{}",
                221 + rng.next() % 2000
            )
            .unwrap();
            let mut people: Vec<u64> = Vec::new();
            while people.len() < 2 + (rng.next() % 5) as usize {
                let actor = rng.popular(ACTORS);
                if !people.contains(&actor) {
                    people.push(actor);
                }
            }
            for actor in people {
                writeln!(participation, "{id},{actor}").unwrap();
            }
        }
        for (name, text) in [
            ("places.csv", places),
            ("actors.csv", actors),
            ("meetings.csv", meetings),
            ("participation.csv", participation),
        ] {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        let db = Database::temporary().unwrap();
        db.import_csv(dir.path(), &mut |_, _| {}).unwrap();
        (db, dir)
    })
}

fn ask(question: &str) -> usize {
    database().0.query(question).unwrap().len()
}

fn main() {
    // Build the data before timing anything.
    database();
    demo();
    divan::main();
}

/// Q1: the counterparts of the busiest actor (actor 1), and of a quiet one.
#[divan::bench(args = [
    "who met #1",
    "who met #1 return id, meetings",
    "who met #4000 return id, meetings",
])]
fn who_met(question: &str) -> usize {
    ask(question)
}

/// Q2: the meetings two actors share.
#[divan::bench(args = [
    "meetings with #1 and #2 return id, date, place",
    "meetings with #4000 and #1 return id, date, place",
])]
fn meetings_with(question: &str) -> usize {
    ask(question)
}

/// Q3: a country during a month, through the place tree.
#[divan::bench]
fn meetings_in_country_during_month() -> usize {
    ask("meetings in #1 between 2020-03-01 and 2020-03-31 return id, date, place")
}

/// Q4: a shortest chain between two quiet actors.
#[divan::bench]
fn path() -> usize {
    ask("path from #4000 to #4999")
}

/// Q5: the top ten co-participants of the busiest actor.
#[divan::bench]
fn top_ten() -> usize {
    ask("who met #1 return id, meetings order by meetings desc, id limit 10")
}

/// Parsing alone, the fixed cost of every question.
#[divan::bench]
fn parse_only() -> usize {
    entrevue::syntax::parse("who met #1 in #3 during 2020-03 order by meetings desc limit 10")
        .unwrap()
        .len()
}

/// Long inputs that fail to parse: the time should grow in proportion to the length (a
/// 100,000-word bare name before a stray `)`; 20,000 lines before a bad last statement).
#[divan::bench(args = ["long name", "many lines"])]
fn parse_long_input_to_its_error(kind: &str) -> usize {
    let text = match kind {
        "long name" => {
            let mut text = String::from("who met ");
            for n in 0..100_000 {
                text.push_str(if n % 2 == 0 { "Witkoff " } else { "Putin " });
            }
            text + ") garbage;"
        }
        _ => {
            "meetings with Witkoff and Umerov including planned order by date desc limit 3;\n"
                .repeat(20_000)
                + "meetings with;\n"
        }
    };
    match entrevue::syntax::parse(&text) {
        Ok(statements) => statements.len(),
        Err(err) => err.location.offset,
    }
}

/// The bundled demo: the dataset with quotes, summaries and titles to search.
fn demo() -> &'static Database {
    static DEMO: OnceLock<Database> = OnceLock::new();
    DEMO.get_or_init(|| {
        let db = Database::temporary().unwrap();
        db.execute("load demo;").unwrap();
        db
    })
}

/// `quotes matching` on the demo: a word, a compound word (a phrase), two words ranked, and
/// a search under a view.
#[divan::bench(args = [
    "quotes matching 'négociateurs'",
    "quotes matching 'cessez-le-feu'",
    "quotes matching 'frappes Kiev'",
    "quotes matching 'talks' as of 2025-12-20",
])]
fn quotes_matching_on_the_demo(question: &str) -> usize {
    demo().query(question).unwrap().len()
}
