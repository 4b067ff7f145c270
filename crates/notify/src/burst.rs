//! Storm control. Pure logic: every call takes the current time, so tests drive the clock.
//!
//! Live notices are shown one by one until `max_individual` were shown within `window`; the rest
//! are counted into one summary. The summary waits until mail has been quiet for `summary_delay`
//! (so one burst gives one summary), but live overflow never waits longer than `window`. Notices
//! from an initial sync are only ever counted, and their summary waits for the sync to go quiet.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::notice::{NoticeKind, NoticeOrigin};

/// How many notifications a burst of mail may raise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BurstPolicy {
    /// Individual notifications allowed within `window`.
    pub max_individual: usize,
    pub window: Duration,
    /// Quiet time after the last held notice before its summary shows.
    pub summary_delay: Duration,
}

impl Default for BurstPolicy {
    fn default() -> Self {
        Self {
            max_individual: 3,
            window: Duration::from_secs(10),
            summary_delay: Duration::from_secs(2),
        }
    }
}

/// What to do with one notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    ShowIndividually,
    /// Counted into the next summary.
    HoldForSummary,
}

/// What a summary notification counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SummaryCounts {
    pub new_tickets: u32,
    pub replies: u32,
    /// Individual notifications of the same burst were shown, so the summary says "more".
    pub follows_individual: bool,
}

impl SummaryCounts {
    pub fn total(&self) -> u32 {
        self.new_tickets.saturating_add(self.replies)
    }

    fn count(&mut self, kind: NoticeKind) {
        let counter = match kind {
            NoticeKind::NewTicket => &mut self.new_tickets,
            NoticeKind::CustomerReply => &mut self.replies,
        };
        *counter = counter.saturating_add(1);
    }
}

#[derive(Debug)]
struct HeldNotices {
    counts: SummaryCounts,
    last_at: Instant,
    /// When the first live notice was held: live overflow is summarized within one window.
    first_live_at: Option<Instant>,
}

/// Decides, notice by notice, between an individual notification and a summary.
#[derive(Debug)]
pub struct BurstLimiter {
    policy: BurstPolicy,
    /// When each individual notification still inside the window was shown.
    shown_at: VecDeque<Instant>,
    held: Option<HeldNotices>,
}

impl BurstLimiter {
    pub fn new(policy: BurstPolicy) -> Self {
        Self {
            policy,
            shown_at: VecDeque::new(),
            held: None,
        }
    }

    pub fn admit(&mut self, kind: NoticeKind, origin: NoticeOrigin, now: Instant) -> Admission {
        self.forget_shown_before(now);
        if origin == NoticeOrigin::Live && self.shown_at.len() < self.policy.max_individual {
            self.shown_at.push_back(now);
            return Admission::ShowIndividually;
        }

        let follows_individual = origin == NoticeOrigin::Live && !self.shown_at.is_empty();
        let held = self.held.get_or_insert(HeldNotices {
            counts: SummaryCounts::default(),
            last_at: now,
            first_live_at: None,
        });
        held.counts.count(kind);
        held.counts.follows_individual |= follows_individual;
        held.last_at = now;
        if origin == NoticeOrigin::Live {
            held.first_live_at.get_or_insert(now);
        }
        Admission::HoldForSummary
    }

    /// When the held notices' summary is due, if any are held.
    pub fn summary_due_at(&self) -> Option<Instant> {
        let held = self.held.as_ref()?;
        let after_quiet = held.last_at + self.policy.summary_delay;
        Some(match held.first_live_at {
            Some(first) => after_quiet.min(first + self.policy.window),
            None => after_quiet,
        })
    }

    /// The summary to show now, if one is due; the held notices are then cleared.
    pub fn take_due_summary(&mut self, now: Instant) -> Option<SummaryCounts> {
        if self.summary_due_at()? > now {
            return None;
        }
        self.held.take().map(|held| held.counts)
    }

