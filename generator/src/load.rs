//! Loading: read a spec (YAML or JSON), bundle relative-file `$ref`s into one document, and
//! deserialize it as OpenAPI 3.0 with errors that name the JSON pointer.
//!
//! Bundling rule: a reference to `other.yaml#/components/<kind>/<Name>` becomes
//! `#/components/<kind>/<Name>` of the root document, with the target copied there; a reference
//! to a whole file (`schemas/cart.yaml`) in a schema position becomes a component schema named
//! after the file's stem; any other external reference is inlined. Two different targets that
//! would get the same component name are an error.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::{Error, Result};
use crate::pointer;

/// A loaded spec: the bundled document and the files it came from.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// The bundled document as JSON, every `$ref` local.
    pub raw: Value,
    /// The typed OpenAPI document.
    pub openapi: openapiv3::OpenAPI,
    /// Every file read, root first.
    pub files: Vec<PathBuf>,
    /// What [`crate::repair`] repaired.
    pub warnings: Vec<crate::error::Warning>,
}

/// Reads, bundles and deserializes the spec at `path`.
pub fn load(path: &Path) -> Result<LoadedSpec> {
    let mut bundler = Bundler::default();
    let root = bundler.read(path)?;
    let mut doc = root.clone();
    bundler.rewrite(&mut doc, path, "#")?;
    for (kind, name, value) in std::mem::take(&mut bundler.hoisted) {
        let components = doc
            .as_object_mut()
            .ok_or_else(|| parse_error(path, "#", "the document is not an object"))?
            .entry("components")
            .or_insert_with(|| Value::Object(Default::default()));
        let section = components
            .as_object_mut()
            .ok_or_else(|| parse_error(path, "#/components", "not an object"))?
            .entry(kind.clone())
            .or_insert_with(|| Value::Object(Default::default()));
        let section = section
            .as_object_mut()
            .ok_or_else(|| parse_error(path, &format!("#/components/{kind}"), "not an object"))?;
        match section.get(&name) {
            Some(existing) if *existing != value => {
                return Err(Error::invalid(
                    &format!("#/components/{kind}/{}", pointer::escape(&name)),
                    "two different referenced definitions would share this component name",
                ))
            }
            _ => {
                section.insert(name, value);
            }
        }
    }
    let warnings = crate::repair::repair(&mut doc);
    let openapi = parse_openapi(&doc, path)?;
    Ok(LoadedSpec {
        raw: doc,
        openapi,
        files: bundler.order,
        warnings,
    })
}

/// A spec given as text (YAML or JSON) with only local `$ref`s, as if read from `name`.
pub fn parse_str(text: &str, name: &Path) -> Result<LoadedSpec> {
    let mut raw: Value =
        serde_yaml::from_str(text).map_err(|e| parse_error(name, "#", &e.to_string()))?;
    let warnings = crate::repair::repair(&mut raw);
    let openapi = parse_openapi(&raw, name)?;
    Ok(LoadedSpec {
        raw,
        openapi,
        files: vec![name.to_owned()],
        warnings,
    })
}

/// Deserializes an OpenAPI 3.0 document; the error names the pointer of the offending node.
pub fn parse_openapi(doc: &Value, file: &Path) -> Result<openapiv3::OpenAPI> {
    match doc.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") => {}
        Some(v) => {
            return Err(Error::unsupported(
                "#/openapi",
                format!("OpenAPI version {v}; this generator reads OpenAPI 3.0.x"),
            ))
        }
        None => {
            return Err(parse_error(
                file,
                "#/openapi",
                "missing `openapi` version field",
            ))
        }
    }
    serde_path_to_error::deserialize(doc).map_err(|e| {
        let ptr = path_to_pointer(e.path());
        parse_error(file, &ptr, &e.inner().to_string())
    })
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::from("#");
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out = pointer::join(&out, &index.to_string()),
            Segment::Map { key } => out = pointer::join(&out, key),
            Segment::Enum { variant } => out = pointer::join(&out, variant),
            Segment::Unknown => {}
        }
    }
    out
}

fn parse_error(file: &Path, ptr: &str, message: &str) -> Error {
    Error::Parse {
        file: file.to_owned(),
        pointer: ptr.to_owned(),
        message: message.to_owned(),
    }
}

#[derive(Default)]
struct Bundler {
    /// Parsed files by canonical path.
    files: BTreeMap<PathBuf, Value>,
    order: Vec<PathBuf>,
    /// Components copied from other files: (kind, name, value), in discovery order.
    hoisted: Vec<(String, String, Value)>,
    /// External targets already hoisted, by (file, pointer) -> local reference.
    done: BTreeMap<(PathBuf, String), String>,
    /// Guards against reference cycles while inlining.
    inlining: Vec<(PathBuf, String)>,
}

