//! Our own FollowTheMoney entities read back: FtM's properties for what FtM says, the
//! `entrevue` extension for the rest (see `ftm.rs`), so that nothing is lost.

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::model::{
    Actor, ActorKind, Certainty, DateSpan, Document, Id, Meeting, Participant, Place, PlaceKind,
    Record, RecordKind, Relation, SourceRef, Status, Title,
};

use super::at_line;
use super::ftm_read::{Builder, Entity};

/// The extension of one entity, with where it is for messages.
struct Ext<'a> {
    map: &'a Map<String, Value>,
    file: &'a str,
    line: usize,
}

impl Ext<'_> {
    fn error(&self, message: impl std::fmt::Display) -> Error {
        at_line(self.file, self.line, message)
    }

    /// The text at `key`; `None` when it is missing or null.
    fn text(&self, key: &str) -> Result<Option<String>> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.error(format!("entrevue.{key} should be text"))),
        }
    }

    fn required(&self, key: &str) -> Result<String> {
        self.text(key)?
            .ok_or_else(|| self.error(format!("entrevue.{key} is missing")))
    }

    fn date(&self, key: &str) -> Result<Option<DateSpan>> {
        match self.text(key)? {
            None => Ok(None),
            Some(text) => text
                .parse()
                .map(Some)
                .map_err(|e: Error| self.error(format!("entrevue.{key}: {e}"))),
        }
    }

    fn word<T>(&self, key: &str, parse: fn(&str) -> Option<T>, what: &str) -> Result<T> {
        let word = self.required(key)?;
        parse(&word).ok_or_else(|| self.error(format!("entrevue.{key} '{word}' is not {what}")))
    }

    /// The texts of the list at `key`.
    fn texts(&self, key: &str) -> Result<Vec<String>> {
        self.list(key)?
            .iter()
            .map(|v| {
                v.as_str()
                    .map(String::from)
                    .ok_or_else(|| self.error(format!("entrevue.{key} should hold text")))
            })
            .collect()
    }

    fn list(&self, key: &str) -> Result<&[Value]> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(&[]),
            Some(Value::Array(items)) => Ok(items),
            Some(_) => Err(self.error(format!("entrevue.{key} should be a list"))),
        }
    }

    fn item<'b>(&'b self, value: &'b Value, key: &str) -> Result<Ext<'b>> {
        let map = value
            .as_object()
            .ok_or_else(|| self.error(format!("each of entrevue.{key} should be an object")))?;
        Ok(Ext {
            map,
            file: self.file,
            line: self.line,
        })
    }

    /// The record of `kind` with the handle at `key`.
    fn refer<R>(&self, b: &Builder<'_, '_>, key: &str, kind: RecordKind) -> Result<Option<Id<R>>> {
        match self.text(key)? {
            None => Ok(None),
            Some(handle) => b.handle_of(kind, &handle).map(Some).ok_or_else(|| {
                self.error(format!("entrevue.{key}: no {kind} #{handle} in the file"))
            }),
        }
    }
}

/// First pass: actors, places and documents written, meetings and relations given their
/// keys; a reference to a record further down is left for [`link`].
pub(super) fn record(
    b: &mut Builder<'_, '_>,
    e: &Entity<'_>,
    map: &Map<String, Value>,
) -> Result<()> {
    let x = Ext {
        map,
        file: b.file,
        line: e.line,
    };
    let record = x.required("record")?;
    match record.as_str() {
        "actor" => actor(b, e, &x)?,
        "place" => {
            let handle = x.required("handle")?;
            let kind = x.word("kind", PlaceKind::from_word, "a place kind")?;
            let mut place = Place::new(kind, x.required("name")?).with_handle(&handle);
            place.aliases = x.texts("aliases")?;
            let (parent, later) = earlier(b, &x, "parent", RecordKind::Place)?;
            place.parent = parent;
            let id = b.add(place, e.line, None)?;
            if later {
                b.unlinked.insert((RecordKind::Place, id));
            }
        }
        "document" => {
            let handle = x.required("handle")?;
            let title = x
                .text("title")?
                .or_else(|| e.first("title").map(String::from));
            let title = title.ok_or_else(|| x.error("the document has no title"))?;
            let mut d = Document::new(&handle, title);
            d.outlet = x.text("outlet")?;
            d.language = x.text("language")?;
            d.published = x.date("published")?;
            d.url = x.text("url")?;
            d.file = x.text("file")?;
            b.add(d, e.line, None)?;
        }
        "meeting" => {
            b.meeting_key(&x.required("handle")?, None);
        }
        // Written in the second pass, once every actor is; its handle is taken already.
        "relation" => b.note(RecordKind::Relation, 0, &x.required("handle")?, None),
        // Said by the actor's own extension, and read from there.
        "affiliation" | "source" => {}
        other => return Err(x.error(format!("entrevue.record '{other}' is not a kind of record"))),
    }
    Ok(())
}

/// The record at `key` when it was read already; else whether one is named (and comes later).
fn earlier<R>(
    b: &Builder<'_, '_>,
    x: &Ext<'_>,
    key: &str,
    kind: RecordKind,
) -> Result<(Option<Id<R>>, bool)> {
    Ok(match x.text(key)? {
        None => (None, false),
        Some(handle) => match b.handle_of(kind, &handle) {
            Some(id) => (Some(id), false),
            None => (None, true),
        },
    })
}

