//! What the open database knows that an article can name, read through the query layer's
//! `Catalog` (its name index and records, read-only): the actors and places whose names can
//! start at one of the article's words, with each actor's side and each place's ancestors, and
//! the places this extraction proposes to add. Nothing else is read, so an extraction costs
//! the same against a database of ten thousand actors as against the demo.

use std::collections::{BTreeSet, HashMap};

use crate::error::Result;
use crate::model::{fold_name, Actor, ActorKind, Id, Place, PlaceKind, RecordKind};
use crate::query::Catalog;

/// How many affiliations are followed to find an actor's side: affiliations may loop, and a
/// country or group is found within a few steps or never.
const MOST_AFFILIATIONS: usize = 16;
/// How many parents are followed up from a place (the store refuses deeper trees).
const MOST_ANCESTORS: usize = 64;

/// An actor as extraction sees it.
#[derive(Clone, Debug)]
pub(crate) struct KnownActor {
    pub handle: String,
    /// Its canonical name.
    pub name: String,
    pub kind: ActorKind,
    /// Every name and alias, folded and cut into words.
    pub names: Vec<Vec<String>>,
    /// The party it sits with: itself for a country or a group, else its affiliation's side.
    pub side: Option<String>,
}

/// A place as extraction sees it.
#[derive(Clone, Debug)]
pub(crate) struct KnownPlace {
    /// Its handle; for a place the extraction proposes, its name (a script refers to it so).
    pub handle: String,
    /// Its canonical name.
    pub name: String,
    pub kind: PlaceKind,
    pub names: Vec<Vec<String>>,
    /// Its own handle, then its parent's, up to the top.
    pub ancestors: Vec<String>,
    /// Whether the extraction proposes it (`add place`), the database not having it.
    pub proposed: bool,
}

/// The records extraction resolves names against: only those it has read.
#[derive(Clone, Debug, Default)]
pub(crate) struct World {
    pub actors: Vec<KnownActor>,
    pub places: Vec<KnownPlace>,
    actor_at: HashMap<u64, usize>,
    place_at: HashMap<u64, usize>,
}

/// A name folded and cut into its words.
pub(crate) fn name_words(name: &str) -> Vec<String> {
    fold_name(name).split(' ').map(str::to_string).collect()
}

fn folded_names<'a>(names: impl Iterator<Item = &'a str>) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = names
        .map(name_words)
        .filter(|words: &Vec<String>| words.iter().any(|w| !w.is_empty()))
        .collect();
    out.sort();
    out.dedup();
    out
}

impl World {
    /// What the database knows of the names that can start at one of `words` (folded), and
    /// the actors named `parties` (the parties adjectives of nationality stand for).
    pub(crate) fn read<C: Catalog>(
        catalog: &C,
        words: &BTreeSet<String>,
        parties: &[String],
    ) -> Result<World> {
        let mut world = World::default();
        for word in words {
            for kind in [RecordKind::Actor, RecordKind::Place] {
                let mut ids = Vec::new();
                catalog.names_from_word(kind, word, &mut |entry| {
                    ids.push(entry.id);
                    Ok(())
                })?;
                for id in ids {
                    match kind {
                        RecordKind::Place => world.load_place(catalog, id, 0)?,
                        _ => world.load_actor(catalog, id)?,
                    }
                }
            }
        }
        for party in parties {
            world.load_named(catalog, party)?;
        }
        Ok(world)
    }

    /// Reads the actors named `name` (exactly, once folded).
    fn load_named<C: Catalog>(&mut self, catalog: &C, name: &str) -> Result<()> {
        for id in catalog.named(RecordKind::Actor, name)? {
            self.load_actor(catalog, id)?;
        }
        Ok(())
    }

    /// Reads actor `id` and works out its side, unless it is there already.
    pub(crate) fn load_actor<C: Catalog>(&mut self, catalog: &C, id: u64) -> Result<()> {
        if self.actor_at.contains_key(&id) {
            return Ok(());
        }
        let Some(actor) = catalog.record::<Actor>(Id::new(id))? else {
            return Ok(());
        };
        let mut side = None;
        let mut at = Some(actor.clone());
        for _ in 0..MOST_AFFILIATIONS {
            let Some(a) = at else { break };
            if matches!(a.kind, ActorKind::Country | ActorKind::Group) {
                side = Some(a.handle.clone());
                break;
            }
            at = match a.affiliation {
                Some(up) => catalog.record(up)?,
                None => None,
            };
        }
        self.actor_at.insert(id, self.actors.len());
        self.actors.push(KnownActor {
            handle: actor.handle.clone(),
            name: actor.name.clone(),
            kind: actor.kind,
            names: folded_names(actor.names()),
            side,
        });
        Ok(())
    }

