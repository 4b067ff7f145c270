//! What a notification says: pure functions from notices and counts to title and body.

use crate::burst::SummaryCounts;
use crate::notice::{NoticeKind, TicketNotice};
use crate::text::{first_line, single_line, truncate};

const MAX_NAME_CHARS: usize = 60;
const MAX_LINE_CHARS: usize = 120;

/// A notification ready to show, before any server-specific escaping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationContent {
    pub title: String,
    /// Lines separated by '\n'.
    pub body: String,
    /// The ticket a click opens; summaries open nothing.
    pub opens_ticket: Option<i64>,
}

/// "New ticket from Zoë Martin" or "Zoë Martin replied", then subject, order and first line.
pub fn for_notice(kind: NoticeKind, notice: &TicketNotice) -> NotificationContent {
    let who = customer_label(notice);
    let title = match kind {
        NoticeKind::NewTicket => format!("New ticket from {who}"),
        NoticeKind::CustomerReply => format!("{who} replied"),
    };

    let subject = truncate(&single_line(&notice.subject), MAX_LINE_CHARS);
    let mut lines = vec![if subject.is_empty() {
        "(no subject)".to_owned()
    } else {
        subject
    }];
    if let Some(order) = notice.order_name.as_deref().map(single_line) {
        if !order.is_empty() {
            lines.push(format!("Order {}", truncate(&order, MAX_NAME_CHARS)));
        }
    }
    let preview = first_line(&notice.preview);
    if !preview.is_empty() {
        lines.push(truncate(&preview, MAX_LINE_CHARS));
    }

    NotificationContent {
        title,
        body: lines.join("\n"),
        opens_ticket: Some(notice.ticket_id),
    }
}

/// "12 new tickets", "7 more new tickets and 2 customer replies", ...
pub fn for_summary(counts: &SummaryCounts) -> NotificationContent {
    let more = counts.follows_individual;
    let tickets = count_phrase(counts.new_tickets, more, "new ticket", "new tickets");
    let replies = count_phrase(counts.replies, more, "customer reply", "customer replies");
    let title = match (counts.new_tickets, counts.replies) {
        (0, _) => replies,
        (_, 0) => tickets,
        _ => format!(
            "{tickets} and {}",
            count_phrase(counts.replies, false, "reply", "replies")
        ),
    };
    let them = if counts.total() == 1 { "it" } else { "them" };
    NotificationContent {
        title,
        body: format!("Open Shopdesk to read {them}."),
        opens_ticket: None,
    }
}

/// The customer's name when the mail gave one, else their address.
fn customer_label(notice: &TicketNotice) -> String {
    let name = notice.customer_name.as_deref().map(single_line);
    let label = match name {
        Some(name) if !name.is_empty() => name,
        _ => single_line(&notice.customer_email),
    };
    truncate(&label, MAX_NAME_CHARS)
}

fn count_phrase(count: u32, more: bool, singular: &str, plural: &str) -> String {
    let noun = if count == 1 { singular } else { plural };
    let more = if more { " more" } else { "" };
    format!("{count}{more} {noun}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice() -> TicketNotice {
        TicketNotice {
            ticket_id: 42,
            customer_name: Some("Zoë Martin".into()),
            customer_email: "zoe@example.com".into(),
            subject: "Where is my order?".into(),
            preview: "\nHi, I ordered the blue mug last week.\nThanks, Zoë".into(),
            order_name: Some("#1001".into()),
        }
    }

    #[test]
    fn new_ticket_has_name_subject_order_and_first_line() {
        let content = for_notice(NoticeKind::NewTicket, &notice());
        assert_eq!(content.title, "New ticket from Zoë Martin");
        assert_eq!(
            content.body,
            "Where is my order?\nOrder #1001\nHi, I ordered the blue mug last week."
        );
        assert_eq!(content.opens_ticket, Some(42));
    }

    #[test]
    fn reply_without_name_or_order_uses_the_address() {
        let mut notice = notice();
        notice.customer_name = Some("  ".into());
        notice.order_name = None;
        let content = for_notice(NoticeKind::CustomerReply, &notice);
        assert_eq!(content.title, "zoe@example.com replied");
        assert_eq!(
            content.body,
            "Where is my order?\nHi, I ordered the blue mug last week."
        );
    }

    #[test]
    fn long_preview_is_cut_to_120_characters_and_empty_subject_is_named() {
        let mut notice = notice();
        notice.subject = "\r\n".into();
        notice.preview = "é".repeat(300);
        let content = for_notice(NoticeKind::NewTicket, &notice);
        let lines: Vec<&str> = content.body.lines().collect();
        assert_eq!(lines[0], "(no subject)");
        assert_eq!(lines[2].chars().count(), 120);
        assert!(lines[2].ends_with('…'));
    }

    #[test]
    fn summary_titles() {
        let counts = |new_tickets, replies, follows_individual| SummaryCounts {
            new_tickets,
            replies,
            follows_individual,
        };
        let title = |c: SummaryCounts| for_summary(&c).title;
        assert_eq!(title(counts(12, 0, false)), "12 new tickets");
        assert_eq!(title(counts(7, 0, true)), "7 more new tickets");
        assert_eq!(title(counts(0, 1, false)), "1 customer reply");
        assert_eq!(
            title(counts(7, 2, true)),
            "7 more new tickets and 2 replies"
        );
        assert_eq!(
            for_summary(&counts(1, 0, false)).body,
            "Open Shopdesk to read it."
        );
        assert_eq!(for_summary(&counts(2, 0, false)).opens_ticket, None);
    }
}
