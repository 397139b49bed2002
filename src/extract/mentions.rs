//! Who and where a sentence names: actors and places of the database found by their names and
//! aliases (folded, the longest name first), parties named by an adjective of nationality,
//! and capitalised names the database does not know.

use std::collections::HashMap;

use crate::model::ActorKind;

use super::rules::Rules;
use super::text::Sentence;
use super::world::World;

/// Names by their first folded word, to look up only the names that could start at a word.
pub(crate) struct Gazetteer<'w> {
    pub world: &'w World,
    actors: HashMap<String, Vec<(usize, Vec<String>)>>,
    places: HashMap<String, Vec<(usize, Vec<String>)>>,
}

/// A name found in a sentence: the words it takes and the record (by index in the world).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Mention {
    pub start: usize,
    pub len: usize,
    pub index: usize,
}

fn index(
    names: impl Iterator<Item = (usize, Vec<String>)>,
) -> HashMap<String, Vec<(usize, Vec<String>)>> {
    let mut out: HashMap<String, Vec<(usize, Vec<String>)>> = HashMap::new();
    for (i, words) in names {
        if let Some(first) = words.first() {
            out.entry(first.clone()).or_default().push((i, words));
        }
    }
    out
}

/// The longest names of `names` at each word, left to right, none overlapping; a name that
/// designates several records is left out (it cannot be told which).
fn scan(names: &HashMap<String, Vec<(usize, Vec<String>)>>, words: &[String]) -> Vec<Mention> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < words.len() {
        let mut best: Option<(usize, Vec<usize>)> = None;
        for (i, name) in names.get(&words[at]).into_iter().flatten() {
            if words[at..].starts_with(name) {
                match &mut best {
                    Some((len, found)) if *len == name.len() => found.push(*i),
                    Some((len, _)) if *len > name.len() => {}
                    _ => best = Some((name.len(), vec![*i])),
                }
            }
        }
        match best {
            Some((len, mut found)) => {
                found.sort_unstable();
                found.dedup();
                if let [index] = found[..] {
                    out.push(Mention {
                        start: at,
                        len,
                        index,
                    });
                }
                at += len;
            }
            None => at += 1,
        }
    }
    out
}

