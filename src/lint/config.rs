//! What a repository tells the linter: `apigw-vtl.toml` (which files, rule
//! levels, per-path ignores) and a baseline of known findings.
//!
//! ```toml
//! # Globs are matched against paths relative to the file's own directory.
//! include = ["api/**", "templates/**/*.vtl"]   # default: every file
//! exclude = ["**/node_modules/**", "examples/**"]
//!
//! [rules]
//! undefined-reference = "off"       # off | note | warning | error
//! escape-javascript-quote = "error"
//!
//! [[ignore]]
//! paths = ["legacy/**"]
//! rules = ["invalid-json-output"]   # omitted: every rule
//! ```

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;

use super::rules::{rule_info, RuleConfig};
use super::{Diagnostic, Severity};

/// The config file looked for in the current directory.
pub const CONFIG_FILE: &str = "apigw-vtl.toml";

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    rules: HashMap<String, String>,
    #[serde(default)]
    ignore: Vec<RawIgnore>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIgnore {
    paths: Vec<String>,
    #[serde(default)]
    rules: Vec<String>,
}

/// A loaded `apigw-vtl.toml`.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The directory globs are relative to.
    pub root: PathBuf,
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
    levels: Vec<(String, Option<Severity>)>,
    ignores: Vec<(GlobSet, Vec<&'static str>)>,
}

fn globs(list: &[String], file: &Path) -> Result<Option<GlobSet>, String> {
    if list.is_empty() {
        return Ok(None);
    }
    let mut b = GlobSetBuilder::new();
    for g in list {
        let glob = Glob::new(g).map_err(|e| format!("{}: bad glob '{g}': {e}", file.display()))?;
        b.add(glob);
    }
    b.build()
        .map(Some)
        .map_err(|e| format!("{}: {e}", file.display()))
}

impl Config {
    /// Reads and checks the config file at `path`.
    pub fn load(path: &Path) -> Result<Config, String> {
        let text = crate::io::read_path(path, crate::io::LINT_FILE_MAX)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Config::parse(&text, path)
    }

    /// Parses a config file's text; `path` names it in errors and gives the root.
    pub fn parse(text: &str, path: &Path) -> Result<Config, String> {
        let raw: Raw = toml::from_str(text).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut levels = Vec::new();
        for (rule, level) in &raw.rules {
            if rule_info(rule).is_none() {
                return Err(format!(
                    "{}: [rules]: unknown rule '{rule}'",
                    path.display()
                ));
            }
            let l = match level.as_str() {
                "off" | "allow" => None,
                "note" => Some(Severity::Note),
                "warning" | "warn" => Some(Severity::Warning),
                "error" | "deny" => Some(Severity::Error),
                other => {
                    return Err(format!(
                        "{}: [rules] {rule} = '{other}': the levels are off, note, warning, error",
                        path.display()
                    ))
                }
            };
            levels.push((rule.clone(), l));
        }
        let mut ignores = Vec::new();
        for ig in &raw.ignore {
            let set = globs(&ig.paths, path)?.unwrap_or_default();
            let mut rules = Vec::new();
            for r in &ig.rules {
                match rule_info(r) {
                    Some(i) => rules.push(i.id),
                    None => {
                        return Err(format!(
                            "{}: [[ignore]]: unknown rule '{r}'",
                            path.display()
                        ))
                    }
                }
            }
            ignores.push((set, rules));
        }
        Ok(Config {
            root: path.parent().map(Path::to_path_buf).unwrap_or_default(),
            include: globs(&raw.include, path)?,
            exclude: globs(&raw.exclude, path)?,
            levels,
            ignores,
        })
    }

    /// Applies the `[rules]` levels to `cfg` (command-line flags are applied after).
    pub fn apply_levels(&self, cfg: &mut RuleConfig) -> Result<(), String> {
        for (rule, level) in &self.levels {
            match level {
                None => cfg.allow(rule)?,
                Some(l) => cfg.set_level(rule, *l)?,
            }
        }
        Ok(())
    }

