//! `multipart/form-data` bodies: every part read, then taken field by field by the generated
//! code that builds the operation's multipart struct.

use bytes::Bytes;
use serde::de::DeserializeOwned;

use crate::error::Errors;
use crate::params::{parse_items, parse_text, required};

/// A file (or any part) of a multipart body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormFile {
    /// The part's file name, if the sender gave one.
    pub file_name: Option<String>,
    /// The part's media type, if the sender gave one.
    pub content_type: Option<String>,
    /// The contents.
    pub bytes: Bytes,
}

#[derive(Clone, Debug)]
struct Part {
    name: String,
    file: FormFile,
}

/// The parts of a multipart body, by name.
#[derive(Clone, Debug, Default)]
pub struct Form {
    parts: Vec<Part>,
}

impl Form {
    /// Reads every part of `body`, delimited by `boundary`. `Err`: what is malformed.
    pub async fn parse(body: Bytes, boundary: String) -> Result<Form, String> {
        let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
        let mut multipart = multer::Multipart::new(stream, boundary);
        let mut parts = Vec::new();
        loop {
            let field = match multipart.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => break,
                Err(e) => return Err(format!("malformed multipart body: {e}")),
            };
            let Some(name) = field.name().map(str::to_owned) else {
                return Err("malformed multipart body: a part has no name".to_owned());
            };
            let file_name = field.file_name().map(str::to_owned);
            let content_type = field.content_type().map(ToString::to_string);
            let bytes = field
                .bytes()
                .await
                .map_err(|e| format!("malformed multipart body: {e}"))?;
            parts.push(Part {
                name,
                file: FormFile {
                    file_name,
                    content_type,
                    bytes,
                },
            });
        }
        Ok(Form { parts })
    }

    /// A form of these parts (name, file), for tests.
    pub fn from_parts(parts: impl IntoIterator<Item = (String, FormFile)>) -> Form {
        Form {
            parts: parts
                .into_iter()
                .map(|(name, file)| Part { name, file })
                .collect(),
        }
    }

    /// Every part called `name` (or `name[]`, as some clients send arrays).
    fn all(&self, name: &str) -> Vec<&FormFile> {
        let bracketed = format!("{name}[]");
        self.parts
            .iter()
            .filter(|p| p.name == name || p.name == bracketed)
            .map(|p| &p.file)
            .collect()
    }

    fn one(&self, name: &str, errors: &mut Errors) -> Result<Option<&FormFile>, ()> {
        let all = self.all(name);
        let first = all.first().copied();
        if all.len() > 1 {
            errors.add(name, "is given more than once");
            return Err(());
        }
        Ok(first)
    }

    fn text_of<'a>(name: &str, file: &'a FormFile, errors: &mut Errors) -> Option<&'a str> {
        match std::str::from_utf8(&file.bytes) {
            Ok(text) => Some(text),
            Err(_) => {
                errors.add(name, "is not UTF-8 text");
                None
            }
        }
    }

    /// A required file. `None`: a problem was recorded.
    pub fn file_required(&self, name: &str, errors: &mut Errors) -> Option<FormFile> {
        required(self.one(name, errors).ok()?.cloned(), name, errors)
    }

    /// An optional file: `Some(None)` when absent; `None`: a problem was recorded.
    pub fn file_optional(&self, name: &str, errors: &mut Errors) -> Option<Option<FormFile>> {
        self.one(name, errors).ok().map(|f| f.cloned())
    }

    /// Every file called `name`: `Some(None)` when there is none (never `None`).
    pub fn files_optional(&self, name: &str, errors: &mut Errors) -> Option<Option<Vec<FormFile>>> {
        let _ = errors;
        let files: Vec<FormFile> = self.all(name).into_iter().cloned().collect();
        Some((!files.is_empty()).then_some(files))
    }

    /// Every file called `name`, at least one. `None`: a problem was recorded.
    pub fn files_required(&self, name: &str, errors: &mut Errors) -> Option<Vec<FormFile>> {
        required(self.files_optional(name, errors)?, name, errors)
    }

    /// An optional text field parsed as `T`: `Some(None)` when absent; `None`: a problem was
    /// recorded.
    pub fn text_optional<T: DeserializeOwned>(
        &self,
        name: &str,
        errors: &mut Errors,
    ) -> Option<Option<T>> {
        let Some(file) = self.one(name, errors).ok()? else {
            return Some(None);
        };
        let text = Self::text_of(name, file, errors)?;
        match parse_text(text) {
            Ok(v) => Some(Some(v)),
            Err(e) => {
                errors.add(name, e.to_string());
                None
            }
        }
    }

    /// A required text field parsed as `T`. `None`: a problem was recorded.
    pub fn text_required<T: DeserializeOwned>(&self, name: &str, errors: &mut Errors) -> Option<T> {
        required(self.text_optional(name, errors)?, name, errors)
    }

    /// Every text field called `name`, each parsed as `T`: `Some(None)` when there is none;
    /// `None`: a problem was recorded.
    pub fn text_array_optional<T: DeserializeOwned>(
        &self,
        name: &str,
        errors: &mut Errors,
    ) -> Option<Option<Vec<T>>> {
        let mut texts = Vec::new();
        for file in self.all(name) {
            texts.push(Self::text_of(name, file, errors)?);
        }
        if texts.is_empty() {
            return Some(None);
        }
        parse_items(name, &texts, errors).map(Some)
    }

    /// Every text field called `name`, at least one, each parsed as `T`. `None`: a problem was
    /// recorded.
    pub fn text_array_required<T: DeserializeOwned>(
        &self,
        name: &str,
        errors: &mut Errors,
    ) -> Option<Vec<T>> {
        required(self.text_array_optional(name, errors)?, name, errors)
    }

    /// An optional field holding JSON (an object, a union): `Some(None)` when absent; `None`: a
    /// problem was recorded.
    pub fn json_optional<T: DeserializeOwned>(
        &self,
        name: &str,
        errors: &mut Errors,
    ) -> Option<Option<T>> {
        let Some(file) = self.one(name, errors).ok()? else {
            return Some(None);
        };
        let mut de = serde_json::Deserializer::from_slice(&file.bytes);
        match serde_path_to_error::deserialize(&mut de) {
            Ok(v) => Some(Some(v)),
            Err(e) => {
                crate::params::record_nested(name, e, errors);
                None
            }
        }
    }

    /// Every field called `name`, each holding JSON (an array of objects is sent one part per
    /// item): `Some(None)` when there is none; `None`: a problem was recorded.
    pub fn json_array_optional<T: DeserializeOwned>(
        &self,
        name: &str,
        errors: &mut Errors,
    ) -> Option<Option<Vec<T>>> {
        let all = self.all(name);
        if all.is_empty() {
            return Some(None);
        }
        let mut out = Vec::with_capacity(all.len());
        let mut ok = true;
        for (i, file) in all.into_iter().enumerate() {
            match serde_json::from_slice(&file.bytes) {
                Ok(v) => out.push(v),
                Err(e) => {
                    errors.add(format!("{name}[{i}]"), e.to_string());
                    ok = false;
                }
            }
        }
        ok.then_some(Some(out))
    }

    /// Every field called `name`, at least one, each holding JSON. `None`: a problem was
    /// recorded.
    pub fn json_array_required<T: DeserializeOwned>(
        &self,
        name: &str,
        errors: &mut Errors,
    ) -> Option<Vec<T>> {
        required(self.json_array_optional(name, errors)?, name, errors)
    }

    /// A required field holding JSON. `None`: a problem was recorded.
    pub fn json_required<T: DeserializeOwned>(&self, name: &str, errors: &mut Errors) -> Option<T> {
        required(self.json_optional(name, errors)?, name, errors)
    }
}

/// The `default` of a field (JSON text from the spec) as a `T`; records a problem under `name`
/// when it does not parse (then the field is, in effect, required).
pub fn default_value<T: DeserializeOwned>(
    json: &str,
    name: &str,
    errors: &mut Errors,
) -> Option<T> {
    match serde_json::from_str(json) {
        Ok(v) => Some(v),
        Err(_) => {
            errors.add(name, "is required");
            None
        }
    }
}
