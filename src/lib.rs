#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod copy;
mod database;
mod dump;
mod engine;
mod error;
mod exchange;
mod extract;
mod import;
mod location;
mod model;
pub mod picture;
pub mod query;
mod rows;
pub mod script;
mod storage;
pub mod syntax;
mod write;

pub use copy::CopyReport;
pub use database::{Database, InterruptHandle, Stats};
pub use engine::Transaction;
pub use error::{Error, Result};
pub use exchange::{ExchangeReport, ExportFormat, ExportReport, ImportFormat, Snapshot};
pub use extract::{ExtractOptions, Extraction, Proposal, ProposedParticipant};
pub use import::ImportReport;
pub use model::{
    check_name, fold_name, Actor, ActorId, ActorKind, Certainty, DatePoint, DateSpan, Day,
    Document, DocumentId, Id, Meeting, MeetingId, Participant, Place, PlaceId, PlaceKind,
    Precision, Record, RecordKind, RecordRef, Relation, RelationId, SourceRef, Status, Title,
    MAX_ID,
};
pub use query::Dialect;
pub use rows::{DateStyle, Record as RowRecord, RowSink, Rows, Value};
pub use script::{Progress, ScriptOptions, ScriptReport, DEMO_SCRIPT};
pub use storage::CheckReport;
