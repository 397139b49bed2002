//! Results: named columns and rows of typed values.

use std::cmp::Ordering;
use std::fmt;

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use crate::model::{DateSpan, Day};

/// One value in a result row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    /// Nothing known (an undated meeting's date, a participant's unknown side).
    Null,
    /// A count or a number.
    Int(i64),
    /// A number with three decimals, held in thousandths (a search hit's score): shown as
    /// `2.718`, a number in JSON.
    Decimal(i64),
    /// A name, handle, word or quote.
    Text(String),
    /// A date at its own precision.
    Date(DateSpan),
    /// No date, but a day it happened by: `before 2025-12-23` (a meeting the sources do not
    /// date, reported in a document published that day).
    Before(Day),
    /// Several names (participants).
    List(Vec<String>),
}

/// How dates are written when rows are printed: in the language's own syntax (`~2025-11`,
/// `2025-11-28..2025-11-30`, `before 2025-12-23`) or in EDTF, ISO 8601-2 (`2025-11~`,
/// `2025-11-28/2025-11-30`, `../2025-12-23`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DateStyle {
    /// The language's own syntax, as `Display` writes dates.
    #[default]
    Text,
    /// EDTF, which other tools read.
    Edtf,
}

impl Value {
    /// The value as printed in `style`: a date, or the bound of an undated meeting, as text in
    /// EDTF when asked (the bound is EDTF's open start, `../2025-12-23`: on or before that
    /// day); every other value, and every value in the `Text` style, as it is.
    ///
    /// ```
    /// use entrevue::{DateSpan, DateStyle, Value};
    ///
    /// let date = Value::Date("~2025-11".parse()?);
    /// assert_eq!(date.clone().dates_in(DateStyle::Edtf), Value::Text("2025-11~".into()));
    /// assert_eq!(date.clone().dates_in(DateStyle::Text), date);
    /// # Ok::<(), entrevue::Error>(())
    /// ```
    pub fn dates_in(self, style: DateStyle) -> Value {
        match (style, self) {
            (DateStyle::Edtf, Value::Date(date)) => Value::Text(date.edtf()),
            (DateStyle::Edtf, Value::Before(day)) => Value::Text(format!("../{}", day.iso())),
            (_, value) => value,
        }
    }

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

    /// Ordering for `order by`: numbers (and decimals) by value, dates in date order, text ignoring case
    /// (text that is a plain number, like an imported handle, as a number); values of different
    /// kinds by kind; nulls last.
    pub fn compare(&self, other: &Value) -> Ordering {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        self.push_sort_bytes(&mut a, false);
        other.push_sort_bytes(&mut b, false);
        a.cmp(&b)
    }

    /// Appends bytes whose order (as byte strings) is [`compare`](Self::compare)'s, reversed
    /// when `descending` except that nulls stay last. Each value's bytes are prefix-free, so
    /// the keys of several columns concatenate into one row key, and sorting many rows is a
    /// memcmp per comparison instead of folding names again each time.
    pub(crate) fn push_sort_bytes(&self, out: &mut Vec<u8>, descending: bool) {
        if let Value::Null = self {
            out.push(1);
            return;
        }
        out.push(0);
        let start = out.len();
        match self {
            Value::Null => {}
            Value::Int(n) => {
                out.push(0);
                out.extend_from_slice(&((*n as u64) ^ 1 << 63).to_be_bytes());
            }
            Value::Decimal(n) => {
                out.push(5);
                out.extend_from_slice(&((*n as u64) ^ 1 << 63).to_be_bytes());
            }
            Value::Date(d) => {
                out.push(1);
                for day in [d.first_day(), d.last_day()] {
                    out.extend_from_slice(&((day.0 as u32) ^ 1 << 31).to_be_bytes());
                }
                out.push(d.shape());
            }
            // Among dates at its bound, as a span of that one day whose shape follows every
            // date's (a date's shape is below 0x20): a total order, by day first.
            Value::Before(day) => {
                out.push(1);
                for _ in 0..2 {
                    out.extend_from_slice(&((day.0 as u32) ^ 1 << 31).to_be_bytes());
                }
                out.push(0x20);
            }
            Value::Text(t) if is_number(t) => {
                out.push(2);
                out.extend_from_slice(&(t.len() as u64).to_be_bytes());
                out.extend_from_slice(t.as_bytes());
            }
            Value::Text(t) => {
                out.push(3);
                push_escaped(out, crate::model::fold_name(t).as_bytes());
                push_escaped(out, t.as_bytes());
            }
            Value::List(items) => {
                out.push(4);
                for item in items {
                    out.push(1);
                    push_escaped(out, item.as_bytes());
                }
                out.push(0);
            }
        }
        if descending {
            out[start..].iter_mut().for_each(|b| *b = !*b);
        }
    }
}

