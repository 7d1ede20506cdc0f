//! A generator of Rust crates from OpenAPI 3.0 specs.
//!
//! The pipeline has three stages, each its own module:
//!
//! 1. [`load`]: read the spec (YAML or JSON, relative-file `$ref`s bundled) into `openapiv3`
//!    types; errors name the JSON pointer.
//! 2. [`model`]: decide every type and operation as plain data ([`model::Model`]): names,
//!    field representations, boxing, usage. Unsupported constructs are errors here.
//! 3. [`emit`]: write the crates' files from the model alone.
//!
//! [`generate()`] runs the pipeline for one configured spec; [`write()`] and [`check()`] put the
//! result on disk or compare it with what is there.

#![warn(missing_docs)]

pub mod config;
pub mod diff;
pub mod docs;
pub mod emit;
pub mod error;
pub mod load;
pub mod model;
pub mod names;
pub mod path;
pub mod pointer;
pub mod repair;
pub mod runtime;
pub mod samples;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use config::{ConfigFile, CrateKind, Options, SpecConfig};
pub use error::{Error, Result, Warning};

/// The files generated for one spec, by path (relative to the configuration's folder).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// Path -> contents, sorted by path.
    pub files: BTreeMap<PathBuf, String>,
    /// The crate folders the files belong to (their other files are stale).
    pub crate_dirs: Vec<PathBuf>,
    /// What the spec gets wrong whose intent was clear (also in the types crate's README).
    pub warnings: Vec<Warning>,
}

/// Runs the whole pipeline for `spec`, whose paths are relative to `base`.
pub fn generate(spec: &SpecConfig, base: &Path) -> Result<Generated> {
    let spec_file = base.join(&spec.path);
    let loaded = load::load(&spec_file)?;
    let model = model::Model::build(&loaded, &spec.options)?;
    let out = base.join(&spec.out);
    let source = &spec.options.runtime;
    let runtime_path = |kind: &str| runtime::dependency(source, &out, kind);
    let ctx = emit::Context {
        name: spec.name.clone(),
        version: spec.version.clone(),
        license: spec.options.license.clone(),
        spec_path: spec.path.to_string_lossy().replace('\\', "/"),
        command: "cargo xtask generate".to_owned(),
        example_tests: spec.options.example_tests,
        client_runtime_path: runtime_path("client"),
        server_runtime_path: runtime_path("server"),
    };
    // the crates are independent: emit (and rustfmt) them side by side
    let wants = |kind| spec.options.crates.contains(&kind);
    let (types, client, server) = std::thread::scope(|s| {
        let client = s.spawn(|| {
            wants(CrateKind::Client).then(|| formatted(|| emit::client::crate_files(&model, &ctx)))
        });
        let server = s.spawn(|| {
            wants(CrateKind::Server).then(|| formatted(|| emit::server::crate_files(&model, &ctx)))
        });
        let types = formatted(|| emit::types_crate(&model, &ctx));
        let join = |h: std::thread::ScopedJoinHandle<'_, _>| {
            h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))
        };
        (types, join(client), join(server))
    });
    let mut emitted = types?;
    emitted.extend(client.transpose()?.unwrap_or_default());
    emitted.extend(server.transpose()?.unwrap_or_default());
    let mut files = BTreeMap::new();
    let mut crate_dirs = Vec::new();
    for file in emitted {
        if let Some(first) = file.path.components().next() {
            let dir = out.join(first);
            if !crate_dirs.contains(&dir) {
                crate_dirs.push(dir);
            }
        }
        files.insert(out.join(&file.path), file.contents);
    }
    if *source == runtime::RuntimeSource::Vendor {
        let kinds = [
            ("client", wants(CrateKind::Client)),
            ("server", wants(CrateKind::Server)),
        ];
        for (kind, wanted) in kinds {
            if wanted {
                for (path, contents) in runtime::vendored(kind)? {
                    if let Some(first) = path.components().next() {
                        let dir = out.join(first);
                        if !crate_dirs.contains(&dir) {
                            crate_dirs.push(dir);
                        }
                    }
                    files.insert(out.join(path), contents);
                }
            }
        }
    }
    Ok(Generated {
        files,
        crate_dirs,
        warnings: model.warnings.clone(),
    })
}

/// Runs an emitter (whose files leave rustfmt to it: `Rustfmt::Later`), then formats each of
/// its crates in one rustfmt run.
fn formatted(
    emit: impl FnOnce() -> Result<Vec<emit::OutputFile>>,
) -> Result<Vec<emit::OutputFile>> {
    let files = emit()?;
    // group by crate folder (the first path component), keeping the emitter's order
    let mut crates: Vec<(PathBuf, Vec<(PathBuf, String)>)> = Vec::new();
    for file in files {
        let mut parts = file.path.components();
        let krate = PathBuf::from(parts.next().map(|c| c.as_os_str()).unwrap_or_default());
        let rest = parts.as_path().to_owned();
        match crates.iter_mut().find(|(k, _)| *k == krate) {
            Some((_, list)) => list.push((rest, file.contents)),
            None => crates.push((krate, vec![(rest, file.contents)])),
        }
    }
    let mut out = Vec::new();
    for (krate, mut list) in crates {
        emit::rust::rustfmt_crate(&mut list, &krate.to_string_lossy())?;
        out.extend(list.into_iter().map(|(path, contents)| emit::OutputFile {
            path: krate.join(path),
            contents,
        }));
    }
    Ok(out)
}

