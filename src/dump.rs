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
    let mut out = Vec::new();
    each_statement(reader, &mut |statement| {
        out.push(statement);
        Ok(())
    })?;
    Ok(out)
}

/// Hands `visit` every statement of the dump, in order. Documents, places and actors are held
/// while it runs, since statements name them by handle; relations and meetings, most of a
/// database, are read and written one at a time.
fn each_statement(reader: &Reader<'_>, visit: &mut dyn FnMut(String) -> Result<()>) -> Result<()> {
    let records = Records {
        documents: reader.all().collect::<Result<_>>()?,
        places: reader.all().collect::<Result<_>>()?,
        actors: reader.all().collect::<Result<_>>()?,
    };
    records.documents(visit)?;
    records.places(visit)?;
    records.actors(visit)?;
    for relation in reader.all::<Relation>() {
        visit(records.relation(&relation?.1))?;
    }
    for meeting in reader.all::<Meeting>() {
        visit(records.meeting(&meeting?.1))?;
    }
    Ok(())
}

/// The records that statements refer to by handle.
struct Records {
    documents: BTreeMap<Id<Document>, Document>,
    places: BTreeMap<Id<Place>, Place>,
    actors: BTreeMap<Id<Actor>, Actor>,
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

    fn documents(&self, visit: &mut dyn FnMut(String) -> Result<()>) -> Result<()> {
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
            visit(s + ";")?;
        }
        Ok(())
    }

    fn places(&self, visit: &mut dyn FnMut(String) -> Result<()>) -> Result<()> {
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
            visit(s + ";")?;
        }
        Ok(())
    }

    fn actors(&self, visit: &mut dyn FnMut(String) -> Result<()>) -> Result<()> {
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
            visit(s + ";")?;
        }
        deferred.into_iter().try_for_each(visit)
    }

    fn relation(&self, r: &Relation) -> String {
        let mut s = format!(
            "add relation {} {} {} {}{}",
            handle(&r.handle),
            self.actor_ref(&r.subject),
            word_or_quoted(&r.predicate),
            self.actor_ref(&r.object),
            during(r.during)
        );
        self.sources(&mut s, &r.sources);
        s + ";"
    }

    fn meeting(&self, m: &Meeting) -> String {
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
        s + ";"
    }
}

/// Writes the dump to `path` as it is read, never through a symbolic link and never inside the
/// directory of the open database (`database`), whose files a dump must not clobber; how many
/// statements it wrote.
///
/// Without `replace`, an existing file is refused (the file is created exclusively, so a link
/// or a file that appears meanwhile is refused too). With it, the text goes to a new file beside
/// the target, renamed over it once complete: a failure leaves the old file whole.
pub(crate) fn write_file(
    reader: &Reader<'_>,
    path: &Path,
    replace: bool,
    database: Option<&Path>,
) -> Result<u64> {
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
        return fill(file, reader, &failed).inspect_err(|_| {
            // A dump cut short would read as a smaller database: leave none.
            let _ = fs::remove_file(path);
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
    let written = fill(file, reader, &failed).and_then(|count| {
        fs::rename(&temporary, path)
            .map_err(&failed)
            .map(|()| count)
    });
    written.inspect_err(|_| {
        let _ = fs::remove_file(&temporary);
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

/// Writes the dump to `file`, a statement a line, and waits until it is on disk; how many
/// statements it wrote. `failed` words an error of the file's.
fn fill(file: File, reader: &Reader<'_>, failed: &dyn Fn(io::Error) -> Error) -> Result<u64> {
    let mut out = io::BufWriter::new(file);
    let mut count = 0;
    each_statement(reader, &mut |statement| {
        count += 1;
        out.write_all(statement.as_bytes())
            .and_then(|()| out.write_all(b"\n"))
            .map_err(failed)
    })?;
    if count == 0 {
        // As an empty dump has always been written: one empty line.
        out.write_all(b"\n").map_err(failed)?;
    }
    let file = out.into_inner().map_err(|e| failed(e.into_error()))?;
    file.sync_all().map_err(failed)?;
    Ok(count)
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