/// Appends `bytes` so that they compare as themselves and end unambiguously: 0 becomes 0 255,
/// and 0 0 ends them.
fn push_escaped(out: &mut Vec<u8>, bytes: &[u8]) {
    for &b in bytes {
        out.push(b);
        if b == 0 {
            out.push(255);
        }
    }
    out.extend_from_slice(&[0, 0]);
}

fn is_number(text: &str) -> bool {
    !text.is_empty() && !text.starts_with('0') && text.bytes().all(|b| b.is_ascii_digit())
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => Ok(()),
            Value::Int(n) => write!(f, "{n}"),
            Value::Decimal(n) => {
                let sign = if *n < 0 { "-" } else { "" };
                let n = n.unsigned_abs();
                write!(f, "{sign}{}.{:03}", n / 1000, n % 1000)
            }
            Value::Text(t) => f.write_str(t),
            Value::Date(d) => write!(f, "{d}"),
            Value::Before(day) => write!(f, "before {}", day.iso()),
            Value::List(items) => f.write_str(&items.join(", ")),
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => s.serialize_none(),
            Value::Int(n) => s.serialize_i64(*n),
            Value::Decimal(n) => s.serialize_f64(*n as f64 / 1000.0),
            Value::Text(t) => s.serialize_str(t),
            Value::Date(d) => s.collect_str(d),
            Value::Before(_) => s.collect_str(self),
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

/// The one column of `dump`'s rows: each row is one statement of the script it writes.
pub const SCRIPT_COLUMN: &str = "statement";

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

    /// Whether these rows are a script (the answer of `dump`), one statement a row, which a
    /// caller shows as the script itself rather than as a table of text.
    pub fn is_script(&self) -> bool {
        self.columns.len() == 1 && self.columns[0] == SCRIPT_COLUMN
    }

    /// The rows with every date as printed in `style` ([`Value::dates_in`]).
    pub fn dates_in(mut self, style: DateStyle) -> Rows {
        if style != DateStyle::Text {
            for row in &mut self.rows {
                for value in row.iter_mut() {
                    *value = std::mem::replace(value, Value::Null).dates_in(style);
                }
            }
        }
        self
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

    /// The texts of one column (handles, names), each once, in order.
    pub fn texts(&self, name: &str) -> std::collections::BTreeSet<String> {
        self.values(name)
            .into_iter()
            .filter_map(|v| match v {
                Value::Text(t) => Some(t.clone()),
                _ => None,
            })
            .collect()
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

impl<'a> Record<'a> {
    /// A row (one value per column) with the names of its columns.
    pub fn new(columns: &'a [String], row: &'a [Value]) -> Record<'a> {
        Record { columns, row }
    }
}

/// Where a question's rows go as they are produced, so that a caller printing them as they
/// come never holds them all. [`Rows`] is the sink that keeps them.
pub trait RowSink {
    /// The column names, once, before any row.
    fn columns(&mut self, columns: &[String]) -> crate::error::Result<()>;

    /// One row, one value per column. An error stops the question.
    fn row(&mut self, row: Vec<Value>) -> crate::error::Result<()>;

    /// Whether the sink takes no more rows (a limit was reached): the rest of the question's
    /// work can be skipped.
    fn full(&self) -> bool {
        false
    }

    /// How many rows are about to come, when that is known before the first: a sink that
    /// holds rows makes room for them once.
    fn rows_coming(&mut self, _rows: usize) {}
}

impl RowSink for Rows {
    fn columns(&mut self, columns: &[String]) -> crate::error::Result<()> {
        self.columns = columns.to_vec();
        Ok(())
    }

    fn row(&mut self, row: Vec<Value>) -> crate::error::Result<()> {
        self.rows.push(row);
        Ok(())
    }

    fn rows_coming(&mut self, rows: usize) {
        self.rows.reserve(rows);
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::cmp::Ordering;

    /// The order `compare` documents, written directly: kinds apart (numbers, dates, digit
    /// strings, text, lists, decimals), nulls last.
    fn reference(a: &Value, b: &Value) -> Ordering {
        let rank = |v: &Value| match v {
            Value::Int(_) => 0,
            Value::Date(_) | Value::Before(_) => 1,
            Value::Text(t) if is_number(t) => 2,
            Value::Text(_) => 3,
            Value::List(_) => 4,
            Value::Decimal(_) => 5,
            Value::Null => 6,
        };
        // A bound sorts as the one day it names, after every date of that one day.
        let date = |v: &Value| match v {
            Value::Date(d) => Some((d.first_day(), d.last_day(), d.shape())),
            Value::Before(day) => Some((*day, *day, 0x20)),
            _ => None,
        };
        match (a, b) {
            (Value::Int(x), Value::Int(y)) | (Value::Decimal(x), Value::Decimal(y)) => x.cmp(y),
            (x, y) if date(x).is_some() && date(y).is_some() => date(x).cmp(&date(y)),
            (Value::Text(x), Value::Text(y)) if is_number(x) && is_number(y) => {
                (x.len(), x).cmp(&(y.len(), y))
            }
            (Value::Text(x), Value::Text(y)) if !is_number(x) && !is_number(y) => {
                (crate::model::fold_name(x), x).cmp(&(crate::model::fold_name(y), y))
            }
            (Value::List(x), Value::List(y)) => x.cmp(y),
            _ => rank(a).cmp(&rank(b)),
        }
    }

    fn value() -> impl Strategy<Value = Value> {
        let text = prop::sample::select(vec![
            "", "a", "A", "ab", "a\0", "a\0b", "Ä", "b", "9", "10", "012", "12224", "Zoë", "z",
        ]);
        let date = prop::sample::select(vec![
            "2025",
            "2025-11",
            "2025-11-01",
            "~2025-11",
            "2025-11-01..2025-11-30",
            "2024-12-31",
        ]);
        prop_oneof![
            Just(Value::Null),
            any::<i64>().prop_map(Value::Int),
            (-3i64..3).prop_map(Value::Int),
            any::<i64>().prop_map(Value::Decimal),
            text.clone().prop_map(|t| Value::Text(t.to_string())),
            date.prop_map(|d| Value::Date(d.parse().unwrap())),
            (20_392..20_425i32).prop_map(|d| Value::Before(Day(d))),
            prop::collection::vec(text, 0..3)
                .prop_map(|l| Value::List(l.into_iter().map(String::from).collect())),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Byte keys order rows as the documented comparison does, each direction keeping
        /// nulls last, and column by column when keys are concatenated.
        #[test]
        fn byte_keys_follow_the_order(a in value(), b in value(), c in value(), d in value()) {
            prop_assert_eq!(a.compare(&b), reference(&a, &b));
            for descending in [false, true] {
                let (mut x, mut y) = (Vec::new(), Vec::new());
                a.push_sort_bytes(&mut x, descending);
                c.push_sort_bytes(&mut x, false);
                b.push_sort_bytes(&mut y, descending);
                d.push_sort_bytes(&mut y, false);
                let first = match (&a, &b) {
                    (Value::Null, Value::Null) => Ordering::Equal,
                    (Value::Null, _) => Ordering::Greater,
                    (_, Value::Null) => Ordering::Less,
                    _ if descending => reference(&a, &b).reverse(),
                    _ => reference(&a, &b),
                };
                prop_assert_eq!(x.cmp(&y), first.then(reference(&c, &d)));
            }
        }
    }
}
