//! The abstract syntax tree: what a statement says, with the span of every name and date.

use serde::Serialize;

use crate::model::{Certainty, DateSpan, RecordKind, Status};

/// A byte range of the source text. Line and column are worked out from the text only when
/// an error is shown ([`Location::of`](crate::syntax::Location::of)), which keeps parsing linear
/// in the length of a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset just past the last byte.
    pub end: usize,
}

/// A reference to a record as written: a name (resolved through aliases, then handles) or an
/// explicit `#handle`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NameRef {
    /// The name or handle, without quotes or `#`.
    pub text: String,
    /// Whether it was written `#handle`.
    pub is_handle: bool,
    /// Where it was written.
    pub span: Span,
}

/// One statement.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Statement {
    /// A question.
    Query(Query),
    /// `explain <question>`: the plan instead of the answer.
    Explain(Query),
    /// `add …`
    Add(Definition),
    /// `set <kind> <name> <clauses>`: correct the fields the clauses name.
    Set {
        /// The kind of record.
        kind: RecordKind,
        /// Which record.
        target: NameRef,
        /// The corrections.
        clauses: Vec<Clause>,
    },
    /// `delete <kind> <name>`
    Delete {
        /// The kind of record.
        kind: RecordKind,
        /// Which record.
        target: NameRef,
    },
    /// `add alias <name> to <kind> <name>`
    AddAlias {
        /// The new alias.
        alias: String,
        /// Actor or place.
        kind: RecordKind,
        /// Which record.
        target: NameRef,
    },
    /// `delete alias <name> from <kind> <name>`
    DeleteAlias {
        /// The alias to remove.
        alias: String,
        /// Actor or place.
        kind: RecordKind,
        /// Which record.
        target: NameRef,
    },
    /// `load 'file'` or `load demo`.
    Load(LoadSource),
    /// `dump ['file' [replace]]`
    Dump {
        /// The file to write, or none to return the statements as rows.
        file: Option<String>,
        /// Whether an existing file may be replaced (`replace`); without it, `dump` refuses to
        /// overwrite one.
        replace: bool,
    },
}

/// What `load` reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum LoadSource {
    /// A script file.
    File(String),
    /// The bundled Miami talks dataset.
    Demo,
}

/// A question with its filters, order and limit.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Query {
    /// What is asked.
    pub question: Question,
    /// Restrictions on the meetings considered.
    pub filters: Filters,
    /// `return <column> {, <column>}`: the columns to show, in this order; empty for the
    /// question's own.
    pub returns: Vec<ColumnRef>,
    /// `order by <column> [asc|desc] {, <column> [asc|desc]}`, in priority order.
    pub order: Vec<Order>,
    /// `limit N`
    pub limit: Option<u64>,
}

/// The question forms.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Question {
    /// `who met X`: counterparts on other sides.
    WhoMet(NameRef),
    /// `who was with X`: companions on the same side.
    WhoWasWith(NameRef),
    /// `when did X meet Y`
    WhenDidMeet(NameRef, NameRef),
    /// `where did X meet Y`
    WhereDidMeet(NameRef, NameRef),
    /// `meetings [with X and Y …]`
    Meetings(Vec<NameRef>),
    /// `path from X to Y`
    Path(NameRef, NameRef),
    /// `who is X`
    WhoIs(NameRef),
    /// `timeline of X`
    Timeline(NameRef),
    /// `sources of M`: of a meeting or a relation.
    Sources(NameRef),
    /// `reported by D`: what one document reports.
    ReportedBy(NameRef),
    /// `relations of X`: the relations an actor is the subject or the object of.
    RelationsOf(NameRef),
    /// `disputes [of M]`: meetings whose sources disagree, one row per source.
    Disputes(Option<NameRef>),
    /// `quotes matching "text"`: the quotes, summaries and titles holding these words or
    /// phrases, ranked, and where the text was written.
    QuotesMatching(String, Span),
    /// `where is P`: a place's profile.
    WhereIs(NameRef),
    /// `side of X`: who took part on X's side.
    SideOf(NameRef),
}

/// Which statuses count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum StatusFilter {
    /// `including all`
    All,
    /// `including planned, possible`: these besides occurred.
    Including(Vec<Status>),
    /// `status planned, possible`: exactly these.
    Only(Vec<Status>),
}

