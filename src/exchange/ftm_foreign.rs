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

fn skip(b: &mut Builder, file: &str, e: &Entity<'_>, why: impl std::fmt::Display) {
    b.skipped
        .push(format!("{file}:{}: {} {}: {why}", e.line, e.schema, e.id));
}

/// A handle made of the FtM id, when it can be one and is free.
fn handle(b: &Builder, kind: RecordKind, id: &str) -> String {
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

/// First pass: the records that refer to nothing.
pub(super) fn record(b: &mut Builder, e: &Entity<'_>, file: &str) {
    let schema = e.schema;
    if ACTORS.contains(&schema) || schema == "Address" {
        let first = if schema == "Address" {
            e.first("full").or_else(|| e.first("name"))
        } else {
            e.first("name")
        };
        let name = match name(first) {
            Ok(name) => name,
            Err(why) => return skip(b, file, e, why),
        };
        let aliases: Vec<String> = e
            .values("alias")
            .into_iter()
            .filter_map(|a| check_name(a).ok())
            .filter(|a| *a != name)
            .collect();
        if schema == "Address" {
            let h = handle(b, RecordKind::Place, e.id);
            let mut place = Place::new(PlaceKind::Site, name).with_handle(&h);
            place.aliases = aliases;
            let id = b.next(RecordKind::Place, e.line, &h, e.id);
            b.snapshot.places.insert(id, place);
        } else {
            let kind = if schema == "Person" {
                ActorKind::Person
            } else {
                ActorKind::Organisation
            };
            let h = handle(b, RecordKind::Actor, e.id);
            let mut actor = Actor::new(kind, name).with_handle(&h);
            actor.aliases = aliases;
            let id = b.next(RecordKind::Actor, e.line, &h, e.id);
            b.snapshot.actors.insert(id, actor);
        }
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
        let id = b.next(RecordKind::Document, e.line, &h, e.id);
        b.snapshot.documents.insert(id, d);
    } else if schema == "Event" {
        let h = handle(b, RecordKind::Meeting, e.id);
        let mut m = Meeting::new("event").with_handle(&h);
        m.date = date(e);
        m.summary = e
            .first("summary")
            .or_else(|| e.first("name"))
            .map(String::from);
        let id = b.next(RecordKind::Meeting, e.line, &h, e.id);
        b.snapshot.meetings.insert(id, m);
    } else if schema != "Documentation" && !LINKS.iter().any(|l| l.0 == schema) {
        skip(b, file, e, "Entrevue has no record for this schema");
    }
}

/// The record behind an FtM entity id, when it is of `kind`.
fn target(b: &Builder, kind: RecordKind, id: &str) -> Option<u64> {
    b.entities
        .get(id)
        .filter(|(k, _)| *k == kind)
        .map(|(_, n)| *n)
}

/// Second pass: meetings' participants and places, relations, quotes.
pub(super) fn link(b: &mut Builder, e: &Entity<'_>, file: &str) {
    if e.schema == "Event" {
        event(b, e);
    } else if let Some((_, from, to, fallback)) = LINKS.iter().find(|l| l.0 == e.schema) {
        let ends = (
            e.first(from).and_then(|i| target(b, RecordKind::Actor, i)),
            e.first(to).and_then(|i| target(b, RecordKind::Actor, i)),
        );
        let (Some(subject), Some(object)) = ends else {
            return skip(b, file, e, "one of its ends is not an actor of the file");
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
        let h = handle(b, RecordKind::Relation, e.id);
        let mut r = Relation::new(Id::new(subject), predicate, Id::new(object));
        r.handle = h.clone();
        let id = b.next(RecordKind::Relation, e.line, &h, e.id);
        b.snapshot.relations.insert(id, r);
    } else if e.schema == "Documentation" {
        let meeting = e
            .first("entity")
            .and_then(|i| target(b, RecordKind::Meeting, i));
        let document = e
            .first("document")
            .and_then(|i| target(b, RecordKind::Document, i));
        let quote = e.first("summary").or_else(|| e.first("description"));
        match (meeting, document, quote) {
            (Some(m), Some(d), Some(q)) => {
                if let Some(m) = b.snapshot.meetings.get_mut(&m) {
                    m.sources.push(SourceRef::new(Id::new(d), q));
                }
            }
            (None, _, _) => skip(b, file, e, "it documents no meeting of the file"),
            (_, None, _) => skip(b, file, e, "its document is not in the file"),
            (_, _, None) => skip(b, file, e, "it has no summary to keep as the quote"),
        }
    }
}

fn event(b: &mut Builder, e: &Entity<'_>) {
    let Some(id) = target(b, RecordKind::Meeting, e.id) else {
        return;
    };
    let mut participants: Vec<Participant> = Vec::new();
    for (property, role) in [("organizer", Some("organizer")), ("involved", None)] {
        for actor in e
            .values(property)
            .into_iter()
            .filter_map(|i| target(b, RecordKind::Actor, i))
        {
            if participants.iter().all(|p| p.actor.get() != actor) {
                let mut p = Participant::new(Id::new(actor));
                p.role = role.map(String::from);
                participants.push(p);
            }
        }
    }
    let mut place = e
        .first("addressEntity")
        .and_then(|i| target(b, RecordKind::Place, i));
    if place.is_none() {
        if let Some(Ok(location)) = e.first("location").map(check_name) {
            let key = format!("location:{location}");
            place = Some(match b.entities.get(&key) {
                Some((_, n)) => *n,
                None => {
                    let n = b.next(RecordKind::Place, e.line, "", &key);
                    b.snapshot
                        .places
                        .insert(n, Place::new(PlaceKind::Site, location));
                    n
                }
            });
        }
    }
    if let Some(m) = b.snapshot.meetings.get_mut(&id) {
        m.participants = participants;
        m.place = place.map(Id::new);
    }
}
