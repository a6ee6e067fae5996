//! Component statuses and the overall indicator, as design.md defines them.

use crate::health::Verdict;
pub use crate::vocab::{ComponentStatus, Indicator};

/// The component status the checks' verdict alone implies.
pub fn from_checks(v: Verdict) -> ComponentStatus {
    match v {
        Verdict::Up => ComponentStatus::Operational,
        Verdict::Degraded => ComponentStatus::DegradedPerformance,
        Verdict::Down => ComponentStatus::MajorOutage,
        Verdict::Stale => ComponentStatus::Unknown,
    }
}

/// The worse of two statuses.
pub fn worst(a: ComponentStatus, b: ComponentStatus) -> ComponentStatus {
    if b.rank() > a.rank() { b } else { a }
}

/// A component's status now from its three sources.
///
/// Active maintenance wins (failing checks are expected then); otherwise the worse
/// of what open incidents say and what the checks say. `checks` is `None` for a
/// component with no checks, whose status comes from incidents alone.
pub fn combine(
    in_maintenance: bool,
    from_incidents: Option<ComponentStatus>,
    from_checks: Option<ComponentStatus>,
) -> ComponentStatus {
    if in_maintenance {
        return ComponentStatus::UnderMaintenance;
    }
    let a = from_incidents.unwrap_or(ComponentStatus::Operational);
    let b = from_checks.unwrap_or(ComponentStatus::Operational);
    worst(a, b)
}

/// The banner: indicator plus the sentence shown to readers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overall {
    pub worst: ComponentStatus,
    pub indicator: Indicator,
    pub description: &'static str,
}

/// The banner for a set of component statuses; no components reads as operational.
pub fn overall(statuses: impl IntoIterator<Item = ComponentStatus>) -> Overall {
    let worst = statuses
        .into_iter()
        .fold(ComponentStatus::Operational, worst);
    let (indicator, description) = match worst {
        ComponentStatus::Operational => (Indicator::None, "All Systems Operational"),
        ComponentStatus::UnderMaintenance => (Indicator::Maintenance, "Service Under Maintenance"),
        ComponentStatus::DegradedPerformance => (Indicator::Minor, "Partially Degraded Service"),
        ComponentStatus::Unknown => (Indicator::Minor, "Status Unknown: Monitoring Data Is Stale"),
        ComponentStatus::PartialOutage => (Indicator::Major, "Partial System Outage"),
        ComponentStatus::MajorOutage => (Indicator::Critical, "Major System Outage"),
    };
    Overall {
        worst,
        indicator,
        description,
    }
}

#[cfg(test)]
mod tests {
    use super::ComponentStatus::*;
    use super::*;

    #[test]
    fn maintenance_wins_then_worst() {
        assert_eq!(
            combine(true, Some(MajorOutage), Some(MajorOutage)),
            UnderMaintenance
        );
        assert_eq!(
            combine(false, Some(PartialOutage), Some(MajorOutage)),
            MajorOutage
        );
        assert_eq!(combine(false, None, Some(Unknown)), Unknown);
        assert_eq!(
            combine(false, Some(PartialOutage), Some(Unknown)),
            PartialOutage
        );
        assert_eq!(combine(false, None, None), Operational);
    }

    #[test]
    fn unknown_is_never_all_operational() {
        let o = overall([Operational, Unknown, Operational]);
        assert_eq!(o.indicator, Indicator::Minor);
        assert_ne!(o.description, "All Systems Operational");
        assert_eq!(
            overall([Operational]).description,
            "All Systems Operational"
        );
        assert_eq!(
            overall([UnderMaintenance, MajorOutage]).indicator,
            Indicator::Critical
        );
    }
}