    /// Reads place `id` and its ancestors (`depth` of them below it already read). A place at
    /// the top (a country) brings the actors of its names: a visit there meets that party.
    pub(crate) fn load_place<C: Catalog>(
        &mut self,
        catalog: &C,
        id: u64,
        depth: usize,
    ) -> Result<()> {
        if self.place_at.contains_key(&id) || depth > MOST_ANCESTORS {
            return Ok(());
        }
        let Some(place) = catalog.record::<Place>(Id::new(id))? else {
            return Ok(());
        };
        let mut ancestors = vec![place.handle.clone()];
        match place.parent {
            Some(parent) => {
                self.load_place(catalog, parent.get(), depth + 1)?;
                if let Some(&at) = self.place_at.get(&parent.get()) {
                    ancestors.extend(self.places[at].ancestors.iter().cloned());
                }
            }
            None => {
                for name in place.names() {
                    self.load_named(catalog, name)?;
                }
            }
        }
        self.place_at.insert(id, self.places.len());
        self.places.push(KnownPlace {
            handle: place.handle.clone(),
            name: place.name.clone(),
            kind: place.kind,
            names: folded_names(place.names()),
            ancestors,
            proposed: false,
        });
        Ok(())
    }

    /// Adds a place the database does not have, named `name`, inside the known place
    /// `parent`: the script proposes it, and the meetings held there use it. It is taken as
    /// a city ("à Sotchi, en Russie", "in Palm Beach, Florida"), or a site inside a city.
    pub(crate) fn propose_place(&mut self, name: &str, parent: &str) {
        if self.places.iter().any(|p| p.handle == name) {
            return;
        }
        let mut ancestors = vec![name.to_string()];
        let mut kind = PlaceKind::City;
        if let Some(up) = self.place(parent) {
            ancestors.extend(up.ancestors.iter().cloned());
            if matches!(up.kind, PlaceKind::City | PlaceKind::Site) {
                kind = PlaceKind::Site;
            }
        }
        self.places.push(KnownPlace {
            handle: name.to_string(),
            name: name.to_string(),
            kind,
            names: folded_names(std::iter::once(name)),
            ancestors,
            proposed: true,
        });
    }

    /// Gives actor `handle` one more name, as if it were an alias.
    pub(crate) fn add_name(&mut self, handle: &str, name: &str) {
        if let Some(actor) = self.actors.iter_mut().find(|a| a.handle == handle) {
            actor.names.push(name_words(name));
        }
    }

    /// The handle of actor `id`, once read.
    pub(crate) fn handle_of(&self, id: u64) -> Option<&str> {
        let at = *self.actor_at.get(&id)?;
        self.actors.get(at).map(|a| a.handle.as_str())
    }

    pub(crate) fn actor(&self, handle: &str) -> Option<&KnownActor> {
        self.actors.iter().find(|a| a.handle == handle)
    }

    /// The id of the actor with this handle, among those read.
    pub(crate) fn actor_id(&self, handle: &str) -> Option<u64> {
        self.actor_at
            .iter()
            .find(|(_, &at)| self.actors.get(at).is_some_and(|a| a.handle == handle))
            .map(|(id, _)| *id)
    }

    pub(crate) fn place(&self, handle: &str) -> Option<&KnownPlace> {
        // A place of the database first: a proposed place is named, not a handle.
        self.places
            .iter()
            .filter(|p| !p.proposed)
            .chain(self.places.iter().filter(|p| p.proposed))
            .find(|p| p.handle == handle)
    }

    /// The handle of place `id`, once read.
    pub(crate) fn place_handle_of(&self, id: u64) -> Option<&str> {
        let at = *self.place_at.get(&id)?;
        self.places.get(at).map(|p| p.handle.as_str())
    }

    /// The actor one name designates, when exactly one does.
    pub(crate) fn actor_named(&self, name: &str) -> Option<&KnownActor> {
        let words = name_words(name);
        let mut found = self.actors.iter().filter(|a| a.names.contains(&words));
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }

    /// Whether place `inner` is `outer` or lies inside it.
    pub(crate) fn inside(&self, inner: &str, outer: &str) -> bool {
        self.place(inner)
            .is_some_and(|p| p.ancestors.iter().any(|a| a == outer))
    }
}
