//! SQL: a question's plan → one query over the table bundle (`export --format parquet`), for
//! DuckDB or Spark SQL.
//!
//! The query is generated from the same [`Plan`] the executor runs, one function per kind of
//! plan node, so that names are bound as for any question (the SQL uses record ids) and the
//! answer has Entrevue's columns, in its order, with its text. Every row source is a relation
//! `answer` with the columns `c0`, `c1`, … and hidden keys: `k_first`, `k_last`, `k_shape`
//! (the date column's sort key: first day, last day, and how a date of the same days sorts)
//! and the columns giving the executor's own order of rows (`ties`), which break every tie
//! of `order by` as the executor's stable sort does.
//!
//! The two dialects differ only where the engines do: an ordered string aggregate, quoted
//! names, and the places inside a place (a recursive CTE in DuckDB; Spark SQL 4.0 has no
//! recursive CTE, so its query lists the places the binder found inside).

mod counts;
mod meetings;
mod path;

use super::plan::{Column, Plan, SortKey, Sourced, SOURCES_COLUMNS};
use crate::error::{Error, Result};

/// The SQL engine a query is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// DuckDB (1.x and later).
    DuckDb,
    /// Spark SQL (4.0 and later).
    Spark,
}

impl Dialect {
    /// The dialect a word names (`duckdb`, `spark`).
    pub fn from_word(word: &str) -> Result<Dialect> {
        match word.to_ascii_lowercase().as_str() {
            "duckdb" => Ok(Dialect::DuckDb),
            "spark" => Ok(Dialect::Spark),
            other => Err(Error::Invalid(format!(
                "there is no SQL dialect '{other}'; expected duckdb or spark"
            ))),
        }
    }

    /// A column name as the engine quotes it (answers use names such as `from` and `date`).
    fn quote(self, name: &str) -> String {
        match self {
            Dialect::DuckDb => format!("\"{}\"", name.replace('"', "\"\"")),
            Dialect::Spark => format!("`{}`", name.replace('`', "``")),
        }
    }

    /// A record of the columns `fields`, under their own names, that compares field by field
    /// in order: `min` of it over a group is the group's first row by those fields.
    fn record(self, fields: &[String]) -> String {
        match self {
            Dialect::DuckDb => {
                let named: Vec<String> = fields.iter().map(|f| format!("{f} := {f}")).collect();
                format!("struct_pack({})", named.join(", "))
            }
            Dialect::Spark => {
                let named: Vec<String> = fields.iter().map(|f| format!("'{f}', {f}")).collect();
                format!("named_struct({})", named.join(", "))
            }
        }
    }

    /// The texts `item` takes over a group, in the order of `order`, joined with "; " as
    /// Entrevue prints a list in a cell.
    fn joined(self, item: &str, order: &str) -> String {
        match self {
            Dialect::DuckDb => format!("string_agg({item}, '; ' ORDER BY {order})"),
            Dialect::Spark => format!("string_agg({item}, '; ') WITHIN GROUP (ORDER BY {order})"),
        }
    }
}

/// How a column's values compare when sorted, as the executor's `Value` sort key does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Int,
    Text,
    /// The row's date: sorted by the hidden `k_first`, `k_last`, `k_shape`.
    Date,
    List,
}

/// Rows as SQL: the common table expressions they need and the SELECT making `answer`.
struct Relation {
    ctes: Vec<(String, String)>,
    /// Whether a CTE refers to itself (DuckDB needs `WITH RECURSIVE` then).
    recursive: bool,
    body: String,
    names: Vec<String>,
    kinds: Vec<Kind>,
    /// Hidden columns of `answer` in the order the executor makes its rows.
    ties: Vec<&'static str>,
    /// Said in the query's header.
    notes: Vec<String>,
}