/// An actor: the extension's spellings when it has them (FtM tools may have cleaned the
/// properties' ones), else the properties'.
fn actor(b: &mut Builder<'_, '_>, e: &Entity<'_>, x: &Ext<'_>) -> Result<()> {
    let handle = x.required("handle")?;
    let kind = x.word("kind", ActorKind::from_word, "an actor kind")?;
    let name = x
        .text("name")?
        .or_else(|| e.first("name").map(String::from));
    let name = name.ok_or_else(|| x.error("the actor has no name"))?;
    let mut actor = Actor::new(kind, name).with_handle(&handle);
    actor.aliases = if x.map.contains_key("aliases") {
        x.texts("aliases")?
    } else {
        e.values("alias").into_iter().map(String::from).collect()
    };
    for t in x.list("titles")? {
        let t = x.item(t, "titles")?;
        actor.titles.push(Title {
            text: t.required("text")?,
            during: t.date("during")?,
        });
    }
    let (affiliation, later) = earlier(b, x, "affiliation", RecordKind::Actor)?;
    actor.affiliation = affiliation;
    let id = b.add(actor, e.line, None)?;
    if later {
        b.unlinked.insert((RecordKind::Actor, id));
    }
    Ok(())
}

/// A source as the extension keeps it.
fn source(b: &Builder<'_, '_>, x: &Ext<'_>) -> Result<SourceRef> {
    let document = x
        .refer(b, "document", RecordKind::Document)?
        .ok_or_else(|| x.error("entrevue.document is missing"))?;
    let mut s = SourceRef::new(document, x.required("quote")?);
    s.says_date = x.date("says_date")?;
    if x.text("says_status")?.is_some() {
        s.says_status = Some(x.word("says_status", Status::from_word, "a status")?);
    }
    Ok(s)
}

/// Second pass: the references further down, meetings with their sources, relations.
pub(super) fn link(
    b: &mut Builder<'_, '_>,
    e: &Entity<'_>,
    map: &Map<String, Value>,
) -> Result<()> {
    let x = Ext {
        map,
        file: b.file,
        line: e.line,
    };
    let kind = match x.required("record")?.as_str() {
        "source" => {
            let meeting: Id<Meeting> = x
                .refer(b, "meeting", RecordKind::Meeting)?
                .ok_or_else(|| x.error("entrevue.meeting is missing"))?;
            let s = source(b, &x)?;
            return b.add_source(meeting.get(), s, e.line);
        }
        "actor" => RecordKind::Actor,
        "place" => RecordKind::Place,
        "meeting" => RecordKind::Meeting,
        "relation" => RecordKind::Relation,
        _ => return Ok(()),
    };
    let handle = x.required("handle")?;
    let Some(&id) = b.handles.get(&(kind, handle)) else {
        return Ok(());
    };
    match kind {
        RecordKind::Actor if b.unlinked.contains(&(kind, id)) => {
            let affiliation = x.refer(b, "affiliation", RecordKind::Actor)?;
            relink(b, &x, Id::<Actor>::new(id), |a| a.affiliation = affiliation)?;
        }
        RecordKind::Place if b.unlinked.contains(&(kind, id)) => {
            let parent = x.refer(b, "parent", RecordKind::Place)?;
            relink(b, &x, Id::<Place>::new(id), |p| p.parent = parent)?;
        }
        RecordKind::Meeting => {
            let m = meeting(b, e, &x)?;
            b.add_meeting(id, m, e.line)?;
        }
        RecordKind::Relation => {
            let r = relation(b, &x)?;
            b.add(r, e.line, None)?;
        }
        RecordKind::Actor | RecordKind::Place | RecordKind::Document => {}
    }
    Ok(())
}

/// Rewrites the record `id`, written bare in the first pass, with what `set` gives it.
fn relink<R: Record>(
    b: &mut Builder<'_, '_>,
    x: &Ext<'_>,
    id: Id<R>,
    set: impl FnOnce(&mut R),
) -> Result<()> {
    let located = |e| super::written_at(x.file, x.line, e);
    let mut record = b.tx.get(id).map_err(located)?.ok_or_else(|| {
        Error::Internal(format!(
            "{} {} was written, yet is not there",
            R::KIND.word(),
            id.get()
        ))
    })?;
    set(&mut record);
    b.tx.update(id, record).map_err(located)
}

/// A meeting, whole but for its sources.
fn meeting(b: &Builder<'_, '_>, e: &Entity<'_>, x: &Ext<'_>) -> Result<Meeting> {
    let mut m = Meeting::new(x.required("kind")?).with_handle(x.required("handle")?);
    m.date = x.date("date")?;
    m.status = x.word("status", Status::from_word, "a status")?;
    m.summary = if x.map.contains_key("summary") {
        x.text("summary")?
    } else {
        e.first("summary").map(String::from)
    };
    m.place = x.refer(b, "place", RecordKind::Place)?;
    for p in x.list("participants")? {
        let p = x.item(p, "participants")?;
        let actor = p
            .refer(b, "actor", RecordKind::Actor)?
            .ok_or_else(|| p.error("a participant has no actor"))?;
        m.participants.push(Participant {
            actor,
            side: p.refer(b, "side", RecordKind::Actor)?,
            role: p.text("role")?,
            certainty: p.word("certainty", Certainty::from_word, "a certainty")?,
        });
    }
    Ok(m)
}

/// A relation, whole.
fn relation(b: &Builder<'_, '_>, x: &Ext<'_>) -> Result<Relation> {
    let subject = x
        .refer(b, "subject", RecordKind::Actor)?
        .ok_or_else(|| x.error("entrevue.subject is missing"))?;
    let object = x
        .refer(b, "object", RecordKind::Actor)?
        .ok_or_else(|| x.error("entrevue.object is missing"))?;
    let mut r = Relation::new(subject, x.required("predicate")?, object);
    r.handle = x.required("handle")?;
    r.during = x.date("during")?;
    for s in x.list("sources")? {
        r.sources.push(source(b, &x.item(s, "sources")?)?);
    }
    Ok(r)
}
