//! `dump`: a script that recreates the database, record for record.
//!
//! Records are written in an order that defines everything before it is referred to:
//! documents, places (parents first), actors (affiliations first), relations, meetings. Every
//! reference is written as a `#handle`, every name as a quoted string, so the script does not
//! depend on how names resolve.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::model::{
    Actor, Certainty, DateSpan, Document, Id, Meeting, Place, Record, Relation, SourceRef,
};
use crate::storage::Reader;
use crate::syntax::lexical::{quote, word_or_quoted};

/// Every statement of the dump, in order, each ending with `;`.
pub(crate) fn dump(reader: &Reader<'_>) -> Result<Vec<String>> {
    let records = Records {
        documents: reader.all().collect::<Result<_>>()?,
        places: reader.all().collect::<Result<_>>()?,
        actors: reader.all().collect::<Result<_>>()?,
        relations: reader.all().collect::<Result<_>>()?,
        meetings: reader.all().collect::<Result<_>>()?,
    };
    let mut out = Vec::new();
    records.documents(&mut out);
    records.places(&mut out);
    records.actors(&mut out);
    records.relations(&mut out);
    records.meetings(&mut out);
    Ok(out)
}

/// Every record of the database, as the dump writes them.
struct Records {
    documents: BTreeMap<Id<Document>, Document>,
    places: BTreeMap<Id<Place>, Place>,
    actors: BTreeMap<Id<Actor>, Actor>,
    relations: Vec<(Id<Relation>, Relation)>,
    meetings: Vec<(Id<Meeting>, Meeting)>,
}

fn handle(h: &str) -> String {
    format!("#{h}")
}

impl Records {
    fn place_ref(&self, id: &Id<Place>) -> String {
        self.places
            .get(id)
            .map_or_else(|| format!("#missing-{}", id.get()), |p| handle(&p.handle))
    }

    fn actor_ref(&self, id: &Id<Actor>) -> String {
        self.actors
            .get(id)
            .map_or_else(|| format!("#missing-{}", id.get()), |a| handle(&a.handle))
    }

    /// The `source` clauses of a relation or meeting.
    fn sources(&self, out: &mut String, sources: &[SourceRef]) {
        for s in sources {
            let doc = self
                .documents
                .get(&s.document)
                .map(|d| handle(&d.handle))
                .unwrap_or_default();
            let _ = write!(out, "\n  source {doc} {}", quote(&s.quote));
            if let Some(status) = s.says_status {
                let _ = write!(out, " says {status}");
            }
            if let Some(date) = s.says_date {
                let _ = write!(out, " says {date}");
            }
        }
    }

    fn documents(&self, out: &mut Vec<String>) {
        for d in self.documents.values() {
            let mut s = format!(
                "add document {} title {}",
                handle(&d.handle),
                quote(&d.title)
            );
            let fields = [
                ("outlet", &d.outlet),
                ("language", &d.language),
                ("url", &d.url),
                ("file", &d.file),
            ];
            for (keyword, value) in fields {
                if let Some(v) = value {
                    let _ = write!(s, " {keyword} {}", quote(v));
                }
            }
            if let Some(date) = d.published {
                let _ = write!(s, " published {date}");
            }
            out.push(s + ";");
        }
    }

    fn places(&self, out: &mut Vec<String>) {
        let order = parents_first(self.places.keys().copied(), |id| {
            self.places.get(id).and_then(|p| p.parent)
        });
        for p in order.iter().filter_map(|id| self.places.get(id)) {
            let mut s = format!(
                "add place {} {} kind {}",
                handle(&p.handle),
                quote(&p.name),
                p.kind
            );
            if let Some(parent) = &p.parent {
                let _ = write!(s, " in {}", self.place_ref(parent));
            }
            aliases(&mut s, &p.aliases);
            out.push(s + ";");
        }
    }

    fn actors(&self, out: &mut Vec<String>) {
        let mut deferred = Vec::new();
        let order = parents_first(self.actors.keys().copied(), |id| {
            self.actors.get(id).and_then(|a| a.affiliation)
        });
        let mut defined = HashSet::new();
        for (id, a) in order
            .iter()
            .filter_map(|id| Some((*id, self.actors.get(id)?)))
        {
            let mut s = format!(
                "add actor {} {} kind {}",
                handle(&a.handle),
                quote(&a.name),
                a.kind
            );
            aliases(&mut s, &a.aliases);
            match &a.affiliation {
                // An affiliation cycle (A of B, B of A) cannot be written in order: set it
                // afterwards.
                Some(aff) if !defined.contains(aff) => deferred.push(format!(
                    "set actor {} affiliation {};",
                    handle(&a.handle),
                    self.actor_ref(aff)
                )),
                Some(aff) => {
                    let _ = write!(s, " affiliation {}", self.actor_ref(aff));
                }
                None => {}
            }
            for t in &a.titles {
                let _ = write!(s, " title {}{}", quote(&t.text), during(t.during));
            }
            defined.insert(id);
            out.push(s + ";");
        }
        out.extend(deferred);
    }

    fn relations(&self, out: &mut Vec<String>) {
        for (_, r) in &self.relations {
            let mut s = format!(
                "add relation {} {} {} {}{}",
                handle(&r.handle),
                self.actor_ref(&r.subject),
                word_or_quoted(&r.predicate),
                self.actor_ref(&r.object),
                during(r.during)
            );
            self.sources(&mut s, &r.sources);
            out.push(s + ";");
        }
    }

