//! Date expressions of a sentence, and the span each stands for once the publication date is
//! known: "vendredi" is the Friday before it (or after it, for a meeting still to come), "la
//! semaine dernière" the week before its own, "fin novembre" the month of November, marked
//! approximate. A span keeps the precision of the words: a month stays a month.

use jiff::civil::Date;

use crate::model::{DatePoint, DateSpan};

use super::rules::Rules;

/// What a date expression says, before it is placed in the calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Expr {
    /// A day of the week alone (0 = Monday).
    Weekday(u8),
    /// Days from the publication date: yesterday −1, today 0, tomorrow +1.
    Days(i8),
    /// A week from the publication's: last week −1, this week 0, next week +1.
    Week(i8),
    /// A day (or two, "les 4 et 5") of a month, with the year when it is given.
    DayMonth {
        day: u8,
        last: u8,
        month: u8,
        year: Option<i16>,
    },
    /// The start, middle or end of a month: the month, approximate.
    MonthPart { month: u8, year: Option<i16> },
    /// A month with its year.
    Month { month: u8, year: i16 },
}

/// A date expression found in a sentence: the words it takes and what it says.
#[derive(Clone, Debug)]
pub(crate) struct Found {
    pub start: usize,
    pub len: usize,
    pub expr: Expr,
}

/// A day of the month written as a number, with an ordinal ending (`1er`, `22nd`) or none.
fn day_number(word: &str, rules: &Rules) -> Option<u8> {
    let digits: String = word.chars().take_while(char::is_ascii_digit).collect();
    let rest = &word[digits.len()..];
    let suffix_ok = rest.is_empty() || rules.position("ordinal", rest).is_some();
    let day: u8 = digits.parse().ok()?;
    (suffix_ok && digits.len() <= 2 && (1..=31).contains(&day)).then_some(day)
}

fn year_number(word: Option<&String>) -> Option<i16> {
    let word = word?;
    let year: i16 = word.parse().ok()?;
    (word.len() == 4 && (1900..=2100).contains(&year)).then_some(year)
}

fn month_of(word: Option<&String>, rules: &Rules) -> Option<u8> {
    rules
        .position("months", word?)
        .and_then(|m| u8::try_from(m + 1).ok())
}

/// A day and a month from `at`: `23 janvier`, `4 et 5 février`, and in English also
/// `January 22`, `February 4 and 5`; with a year after when there is one.
fn day_month(words: &[String], at: usize, rules: &Rules) -> Option<(usize, Expr)> {
    let day = |i: usize| words.get(i).and_then(|w| day_number(w, rules));
    let and = |i: usize| {
        words
            .get(i)
            .is_some_and(|w| rules.position("and", w).is_some())
    };
    let (first, last, month, mut len) = if let Some(d) = day(at) {
        let (last, next) = match (and(at + 1), day(at + 2)) {
            (true, Some(l)) if l > d => (l, at + 3),
            _ => (d, at + 1),
        };
        (d, last, month_of(words.get(next), rules)?, next + 1 - at)
    } else {
        let month = month_of(words.get(at), rules)?;
        let d = day(at + 1)?;
        match (and(at + 2), day(at + 3)) {
            (true, Some(l)) if l > d => (d, l, month, 4),
            _ => (d, d, month, 2),
        }
    };
    let year = year_number(words.get(at + len));
    if year.is_some() {
        len += 1;
    }
    let expr = Expr::DayMonth {
        day: first,
        last,
        month,
        year,
    };
    Some((len, expr))
}

/// The date expression starting at word `at`, if one does.
fn expression_at(words: &[String], at: usize, rules: &Rules) -> Option<(usize, Expr)> {
    let relative = [
        ("yesterday", Expr::Days(-1)),
        ("today", Expr::Days(0)),
        ("tomorrow", Expr::Days(1)),
        ("last_week", Expr::Week(-1)),
        ("this_week", Expr::Week(0)),
        ("next_week", Expr::Week(1)),
    ];
    for (key, expr) in relative {
        if let Some(len) = rules.match_at(key, words, at) {
            return Some((len, expr));
        }
    }
    for key in ["early", "mid", "late"] {
        if let Some(len) = rules.match_at(key, words, at) {
            if let Some(month) = month_of(words.get(at + len), rules) {
                let year = year_number(words.get(at + len + 1));
                let used = len + 1 + usize::from(year.is_some());
                return Some((used, Expr::MonthPart { month, year }));
            }
        }
    }
    if let Some(weekday) = rules.position("weekdays", &words[at]) {
        if let Some((len, expr)) = day_month(words, at + 1, rules) {
            return Some((len + 1, expr));
        }
        return Some((1, Expr::Weekday(u8::try_from(weekday).ok()?)));
    }
    if let Some(found) = day_month(words, at, rules) {
        return Some(found);
    }
    let month = month_of(words.get(at), rules)?;
    let year = year_number(words.get(at + 1))?;
    Some((2, Expr::Month { month, year }))
}

/// Every date expression of `words`, in order, none overlapping.
pub(crate) fn find(words: &[String], rules: &Rules) -> Vec<Found> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < words.len() {
        match expression_at(words, at, rules) {
            Some((len, expr)) => {
                out.push(Found {
                    start: at,
                    len,
                    expr,
                });
                at += len.max(1);
            }
            None => at += 1,
        }
    }
    out
}

fn civil(year: i16, month: u8, day: u8) -> Option<Date> {
    Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
}

fn span_of(date: Date) -> Option<DateSpan> {
    let month = u8::try_from(date.month()).ok()?;
    let day = u8::try_from(date.day()).ok()?;
    DateSpan::day(date.year(), month, day).ok()
}

