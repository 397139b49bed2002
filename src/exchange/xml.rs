//! A thin layer over quick-xml's writer for the two XML formats: elements with attributes and
//! text, every value escaped by quick-xml.

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use crate::error::{Error, Result};

/// An XML document being written into memory.
pub(super) struct Xml {
    writer: Writer<Vec<u8>>,
}

fn failed(e: std::io::Error) -> Error {
    // Writing into a Vec does not fail; if it ever does, it is ours to fix.
    Error::Internal(format!("writing XML into memory failed: {e}"))
}

impl Xml {
    /// A document with its XML declaration.
    pub(super) fn new() -> Result<Xml> {
        let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
        writer
            .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
            .map_err(failed)?;
        Ok(Xml { writer })
    }

    fn element<'a>(name: &'a str, attributes: &[(&'a str, &'a str)]) -> BytesStart<'a> {
        BytesStart::new(name).with_attributes(attributes.iter().copied())
    }

    /// Opens `<name attributes…>`.
    pub(super) fn open(&mut self, name: &str, attributes: &[(&str, &str)]) -> Result<()> {
        self.writer
            .write_event(Event::Start(Self::element(name, attributes)))
            .map_err(failed)
    }

    /// Closes `</name>`.
    pub(super) fn close(&mut self, name: &str) -> Result<()> {
        self.writer
            .write_event(Event::End(BytesEnd::new(name)))
            .map_err(failed)
    }

    /// Writes `<name attributes…/>`.
    pub(super) fn empty(&mut self, name: &str, attributes: &[(&str, &str)]) -> Result<()> {
        self.writer
            .write_event(Event::Empty(Self::element(name, attributes)))
            .map_err(failed)
    }

    /// Writes `<name attributes…>text</name>`.
    pub(super) fn text(
        &mut self,
        name: &str,
        attributes: &[(&str, &str)],
        text: &str,
    ) -> Result<()> {
        self.open(name, attributes)?;
        self.writer
            .write_event(Event::Text(BytesText::new(text)))
            .map_err(failed)?;
        self.close(name)
    }

    /// The document's bytes, ending with a line break.
    pub(super) fn finish(self) -> Vec<u8> {
        let mut bytes = self.writer.into_inner();
        bytes.push(b'\n');
        bytes
    }
}
