//! Write statements: `add`, `set`, `delete` and aliases, applied to a transaction.
//!
//! `add` and `set` share one function per record kind that applies clauses to a record: `add`
//! starts from an empty record, `set` from the stored one. A scalar clause replaces its field; the
//! first list clause of a statement (`aka`, `title`, `with`, `source`) replaces its list and the
//! following ones append to it.

use std::collections::HashSet;

use crate::engine::Transaction;
use crate::error::{Error, Result};
use crate::model::{
    fold_name, with_record_type, Actor, ActorKind, Certainty, Document, Id, Meeting, Participant,
    Place, PlaceKind, Record, RecordKind, Relation, SourceRef, Title,
};
use crate::query::Binder;
use crate::syntax::{Clause, Definition, DocumentField, NameRef, Source, Span};

/// Applies write statements to a transaction, binding names as the transaction sees them.
pub(crate) struct Writer<'t, 'db> {
    pub tx: &'t mut Transaction<'db>,
    pub source: Source<'t>,
}

/// Remembers which list fields a statement has already started replacing.
#[derive(Default)]
struct Lists(HashSet<&'static str>);

impl Lists {
    /// Clears `list` the first time the statement mentions it.
    fn start<T>(&mut self, name: &'static str, list: &mut Vec<T>) {
        if self.0.insert(name) {
            list.clear();
        }
    }
}

impl Writer<'_, '_> {
    /// The record `name` stands for: see the query layer's binder.
    fn named<R: Record>(&self, name: &NameRef) -> Result<Id<R>> {
        let reader = self.tx.records();
        Binder::new(&reader, self.source).bind(name)
    }

    fn kind_word<T>(
        &self,
        word: &str,
        span: Span,
        parse: fn(&str) -> Option<T>,
        all: &[T],
        what: &str,
    ) -> Result<T>
    where
        T: std::fmt::Display,
    {
        parse(&word.to_ascii_lowercase()).ok_or_else(|| {
            let choices: Vec<String> = all.iter().map(|k| k.to_string()).collect();
            self.source.at(
                span,
                Error::Invalid(format!(
                    "'{word}' is not {} {what} kind; use one of {}",
                    article(what),
                    choices.join(", ")
                )),
            )
        })
    }

    /// Runs `add`; returns what was added, for the user.
    pub(crate) fn add(&mut self, def: &Definition) -> Result<String> {
        let handle = with_record_type!(def.kind, R => self.add_record::<R>(def)?);
        Ok(format!("added {} #{handle}", def.kind))
    }

    fn add_record<R: Written>(&mut self, def: &Definition) -> Result<String> {
        let mut record = R::blank(self, def)?;
        *record.handle_mut() = def.handle.clone().unwrap_or_default();
        R::apply(self, &mut record, &def.clauses)?;
        if let Err(missing) = record.finished() {
            return Err(self.source.at(def.span, Error::Invalid(missing.into())));
        }
        let id = self.tx.add(record)?;
        self.handle_of(id)
    }

    fn handle_of<R: Record>(&self, id: Id<R>) -> Result<String> {
        Ok(self
            .tx
            .get(id)?
            .map(|r| r.handle().to_string())
            .unwrap_or_default())
    }

    /// Runs `set`: applies the clauses to the stored record.
    pub(crate) fn set(
        &mut self,
        kind: RecordKind,
        target: &NameRef,
        clauses: &[Clause],
    ) -> Result<String> {
        with_record_type!(kind, R => {
            let id = self.named::<R>(target)?;
            let mut record = self.stored(id)?;
            R::apply(self, &mut record, clauses)?;
            self.tx.update(id, record)?;
        });
        Ok(format!("updated {kind} {}", target.text))
    }

    fn stored<R: Record>(&self, id: Id<R>) -> Result<R> {
        self.tx
            .get(id)?
            .ok_or_else(|| Error::Corrupt(format!("{} #{} vanished", R::KIND, id.get())))
    }

    /// Runs `delete`.
    pub(crate) fn delete(&mut self, kind: RecordKind, target: &NameRef) -> Result<String> {
        let deleted = with_record_type!(kind, R => {
            self.named::<R>(target).and_then(|id| self.tx.delete(id))
        });
        deleted.map_err(|e| self.source.at(target.span, e))?;
        Ok(format!("deleted {kind} {}", target.text))
    }

    /// Runs `add alias` (`add` true) or `delete alias`.
    pub(crate) fn alias(
        &mut self,
        alias: &str,
        kind: RecordKind,
        target: &NameRef,
        add: bool,
    ) -> Result<String> {
        let edit = |aliases: &mut Vec<String>| -> Result<()> {
            if add {
                aliases.push(alias.to_string());
                return Ok(());
            }
            let before = aliases.len();
            aliases.retain(|a| fold_name(a) != fold_name(alias));
            if aliases.len() == before {
                return Err(Error::NotFound {
                    kind: "alias",
                    name: alias.to_string(),
                    suggestions: aliases.clone(),
                });
            }
            Ok(())
        };
        let result = match kind {
            RecordKind::Actor => {
                let id = self.named::<Actor>(target)?;
                let mut actor = self.stored(id)?;
                edit(&mut actor.aliases).and_then(|()| self.tx.update(id, actor))
            }
            _ => {
                let id = self.named::<Place>(target)?;
                let mut place = self.stored(id)?;
                edit(&mut place.aliases).and_then(|()| self.tx.update(id, place))
            }
        };
        result.map_err(|e| self.source.at(target.span, e))?;
        let verb = if add { "added alias" } else { "deleted alias" };
        Ok(format!("{verb} '{alias}' of {kind} {}", target.text))
    }

    fn actor_clauses(&self, actor: &mut Actor, clauses: &[Clause]) -> Result<()> {
        let mut lists = Lists::default();
        for clause in clauses {
            match clause {
                Clause::Name(name) => actor.name = name.clone(),
                Clause::Kind(word, span) => {
                    actor.kind =
                        self.kind_word(word, *span, ActorKind::from_word, ActorKind::ALL, "actor")?
                }
                Clause::Aka(names) => {
                    lists.start("aka", &mut actor.aliases);
                    actor.aliases.extend(names.iter().cloned());
                }
                Clause::Affiliation(name) => actor.affiliation = Some(self.named(name)?),
                Clause::Title(text, during) => {
                    lists.start("title", &mut actor.titles);
                    actor.titles.push(Title {
                        text: text.clone(),
                        during: *during,
                    });
                }
                other => return Err(not_for(other, "an actor")),
            }
        }
        Ok(())
    }

    fn place_clauses(&self, place: &mut Place, clauses: &[Clause]) -> Result<()> {
        let mut lists = Lists::default();
        for clause in clauses {
            match clause {
                Clause::Name(name) => place.name = name.clone(),
                Clause::Kind(word, span) => {
                    place.kind =
                        self.kind_word(word, *span, PlaceKind::from_word, PlaceKind::ALL, "place")?
                }
                Clause::Aka(names) => {
                    lists.start("aka", &mut place.aliases);
                    place.aliases.extend(names.iter().cloned());
                }
                Clause::In(name) => place.parent = Some(self.named(name)?),
                other => return Err(not_for(other, "a place")),
            }
        }
        Ok(())
    }

    fn document_clauses(&self, document: &mut Document, clauses: &[Clause]) -> Result<()> {
        for clause in clauses {
            match clause {
                Clause::DocumentField(field, text) => {
                    let text = text.clone();
                    match field {
                        DocumentField::Title => document.title = text,
                        DocumentField::Outlet => document.outlet = Some(text),
                        DocumentField::Language => document.language = Some(text),
                        DocumentField::Url => document.url = Some(text),
                        DocumentField::File => document.file = Some(text),
                    }
                }
                Clause::Published(date) => document.published = Some(*date),
                other => return Err(not_for(other, "a document")),
            }
        }
        Ok(())
    }

    fn meeting_clauses(&self, meeting: &mut Meeting, clauses: &[Clause]) -> Result<()> {
        let mut lists = Lists::default();
        for clause in clauses {
            match clause {
                Clause::Kind(word, _) => meeting.kind = word.clone(),
                Clause::Date(date) => meeting.date = Some(*date),
                Clause::In(name) => meeting.place = Some(self.named(name)?),
                Clause::Status(status) => meeting.status = *status,
                Clause::Summary(text) => meeting.summary = Some(text.clone()),
                Clause::With(p) => {
                    lists.start("with", &mut meeting.participants);
                    let actor: Id<Actor> = self.named(&p.actor)?;
                    if meeting.participant(actor).is_some() {
                        return Err(self.source.at(
                            p.actor.span,
                            Error::Invalid(format!(
                                "'{}' is listed twice in this meeting",
                                p.actor.text
                            )),
                        ));
                    }
                    meeting.participants.push(Participant {
                        actor,
                        side: p.side.as_ref().map(|s| self.named(s)).transpose()?,
                        role: p.role.clone(),
                        certainty: p.certainty.unwrap_or(Certainty::Confirmed),
                    });
                }
                Clause::Source(s) => {
                    lists.start("source", &mut meeting.sources);
                    meeting.sources.push(self.source_ref(s)?);
                }
                other => return Err(not_for(other, "a meeting")),
            }
        }
        Ok(())
    }

    fn relation_clauses(&self, relation: &mut Relation, clauses: &[Clause]) -> Result<()> {
        let mut lists = Lists::default();
        for clause in clauses {
            match clause {
                Clause::Date(date) => relation.during = Some(*date),
                Clause::Source(s) => {
                    lists.start("source", &mut relation.sources);
                    relation.sources.push(self.source_ref(s)?);
                }
                other => return Err(not_for(other, "a relation")),
            }
        }
        Ok(())
    }

    fn source_ref(&self, s: &crate::syntax::SourceDef) -> Result<SourceRef> {
        Ok(SourceRef {
            document: self.named::<Document>(&s.document)?,
            quote: s.quote.clone(),
            says_status: s.says_status,
            says_date: s.says_date,
        })
    }
}

/// How write statements build and change one kind of record.
trait Written: Record {
    /// The record an `add` starts from, before its clauses.
    fn blank(writer: &Writer<'_, '_>, def: &Definition) -> Result<Self>;

    /// Applies a statement's clauses.
    fn apply(writer: &Writer<'_, '_>, record: &mut Self, clauses: &[Clause]) -> Result<()>;

    /// What an added record still lacks once its clauses are applied.
    fn finished(&self) -> Result<(), &'static str> {
        Ok(())
    }
}

