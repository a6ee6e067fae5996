//! `lantern import`: another monitor's data into the health feed, or cState
//! issues into posts. Reads everything first; writes only when all of it was read.

use crate::cli::ImportFormat;
use crate::import::{self, Imported, cstate};
use anyhow::bail;
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};

pub use crate::cli::ImportArgs;

fn format_name(f: ImportFormat) -> &'static str {
    match f {
        ImportFormat::Gatus => "gatus",
        ImportFormat::UptimeKuma => "uptime-kuma",
        ImportFormat::Upptime => "upptime",
        ImportFormat::Prometheus => "prometheus",
        ImportFormat::Cstate => "cstate",
    }
}

/// Refuse options that the chosen format would silently ignore.
fn check_flags(a: &ImportArgs) -> anyhow::Result<()> {
    use ImportFormat::*;
    let given: [(&str, bool, &[ImportFormat]); 8] = [
        ("--names", a.names.is_some(), &[UptimeKuma]),
        ("--latency", a.latency.is_some(), &[Prometheus]),
        ("--label", a.label.is_some(), &[Prometheus]),
        ("--timezone", a.timezone.is_some(), &[Cstate]),
        ("--component", !a.components.is_empty(), &[Cstate]),
        ("--days", a.days.is_some(), &[Upptime]),
        ("--as-of", a.as_of.is_some(), &[Upptime]),
        (
            "--append",
            a.append,
            &[Gatus, UptimeKuma, Upptime, Prometheus],
        ),
    ];
    for (flag, set, formats) in given {
        if set
            && !formats
                .iter()
                .any(|f| format_name(*f) == format_name(a.format))
        {
            let names: Vec<&str> = formats.iter().map(|f| format_name(*f)).collect();
            bail!(
                "{flag} does not apply to `lantern import {}` (only to: {})",
                format_name(a.format),
                names.join(", ")
            );
        }
    }
    Ok(())
}

/// Run the import described by `a`.
pub fn execute(a: ImportArgs) -> anyhow::Result<()> {
    check_flags(&a)?;
    let name = format_name(a.format);
    let imported = match a.format {
        ImportFormat::Cstate => return run_cstate(&a),
        ImportFormat::Gatus => import::gatus::import(&a.input)?,
        ImportFormat::UptimeKuma => import::uptime_kuma::import(&a.input, a.names.as_deref())?,
        ImportFormat::Upptime => {
            let as_of = a.as_of.as_deref().map(as_of).transpose()?;
            let now = crate::time::now_from_env().map_err(anyhow::Error::msg)?;
            import::upptime::import_with(&a.input, a.days.unwrap_or(90), as_of, now)?
        }
        ImportFormat::Prometheus => {
            import::prometheus::import(&a.input, a.latency.as_deref(), a.label.as_deref())?
        }
    };
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| Path::new("content/health").join(format!("{name}.jsonl")));
    if a.append && matches!(a.format, ImportFormat::UptimeKuma) {
        refuse_double_naming(&a, &out, &imported)?;
    }
    let s = import::write_feed(&out, &imported.results, a.append, &a.input)?;
    print_health(&a, &out, &imported, &s);
    if a.append && matches!(a.format, ImportFormat::Upptime) {
        // Reconstructions from different days place minutes differently; mixing
        // them would count some minutes twice or not at all.
        println!(
            "note: to refresh an Upptime import, import again without --append: each import rebuilds the whole reconstruction"
        );
    }
    Ok(())
}

/// `--as-of`: `now` (the build's clock, `SOURCE_DATE_EPOCH` when set) or an RFC 3339
/// time that is not in the future: a status cannot be known to hold beyond now.
fn as_of(s: &str) -> anyhow::Result<DateTime<Utc>> {
    let now = crate::time::now_from_env().map_err(anyhow::Error::msg)?;
    if s.trim() == "now" {
        return Ok(now);
    }
    let t = crate::time::parse_timestamp(s).map_err(|e| anyhow::anyhow!("--as-of: {e}"))?;
    if t > now {
        bail!(
            "--as-of {} is in the future (now is {}); a status cannot be known to hold beyond now",
            crate::time::iso(t),
            crate::time::iso(now)
        );
    }
    Ok(t)
}

/// Uptime Kuma names a monitor `kuma-<id>` without `--names` and by its name with
/// it: appending one import to the other would store every beat twice.
fn refuse_double_naming(a: &ImportArgs, out: &Path, imported: &Imported) -> anyhow::Result<()> {
    let found = import::renamed_checks(out, &imported.results)?;
    if found.is_empty() {
        return Ok(());
    }
    let lines: Vec<String> = found
        .iter()
        .map(|r| {
            format!(
                "`{}`: {} of its {} beats are already in the file as `{}`",
                r.new, r.shared, r.of, r.existing
            )
        })
        .collect();
    let how = if a.names.is_some() {
        "the file was imported without --names (ids `kuma-<id>`); import again without --names"
    } else {
        "the file was imported with --names (monitor names as ids); pass the same --names file"
    };
    bail!(
        "{}: these beats are already there under another check id; appending would count them twice. Nothing was written.\n  {}\n{how}, or import without --append to replace the file",
        out.display(),
        lines.join("\n  ")
    )
}

