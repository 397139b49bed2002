//! A date as the language writes it, read into a [`DateSpan`]: the syntax of its own
//! (`~2025-11`, `2025-11-28..2025-11-30`) and EDTF, ISO 8601-2 levels 0 and 1 (`2025-11~`,
//! `2025-12-20?`, `2025-12-20%`, `2025-11-24/2025-11-30`, `../2025-12-23`, `201X`,
//! `2025-11-XX`). Each error carries the byte offset of the date (or the end of a range) that
//! is wrong, or of the spot where the text stops making a date, so that the parser can point
//! at it.
//!
//! What the model cannot hold is mapped or refused here, in one place:
//! - uncertain (`?`) joins approximate (`~`): a span has one mark, "not known exactly";
//! - unspecified digits widen the point: `201X` is the years 2010 to 2019, `2025-XX` the year
//!   2025, `2025-11-XX` the month; only trailing digits may be unspecified;
//! - an open end (`..`) stands for the calendar's end (0001 or 9999), and the caller says
//!   whether it takes one ([`WrittenDate::open`]): a question's filter can, a record's date
//!   cannot;
//! - seasons (months 21 to 24), an unknown end (`2025-11-24/`), signed or long years and
//!   level 2 forms are refused, saying what is supported.

use super::date::{DatePoint, DateSpan};
use crate::error::Error;

/// A date read from its text: the span, and whether an end was left open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WrittenDate {
    /// The span; an open end is the first or last year of the calendar.
    pub span: DateSpan,
    /// Whether an end was written `..` (EDTF's open end).
    pub open: bool,
}

/// Why a written date is not one, and where in its text.
#[derive(Debug)]
pub struct DateError {
    /// Byte offset in the text of the part that is wrong.
    pub offset: usize,
    /// What is wrong, in the date error's words.
    pub error: Error,
}

/// What a date should look like, for errors about its form.
const FORMS: &str = "expected YYYY, YYYY-MM or YYYY-MM-DD, in EDTF with `~`, `?` or `%` after \
                     it, or two of them joined by `..` or `/`";

/// The refusal of an open end where a date is recorded.
pub(crate) const OPEN_REFUSED: &str =
    "an open end (`..`) can only filter a question, as in `during ../2025-12-23`; \
     a recorded date needs both its ends";

/// One end of an interval: a point (possibly widened by unspecified digits), or open.
enum End {
    Open,
    Point {
        from: DatePoint,
        to: DatePoint,
        marked: bool,
    },
}

fn error(offset: usize, text: &str, reason: impl Into<String>) -> DateError {
    DateError {
        offset,
        error: Error::InvalidDate {
            text: text.to_string(),
            reason: reason.into(),
        },
    }
}

impl WrittenDate {
    /// Reads `text`, the whole of it, as a date in either syntax.
    pub fn parse(text: &str) -> Result<WrittenDate, DateError> {
        let (tilde, rest) = match text.strip_prefix('~') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let base = usize::from(tilde);
        let (first, second) = if let Some((a, b)) = rest.split_once('/') {
            let first = end(a, base, true)?;
            let second = end(b, base + a.len() + 1, true)?;
            (first, Some(second))
        } else if let Some((a, b)) = rest.split_once("..") {
            (
                end(a, base, false)?,
                Some(end(b, base + a.len() + 2, false)?),
            )
        } else {
            (end(rest, base, false)?, None)
        };
        let (from, to, marked, open) = match (first, second) {
            (End::Point { from, to, marked }, None) => (from, to, marked, false),
            (End::Open, Some(End::Open)) | (End::Open, None) => {
                return Err(error(
                    0,
                    text,
                    "an interval needs a date at one end at least",
                ))
            }
            (End::Point { from, marked, .. }, Some(End::Open)) => {
                (from, DatePoint::Year(9999), marked, true)
            }
            (End::Open, Some(End::Point { to, marked, .. })) => {
                (DatePoint::Year(1), to, marked, true)
            }
            (
                End::Point {
                    from, marked: a, ..
                },
                Some(End::Point { to, marked: b, .. }),
            ) => (from, to, a || b, false),
        };
        let span = DateSpan::range(from, to).map_err(|error| DateError { offset: 0, error })?;
        let span = if tilde || marked {
            span.approximate()
        } else {
            span
        };
        Ok(WrittenDate { span, open })
    }
}

/// One end at byte `offset` of the whole text: `..` (where `open_ok`, after or before a `/`)
/// or a point.
fn end(text: &str, offset: usize, open_ok: bool) -> Result<End, DateError> {
    if open_ok && text == ".." {
        return Ok(End::Open);
    }
    if text.is_empty() {
        let reason = if open_ok {
            "expected a date or `..` (an open end) here: an unknown end is not supported"
        } else {
            FORMS
        };
        return Err(error(offset, text, reason));
    }
    point(text, offset)
}

