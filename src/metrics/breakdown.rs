//! Breakdowns of the monthly KPIs (SPEC §4) by owner, channel, channel group,
//! industry and lead grade: the same KPI code (`kpi::accumulate` + `kpi::table`)
//! run over subsets of the facts, keyed by each fact's attribution.
//!
//! Attribution: a lead by its own owner, source channel (and the channel's
//! group), industry and effective grade. A deal — and its payments and visits —
//! by the deal's `owner`; channel, group and grade via its lead (none when the
//! deal has no lead); industry via its customer (else its lead).

use std::collections::BTreeMap;

use super::kpi::{self, Attr, Facts, MonthKpis};
use crate::model::{ChannelGroup, Config, Grade, YearMonth};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dimension {
    Owner,
    Channel,
    ChannelGroup,
    Industry,
    Grade,
}

impl Dimension {
    pub const ALL: [Dimension; 5] = [
        Dimension::Owner,
        Dimension::Channel,
        Dimension::ChannelGroup,
        Dimension::Industry,
        Dimension::Grade,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Owner => "owner",
            Dimension::Channel => "channel",
            Dimension::ChannelGroup => "channel_group",
            Dimension::Industry => "industry",
            Dimension::Grade => "grade",
        }
    }
    /// The key of an attribution in this dimension; `None` = not attributed.
    pub fn key(self, a: &Attr) -> Option<&str> {
        match self {
            Dimension::Owner => Some(&a.owner),
            Dimension::Channel => a.channel.as_deref(),
            Dimension::ChannelGroup => a.group.map(|g| g.as_str()),
            Dimension::Industry => a.industry.as_deref(),
            Dimension::Grade => a.grade.map(|g| g.as_str()),
        }
    }
    /// Keys listed even when nothing is attributed to them, in config order.
    fn known_keys(self, config: &Config) -> Vec<String> {
        match self {
            Dimension::Owner => config.owners.iter().map(|o| o.id.clone()).collect(),
            Dimension::Channel => config.channels.iter().map(|c| c.id.clone()).collect(),
            Dimension::ChannelGroup => ChannelGroup::VALUES
                .iter()
                .filter(|g| config.channels.iter().any(|c| c.group == **g))
                .map(|g| g.as_str().to_string())
                .collect(),
            Dimension::Industry => Vec::new(),
            Dimension::Grade => Grade::ALL.iter().map(|g| g.to_string()).collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct BreakdownGroup {
    /// Owner id, channel id, group, industry or grade; `None` for facts without
    /// one (deals without a lead, for channel/group/grade).
    pub key: Option<String>,
    /// The monthly KPIs of this subset; no targets (targets are team-level).
    pub months: Vec<MonthKpis>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Breakdown {
    pub dimension: Dimension,
    /// Known keys in config order, then other keys sorted, then `None`.
    pub groups: Vec<BreakdownGroup>,
}

/// The monthly KPIs of the facts `keep` selects.
pub fn subset_table(
    facts: &Facts,
    months: &[YearMonth],
    keep: impl Fn(&Attr) -> bool,
) -> Vec<MonthKpis> {
    let accs = kpi::accumulate(facts, |a| keep(a).then_some(()));
    let empty = BTreeMap::new();
    let accs = accs.first().map_or(&empty, |(_, m)| m);
    kpi::table(months, accs, None)
}

/// `targets` are the team's; by owner, each group gets its owner's
/// `[targets.owners.<id>]` (so a scorecard has completion), other groups none.
pub fn breakdown(
    config: &Config,
    facts: &Facts,
    dimension: Dimension,
    months: &[YearMonth],
    targets: &kpi::Targets,
) -> Breakdown {
    // Keys borrowed from the facts: one String per group, not per fact.
    let accs = kpi::accumulate(facts, |a| Some(dimension.key(a)));
    let mut by_key: BTreeMap<Option<String>, _> = accs
        .into_iter()
        .map(|(k, a)| (k.map(String::from), a))
        .collect();
    let mut groups = Vec::new();
    for k in dimension.known_keys(config) {
        let accs = by_key.remove(&Some(k.clone())).unwrap_or_default();
        groups.push((Some(k), accs));
    }
    // BTreeMap order: None first, then sorted keys; put None last.
    let none = by_key.remove(&None);
    groups.extend(by_key);
    if let Some(accs) = none {
        groups.push((None, accs));
    }
    Breakdown {
        dimension,
        groups: groups
            .into_iter()
            .map(|(key, accs)| {
                let owner = match (&key, dimension) {
                    (Some(k), Dimension::Owner) => Some(targets.of_owner(k)),
                    _ => None,
                };
                BreakdownGroup {
                    months: kpi::table(months, &accs, owner.as_ref()),
                    key,
                }
            })
            .collect(),
    }
}
