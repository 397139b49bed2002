//! The data model: plain records and their ids, with no I/O.
//!
//! Records are values: they hold references to other records by [`Id`], and they do not know
//! their own id (the database hands ids out and returns them beside the records).
//!
//! **Architecture invariant:** `model` knows nothing of storage, syntax or output.

mod date;
mod name;
pub mod text;
mod written;

use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

use serde::{Deserialize, Serialize};

pub use date::{DatePoint, DateSpan, Day, Precision};
pub use name::{check_name, fold_name};
pub use written::WrittenDate;
pub(crate) use written::OPEN_REFUSED;

/// The largest id a record can have: 2^48 − 1 (281,474,976,710,655).
///
/// Far more than any dataset needs, and small enough that an id is exact wherever it goes: an
/// `i64` in result rows, a JSON number (exact to 2^53), the signed deltas of posting lists.
/// Imports refuse larger ids, and adding a record past it is refused rather than wrapping.
pub const MAX_ID: u64 = (1 << 48) - 1;

/// The id of a stored record of type `R`: a number the database hands out, never reused.
///
/// The type parameter keeps ids of different kinds apart: an `Id<Actor>` cannot be passed where
/// an `Id<Place>` is expected.
#[derive(Serialize, Deserialize)]
#[serde(transparent)]
pub struct Id<R> {
    raw: u64,
    #[serde(skip)]
    kind: PhantomData<fn() -> R>,
}

impl<R> Id<R> {
    /// The id with this number. Ids start at 1.
    pub const fn new(raw: u64) -> Self {
        Id {
            raw,
            kind: PhantomData,
        }
    }

    /// The id's number.
    pub const fn get(self) -> u64 {
        self.raw
    }
}

impl<R> Clone for Id<R> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<R> Copy for Id<R> {}
impl<R> PartialEq for Id<R> {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}
impl<R> Eq for Id<R> {}
impl<R> PartialOrd for Id<R> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<R> Ord for Id<R> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.raw.cmp(&other.raw)
    }
}
impl<R> Hash for Id<R> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.raw.hash(state)
    }
}
impl<R> fmt::Debug for Id<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({})", self.raw)
    }
}

/// The id of an [`Actor`].
pub type ActorId = Id<Actor>;
/// The id of a [`Place`].
pub type PlaceId = Id<Place>;
/// The id of a [`Document`].
pub type DocumentId = Id<Document>;
/// The id of a [`Meeting`].
pub type MeetingId = Id<Meeting>;
/// The id of a [`Relation`].
pub type RelationId = Id<Relation>;

/// Declares a closed set of snake_case words, with parsing and printing.
macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The word that names this value in the query language.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }

            /// The value named by `word`, if any.
            pub fn from_word(word: &str) -> Option<Self> {
                match word { $($word => Some($name::$variant),)+ _ => None }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

word_enum! {
    /// What kind of actor a record describes.
    ActorKind {
        /// A person.
        Person = "person",
        /// An organisation: a government body, a company, an agency.
        Organisation = "organisation",
        /// A country acting as a party.
        Country = "country",
        /// An informal group (a delegation, "European countries").
        Group = "group",
    }
}

word_enum! {
    /// The level of a place in the place tree.
    PlaceKind {
        /// A country.
        Country = "country",
        /// A region, state or province.
        Region = "region",
        /// A city or town.
        City = "city",
        /// A building or venue.
        Site = "site",
    }
}

word_enum! {
    /// Whether a meeting happened, as far as the sources tell.
    Status {
        /// It took place.
        Occurred = "occurred",
        /// It was announced or scheduled.
        Planned = "planned",
        /// It was mentioned as possible.
        Possible = "possible",
        /// A party ruled it out.
        RuledOut = "ruled_out",
        /// A party denied that it happened.
        Denied = "denied",
        /// It was scheduled, then called off.
        Cancelled = "cancelled",
    }
}

word_enum! {
    /// How sure the sources are that a participant took part.
    Certainty {
        /// The sources say so.
        Confirmed = "confirmed",
        /// The sources say the participant was expected.
        Expected = "expected",
        /// The sources say the participant might take part.
        Possible = "possible",
    }
}

/// A title or role an actor holds, as the sources phrase it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Title {
    /// The title, in the sources' words ("émissaire américain").
    pub text: String,
    /// When it held, if the sources say.
    pub during: Option<DateSpan>,
}

