//! `entrevue extract` on one article of our own, against the demo and against a large
//! database, to check that an extraction reads only what the article names:
//! `cargo bench --bench extract`. The large database is the one `ENTREVUE_EXTRACT_DB` names,
//! made beforehand (EXTRACTION.md gives the commands); without it that case says it is
//! skipped.

use entrevue::{Database, ExtractOptions};

/// An article naming known people, one misspelled, a person and a place the demo lacks.
const ARTICLE: &str = "Nouvelles discussions en Floride\n\
    L'émissaire américain Steve Witkoff a rencontré mardi à Sunny Isles Beach, en Floride, \
    l'envoyé russe Kiril Dmitriyev, selon le porte-parole du Kremlin Dmitri Peskov. \
    Le vice-ministre russe Alexandre Grouchko doit rejoindre les négociateurs la semaine \
    prochaine à Miami, où Rustem Umerov et Jared Kushner se sont déjà entretenus samedi. \
    Il est exclu que Vladimir Poutine rencontre Volodymyr Zelensky, a dit Jean Dupont.";

fn main() {
    divan::main();
}

fn options() -> ExtractOptions {
    ExtractOptions {
        published: "2026-01-31".parse().ok(),
        ..Default::default()
    }
}

fn extract_with(bencher: divan::Bencher, db: &Database) {
    bencher.bench(|| {
        let found = db
            .extract(ARTICLE, &options())
            .expect("the article extracts");
        divan::black_box(found.proposals.len())
    });
}

#[divan::bench]
fn demo(bencher: divan::Bencher) {
    let db = Database::temporary().expect("a database");
    db.execute("load demo;").expect("the demo loads");
    extract_with(bencher, &db);
}

#[divan::bench]
fn large(bencher: divan::Bencher) {
    let Some(path) = std::env::var_os("ENTREVUE_EXTRACT_DB") else {
        println!("skipped: set ENTREVUE_EXTRACT_DB to a large database (see EXTRACTION.md)");
        return;
    };
    let db = Database::open(path).expect("the large database opens");
    extract_with(bencher, &db);
}
