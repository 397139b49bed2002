//! The reviewable script of an extraction: statements in the language `dump` writes (every
//! reference a `#handle`, every text quoted by `syntax::lexical::quote`), so that it runs as
//! it is once reviewed, and comments giving each proposal's confidence and cues.

use std::fmt::Write as _;

use crate::model::Certainty;
use crate::syntax::lexical::{quote, word_or_quoted};

use super::world::World;
use super::{ExtractOptions, Extraction, Proposal};

/// The script of `found` (whose own `script` is not read): the document, each meeting (added,
/// or its new sources set), unknown names.
pub(crate) fn render(
    world: &World,
    found: &Extraction,
    title: &str,
    options: &ExtractOptions,
) -> String {
    let (document, language) = (found.document.as_str(), found.language.as_str());
    let (proposals, unknown, notes) = (&found.proposals, &found.unknown_names, &found.notes);
    let mut out = String::new();
    let from = options.file.as_deref().unwrap_or("the article");
    let _ = writeln!(
        out,
        "-- Meetings reported by {from}, proposed for review: check each one, then run the script."
    );
    for note in notes {
        let _ = writeln!(out, "-- note: {note}");
    }
    let mut doc = format!("add document #{document} title {}", quote(title));
    if let Some(outlet) = &options.outlet {
        let _ = write!(doc, " outlet {}", quote(outlet));
    }
    let _ = write!(doc, " language {}", quote(language));
    if let Some(published) = &options.published {
        let _ = write!(doc, " published {published}");
    }
    if let Some(file) = &options.file {
        let _ = write!(doc, " file {}", quote(file));
    }
    let _ = writeln!(out, "{doc};");
    for (i, p) in proposals.iter().enumerate() {
        out.push('\n');
        meeting(&mut out, world, document, i + 1, p);
    }
    if !unknown.is_empty() {
        let _ = writeln!(
            out,
            "\n-- Capitalised names the database does not know (confidence 0.3: the shape of \
             a name, nothing more); add those that are people:"
        );
        for name in unknown {
            let _ = writeln!(out, "-- add actor {} kind person;", quote(name));
        }
    }
    out
}

fn meeting(out: &mut String, world: &World, document: &str, n: usize, p: &Proposal) {
    let _ = writeln!(
        out,
        "-- meeting {n}: confidence {:.2}; {} sentence(s); cues: {}",
        p.confidence,
        p.quotes.len(),
        p.cues.join("; ")
    );
    if let Some(existing) = world
        .meetings
        .iter()
        .find(|m| Some(&m.handle) == p.existing.as_ref())
    {
        let _ = writeln!(
            out,
            "-- already in the database as #{}: its sources, and this article's",
            existing.handle
        );
        let mut s = format!("set meeting #{}", existing.handle);
        for source in &existing.sources {
            let _ = write!(s, "\n  {source}");
        }
        for q in &p.quotes {
            let _ = write!(s, "\n  source #{document} {}", quote(q));
        }
        let _ = writeln!(out, "{s};");
        return;
    }
    let mut s = format!("add meeting kind {}", word_or_quoted(&p.kind));
    match &p.date {
        Some(date) => {
            let _ = write!(s, " on {date}");
        }
        None => out.push_str("-- no date found\n"),
    }
    if let Some(place) = &p.place {
        let _ = write!(s, " in #{place}");
    }
    let _ = write!(s, " status {}", p.status);
    for who in &p.participants {
        let _ = write!(s, "\n  with #{}", who.handle);
        if let Some(side) = &who.side {
            let _ = write!(s, " side #{side}");
        }
        if who.certainty != Certainty::Confirmed {
            let _ = write!(s, " certainty {}", who.certainty);
        }
    }
    for q in &p.quotes {
        let _ = write!(s, "\n  source #{document} {}", quote(q));
    }
    let _ = writeln!(out, "{s};");
}
