//! `extract`: the meetings a news article reports, proposed as a script to review.
//!
//! Nothing is written: the result is the text of `add document`, `add meeting` (or `set
//! meeting … source`, for a meeting the database already has) and, in comments, `add actor`
//! statements, each with the confidence it deserves and the words it rests on. The words of
//! each language are data (`rules/<language>.rules`, see [`rules`]); the code only combines
//! them: sentences ([`text`]), dates ([`dates`]), names ([`mentions`]), meetings
//! ([`meetings`]), and the script ([`script`]).

mod dates;
mod existing;
mod meetings;
mod mentions;
mod rules;
mod script;
mod text;
mod world;

use std::collections::BTreeSet;

use crate::error::{Error, Result};
use crate::model::{ActorKind, Certainty, DateSpan, RecordKind, Status};
use crate::query::{self, Catalog};

pub use meetings::ProposedParticipant;
pub use mentions::{NewActor, NewPlace};

use meetings::{
    candidates, first_person, same_date, same_party, same_people, same_place, Candidate,
};
use mentions::{new_places, unknown_people, Gazetteer};
use rules::Rules;
use world::World;

/// What to extract with: what the article's feed says of it.
#[derive(Clone, Debug, Default)]
pub struct ExtractOptions {
    /// The day it was published, which relative dates ("samedi", "last week") count from.
    pub published: Option<DateSpan>,
    /// `fr` or `en`; found from the text when not given.
    pub language: Option<String>,
    /// The outlet that published it.
    pub outlet: Option<String>,
    /// The file it was read from, as the document records it (its name, not a path).
    pub file: Option<String>,
    /// Document handles already given to other articles of the same run.
    pub taken: Vec<String>,
}

/// One meeting an article reports.
#[derive(Clone, Debug)]
pub struct Proposal {
    /// Its kind (talks, meeting, summit, visit).
    pub kind: String,
    /// Its date, at the precision of the words.
    pub date: Option<DateSpan>,
    /// Its place's handle.
    pub place: Option<String>,
    /// Who took part, by handle.
    pub participants: Vec<ProposedParticipant>,
    /// What the wording says of it.
    pub status: Status,
    /// Every sentence reporting it, verbatim.
    pub quotes: Vec<String>,
    /// The meeting of the database it is, when there is one: then its quotes are new sources.
    pub existing: Option<String>,
    /// How much to trust the proposal, from 0 to 1.
    pub confidence: f32,
    /// The words it rests on, to show the reviewer.
    pub cues: Vec<String>,
}

/// What an article reports, as a script and as proposals.
#[derive(Clone, Debug)]
pub struct Extraction {
    /// The script to review: statements, and comments explaining each.
    pub script: String,
    /// The handle the script gives the article's document.
    pub document: String,
    /// The language the rules read it in.
    pub language: String,
    /// The meetings found.
    pub proposals: Vec<Proposal>,
    /// Capitalised names of people the database does not know.
    pub unknown_names: Vec<String>,
    /// Those people, each with the title and affiliation the words before the name give.
    pub new_actors: Vec<NewActor>,
    /// Places the database does not have, each inside a known place, that meetings use.
    pub new_places: Vec<NewPlace>,
    /// Names taken as a known person's, being close to one of their names.
    pub aliases: Vec<GuessedAlias>,
    /// What could not be done (a relative date without a publication date …).
    pub notes: Vec<String>,
}

/// A name the article spells close to a known person's, and no one's exactly: taken as that
/// person, and shown to the reviewer as a possible alias.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuessedAlias {
    /// The name as the article writes it.
    pub spelling: String,
    /// The handle of the actor it is taken as.
    pub handle: String,
    /// That actor's canonical name.
    pub name: String,
}

/// How alike (normalised edit distance of the folded names) a name must be to a known
/// person's to be taken as theirs: one letter in seven or eight may differ ("Roustem Omerov"
/// for "Rustem Omerov", "Kiril Dmitriyev" for "Kirill Dmitriev").
const ALIAS_SIMILARITY: f64 = 0.8;

/// How much less a proposal is trusted for each participant found through a guessed alias.
const ALIAS_DOUBT: f32 = 0.15;

