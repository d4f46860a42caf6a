//! Deal rules: process order, dates, core stages, closing, payments, outputs.
//! Core stages and outputs are process rules: history from before
//! `[process] since` is not held to them (SPEC §2.1).

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::format::plain as fmt_num;
use crate::model::*;
use crate::source::{FileId, Span};

pub fn check(repo: &Repo, index: &Index, out: &mut Diagnostics) {
    let config = repo.config();
    for deal in &repo.deals {
        let file = deal.meta.file;
        let has_lead = deal.lead.is_some() || repo.deal_lead(index, deal).is_some();
        let history = repo.is_history_deal(index, deal);

        // Process order and dates.
        let mut prev: Option<(usize, &StageEntry)> = None;
        for e in &deal.stages {
            let Some(idx) = config.stage_index(&e.stage) else {
                continue; // reported as a dangling reference
            };
            if let Some((pidx, p)) = prev {
                if idx <= pidx {
                    out.push(
                        Diagnostic::error(
                            "stage-order",
                            file,
                            e.stage.span.clone(),
                            format!(
                                "stage `{}` is listed after `{}`, but comes {} it in the process",
                                e.stage.value,
                                p.stage.value,
                                if idx == pidx {
                                    "no later than"
                                } else {
                                    "before"
                                }
                            ),
                        )
                        .with_hint(format!(
                            "list stage entries once each, in process order: {}",
                            stage_list(config)
                        )),
                    );
                }
                if *e.entered < *p.entered {
                    out.push(Diagnostic::error(
                        "date-order",
                        file,
                        e.entered.span.clone(),
                        format!(
                            "`{}` entered {} is before the previous stage `{}` entered {}",
                            e.stage.value, e.entered.value, p.stage.value, p.entered.value
                        ),
                    ));
                }
            }
            if let Some(c) = &e.completed
                && c.value < e.entered.value
            {
                out.push(Diagnostic::error(
                    "date-order",
                    file,
                    c.span.clone(),
                    format!(
                        "`{}` completed {} before it was entered ({})",
                        e.stage.value, c.value, e.entered.value
                    ),
                ));
            }
            prev = Some((idx, e));
        }

        // The lead's acquisition starts the history (the implicit `lead` entry,
        // and the cycle's start): nothing of the deal happens before it.
        let lead = repo.deal_lead(index, deal);
        let mut closed_reported = false;
        if let (Some(lead), Some(first)) = (lead, deal.stages.first())
            && *first.entered < *lead.acquired
        {
            out.push(before_lead(
                file,
                first.entered.span.clone(),
                format!("`{}` entered {}", first.stage.value, first.entered.value),
                lead,
            ));
        }

        // Core stages may not be skipped on the way to the furthest stage reached.
        let indices: Vec<(usize, &StageEntry)> = deal
            .stages
            .iter()
            .filter_map(|e| Some((config.stage_index(&e.stage)?, e)))
            .collect();
        let lead_idx = config.stage_index("lead").filter(|_| has_lead);
        if let (Some(&(reached, _)), false) = (indices.iter().max_by_key(|(i, _)| *i), history) {
            for (core_idx, core) in config.stages.iter().enumerate().filter(|(_, s)| s.core) {
                let present =
                    indices.iter().any(|(i, _)| *i == core_idx) || lead_idx == Some(core_idx);
                if core_idx < reached && !present {
                    let (_, jumper) = indices
                        .iter()
                        .find(|(i, _)| *i > core_idx)
                        .expect("reached is later");
                    out.push(
                        Diagnostic::error(
                            "core-stage-skipped",
                            file,
                            jumper.stage.span.clone(),
                            format!(
                                "the deal reaches `{}` without a `{}` entry",
                                jumper.stage.value, core.id
                            ),
                        )
                        .with_hint(format!(
                            "`{}` is a core stage and may not be skipped: add its [[stages]] entry",
                            core.id
                        )),
                    );
                }
            }
        }

        // Closing.
        let closing = config.closing_index();
        let reached_closing = closing.is_some_and(|c| indices.iter().any(|(i, _)| *i >= c));
        let status_span = deal.status.span.clone();
        match *deal.status {
            DealStatus::Won | DealStatus::Lost if deal.closed.is_none() => {
                out.push(
                    Diagnostic::error(
                        "missing-closed",
                        file,
                        status_span.clone(),
                        format!("a {} deal needs a `closed` date", deal.status.as_str()),
                    )
                    .with_hint("closed = the signing date (won) or the date it was lost"),
                );
            }
            _ => {}
        }
        if *deal.status == DealStatus::Won {
            if deal.amount.is_none() {
                out.push(
                    Diagnostic::error(
                        "won-without-amount",
                        file,
                        status_span.clone(),
                        "a won deal needs its contract `amount`",
                    )
                    .with_hint("amount = the signed contract value in yuan, e.g. amount = 500000"),
                );
            }
            if !reached_closing && let Some(c) = closing {
                out.push(
                    Diagnostic::error(
                        "won-without-closing-stage",
                        file,
                        status_span.clone(),
                        format!(
                            "a won deal must have reached the closing stage `{}`",
                            config.stages[c].id
                        ),
                    )
                    .with_hint(
                        "add the closing stage's [[stages]] entry with the date negotiation began",
                    ),
                );
            }
        }
        if *deal.status == DealStatus::Lost
            && deal
                .lost_reason
                .as_deref()
                .is_none_or(|r| r.trim().is_empty())
        {
            out.push(
                Diagnostic::error(
                    "lost-without-reason",
                    file,
                    status_span.clone(),
                    "a lost deal needs a `lost_reason`",
                )
                .with_hint("say why it was lost, e.g. lost_reason = \"价格高于竞品\""),
            );
        }
        if let (Some(closed), Some(c)) = (&deal.closed, closing)
            && matches!(*deal.status, DealStatus::Won | DealStatus::Lost)
        {
            for &(i, e) in &indices {
                if i > c && *e.entered < **closed {
                    out.push(Diagnostic::error(
                        "date-order",
                        file,
                        e.entered.span.clone(),
                        format!("`{}` comes after the closing stage, so it cannot start ({}) before the deal closed ({})", e.stage.value, e.entered.value, closed.value),
                    ));
                } else if i <= c && **closed < *e.entered && !closed_reported {
                    closed_reported = true;
                    out.push(Diagnostic::error(
                        "date-order",
                        file,
                        closed.span.clone(),
                        format!(
                            "the deal closed {} before it entered `{}` ({})",
                            closed.value, e.stage.value, e.entered.value
                        ),
                    ));
                }
            }
            if let Some(lead) = lead
                && **closed < *lead.acquired
                && !closed_reported
            {
                out.push(before_lead(
                    file,
                    closed.span.clone(),
                    format!("the deal closed {}", closed.value),
                    lead,
                ));
            }
        }

        // Payments.
        if let Some(amount) = &deal.amount {
            let total: f64 = deal.payments.iter().map(|p| *p.amount).sum();
            if total > **amount {
                out.push(
                    Diagnostic::error(
                        "payments-exceed-amount",
                        file,
                        amount.span.clone(),
                        format!(
                            "payments total {} but the deal amount is {}",
                            fmt_num(total),
                            fmt_num(**amount)
                        ),
                    )
                    .with_hint("correct the payment amounts or the deal amount"),
                );
            }
        }

        // Expected outputs (a warning).
        for e in deal.stages.iter().filter(|_| !history) {
            let Some(def) = config.stages.iter().find(|s| s.id == *e.stage) else {
                continue;
            };
            let missing: Vec<&str> = def
                .outputs
                .iter()
                .filter(|o| !e.outputs.contains(o))
                .map(String::as_str)
                .collect();
            if !missing.is_empty() {
                out.push(
                    Diagnostic::warning(
                        "missing-output",
                        file,
                        e.stage.span.clone(),
                        format!(
                            "stage `{}` lacks its expected output{}: {}",
                            e.stage.value,
                            if missing.len() > 1 { "s" } else { "" },
                            missing.join(", ")
                        ),
                    )
                    .with_hint("list the documents produced in this stage's `outputs`"),
                );
            }
        }
    }
}

fn stage_list(config: &Config) -> String {
    config
        .stages
        .iter()
        .map(|s| s.id.as_str())
        .collect::<Vec<_>>()
        .join(" → ")
}

/// `what` (a stage entry or the closing) is dated before the deal's lead was
/// acquired: the lead's stage would last a negative number of days.
fn before_lead(file: FileId, span: Span, what: String, lead: &Lead) -> Diagnostic {
    Diagnostic::error(
        "date-order",
        file,
        span,
        format!(
            "{what}, before its lead `{}` was acquired ({})",
            lead.meta.id, lead.acquired.value
        ),
    )
    .with_hint(format!(
        "a deal's history starts when its lead is acquired: fix this date or `acquired` in the lead `{}`",
        lead.meta.id
    ))
}
