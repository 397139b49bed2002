//! Random sequences of adds, corrections and deletes leave `check()` clean and agree with a
//! plain in-memory model of the same records; the search index answers every searched word
//! as a `MemoryCatalog` worked out from the records alone does.

use std::collections::BTreeMap;

use entrevue::{
    fold_name, Actor, ActorId, ActorKind, Database, DateSpan, Document, DocumentId, Error, Meeting,
    MeetingId, Participant, Place, PlaceId, PlaceKind, Relation, SourceRef, Status,
};
use proptest::prelude::*;

const NAMES: [&str; 5] = ["Witkoff", "Umerov", "Oumerov", "Dmitriev", "Zelenskí"];

/// The words texts are made of: French and English forms that stem alike or apart.
const WORDS: [&str; 12] = [
    "les",
    "négociations",
    "Negociateurs",
    "talks",
    "talk",
    "cessez",
    "le",
    "feu",
    "Kiev",
    "frappes",
    "sur",
    "paix",
];

/// Document languages: French, English, one without a stemmer, none.
const LANGUAGES: [Option<&str>; 4] = [Some("fr"), Some("en"), Some("uk"), None];

/// What every check searches for.
const SEARCHES: [&str; 8] = [
    "négociateurs",
    "talk",
    "cessez-le-feu",
    "frappes sur Kiev",
    "\"frappes sur\" paix",
    "le",
    "LES talks",
    "absent",
];

/// Each source: a document (by rank) and the words of its quote.
type Sources = Vec<(usize, Vec<usize>)>;

#[derive(Clone, Debug)]
enum Op {
    AddActor {
        name: usize,
        alias: Option<usize>,
        affiliation: Option<usize>,
    },
    RenameActor {
        actor: usize,
        alias: Option<usize>,
    },
    DeleteActor {
        actor: usize,
    },
    AddPlace {
        parent: Option<usize>,
    },
    DeletePlace {
        place: usize,
    },
    AddMeeting {
        people: Vec<(usize, Option<usize>)>,
        place: Option<usize>,
        date: Option<(u16, u8)>,
        status: usize,
        summary: Option<Vec<usize>>,
        sources: Sources,
    },
    CorrectMeeting {
        meeting: usize,
        people: Vec<(usize, Option<usize>)>,
        place: Option<usize>,
        date: Option<(u16, u8)>,
        summary: Option<Vec<usize>>,
        sources: Sources,
    },
    AddDocument {
        title: Vec<usize>,
        language: usize,
    },
    SetLanguage {
        document: usize,
        language: usize,
    },
    DeleteMeeting {
        meeting: usize,
    },
    AddRelation {
        subject: usize,
        object: usize,
        sources: Sources,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let people = proptest::collection::vec((0usize..8, proptest::option::of(0usize..8)), 0..4);
    let date = proptest::option::of((0u16..400, 0u8..3));
    let text = || proptest::collection::vec(0..WORDS.len(), 0..5);
    let sources = proptest::collection::vec((0usize..6, text()), 0..3);
    let summary = proptest::option::of(text());
    prop_oneof![
        3 => (0..NAMES.len(), proptest::option::of(0..NAMES.len()), proptest::option::of(0usize..8))
            .prop_map(|(name, alias, affiliation)| Op::AddActor { name, alias, affiliation }),
        1 => (0usize..8, proptest::option::of(0..NAMES.len())).prop_map(|(actor, alias)| Op::RenameActor { actor, alias }),
        1 => (0usize..8).prop_map(|actor| Op::DeleteActor { actor }),
        2 => proptest::option::of(0usize..6).prop_map(|parent| Op::AddPlace { parent }),
        1 => (0usize..6).prop_map(|place| Op::DeletePlace { place }),
        4 => (people.clone(), proptest::option::of(0usize..6), date.clone(), 0usize..6, summary.clone(), sources.clone())
            .prop_map(|(people, place, date, status, summary, sources)| Op::AddMeeting { people, place, date, status, summary, sources }),
        2 => (0usize..10, people, proptest::option::of(0usize..6), date, summary, sources.clone())
            .prop_map(|(meeting, people, place, date, summary, sources)| Op::CorrectMeeting { meeting, people, place, date, summary, sources }),
        1 => (0usize..10).prop_map(|meeting| Op::DeleteMeeting { meeting }),
        1 => (0usize..8, 0usize..8, sources).prop_map(|(subject, object, sources)| Op::AddRelation { subject, object, sources }),
        2 => (text(), 0..LANGUAGES.len()).prop_map(|(title, language)| Op::AddDocument { title, language }),
        1 => (0usize..6, 0..LANGUAGES.len()).prop_map(|(document, language)| Op::SetLanguage { document, language }),
    ]
}

#[derive(Default)]
struct Model {
    actors: BTreeMap<ActorId, Actor>,
    places: BTreeMap<PlaceId, Place>,
    meetings: BTreeMap<MeetingId, Meeting>,
    relations: Vec<Relation>,
    documents: BTreeMap<DocumentId, Document>,
}

/// Words of `WORDS` as a text; at least one, so that a title is never empty.
fn text(words: &[usize]) -> String {
    let text: Vec<&str> = words.iter().map(|&w| WORDS[w]).collect();
    if text.is_empty() {
        "paix".to_string()
    } else {
        text.join(" ")
    }
}

fn pick<K: Copy, V>(map: &BTreeMap<K, V>, i: usize) -> Option<K> {
    map.keys().nth(i.checked_rem(map.len())?).copied()
}

fn date(d: Option<(u16, u8)>) -> Option<DateSpan> {
    let (n, precision) = d?;
    let (year, month, day) = (
        2024 + (n / 200) as i16,
        1 + (n % 12) as u8,
        1 + (n % 28) as u8,
    );
    Some(match precision {
        0 => DateSpan::day(year, month, day).unwrap(),
        1 => DateSpan::month(year, month).unwrap(),
        _ => DateSpan::year(year).unwrap(),
    })
}

impl Model {
    fn participants(&self, people: &[(usize, Option<usize>)]) -> Vec<Participant> {
        let mut out: Vec<Participant> = Vec::new();
        for &(who, side) in people {
            let Some(actor) = pick(&self.actors, who) else {
                continue;
            };
            if out.iter().any(|p| p.actor == actor) {
                continue;
            }
            let mut p = Participant::new(actor);
            p.side = side.and_then(|s| pick(&self.actors, s));
            out.push(p);
        }
        out
    }