    fn forget_shown_before(&mut self, now: Instant) {
        while let Some(&oldest) = self.shown_at.front() {
            if now.duration_since(oldest) < self.policy.window {
                break;
            }
            self.shown_at.pop_front();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use NoticeKind::{CustomerReply, NewTicket};
    use NoticeOrigin::{InitialSync, Live};

    const POLICY: BurstPolicy = BurstPolicy {
        max_individual: 3,
        window: Duration::from_secs(10),
        summary_delay: Duration::from_secs(2),
    };

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    #[test]
    fn a_burst_of_ten_gives_three_individuals_and_one_summary_of_seven() {
        let start = Instant::now();
        let mut limiter = BurstLimiter::new(POLICY);
        let admissions: Vec<_> = (0..10)
            .map(|i| limiter.admit(NewTicket, Live, start + secs(0.1 * i as f64)))
            .collect();
        assert_eq!(
            admissions
                .iter()
                .filter(|a| **a == Admission::ShowIndividually)
                .count(),
            3
        );
        assert_eq!(admissions[..3], [Admission::ShowIndividually; 3]);

        let last = start + secs(0.9);
        assert_eq!(limiter.summary_due_at(), Some(last + secs(2.0)));
        assert_eq!(limiter.take_due_summary(last + secs(1.9)), None);
        let summary = limiter.take_due_summary(last + secs(2.0));
        assert_eq!(
            summary,
            Some(SummaryCounts {
                new_tickets: 7,
                replies: 0,
                follows_individual: true
            })
        );
        assert_eq!(limiter.take_due_summary(last + secs(5.0)), None);
        assert_eq!(limiter.summary_due_at(), None);
    }

    #[test]
    fn the_window_slides_so_mail_after_it_shows_individually_again() {
        let start = Instant::now();
        let mut limiter = BurstLimiter::new(POLICY);
        for _ in 0..3 {
            limiter.admit(NewTicket, Live, start);
        }
        assert_eq!(
            limiter.admit(CustomerReply, Live, start + secs(9.9)),
            Admission::HoldForSummary
        );
        assert_eq!(
            limiter.admit(CustomerReply, Live, start + secs(10.0)),
            Admission::ShowIndividually
        );
    }

    #[test]
    fn steady_live_overflow_is_summarized_within_one_window() {
        let start = Instant::now();
        let mut limiter = BurstLimiter::new(POLICY);
        for _ in 0..3 {
            limiter.admit(NewTicket, Live, start);
        }
        // One held notice a second never leaves a quiet gap, yet the summary comes by start + 11.
        for i in 1..=9 {
            limiter.admit(NewTicket, Live, start + secs(i as f64));
        }
        assert_eq!(limiter.summary_due_at(), Some(start + secs(11.0)));
    }

    #[test]
    fn initial_sync_never_shows_individually_and_waits_for_quiet() {
        let start = Instant::now();
        let mut limiter = BurstLimiter::new(POLICY);
        for i in 0..40 {
            let kind = if i % 4 == 0 { CustomerReply } else { NewTicket };
            assert_eq!(
                limiter.admit(kind, InitialSync, start + secs(i as f64)),
                Admission::HoldForSummary
            );
        }
        // A long sync is not cut into one summary per window.
        assert_eq!(limiter.summary_due_at(), Some(start + secs(41.0)));
        let summary = limiter.take_due_summary(start + secs(41.0));
        assert_eq!(
            summary,
            Some(SummaryCounts {
                new_tickets: 30,
                replies: 10,
                follows_individual: false
            })
        );
    }

    #[test]
    fn live_mail_during_an_initial_sync_still_shows() {
        let start = Instant::now();
        let mut limiter = BurstLimiter::new(POLICY);
        limiter.admit(NewTicket, InitialSync, start);
        assert_eq!(
            limiter.admit(NewTicket, Live, start),
            Admission::ShowIndividually
        );
    }

    #[test]
    fn zero_individuals_allowed_summarizes_everything_without_more() {
        let start = Instant::now();
        let mut limiter = BurstLimiter::new(BurstPolicy {
            max_individual: 0,
            ..POLICY
        });
        assert_eq!(
            limiter.admit(NewTicket, Live, start),
            Admission::HoldForSummary
        );
        let summary = limiter.take_due_summary(start + secs(2.0));
        assert_eq!(summary.map(|s| s.follows_individual), Some(false));
    }
}
