//! Repository tasks, run as `cargo xtask <task>`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use generator::{ConfigFile, SpecConfig};

#[derive(Parser)]
#[command(about = "Repository tasks")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Regenerates the crates in generated/ from spec/ (as configured in codegen.toml).
    Generate {
        /// Write nothing; fail, listing the files, when generated/ differs from the spec.
        #[arg(long)]
        check: bool,
        /// Generate from this spec instead of the configured ones (needs --out).
        #[arg(long, requires = "out")]
        spec: Option<PathBuf>,
        /// Folder to write the crates of --spec to.
        #[arg(long, requires = "spec")]
        out: Option<PathBuf>,
        /// Crate name prefix for --spec (default: the spec file's stem).
        #[arg(long, requires = "spec")]
        name: Option<String>,
    },
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the repository")
        .to_owned()
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.task {
        Task::Generate {
            check,
            spec,
            out,
            name,
        } => {
            let cwd = std::env::current_dir()?;
            let (specs, base) = match (spec, out) {
                (Some(spec), Some(out)) => {
                    let name = name.unwrap_or_else(|| {
                        spec.file_stem()
                            .map(|s| s.to_string_lossy().into_owned())
                            .unwrap_or_else(|| "api".into())
                    });
                    (vec![SpecConfig::ad_hoc(spec, out, name)], cwd)
                }
                _ => {
                    let root = repo_root();
                    let config = ConfigFile::read(&root.join("codegen.toml"))?;
                    (config.specs, root)
                }
            };
            generate(&specs, &base, check)
        }
    }
}

fn generate(specs: &[SpecConfig], base: &Path, check: bool) -> Result<()> {
    let show = |p: &Path| p.strip_prefix(base).unwrap_or(p).display().to_string();
    let mut stale = 0;
    for spec in specs {
        let start = Instant::now();
        let generated = generator::generate(spec, base)
            .with_context(|| format!("generating from {}", spec.path.display()))?;
        let elapsed = start.elapsed();
        let bytes: usize = generated.files.values().map(String::len).sum();
        if check {
            let drift = generator::check(&generated)?;
            for p in &drift.changed {
                println!("differs: {}", show(p));
            }
            for p in &drift.missing {
                println!("missing: {}", show(p));
            }
            for p in &drift.stale {
                println!("stale:   {}", show(p));
            }
            stale += drift.changed.len() + drift.missing.len() + drift.stale.len();
        } else {
            let written = generator::write(&generated)?;
            for p in &written {
                println!("wrote {}", show(p));
            }
            println!(
                "{}: {} files ({} changed), {} KiB, generated in {:.1} ms",
                spec.path.display(),
                generated.files.len(),
                written.len(),
                bytes / 1024,
                elapsed.as_secs_f64() * 1e3
            );
        }
    }
    if check {
        if stale > 0 {
            bail!("{stale} generated file(s) differ from the spec: run `cargo xtask generate`");
        }
        println!("generated/ matches the spec");
    }
    Ok(())
}
