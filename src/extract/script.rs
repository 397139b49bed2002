//! The reviewable script of an extraction: statements in the language `dump` writes (every
//! reference a `#handle`, every text quoted by `syntax::lexical::quote`), so that it runs as
//! it is once reviewed, and comments giving each proposal's confidence and cues.

use std::fmt::Write as _;

use crate::model::Certainty;
use crate::syntax::lexical::{name_or_quoted, quote, word_or_quoted};

use super::existing::Existing;
use super::world::World;
use super::{ExtractOptions, Extraction, Proposal};

/// The script of `found` (whose own `script` is not read): the document, the places it adds,
/// each meeting (added, or its new sources set, when it is one of `existing`), unknown people.
pub(crate) fn render(
    world: &World,
    existing: &[Existing],
    found: &Extraction,
    title: &str,
    options: &ExtractOptions,
) -> String {
    let (document, language) = (found.document.as_str(), found.language.as_str());
    let (proposals, notes) = (&found.proposals, &found.notes);
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
    places(&mut out, world, found);
    for (i, p) in proposals.iter().enumerate() {
        out.push('\n');
        meeting(&mut out, world, existing, found, i + 1, p);
    }
    people(&mut out, found);
    out
}

/// `add place` for each place the article names inside a known one.
fn places(out: &mut String, world: &World, found: &Extraction) {
    for place in &found.new_places {
        let (Some(parent), Some(new)) = (
            world.place(&place.parent),
            world
                .places
                .iter()
                .find(|p| p.proposed && p.name == place.name),
        ) else {
            continue;
        };
        let _ = writeln!(
            out,
            "\n-- a place the database does not have, named before {} (confidence 0.6):\n\
             add place {} kind {} in {};",
            parent.name,
            quote(&place.name),
            new.kind,
            name_or_quoted(&parent.name)
        );
    }
}

/// `add actor` for the people the database does not know: a statement when the words before
/// the name give a title (a role named in apposition), else only a comment.
fn people(out: &mut String, found: &Extraction) {
    let (titled, bare): (Vec<_>, Vec<_>) = found.new_actors.iter().partition(|a| a.title.is_some());
    if !titled.is_empty() {
        let _ = writeln!(
            out,
            "\n-- People the database does not know, with the title the article gives them \
             (confidence 0.6):"
        );
        for actor in titled {
            let mut s = format!("add actor {} kind person", quote(&actor.name));
            if let Some(title) = &actor.title {
                let _ = write!(s, " title {}", quote(title));
            }
            if let Some(party) = &actor.affiliation {
                let _ = write!(s, " affiliation #{party}");
            }
            let _ = writeln!(out, "{s};");
        }
    }
    if !bare.is_empty() {
        let _ = writeln!(
            out,
            "\n-- Capitalised names the database does not know (confidence 0.3: the shape of \
             a name, nothing more); add those that are people:"
        );
        for actor in bare {
            let _ = writeln!(out, "-- add actor {} kind person;", quote(&actor.name));
        }
    }
}

fn meeting(
    out: &mut String,
    world: &World,
    existing: &[Existing],
    found: &Extraction,
    n: usize,
    p: &Proposal,
) {
    let document = found.document.as_str();
    let _ = writeln!(
        out,
        "-- meeting {n}: confidence {:.2}; {} sentence(s); cues: {}",
        p.confidence,
        p.quotes.len(),
        p.cues.join("; ")
    );
    for alias in &found.aliases {
        let named = p.quotes.iter().any(|q| q.contains(&alias.spelling));
        if named && p.participants.iter().any(|x| x.handle == alias.handle) {
            let _ = writeln!(
                out,
                "-- {}: alias of {}?",
                quote(&alias.spelling),
                alias.name
            );
        }
    }
    if let Some(existing) = existing
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
    match p.place.as_deref().and_then(|h| world.place(h)) {
        Some(place) if place.proposed => {
            let _ = write!(s, " in {}", quote(&place.name));
        }
        Some(place) => {
            let _ = write!(s, " in #{}", place.handle);
        }
        None => {}
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