    fn meetings(&self, out: &mut Vec<String>) {
        for (_, m) in &self.meetings {
            let mut s = format!(
                "add meeting {} kind {}",
                handle(&m.handle),
                word_or_quoted(&m.kind)
            );
            if let Some(date) = m.date {
                let _ = write!(s, " on {date}");
            }
            if let Some(place) = &m.place {
                let _ = write!(s, " in {}", self.place_ref(place));
            }
            let _ = write!(s, " status {}", m.status);
            for p in &m.participants {
                let _ = write!(s, "\n  with {}", self.actor_ref(&p.actor));
                if let Some(side) = &p.side {
                    let _ = write!(s, " side {}", self.actor_ref(side));
                }
                if let Some(role) = &p.role {
                    let _ = write!(s, " role {}", word_or_quoted(role));
                }
                if p.certainty != Certainty::Confirmed {
                    let _ = write!(s, " certainty {}", p.certainty);
                }
            }
            if let Some(summary) = &m.summary {
                let _ = write!(s, "\n  summary {}", quote(summary));
            }
            self.sources(&mut s, &m.sources);
            out.push(s + ";");
        }
    }
}

/// Writes the dump's statements to `path`, never through a symbolic link and never inside the
/// directory of the open database (`database`), whose files a dump must not clobber.
///
/// Without `replace`, an existing file is refused (the file is created exclusively, so a link
/// or a file that appears meanwhile is refused too). With it, the text goes to a new file beside
/// the target, renamed over it once complete: a failure leaves the old file whole.
pub(crate) fn write_file(
    statements: &[String],
    path: &Path,
    replace: bool,
    database: Option<&Path>,
) -> Result<()> {
    let shown = path.display();
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let folder = folder.canonicalize().map_err(|e| {
        Error::Invalid(format!(
            "cannot write the dump to '{shown}': its folder '{}' cannot be opened: {e}",
            folder.display()
        ))
    })?;
    if let Some(database) = database.and_then(|d| d.canonicalize().ok()) {
        if folder.starts_with(&database) {
            return Err(Error::Invalid(format!(
                "cannot write the dump to '{shown}': it is inside the open database's \
                 directory '{}', whose files it could destroy; write it elsewhere",
                database.display()
            )));
        }
    }
    let mut text = statements.join("\n");
    text.push('\n');
    let failed = |e: io::Error| Error::Invalid(format!("cannot write the dump to '{shown}': {e}"));
    if !replace {
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|e| match e.kind() {
                io::ErrorKind::AlreadyExists if is_link(path) => link_refused(path),
                io::ErrorKind::AlreadyExists => Error::Invalid(format!(
                    "'{shown}' already exists; write `dump {} replace;` to overwrite it",
                    quote(&path.to_string_lossy())
                )),
                _ => failed(e),
            })?;
        return fill(file, &text).map_err(|e| {
            // A dump cut short would read as a smaller database: leave none.
            let _ = fs::remove_file(path);
            failed(e)
        });
    }
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => return Err(link_refused(path)),
        Ok(meta) if meta.is_dir() => {
            return Err(Error::Invalid(format!(
                "cannot write the dump to '{shown}': it is a directory"
            )))
        }
        _ => {}
    }
    let (file, temporary) = temporary_beside(&folder, path).map_err(failed)?;
    let written = fill(file, &text).and_then(|()| fs::rename(&temporary, path));
    written.map_err(|e| {
        let _ = fs::remove_file(&temporary);
        failed(e)
    })
}

fn is_link(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

fn link_refused(path: &Path) -> Error {
    Error::Invalid(format!(
        "cannot write the dump to '{}': it is a symbolic link, which dump does not follow; \
         name the file itself",
        path.display()
    ))
}

/// Writes `text` to `file` and waits until it is on disk.
fn fill(mut file: File, text: &str) -> io::Result<()> {
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// A new file in `folder`, named after `target`, created exclusively.
fn temporary_beside(folder: &Path, target: &Path) -> io::Result<(File, PathBuf)> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut attempt = 0;
    loop {
        let candidate = folder.join(format!(".{name}.{}.{attempt}.tmp", std::process::id()));
        match OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(file) => return Ok((file, candidate)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
            Err(e) => return Err(e),
        }
    }
}

fn during(span: Option<DateSpan>) -> String {
    span.map(|d| format!(" during {d}")).unwrap_or_default()
}

fn aliases(s: &mut String, aliases: &[String]) {
    if !aliases.is_empty() {
        let quoted: Vec<String> = aliases.iter().map(|a| quote(a)).collect();
        let _ = write!(s, " aka {}", quoted.join(", "));
    }
}

/// Ids ordered so that each comes after its parent where possible (ids in a cycle keep their
/// id order after everything else).
fn parents_first<R: Record>(
    ids: impl Iterator<Item = Id<R>>,
    parent: impl Fn(&Id<R>) -> Option<Id<R>>,
) -> Vec<Id<R>> {
    let ids: Vec<Id<R>> = ids.collect();
    let known: HashSet<Id<R>> = ids.iter().copied().collect();
    let mut placed: HashSet<Id<R>> = HashSet::new();
    let mut order = Vec::with_capacity(ids.len());
    let mut progress = true;
    while progress {
        progress = false;
        for id in &ids {
            let ready = parent(id).is_none_or(|p| placed.contains(&p) || !known.contains(&p));
            if !placed.contains(id) && ready {
                placed.insert(*id);
                order.push(*id);
                progress = true;
            }
        }
    }
    order.extend(ids.iter().filter(|id| !placed.contains(id)));
    order
}