impl<'w> Gazetteer<'w> {
    pub(crate) fn new(world: &'w World) -> Gazetteer<'w> {
        let actors = world
            .actors
            .iter()
            .enumerate()
            .flat_map(|(i, a)| a.names.iter().map(move |n| (i, n.clone())));
        let places = world
            .places
            .iter()
            .enumerate()
            .flat_map(|(i, p)| p.names.iter().map(move |n| (i, n.clone())));
        Gazetteer {
            world,
            actors: index(actors),
            places: index(places),
        }
    }

    pub(crate) fn actors_in(&self, words: &[String]) -> Vec<Mention> {
        scan(&self.actors, words)
    }

    pub(crate) fn places_in(&self, words: &[String]) -> Vec<Mention> {
        scan(&self.places, words)
    }
}

/// Whether a rule of `key` ends right before word `at` (within one article: "à la", "en").
fn after(rules: &Rules, key: &str, words: &[String], at: usize) -> bool {
    (1..=3).any(|back| {
        at >= back
            && rules
                .match_at(key, words, at - back)
                .is_some_and(|len| at - back + len == at || at - back + len + 1 == at)
    })
}

/// Whether a rule of `key` starts within `reach` words before word `at`.
fn near_after(rules: &Rules, key: &str, words: &[String], at: usize, reach: usize) -> bool {
    (at.saturating_sub(reach)..at).any(|from| rules.match_at(key, words, from).is_some())
}

/// The parties a sentence names as taking part: people, countries and groups of the database
/// (organisations speak for parties but do not sit at tables), and parties named by an
/// adjective of nationality. A name after a venue word ("aux États-Unis") is a place there.
pub(crate) fn parties(g: &Gazetteer<'_>, rules: &Rules, s: &Sentence<'_>) -> Vec<(String, usize)> {
    let words = &s.folded;
    let places: Vec<Mention> = g.places_in(words);
    let is_place_at = |m: &Mention| places.iter().any(|p| p.start == m.start);
    let mut out: Vec<(String, usize)> = Vec::new();
    for m in g.actors_in(words) {
        let actor = &g.world.actors[m.index];
        if actor.kind == ActorKind::Organisation {
            continue;
        }
        let place_word =
            after(rules, "venue", words, m.start) || after(rules, "place_only", words, m.start);
        if actor.kind != ActorKind::Person
            && ((is_place_at(&m) && place_word)
                || near_after(rules, "not_venue", words, m.start, 6))
        {
            continue;
        }
        // "le gendre du président Donald Trump": a person named to describe another.
        if actor.kind == ActorKind::Person && near_after(rules, "of_someone", words, m.start, 3) {
            continue;
        }
        out.push((actor.handle.clone(), m.start));
    }
    for at in 0..words.len() {
        for (adjective, party) in &rules.demonyms {
            if adjective.match_at(words, at).is_some() {
                if let Some(actor) = g.world.actor_named(party) {
                    out.push((actor.handle.clone(), at));
                }
            }
        }
    }
    let mut seen = Vec::new();
    out.retain(|(h, _)| {
        let new = !seen.contains(h);
        seen.push(h.clone());
        new
    });
    out
}

/// The places a sentence names as venues: after a venue word, not after a word of war, with
/// the word where each starts.
pub(crate) fn venues(g: &Gazetteer<'_>, rules: &Rules, s: &Sentence<'_>) -> Vec<(String, usize)> {
    let words = &s.folded;
    g.places_in(words)
        .into_iter()
        .filter(|m| after(rules, "venue", words, m.start))
        .filter(|m| !near_after(rules, "not_venue", words, m.start, 6))
        .map(|m| (g.world.places[m.index].handle.clone(), m.start))
        .collect()
}

/// The text between word `i - 1` and word `i` of a sentence (empty for the first word).
fn gap<'t>(s: &Sentence<'t>, i: usize) -> &'t str {
    let offset = |w: &str| w.as_ptr() as usize - s.text.as_ptr() as usize;
    match (
        i.checked_sub(1).and_then(|b| s.words.get(b)),
        s.words.get(i),
    ) {
        (Some(before), Some(word)) => s
            .text
            .get(offset(before.text) + before.text.len()..offset(word.text))
            .unwrap_or(""),
        _ => "",
    }
}

/// The text of words `from..to` of a sentence, as written.
fn span<'t>(s: &Sentence<'t>, from: usize, to: usize) -> &'t str {
    let offset = |w: &str| w.as_ptr() as usize - s.text.as_ptr() as usize;
    match (
        s.words.get(from),
        to.checked_sub(1).and_then(|l| s.words.get(l)),
    ) {
        (Some(first), Some(last)) if from < to => s
            .text
            .get(offset(first.text)..offset(last.text) + last.text.len())
            .unwrap_or(""),
        _ => "",
    }
}

/// The runs of one to four capitalised words that no known name covers, joined by spaces or
/// hyphens only, as word ranges. No run starts with a function word, a month or a weekday.
fn capitalised_runs(g: &Gazetteer<'_>, rules: &Rules, s: &Sentence<'_>) -> Vec<(usize, usize)> {
    let words = &s.folded;
    let mut known = vec![false; words.len()];
    for m in g.actors_in(words).into_iter().chain(g.places_in(words)) {
        known
            .iter_mut()
            .skip(m.start)
            .take(m.len)
            .for_each(|k| *k = true);
    }
    let plain = |i: usize| {
        s.words[i].is_capitalised()
            && !known[i]
            && ["not_names", "months", "weekdays", "stopwords"]
                .iter()
                .all(|key| rules.match_at(key, words, i).is_none())
    };
    let mut out = Vec::new();
    let mut at = 0;
    while at < s.words.len() {
        let mut end = at;
        while end < s.words.len()
            && plain(end)
            && (end == at || gap(s, end).chars().all(|c| c == ' ' || c == '-'))
        {
            end += 1;
        }
        if end > at && end - at <= 4 {
            out.push((at, end));
        }
        at = end.max(at + 1);
    }
    out
}

