//! `cargo xtask diff` and the version bump of `cargo xtask generate --bump`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use generator::diff::{self, Bump, Report};
use generator::SpecConfig;

/// Where the old spec comes from.
pub enum Old {
    /// The spec's files at a git revision.
    Rev(String),
    /// A file.
    File(PathBuf),
}

/// The report between `old` and `new` (the root file of the new spec).
pub fn report(root: &Path, spec: &SpecConfig, old: &Old, new: &Path) -> Result<Report> {
    let options = &spec.options;
    let new_model = generator::load_model(new, options)
        .with_context(|| format!("new spec {}", new.display()))?;
    let old_model = match old {
        Old::File(path) => generator::load_model(path, options)
            .with_context(|| format!("old spec {}", path.display()))?,
        Old::Rev(rev) => {
            let dir = checkout_spec(root, &spec.path, rev)?;
            let old_options = options_at(root, spec, rev);
            let result = generator::load_model(&dir.join(&spec.path), &old_options)
                .with_context(|| format!("spec at {rev}"));
            let _ = std::fs::remove_dir_all(&dir);
            result?
        }
    };
    Ok(diff::diff(&old_model, &new_model))
}

/// The options the spec had at `rev` (its entry in `codegen.toml` there), so that a change of
/// options (`non_exhaustive`, type overrides) is reported; today's when that file is missing,
/// no longer parses or has no entry for the spec.
fn options_at(root: &Path, spec: &SpecConfig, rev: &str) -> generator::Options {
    let Ok(text) = git(root, &["show", &format!("{rev}:codegen.toml")]) else {
        return spec.options.clone();
    };
    let text = String::from_utf8_lossy(&text);
    generator::ConfigFile::parse(&text, Path::new("codegen.toml"))
        .ok()
        .and_then(|c| c.specs.into_iter().find(|s| s.path == spec.path))
        .map(|s| s.options)
        .unwrap_or_else(|| spec.options.clone())
}

fn git(root: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let out = Command::new("git")
        .args(args)
        .current_dir(root)
        .output()
        .context("running git")?;
    if !out.status.success() {
        bail!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(out.stdout)
}

/// Writes the files of the spec's folder at `rev` into a temporary folder (same relative
/// layout, so that relative `$ref`s between files work) and returns that folder.
fn checkout_spec(root: &Path, spec_path: &Path, rev: &str) -> Result<PathBuf> {
    let folder = spec_path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let folder = folder.to_string_lossy().replace('\\', "/");
    let listing = git(root, &["ls-tree", "-r", "--name-only", rev, "--", &folder])?;
    let dir = std::env::temp_dir().join(format!(
        "xtask-diff-{}-{}",
        std::process::id(),
        rev.replace(['/', '~', '^'], "_")
    ));
    let _ = std::fs::remove_dir_all(&dir);
    let mut count = 0;
    for file in String::from_utf8_lossy(&listing).lines() {
        let contents = git(root, &["show", &format!("{rev}:{file}")])?;
        let dest = dir.join(file);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&dest, contents)?;
        count += 1;
    }
    if count == 0 {
        bail!("no files under `{folder}` at {rev}");
    }
    Ok(dir)
}

/// The last release tag (`v*`), if any.
pub fn last_release_tag(root: &Path) -> Option<String> {
    git(root, &["describe", "--tags", "--abbrev=0", "--match", "v*"])
        .ok()
        .map(|out| String::from_utf8_lossy(&out).trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// `version` bumped by `bump` (for 0.x versions, a major change bumps the minor number and
/// anything else the patch number, as Cargo reads them).
pub fn bumped(version: &str, bump: Bump) -> Result<String> {
    let parts: Vec<u64> = version
        .split('.')
        .map(|p| p.parse::<u64>())
        .collect::<Result<_, _>>()
        .with_context(|| format!("version `{version}` is not x.y.z"))?;
    let [major, minor, patch] = parts[..] else {
        bail!("version `{version}` is not x.y.z");
    };
    Ok(match (major, bump) {
        (0, Bump::Major) => format!("0.{}.0", minor + 1),
        (0, _) => format!("0.{minor}.{}", patch + 1),
        (_, Bump::Major) => format!("{}.0.0", major + 1),
        (_, Bump::Minor) => format!("{major}.{}.0", minor + 1),
        (_, Bump::Patch) => format!("{major}.{minor}.{}", patch + 1),
    })
}

/// Rewrites the `version` of the spec entry whose `path` is `spec_path` in `codegen.toml`.
pub fn write_version(config: &Path, spec_path: &Path, version: &str) -> Result<()> {
    let text = std::fs::read_to_string(config)?;
    let wanted = format!(
        "path = \"{}\"",
        spec_path.to_string_lossy().replace('\\', "/")
    );
    let mut in_entry = false;
    let mut done = false;
    let mut out = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed == "[[spec]]" {
            in_entry = false;
        }
        if trimmed == wanted {
            in_entry = true;
        }
        if in_entry && !done && trimmed.starts_with("version") && trimmed.contains('=') {
            out.push(format!("version = \"{version}\""));
            done = true;
            continue;
        }
        out.push(line.to_owned());
    }
    if !done {
        bail!(
            "no `version` line for {} in {}",
            spec_path.display(),
            config.display()
        );
    }
    std::fs::write(config, out.join("\n") + "\n")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::bumped;
    use generator::diff::Bump;

    #[test]
    fn writes_the_version_of_the_right_spec() {
        let path = std::env::temp_dir().join(format!("codegen-{}.toml", std::process::id()));
        std::fs::write(
            &path,
            "[[spec]]\npath = \"a.yaml\"\nversion = \"0.1.0\"\n\n[[spec]]\npath = \"b.yaml\"\nversion = \"0.3.0\"\n",
        )
        .unwrap();
        super::write_version(&path, std::path::Path::new("b.yaml"), "0.4.0").unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert!(
            text.contains("path = \"a.yaml\"\nversion = \"0.1.0\""),
            "{text}"
        );
        assert!(
            text.contains("path = \"b.yaml\"\nversion = \"0.4.0\""),
            "{text}"
        );
    }

    #[test]
    fn bumps() {
        assert_eq!(bumped("0.1.0", Bump::Major).unwrap(), "0.2.0");
        assert_eq!(bumped("0.1.0", Bump::Minor).unwrap(), "0.1.1");
        assert_eq!(bumped("0.1.3", Bump::Patch).unwrap(), "0.1.4");
        assert_eq!(bumped("1.2.3", Bump::Major).unwrap(), "2.0.0");
        assert_eq!(bumped("1.2.3", Bump::Minor).unwrap(), "1.3.0");
        assert_eq!(bumped("1.2.3", Bump::Patch).unwrap(), "1.2.4");
        assert!(bumped("1.2", Bump::Patch).is_err());
    }
}
