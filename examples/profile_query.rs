//! Runs one question many times against an existing database, for a profiler:
//! `cargo run --release --example profile_query -- DBPATH 'who met #4410' 20`
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let db = entrevue::Database::open(&args[1]).unwrap();
    let times: usize = args.get(3).and_then(|n| n.parse().ok()).unwrap_or(10);
    let start = std::time::Instant::now();
    for _ in 0..times {
        std::hint::black_box(db.query(&args[2]).unwrap());
    }
    eprintln!("{:?} per run", start.elapsed() / times as u32);
}
