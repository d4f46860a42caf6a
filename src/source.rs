//! Source files as read from disk, and byte spans into them.
//!
//! Every diagnostic points into a `SourceFile` by byte range; line and column are
//! derived only when a diagnostic is reported.

use std::ops::Range;
use std::path::PathBuf;

/// Index of a file in [`Sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A byte range in a source file.
pub type Span = Range<usize>;

/// A value together with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Sp<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Sp<T> {
    pub fn new(value: T, span: Span) -> Self {
        Sp { value, span }
    }
}

impl<T> std::ops::Deref for Sp<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

#[derive(Debug)]
pub struct SourceFile {
    /// Path relative to the data folder, with `/` separators.
    pub rel_path: String,
    pub abs_path: PathBuf,
    /// The file's text; empty when it could not be read as UTF-8.
    pub text: String,
}

impl SourceFile {
    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let before = &self.text[..offset];
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }

    /// The byte range of the whole line containing `offset` (without the newline).
    pub fn line_range(&self, offset: usize) -> Range<usize> {
        let offset = floor_char_boundary(&self.text, offset.min(self.text.len()));
        let start = self.text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let end = self.text[offset..]
            .find('\n')
            .map_or(self.text.len(), |i| offset + i);
        start..end
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// All files of a data repository, in the order they were found.
#[derive(Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() as u32 - 1)
    }

    /// The file read again (`serve`).
    pub fn replace(&mut self, id: FileId, file: SourceFile) {
        self.files[id.0 as usize] = file;
    }

    /// A file that is gone keeps its id (records point at files by id) but
    /// loses its path and text: nothing points at it any more.
    pub fn remove(&mut self, id: FileId) {
        let f = &mut self.files[id.0 as usize];
        f.rel_path.clear();
        f.text.clear();
    }

    /// Frees the text of every file but those `keep` names.
    pub fn release_texts(&mut self, keep: impl Fn(FileId) -> bool) {
        for (i, f) in self.files.iter_mut().enumerate() {
            if !keep(FileId(i as u32)) {
                f.text = String::new();
            }
        }
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile {
            rel_path: "x.toml".into(),
            abs_path: "x.toml".into(),
            text: text.into(),
        }
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let f = file("a = 1\nname = \"李四\" x\n");
        let off = f.text.find(" x").unwrap() + 1;
        assert_eq!(f.line_col(off), (2, 13));
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_range(off), 6..f.text.len() - 1);
    }
}
