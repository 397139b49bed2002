//! FollowTheMoney entities from elsewhere, read as well as they map; each one left out, and
//! why, goes in the report.
//!
//! Legal entities become actors (a `Person` a person, the rest organisations), `Address`
//! entities places, documents documents, `Event`s meetings (`involved` and `organizer` as
//! participants of unknown side; `location` text as a place of its own when no
//! `addressEntity` is given), the relationship schemas relations (their role as the
//! predicate when it is a word), and `Documentation` of a meeting with a `summary` a quote.
//! FtM ids become handles where they fit (letters, digits, `_`, `-`, up to 64).

use crate::model::{
    check_name, Actor, ActorKind, DatePoint, DateSpan, Document, Id, Meeting, Participant, Place,
    PlaceKind, RecordKind, Relation, SourceRef,
};

use crate::error::Result;

use super::ftm_read::{Builder, Entity};

const ACTORS: [&str; 5] = [
    "Person",
    "Organization",
    "Company",
    "PublicBody",
    "LegalEntity",
];
const DOCUMENTS: [&str; 12] = [
    "Document",
    "Article",
    "Pages",
    "Page",
    "PlainText",
    "HyperText",
    "Email",
    "Table",
    "Workbook",
    "Image",
    "Video",
    "Audio",
];
/// Relationship schemas: (schema, subject property, object property, predicate when the role
/// is not a word).
const LINKS: [(&str, &str, &str, &str); 8] = [
    ("Membership", "member", "organization", "member_of"),
    ("Representation", "agent", "client", "represents"),
    ("Family", "person", "relative", "relative_of"),
    ("Associate", "person", "associate", "associate_of"),
    ("Employment", "employee", "employer", "works_for"),
    ("Directorship", "director", "organization", "director_of"),
    ("Ownership", "owner", "asset", "owner_of"),
    ("UnknownLink", "subject", "object", "linked_to"),
];

fn skip(b: &mut Builder<'_, '_>, e: &Entity<'_>, why: impl std::fmt::Display) {
    let file = b.file;
    b.skipped
        .push(format!("{file}:{}: {} {}: {why}", e.line, e.schema, e.id));
}

/// A handle made of the FtM id, when it can be one and is free.
fn handle(b: &Builder<'_, '_>, kind: RecordKind, id: &str) -> String {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-');
    if ok && !b.handles.contains_key(&(kind, id.to_string())) {
        id.to_string()
    } else {
        String::new()
    }
}

/// A name in its stored form, or why it cannot be one.
fn name(text: Option<&str>) -> Result<String, String> {
    let text = text.ok_or("it has no name")?;
    check_name(text).map_err(|e| format!("its name cannot be stored: {e}"))
}

/// An FtM date (`2025`, `2025-11`, `2025-11-30`, or a time after the day) as a point.
fn point(text: &str) -> Option<DatePoint> {
    text.get(..10.min(text.len()))?.parse().ok()
}

fn date(e: &Entity<'_>) -> Option<DateSpan> {
    if let Some(d) = e.first("date").and_then(point) {
        return DateSpan::point(d).ok();
    }
    let start = e.first("startDate").and_then(point)?;
    match e.first("endDate").and_then(point) {
        Some(end) => DateSpan::range(start, end).ok(),
        None => DateSpan::point(start).ok(),
    }
}

/// First pass: the records that refer to nothing written, events given their keys.
pub(super) fn record(b: &mut Builder<'_, '_>, e: &Entity<'_>) -> Result<()> {
    let schema = e.schema;
    if ACTORS.contains(&schema) || schema == "Address" {
        return party_or_address(b, e);
    } else if DOCUMENTS.contains(&schema) {
        let title = ["title", "name", "fileName"]
            .iter()
            .find_map(|p| e.first(p))
            .unwrap_or(e.id);
        let h = handle(b, RecordKind::Document, e.id);
        let mut d = Document::new(&h, title);
        d.outlet = e.first("publisher").map(String::from);
        d.language = e.first("language").map(String::from);
        d.published = e
            .first("publishedAt")
            .and_then(point)
            .and_then(|p| DateSpan::point(p).ok());
        d.url = e.first("sourceUrl").map(String::from);
        d.file = e.first("fileName").map(String::from);
        b.add(d, e.line, Some(e.id))?;
    } else if schema == "Event" {
        let h = handle(b, RecordKind::Meeting, e.id);
        b.meeting_key(&h, Some(e.id));
    } else if schema != "Documentation" && !LINKS.iter().any(|l| l.0 == schema) {
        skip(b, e, "Entrevue has no record for this schema");
    }
    Ok(())
}

