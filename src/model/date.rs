//! Dates as the sources give them: a day, a month, a year or a range, each at its own precision.
//!
//! A [`DateSpan`] never invents precision. "fin novembre 2025" is stored as the month `~2025-11`
//! (approximate), prints as `~2025-11`, and covers the days 2025-11-01 to 2025-11-30 when compared.
//! Comparisons work on [`Day`] numbers (days since 1970-01-01), computed with jiff's calendar.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A calendar day counted from 1970-01-01 (day 0); negative before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Day(pub i32);

/// One end of a [`DateSpan`]: a year, a month or a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DatePoint {
    /// A whole year, e.g. `2025`.
    Year(i16),
    /// A whole month, e.g. `2025-11`.
    Month(i16, u8),
    /// One day, e.g. `2025-11-30`.
    Day(i16, u8, u8),
}

/// How precisely a [`DateSpan`] is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Precision {
    /// A single day.
    Day,
    /// A single month.
    Month,
    /// A single year.
    Year,
    /// A range between two points, each at its own precision.
    Range,
}

impl Precision {
    /// The word that names the precision: `day`, `month`, `year` or `range`.
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Day => "day",
            Precision::Month => "month",
            Precision::Year => "year",
            Precision::Range => "range",
        }
    }
}

/// A date as precise as its source: a day, a month, a year, or a range, possibly approximate.
///
/// ```
/// use entrevue::DateSpan;
///
/// let late_november: DateSpan = "~2025-11".parse()?;
/// let weekend: DateSpan = "2025-11-28..2025-11-30".parse()?;
/// assert_eq!(late_november.to_string(), "~2025-11");
/// assert!(weekend.within(&late_november));
/// assert!(!late_november.within(&"2025-11-28".parse()?));
/// # Ok::<(), entrevue::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DateSpan {
    from: DatePoint,
    to: DatePoint,
    approximate: bool,
}

const EPOCH: jiff::civil::Date = jiff::civil::Date::constant(1970, 1, 1);

/// What a malformed date should look like.
const DATE_FORMAT: &str = "expected YYYY, YYYY-MM or YYYY-MM-DD";

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn invalid(text: impl Into<String>, reason: impl Into<String>) -> Error {
    Error::InvalidDate {
        text: text.into(),
        reason: reason.into(),
    }
}

/// The calendar day, or why there is none ("there is no month 13", "February 2025 has 28 days").
fn civil(year: i16, month: u8, day: u8) -> Result<jiff::civil::Date> {
    // Only a failure spells the date out: index entries rebuild dates by the million.
    let text = || format!("{year:04}-{month:02}-{day:02}");
    if !(1..=9999).contains(&year) {
        return Err(invalid(text(), "years run from 0001 to 9999"));
    }
    if !(1..=12).contains(&month) {
        return Err(invalid(text(), format!("there is no month {month}")));
    }
    let first =
        jiff::civil::Date::new(year, month as i8, 1).map_err(|e| invalid(text(), e.to_string()))?;
    let days = first.days_in_month() as u8;
    if !(1..=days).contains(&day) {
        let name = MONTHS[usize::from(month - 1)];
        return Err(invalid(text(), format!("{name} {year} has {days} days")));
    }
    jiff::civil::Date::new(year, month as i8, day as i8).map_err(|e| invalid(text(), e.to_string()))
}

fn day_number(date: jiff::civil::Date) -> Day {
    // Every valid jiff date is within ±10,000 years of the epoch, so the difference in days
    // always exists and fits an i32.
    let days = date.since(EPOCH).map(|span| span.get_days()).unwrap_or(0);
    Day(days)
}

impl Day {
    /// The day as `YYYY-MM-DD` (empty for a number past the calendar), for formats that know
    /// only whole days.
    pub(crate) fn iso(self) -> String {
        DatePoint::containing(self, 3).map_or_else(String::new, |p| p.to_string())
    }

    /// The calendar date of this day number, when it is one.
    fn civil(self) -> Option<jiff::civil::Date> {
        let span = jiff::Span::new().try_days(i64::from(self.0)).ok()?;
        EPOCH.checked_add(span).ok()
    }
}

