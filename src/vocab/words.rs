//! Every word of the model, spelled once: post kinds, incident impact, update
//! statuses, component statuses and the page indicator, with Statuspage's words
//! where its API differs from Lantern's.

use super::vocabulary;

vocabulary!(
    /// How badly an incident hurts readers; `Ord` from harmless to worst.
    Impact, what "an impact", key "impact",
    { None => "none" / "None", Minor => "minor" / "Minor", Major => "major" / "Major", Critical => "critical" / "Critical" }
);

vocabulary!(
    /// Status of an incident update (Statuspage's vocabulary), in lifecycle order.
    IncidentStatus, what "an incident status", key "incident_status",
    {
        Investigating => "investigating" / "Investigating",
        Identified => "identified" / "Identified",
        Monitoring => "monitoring" / "Monitoring",
        Resolved => "resolved" / "Resolved",
        Postmortem => "postmortem" / "Postmortem",
    }
);

vocabulary!(
    /// Status of a maintenance update, in lifecycle order.
    MaintenanceStatus, what "a maintenance status", key "maintenance_status",
    {
        Scheduled => "scheduled" / "Scheduled",
        InProgress => "in_progress" / "In progress",
        Verifying => "verifying" / "Verifying",
        Completed => "completed" / "Completed",
    }
);

vocabulary!(
    /// The three kinds of post, each with its own folder under `content/`; `as_str` is
    /// the singular name used in messages, templates and stable ids.
    PostKind, what "a post kind", key "impact",
    { Incident => "incident" / "Incident", Maintenance => "maintenance" / "Maintenance", News => "news" / "News" }
);

impl PostKind {
    /// Folder under `content/` and URL prefix of the published page.
    pub fn dir(self) -> &'static str {
        match self {
            PostKind::Incident => "incidents",
            PostKind::Maintenance => "maintenance",
            PostKind::News => "news",
        }
    }

    /// The kind whose folder under `content/` is `dir`.
    pub fn from_dir(dir: &str) -> Option<PostKind> {
        PostKind::ALL.iter().copied().find(|k| k.dir() == dir)
    }
}

impl clap::ValueEnum for PostKind {
    fn value_variants<'a>() -> &'a [Self] {
        &PostKind::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}

impl IncidentStatus {
    /// The incident front-matter key that holds when it was resolved; named after the
    /// status word, so it lives with it.
    pub const RESOLVED_KEY: &'static str = "resolved";

    /// The incident is over by this update's word (resolved, or written up after).
    pub fn closes(self) -> bool {
        matches!(self, IncidentStatus::Resolved | IncidentStatus::Postmortem)
    }
}

/// The status of one update as `lantern update --status` takes it: any incident or
/// maintenance word (which fits which post is checked against the post's folder).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateStatus {
    Incident(IncidentStatus),
    Maintenance(MaintenanceStatus),
}

impl UpdateStatus {
    const COUNT: usize = IncidentStatus::ALL.len() + MaintenanceStatus::ALL.len();

    /// Every status, incident words first; built from the two sets, so a word added
    /// there is accepted here too.
    const ALL: [UpdateStatus; Self::COUNT] = {
        let mut out = [UpdateStatus::Incident(IncidentStatus::ALL[0]); Self::COUNT];
        let mut i = 0;
        while i < IncidentStatus::ALL.len() {
            out[i] = UpdateStatus::Incident(IncidentStatus::ALL[i]);
            i += 1;
        }
        let mut j = 0;
        while j < MaintenanceStatus::ALL.len() {
            out[i + j] = UpdateStatus::Maintenance(MaintenanceStatus::ALL[j]);
            j += 1;
        }
        out
    };

    /// The word as written in front matter.
    pub fn as_str(self) -> &'static str {
        match self {
            UpdateStatus::Incident(s) => s.as_str(),
            UpdateStatus::Maintenance(s) => s.as_str(),
        }
    }

    /// The kind of post this status belongs to.
    pub fn kind(self) -> PostKind {
        match self {
            UpdateStatus::Incident(_) => PostKind::Incident,
            UpdateStatus::Maintenance(_) => PostKind::Maintenance,
        }
    }

    /// The words valid for posts of `kind` (none for news).
    pub fn words_for(kind: PostKind) -> Vec<&'static str> {
        UpdateStatus::ALL
            .iter()
            .filter(|s| s.kind() == kind)
            .map(|s| s.as_str())
            .collect()
    }
}