/// A legal entity as an actor, an `Address` as a place.
fn party_or_address(b: &mut Builder<'_, '_>, e: &Entity<'_>) -> Result<()> {
    let address = e.schema == "Address";
    let first = if address {
        e.first("full").or_else(|| e.first("name"))
    } else {
        e.first("name")
    };
    let name = match name(first) {
        Ok(name) => name,
        Err(why) => {
            skip(b, e, why);
            return Ok(());
        }
    };
    let aliases: Vec<String> = e
        .values("alias")
        .into_iter()
        .filter_map(|a| check_name(a).ok())
        .filter(|a| *a != name)
        .collect();
    if address {
        let h = handle(b, RecordKind::Place, e.id);
        let mut place = Place::new(PlaceKind::Site, name).with_handle(&h);
        place.aliases = aliases;
        b.add(place, e.line, Some(e.id))?;
    } else {
        let kind = if e.schema == "Person" {
            ActorKind::Person
        } else {
            ActorKind::Organisation
        };
        let h = handle(b, RecordKind::Actor, e.id);
        let mut actor = Actor::new(kind, name).with_handle(&h);
        actor.aliases = aliases;
        b.add(actor, e.line, Some(e.id))?;
    }
    Ok(())
}

/// The record behind an FtM entity id, when it is of `kind`.
fn target(b: &Builder<'_, '_>, kind: RecordKind, id: &str) -> Option<u64> {
    b.entities
        .get(id)
        .filter(|(k, _)| *k == kind)
        .map(|(_, n)| *n)
}

/// Second pass: meetings with their participants and places, relations, quotes.
pub(super) fn link(b: &mut Builder<'_, '_>, e: &Entity<'_>) -> Result<()> {
    if e.schema == "Event" {
        event(b, e)
    } else if let Some(link) = LINKS.iter().find(|l| l.0 == e.schema) {
        relation(b, e, link)
    } else if e.schema == "Documentation" {
        let meeting = e
            .first("entity")
            .and_then(|i| target(b, RecordKind::Meeting, i));
        let document = e
            .first("document")
            .and_then(|i| target(b, RecordKind::Document, i));
        let quote = e.first("summary").or_else(|| e.first("description"));
        let why = match (meeting, document, quote) {
            (Some(m), Some(d), Some(q)) => {
                return b.add_source(m, SourceRef::new(Id::new(d), q), e.line)
            }
            (None, _, _) => "it documents no meeting of the file",
            (_, None, _) => "its document is not in the file",
            (_, _, None) => "it has no summary to keep as the quote",
        };
        skip(b, e, why);
        Ok(())
    } else {
        Ok(())
    }
}

/// A relationship schema's entity as a relation, its role as the predicate when it is a word.
fn relation(
    b: &mut Builder<'_, '_>,
    e: &Entity<'_>,
    (_, from, to, fallback): &(&str, &str, &str, &str),
) -> Result<()> {
    let ends = (
        e.first(from).and_then(|i| target(b, RecordKind::Actor, i)),
        e.first(to).and_then(|i| target(b, RecordKind::Actor, i)),
    );
    let (Some(subject), Some(object)) = ends else {
        skip(b, e, "one of its ends is not an actor of the file");
        return Ok(());
    };
    let role = e
        .first("role")
        .or_else(|| e.first("relationship"))
        .unwrap_or("");
    let word: String = role
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let word = word.trim_matches('_');
    let predicate = if word.is_empty() || word.len() > 64 {
        fallback
    } else {
        word
    };
    let mut r = Relation::new(Id::new(subject), predicate, Id::new(object));
    r.handle = handle(b, RecordKind::Relation, e.id);
    b.add(r, e.line, Some(e.id))?;
    Ok(())
}

fn event(b: &mut Builder<'_, '_>, e: &Entity<'_>) -> Result<()> {
    let Some(key) = target(b, RecordKind::Meeting, e.id) else {
        return Ok(());
    };
    // The first pass gave the meeting the entity's id as its handle when it could.
    let named = b.handles.get(&(RecordKind::Meeting, e.id.to_string())) == Some(&key);
    let mut m = Meeting::new("event").with_handle(if named { e.id } else { "" });
    m.date = date(e);
    m.summary = e
        .first("summary")
        .or_else(|| e.first("name"))
        .map(String::from);
    for (property, role) in [("organizer", Some("organizer")), ("involved", None)] {
        for actor in e
            .values(property)
            .into_iter()
            .filter_map(|i| target(b, RecordKind::Actor, i))
        {
            if m.participants.iter().all(|p| p.actor.get() != actor) {
                let mut p = Participant::new(Id::new(actor));
                p.role = role.map(String::from);
                m.participants.push(p);
            }
        }
    }
    m.place = e
        .first("addressEntity")
        .and_then(|i| target(b, RecordKind::Place, i))
        .map(Id::new);
    if m.place.is_none() {
        if let Some(Ok(location)) = e.first("location").map(check_name) {
            let key = format!("location:{location}");
            m.place = Some(Id::new(match b.entities.get(&key) {
                Some((_, n)) => *n,
                None => b.add(Place::new(PlaceKind::Site, location), e.line, Some(&key))?,
            }));
        }
    }
    b.add_meeting(key, m, e.line)
}
