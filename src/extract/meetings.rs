//! The meetings a sentence reports, and one proposal per meeting from all the sentences that
//! report it.
//!
//! A sentence reports a meeting when it has a meeting word of the rules. Each date expression
//! of the sentence is a meeting of its own (“met on Friday, and will meet again Saturday”);
//! the status cues considered for it are the words from the date before it to a few words
//! after it, so that each clause has its own status.

use jiff::civil::Date;

use crate::model::{ActorKind, Certainty, DateSpan, Status};

use super::dates::{self, Found};
use super::mentions::{parties, venues, Gazetteer};
use super::rules::Rules;
use super::text::Sentence;
use super::world::World;

/// Words after a date expression still read as its clause.
const CLAUSE_TAIL: usize = 3;

/// What one sentence says of one meeting.
#[derive(Clone, Debug)]
pub(crate) struct Candidate {
    pub kind: String,
    pub kind_cue: String,
    pub date: Option<DateSpan>,
    /// The date expression as written, and whether it could be placed in the calendar.
    pub date_words: Option<(String, bool)>,
    pub place: Option<String>,
    pub participants: Vec<String>,
    pub status: Status,
    pub status_cue: Option<String>,
    pub quote: String,
    /// The sentence's rank in the article.
    pub order: usize,
}

/// The first meeting word of `words` (by position), with the kind it names.
fn kind_in(rules: &Rules, words: &[String]) -> Option<(String, String)> {
    (0..words.len()).find_map(|at| {
        rules.kinds.iter().find_map(|(kind, patterns)| {
            patterns
                .iter()
                .find(|p| p.match_at(words, at).is_some())
                .map(|p| (kind.clone(), p.shown.clone()))
        })
    })
}

/// The status the cues of `words` give, with the cue and where it is: ruled out whenever a
/// cue says so (a denial outweighs the rest), else the cue nearest the meeting word at
/// `anchor` ("expected to meet …, where others could join them" is planned).
fn status_in(rules: &Rules, words: &[String], anchor: usize) -> (Status, Option<(String, usize)>) {
    let mut best: Option<(usize, Status, String, usize)> = None;
    // Words inside a longer cue of another status ("pas exclu": possible) are not a denial.
    let covered = |word: usize| {
        Rules::status_keys()
            .iter()
            .filter(|(s, _)| *s != Status::RuledOut)
            .flat_map(|(_, key)| rules.find_all(key, words))
            .any(|(at, p)| at < word && p.match_at(words, at).is_some_and(|len| word < at + len))
    };
    for (status, key) in Rules::status_keys() {
        for (at, p) in rules.find_all(key, words) {
            if status == Status::RuledOut {
                if covered(at) {
                    continue;
                }
                return (status, Some((p.shown.clone(), at)));
            }
            let distance = at.abs_diff(anchor);
            if best.as_ref().is_none_or(|(d, ..)| distance < *d) {
                best = Some((distance, status, p.shown.clone(), at));
            }
        }
    }
    match best {
        Some((_, status, cue, at)) => (status, Some((cue, at))),
        None => (Status::Occurred, None),
    }
}

/// Where the first meeting word of `words` is.
fn kind_at(rules: &Rules, words: &[String]) -> usize {
    (0..words.len())
        .find(|&at| {
            rules
                .kinds
                .iter()
                .any(|(_, patterns)| patterns.iter().any(|p| p.match_at(words, at).is_some()))
        })
        .unwrap_or(0)
}

/// Words before and after a date expression in which a meeting word makes it the meeting's
/// date; farther, the date is most often the day something was said ("a affirmé samedi que").
const DATE_REACH: (usize, usize) = (30, 8);

fn dates_a_meeting(rules: &Rules, words: &[String], f: &Found) -> bool {
    // "a affirmé samedi que …", "said on Friday that …": the day something was said.
    let end = f.start + f.len;
    let said = (f.start.saturating_sub(4)..f.start).any(|at| {
        rules
            .match_at("speech", words, at)
            .is_some_and(|len| at + len + 1 >= f.start)
    });
    let that =
        (end..(end + 2).min(words.len())).any(|at| rules.match_at("that", words, at).is_some());
    if said && that {
        return false;
    }
    let from = f.start.saturating_sub(DATE_REACH.0);
    let to = (f.start + f.len + DATE_REACH.1).min(words.len());
    kind_in(rules, &words[from..to]).is_some()
}

/// The clauses of a sentence, one per date expression that dates a meeting (or the whole
/// sentence, undated): from the end of the date before to a few words after its own.
fn clauses<'f>(words: &[String], found: &'f [Found]) -> Vec<(usize, usize, Option<&'f Found>)> {
    match found {
        [] => vec![(0, words.len(), None)],
        [one] => vec![(0, words.len(), Some(one))],
        _ => found
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let from = if i == 0 {
                    0
                } else {
                    found[i - 1].start + found[i - 1].len
                };
                let next = found.get(i + 1).map_or(words.len(), |n| n.start);
                (from, (f.start + f.len + CLAUSE_TAIL).min(next), Some(f))
            })
            .collect(),
    }
}