/// The meetings `text` reports, resolved against the records of `catalog` that its words can
/// name.
pub(crate) fn extract<C: Catalog>(
    catalog: &C,
    text: &str,
    options: &ExtractOptions,
) -> Result<Extraction> {
    let shown = options.file.as_deref().unwrap_or("the article");
    if text.trim().is_empty() {
        return Err(Error::Invalid(format!(
            "{shown} is empty; expected the text of an article"
        )));
    }
    let language = text::language(text, options.language.as_deref(), shown)?;
    let rules = Rules::of(language)?;
    let published = options.published.as_ref().and_then(dates::day_of);
    let sentences = text::sentences(text);
    let words: BTreeSet<String> = sentences.iter().flat_map(|s| s.folded.clone()).collect();
    let parties: Vec<String> = rules.demonyms.iter().map(|(_, p)| p.clone()).collect();
    let mut world = World::read(catalog, &words, &parties)?;
    let (aliases, new_places) = unknowns(catalog, &mut world, &rules, &sentences)?;
    let g = Gazetteer::new(&world);
    let mut notes = Vec::new();
    let mut all = Vec::new();
    let mut new_actors: Vec<NewActor> = Vec::new();
    let mut subject: Option<String> = None;
    for (order, s) in sentences.iter().enumerate() {
        for mut c in candidates(&g, &rules, s, published, subject.as_deref()) {
            c.order = order;
            if let Some((words, false)) = &c.date_words {
                notes.push(format!(
                    "\"{words}\" is a date relative to the publication date, which was not \
                     given (--published): left out"
                ));
            }
            all.push(c);
        }
        subject = first_person(&g, &rules, s);
        for person in unknown_people(&g, &rules, s, &new_places) {
            match new_actors.iter_mut().find(|a| a.name == person.name) {
                Some(known) if known.title.is_none() => *known = person,
                Some(_) => {}
                None => new_actors.push(person),
            }
        }
    }
    let mut proposals = merge(&world, all);
    drop(g);
    let existing = existing::find(catalog, &mut world, &mut proposals)?;
    for p in &mut proposals {
        doubt_aliases(p, &aliases);
    }
    let document = existing::next_document(catalog, &options.taken)?;
    let title = sentences.first().map_or("", |s| s.text);
    let mut found = Extraction {
        script: String::new(),
        document,
        language: language.to_string(),
        proposals,
        unknown_names: new_actors.iter().map(|a| a.name.clone()).collect(),
        new_actors,
        new_places,
        aliases,
        notes,
    };
    found.script = script::render(&world, &existing, &found, title, options);
    Ok(found)
}