/// Where a fact comes from: a document and the verbatim quote that states it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRef {
    /// The document.
    pub document: DocumentId,
    /// The exact words of the document.
    pub quote: String,
    /// The status this source reported, when it differs from the record's (e.g. "planned" in an
    /// article written before the meeting took place).
    pub says_status: Option<Status>,
    /// The date this source reported, when it differs from the record's.
    pub says_date: Option<DateSpan>,
}

impl SourceRef {
    /// A quote from a document, reporting nothing beyond the record it supports.
    pub fn new(document: DocumentId, quote: impl Into<String>) -> Self {
        SourceRef {
            document,
            quote: quote.into(),
            says_status: None,
            says_date: None,
        }
    }
}

/// A person, organisation, country or group.
///
/// ```
/// use entrevue::{Actor, ActorKind};
/// let witkoff = Actor::new(ActorKind::Person, "Steve Witkoff").alias("Witkoff");
/// assert_eq!(witkoff.names().collect::<Vec<_>>(), ["Steve Witkoff", "Witkoff"]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    /// Stable human-usable handle (`witkoff`, or an id given at import). Empty when adding asks
    /// the database to assign one.
    pub handle: String,
    /// Person, organisation, country or group.
    pub kind: ActorKind,
    /// The canonical name.
    pub name: String,
    /// Other names, in any script or spelling.
    pub aliases: Vec<String>,
    /// Titles and roles.
    pub titles: Vec<Title>,
    /// The country or organisation the actor belongs to.
    pub affiliation: Option<ActorId>,
}

impl Actor {
    /// An actor with a name and nothing else.
    pub fn new(kind: ActorKind, name: impl Into<String>) -> Self {
        Actor {
            handle: String::new(),
            kind,
            name: name.into(),
            aliases: Vec::new(),
            titles: Vec::new(),
            affiliation: None,
        }
    }

    /// Adds an alias.
    pub fn alias(mut self, alias: impl Into<String>) -> Self {
        self.aliases.push(alias.into());
        self
    }

    /// Sets the handle.
    pub fn with_handle(mut self, handle: impl Into<String>) -> Self {
        self.handle = handle.into();
        self
    }

    /// The canonical name, then every alias.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// A place: a country, region, city or site, inside at most one parent place.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    /// Stable human-usable handle; empty when adding asks the database to assign one.
    pub handle: String,
    /// Country, region, city or site.
    pub kind: PlaceKind,
    /// The canonical name.
    pub name: String,
    /// Other names (Floride, Moscou, Kiev/Kyiv).
    pub aliases: Vec<String>,
    /// The place this one lies inside.
    pub parent: Option<PlaceId>,
}

impl Place {
    /// A place with a name and nothing else.
    pub fn new(kind: PlaceKind, name: impl Into<String>) -> Self {
        Place {
            handle: String::new(),
            kind,
            name: name.into(),
            aliases: Vec::new(),
            parent: None,
        }
    }

    /// Adds an alias.
    pub fn alias(mut self, alias: impl Into<String>) -> Self {
        self.aliases.push(alias.into());
        self
    }

    /// Sets the handle.
    pub fn with_handle(mut self, handle: impl Into<String>) -> Self {
        self.handle = handle.into();
        self
    }

    /// Sets the parent place.
    pub fn inside(mut self, parent: PlaceId) -> Self {
        self.parent = Some(parent);
        self
    }

    /// The canonical name, then every alias.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}

/// A document that reports facts: an article, a dispatch, a transcript.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// Short handle, e.g. `d000`; empty when adding asks the database to assign one.
    pub handle: String,
    /// The title or headline.
    pub title: String,
    /// Who published it.
    pub outlet: Option<String>,
    /// Language code, e.g. `fr`.
    pub language: Option<String>,
    /// When it was published.
    pub published: Option<DateSpan>,
    /// Where it can be read.
    pub url: Option<String>,
    /// The file it was read from.
    pub file: Option<String>,
}

impl Document {
    /// A document with a handle and a title.
    pub fn new(handle: impl Into<String>, title: impl Into<String>) -> Self {
        Document {
            handle: handle.into(),
            title: title.into(),
            outlet: None,
            language: None,
            published: None,
            url: None,
            file: None,
        }
    }
}

/// One actor's part in a meeting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    /// Who took part.
    pub actor: ActorId,
    /// The party the actor represented there; `None` when the sources do not say.
    pub side: Option<ActorId>,
    /// Head of delegation, mediator, member …, when the sources say.
    pub role: Option<String>,
    /// How sure the sources are.
    pub certainty: Certainty,
}

