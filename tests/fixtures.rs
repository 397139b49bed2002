//! The bundled *Miami talks* dataset (`fixtures/miami-talks/miami-talks.ent`) checked against
//! the five seed articles it was curated from (`../shared/seeds`):
//!
//! - every source quote is a byte-exact substring of the article it cites (no-break spaces,
//!   narrow no-break spaces, non-breaking hyphens and the Cyrillic "е" included);
//! - every alias, and every canonical name that is not an English rendering, occurs in an article;
//! - the counts are sane (documents, meetings and their sources, handles in date order), and the
//!   README's tables agree with the script;
//! - `load demo` builds a database whose indexes check clean and whose counts match the script.

mod common;

use common::seeds_dir;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use entrevue::syntax::{
    self, Clause, Definition, DocumentField, NameRef, SourceDef, Span, Statement,
};
use entrevue::{Database, DateSpan, RecordKind, Status};

// ---- loading the fixture and the seeds ---------------------------------------------------------

/// The line of the fixture a span starts on.
fn line(span: &impl std::borrow::Borrow<Span>) -> u32 {
    entrevue::syntax::Location::of(entrevue::DEMO_SCRIPT, span.borrow().start, None).line
}

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture_dir() -> PathBuf {
    manifest_dir().join("fixtures/miami-talks")
}

fn fixture_text() -> String {
    let path = fixture_dir().join("miami-talks.ent");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The `add` statements of the fixture, with where each was written.
fn definitions(text: &str) -> Vec<(Definition, Span)> {
    let statements =
        syntax::parse(text).unwrap_or_else(|e| panic!("the fixture does not parse:\n{e}"));
    let mut out = Vec::new();
    for (statement, span) in statements {
        match statement {
            Statement::Add(def) => out.push((def, span)),
            other => panic!(
                "line {}: the fixture should only add records, found {other:?}",
                line(&span)
            ),
        }
    }
    out
}

fn of_kind(defs: &[(Definition, Span)], kind: RecordKind) -> Vec<&(Definition, Span)> {
    defs.iter().filter(|(d, _)| d.kind == kind).collect()
}

/// How a record is named in failure messages: `#handle` or its name.
fn label(def: &Definition) -> String {
    match (&def.handle, &def.name, &def.relation) {
        (Some(h), _, _) => format!("#{h}"),
        (None, Some(n), _) => n.clone(),
        (None, None, Some((s, p, o))) => format!("{} {p} {}", s.text, o.text),
        _ => "(unnamed)".into(),
    }
}

/// Document handle → seed file name, from each document's `file` clause.
fn document_files(defs: &[(Definition, Span)]) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    for (def, span) in of_kind(defs, RecordKind::Document) {
        let handle = def
            .handle
            .clone()
            .unwrap_or_else(|| panic!("line {}: a document without a handle", line(&span)));
        let file = def.clauses.iter().find_map(|c| match c {
            Clause::DocumentField(DocumentField::File, file) => Some(file.clone()),
            _ => None,
        });
        let file =
            file.unwrap_or_else(|| panic!("line {}: document #{handle} has no file", line(&span)));
        assert!(
            files.insert(handle.clone(), file).is_none(),
            "document #{handle} is added twice"
        );
    }
    files
}

/// Document handle → the text of its seed file.
fn seed_texts(defs: &[(Definition, Span)], check: &str) -> Option<BTreeMap<String, String>> {
    let dir = seeds_dir(check)?;
    let texts = document_files(defs)
        .into_iter()
        .map(|(handle, file)| {
            let path = dir.join(&file);
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
                panic!(
                    "document #{handle}: cannot read its file {}: {e}",
                    path.display()
                )
            });
            (handle, text)
        })
        .collect();
    Some(texts)
}

fn sources(def: &Definition) -> impl Iterator<Item = &SourceDef> {
    def.clauses.iter().filter_map(|c| match c {
        Clause::Source(s) => Some(s),
        _ => None,
    })
}

fn aliases(def: &Definition) -> impl Iterator<Item = &String> {
    def.clauses.iter().flat_map(|c| match c {
        Clause::Aka(names) => names.as_slice(),
        _ => &[],
    })
}