fn name_of(def: &Definition) -> String {
    def.name.clone().unwrap_or_default()
}

impl Written for Actor {
    fn blank(_: &Writer<'_, '_>, def: &Definition) -> Result<Self> {
        Ok(Actor::new(ActorKind::Person, name_of(def)))
    }

    fn apply(writer: &Writer<'_, '_>, record: &mut Self, clauses: &[Clause]) -> Result<()> {
        writer.actor_clauses(record, clauses)
    }
}

impl Written for Place {
    fn blank(writer: &Writer<'_, '_>, def: &Definition) -> Result<Self> {
        // Every kind of place is as likely as another: the statement must say which.
        if !def.clauses.iter().any(|c| matches!(c, Clause::Kind(..))) {
            return Err(writer.source.at(
                def.span,
                Error::Invalid("a place needs a kind: country, region, city or site".into()),
            ));
        }
        Ok(Place::new(PlaceKind::Site, name_of(def)))
    }

    fn apply(writer: &Writer<'_, '_>, record: &mut Self, clauses: &[Clause]) -> Result<()> {
        writer.place_clauses(record, clauses)
    }
}

impl Written for Document {
    fn blank(_: &Writer<'_, '_>, _: &Definition) -> Result<Self> {
        Ok(Document::new("", ""))
    }

