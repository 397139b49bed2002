//! Results: named columns and rows of typed values.

use std::cmp::Ordering;
use std::fmt;

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use crate::model::DateSpan;

/// One value in a result row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// Nothing known (an undated meeting's date, a participant's unknown side).
    Null,
    /// A count or a number.
    Int(i64),
    /// A name, handle, word or quote.
    Text(String),
    /// A date at its own precision.
    Date(DateSpan),
    /// Several names (participants).
    List(Vec<String>),
}

impl Value {
    /// The text of a `Text` value.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }

    /// The number of an `Int` value.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// Ordering for `order by`: numbers by value, dates in date order, text ignoring case
    /// (text that is a plain number, like an imported handle, as a number); values of different
    /// kinds by kind; nulls last.
    pub fn compare(&self, other: &Value) -> Ordering {
        self.sort_key().cmp(&other.sort_key())
    }

    /// What [`compare`](Self::compare) orders by, worked out once per value so that sorting
    /// many rows does not fold the same name again at every comparison.
    pub(crate) fn sort_key(&self) -> SortKey<'_> {
        match self {
            Value::Int(n) => SortKey::Int(*n),
            Value::Date(d) => SortKey::Date(*d),
            Value::Text(t) if is_number(t) => SortKey::Number(t.len(), t),
            Value::Text(t) => SortKey::Text(crate::model::fold_name(t), t),
            Value::List(items) => SortKey::List(items),
            Value::Null => SortKey::Null,
        }
    }
}

/// The order of values; the variants' order puts values of different kinds apart, nulls last.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum SortKey<'a> {
    Int(i64),
    Date(DateSpan),
    /// Digits sort by length, then digit by digit: 9 before 12224.
    Number(usize, &'a str),
    /// Folded, then as written.
    Text(String, &'a str),
    List(&'a [String]),
    Null,
}

fn is_number(text: &str) -> bool {
    !text.is_empty() && !text.starts_with('0') && text.bytes().all(|b| b.is_ascii_digit())
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => Ok(()),
            Value::Int(n) => write!(f, "{n}"),
            Value::Text(t) => f.write_str(t),
            Value::Date(d) => write!(f, "{d}"),
            Value::List(items) => f.write_str(&items.join(", ")),
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_none(),
            Value::Int(n) => s.serialize_i64(*n),
            Value::Text(t) => s.serialize_str(t),
            Value::Date(d) => s.collect_str(d),
            Value::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
        }
    }
}

/// The answer to one statement: column names and rows of values.
///
/// Serialises as `{"columns": […], "rows": [[…], …]}`; [`Rows::records`] gives one map per row.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Rows {
    /// Column names, in order.
    pub columns: Vec<String>,
    /// The rows; each has one value per column.
    pub rows: Vec<Vec<Value>>,
    /// A remark about the answer ("no chain of meetings links …", "added actor #witkoff").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Rows {
    /// Empty rows with these columns.
    pub fn new(columns: &[&str]) -> Rows {
        Rows {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            ..Rows::default()
        }
    }

    /// How many rows there are.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The position of a column.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }

    /// The values of one column, top to bottom.
    pub fn values(&self, name: &str) -> Vec<&Value> {
        match self.column(name) {
            Some(i) => self.rows.iter().map(|r| &r[i]).collect(),
            None => Vec::new(),
        }
    }

    /// The rows as maps from column name to value, for serialising one object per row.
    pub fn records(&self) -> impl Iterator<Item = Record<'_>> {
        self.rows.iter().map(move |row| Record {
            columns: &self.columns,
            row,
        })
    }
}

/// One row with its column names; serialises as a map.
pub struct Record<'a> {
    columns: &'a [String],
    row: &'a [Value],
}

impl Serialize for Record<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.columns.len()))?;
        for (c, v) in self.columns.iter().zip(self.row) {
            map.serialize_entry(c, v)?;
        }
        map.end()
    }
}
