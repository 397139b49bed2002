//! Pictures at scale: a timeline of 1,000 meetings and a network of 500 actors, each drawn
//! from the rows of its question on a generated crowd (`tests/crowd`):
//! `cargo bench --bench pictures`.

use entrevue::picture::{PictureFormat, PictureOptions};
use entrevue::Rows;

#[path = "../tests/crowd/mod.rs"]
mod crowd;

use crowd::Crowd;

fn crowd() -> &'static Crowd {
    Crowd::shared()
}

fn draw(rows: &Rows, format: PictureFormat) -> String {
    crowd()
        .db
        .picture(rows, format, &PictureOptions::default())
        .unwrap()
}

/// `timeline of #hub` as SVG: 1,000 meetings on 500 lanes, folded to the busiest.
#[divan::bench]
fn timeline_of_1000_meetings(bencher: divan::Bencher) {
    let rows = crowd().db.query("timeline of #hub").unwrap();
    assert_eq!(rows.rows.len(), 1_000);
    bencher.bench(|| draw(&rows, PictureFormat::Svg));
}

/// `who met #hub` as SVG: 500 actors, the strongest ties laid out.
#[divan::bench]
fn network_of_500_actors(bencher: divan::Bencher) {
    let rows = crowd().db.query("who met #hub").unwrap();
    assert_eq!(rows.rows.len(), 499);
    bencher.bench(|| draw(&rows, PictureFormat::Svg));
}

/// The same answer as DOT: the same records read and ties found, but nothing capped or laid
/// out, which tells the layout's share of the SVG's time.
#[divan::bench]
fn network_of_500_actors_as_dot(bencher: divan::Bencher) {
    let rows = crowd().db.query("who met #hub").unwrap();
    bencher.bench(|| draw(&rows, PictureFormat::Dot));
}

/// The same network as an HTML page, which adds the page and its script around the SVG.
#[divan::bench]
fn network_of_500_actors_as_html(bencher: divan::Bencher) {
    let rows = crowd().db.query("who met #hub").unwrap();
    bencher.bench(|| draw(&rows, PictureFormat::Html));
}

fn main() {
    divan::main();
}