fn date(def: &Definition) -> Option<DateSpan> {
    def.clauses.iter().find_map(|c| match c {
        Clause::Date(d) => Some(*d),
        _ => None,
    })
}

fn status(def: &Definition) -> Option<Status> {
    def.clauses.iter().find_map(|c| match c {
        Clause::Status(s) => Some(*s),
        _ => None,
    })
}

fn document_handle(r: &NameRef) -> &str {
    r.text.trim_start_matches('#')
}

/// The invisible or look-alike characters the seeds contain, made visible.
fn visible(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{a0}' => "<U+00A0>".to_string(),
            '\u{202f}' => "<U+202F>".to_string(),
            '\u{2011}' => "<U+2011>".to_string(),
            '\u{0435}' => "<U+0435>".to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// The text with the invisible differences folded away: no-break spaces to spaces, typographic
/// apostrophes and non-breaking hyphens to ASCII, the Cyrillic "е" to a Latin "e".
fn loose(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{a0}' | '\u{202f}' => ' ',
            '\u{2011}' | '\u{2010}' => '-',
            '\u{2019}' | '\u{2018}' => '\'',
            '\u{0435}' => 'e',
            c => c,
        })
        .collect()
}

/// Why a quote is not in a text: a hint for the failure message.
fn diagnose(quote: &str, text: &str) -> String {
    if loose(text).contains(&loose(quote)) {
        let start = loose(text).find(&loose(quote)).unwrap_or(0);
        // `loose` keeps one char per char, so char offsets line up.
        let chars: Vec<char> = text.chars().collect();
        let begin = loose(text)[..start].chars().count();
        let seed: String = chars[begin..begin + quote.chars().count()].iter().collect();
        format!(
            "differs only in invisible characters or apostrophes; the seed has\n        {}",
            visible(&seed)
        )
    } else {
        // The longest prefix that is in the text shows where it goes wrong.
        let mut good = 0;
        for (i, c) in quote.char_indices() {
            if text.contains(&quote[..i + c.len_utf8()]) {
                good = i + c.len_utf8();
            } else {
                break;
            }
        }
        format!(
            "not in the seed; the seed has the first {} bytes, then differs at: {}",
            good,
            visible(&quote[good..].chars().take(40).collect::<String>())
        )
    }
}

/// Whether `needle` occurs in `text` as a whole word or phrase (not inside a longer word).
fn occurs_as_words(text: &str, needle: &str) -> bool {
    text.match_indices(needle).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + needle.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

// ---- the fixture itself ------------------------------------------------------------------------

#[test]
fn the_demo_script_is_the_fixture_file() {
    assert!(
        entrevue::DEMO_SCRIPT == fixture_text(),
        "DEMO_SCRIPT and fixtures/miami-talks/miami-talks.ent differ (rebuild the crate?)"
    );
}

#[test]
fn documents_map_to_the_five_seed_files() {
    let defs = definitions(&fixture_text());
    let files = document_files(&defs);
    assert_eq!(
        files.keys().map(String::as_str).collect::<Vec<_>>(),
        ["d000", "d001", "d002", "d003", "d004"]
    );
    // The seeds' README maps the same handles to the same files.
    let Some(seeds) = seeds_dir("documents_map_to_the_five_seed_files") else {
        return;
    };
    let readme = std::fs::read_to_string(seeds.join("README.md")).expect("seeds README");
    let mut listed = BTreeMap::new();
    for line in readme.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() > 3 && cells[1].ends_with(".txt") {
            listed.insert(cells[2].to_string(), cells[1].to_string());
        }
    }
    assert_eq!(
        listed, files,
        "the seeds' README and the fixture map handles to files differently"
    );
    for (handle, file) in &files {
        assert!(
            seeds.join(file).is_file(),
            "document #{handle}: seed file {file} is missing"
        );
    }
}

