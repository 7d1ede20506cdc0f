//! Where generated client and server crates get their runtime (`client-runtime`,
//! `server-runtime`) from, so that they build wherever they are written: a path into this
//! checkout (the default, for crates generated inside it), a copy of the runtime crates written
//! beside the generated ones (`vendor`), a git repository at a revision, or a registry version.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Deserialize;

use crate::error::{Error, Result};

/// Where the runtime crates come from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum RuntimeSource {
    /// A relative path into this checkout's `runtime/` (`path`).
    #[default]
    Path,
    /// Copies of the runtime crates written beside the generated crates (`vendor`): the output
    /// builds anywhere, with no path back into this checkout.
    Vendor,
    /// A git repository holding this workspace, at a revision (`git=URL#REV`).
    Git {
        /// The repository.
        url: String,
        /// The revision (a commit, tag or branch).
        rev: String,
    },
    /// A version from the registry (`version=0.1`).
    Version(String),
}

impl FromStr for RuntimeSource {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "path" => Ok(RuntimeSource::Path),
            "vendor" => Ok(RuntimeSource::Vendor),
            _ => {
                if let Some(rest) = s.strip_prefix("git=") {
                    let (url, rev) = rest
                        .split_once('#')
                        .ok_or_else(|| format!("`{s}`: expected git=URL#REV"))?;
                    return Ok(RuntimeSource::Git {
                        url: url.to_owned(),
                        rev: rev.to_owned(),
                    });
                }
                if let Some(version) = s.strip_prefix("version=") {
                    return Ok(RuntimeSource::Version(version.to_owned()));
                }
                Err(format!(
                    "`{s}`: the runtime is `path`, `vendor`, `git=URL#REV` or `version=X`"
                ))
            }
        }
    }
}

impl TryFrom<String> for RuntimeSource {
    type Error = String;

    fn try_from(s: String) -> std::result::Result<Self, String> {
        s.parse()
    }
}

/// This checkout's `runtime/` folder.
pub fn runtime_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime")
}

/// The body of the dependency's inline table in a generated crate's `Cargo.toml` (what goes
/// between `client-runtime = {` and `}`), for a crate of `out` (generated crates live in
/// `<out>/<crate>/`) and the runtime `kind` (`client`, `server`).
pub fn dependency(source: &RuntimeSource, out: &Path, kind: &str) -> String {
    match source {
        RuntimeSource::Path => {
            let crate_dir = out.join("crate");
            let path = crate::relative_path(&crate_dir, &runtime_dir().join(kind))
                .to_string_lossy()
                .replace('\\', "/");
            format!("path = \"{path}\"")
        }
        RuntimeSource::Vendor => format!("path = \"../{kind}-runtime\""),
        RuntimeSource::Git { url, rev } => format!("git = \"{url}\", rev = \"{rev}\""),
        RuntimeSource::Version(version) => format!("version = \"{version}\""),
    }
}

/// The files of a vendored copy of the runtime `kind`, by path relative to the output folder
/// (`client-runtime/Cargo.toml`, `client-runtime/src/...`): its sources, and a manifest that
/// names its dependencies outright instead of through this workspace.
pub fn vendored(kind: &str) -> Result<Vec<(PathBuf, String)>> {
    let dir = runtime_dir().join(kind);
    let folder = PathBuf::from(format!("{kind}-runtime"));
    let mut files = vec![(
        folder.join("Cargo.toml"),
        manifest(&dir.join("Cargo.toml"))?,
    )];
    let mut stack = vec![dir.join("src")];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|source| Error::Io {
            path: d.clone(),
            source,
        })?;
        for entry in entries {
            let path = entry
                .map_err(|source| Error::Io {
                    path: d.clone(),
                    source,
                })?
                .path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let text = std::fs::read_to_string(&path).map_err(|source| Error::Io {
                    path: path.clone(),
                    source,
                })?;
                let relative = path.strip_prefix(&dir).expect("under the runtime folder");
                files.push((folder.join(relative), text));
            }
        }
    }
    files.sort();
    Ok(files)
}

