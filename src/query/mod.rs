//! The query layer: a question's AST → a plan → rows, over any [`Catalog`].
//!
//! - `catalog`: the trait through which the layer reads (the storage reader implements it,
//!   [`MemoryCatalog`] implements it in memory), and the list entries it hands over, with what
//!   "met" and "together" mean.
//! - `binder`: names → records, for questions and writes alike.
//! - `plan`: one planning function per question form; `explain` prints a plan.
//! - `exec`: the operators, by family.
//! - `sql`: a plan written as one SQL query over the table bundle, for DuckDB or Spark.
//! - `cancel`: the token that stops a running question.
//! - `search`: the texts full-text search indexes, cut into terms.
//!
//! **Architecture invariant:** the query layer never names storage, sled or bincode; it reads
//! only through `Catalog`, so all of it runs on an in-memory catalog in tests.

mod binder;
mod cancel;
mod catalog;
mod exec;
mod explain;
mod memory;
mod plan;
mod search;
mod sql;

pub(crate) use binder::{closest, resolve, Binder};
pub(crate) use cancel::CancellationToken;
pub(crate) use catalog::day_key;
pub(crate) use catalog::{
    bound_of, first_days, CastSink, Catalog, EntryCast, Gathered, List, MeetingEntry, Member,
    NameEntry, Visit,
};
pub use memory::MemoryCatalog;
pub(crate) use search::{
    indexed_texts, source_languages, Field, Term, TermPosting, TextTotals, OWN_TEXT,
};
pub use sql::Dialect;

use crate::error::Result;
use crate::rows::{Rows, Value};
use crate::syntax::{Query, Source};

#[cfg(test)]
pub(crate) use exec::counted_both_ways;
pub(crate) use exec::{execute, execute_into};
pub(crate) use plan::plan_query;

/// Plans a question and runs it.
pub(crate) fn answer<C: Catalog>(
    catalog: &C,
    source: Source<'_>,
    query: &Query,
    cancel: &CancellationToken,
) -> Result<Rows> {
    let plan = plan_query(catalog, source, query)?;
    execute(catalog, &plan, cancel)
}

/// The plan of a question, one line a row, as `explain` shows it.
pub(crate) fn explain<C: Catalog>(catalog: &C, source: Source<'_>, query: &Query) -> Result<Rows> {
    let plan = plan::plan_query(catalog, source, query)?;
    let mut rows = Rows::new(&["plan"]);
    rows.rows = plan
        .to_string()
        .lines()
        .map(|l| vec![Value::Text(l.to_string())])
        .collect();
    Ok(rows)
}

/// A question as one SQL query over the table bundle, generated from the plan the executor
/// would run; `text` is the question as asked, named in the query's header.
pub(crate) fn sql<C: Catalog>(
    catalog: &C,
    source: Source<'_>,
    query: &Query,
    dialect: Dialect,
) -> Result<String> {
    let plan = plan::plan_query(catalog, source, query)?;
    sql::translate(&plan, source.text, dialect)
}

/// The meetings of some lists that lie wholly inside `during`, in date order.
pub(crate) fn meetings_in<C: Catalog>(
    catalog: &C,
    lists: &[List],
    during: Option<&crate::model::DateSpan>,
) -> Result<Vec<MeetingEntry>> {
    let mut found = Vec::new();
    for list in lists {
        catalog.scan(*list, first_days(during), &mut |entry, _| {
            if entry.within(during) {
                found.push(*entry);
            }
            Ok(())
        })?;
    }
    if lists.len() > 1 {
        found.sort_by_key(MeetingEntry::key);
    }
    Ok(found)
}