#[test]
fn every_quote_is_an_exact_substring_of_its_seed() {
    let defs = definitions(&fixture_text());
    let Some(seeds) = seed_texts(&defs, "every_quote_is_an_exact_substring_of_its_seed") else {
        return;
    };
    let mut failures = Vec::new();
    let mut checked = 0;
    for (def, span) in &defs {
        for source in sources(def) {
            let handle = document_handle(&source.document);
            let where_ = format!("line {} ({} {})", line(&span), def.kind, label(def));
            if !source.document.is_handle {
                failures.push(format!(
                    "{where_}: source '{}' should name its document by #handle",
                    source.document.text
                ));
            }
            let Some(text) = seeds.get(handle) else {
                failures.push(format!(
                    "{where_}: source #{handle} is not a document of the fixture"
                ));
                continue;
            };
            checked += 1;
            if source.quote.trim().is_empty() {
                failures.push(format!("{where_}: empty quote from #{handle}"));
            } else if !text.contains(&source.quote) {
                failures.push(format!(
                    "{where_}: quote from #{handle} {}\n        quote: {}",
                    diagnose(&source.quote, text),
                    visible(&source.quote)
                ));
            }
        }
    }
    assert!(
        checked > 50,
        "only {checked} quotes found: is the fixture parsed right?"
    );
    assert!(
        failures.is_empty(),
        "{} of {checked} quotes are not byte-exact substrings of their seed:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

#[test]
fn the_quote_check_is_byte_exact() {
    // d001 writes "M." and the name with a U+00A0 between them: an ordinary space is a
    // different quote, which the check must refuse and explain.
    let defs = definitions(&fixture_text());
    let Some(seeds) = seed_texts(&defs, "the_quote_check_is_byte_exact") else {
        return;
    };
    let d001 = &seeds["d001"];
    assert!(d001.contains("dirigée par M.\u{a0}Oumerov"));
    assert!(!d001.contains("dirigée par M. Oumerov"));
    let hint = diagnose("dirigée par M. Oumerov", d001);
    assert!(
        hint.contains("invisible") && hint.contains("M.<U+00A0>Oumerov"),
        "{hint}"
    );
    // d003's non-breaking hyphens, d001's narrow no-break space, d000's Cyrillic "е".
    assert!(seeds["d003"].contains("États\u{2011}Unis") && !seeds["d003"].contains("États-Unis"));
    assert!(d001.contains("le 2\u{202f}décembre"));
    assert!(seeds["d000"].contains("l'Ukrain\u{435} et la Russie"));
    assert!(diagnose("une phrase absente", d001).starts_with("not in the seed"));
}

#[test]
fn document_titles_come_from_their_seed() {
    let defs = definitions(&fixture_text());
    let Some(seeds) = seed_texts(&defs, "document_titles_come_from_their_seed") else {
        return;
    };
    let mut failures = Vec::new();
    for (def, span) in of_kind(&defs, RecordKind::Document) {
        let handle = def.handle.as_deref().unwrap_or_default();
        for clause in &def.clauses {
            if let Clause::DocumentField(DocumentField::Title, title) = clause {
                if !seeds[handle].contains(title.as_str()) {
                    failures.push(format!(
                        "line {}: title of #{handle} is not in its seed: {}\n        {}",
                        line(&span),
                        visible(title),
                        diagnose(title, &seeds[handle])
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Aliases that are the usual abbreviations of a party, which the articles happen not to use
/// but a reader types (`who met USA`). Every other alias is a form the articles use.
const COMMON_ALIASES: &[(&str, &[&str])] = &[
    ("us", &["US", "USA", "U.S."]),
    ("usa", &["US", "USA", "U.S.", "U.S.A."]),
    ("eu", &["EU", "UE"]),
];

/// Canonical names that are English renderings of what the articles write (translations, or
/// the usual English transliteration), so they need not occur in the texts. Each is found in
/// the texts through its aliases. Every other canonical name is a form the articles use.
const ENGLISH_RENDERINGS: &[(&str, &str)] = &[
    // places
    ("us", "United States"),
    ("ru", "Russia"),
    ("florida", "Florida"),
    ("miami-area", "Miami area"),
    ("witkoff-golf-club", "Witkoff's golf club"),
    ("moscow", "Moscow"),
    ("odesa-region", "Odesa region"),
    ("odesa", "Odesa"),
    ("pivdennyi", "Port of Pivdennyi"),
    ("donetsk", "Donetsk region"),
    ("donbas", "Donbas"),
    ("crimea", "Crimea"),
    ("black-sea", "Black Sea"),
    ("caspian-sea", "Caspian Sea"),
    ("filanovsky", "Filanovsky oil platform"),
    ("abu-dhabi", "Abu Dhabi"),
    // parties and organisations
    ("usa", "United States"),
    ("russia", "Russia"),
    ("europe", "European countries"),
    ("trump-administration", "Trump administration"),
    ("white-house", "White House"),
    ("state-department", "US Department of State"),
    ("treasury", "US Department of the Treasury"),
    ("nsdc", "National Security and Defense Council of Ukraine"),
    (
        "general-staff",
        "General Staff of the Armed Forces of Ukraine",
    ),
    ("nato", "NATO"),
    ("eu", "European Union"),
    ("econ-working-group", "US-Russia economic working group"),
    // people: English transliterations of the French or Spanish-style spellings
    ("putin", "Vladimir Putin"),
    ("peskov", "Dmitry Peskov"),
    ("ryabkov", "Sergei Ryabkov"),
    ("kuleba", "Oleksiy Kuleba"),
];

#[test]
fn every_alias_and_every_non_english_name_occurs_in_a_seed() {
    let defs = definitions(&fixture_text());
    let Some(seeds) = seed_texts(
        &defs,
        "every_alias_and_every_non_english_name_occurs_in_a_seed",
    ) else {
        return;
    };
    let renderings: HashMap<&str, &str> = ENGLISH_RENDERINGS.iter().copied().collect();
    let in_some_seed = |name: &str| seeds.values().any(|text| occurs_as_words(text, name));
    let mut failures = Vec::new();
    let mut named = BTreeSet::new();
    for (def, span) in &defs {
        if !matches!(def.kind, RecordKind::Actor | RecordKind::Place) {
            continue;
        }
        let handle = def.handle.clone().unwrap_or_default();
        let name = def.name.clone().unwrap_or_default();
        named.insert(handle.clone());
        let common = COMMON_ALIASES
            .iter()
            .find(|(h, _)| *h == handle)
            .map_or(&[][..], |(_, list)| *list);
        for alias in common {
            if !aliases(def).any(|a| a.as_str() == *alias) {
                failures.push(format!(
                    "line {}: COMMON_ALIASES gives #{handle} the alias '{alias}', which it lacks",
                    line(&span)
                ));
            }
        }
        for alias in aliases(def) {
            if !in_some_seed(alias) && !common.contains(&alias.as_str()) {
                let hint = seeds
                    .values()
                    .find(|t| loose(t).contains(&loose(alias)))
                    .map(|_| {
                        " (it occurs once invisible characters are folded: copy it byte for byte)"
                    })
                    .unwrap_or_default();
                failures.push(format!(
                    "line {}: alias '{}' of {} #{handle} occurs in no seed{hint}",
                    line(&span),
                    visible(alias),
                    def.kind
                ));
            }
        }
        match renderings.get(handle.as_str()) {
            Some(english) => {
                if *english != name {
                    failures.push(format!(
                        "line {}: #{handle} is listed as the English rendering '{english}' but is named '{name}'",
                        line(&span)
                    ));
                }
                if aliases(def).next().is_none() {
                    failures.push(format!(
                        "line {}: #{handle} '{name}' is an English rendering without any alias from the texts",
                        line(&span)
                    ));
                }
            }
            None => {
                if !in_some_seed(&name) {
                    failures.push(format!(
                        "line {}: canonical name '{}' of {} #{handle} occurs in no seed and is not listed as an English rendering",
                        line(&span),
                        visible(&name),
                        def.kind
                    ));
                }
            }
        }
    }
    for (handle, _) in ENGLISH_RENDERINGS {
        if !named.contains(*handle) {
            failures.push(format!(
                "ENGLISH_RENDERINGS lists #{handle}, which the fixture does not add"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} problems with names:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

#[test]
fn the_cyrillic_misspelling_is_not_an_alias() {
    // README, doubtful call 10: "Ukrainе" with a Cyrillic "е" (d000) is noise, not a name.
    let defs = definitions(&fixture_text());
    for (def, span) in &defs {
        for alias in aliases(def) {
            assert!(
                !alias.contains('\u{0435}'),
                "line {}: alias '{}' contains a Cyrillic е",
                line(&span),
                visible(alias)
            );
        }
    }
}

// ---- counts and order --------------------------------------------------------------------------

#[test]
fn counts_are_sane() {
    let defs = definitions(&fixture_text());
    let count = |kind| of_kind(&defs, kind).len();
    // As the fixture's README says: 5 documents, 22 places, 37 actors, 25 relations, 15 meetings.
    assert_eq!(count(RecordKind::Document), 5, "documents");
    assert_eq!(count(RecordKind::Place), 22, "places");
    assert_eq!(count(RecordKind::Actor), 37, "actors");
    assert_eq!(count(RecordKind::Relation), 25, "relations");
    assert_eq!(count(RecordKind::Meeting), 15, "meetings");

    // Every meeting and every relation cites at least one document.
    let mut unsourced = Vec::new();
    for (def, span) in &defs {
        if matches!(def.kind, RecordKind::Meeting | RecordKind::Relation)
            && sources(def).next().is_none()
        {
            unsourced.push(format!("line {}: {} {}", line(&span), def.kind, label(def)));
        }
    }
    assert!(
        unsourced.is_empty(),
        "records without a source:\n  {}",
        unsourced.join("\n  ")
    );

    // Every meeting has at least one participant.
    for (def, span) in of_kind(&defs, RecordKind::Meeting) {
        assert!(
            def.clauses.iter().any(|c| matches!(c, Clause::With(_))),
            "line {}: meeting {} has no participant",
            line(&span),
            label(def)
        );
    }

    // Statuses: 10 occurred, 1 planned, 3 possible, 1 ruled out.
    let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
    for (def, span) in of_kind(&defs, RecordKind::Meeting) {
        let s =
            status(def).unwrap_or_else(|| panic!("line {}: meeting without a status", line(&span)));
        *by_status.entry(s.to_string()).or_default() += 1;
    }
    assert_eq!(
        by_status,
        BTreeMap::from([
            ("occurred".to_string(), 10),
            ("planned".to_string(), 1),
            ("possible".to_string(), 3),
            ("ruled_out".to_string(), 1),
        ])
    );

    // Handles are unique per kind.
    for kind in RecordKind::ALL {
        let mut seen = BTreeSet::new();
        for (def, span) in of_kind(&defs, kind) {
            if let Some(h) = &def.handle {
                assert!(
                    seen.insert(h.clone()),
                    "line {}: {kind} handle #{h} is used twice",
                    line(&span)
                );
            }
        }
    }
}

#[test]
fn kinds_are_counted_as_the_readme_says() {
    // README: places 3 countries, 8 regions, 8 cities, 3 sites; actors 3 countries, 2 groups,
    // 16 organisations, 16 persons.
    let defs = definitions(&fixture_text());
    let kinds = |kind| {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for (def, span) in of_kind(&defs, kind) {
            let k = def
                .clauses
                .iter()
                .find_map(|c| match c {
                    Clause::Kind(k, _) => Some(k.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| {
                    panic!("line {}: {kind} {} has no kind", line(&span), label(def))
                });
            *counts.entry(k).or_default() += 1;
        }
        counts
    };
    let expect = |pairs: &[(&str, usize)]| -> BTreeMap<String, usize> {
        pairs.iter().map(|(k, n)| (k.to_string(), *n)).collect()
    };
    assert_eq!(
        kinds(RecordKind::Place),
        expect(&[("country", 3), ("region", 8), ("city", 8), ("site", 3)])
    );
    assert_eq!(
        kinds(RecordKind::Actor),
        expect(&[
            ("country", 3),
            ("group", 2),
            ("organisation", 16),
            ("person", 16)
        ])
    );
}

#[test]
fn the_readme_timeline_matches_the_meetings() {
    // The "Timeline" table of fixtures/miami-talks/README.md: handle, date, place, status and
    // documents of every meeting, as the script records them.
    let text = fixture_text();
    let defs = definitions(&text);
    let place_names: HashMap<String, String> = of_kind(&defs, RecordKind::Place)
        .iter()
        .map(|(d, _)| (d.handle.clone().unwrap(), d.name.clone().unwrap()))
        .collect();
    let readme = std::fs::read_to_string(fixture_dir().join("README.md")).expect("README");
    let mut table: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in readme.lines() {
        let cells: Vec<String> = line.split('|').map(|c| c.trim().to_string()).collect();
        if cells.len() == 8
            && cells[1].starts_with('m')
            && cells[1][1..].chars().all(|c| c.is_ascii_digit())
        {
            table.insert(cells[1].clone(), cells[2..7].to_vec());
        }
    }
    let mut failures = Vec::new();
    let meetings = of_kind(&defs, RecordKind::Meeting);
    assert_eq!(
        table.len(),
        meetings.len(),
        "the README timeline lists {} meetings",
        table.len()
    );
    for (def, span) in meetings {
        let handle = def.handle.clone().unwrap();
        let Some(row) = table.get(&handle) else {
            failures.push(format!("#{handle} is not in the README timeline"));
            continue;
        };
        let date = date(def).map_or("—".to_string(), |d| d.to_string());
        let place = def
            .clauses
            .iter()
            .find_map(|c| match c {
                Clause::In(p) => Some(
                    place_names
                        .get(p.text.trim_start_matches('#'))
                        .cloned()
                        .unwrap_or(p.text.clone()),
                ),
                _ => None,
            })
            .unwrap_or_else(|| "—".to_string());
        let status = status(def).map(|s| s.to_string()).unwrap_or_default();
        let documents: BTreeSet<String> = sources(def)
            .map(|s| document_handle(&s.document).to_string())
            .collect();
        let readme_place = row[1].split(", ").next().unwrap_or_default();
        let readme_status = row[3]
            .split(" (")
            .next()
            .unwrap_or_default()
            .replace(' ', "_");
        let readme_documents: BTreeSet<String> = row[4].split(", ").map(str::to_string).collect();
        let checks = [
            ("date", row[0].clone(), date),
            ("place", readme_place.to_string(), place),
            ("status", readme_status, status),
            (
                "documents",
                format!("{readme_documents:?}"),
                format!("{documents:?}"),
            ),
        ];
        for (what, readme_value, script_value) in checks {
            if readme_value != script_value {
                failures.push(format!(
                    "line {}: #{handle} {what}: README says {readme_value}, the script {script_value}",
                    line(&span)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn meeting_handles_are_m01_to_mnn_in_date_order() {
    let defs = definitions(&fixture_text());
    let meetings = of_kind(&defs, RecordKind::Meeting);
    let handles: Vec<String> = meetings
        .iter()
        .map(|(d, span)| {
            d.handle
                .clone()
                .unwrap_or_else(|| panic!("line {}: a meeting without a handle", line(&span)))
        })
        .collect();
    let expected: Vec<String> = (1..=meetings.len()).map(|n| format!("m{n:02}")).collect();
    assert_eq!(
        handles,
        expected,
        "meeting handles should be m01..m{:02}, in order, each once",
        meetings.len()
    );

    // Dated meetings come first, in date order (by first day, then last day); undated ones last.
    let mut previous: Option<(String, DateSpan)> = None;
    let mut undated_seen: Option<String> = None;
    for (def, _) in &meetings {
        let handle = def.handle.clone().unwrap_or_default();
        match date(def) {
            Some(d) => {
                if let Some(u) = &undated_seen {
                    panic!("#{handle} is dated ({d}) but comes after the undated #{u}");
                }
                if let Some((ph, pd)) = &previous {
                    assert!(
                        pd.sort_key() <= d.sort_key(),
                        "#{handle} ({d}) comes after #{ph} ({pd}) but is earlier"
                    );
                }
                previous = Some((handle, d));
            }
            None => {
                undated_seen.get_or_insert(handle);
            }
        }
    }
    assert_eq!(
        undated_seen.as_deref(),
        Some("m11"),
        "m11–m15 are the undated meetings"
    );
}

#[test]
fn says_dates_are_consistent_with_the_meeting_dates() {
    // A source that `says` a date must not contradict the meeting's own date: the two spans
    // overlap (e.g. m02 on 2025-11-30, d000 says ~2025-11).
    let defs = definitions(&fixture_text());
    for (def, span) in of_kind(&defs, RecordKind::Meeting) {
        let Some(d) = date(def) else { continue };
        for source in sources(def) {
            if let Some(said) = source.says_date {
                assert!(
                    d.overlaps(&said),
                    "line {}: meeting {} is on {d} but #{} says {said}",
                    line(&span),
                    label(def),
                    document_handle(&source.document)
                );
            }
        }
    }
}

#[test]
fn lines_with_invisible_characters_are_marked() {
    // The fixture marks every statement that carries U+00A0, U+202F or U+2011 with a comment
    // naming them ([nbsp], [nnbsp], [nbhy]) just before it.
    let text = fixture_text();
    let lines: Vec<&str> = text.lines().collect();
    let defs = definitions(&text);
    let mut failures = Vec::new();
    for (def, span) in &defs {
        let body = &text[span.start..span.end];
        let comment: String = lines[..(line(&span) as usize - 1)]
            .iter()
            .rev()
            .take_while(|l| l.trim_start().starts_with("--"))
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        for (c, mark) in [
            ('\u{a0}', "[nbsp]"),
            ('\u{202f}', "[nnbsp]"),
            ('\u{2011}', "[nbhy]"),
        ] {
            if body.contains(c) && !comment.contains(mark) {
                failures.push(format!(
                    "line {}: {} {} contains U+{:04X} but the comment before it has no {mark}",
                    line(&span),
                    def.kind,
                    label(def),
                    c as u32
                ));
            }
            if !body.contains(c) && comment.contains(mark) {
                failures.push(format!(
                    "line {}: {} {} is marked {mark} but contains no U+{:04X}",
                    line(&span),
                    def.kind,
                    label(def),
                    c as u32
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---- the loaded database -----------------------------------------------------------------------

#[test]
fn load_demo_checks_clean_and_counts_match_the_script() -> entrevue::Result<()> {
    let db = Database::temporary()?;
    db.execute("load demo;")?;
    let report = db.check()?;
    assert!(
        report.is_clean(),
        "check after load demo: {report}\n{:#?}",
        report.problems
    );

    let defs = definitions(&fixture_text());
    let count = |kind| of_kind(&defs, kind).len() as u64;
    let stats = db.stats()?;
    assert_eq!(stats.documents, count(RecordKind::Document), "documents");
    assert_eq!(stats.places, count(RecordKind::Place), "places");
    assert_eq!(stats.actors, count(RecordKind::Actor), "actors");
    assert_eq!(stats.meetings, count(RecordKind::Meeting), "meetings");
    assert_eq!(stats.relations, count(RecordKind::Relation), "relations");

    // Every handle of the script is a record of the database.
    for (def, span) in &defs {
        let Some(h) = &def.handle else { continue };
        let found = match def.kind {
            RecordKind::Actor => db.by_handle::<entrevue::Actor>(h)?.is_some(),
            RecordKind::Place => db.by_handle::<entrevue::Place>(h)?.is_some(),
            RecordKind::Document => db.by_handle::<entrevue::Document>(h)?.is_some(),
            RecordKind::Meeting => db.by_handle::<entrevue::Meeting>(h)?.is_some(),
            RecordKind::Relation => db.by_handle::<entrevue::Relation>(h)?.is_some(),
        };
        assert!(
            found,
            "line {}: {} #{h} is not in the loaded database",
            line(&span),
            def.kind
        );
    }
    Ok(())
}

#[test]
fn stored_quotes_are_the_script_quotes() -> entrevue::Result<()> {
    // What the database stores is byte for byte what the script says (no normalisation of
    // no-break spaces on the way in).
    let db = Database::temporary()?;
    db.execute("load demo;")?;
    let defs = definitions(&fixture_text());
    for (def, _) in of_kind(&defs, RecordKind::Meeting) {
        let handle = def.handle.as_deref().unwrap();
        let id = db.by_handle::<entrevue::Meeting>(handle)?.unwrap();
        let meeting = db.get(id)?.unwrap();
        let stored: Vec<&str> = meeting.sources.iter().map(|s| s.quote.as_str()).collect();
        let written: Vec<&str> = sources(def).map(|s| s.quote.as_str()).collect();
        assert_eq!(stored, written, "quotes of #{handle}");
    }
    Ok(())
}