    /// The sources to give a record: none while there is no document.
    fn sources(&self, sources: &Sources) -> Vec<SourceRef> {
        sources
            .iter()
            .filter_map(|(document, words)| {
                Some(SourceRef::new(
                    pick(&self.documents, *document)?,
                    text(words),
                ))
            })
            .collect()
    }

    fn actor_in_use(&self, id: ActorId) -> bool {
        self.meetings.values().any(|m| {
            m.participants
                .iter()
                .any(|p| p.actor == id || p.side == Some(id))
        }) || self
            .relations
            .iter()
            .any(|r| r.subject == id || r.object == id)
            || self.actors.values().any(|a| a.affiliation == Some(id))
    }

    fn place_in_use(&self, id: PlaceId) -> bool {
        self.meetings.values().any(|m| m.place == Some(id))
            || self.places.values().any(|p| p.parent == Some(id))
    }

    fn inside(&self, place: PlaceId) -> Vec<PlaceId> {
        let mut found = vec![place];
        let mut i = 0;
        while i < found.len() {
            let parent = found[i];
            found.extend(
                self.places
                    .iter()
                    .filter(|(_, p)| p.parent == Some(parent))
                    .map(|(id, _)| *id),
            );
            i += 1;
        }
        found
    }

    /// Meetings in date order: first day, then id; undated last.
    fn in_date_order(&self, keep: impl Fn(&Meeting) -> bool) -> Vec<MeetingId> {
        let mut ids: Vec<(Option<i32>, MeetingId)> = self
            .meetings
            .iter()
            .filter(|(_, m)| keep(m))
            .map(|(id, m)| (m.date.map(|d| d.first_day().0), *id))
            .collect();
        ids.sort_by_key(|(day, id)| (day.is_none(), *day, *id));
        ids.into_iter().map(|(_, id)| id).collect()
    }
}

fn apply(db: &Database, model: &mut Model, op: Op) {
    match op {
        Op::AddActor {
            name,
            alias,
            affiliation,
        } => {
            let mut actor = Actor::new(ActorKind::Person, NAMES[name]);
            actor.aliases.extend(alias.map(|a| NAMES[a].to_string()));
            actor.affiliation = affiliation.and_then(|a| pick(&model.actors, a));
            let id = db.add(actor.clone()).unwrap();
            actor.handle = format!("a{}", id.get());
            model.actors.insert(id, actor);
        }
        Op::RenameActor { actor, alias } => {
            let Some(id) = pick(&model.actors, actor) else {
                return;
            };
            let mut record = model.actors[&id].clone();
            record.aliases = alias.map(|a| NAMES[a].to_string()).into_iter().collect();
            db.update(id, record.clone()).unwrap();
            model.actors.insert(id, record);
        }
        Op::DeleteActor { actor } => {
            let Some(id) = pick(&model.actors, actor) else {
                return;
            };
            match db.delete(id) {
                Ok(()) => {
                    assert!(!model.actor_in_use(id), "deleted an actor still in use");
                    model.actors.remove(&id);
                }
                Err(Error::InUse { .. }) => {
                    assert!(model.actor_in_use(id), "refused to delete an unused actor")
                }
                Err(e) => panic!("{e}"),
            }
        }
        Op::AddPlace { parent } => {
            let mut place = Place::new(PlaceKind::City, "Miami");
            place.parent = parent.and_then(|p| pick(&model.places, p));
            let id = db.add(place.clone()).unwrap();
            place.handle = format!("p{}", id.get());
            model.places.insert(id, place);
        }
        Op::DeletePlace { place } => {
            let Some(id) = pick(&model.places, place) else {
                return;
            };
            match db.delete(id) {
                Ok(()) => {
                    assert!(!model.place_in_use(id));
                    model.places.remove(&id);
                }
                Err(Error::InUse { .. }) => assert!(model.place_in_use(id)),
                Err(e) => panic!("{e}"),
            }
        }
        Op::AddMeeting {
            people,
            place,
            date: d,
            status,
            summary,
            sources,
        } => {
            let mut meeting = Meeting::new("talks");
            meeting.summary = summary.map(|words| text(&words));
            meeting.sources = model.sources(&sources);
            meeting.participants = model.participants(&people);
            meeting.place = place.and_then(|p| pick(&model.places, p));
            meeting.date = date(d);
            meeting.status = Status::ALL[status];
            let id = db.add(meeting.clone()).unwrap();
            meeting.handle = format!("m{}", id.get());
            model.meetings.insert(id, meeting);
        }
        Op::CorrectMeeting {
            meeting,
            people,
            place,
            date: d,
            summary,
            sources,
        } => {
            let Some(id) = pick(&model.meetings, meeting) else {
                return;
            };
            let mut record = model.meetings[&id].clone();
            record.summary = summary.map(|words| text(&words));
            record.sources = model.sources(&sources);
            record.participants = model.participants(&people);
            record.place = place.and_then(|p| pick(&model.places, p));
            record.date = date(d);
            db.update(id, record.clone()).unwrap();
            model.meetings.insert(id, record);
        }
        Op::DeleteMeeting { meeting } => {
            let Some(id) = pick(&model.meetings, meeting) else {
                return;
            };
            db.delete(id).unwrap();
            model.meetings.remove(&id);
        }
        Op::AddDocument { title, language } => {
            let mut document = Document::new("", text(&title));
            document.language = LANGUAGES[language].map(str::to_string);
            let id = db.add(document.clone()).unwrap();
            document.handle = format!("d{}", id.get());
            model.documents.insert(id, document);
        }
        Op::SetLanguage { document, language } => {
            let Some(id) = pick(&model.documents, document) else {
                return;
            };
            let mut record = model.documents[&id].clone();
            record.language = LANGUAGES[language].map(str::to_string);
            db.update(id, record.clone()).unwrap();
            model.documents.insert(id, record);
        }
        Op::AddRelation {
            subject,
            object,
            sources,
        } => {
            let (Some(s), Some(o)) = (pick(&model.actors, subject), pick(&model.actors, object))
            else {
                return;
            };
            if s == o {
                return;
            }
            let mut relation = Relation::new(s, "envoy_of", o);
            relation.sources = model.sources(&sources);
            db.add(relation.clone()).unwrap();
            model.relations.push(relation);
        }
    }
}

fn agree(db: &Database, model: &Model) {
    let report = db.check().unwrap();
    assert!(report.is_clean(), "{report}");
    let actors: BTreeMap<_, _> = db.all::<Actor>().unwrap().into_iter().collect();
    assert_eq!(actors, model.actors);
    let places: BTreeMap<_, _> = db.all::<Place>().unwrap().into_iter().collect();
    assert_eq!(places, model.places);
    let meetings: BTreeMap<_, _> = db.all::<Meeting>().unwrap().into_iter().collect();
    assert_eq!(meetings, model.meetings);
    assert_eq!(
        db.stats().unwrap().relations as usize,
        model.relations.len()
    );
    let documents: BTreeMap<_, _> = db.all::<Document>().unwrap().into_iter().collect();
    assert_eq!(documents, model.documents);
    let memory = db.memory_copy().unwrap();
    for words in SEARCHES {
        let question = format!("quotes matching '{words}'");
        assert_eq!(
            db.query(&question).unwrap(),
            memory.query(&question).unwrap(),
            "{question}"
        );
    }
    for &id in model.actors.keys() {
        let want = model.in_date_order(|m| m.participant(id).is_some());
        assert_eq!(db.meetings_of(id, None).unwrap(), want);
        let during: DateSpan = "2024".parse().unwrap();
        let want = model.in_date_order(|m| {
            m.participant(id).is_some() && m.date.is_some_and(|d| d.within(&during))
        });
        assert_eq!(db.meetings_of(id, Some(&during)).unwrap(), want);
    }
    for &id in model.places.keys() {
        let inside = model.inside(id);
        let want = model.in_date_order(|m| m.place.is_some_and(|p| inside.contains(&p)));
        assert_eq!(db.meetings_in(id, None).unwrap(), want);
    }
    for name in NAMES {
        let want: Vec<ActorId> = model
            .actors
            .iter()
            .filter(|(_, a)| a.names().any(|n| fold_name(n) == fold_name(name)))
            .map(|(id, _)| *id)
            .collect();
        assert_eq!(db.find_actors(name).unwrap(), want);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn random_writes_agree_with_a_model(ops in proptest::collection::vec(op(), 1..60)) {
        let db = Database::temporary().unwrap();
        let mut model = Model::default();
        for (i, op) in ops.into_iter().enumerate() {
            apply(&db, &mut model, op);
            if i % 10 == 0 {
                agree(&db, &model);
            }
        }
        agree(&db, &model);
    }
}