fn print_health(a: &ImportArgs, out: &Path, imported: &Imported, s: &import::WriteSummary) {
    let checks = imported.per_check();
    let mut line = format!(
        "imported {} results for {} checks from {} into {}",
        imported.results.len(),
        checks.len(),
        a.input.display(),
        out.display()
    );
    if a.append {
        line.push_str(&format!(
            " ({} new, {} already there; {} lines in the file)",
            s.added, s.duplicates, s.total
        ));
    } else if s.duplicates > 0 {
        line.push_str(&format!(" ({} repeated results dropped)", s.duplicates));
    }
    println!("{line}");
    for (check, n) in checks {
        println!("  {}: {n} results", safe(check));
    }
    for note in &imported.notes {
        println!("note: {}", safe(note));
    }
    println!("list these check ids under a component's `checks` in content/site.yaml");
}

fn run_cstate(a: &ImportArgs) -> anyhow::Result<()> {
    let timezone = match &a.timezone {
        None => None,
        Some(s) => match s.trim().parse::<chrono_tz::Tz>() {
            Ok(tz) => Some(tz),
            Err(_) => bail!("unknown time zone `{s}`; use an IANA name like Europe/Berlin"),
        },
    };
    let out = a.out.clone().unwrap_or_else(|| PathBuf::from("content"));
    let site = site_components(&out);
    let opts = cstate::Options {
        timezone,
        components: a.components.clone(),
        site: site.clone(),
        now: Some(crate::time::now_from_env().map_err(anyhow::Error::msg)?),
    };
    let plan = cstate::plan(&a.input, &opts)?;
    let report = cstate::write(&out, &plan)?;
    let count = |dir: &str| plan.posts.iter().filter(|p| p.rel.starts_with(dir)).count();
    println!(
        "imported {} cState issues into {}: {} incidents, {} maintenance, {} news ({} written, {} unchanged)",
        plan.posts.len(),
        out.display(),
        count("incidents"),
        count("maintenance"),
        count("news"),
        report.written.len(),
        report.unchanged.len()
    );
    for p in &plan.posts {
        println!(
            "  {} → {}: {}",
            safe(&p.source),
            safe(&out.join(&p.rel).display().to_string()),
            p.summary
        );
    }
    if !plan.mappings.is_empty() {
        println!("components:");
    }
    for m in &plan.mappings {
        let id = m.id.as_deref().unwrap_or("nothing");
        println!("  {:?} → {id} ({})", m.name, m.how.describe());
    }
    if let Some(known) = site {
        // Only `--component` ids can be missing: the others were matched against it.
        let mut missing: Vec<&str> = plan
            .mappings
            .iter()
            .filter_map(|m| m.id.as_deref())
            .filter(|id| !known.iter().any(|k| k.id == *id))
            .collect();
        missing.sort_unstable();
        missing.dedup();
        if !missing.is_empty() {
            println!(
                "not in {}: {}; add them to `components` or map the names with --component",
                out.join("site.yaml").display(),
                missing.join(", ")
            );
        }
    }
    if !plan.notes.is_empty() {
        println!("needs attention:");
    }
    for n in &plan.notes {
        println!("  {}", safe(n));
    }
    Ok(())
}

/// Imported names, check ids and notes as they may be printed: no live control characters.
fn safe(s: &str) -> std::borrow::Cow<'_, str> {
    crate::diagnostics::terminal_safe(s, false)
}

/// Components of `<out>/site.yaml`, if there is one to match affected systems with.
///
/// Read leniently (only `components`' `id` and `name`): the import should work on a
/// site whose config has an unrelated mistake; `lantern check` reports that.
fn site_components(out: &Path) -> Option<Vec<cstate::SiteComponent>> {
    let text = std::fs::read_to_string(out.join("site.yaml")).ok()?;
    let doc: serde_yaml::Value = crate::yaml::from_str(&text).ok()?;
    let list = doc.get("components")?.as_sequence()?;
    Some(
        list.iter()
            .filter_map(|c| {
                let id = c.get("id")?.as_str()?.to_string();
                let name = c.get("name").and_then(|n| n.as_str()).unwrap_or(&id);
                Some(cstate::SiteComponent {
                    name: name.to_string(),
                    id,
                })
            })
            .collect(),
    )
}