impl Bundler {
    fn read(&mut self, path: &Path) -> Result<Value> {
        let canonical = path.canonicalize().map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        if let Some(v) = self.files.get(&canonical) {
            return Ok(v.clone());
        }
        let text = std::fs::read_to_string(&canonical).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        let value: Value = if canonical.extension().is_some_and(|e| e == "json") {
            serde_json::from_str(&text).map_err(|e| parse_error(path, "#", &e.to_string()))?
        } else {
            serde_yaml::from_str(&text).map_err(|e| parse_error(path, "#", &e.to_string()))?
        };
        self.files.insert(canonical.clone(), value.clone());
        self.order.push(canonical);
        Ok(value)
    }

    /// Rewrites every `$ref` below `node` (found in `file`) to a local reference of the root.
    fn rewrite(&mut self, node: &mut Value, file: &Path, at: &str) -> Result<()> {
        self.rewrite_in(node, file, at, false, true)
    }

    fn rewrite_in(
        &mut self,
        node: &mut Value,
        file: &Path,
        at: &str,
        schema_position: bool,
        is_root: bool,
    ) -> Result<()> {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref").cloned().as_ref() {
                    if let Some(local) =
                        self.resolve_ref(reference, file, at, schema_position, is_root)?
                    {
                        match local {
                            Resolved::Ref(r) => {
                                map.insert("$ref".into(), Value::String(r));
                            }
                            Resolved::Inline(v) => *node = v,
                        }
                    }
                    return Ok(());
                }
                let keys: Vec<String> = map.keys().cloned().collect();
                for key in keys {
                    let child_at = pointer::join(at, &key);
                    let child_schema = matches!(
                        key.as_str(),
                        "schema" | "items" | "additionalProperties" | "not"
                    ) || (matches!(
                        last_token(at).as_str(),
                        "properties" | "allOf" | "oneOf" | "anyOf" | "schemas"
                    ));
                    let child = map.get_mut(&key).expect("key just listed");
                    self.rewrite_in(child, file, &child_at, child_schema, is_root)?;
                }
            }
            Value::Array(items) => {
                let in_composition = matches!(last_token(at).as_str(), "allOf" | "oneOf" | "anyOf");
                for (i, item) in items.iter_mut().enumerate() {
                    let child_at = pointer::join(at, &i.to_string());
                    self.rewrite_in(item, file, &child_at, in_composition, is_root)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn resolve_ref(
        &mut self,
        reference: &str,
        file: &Path,
        at: &str,
        schema_position: bool,
        is_root: bool,
    ) -> Result<Option<Resolved>> {
        let (file_part, fragment) = match reference.split_once('#') {
            Some((f, frag)) => (f, format!("#{frag}")),
            None => (reference, "#".to_owned()),
        };
        // a local reference of the root stays; one inside another file points into that file
        if file_part.is_empty() && is_root {
            return Ok(None);
        }
        if file_part.contains("://") {
            return Err(Error::unsupported(
                at,
                format!("remote $ref `{reference}`; only relative files are read"),
            ));
        }
        let target_file = if file_part.is_empty() {
            file.to_owned()
        } else {
            file.parent().unwrap_or(Path::new(".")).join(file_part)
        };
        let doc = self.read(&target_file).map_err(|e| match e {
            Error::Io { .. } => Error::UnresolvedRef {
                pointer: at.to_owned(),
                reference: reference.to_owned(),
            },
            other => other,
        })?;
        let canonical = target_file.canonicalize().unwrap_or(target_file.clone());
        let key = (canonical.clone(), fragment.clone());
        if let Some(local) = self.done.get(&key) {
            return Ok(Some(Resolved::Ref(local.clone())));
        }
        let target =
            pointer::resolve(&doc, &fragment)
                .cloned()
                .ok_or_else(|| Error::UnresolvedRef {
                    pointer: at.to_owned(),
                    reference: reference.to_owned(),
                })?;
        let tokens: Vec<String> = fragment
            .trim_start_matches("#/")
            .split('/')
            .map(pointer::unescape)
            .collect();
        let component = match tokens.as_slice() {
            [c, kind, name] if c == "components" => Some((kind.clone(), name.clone())),
            _ if fragment == "#" && schema_position => {
                let stem = canonical
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                Some(("schemas".to_owned(), stem))
            }
            _ => None,
        };
        match component {
            Some((kind, name)) => {
                let local = format!("#/components/{kind}/{}", pointer::escape(&name));
                self.done.insert(key, local.clone());
                let mut value = target;
                self.rewrite_in(&mut value, &canonical, &local, kind == "schemas", false)?;
                self.hoisted.push((kind, name, value));
                Ok(Some(Resolved::Ref(local)))
            }
            None => {
                if self.inlining.contains(&key) {
                    return Err(Error::unsupported(
                        at,
                        format!("cyclic $ref `{reference}` outside #/components"),
                    ));
                }
                self.inlining.push(key);
                let mut value = target;
                let result = self.rewrite_in(&mut value, &canonical, at, schema_position, false);
                self.inlining.pop();
                result?;
                Ok(Some(Resolved::Inline(value)))
            }
        }
    }
}

enum Resolved {
    Ref(String),
    Inline(Value),
}

fn last_token(at: &str) -> String {
    at.rsplit('/')
        .next()
        .map(pointer::unescape)
        .unwrap_or_default()
}