/// Loads the spec at `path` and builds its model.
pub fn load_model(path: &Path, options: &Options) -> Result<model::Model> {
    let loaded = load::load(path)?;
    model::Model::build(&loaded, options)
}

/// The Rust source of the types of the spec at `path` (no crate files): what the snapshot
/// tests show and the fixture crate compiles. The types refer to `crate::support`, whose
/// source is [`support_source`].
pub fn types_source(path: &Path, options: &Options) -> Result<String> {
    let loaded = load::load(path)?;
    let model = model::Model::build(&loaded, options)?;
    emit::types_source(&model, emit::rust::Rustfmt::Now)
}

/// The Rust source of the client of the spec at `path`, tag modules inline and no Cargo
/// features: what the client snapshot tests show and the fixture crate compiles. It expects
/// `types` (the types of [`types_source`]) and `support` in scope, and the `client-runtime` crate.
pub fn client_source(path: &Path, options: &Options) -> Result<String> {
    let loaded = load::load(path)?;
    let model = model::Model::build(&loaded, options)?;
    emit::client::client_source(&model, emit::rust::Rustfmt::Now)
}

/// The Rust source of the server of the spec at `path`, tag modules inline: what the server
/// snapshot tests show and the fixture crate compiles. It names the types through `types_path`
/// (`crate::pets`) and files through `support_path` (`crate::support`), and needs the
/// `server-runtime` crate.
pub fn server_source(
    path: &Path,
    options: &Options,
    types_path: &str,
    support_path: &str,
) -> Result<String> {
    let loaded = load::load(path)?;
    let model = model::Model::build(&loaded, options)?;
    let paths = emit::Paths::server(types_path, support_path)?;
    emit::server::source(&model, &paths, emit::rust::Rustfmt::Now)
}

/// The Rust source of the `support` module that the generated types of the specs at `specs`
/// (each with its options) share: what the fixture crate compiles beside them.
pub fn support_source(specs: &[(&Path, &Options)]) -> Result<String> {
    let models = specs
        .iter()
        .map(|(path, options)| model::Model::build(&load::load(path)?, options))
        .collect::<Result<Vec<_>>>()?;
    emit::support_source(&models.iter().collect::<Vec<_>>())
}

/// `to` relative to the folder `from` (both made absolute against the current directory;
/// neither needs to exist). Falls back to `to` made absolute when they share no root.
fn relative_path(from: &Path, to: &Path) -> PathBuf {
    fn absolute(p: &Path) -> PathBuf {
        let p = std::path::absolute(p).unwrap_or_else(|_| p.to_owned());
        // resolve `..` lexically, so that paths that do not exist yet compare
        let mut out = PathBuf::new();
        for c in p.components() {
            match c {
                std::path::Component::ParentDir => {
                    out.pop();
                }
                std::path::Component::CurDir => {}
                other => out.push(other),
            }
        }
        out
    }
    let (from, to) = (absolute(from), absolute(to));
    let common = from
        .components()
        .zip(to.components())
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return to;
    }
    let mut rel = PathBuf::new();
    for _ in from.components().skip(common) {
        rel.push("..");
    }
    for c in to.components().skip(common) {
        rel.push(c);
    }
    rel
}

/// What [`check`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Drift {
    /// Files whose contents differ from what the spec gives.
    pub changed: Vec<PathBuf>,
    /// Files the spec gives that do not exist.
    pub missing: Vec<PathBuf>,
    /// Files in a generated crate that the spec no longer gives.
    pub stale: Vec<PathBuf>,
}

impl Drift {
    /// Whether the files on disk are exactly the generated ones.
    pub fn is_clean(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.stale.is_empty()
    }
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(Error::Io {
                path: dir.to_owned(),
                source,
            })
        }
    };
    for entry in entries {
        let entry = entry.map_err(|source| Error::Io {
            path: dir.to_owned(),
            source,
        })?;
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "target") {
                continue;
            }
            files_under(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// Compares generated files with the disk, writing nothing.
pub fn check(generated: &Generated) -> Result<Drift> {
    let mut drift = Drift::default();
    for (path, contents) in &generated.files {
        match std::fs::read_to_string(path) {
            Ok(existing) if existing == *contents => {}
            Ok(_) => drift.changed.push(path.clone()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => drift.missing.push(path.clone()),
            Err(source) => {
                return Err(Error::Io {
                    path: path.clone(),
                    source,
                })
            }
        }
    }
    for dir in &generated.crate_dirs {
        let mut existing = Vec::new();
        files_under(dir, &mut existing)?;
        existing.sort();
        drift.stale.extend(
            existing
                .into_iter()
                .filter(|p| !generated.files.contains_key(p)),
        );
    }
    Ok(drift)
}

/// Writes generated files (only those that changed) and removes stale ones; returns the
/// paths written.
pub fn write(generated: &Generated) -> Result<Vec<PathBuf>> {
    let drift = check(generated)?;
    let mut written = Vec::new();
    for path in drift.changed.iter().chain(&drift.missing) {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| Error::Io {
                path: parent.to_owned(),
                source,
            })?;
        }
        std::fs::write(path, &generated.files[path]).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        written.push(path.clone());
    }
    for path in &drift.stale {
        std::fs::remove_file(path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
    }
    written.sort();
    Ok(written)
}
