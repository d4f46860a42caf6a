//! The funnel (SPEC §4): of the leads acquired in a period, how many reached
//! each stage (a deal of theirs has an entry of that stage or a later one, the
//! implicit `lead` entry included), how many were won, and the conversions.

use crate::model::{Config, YearMonth};

/// What one lead (existing as of the date) reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeadReach {
    pub acquired: YearMonth,
    /// The furthest configured stage any of its deals has an entry of.
    pub max_stage: Option<usize>,
    /// One of its deals is won as of the date.
    pub won: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FunnelStep {
    pub stage: usize,
    pub stage_id: String,
    pub reached: usize,
    /// reached ÷ the previous step's reached (the first step: ÷ leads); null when 0.
    pub conversion: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Funnel {
    pub from: YearMonth,
    pub to: YearMonth,
    pub leads: usize,
    pub steps: Vec<FunnelStep>,
    pub won: usize,
    /// won ÷ leads.
    pub won_rate: Option<f64>,
    /// won ÷ reached the closing stage.
    pub won_from_closing: Option<f64>,
}

fn rate(a: usize, b: usize) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

/// The funnel of the leads acquired in the months `from..=to`.
pub fn funnel(config: &Config, reach: &[LeadReach], from: YearMonth, to: YearMonth) -> Funnel {
    let cohort: Vec<&LeadReach> = reach
        .iter()
        .filter(|r| r.acquired >= from && r.acquired <= to)
        .collect();
    let leads = cohort.len();
    let mut prev = leads;
    let steps = config
        .stages
        .iter()
        .enumerate()
        .map(|(i, def)| {
            let reached = cohort
                .iter()
                .filter(|r| r.max_stage.is_some_and(|m| m >= i))
                .count();
            let step = FunnelStep {
                stage: i,
                stage_id: def.id.clone(),
                reached,
                conversion: rate(reached, prev),
            };
            prev = reached;
            step
        })
        .collect::<Vec<_>>();
    let won = cohort.iter().filter(|r| r.won).count();
    let closing = config.closing_index().map_or(0, |c| steps[c].reached);
    Funnel {
        from,
        to,
        leads,
        steps,
        won,
        won_rate: rate(won, leads),
        won_from_closing: rate(won, closing),
    }
}