    /// `file` (a path as the run names it) relative to the config's directory, with `/`.
    fn relative(&self, file: &str) -> String {
        let p = Path::new(file);
        let rel = match (p.canonicalize(), self.root.canonicalize()) {
            (Ok(abs), Ok(root)) => abs
                .strip_prefix(&root)
                .map(Path::to_path_buf)
                .unwrap_or_else(|_| p.to_path_buf()),
            _ => p.to_path_buf(),
        };
        rel.to_string_lossy().replace('\\', "/")
    }

    /// Whether a file found in a directory walk is linted.
    pub fn selects(&self, file: &str) -> bool {
        let rel = self.relative(file);
        self.include.as_ref().map_or(true, |g| g.is_match(&rel))
            && !self.exclude.as_ref().is_some_and(|g| g.is_match(&rel))
    }

    /// Whether a `[[ignore]]` entry drops `d`.
    pub fn ignores(&self, d: &Diagnostic) -> bool {
        let rel = self.relative(&d.file);
        self.ignores
            .iter()
            .any(|(g, rules)| g.is_match(&rel) && (rules.is_empty() || rules.contains(&d.rule)))
    }
}

/// Known findings: a previous `--format json` report. A finding is known when
/// the baseline has one of the same rule, file and message that no other
/// finding matched (line numbers are not compared: they move as files change).
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    known: HashMap<(String, String, String), usize>,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = crate::io::read_path(path, crate::io::LINT_FILE_MAX)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Baseline::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Baseline, String> {
        let v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not a JSON report: {e}"))?;
        let diags = v
            .get("diagnostics")
            .and_then(|d| d.as_array())
            .ok_or("not a JSON report of apigw-vtl lint (no \"diagnostics\" array)")?;
        let mut known = HashMap::new();
        for d in diags {
            let field = |k: &str| d.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
            *known
                .entry((field("rule"), field("file"), field("message")))
                .or_insert(0) += 1;
        }
        Ok(Baseline { known })
    }

    /// Removes the known findings from `diags`; returns how many were removed.
    pub fn filter(&self, diags: &mut Vec<Diagnostic>) -> usize {
        let mut left = self.known.clone();
        let before = diags.len();
        diags.retain(|d| {
            let key = (d.rule.to_string(), d.file.clone(), d.message.clone());
            match left.get_mut(&key) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            }
        });
        before - diags.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_config_parses_and_checks_rule_names() {
        let c = Config::parse(
            "include = ['**/*.yaml']\nexclude = ['vendor/**']\n[rules]\nundefined-reference = 'off'\nescape-javascript-quote = 'error'\n[[ignore]]\npaths = ['legacy/**']\nrules = ['invalid-json-output']\n",
            Path::new("apigw-vtl.toml"),
        )
        .unwrap_or_default();
        assert!(c.selects("api/x.yaml"));
        assert!(!c.selects("vendor/x.yaml"));
        assert!(!c.selects("api/x.json"));
        let mut cfg = RuleConfig::default();
        assert!(c.apply_levels(&mut cfg).is_ok());
        assert_eq!(cfg.severity("undefined-reference", Severity::Warning), None);
        assert_eq!(
            cfg.severity("escape-javascript-quote", Severity::Warning),
            Some(Severity::Error)
        );
        let bad = Config::parse("[rules]\nnope = 'off'\n", Path::new("apigw-vtl.toml"));
        assert!(bad.is_err_and(|e| e.contains("unknown rule 'nope'")));
        let bad = Config::parse("[rules]\nsyntax = 'loud'\n", Path::new("apigw-vtl.toml"));
        assert!(bad.is_err_and(|e| e.contains("the levels are")));
        assert!(Config::parse("inclde = []\n", Path::new("apigw-vtl.toml")).is_err());
    }
}
