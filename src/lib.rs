#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod database;
mod error;
mod model;
mod resolve;
mod storage;

pub use database::{Database, Stats, Transaction};
pub use error::{Error, Result};
pub use model::{
    fold_name, Actor, ActorId, ActorKind, Certainty, DatePoint, DateSpan, Day, Document,
    DocumentId, Id, Meeting, MeetingId, Participant, Place, PlaceId, PlaceKind, Precision, Record,
    RecordKind, RecordRef, Relation, RelationId, SourceRef, Status, Title,
};
pub use storage::CheckReport;
