//! `lantern import`: another monitor's data into the health feed, or cState
//! issues into posts. Reads everything first; writes only when all of it was read.

use crate::cli::ImportFormat;
use crate::import::{self, Imported, cstate};
use anyhow::bail;
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
    let given: [(&str, bool, &[ImportFormat]); 7] = [
        ("--names", a.names.is_some(), &[UptimeKuma]),
        ("--latency", a.latency.is_some(), &[Prometheus]),
        ("--label", a.label.is_some(), &[Prometheus]),
        ("--timezone", a.timezone.is_some(), &[Cstate]),
        ("--component", !a.components.is_empty(), &[Cstate]),
        ("--days", a.days.is_some(), &[Upptime]),
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
        ImportFormat::Upptime => import::upptime::import(&a.input, a.days.unwrap_or(90))?,
        ImportFormat::Prometheus => {
            import::prometheus::import(&a.input, a.latency.as_deref(), a.label.as_deref())?
        }
    };
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| Path::new("content/health").join(format!("{name}.jsonl")));
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
    let opts = cstate::Options {
        timezone,
        components: a.components.clone(),
    };
    let plan = cstate::plan(&a.input, &opts)?;
    let out = a.out.clone().unwrap_or_else(|| PathBuf::from("content"));
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
        let how = if m.mapped {
            "--component"
        } else {
            "not mapped: slugified name"
        };
        println!("  {:?} → {} ({how})", m.name, m.id);
    }
    if let Some(known) = site_component_ids(&out) {
        let mut missing: Vec<&str> = plan
            .mappings
            .iter()
            .map(|m| m.id.as_str())
            .filter(|id| !known.iter().any(|k| k == id))
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

/// Component ids of `<out>/site.yaml`, if there is one to compare with.
fn site_component_ids(out: &Path) -> Option<Vec<String>> {
    let text = std::fs::read_to_string(out.join("site.yaml")).ok()?;
    let doc: serde_yaml::Value = crate::yaml::from_str(&text).ok()?;
    let list = doc.get("components")?.as_sequence()?;
    Some(
        list.iter()
            .filter_map(|c| c.get("id")?.as_str().map(str::to_string))
            .collect(),
    )
}
