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

/// What a funnel step counts: the leads that reached a stage, or those won.
#[derive(Debug, Clone, PartialEq)]
pub enum StepKind {
    /// A configured stage, by its position in `config.stages`.
    Stage { index: usize, id: String },
    /// A deal of the lead's is won as of the date.
    Won,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FunnelStep {
    pub kind: StepKind,
    pub reached: usize,
    /// reached ÷ the previous step's reached (the first step: ÷ leads); null when 0.
    pub conversion: Option<f64>,
    /// reached ÷ the leads of the period; null when there are none.
    pub share: Option<f64>,
}

/// The steps in process order: the stages up to the closing stage, `Won`, then
/// the stages after closing (fulfilment follows the signing). Without a
/// closing stage, `Won` comes last. Every view of the funnel shows this list.
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
    let won = cohort.iter().filter(|r| r.won).count();
    let stage_reached = |i: usize| {
        cohort
            .iter()
            .filter(|r| r.max_stage.is_some_and(|m| m >= i))
            .count()
    };
    let closing = config.closing_index();
    let won_at = closing.map_or(config.stages.len(), |c| c + 1);
    let mut counted: Vec<(StepKind, usize)> = config
        .stages
        .iter()
        .enumerate()
        .map(|(index, def)| {
            let kind = StepKind::Stage {
                index,
                id: def.id.clone(),
            };
            (kind, stage_reached(index))
        })
        .collect();
    counted.insert(won_at, (StepKind::Won, won));
    let mut prev = leads;
    let steps = counted
        .into_iter()
        .map(|(kind, reached)| {
            let conversion = rate(reached, prev);
            prev = reached;
            FunnelStep {
                kind,
                reached,
                conversion,
                share: rate(reached, leads),
            }
        })
        .collect();
    Funnel {
        from,
        to,
        leads,
        steps,
        won,
        won_rate: rate(won, leads),
        won_from_closing: rate(won, closing.map_or(0, stage_reached)),
    }
}