/// `YYYY[-MM[-DD]]` with trailing `X` digits and one qualifier (`~`, `?`, `%`).
fn point(text: &str, offset: usize) -> Result<End, DateError> {
    let (digits, marked) = match text.strip_suffix(['~', '?', '%']) {
        Some(digits) => (digits, true),
        None => (text, false),
    };
    let parts: Vec<&str> = digits.split('-').collect();
    let wrong_form = || error(offset, text, FORMS);
    let digit_or_x = |part: &str, len: usize| {
        part.len() == len && part.bytes().all(|b| b.is_ascii_digit() || b == b'X')
    };
    let [year, rest @ ..] = parts.as_slice() else {
        return Err(wrong_form());
    };
    if !digit_or_x(year, 4) || rest.len() > 2 || !rest.iter().all(|p| digit_or_x(p, 2)) {
        return Err(wrong_form());
    }
    let unspecified = |p: &str| p.contains('X');
    let year_x = year.trim_end_matches('X');
    if year_x.contains('X') || year_x.is_empty() {
        return Err(error(
            offset,
            text,
            "only the last digits of a year may be unspecified (X), as in 201X",
        ));
    }
    if unspecified(year) {
        if !rest.iter().all(|p| *p == "XX") {
            return Err(error(
                offset,
                text,
                "a year with unspecified digits has no month or day",
            ));
        }
        let from = DatePoint::Year(number(&year.replace('X', "0")));
        let to = DatePoint::Year(number(&year.replace('X', "9")));
        checked(from, offset)?;
        return Ok(End::Point { from, to, marked });
    }
    let year = number(year);
    let point = match rest {
        [] | ["XX"] | ["XX", "XX"] => DatePoint::Year(year),
        [m] | [m, "XX"] if !unspecified(m) => DatePoint::Month(year, number(m) as u8),
        [m, d] if !unspecified(m) && !unspecified(d) => {
            DatePoint::Day(year, number(m) as u8, number(d) as u8)
        }
        _ => {
            return Err(error(
                offset,
                text,
                "a month or a day is unspecified whole (XX), and only after the known parts",
            ))
        }
    };
    if let DatePoint::Month(_, 21..=24) | DatePoint::Day(_, 21..=24, _) = point {
        return Err(error(
            offset,
            text,
            "seasons (months 21 to 24) are not supported: write the months, as in 2025-03..2025-05",
        ));
    }
    checked(point, offset)?;
    Ok(End::Point {
        from: point,
        to: point,
        marked,
    })
}

/// Checks that the point is a real year, month or day; an error points at the point.
fn checked(point: DatePoint, offset: usize) -> Result<(), DateError> {
    point
        .validate()
        .map(|_| ())
        .map_err(|error| DateError { offset, error })
}

/// The value of ASCII digits already checked (at most four).
fn number(digits: &str) -> i16 {
    digits.parse().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> WrittenDate {
        WrittenDate::parse(text).unwrap_or_else(|e| panic!("{text}: {}", e.error))
    }

    fn offset_of_error(text: &str) -> usize {
        match WrittenDate::parse(text) {
            Ok(date) => panic!("{text} reads as {date:?}"),
            Err(e) => e.offset,
        }
    }

    #[test]
    fn uncertain_and_both_are_approximate() {
        for text in ["2025-12-20~", "2025-12-20?", "2025-12-20%", "~2025-12-20"] {
            let date = read(text);
            assert!(date.span.is_approximate(), "{text}");
            assert_eq!(date.span.to_string(), "~2025-12-20", "{text}");
        }
        assert!(!read("2025-12-20").span.is_approximate());
    }

    #[test]
    fn open_ends_run_to_the_calendar_s_ends_and_say_so() {
        let before = read("../2025-12-23");
        assert!(before.open);
        assert_eq!(before.span.to_string(), "0001..2025-12-23");
        let after = read("2025-12-01/..");
        assert!(after.open);
        assert_eq!(after.span.to_string(), "2025-12-01..9999");
        assert!(!read("2025-11-24/2025-11-30").open);
        assert!("../2025-12-23".parse::<DateSpan>().is_err());
    }

    #[test]
    fn errors_point_at_the_part_that_is_wrong() {
        for (text, offset) in [
            ("2025-13~", 0),
            ("2025-11-31", 0),
            ("2025-11-24/", 11),
            ("/2025", 0),
            ("../..", 0),
            ("..", 0),
            ("2025-11-24/2025-13", 11),
            ("~2025-13", 1),
            ("2025-21", 0),
            ("0000", 0),
            ("2025-11..", 9),
            ("2025-1", 0),
            ("2025-11-30-01", 0),
            ("-2025", 0),
            ("Y2025", 0),
            ("2025-11~~", 0),
        ] {
            assert_eq!(offset_of_error(text), offset, "{text}");
        }
    }
}