impl std::fmt::Display for UpdateStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl clap::ValueEnum for UpdateStatus {
    fn value_variants<'a>() -> &'a [Self] {
        &UpdateStatus::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}

vocabulary!(
    /// A component's state at one instant; `Ord` from best to worst, which is the
    /// banner's order (`Unknown` is worse than degraded: a dead monitor proves nothing).
    ComponentStatus, what "a component status", key "component_status",
    {
        Operational => "operational" / "Operational",
        UnderMaintenance => "under_maintenance" / "Under maintenance",
        DegradedPerformance => "degraded_performance" / "Degraded performance",
        /// No fresh monitoring data: never shown as operational.
        Unknown => "unknown" / "Status unknown",
        PartialOutage => "partial_outage" / "Partial outage",
        MajorOutage => "major_outage" / "Major outage",
    }
);

vocabulary!(
    /// The page-level indicator (Statuspage's `status.indicator`).
    Indicator, what "an indicator", key "indicator",
    { None => "none" / "None", Minor => "minor" / "Minor", Major => "major" / "Major", Critical => "critical" / "Critical", Maintenance => "maintenance" / "Maintenance" }
);

impl ComponentStatus {
    /// Badness for the overall banner: higher is worse (0 is operational).
    pub fn rank(self) -> u8 {
        self as u8
    }

    /// The catalogue key of the banner sentence when this is the worst status.
    pub fn banner_key(self) -> &'static str {
        match self {
            ComponentStatus::Operational => "banner.all_operational",
            ComponentStatus::UnderMaintenance => "banner.maintenance",
            ComponentStatus::DegradedPerformance => "banner.degraded",
            ComponentStatus::Unknown => "banner.unknown",
            ComponentStatus::PartialOutage => "banner.partial_outage",
            ComponentStatus::MajorOutage => "banner.major_outage",
        }
    }

    /// Statuspage's word for this status. Statuspage has no "unknown": stale data
    /// reads `degraded_performance`, the closest value that does not claim all is well.
    pub fn statuspage_word(self) -> &'static str {
        match self {
            ComponentStatus::Unknown => ComponentStatus::DegradedPerformance.as_str(),
            other => other.as_str(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    #[test]
    fn update_status_takes_every_word_of_both_kinds() {
        assert_eq!(
            UpdateStatus::from_str("in_progress", false),
            Ok(UpdateStatus::Maintenance(MaintenanceStatus::InProgress))
        );
        assert_eq!(
            UpdateStatus::from_str("resolved", false),
            Ok(UpdateStatus::Incident(IncidentStatus::Resolved))
        );
        assert!(UpdateStatus::from_str("fixed", false).is_err());
        let resolved = UpdateStatus::Incident(IncidentStatus::Resolved);
        assert_eq!(resolved.to_string(), "resolved");
        assert_eq!(resolved.kind(), PostKind::Incident);
        assert_eq!(
            UpdateStatus::words_for(PostKind::Maintenance),
            ["scheduled", "in_progress", "verifying", "completed"]
        );
        assert!(UpdateStatus::words_for(PostKind::News).is_empty());
    }

    #[test]
    fn the_command_line_offers_every_word_once() {
        let words: Vec<String> = UpdateStatus::value_variants()
            .iter()
            .map(|v| v.to_possible_value().unwrap().get_name().to_string())
            .collect();
        assert_eq!(
            words.len(),
            IncidentStatus::ALL.len() + MaintenanceStatus::ALL.len()
        );
        assert_eq!(words[0], "investigating");
        assert_eq!(words.last().map(String::as_str), Some("completed"));
        assert_eq!(
            PostKind::from_str("maintenance", false),
            Ok(PostKind::Maintenance)
        );
        assert!(PostKind::from_str("post", false).is_err());
        assert_eq!(PostKind::value_variants().len(), 3);
    }

    #[test]
    fn kinds_and_folders() {
        assert_eq!(PostKind::from_dir("incidents"), Some(PostKind::Incident));
        assert_eq!(PostKind::from_dir("incident"), None);
        assert!(IncidentStatus::Postmortem.closes() && !IncidentStatus::Monitoring.closes());
    }

    #[test]
    fn rank_follows_the_order_and_statuspage_never_says_unknown() {
        let ranks: Vec<u8> = ComponentStatus::ALL.iter().map(|s| s.rank()).collect();
        assert_eq!(ranks, [0, 1, 2, 3, 4, 5]);
        assert_eq!(
            ComponentStatus::Unknown.statuspage_word(),
            ComponentStatus::DegradedPerformance.as_str()
        );
        assert_eq!(
            ComponentStatus::MajorOutage.statuspage_word(),
            "major_outage"
        );
        assert_eq!(
            ComponentStatus::PartialOutage.banner_key(),
            "banner.partial_outage"
        );
    }
}
