//! A thin layer over quick-xml's writer for the two XML formats: elements with attributes and
//! text, every value escaped by quick-xml, written to the export's new file as they come.

use std::io::Write;

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use crate::error::Result;

use super::files::NewFile;

/// An XML document being written into a new file.
pub(super) struct Xml {
    writer: Writer<NewFile>,
}

impl Xml {
    /// A document in `file`, begun with its XML declaration.
    pub(super) fn new(file: NewFile) -> Result<Xml> {
        let mut x = Xml {
            writer: Writer::new_with_indent(file, b' ', 2),
        };
        let declaration = Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None));
        x.event(declaration)?;
        Ok(x)
    }

    fn event(&mut self, event: Event<'_>) -> Result<()> {
        self.writer
            .write_event(event)
            .map_err(|e| self.writer.get_ref().failed(e))
    }

    fn element<'a>(name: &'a str, attributes: &[(&'a str, &'a str)]) -> BytesStart<'a> {
        BytesStart::new(name).with_attributes(attributes.iter().copied())
    }

    /// Opens `<name attributes…>`.
    pub(super) fn open(&mut self, name: &str, attributes: &[(&str, &str)]) -> Result<()> {
        self.event(Event::Start(Self::element(name, attributes)))
    }

    /// Closes `</name>`.
    pub(super) fn close(&mut self, name: &str) -> Result<()> {
        self.event(Event::End(BytesEnd::new(name)))
    }

    /// Writes `<name attributes…/>`.
    pub(super) fn empty(&mut self, name: &str, attributes: &[(&str, &str)]) -> Result<()> {
        self.event(Event::Empty(Self::element(name, attributes)))
    }

    /// Writes `<name attributes…>text</name>`.
    pub(super) fn text(
        &mut self,
        name: &str,
        attributes: &[(&str, &str)],
        text: &str,
    ) -> Result<()> {
        self.open(name, attributes)?;
        self.event(Event::Text(BytesText::new(text)))?;
        self.close(name)
    }

    /// Ends the document with a line break and puts its file on disk.
    pub(super) fn finish(self) -> Result<()> {
        let mut file = self.writer.into_inner();
        file.write_all(b"\n").map_err(|e| file.failed(e))?;
        file.finish()
    }
}
