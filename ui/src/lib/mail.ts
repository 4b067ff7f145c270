// Pure helpers for the conversation: the sandboxed HTML view of a mail, where replies go in the
// thread, and how a reply's outbox state reads.
import type { MessageView } from "./bindings/MessageView";
import type { ReplyView } from "./bindings/ReplyView";
import type { SearchHitView } from "./bindings/SearchHitView";
import type { TicketSummary } from "./bindings/TicketSummary";
import type { Tone } from "./format";

/**
 * The policy inside every mail frame. The frame is also `sandbox=""` (no scripts, opaque origin)
 * and inherits the window's own CSP, so this only ever narrows what the mail may do: nothing is
 * fetched from the network, no form posts, no base URL tricks.
 */
export const MAIL_CSP =
  "default-src 'none'; img-src data: cid:; style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'";

/**
 * The frame's own base style. A srcdoc frame inherits the window's CSP too, which allows inline
 * style only by hash: `src-tauri/tauri.conf.json` lists this block's SHA-256 under style-src
 * (mail.test.ts checks they agree). The mail's own inline styles stay blocked.
 */
export const MAIL_BASE_STYLE =
  "body{margin:0;padding:4px 2px;font:14px/1.55 system-ui,sans-serif;color:#1f2328;overflow-wrap:anywhere}" +
  "img{max-width:100%;height:auto}table{max-width:100%}";

/**
 * The `srcdoc` for a mail's (already sanitized) HTML: a CSP meta first, before any of the mail's
 * markup, so it is in force before anything of the mail is parsed.
 */
export function mailSrcdoc(sanitizedHtml: string): string {
  return (
    "<!doctype html><html><head><meta charset=\"utf-8\">" +
    `<meta http-equiv="Content-Security-Policy" content="${MAIL_CSP}">` +
    `<style>${MAIL_BASE_STYLE}</style>` +
    `</head><body>${sanitizedHtml}</body></html>`
  );
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
