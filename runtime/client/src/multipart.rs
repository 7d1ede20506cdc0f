//! `multipart/form-data` bodies, kept as data so that a retry can send them again.

use bytes::Bytes;
use serde::Serialize;

/// One part of a multipart body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// A text field.
    Text(String),
    /// A file.
    File {
        /// Its contents.
        bytes: Bytes,
        /// Its file name, if any.
        file_name: Option<String>,
        /// Its media type, if known.
        content_type: Option<String>,
    },
}

/// A `multipart/form-data` body: named parts in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Multipart {
    /// The parts, in order.
    pub parts: Vec<(String, Part)>,
}

impl Multipart {
    /// An empty body.
    pub fn new() -> Self {
        Multipart::default()
    }

    /// Adds a text part.
    pub fn text(mut self, name: &str, value: impl Into<String>) -> Self {
        self.parts.push((name.to_owned(), Part::Text(value.into())));
        self
    }

    /// Adds a value as text: strings as they are, numbers and booleans as JSON text, arrays as
    /// one part per element, `null` as nothing, objects as JSON text.
    pub fn value(mut self, name: &str, value: &impl Serialize) -> Self {
        use serde_json::Value;
        let text = |v: Value| match v {
            Value::Null => None,
            Value::String(s) => Some(s),
            other => Some(other.to_string()),
        };
        match serde_json::to_value(value) {
            Ok(Value::Array(items)) => {
                for item in items.into_iter().filter_map(text) {
                    self.parts.push((name.to_owned(), Part::Text(item)));
                }
            }
            Ok(v) => {
                if let Some(t) = text(v) {
                    self.parts.push((name.to_owned(), Part::Text(t)));
                }
            }
            Err(e) => {
                // values of generated types always serialize; keep the error visible anyway
                self.parts
                    .push((name.to_owned(), Part::Text(e.to_string())));
            }
        }
        self
    }

    /// Adds a file part.
    pub fn file(
        mut self,
        name: &str,
        bytes: impl Into<Bytes>,
        file_name: Option<String>,
        content_type: Option<String>,
    ) -> Self {
        self.parts.push((
            name.to_owned(),
            Part::File {
                bytes: bytes.into(),
                file_name,
                content_type,
            },
        ));
        self
    }

    pub(crate) fn to_form(&self) -> Result<reqwest::multipart::Form, String> {
        let mut form = reqwest::multipart::Form::new();
        for (name, part) in &self.parts {
            form = match part {
                Part::Text(t) => form.text(name.clone(), t.clone()),
                Part::File {
                    bytes,
                    file_name,
                    content_type,
                } => {
                    let mut p = reqwest::multipart::Part::stream(bytes.clone());
                    if let Some(f) = file_name {
                        p = p.file_name(f.clone());
                    }
                    if let Some(ct) = content_type {
                        p = p
                            .mime_str(ct)
                            .map_err(|_| format!("part `{name}`: bad media type `{ct}`"))?;
                    } else {
                        p = p
                            .mime_str("application/octet-stream")
                            .map_err(|e| e.to_string())?;
                    }
                    form.part(name.clone(), p)
                }
            };
        }
        Ok(form)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_become_text_parts() {
        let m = Multipart::new()
            .value("n", &3)
            .value("tags", &vec!["a", "b"])
            .value("none", &None::<i32>)
            .file("f", vec![1u8, 2], Some("a.png".into()), None);
        let names: Vec<&str> = m.parts.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["n", "tags", "tags", "f"]);
        assert_eq!(m.parts[0].1, Part::Text("3".into()));
    }
}
