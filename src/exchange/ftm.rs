//! FollowTheMoney entities, one JSON object a line, as the FtM tools read them:
//! `{"id", "schema", "properties": {name: [values]}}`.
//!
//! - Actors: a person is a `Person`; an organisation or a group an `Organization`; a country
//!   acting as a party a `PublicBody` (FtM has no schema for a state as a party: it models
//!   countries as property values, ISO codes, which our names are not; a state acting through
//!   its government is what FtM calls a public body). An affiliation is also a `Membership`.
//! - Places: `Address` entities (`full`: the name); a meeting points at its place with
//!   `addressEntity` and spells the place out in `location`.
//! - Documents: `Article`. Meetings: `Event` (`involved`: the participants; `organizer`: those
//!   whose role is host, organiser or chair; `date`, or `startDate`/`endDate` for a range, cut
//!   to the date's precision: `2025-11`, never an invented day).
//! - Relations: the relationship schema that fits the predicate (see [`link`]), the predicate
//!   as its role.
//! - Each quote behind a meeting: a `Documentation` entity linking the document and the
//!   meeting, the quote as its `summary`. A relation is not a `Thing`, which is all that
//!   `Documentation` links: its documents are its `proof`, its quotes its `description`.
//!
//! What FtM cannot say — handles, kinds, sides, per-participant role and certainty, status,
//! approximate dates, place kinds and parents, the exact quote and what a source says beside
//! it, and the exact spelling of names, titles and summaries, which FtM tools clean — goes in a
//! top-level `"entrevue"` object per entity. FtM tools keep it aside, as the entity's context
//! (`ftm validate` and `ftm aggregate` pass it through); our import reads it, so that an export
//! imported back loses nothing.

use std::io::Write;

use serde_json::{json, Map, Value};

use crate::error::Result;
use crate::model::{
    Actor, ActorKind, DateSpan, Document, Meeting, Place, Precision, Relation, SourceRef,
};

use super::files::NewFile;
use super::ftm_records;
use super::records::{ActorName, Names, Records};

/// The FtM id of our record of `kind` with `handle`.
pub(super) fn entity_id(kind: &str, handle: &str) -> String {
    format!("entrevue-{kind}-{handle}")
}

/// The first and last day a date covers, as `YYYY-MM-DD`.
pub(super) fn day_bounds(date: &DateSpan) -> (String, String) {
    (date.first_day().iso(), date.last_day().iso())
}

/// What the extension keeps of a source: the document's handle, the exact quote, and what the
/// source says beside it.
pub(super) fn source_ext(document: &str, r: &SourceRef) -> Value {
    json!({
        "document": document, "quote": r.quote,
        "says_status": r.says_status.map(|st| st.as_str()),
        "says_date": r.says_date.map(|d| d.to_string()),
    })
}

/// FtM date properties for a span, at its precision.
pub(super) fn dates(properties: &mut Map<String, Value>, date: &DateSpan) {
    if date.precision() == Precision::Range {
        properties.insert("startDate".into(), json!([date.from().to_string()]));
        properties.insert("endDate".into(), json!([date.to().to_string()]));
    } else {
        properties.insert("date".into(), json!([date.from().to_string()]));
    }
}

pub(super) fn entity(
    id: String,
    schema: &str,
    properties: Map<String, Value>,
    ext: Value,
) -> String {
    json!({"id": id, "schema": schema, "properties": properties, "entrevue": ext}).to_string()
}

/// The schema of a relation, and its subject's, object's and role's properties.
///
/// Family words between two people give `Family`; envoys, spokespeople and delegates
/// `Representation`; a person working for an organisation `Employment` (FtM's employee is a
/// person); any other `…_of` an organisation, country or group `Membership`; anything else
/// between two people `Associate`; the rest `UnknownLink`. Each end fits the range FtM gives
/// its property, which the validator checks.
pub(super) fn link(
    predicate: &str,
    subject: ActorKind,
    object: ActorKind,
) -> (&'static str, &'static str, &'static str, &'static str) {
    const FAMILY: [&str; 12] = [
        "son_in_law_of",
        "daughter_in_law_of",
        "father_in_law_of",
        "mother_in_law_of",
        "son_of",
        "daughter_of",
        "father_of",
        "mother_of",
        "brother_of",
        "sister_of",
        "spouse_of",
        "sibling_of",
    ];
    const REPRESENTS: [&str; 6] = [
        "envoy_of",
        "spokesperson_of",
        "leads_delegation_of",
        "representative_of",
        "ambassador_of",
        "negotiator_of",
    ];
    let people = subject == ActorKind::Person && object == ActorKind::Person;
    let body = object != ActorKind::Person;
    if people && FAMILY.contains(&predicate) {
        ("Family", "person", "relative", "relationship")
    } else if REPRESENTS.contains(&predicate) || predicate.starts_with("chief_negotiator") {
        ("Representation", "agent", "client", "role")
    } else if subject == ActorKind::Person
        && body
        && (predicate == "works_for" || predicate == "employed_by")
    {
        ("Employment", "employee", "employer", "role")
    } else if body && (predicate.ends_with("_of") || predicate == "member_of") {
        ("Membership", "member", "organization", "role")
    } else if people {
        ("Associate", "person", "associate", "relationship")
    } else {
        ("UnknownLink", "subject", "object", "role")
    }
}

