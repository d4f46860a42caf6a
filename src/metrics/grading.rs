//! Lead grading (SPEC §2.1): first matching rule wins, no match → low.

use crate::model::{Config, Grade, GradingRule, Lead};

/// Whether every condition of the rule holds. A condition on a field the lead
/// does not have does not hold.
pub fn rule_matches(rule: &GradingRule, lead: &Lead) -> bool {
    let revenue = rule
        .min_annual_revenue
        .is_none_or(|min| lead.annual_revenue.is_some_and(|r| r >= min));
    let budget = rule
        .budget_confirmed
        .is_none_or(|want| lead.budget_confirmed == Some(want));
    let matching = rule
        .min_match
        .is_none_or(|min| lead.match_score.is_some_and(|m| m >= min));
    revenue && budget && matching
}

/// The grade the rules give.
pub fn rule_grade(config: &Config, lead: &Lead) -> Grade {
    config
        .grading
        .iter()
        .find(|r| rule_matches(r, lead))
        .map_or(Grade::Low, |r| r.grade)
}

/// The manual grade when given, else the rules' grade.
pub fn effective_grade(config: &Config, lead: &Lead) -> Grade {
    lead.grade
        .as_ref()
        .map_or_else(|| rule_grade(config, lead), |g| g.value)
}

/// The rules' grade when a manual grade differs from it (a warning).
pub fn grade_mismatch(config: &Config, lead: &Lead) -> Option<Grade> {
    let manual = lead.grade.as_ref()?.value;
    let rules = rule_grade(config, lead);
    (manual != rules).then_some(rules)
}