/// A place the database does not have, named after a venue word and followed by a comma
/// and a known place, which it lies inside: "à Sunny Isles, en Floride", "in Sunny Isles,
/// Florida". Its name as written, and the known place's handle.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPlace {
    /// Its name as the article writes it.
    pub name: String,
    /// The handle of the known place it lies inside.
    pub parent: String,
}

/// The places sentence `s` names that the database does not have, each inside a known one.
pub(crate) fn new_places(g: &Gazetteer<'_>, rules: &Rules, s: &Sentence<'_>) -> Vec<NewPlace> {
    let words = &s.folded;
    let places = g.places_in(words);
    let mut out = Vec::new();
    for (from, to) in capitalised_runs(g, rules, s) {
        if !after(rules, "venue", words, from) || !gap(s, to).contains(',') {
            continue;
        }
        let at = to + rules.match_at("venue", words, to).unwrap_or(0);
        if let Some(parent) = places.iter().find(|m| m.start == at) {
            out.push(NewPlace {
                name: span(s, from, to).to_string(),
                parent: g.world.places[parent.index].handle.clone(),
            });
        }
    }
    out
}

/// A person the database does not know, with what the words before the name say of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewActor {
    /// The name as the article writes it.
    pub name: String,
    /// The apposition before the name ("conseiller diplomatique russe"), when it holds a word
    /// of a role.
    pub title: Option<String>,
    /// The party an adjective of nationality in the title names, by handle.
    pub affiliation: Option<String>,
}

/// Runs of two or more capitalised words that no known name covers, none of them a new
/// place: people the database may not know, each with the title the words before it give.
pub(crate) fn unknown_people(
    g: &Gazetteer<'_>,
    rules: &Rules,
    s: &Sentence<'_>,
    places: &[NewPlace],
) -> Vec<NewActor> {
    capitalised_runs(g, rules, s)
        .into_iter()
        .filter(|(from, to)| to - from >= 2)
        .map(|(from, to)| (from, span(s, from, to).to_string()))
        .filter(|(_, name)| !places.iter().any(|p| p.name == *name))
        .map(|(from, name)| {
            let title = title_before(rules, s, from);
            let affiliation = title.and_then(|(first, _)| {
                (first..from).find_map(|at| {
                    rules
                        .demonyms
                        .iter()
                        .filter(|(adjective, _)| adjective.match_at(&s.folded, at).is_some())
                        .find_map(|(_, party)| g.world.actor_named(party))
                        .map(|a| a.handle.clone())
                })
            });
            NewActor {
                name,
                title: title.map(|(first, last)| span(s, first, last).to_string()),
                affiliation,
            }
        })
        .collect()
}

/// Most words an apposition before a name takes.
const MOST_TITLE_WORDS: usize = 6;

/// The words right before word `name` that describe the person it starts, as a word range:
/// back to a function word, a meeting or status cue, a verb of speech or a punctuation mark,
/// and only when one of them is a word of a role ("le vice-ministre russe", "Russian deputy
/// foreign minister").
fn title_before(rules: &Rules, s: &Sentence<'_>, name: usize) -> Option<(usize, usize)> {
    let words = &s.folded;
    let stops = |at: usize| {
        [
            "stopwords",
            "speech",
            "ruled_out",
            "possible",
            "planned",
            "occurred",
        ]
        .iter()
        .any(|key| rules.match_at(key, words, at).is_some())
            || rules
                .kinds
                .iter()
                .any(|(_, patterns)| patterns.iter().any(|p| p.match_at(words, at).is_some()))
    };
    let mut first = name;
    while first > 0
        && name - first < MOST_TITLE_WORDS
        && gap(s, first).chars().all(|c| c == ' ' || c == '-')
        && !stops(first - 1)
    {
        first -= 1;
    }
    let role = (first..name).any(|at| rules.match_at("roles", words, at).is_some());
    (role && first < name).then_some((first, name))
}