impl Participant {
    /// A confirmed participant whose side is unknown.
    pub fn new(actor: ActorId) -> Self {
        Participant {
            actor,
            side: None,
            role: None,
            certainty: Certainty::Confirmed,
        }
    }

    /// Sets the side.
    pub fn side(mut self, side: ActorId) -> Self {
        self.side = Some(side);
        self
    }
}

/// An n-ary event: a meeting, talks, a call, a summit, a visit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    /// Stable handle (`m07`); empty when adding asks the database to assign one.
    pub handle: String,
    /// Meeting, talks, call, summit, visit … (one word).
    pub kind: String,
    /// When, as precisely as the sources say.
    pub date: Option<DateSpan>,
    /// Where, at any level of the place tree.
    pub place: Option<PlaceId>,
    /// Who took part, each actor at most once.
    pub participants: Vec<Participant>,
    /// Whether it happened.
    pub status: Status,
    /// One line on what it was about.
    pub summary: Option<String>,
    /// The documents that report it.
    pub sources: Vec<SourceRef>,
}

impl Meeting {
    /// An occurred meeting of this kind, with nothing else known yet.
    pub fn new(kind: impl Into<String>) -> Self {
        Meeting {
            handle: String::new(),
            kind: kind.into(),
            date: None,
            place: None,
            participants: Vec::new(),
            status: Status::Occurred,
            summary: None,
            sources: Vec::new(),
        }
    }

    /// Sets the handle.
    pub fn with_handle(mut self, handle: impl Into<String>) -> Self {
        self.handle = handle.into();
        self
    }

    /// Sets the date.
    pub fn on(mut self, date: DateSpan) -> Self {
        self.date = Some(date);
        self
    }

    /// Sets the place.
    pub fn at(mut self, place: PlaceId) -> Self {
        self.place = Some(place);
        self
    }

    /// Adds a participant.
    pub fn with(mut self, participant: Participant) -> Self {
        self.participants.push(participant);
        self
    }

    /// The participant record of `actor`, if the actor took part.
    pub fn participant(&self, actor: ActorId) -> Option<&Participant> {
        self.participants.iter().find(|p| p.actor == actor)
    }
}

/// A stated relation between two actors: `Kushner son_in_law_of Trump`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relation {
    /// Stable handle; empty when adding asks the database to assign one.
    pub handle: String,
    /// Who the relation is about.
    pub subject: ActorId,
    /// A snake_case word: `envoy_of`, `son_in_law_of` …
    pub predicate: String,
    /// The other end.
    pub object: ActorId,
    /// When it held, if the sources say.
    pub during: Option<DateSpan>,
    /// The documents that state it.
    pub sources: Vec<SourceRef>,
}

impl Relation {
    /// `subject predicate object`, with no span and no sources yet.
    pub fn new(subject: ActorId, predicate: impl Into<String>, object: ActorId) -> Self {
        Relation {
            handle: String::new(),
            subject,
            predicate: predicate.into(),
            object,
            during: None,
            sources: Vec::new(),
        }
    }
}

/// The kinds of record, with the one-byte tag that stands for each in keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[repr(u8)]
pub enum RecordKind {
    /// An [`Actor`].
    Actor = 1,
    /// A [`Place`].
    Place = 2,
    /// A [`Document`].
    Document = 3,
    /// A [`Meeting`].
    Meeting = 4,
    /// A [`Relation`].
    Relation = 5,
}

impl RecordKind {
    /// Every kind, in tag order.
    pub const ALL: [RecordKind; 5] = [
        RecordKind::Actor,
        RecordKind::Place,
        RecordKind::Document,
        RecordKind::Meeting,
        RecordKind::Relation,
    ];

    /// The kind whose tag is `byte`.
    pub fn from_byte(byte: u8) -> Option<RecordKind> {
        RecordKind::ALL.into_iter().find(|k| *k as u8 == byte)
    }