/// A runtime crate's manifest with this workspace's settings written out: its `[package]`
/// fields and dependencies taken from the workspace, its dev-dependencies (for tests that are
/// not vendored) left out.
fn manifest(path: &Path) -> Result<String> {
    let read = |p: &Path| -> Result<toml::Table> {
        let text = std::fs::read_to_string(p).map_err(|source| Error::Io {
            path: p.to_owned(),
            source,
        })?;
        text.parse::<toml::Table>().map_err(|e| Error::Emit {
            context: p.display().to_string(),
            message: e.to_string(),
        })
    };
    let mut crate_manifest = read(path)?;
    let workspace = read(&runtime_dir().join("../Cargo.toml"))?;
    let workspace = workspace
        .get("workspace")
        .and_then(|w| w.as_table())
        .cloned()
        .unwrap_or_default();
    let inherited = |section: &str| {
        workspace
            .get(section)
            .and_then(|s| s.as_table())
            .cloned()
            .unwrap_or_default()
    };
    let (package_fields, dependencies) = (inherited("package"), inherited("dependencies"));
    if let Some(package) = crate_manifest
        .get_mut("package")
        .and_then(|p| p.as_table_mut())
    {
        for (key, value) in package.iter_mut() {
            if is_inherited(value) {
                if let Some(v) = package_fields.get(key) {
                    *value = v.clone();
                }
            }
        }
        // a vendored copy is part of the generated output, not published from it
        package.insert("publish".to_owned(), toml::Value::Boolean(false));
    }
    crate_manifest.remove("dev-dependencies");
    if let Some(deps) = crate_manifest
        .get_mut("dependencies")
        .and_then(|d| d.as_table_mut())
    {
        for (name, value) in deps.iter_mut() {
            if !is_inherited(value) {
                continue;
            }
            let mut resolved = match dependencies.get(name) {
                Some(toml::Value::String(version)) => {
                    let mut t = toml::Table::new();
                    t.insert("version".to_owned(), toml::Value::String(version.clone()));
                    t
                }
                Some(toml::Value::Table(t)) => t.clone(),
                _ => {
                    return Err(Error::Emit {
                        context: path.display().to_string(),
                        message: format!("dependency `{name}` is not in the workspace"),
                    })
                }
            };
            // the crate's own keys (features, optional) beside the workspace's
            if let Some(own) = value.as_table() {
                for (k, v) in own.iter().filter(|(k, _)| *k != "workspace") {
                    match (k.as_str(), resolved.get_mut(k), v) {
                        ("features", Some(toml::Value::Array(all)), toml::Value::Array(more)) => {
                            all.extend(more.iter().cloned())
                        }
                        _ => {
                            resolved.insert(k.clone(), v.clone());
                        }
                    }
                }
            }
            *value = toml::Value::Table(resolved);
        }
    }
    let text = toml::to_string(&crate_manifest).map_err(|e| Error::Emit {
        context: path.display().to_string(),
        message: e.to_string(),
    })?;
    Ok(format!(
        "# A copy of this generator's runtime crate, written beside the generated crates.\n{text}"
    ))
}

/// `x.workspace = true` (or `x = { workspace = true, ... }`).
fn is_inherited(value: &toml::Value) -> bool {
    value
        .as_table()
        .and_then(|t| t.get("workspace"))
        .and_then(toml::Value::as_bool)
        == Some(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_parse_from_their_text() {
        assert_eq!("vendor".parse(), Ok(RuntimeSource::Vendor));
        assert_eq!(
            "git=https://example.com/r.git#abc123".parse(),
            Ok(RuntimeSource::Git {
                url: "https://example.com/r.git".into(),
                rev: "abc123".into()
            })
        );
        assert_eq!(
            "version=0.1".parse(),
            Ok(RuntimeSource::Version("0.1".into()))
        );
        assert!("git=nohash".parse::<RuntimeSource>().is_err());
        assert!("elsewhere".parse::<RuntimeSource>().is_err());
    }

    #[test]
    fn a_vendored_manifest_names_its_dependencies_outright() {
        let files = vendored("client").expect("vendored");
        let (_, manifest) = files
            .iter()
            .find(|(p, _)| p.ends_with("Cargo.toml"))
            .expect("a manifest");
        assert!(!manifest.contains("workspace"), "{manifest}");
        assert!(manifest.contains("reqwest"), "{manifest}");
        assert!(files.iter().any(|(p, _)| p.ends_with("src/lib.rs")));
    }
}
