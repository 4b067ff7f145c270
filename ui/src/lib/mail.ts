// Pure helpers for the conversation: where the sandboxed HTML view of a mail loads from, where replies go in the
// thread, and how a reply's outbox state reads.
import type { MessageView } from "./bindings/MessageView";
import type { ReplyView } from "./bindings/ReplyView";
import type { SearchHitView } from "./bindings/SearchHitView";
import type { TicketSummary } from "./bindings/TicketSummary";
import type { Tone } from "./format";

/**
 * The scheme the shell serves each mail's sanitized HTML from (src-tauri/src/mail_protocol.rs),
 * with its own CSP header: no script, no fetch, images only from data: (and https: once the
 * user loaded that mail's images). A URL, not a srcdoc, so the frame does not inherit the
 * window's CSP and the window's CSP never has to allow remote images.
 */
export const MAIL_SCHEME = "shopdesk-mail";

/**
 * The frame URL of a message, by Tauri's convention for custom schemes:
 * `shopdesk-mail://localhost/<id>`, or `http://shopdesk-mail.localhost/<id>` where the webview
 * has no custom schemes of its own (Windows, Android). Anything but a positive integer id gets
 * an empty page.
 */
export function mailFrameSrc(messageId: number, userAgent: string = navigator.userAgent): string {
  if (!Number.isSafeInteger(messageId) || messageId <= 0) return "about:blank";
  return /Windows|Android/.test(userAgent)
    ? `http://${MAIL_SCHEME}.localhost/${messageId}`
    : `${MAIL_SCHEME}://localhost/${messageId}`;
}

const squash = (text: string): string => text.replace(/\s+/g, " ").trim();

/** A reply and the outbound message it became, if that message is in the thread already. */
export interface PlacedReplies {
  /** message id → the reply that message is (its state is shown on the message). */
  byMessage: Map<number, ReplyView>;
  /** Replies with no message in the thread yet (queued, sending, failed, cancelled): shown after it. */
  pending: ReplyView[];
}

/**
 * Matches each reply to the outbound message that carries its text (the message body is the
 * reply followed by the quoted mail), so a sent reply shows once, with its state on it.
 */
export function placeReplies(messages: MessageView[], replies: ReplyView[]): PlacedReplies {
  const byMessage = new Map<number, ReplyView>();
  const pending: ReplyView[] = [];
  const outbound = messages.filter((m) => m.direction === "outbound");
  for (const reply of replies) {
    const text = squash(reply.body);
    const match =
      reply.state === "sent" && text.length > 0
        ? outbound.find((m) => !byMessage.has(m.id) && squash(m.bodyText).startsWith(text))
        : undefined;
    if (match) byMessage.set(match.id, reply);
    else pending.push(reply);
  }
  return { byMessage, pending };
}

/** The label and tone of a reply's state badge. */
export function replyBadge(reply: ReplyView): { label: string; tone: Tone } {
  if (reply.demo) return { label: "Demo: not sent", tone: "warning" };
  switch (reply.state) {
    case "queued":
      return { label: "Queued", tone: "info" };
    case "sending":
      return { label: "Sending…", tone: "info" };
    case "sent":
      return { label: "Sent", tone: "success" };
    case "failed":
      return { label: "Failed", tone: "danger" };
    case "cancelled":
      return { label: "Cancelled", tone: "neutral" };
  }
}

/** Search results as the inbox shows them: matching tickets, then customers and orders. */
export interface SearchResults {
  tickets: TicketSummary[];
  others: SearchHitView[];
}

/**
 * Tickets whose messages matched, in hit order, once each (looked up in the inbox list), and the
 * customer and order hits that lead to a ticket.
 */
export function groupSearchHits(hits: SearchHitView[], tickets: TicketSummary[]): SearchResults {
  const byId = new Map(tickets.map((t) => [t.id, t]));
  const seen = new Set<number>();
  const found: TicketSummary[] = [];
  const others: SearchHitView[] = [];
  for (const hit of hits) {
    if (hit.ticketId === null) continue;
    if (hit.kind === "message") {
      const ticket = byId.get(hit.ticketId);
      if (ticket && !seen.has(ticket.id)) {
        seen.add(ticket.id);
        found.push(ticket);
      }
    } else {
      others.push(hit);
    }
  }
  return { tickets: found, others };
}