/// The meetings sentence `s` reports, one per date expression (or one, undated).
pub(crate) fn candidates(
    g: &Gazetteer<'_>,
    rules: &Rules,
    s: &Sentence<'_>,
    published: Option<Date>,
    subject: Option<&str>,
) -> Vec<Candidate> {
    let words = &s.folded;
    let Some(sentence_kind) = kind_in(rules, words) else {
        return Vec::new();
    };
    let mut who: Vec<String> = parties(g, rules, s).into_iter().map(|(h, _)| h).collect();
    // "Il a rencontré …": a sentence opening on a pronoun speaks of the last sentence's
    // first person.
    let pronoun = rules.match_at("pronouns", words, 0).is_some()
        && rules.match_at("impersonal", words, 0).is_none();
    if let Some(subject) = subject.filter(|_| pronoun) {
        if !who.iter().any(|h| h == subject) {
            who.insert(0, subject.to_string());
        }
    }
    let places = venues(g, rules, s);
    let found: Vec<Found> = dates::find(words, rules)
        .into_iter()
        .filter(|f| dates_a_meeting(rules, words, f))
        .collect();
    let mut out = Vec::new();
    for (from, to, date) in clauses(words, &found) {
        let clause = &words[from..to];
        let (kind, kind_cue) = match kind_in(rules, clause) {
            Some(k) => k,
            // One clause is the sentence; of several, one without a meeting word dates
            // something else.
            None if found.len() <= 1 => sentence_kind.clone(),
            None => continue,
        };
        let (status, status_cue) = status_in(rules, clause, kind_at(rules, clause));
        // A weekday alone is the next one when the clause announces it ("reprendre les
        // pourparlers samedi"), the last one when it reports it or the cue comes after.
        let ahead = matches!(status, Status::Planned | Status::Possible)
            && date
                .zip(status_cue.as_ref())
                .is_some_and(|(f, (_, at))| from + at < f.start);
        let resolved = date.and_then(|f| dates::resolve(f.expr, published, ahead));
        let date_words = date.map(|f| {
            let shown: Vec<&str> = s.words[f.start..f.start + f.len]
                .iter()
                .map(|w| w.text)
                .collect();
            (shown.join(" "), resolved.is_some())
        });
        // The venue nearest the clause's date, or the most specific one.
        let anchor = date.map_or(from, |f| f.start);
        let place = places
            .iter()
            .min_by_key(|(h, at)| {
                let depth = g.world.place(h).map_or(0, |p| p.ancestors.len());
                (date.map_or(0, |_| at.abs_diff(anchor)), usize::MAX - depth)
            })
            .map(|(h, _)| h.clone());
        out.push(Candidate {
            kind,
            kind_cue,
            date: resolved,
            date_words,
            place,
            participants: who.clone(),
            status,
            status_cue: status_cue.map(|(cue, _)| cue),
            quote: s.text.to_string(),
            order: 0,
        });
    }
    out
}

/// The first person sentence `s` names as taking part, whom a pronoun opening the next
/// sentence stands for.
pub(crate) fn first_person(g: &Gazetteer<'_>, rules: &Rules, s: &Sentence<'_>) -> Option<String> {
    parties(g, rules, s).into_iter().map(|(h, _)| h).find(|h| {
        g.world
            .actor(h)
            .is_some_and(|a| a.kind == ActorKind::Person)
    })
}

/// Whether participant `a` stands for `b`: the same actor, or a party and someone on its side.
pub(crate) fn same_party(world: &World, a: &str, b: &str) -> bool {
    let side = |h: &str| world.actor(h).and_then(|x| x.side.clone());
    a == b || side(a).as_deref() == Some(b) || side(b).as_deref() == Some(a)
}

/// Whether two lists of participants name the same meeting: at least two shared, or all of
/// the shorter list when it has fewer than two.
pub(crate) fn same_people(world: &World, a: &[String], b: &[String]) -> bool {
    let shared = a
        .iter()
        .filter(|x| b.iter().any(|y| same_party(world, x, y)))
        .count();
    let need = 2.min(a.len()).min(b.len());
    need > 0 && shared >= need
}

/// Whether two places can be the same venue: either unknown, or one inside the other.
pub(crate) fn same_place(world: &World, a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => world.inside(a, b) || world.inside(b, a),
        _ => true,
    }
}

/// Whether two dates can be the same meeting's: both known and overlapping, or both unknown.
pub(crate) fn same_date(a: Option<&DateSpan>, b: Option<&DateSpan>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.overlaps(b),
        (None, None) => true,
        _ => false,
    }
}

/// A participant of a proposal, with the side and certainty the script gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProposedParticipant {
    /// The actor's handle.
    pub handle: String,
    /// The handle of the party it sits with, when the database says.
    pub side: Option<String>,
    /// How sure the sentences are that it took part.
    pub certainty: Certainty,
}