impl DatePoint {
    /// 1, 2 or 3 for a year, a month or a day: two bits of [`DateSpan::shape`].
    fn precision_code(self) -> u8 {
        match self {
            DatePoint::Year(_) => 1,
            DatePoint::Month(..) => 2,
            DatePoint::Day(..) => 3,
        }
    }

    /// The point at this precision code that contains `day`.
    fn containing(day: Day, code: u8) -> Option<DatePoint> {
        let date = day.civil()?;
        let (y, m, d) = (date.year(), date.month() as u8, date.day() as u8);
        match code {
            1 => Some(DatePoint::Year(y)),
            2 => Some(DatePoint::Month(y, m)),
            3 => Some(DatePoint::Day(y, m, d)),
            _ => None,
        }
    }

    /// Checks that the point names a real year, month or day (years 1 to 9999).
    pub fn validate(self) -> Result<Self> {
        let checked = match self {
            DatePoint::Year(y) => civil(y, 1, 1),
            DatePoint::Month(y, m) => civil(y, m, 1),
            DatePoint::Day(y, m, d) => civil(y, m, d),
        };
        // Report the point as written, not as the day it was checked through.
        checked.map(|_| self).map_err(|e| match e {
            Error::InvalidDate { reason, .. } => invalid(self.to_string(), reason),
            other => other,
        })
    }

    /// The year this point falls in.
    pub fn year(self) -> i16 {
        match self {
            DatePoint::Year(y) | DatePoint::Month(y, _) | DatePoint::Day(y, _, _) => y,
        }
    }

    fn first_day(self) -> Day {
        let date = match self {
            DatePoint::Year(y) => civil(y, 1, 1),
            DatePoint::Month(y, m) => civil(y, m, 1),
            DatePoint::Day(y, m, d) => civil(y, m, d),
        };
        date.map(day_number).unwrap_or(Day(0))
    }

    fn last_day(self) -> Day {
        let date = match self {
            DatePoint::Year(y) => civil(y, 12, 31),
            DatePoint::Month(y, m) => civil(y, m, 1).map(|d| d.last_of_month()),
            DatePoint::Day(y, m, d) => civil(y, m, d),
        };
        date.map(day_number).unwrap_or(Day(0))
    }
}

impl fmt::Display for DatePoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            DatePoint::Year(y) => write!(f, "{y:04}"),
            DatePoint::Month(y, m) => write!(f, "{y:04}-{m:02}"),
            DatePoint::Day(y, m, d) => write!(f, "{y:04}-{m:02}-{d:02}"),
        }
    }
}

impl FromStr for DatePoint {
    type Err = Error;

    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    fn from_str(text: &str) -> Result<Self> {
        let invalid = || invalid(text, DATE_FORMAT);
        let mut parts = text.split('-');
        let mut number = |digits: usize| -> Result<Option<u16>> {
            match parts.next() {
                None => Ok(None),
                Some(p) if p.len() == digits && p.bytes().all(|b| b.is_ascii_digit()) => {
                    p.parse().map(Some).map_err(|_| invalid())
                }
                Some(_) => Err(invalid()),
            }
        };
        let year = number(4)?.ok_or_else(invalid)?;
        let month = number(2)?;
        let day = number(2)?;
        if parts.next().is_some() {
            return Err(invalid());
        }
        let year = i16::try_from(year).map_err(|_| invalid())?;
        let point = match (month, day) {
            (None, _) => DatePoint::Year(year),
            (Some(m), None) => DatePoint::Month(year, m as u8),
            (Some(m), Some(d)) => DatePoint::Day(year, m as u8, d as u8),
        };
        point.validate()
    }
}

impl DateSpan {
    /// A span covering exactly one point (a day, a month or a year).
    pub fn point(point: DatePoint) -> Result<Self> {
        Self::range(point, point)
    }

    /// A span from `from` to `to` inclusive; `to` must not end before `from`.
    pub fn range(from: DatePoint, to: DatePoint) -> Result<Self> {
        let (from, to) = (from.validate()?, to.validate()?);
        if from.first_day() > to.first_day() || from.last_day() > to.last_day() {
            return Err(Error::Invalid(format!(
                "the range {from}..{to} ends before it starts"
            )));
        }
        Ok(DateSpan {
            from,
            to,
            approximate: false,
        })
    }