/// The names the database does not have: new places (added to `world`, inside the known
/// place that follows them) and names close to a known person's (given to that person in
/// `world`, as aliases would be).
fn unknowns<C: Catalog>(
    catalog: &C,
    world: &mut World,
    rules: &Rules,
    sentences: &[text::Sentence<'_>],
) -> Result<(Vec<GuessedAlias>, Vec<NewPlace>)> {
    let g = Gazetteer::new(world);
    let mut places: Vec<NewPlace> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for s in sentences {
        for place in new_places(&g, rules, s) {
            if !places.iter().any(|p| p.name == place.name) {
                places.push(place);
            }
        }
        for person in unknown_people(&g, rules, s, &places) {
            if !names.contains(&person.name) {
                names.push(person.name);
            }
        }
    }
    drop(g);
    let asked: Vec<&str> = names.iter().map(String::as_str).collect();
    let close = query::closest(catalog, RecordKind::Actor, &asked, ALIAS_SIMILARITY)?;
    let mut aliases = Vec::new();
    for (spelling, found) in names.iter().zip(close) {
        let Some((id, _)) = found else { continue };
        world.load_actor(catalog, id)?;
        let Some(actor) = world
            .handle_of(id)
            .and_then(|h| world.actor(h))
            .filter(|a| a.kind == ActorKind::Person)
        else {
            continue;
        };
        aliases.push(GuessedAlias {
            spelling: spelling.clone(),
            handle: actor.handle.clone(),
            name: actor.name.clone(),
        });
    }
    for alias in &aliases {
        world.add_name(&alias.handle, &alias.spelling);
    }
    for place in &places {
        world.propose_place(&place.name, &place.parent);
    }
    Ok((aliases, places))
}

/// Lowers the confidence of a proposal for each participant it has through a guessed alias,
/// and says so among its cues.
fn doubt_aliases(p: &mut Proposal, aliases: &[GuessedAlias]) {
    for alias in aliases {
        let named = p.quotes.iter().any(|q| q.contains(&alias.spelling));
        if named && p.participants.iter().any(|x| x.handle == alias.handle) {
            p.confidence = (p.confidence - ALIAS_DOUBT).max(0.05);
            p.cues
                .push(format!("\"{}\" (alias of {}?)", alias.spelling, alias.name));
        }
    }
}

/// A meeting being gathered from its sentences.
struct Group {
    first: Candidate,
    members: Vec<Candidate>,
    extra: Vec<(String, Certainty)>,
}

fn narrower(a: Option<DateSpan>, b: Option<DateSpan>) -> Option<DateSpan> {
    match (a, b) {
        (Some(a), Some(b)) => {
            let days = |d: &DateSpan| d.last_day().0 - d.first_day().0;
            Some(if days(&b) < days(&a) { b } else { a })
        }
        (a, b) => a.or(b),
    }
}

/// One proposal per meeting: candidates merged when their dates, places and people agree;
/// a sentence naming one person joins a meeting of the same date and place; a sentence
/// naming nobody ("la réunion de vendredi") joins the meeting of its date.
fn merge(world: &World, all: Vec<Candidate>) -> Vec<Proposal> {
    let mut groups: Vec<Group> = Vec::new();
    let (many, few): (Vec<Candidate>, Vec<Candidate>) = all.into_iter().partition(several);
    for c in many {
        group(world, &mut groups, c);
    }
    for mut c in few {
        // One person's sentence adds that person; the place it names may be another's.
        c.place = None;
        let home = groups.iter_mut().find(|g| {
            c.date.is_some()
                && same_date(g.first.date.as_ref(), c.date.as_ref())
                && same_place(world, g.first.place.as_deref(), c.place.as_deref())
        });
        if let Some(g) = home {
            for p in &c.participants {
                let certainty = match c.status {
                    Status::Possible => Certainty::Possible,
                    _ => Certainty::Confirmed,
                };
                g.extra.push((p.clone(), certainty));
            }
            g.members.push(c);
        }
    }
    let mut groups = undated_into_dated(world, groups);
    // In the order the article first reports them.
    groups.sort_by_key(|g| g.members.iter().map(|c| c.order).min());
    groups.into_iter().map(|g| proposal(world, g)).collect()
}

/// Whether a candidate names enough people to stand as a meeting of its own. A visit has its
/// host in its place: one visitor is enough.
fn several(c: &Candidate) -> bool {
    c.participants.len() >= 2
        || (c.kind == "visit" && c.place.is_some() && !c.participants.is_empty())
}

/// Puts `c` with the meeting of its date, place and people, or makes it a meeting.
fn group(world: &World, groups: &mut Vec<Group>, c: Candidate) {
    let home = groups
        .iter_mut()
        .find(|g| same_date(g.first.date.as_ref(), c.date.as_ref()) && alike(world, &g.first, &c));
    match home {
        Some(g) => g.members.push(c),
        None => groups.push(Group {
            first: c.clone(),
            members: vec![c],
            extra: Vec::new(),
        }),
    }
}

/// Whether two sentences can report the same meeting, dates aside: the same place (or one
/// unknown), the same people, and neither a visit (a trip, not the talks held during it)
/// nor a meeting ruled out unless both are.
fn alike(world: &World, a: &Candidate, b: &Candidate) -> bool {
    (a.kind == "visit") == (b.kind == "visit")
        && (a.status == Status::RuledOut) == (b.status == Status::RuledOut)
        && same_place(world, a.place.as_deref(), b.place.as_deref())
        && same_people(world, &a.participants, &b.participants)
}

fn shared_persons(world: &World, a: &Candidate, b: &Candidate) -> usize {
    let person = |h: &String| {
        world
            .actor(h)
            .is_some_and(|x| x.kind == crate::model::ActorKind::Person)
    };
    a.participants
        .iter()
        .filter(|h| person(h) && b.participants.contains(h))
        .count()
}

/// An undated meeting joins the one dated meeting with at least two of the same people (by
/// name: a party named in passing is not enough) and its place: the sentence spoke of it
/// without repeating the date. With several such meetings, it stays apart.
fn undated_into_dated(world: &World, groups: Vec<Group>) -> Vec<Group> {
    let (mut dated, undated): (Vec<Group>, Vec<Group>) =
        groups.into_iter().partition(|g| g.first.date.is_some());
    let mut apart = Vec::new();
    for g in undated {
        let homes: Vec<usize> = (0..dated.len())
            .filter(|&i| {
                alike(world, &dated[i].first, &g.first)
                    && shared_persons(world, &dated[i].first, &g.first) >= 2
            })
            .collect();
        match homes[..] {
            [one] => {
                let home = &mut dated[one];
                home.members.extend(g.members);
                home.extra.extend(g.extra);
            }
            _ => apart.push(g),
        }
    }
    dated.extend(apart);
    dated
}

/// The status most sentences give; the first sentence's when they are as many.
fn majority(members: &[Candidate]) -> Status {
    let count = |s: Status| members.iter().filter(|c| c.status == s).count();
    let mut best = members.first().map_or(Status::Occurred, |c| c.status);
    for c in members {
        if count(c.status) > count(best) {
            best = c.status;
        }
    }
    best
}

fn proposal(world: &World, g: Group) -> Proposal {
    let status = majority(&g.members);
    let date = g.members.iter().fold(None, |d, c| narrower(d, c.date));
    let place =
        g.members
            .iter()
            .filter_map(|c| c.place.clone())
            .fold(None, |best: Option<String>, p| match best {
                Some(b) if world.inside(&b, &p) || !world.inside(&p, &b) => Some(b),
                _ => Some(p),
            });
    let default_certainty = match status {
        Status::Planned => Certainty::Expected,
        _ => Certainty::Confirmed,
    };
    let mut people: Vec<(String, Certainty)> = Vec::new();
    for c in &g.members {
        for p in &c.participants {
            if !people.iter().any(|(h, _)| h == p) {
                people.push((p.clone(), default_certainty));
            }
        }
    }
    for (h, certainty) in g.extra {
        if !people.iter().any(|(p, _)| *p == h) {
            people.push((h, certainty));
        }
    }
    // A party is left out when someone at the table sits for it: the person says more.
    let persons: Vec<String> = people.iter().map(|(h, _)| h.clone()).collect();
    people.retain(|(h, _)| {
        !persons
            .iter()
            .any(|p| p != h && world.actor(p).and_then(|a| a.side.as_deref()) == Some(h))
    });
    let kind = g.first.kind.clone();
    if kind == "visit" {
        host(world, place.as_deref(), &mut people);
    }
    let participants: Vec<ProposedParticipant> = people
        .into_iter()
        .map(|(handle, certainty)| ProposedParticipant {
            side: world.actor(&handle).and_then(|a| a.side.clone()),
            handle,
            certainty,
        })
        .collect();
    let mut quotes: Vec<String> = Vec::new();
    let mut cues = Vec::new();
    for c in &g.members {
        if !quotes.contains(&c.quote) {
            quotes.push(c.quote.clone());
        }
        let mut cue = format!("\"{}\" ({})", c.kind_cue, c.kind);
        if let Some(s) = &c.status_cue {
            cue.push_str(&format!(", \"{s}\" ({})", c.status));
        }
        if let Some((words, _)) = &c.date_words {
            cue.push_str(&format!(", date \"{words}\""));
        }
        if !cues.contains(&cue) {
            cues.push(cue);
        }
    }
    let mut confidence: f32 = 0.4;
    confidence += 0.1 * (quotes.len().min(3) as f32 - 1.0);
    confidence += if date.is_some() { 0.15 } else { 0.0 };
    confidence += if place.is_some() { 0.1 } else { 0.0 };
    confidence += if participants.len() >= 2 { 0.1 } else { 0.0 };
    Proposal {
        kind,
        date,
        place,
        participants,
        status,
        quotes,
        existing: None,
        confidence: confidence.min(0.95),
        cues,
    }
}

/// A visit to a country meets that country: its party joins, unless someone sits for it.
fn host(world: &World, place: Option<&str>, people: &mut Vec<(String, Certainty)>) {
    let Some(country) = place
        .and_then(|p| world.place(p))
        .and_then(|p| p.ancestors.last())
        .and_then(|top| world.place(top))
    else {
        return;
    };
    let party = country
        .names
        .iter()
        .find_map(|n| world.actor_named(&n.join(" ")))
        .filter(|a| a.side.as_deref() == Some(a.handle.as_str()));
    if let Some(party) = party {
        if !people
            .iter()
            .any(|(h, _)| same_party(world, h, &party.handle))
        {
            people.push((party.handle.clone(), Certainty::Confirmed));
        }
    }
}