/// Every entity of `records` into `out`, one JSON line each, kind by kind as they are read;
/// how many.
pub(super) fn write(records: &impl Records, mut out: NewFile) -> Result<usize> {
    let names = Names::of(records)?;
    let mut count = 0;
    let mut line = |out: &mut NewFile, text: String| {
        count += 1;
        out.write_all(text.as_bytes())
            .and_then(|()| out.write_all(b"\n"))
            .map_err(|e| out.failed(e))
    };
    records.each(|_, d: &Document| line(&mut out, ftm_records::document(d)))?;
    records.each(|_, p: &Place| {
        let parent = p.parent.and_then(|i| names.place(i));
        let text = ftm_records::place(&names, p, parent.map(|p| p.handle.clone()));
        line(&mut out, text)
    })?;
    records.each(|_, a: &Actor| {
        let affiliated = a.affiliation.and_then(|i| names.actor(i));
        line(&mut out, actor(a, affiliated.map(|to| to.handle.clone())))?;
        match affiliated {
            Some(to) => line(&mut out, affiliation(a, to)),
            None => Ok(()),
        }
    })?;
    records.each(|_, m: &Meeting| {
        line(&mut out, ftm_records::meeting(&names, m))?;
        let of = entity_id("meeting", &m.handle);
        for text in sources(&names, &m.handle, &of, &m.sources) {
            line(&mut out, text)?;
        }
        Ok(())
    })?;
    records.each(
        |_, r: &Relation| match (names.actor(r.subject), names.actor(r.object)) {
            (Some(subject), Some(object)) => {
                line(&mut out, ftm_records::relation(&names, r, subject, object))
            }
            _ => Ok(()),
        },
    )?;
    if count == 0 {
        // The file of no entity has always been one empty line; it stays so.
        out.write_all(b"\n").map_err(|e| out.failed(e))?;
    }
    out.finish()?;
    Ok(count)
}

fn actor(a: &Actor, affiliation: Option<String>) -> String {
    let schema = match a.kind {
        ActorKind::Person => "Person",
        ActorKind::Organisation | ActorKind::Group => "Organization",
        ActorKind::Country => "PublicBody",
    };
    let mut properties = Map::new();
    properties.insert("name".into(), json!([a.name]));
    if !a.aliases.is_empty() {
        properties.insert("alias".into(), json!(a.aliases));
    }
    if a.kind == ActorKind::Person && !a.titles.is_empty() {
        let titles: Vec<&str> = a.titles.iter().map(|t| t.text.as_str()).collect();
        properties.insert("position".into(), json!(titles));
    }
    let titles: Vec<Value> = a
        .titles
        .iter()
        .map(|t| json!({"text": t.text, "during": t.during.map(|d| d.to_string())}))
        .collect();
    // The exact spellings too: FtM tools clean names (`ftm validate` makes a no-break space
    // a plain one), and a name must come back as it was.
    let ext = json!({
        "record": "actor", "handle": a.handle, "kind": a.kind.as_str(), "name": a.name,
        "aliases": a.aliases, "affiliation": affiliation, "titles": titles,
    });
    entity(entity_id("actor", &a.handle), schema, properties, ext)
}

/// An affiliation as FtM sees it; our import takes it from the actor instead.
fn affiliation(a: &Actor, to: &ActorName) -> String {
    let (schema, from, into, role) = link("member_of", a.kind, to.kind);
    let mut properties = Map::new();
    properties.insert(from.into(), json!([entity_id("actor", &a.handle)]));
    properties.insert(into.into(), json!([entity_id("actor", &to.handle)]));
    properties.insert(role.into(), json!(["affiliation"]));
    let ext = json!({"record": "affiliation"});
    entity(entity_id("affiliation", &a.handle), schema, properties, ext)
}

/// One `Documentation` entity per quote, in order.
fn sources(names: &Names, handle: &str, of: &str, refs: &[SourceRef]) -> Vec<String> {
    let mut lines = Vec::new();
    for (n, r) in refs.iter().enumerate() {
        let Some(document) = names.document(r.document) else {
            continue;
        };
        let mut properties = Map::new();
        properties.insert("document".into(), json!([entity_id("document", document)]));
        properties.insert("entity".into(), json!([of]));
        properties.insert("role".into(), json!(["source"]));
        properties.insert("summary".into(), json!([r.quote]));
        if let Some(date) = &r.says_date {
            dates(&mut properties, date);
        }
        let mut ext = source_ext(document, r);
        ext["record"] = json!("source");
        ext["meeting"] = json!(handle);
        let id = entity_id("source", &format!("{handle}-{n}"));
        lines.push(entity(id, "Documentation", properties, ext));
    }
    lines
}