    /// A single day.
    pub fn day(year: i16, month: u8, day: u8) -> Result<Self> {
        Self::point(DatePoint::Day(year, month, day))
    }

    /// A whole month.
    pub fn month(year: i16, month: u8) -> Result<Self> {
        Self::point(DatePoint::Month(year, month))
    }

    /// A whole year.
    pub fn year(year: i16) -> Result<Self> {
        Self::point(DatePoint::Year(year))
    }

    /// The same span, marked approximate ("fin novembre", "around").
    pub fn approximate(self) -> Self {
        DateSpan {
            approximate: true,
            ..self
        }
    }

    /// Whether the sources give this date only approximately.
    pub fn is_approximate(&self) -> bool {
        self.approximate
    }

    /// The first point of the span.
    pub fn from(&self) -> DatePoint {
        self.from
    }

    /// The last point of the span (the same as [`from`](Self::from) for a single point).
    pub fn to(&self) -> DatePoint {
        self.to
    }

    /// How precisely the span is known.
    pub fn precision(&self) -> Precision {
        match (self.from == self.to, self.from) {
            (false, _) => Precision::Range,
            (true, DatePoint::Year(_)) => Precision::Year,
            (true, DatePoint::Month(..)) => Precision::Month,
            (true, DatePoint::Day(..)) => Precision::Day,
        }
    }

    /// The first day the span covers.
    pub fn first_day(&self) -> Day {
        self.from.first_day()
    }

    /// The last day the span covers.
    pub fn last_day(&self) -> Day {
        self.to.last_day()
    }

    /// Whether every day of `self` lies inside `outer`: the test behind `during`.
    ///
    /// A month is not within one of its days: the sources do not say which day it was.
    pub fn within(&self, outer: &DateSpan) -> bool {
        outer.first_day() <= self.first_day() && self.last_day() <= outer.last_day()
    }

    /// Whether `self` and `other` share at least one day.
    pub fn overlaps(&self, other: &DateSpan) -> bool {
        self.first_day() <= other.last_day() && other.first_day() <= self.last_day()
    }

    /// The span's shape in one byte: the precision of each end, and whether it is approximate.
    /// With the first and last days it rebuilds the span ([`DateSpan::from_shape`]), so an
    /// index entry that keeps days for filtering can also give the date as written.
    pub(crate) fn shape(&self) -> u8 {
        self.from.precision_code() | self.to.precision_code() << 2 | u8::from(self.approximate) << 4
    }

    /// The span of this shape from `first` to `last`; `None` when they do not fit the shape.
    pub(crate) fn from_shape(shape: u8, first: Day, last: Day) -> Option<DateSpan> {
        let span = DateSpan {
            from: DatePoint::containing(first, shape & 3)?,
            to: DatePoint::containing(last, shape >> 2 & 3)?,
            approximate: shape & 0x10 != 0,
        };
        (shape < 0x20 && span.first_day() == first && span.last_day() == last).then_some(span)
    }

    /// The span in EDTF (ISO 8601-2, levels 0 and 1): `2025-11`, `2025-11~` (approximate),
    /// `2025-11-24/2025-11-30` (a range, each end approximate when the span is).
    pub fn edtf(&self) -> String {
        let mark = if self.approximate { "~" } else { "" };
        if self.from == self.to {
            format!("{}{mark}", self.from)
        } else {
            format!("{}{mark}/{}{mark}", self.from, self.to)
        }
    }

    /// The key that puts spans in date order: first day, then last day.
    pub fn sort_key(&self) -> (Day, Day) {
        (self.first_day(), self.last_day())
    }
}

impl fmt::Display for DateSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.approximate {
            f.write_str("~")?;
        }
        if self.from == self.to {
            write!(f, "{}", self.from)
        } else {
            write!(f, "{}..{}", self.from, self.to)
        }
    }
}

impl FromStr for DateSpan {
    type Err = Error;

    /// Parses `2025`, `2025-11`, `2025-11-30`, `2025-11-28..2025-11-30`, with an optional `~`.
    fn from_str(text: &str) -> Result<Self> {
        let (approximate, rest) = match text.strip_prefix('~') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let span = match rest.split_once("..") {
            Some((from, to)) => DateSpan::range(from.parse()?, to.parse()?)?,
            None => DateSpan::point(rest.parse()?)?,
        };
        Ok(if approximate {
            span.approximate()
        } else {
            span
        })
    }
}