/// The filters of a question; each may appear once.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Filters {
    /// `in <place>`
    pub place: Option<NameRef>,
    /// `during <span>` or `between <date> and <date>`
    pub during: Option<(DateSpan, Span)>,
    /// `including …`
    pub statuses: Option<StatusFilter>,
    /// `with at least N participants`
    pub min_participants: Option<u64>,
    /// `with at least N sources`: distinct documents.
    pub min_sources: Option<u64>,
    /// `in time order` (of `path`): where it was written.
    pub time_order: Option<Span>,
    /// `as of <date>`: the facts as the documents published by then report them.
    pub as_of: Option<(DateSpan, Span)>,
    /// `according to <document>`: the facts as that one document reports them.
    pub according_to: Option<NameRef>,
}

/// `order by <column> [asc|desc]`
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Order {
    /// The column name.
    pub column: String,
    /// Where the column name was written.
    pub span: Span,
    /// `desc`
    pub descending: bool,
}

/// A column named by `return`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ColumnRef {
    /// The column name, lower-cased.
    pub name: String,
    /// Where it was written.
    pub span: Span,
}

/// An `add` statement.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Definition {
    /// What kind of record.
    pub kind: RecordKind,
    /// `#handle`, if given.
    pub handle: Option<String>,
    /// The name (actors and places).
    pub name: Option<String>,
    /// For relations: subject, predicate, object.
    pub relation: Option<(NameRef, String, NameRef)>,
    /// The clauses.
    pub clauses: Vec<Clause>,
    /// Where the statement was written.
    pub span: Span,
}

/// One clause of an `add` or `set` statement.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Clause {
    /// `name <name>` (set only)
    Name(String),
    /// `kind <word>`: an actor, place or meeting kind.
    Kind(String, Span),
    /// `aka <name>, …`
    Aka(Vec<String>),
    /// `in <place>`
    In(NameRef),
    /// `affiliation <actor>`
    Affiliation(NameRef),
    /// `title "…" [during <span>]`
    Title(String, Option<DateSpan>),
    /// `on <span>` (meetings) or `during <span>` (relations)
    Date(DateSpan),
    /// `status <status>`
    Status(Status),
    /// `with <actor> [side …] [role …] [certainty …]`
    With(ParticipantDef),
    /// `summary "…"`
    Summary(String),
    /// `source <document> "quote" [says …]`
    Source(SourceDef),
    /// `title|outlet|language|url|file` of a document, and `published`.
    DocumentField(DocumentField, String),
    /// `published <span>`
    Published(DateSpan),
}

impl Clause {
    /// The keyword that starts the clause.
    pub fn keyword(&self) -> &'static str {
        match self {
            Clause::Name(_) => "name",
            Clause::Kind(..) => "kind",
            Clause::Aka(_) => "aka",
            Clause::In(_) => "in",
            Clause::Affiliation(_) => "affiliation",
            Clause::Title(..) => "title",
            Clause::Date(_) => "on",
            Clause::Status(_) => "status",
            Clause::With(_) => "with",
            Clause::Summary(_) => "summary",
            Clause::Source(_) => "source",
            Clause::DocumentField(field, _) => match field {
                DocumentField::Title => "title",
                DocumentField::Outlet => "outlet",
                DocumentField::Language => "language",
                DocumentField::Url => "url",
                DocumentField::File => "file",
            },
            Clause::Published(_) => "published",
        }
    }
}

/// The text fields of a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum DocumentField {
    /// `title`
    Title,
    /// `outlet`
    Outlet,
    /// `language`
    Language,
    /// `url`
    Url,
    /// `file`
    File,
}

/// A participant as written in a `with` clause.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ParticipantDef {
    /// Who.
    pub actor: NameRef,
    /// `side <actor>`
    pub side: Option<NameRef>,
    /// `role <word>`
    pub role: Option<String>,
    /// `certainty <certainty>`
    pub certainty: Option<Certainty>,
}

/// A source as written in a `source` clause.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SourceDef {
    /// The document.
    pub document: NameRef,
    /// The verbatim quote.
    pub quote: String,
    /// `says <status>`
    pub says_status: Option<Status>,
    /// `says <span>`
    pub says_date: Option<DateSpan>,
}