    fn apply(writer: &Writer<'_, '_>, record: &mut Self, clauses: &[Clause]) -> Result<()> {
        writer.document_clauses(record, clauses)
    }

    fn finished(&self) -> Result<(), &'static str> {
        match self.title.is_empty() {
            true => Err("a document needs a title"),
            false => Ok(()),
        }
    }
}

impl Written for Meeting {
    fn blank(_: &Writer<'_, '_>, _: &Definition) -> Result<Self> {
        Ok(Meeting::new("meeting"))
    }

    fn apply(writer: &Writer<'_, '_>, record: &mut Self, clauses: &[Clause]) -> Result<()> {
        writer.meeting_clauses(record, clauses)
    }
}

impl Written for Relation {
    fn blank(writer: &Writer<'_, '_>, def: &Definition) -> Result<Self> {
        let Some((subject, predicate, object)) = &def.relation else {
            // The parser gives every `add relation` all three.
            return Err(Error::Internal(
                "a relation needs a subject, a predicate and an object".into(),
            ));
        };
        let (subject, object) = (writer.named(subject)?, writer.named(object)?);
        Ok(Relation::new(subject, predicate.clone(), object))
    }

    fn apply(writer: &Writer<'_, '_>, record: &mut Self, clauses: &[Clause]) -> Result<()> {
        writer.relation_clauses(record, clauses)
    }
}

fn not_for(clause: &Clause, what: &str) -> Error {
    Error::Invalid(format!("`{}` does not apply to {what}", clause.keyword()))
}

/// The indefinite article before `word`: "an actor kind", "a place kind".
fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}