impl PartialOrd for DateSpan {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DateSpan {
    /// Date order: by first day, then last day; ties broken by the shape (which, with the two
    /// days, determines the span) so that the order is total and agrees with `Eq`.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.sort_key()
            .cmp(&other.sort_key())
            .then_with(|| self.shape().cmp(&other.shape()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(text: &str) -> DateSpan {
        text.parse().unwrap()
    }

    #[test]
    fn edtf_marks_ranges_with_a_slash_and_approximation_with_a_tilde() {
        for (text, edtf) in [
            ("2025-11-30", "2025-11-30"),
            ("2025-11", "2025-11"),
            ("2025", "2025"),
            ("~2025-11", "2025-11~"),
            ("2025-11-24..2025-11-30", "2025-11-24/2025-11-30"),
            ("2025-11-28..2025-12", "2025-11-28/2025-12"),
            ("~2024..2025-03-02", "2024~/2025-03-02~"),
            ("0001-01-01", "0001-01-01"),
        ] {
            assert_eq!(span(text).edtf(), edtf, "{text}");
        }
    }

    #[test]
    fn shape_and_days_rebuild_the_span() {
        for text in [
            "2025",
            "2025-11",
            "2025-11-30",
            "~2025-11",
            "2024-02-29",
            "0001-01-01",
            "2025-11-28..2025-12",
            "~2024..2025-03-02",
            "1969-12-31",
            "9999-12",
        ] {
            let s = span(text);
            let rebuilt = DateSpan::from_shape(s.shape(), s.first_day(), s.last_day());
            assert_eq!(rebuilt, Some(s), "{text}");
        }
        let month = span("2025-11");
        let wrong_end = DateSpan::from_shape(month.shape(), month.first_day(), Day(0));
        assert_eq!(wrong_end, None);
        assert_eq!(DateSpan::from_shape(0, Day(0), Day(0)), None);
    }

    #[test]
    fn prints_at_its_own_precision() {
        for text in [
            "2025",
            "2025-11",
            "2025-11-30",
            "2025-11-28..2025-11-30",
            "~2025-11",
            "2025-11..2026-01",
        ] {
            assert_eq!(span(text).to_string(), text);
        }
    }

    #[test]
    fn rejects_impossible_dates() {
        for text in [
            "2025-13",
            "2025-02-29",
            "2025-00",
            "25-11",
            "2025-1",
            "2025-11-31",
            "",
            "~",
            "2025-12..2025-11",
            "2025-11-01-02",
            "0000",
        ] {
            assert!(
                text.parse::<DateSpan>().is_err(),
                "{text} should be rejected"
            );
        }
        assert!("2024-02-29".parse::<DateSpan>().is_ok());
    }

    #[test]
    fn within_never_invents_a_day() {
        assert!(span("2025-12-02").within(&span("2025-12")));
        assert!(span("2025-12").within(&span("2025")));
        assert!(!span("2025-12").within(&span("2025-12-02")));
        assert!(!span("~2025-11").within(&span("2025-11-28..2025-11-30")));
        assert!(span("2025-11-28..2025-11-30").within(&span("2025-11")));
        assert!(!span("2025-11-30..2025-12-01").within(&span("2025-11")));
        assert!(span("2025-11-30..2025-12-01").overlaps(&span("2025-11")));
    }

    #[test]
    fn day_numbers_follow_the_calendar() {
        assert_eq!(span("1970-01-01").first_day(), Day(0));
        assert_eq!(
            span("2024-02").last_day().0 - span("2024-02").first_day().0,
            28
        );
        assert_eq!(span("2025").last_day().0 - span("2025").first_day().0, 364);
    }

    #[test]
    fn orders_by_first_then_last_day() {
        let mut spans = [
            span("2025-12"),
            span("2025-11-30"),
            span("2025-12-01"),
            span("~2025-11"),
        ];
        spans.sort();
        let printed: Vec<String> = spans.iter().map(ToString::to_string).collect();
        assert_eq!(printed, ["~2025-11", "2025-11-30", "2025-12-01", "2025-12"]);
    }
}