    /// The word users see for this kind: `actor`, `place` …
    pub fn word(self) -> &'static str {
        match self {
            RecordKind::Actor => "actor",
            RecordKind::Place => "place",
            RecordKind::Document => "document",
            RecordKind::Meeting => "meeting",
            RecordKind::Relation => "relation",
        }
    }

    /// The first letter of the handles the database assigns (`a12`, `m7` …).
    pub fn handle_prefix(self) -> char {
        match self {
            RecordKind::Actor => 'a',
            RecordKind::Place => 'p',
            RecordKind::Document => 'd',
            RecordKind::Meeting => 'm',
            RecordKind::Relation => 'r',
        }
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

/// A borrowed record of any kind.
#[derive(Clone, Copy, Debug)]
pub enum RecordRef<'a> {
    /// An actor.
    Actor(&'a Actor),
    /// A place.
    Place(&'a Place),
    /// A document.
    Document(&'a Document),
    /// A meeting.
    Meeting(&'a Meeting),
    /// A relation.
    Relation(&'a Relation),
}

/// One `match` over the record kinds, for the few places that must handle each kind: the
/// borrowed record's kind and handle.
macro_rules! record_ref_fields {
    ($($ty:ident),+) => {
        impl<'a> RecordRef<'a> {
            /// The kind of the record.
            pub fn kind(self) -> RecordKind {
                match self {
                    $(RecordRef::$ty(_) => RecordKind::$ty,)+
                }
            }

            /// The record's handle.
            pub fn handle(self) -> &'a str {
                match self {
                    $(RecordRef::$ty(r) => &r.handle,)+
                }
            }
        }
    };
}

record_ref_fields!(Actor, Place, Document, Meeting, Relation);

/// Runs `$body` with the type name `$R` standing for the record type of `$kind`, a kind known
/// only at run time: the one place where such a kind becomes a type, so that code generic over
/// [`Record`] serves every kind.
macro_rules! with_record_type {
    ($kind:expr, $R:ident => $body:expr) => {
        match $kind {
            $crate::model::RecordKind::Actor => {
                type $R = $crate::model::Actor;
                $body
            }
            $crate::model::RecordKind::Place => {
                type $R = $crate::model::Place;
                $body
            }
            $crate::model::RecordKind::Document => {
                type $R = $crate::model::Document;
                $body
            }
            $crate::model::RecordKind::Meeting => {
                type $R = $crate::model::Meeting;
                $body
            }
            $crate::model::RecordKind::Relation => {
                type $R = $crate::model::Relation;
                $body
            }
        }
    };
}
pub(crate) use with_record_type;

mod sealed {
    pub trait Sealed {}
}

/// A kind of record the database stores: [`Actor`], [`Place`], [`Document`], [`Meeting`] or
/// [`Relation`]. Generic methods such as [`Database::add`](crate::Database::add) take any of them.
pub trait Record:
    sealed::Sealed
    + Clone
    + fmt::Debug
    + Serialize
    + serde::de::DeserializeOwned
    + Send
    + Sync
    + 'static
{
    /// The kind of this record.
    const KIND: RecordKind;

    /// The record's handle.
    fn handle(&self) -> &str;

    /// Mutable access to the handle, for the database to assign one.
    #[doc(hidden)]
    fn handle_mut(&mut self) -> &mut String;

    /// The record, borrowed as a [`RecordRef`].
    fn as_record_ref(&self) -> RecordRef<'_>;

    /// The canonical name and the aliases, for the database to put them in their stored form
    /// (nothing for kinds without names).
    #[doc(hidden)]
    fn names_mut(&mut self) -> Vec<&mut String>;
}

/// Puts every name of `record` in its stored form ([`check_name`]), or says why one cannot be
/// stored.
pub(crate) fn check_names<R: Record>(record: &mut R) -> crate::error::Result<()> {
    for name in record.names_mut() {
        *name = check_name(name)?;
    }
    Ok(())
}

macro_rules! impl_record {
    ($($ty:ident $names:ident),+) => {$(
        impl sealed::Sealed for $ty {}
        impl Record for $ty {
            const KIND: RecordKind = RecordKind::$ty;
            fn handle(&self) -> &str {
                &self.handle
            }
            fn handle_mut(&mut self) -> &mut String {
                &mut self.handle
            }
            fn as_record_ref(&self) -> RecordRef<'_> {
                RecordRef::$ty(self)
            }
            fn names_mut(&mut self) -> Vec<&mut String> {
                impl_record!(@names self $names)
            }
        }
    )+};
    (@names $self:ident named) => {
        std::iter::once(&mut $self.name).chain($self.aliases.iter_mut()).collect()
    };
    (@names $self:ident unnamed) => {
        Vec::new()
    };
}

impl_record!(
    Actor named,
    Place named,
    Document unnamed,
    Meeting unnamed,
    Relation unnamed
);
