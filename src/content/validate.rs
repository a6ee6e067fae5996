//! Checks that need more than the YAML shape: references, time order, consistency.

use super::{Incident, Maintenance, Update};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::vocab::IncidentStatus;
use crate::yaml;
use chrono::{DateTime, Utc};
use std::path::Path;

/// What a check needs to place its message: the file, its YAML and where it starts.
pub struct Ctx<'a> {
    pub file: &'a Path,
    pub yaml: &'a str,
    pub first_line: usize,
    pub config: Option<&'a Config>,
    pub now: DateTime<Utc>,
}

impl Ctx<'_> {
    fn file_line(&self, yaml_line: Option<usize>) -> Option<usize> {
        yaml_line.map(|l| l + self.first_line - 1)
    }

    fn at_key(&self, key: &str, msg: String) -> Diagnostic {
        Diagnostic::error(self.file, msg)
            .at_line(self.file_line(yaml::key_line(self.yaml, key)))
            .field(key)
    }

    fn at_update(&self, index: usize, msg: String) -> Diagnostic {
        Diagnostic::error(self.file, msg)
            .at_line(self.file_line(yaml::list_item_line(self.yaml, "updates", index)))
            .field(format!("updates[{index}]"))
    }
}

/// The title must say something.
pub fn title(title: &str, ctx: &Ctx, diags: &mut Diagnostics) {
    if title.trim().is_empty() {
        diags.push(ctx.at_key("title", "must not be empty".into()));
    }
}

/// Every referenced component exists; incidents and maintenance name at least one.
pub fn components(ids: &[String], required: bool, ctx: &Ctx, diags: &mut Diagnostics) {
    if required && ids.is_empty() {
        diags.push(ctx.at_key(
            "components",
            "list at least one component id from site.yaml".into(),
        ));
    }
    let Some(config) = ctx.config else { return };
    let known: Vec<&str> = config.components.iter().map(|c| c.id.as_str()).collect();
    for id in ids {
        if known.contains(&id.as_str()) {
            continue;
        }
        let hint = match yaml::closest(id, &known) {
            Some(best) => format!("; did you mean `{best}`?"),
            None => format!("; known components: {}", known.join(", ")),
        };
        diags.push(ctx.at_key("components", format!("unknown component `{id}`{hint}")));
    }
}

/// Time order and status consistency of an incident.
pub fn incident(inc: &Incident, ctx: &Ctx, diags: &mut Diagnostics) {
    if inc.updates.is_empty() {
        diags.push(ctx.at_key("updates", "an incident needs at least one update".into()));
    }
    if let Some(resolved) = inc.resolved {
        if resolved < inc.started {
            diags.push(ctx.at_key(IncidentStatus::RESOLVED_KEY, "is before `started`".into()));
        }
    } else if let Some(latest) = inc.updates.first()
        && latest.status.closes()
    {
        diags.push(ctx.at_update(
                latest.written,
                format!(
                    "the latest update says `{}` but the incident has no `resolved` time; add `resolved: {}`",
                    latest.status,
                    crate::time::iso(latest.at)
                ),
            ));
    }
    if inc.started > ctx.now {
        diags.push(
            Diagnostic::warning(ctx.file, "`started` is in the future; is the date right?")
                .at_line(ctx.file_line(yaml::key_line(ctx.yaml, "started")))
                .field("started"),
        );
    }
}

/// Updates dated after the build time do not count yet: say so, one warning each,
/// pointing at the update as written.
pub fn future_updates<S>(updates: &[Update<S>], ctx: &Ctx, diags: &mut Diagnostics) {
    let mut later: Vec<&Update<S>> = updates.iter().filter(|u| u.at > ctx.now).collect();
    later.sort_by_key(|u| u.written);
    for u in later {
        diags.push(
            Diagnostic::warning(
                ctx.file,
                format!(
                    "this update is dated {}, after the build time {}; it does not count until then (previews show it as scheduled)",
                    crate::time::iso(u.at),
                    crate::time::iso(ctx.now)
                ),
            )
            .at_line(ctx.file_line(yaml::list_item_line(ctx.yaml, "updates", u.written)))
            .field(format!("updates[{}]", u.written)),
        );
    }
}

/// Window order of a maintenance.
pub fn maintenance(m: &Maintenance, ctx: &Ctx, diags: &mut Diagnostics) {
    if m.end <= m.start {
        diags.push(ctx.at_key("scheduled_end", "must be after `scheduled_start`".into()));
    }
}
