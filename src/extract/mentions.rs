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

/// Runs of two or more capitalised words that no known name covers: people the database may
/// not know. The first word must not be a function word, a month or a day of the week.
pub(crate) fn unknown_names(g: &Gazetteer<'_>, rules: &Rules, s: &Sentence<'_>) -> Vec<String> {
    let words = &s.folded;
    let mut known = vec![false; words.len()];
    for m in g.actors_in(words).into_iter().chain(g.places_in(words)) {
        known[m.start..m.start + m.len]
            .iter_mut()
            .for_each(|k| *k = true);
    }
    let offset = |w: &str| w.as_ptr() as usize - s.text.as_ptr() as usize;
    let plain = |i: usize| {
        let w = &s.words[i];
        w.is_capitalised()
            && !known[i]
            && ["not_names", "months", "weekdays", "stopwords"]
                .iter()
                .all(|key| rules.match_at(key, words, i).is_none())
    };
    let mut out = Vec::new();
    let mut at = 0;
    while at < s.words.len() {
        let mut end = at;
        while end < s.words.len() && plain(end) {
            let joined = end == at || {
                let gap = &s.text[offset(s.words[end - 1].text) + s.words[end - 1].text.len()
                    ..offset(s.words[end].text)];
                gap.chars().all(|c| c == ' ' || c == '-')
            };
            if !joined {
                break;
            }
            end += 1;
        }
        if end - at >= 2 && end - at <= 4 {
            let from = offset(s.words[at].text);
            let to = offset(s.words[end - 1].text) + s.words[end - 1].text.len();
            out.push(s.text[from..to].to_string());
        }
        at = end.max(at + 1);
    }
    out
}