/// A question's plan as one SQL query, with a comment header naming the question.
pub(crate) fn translate(plan: &Plan, question: &str, dialect: Dialect) -> Result<String> {
    let (keep, plan) = match plan {
        Plan::Keep(inner, keep) => (Some(keep.as_slice()), inner.as_ref()),
        other => (None, other),
    };
    let (limit, plan) = match plan {
        Plan::Limit(inner, n) => (Some(*n), inner.as_ref()),
        other => (None, other),
    };
    let (keys, plan) = match plan {
        Plan::Sort(inner, keys) => (keys.as_slice(), inner.as_ref()),
        other => (&[][..], other),
    };
    let relation = rows(plan, dialect)?;
    let shown: Vec<usize> = match keep {
        Some(keep) => keep.to_vec(),
        None => (0..relation.names.len()).collect(),
    };
    let select = shown
        .iter()
        .map(|&i| {
            let name = relation.names.get(i).ok_or_else(|| missing_column(i))?;
            Ok(format!("c{i} AS {}", dialect.quote(name)))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut order = Vec::new();
    for key in keys {
        order.extend(sort_key(&relation, key)?);
    }
    order.extend(relation.ties.iter().map(|t| t.to_string()));
    let mut sql = header(question, &relation.notes);
    sql.push_str(if relation.recursive && dialect == Dialect::DuckDb {
        "WITH RECURSIVE\n"
    } else {
        "WITH\n"
    });
    for (name, body) in &relation.ctes {
        sql.push_str(&format!("{name} AS (\n{body}\n),\n"));
    }
    sql.push_str(&format!("answer AS (\n{}\n)\n", relation.body));
    sql.push_str(&format!("SELECT {}\nFROM answer", select.join(", ")));
    if !order.is_empty() {
        sql.push_str(&format!("\nORDER BY {}", order.join(", ")));
    }
    if let Some(n) = limit {
        sql.push_str(&format!("\nLIMIT {n}"));
    }
    sql.push('\n');
    Ok(sql)
}

fn missing_column(i: usize) -> Error {
    Error::Internal(format!(
        "the plan names column {} of rows that have fewer",
        i + 1
    ))
}

/// The comment that opens the query: the question (on one line) and what the reader of the
/// SQL must know about its answer.
fn header(question: &str, notes: &[String]) -> String {
    let one_line: Vec<&str> = question.split_whitespace().collect();
    let mut text = format!("-- Entrevue: {}\n", one_line.join(" "));
    text.push_str("-- over the tables of `entrevue export --format parquet`\n");
    for note in notes {
        text.push_str(&format!("-- {note}\n"));
    }
    text
}

/// The terms of ORDER BY for one sort key: nulls last whatever the direction, as the
/// executor sorts; numbers written as text before other text, by value; other text by its
/// lower case, then as written.
fn sort_key(relation: &Relation, key: &SortKey) -> Result<Vec<String>> {
    let c = format!("c{}", key.column);
    let kind = relation
        .kinds
        .get(key.column)
        .ok_or_else(|| missing_column(key.column))?;
    let dir = if key.descending { "DESC" } else { "ASC" };
    Ok(match kind {
        Kind::Int => vec![format!("{c} IS NULL"), format!("{c} {dir}")],
        Kind::Date => vec![
            "k_first IS NULL".into(),
            format!("k_first {dir}"),
            format!("k_last {dir}"),
            format!("k_shape {dir}"),
        ],
        Kind::Text => {
            let number = format!("regexp_extract({c}, '^[1-9][0-9]*$', 0) = {c}");
            vec![
                format!("{c} IS NULL"),
                format!("CASE WHEN {number} THEN 0 ELSE 1 END {dir}"),
                format!("CASE WHEN {number} THEN length({c}) ELSE 0 END {dir}"),
                format!("lower({c}) {dir}"),
                format!("{c} {dir}"),
            ]
        }
        Kind::List => vec![format!("COALESCE({c}, '') {dir}")],
    })
}

/// The relation of a plan node that makes rows.
fn rows(plan: &Plan, dialect: Dialect) -> Result<Relation> {
    match plan {
        Plan::Project(super::plan::Input::Meetings(m), columns) => {
            meetings::projected(m, columns, dialect)
        }
        Plan::Project(super::plan::Input::Counts(count), columns) => {
            counts::projected(count, columns, dialect)
        }
        Plan::Path(search) => path::chain(search, dialect),
        Plan::Sources(sourced) => Ok(sources(sourced)),
        Plan::Sort(..) | Plan::Limit(..) | Plan::Keep(..) => Err(Error::Internal(
            "a plan sorts, limits or cuts its rows only once, outside its row source".into(),
        )),
        Plan::Profile(..) | Plan::PlaceProfile(..) => Err(cannot(
            "profiles (`who is`, `where is`)",
            "their rows are fields of several records and their relations, not rows of one table",
        )),
        Plan::Reported(_) => Err(cannot(
            "`reported by`",
            "its rows mix meetings and relations, each worded from its record",
        )),
        Plan::Disputes(_) => Err(cannot(
            "`disputes`",
            "comparing what quotes say needs the date arithmetic of Entrevue's date spans",
        )),
        Plan::Quotes(_) => Err(cannot(
            "`quotes matching`",
            "it reads the full-text index (Snowball stems, BM25 scores), which the bundle does not hold",
        )),
        Plan::Relations(..) => Err(cannot(
            "`relations of`",
            "its translation is not written yet",
        )),
    }
}

/// The error for a question form that has no SQL.
fn cannot(form: &str, why: &str) -> Error {
    Error::Invalid(format!(
        "{form} cannot be written as SQL over the table bundle: {why}; ask Entrevue itself"
    ))
}

/// `sources of M`: the documents and quotes behind a meeting or a relation, in the record's
/// order.
fn sources(sourced: &Sourced) -> Relation {
    let (kind, id) = match sourced {
        Sourced::Meeting(m) => ("meeting", m.id.get()),
        Sourced::Relation(r) => ("relation", r.id.get()),
    };
    let body = format!(
        "SELECT d.handle AS c0, d.outlet AS c1, d.published AS c2, s.quote AS c3,\n  \
         NULLIF(concat_ws(' ', s.says_status, s.says_date), '') AS c4,\n  \
         d.published_first AS k_first, d.published_last AS k_last, \
         CASE WHEN d.published LIKE '~%' THEN 1 ELSE 0 END AS k_shape, s.position AS t0\n\
         FROM sources s JOIN documents d ON d.id = s.document\n\
         WHERE s.record_kind = '{kind}' AND s.record = {id}"
    );
    Relation {
        ctes: Vec::new(),
        recursive: false,
        body,
        names: SOURCES_COLUMNS.iter().map(|c| c.to_string()).collect(),
        kinds: vec![Kind::Text, Kind::Text, Kind::Date, Kind::Text, Kind::Text],
        ties: vec!["t0"],
        notes: Vec::new(),
    }
}

/// A WHERE clause of these conditions (none when there are none).
fn where_clause(conditions: &[String]) -> String {
    match conditions.is_empty() {
        true => String::new(),
        false => format!("\nWHERE {}", conditions.join("\n  AND ")),
    }
}

/// How a projected column sorts.
fn kind_of(column: &Column) -> Kind {
    match column {
        Column::Id | Column::Count | Column::Sources => Kind::Int,
        Column::Date => Kind::Date,
        Column::Participants
        | Column::OthersThan(_)
        | Column::Sides
        | Column::Roles
        | Column::Via => Kind::List,
        _ => Kind::Text,
    }
}

/// A list of ids as SQL (never empty: an empty list is `NULL`, which matches nothing).
fn id_list(ids: impl Iterator<Item = u64>) -> String {
    let ids: Vec<String> = ids.map(|id| id.to_string()).collect();
    match ids.is_empty() {
        true => "NULL".into(),
        false => ids.join(", "),
    }
}

/// A participant's name, marked with its certainty unless confirmed, as lists show it.
fn marked_name(actor: &str, participant: &str) -> String {
    format!(
        "{actor}.name || CASE WHEN {participant}.certainty = 'confirmed' THEN '' \
         ELSE ' (' || {participant}.certainty || ')' END"
    )
}