fn plus(date: Date, days: i64) -> Option<Date> {
    date.checked_add(jiff::Span::new().days(days)).ok()
}

/// The year of a month and day given without one: the one that puts them nearest to the
/// publication date (an article of January speaking of "2 décembre" means the last one).
fn nearest_year(month: u8, day: u8, published: Date) -> Option<i16> {
    let years = [published.year() - 1, published.year(), published.year() + 1];
    years
        .into_iter()
        .filter_map(|y| {
            let date = civil(y, month, day)?;
            let distance = (date - published).get_days().abs();
            Some((distance, y))
        })
        .min()
        .map(|(_, y)| y)
}

/// The span `expr` stands for, published on `published`; `ahead`: the sentence speaks of
/// something to come, so a weekday alone is the next one rather than the last.
/// `None` when the expression needs a publication date there is not.
pub(crate) fn resolve(expr: Expr, published: Option<Date>, ahead: bool) -> Option<DateSpan> {
    if let Expr::DayMonth {
        year: Some(year), ..
    }
    | Expr::MonthPart {
        year: Some(year), ..
    }
    | Expr::Month { year, .. } = expr
    {
        return resolve_in(expr, year);
    }
    let published = published?;
    match expr {
        Expr::Weekday(day) => {
            let today = published.weekday().to_monday_zero_offset();
            let day = i64::from(day);
            let today = i64::from(today);
            let shift = if ahead {
                (day - today).rem_euclid(7)
            } else {
                -(today - day).rem_euclid(7)
            };
            span_of(plus(published, shift)?)
        }
        Expr::Days(n) => span_of(plus(published, i64::from(n))?),
        Expr::Week(n) => {
            let monday = plus(
                published,
                -i64::from(published.weekday().to_monday_zero_offset()) + 7 * i64::from(n),
            )?;
            let last = if n == 0 { published } else { plus(monday, 6)? };
            let (from, to) = (span_of(monday)?, span_of(last)?);
            Some(DateSpan::range(from.from(), to.to()).ok()?.approximate())
        }
        Expr::DayMonth { day, month, .. } => resolve_in(expr, nearest_year(month, day, published)?),
        Expr::MonthPart { month, .. } => resolve_in(expr, nearest_year(month, 15, published)?),
        Expr::Month { year, .. } => resolve_in(expr, year),
    }
}

/// The span of a day or month expression in `year`.
fn resolve_in(expr: Expr, year: i16) -> Option<DateSpan> {
    match expr {
        Expr::DayMonth {
            day, last, month, ..
        } if last > day => DateSpan::range(
            DatePoint::Day(year, month, day),
            DatePoint::Day(year, month, last),
        )
        .ok(),
        Expr::DayMonth { day, month, .. } => DateSpan::day(year, month, day).ok(),
        Expr::MonthPart { month, .. } => Some(DateSpan::month(year, month).ok()?.approximate()),
        Expr::Month { month, .. } => DateSpan::month(year, month).ok(),
        _ => None,
    }
}

/// Publication date as a calendar day (a span's first day, when the span is a day).
pub(crate) fn day_of(span: &DateSpan) -> Option<Date> {
    match span.from() {
        DatePoint::Day(y, m, d) => civil(y, m, d),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i16, m: i8, d: i8) -> Option<Date> {
        Date::new(y, m, d).ok()
    }

    fn shown(expr: Expr, published: Option<Date>, ahead: bool) -> String {
        resolve(expr, published, ahead).map_or_else(|| "none".into(), |d| d.to_string())
    }

    #[test]
    fn weekdays_look_back_or_ahead() {
        // 2025-12-06 is a Saturday.
        let saturday = day(2025, 12, 6);
        assert_eq!(shown(Expr::Weekday(4), saturday, false), "2025-12-05");
        assert_eq!(shown(Expr::Weekday(5), saturday, false), "2025-12-06");
        assert_eq!(shown(Expr::Weekday(5), saturday, true), "2025-12-06");
        assert_eq!(shown(Expr::Weekday(6), saturday, true), "2025-12-07");
        assert_eq!(shown(Expr::Weekday(0), saturday, false), "2025-12-01");
    }

    #[test]
    fn a_day_without_a_year_is_the_nearest_one() {
        let january = day(2026, 1, 10);
        let december = Expr::DayMonth {
            day: 2,
            last: 2,
            month: 12,
            year: None,
        };
        assert_eq!(shown(december, january, false), "2025-12-02");
        let late = Expr::MonthPart {
            month: 11,
            year: None,
        };
        assert_eq!(shown(late, january, false), "~2025-11");
    }

    #[test]
    fn weeks_are_monday_to_sunday() {
        let saturday = day(2025, 12, 6);
        assert_eq!(
            shown(Expr::Week(-1), saturday, false),
            "~2025-11-24..2025-11-30"
        );
        assert_eq!(
            shown(Expr::Week(0), saturday, false),
            "~2025-12-01..2025-12-06"
        );
        assert_eq!(
            shown(Expr::Week(1), saturday, false),
            "~2025-12-08..2025-12-14"
        );
    }

    #[test]
    fn without_a_publication_date_only_absolute_dates_resolve() {
        assert_eq!(shown(Expr::Weekday(4), None, false), "none");
        assert_eq!(shown(Expr::Days(-1), None, false), "none");
        let dated = Expr::DayMonth {
            day: 30,
            last: 30,
            month: 11,
            year: Some(2025),
        };
        assert_eq!(shown(dated, None, false), "2025-11-30");
        let bad = Expr::DayMonth {
            day: 31,
            last: 31,
            month: 2,
            year: Some(2026),
        };
        assert_eq!(shown(bad, None, false), "none");
    }
}
