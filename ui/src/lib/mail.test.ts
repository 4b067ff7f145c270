import { describe, expect, it } from "vitest";
import type { MessageView } from "./bindings/MessageView";
import type { ReplyView } from "./bindings/ReplyView";
import type { TicketSummary } from "./bindings/TicketSummary";
import tauriConf from "../../../src-tauri/tauri.conf.json?raw";
import { MAIL_BASE_STYLE, MAIL_CSP, groupSearchHits, mailSrcdoc, placeReplies, replyBadge } from "./mail";

const message = (id: number, direction: "inbound" | "outbound", bodyText: string): MessageView => ({
  id, fromName: null, fromAddress: "a@b.test", date: "2026-01-01T00:00:00Z", direction, bodyText,
  hadHtml: false, htmlBody: null, attachments: [], parseError: null,
});
const reply = (id: number, state: ReplyView["state"], body: string, demo = false): ReplyView => ({
  id, ticketId: 1, state, reason: null, attempts: 0, nextAttemptAt: null, createdAt: "2026-01-01T00:00:00Z",
  sentAt: null, to: ["c@d.test"], subject: "Re: x", body, demo,
});
const ticket = (id: number): TicketSummary => ({
  id, token: `T${id}`, subject: `S${id}`, status: "open", customerName: null, customerEmail: "c@d.test",
  lastMessageAt: "2026-01-01T00:00:00Z", messageCount: 1, preview: "", orderName: null,
});

describe("mailSrcdoc", () => {
  it("puts the CSP meta before the mail's markup", () => {
    const doc = mailSrcdoc("<p>Hi</p><style>p{color:red}</style>");
    const meta = doc.indexOf("Content-Security-Policy");
    expect(meta).toBeGreaterThan(0);
    expect(meta).toBeLessThan(doc.indexOf("<p>Hi</p>"));
    expect(doc).toContain(`content="${MAIL_CSP}"`);
    expect(MAIL_CSP).toContain("default-src 'none'");
    expect(MAIL_CSP).not.toContain("script-src");
  });
});

describe("the window CSP", () => {
  it("allows the mail frame's base style by its hash, and no frame URL at all", async () => {
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(MAIL_BASE_STYLE));
    const hash = btoa(String.fromCharCode(...new Uint8Array(digest)));
    const csp = (JSON.parse(tauriConf) as { app: { security: { csp: Record<string, string> } } }).app.security.csp;
    expect(csp["style-src"]).toBe(`'self' 'sha256-${hash}'`);
    expect(csp["frame-src"]).toBe("'none'");
    expect(csp["script-src"]).toBe("'self'");
  });
});

describe("placeReplies", () => {
  it("puts a sent reply on the outbound message that carries it, and keeps the rest pending", () => {
    const messages = [
      message(1, "inbound", "Where is my order?"),
      message(2, "outbound", "Hello  Ada,\r\nit ships today.\n\nOn Monday you wrote:\n> Where is my order?"),
    ];
    const sent = reply(10, "sent", "Hello Ada,\nit ships today.", true);
    const failed = reply(11, "failed", "Second try");
    const placed = placeReplies(messages, [sent, failed]);
    expect(placed.byMessage.get(2)).toBe(sent);
    expect(placed.byMessage.has(1)).toBe(false);
    expect(placed.pending).toEqual([failed]);
  });

  it("never matches a reply that is not sent, nor one message twice", () => {
    const messages = [message(2, "outbound", "Same text")];
    const a = reply(1, "sent", "Same text");
    const b = reply(2, "sent", "Same text");
    const q = reply(3, "queued", "Same text");
    const placed = placeReplies(messages, [a, b, q]);
    expect(placed.byMessage.get(2)).toBe(a);
    expect(placed.pending).toEqual([b, q]);
  });
});

describe("replyBadge", () => {
  it("says a demo reply was not sent", () => {
    expect(replyBadge(reply(1, "sent", "x", true)).label).toBe("Demo: not sent");
    expect(replyBadge(reply(1, "failed", "x")).tone).toBe("danger");
    expect(replyBadge(reply(1, "queued", "x")).label).toBe("Queued");
  });
});

describe("groupSearchHits", () => {
  it("lists each matching ticket once, then customer and order hits that lead somewhere", () => {
    const groups = groupSearchHits(
      [
        { kind: "message", id: "5", title: "S2", ticketId: 2 },
        { kind: "message", id: "6", title: "S2", ticketId: 2 },
        { kind: "message", id: "7", title: "gone", ticketId: 99 },
        { kind: "customer", id: "gid://shopify/Customer/1", title: "Ada", ticketId: 1 },
        { kind: "order", id: "gid://shopify/Order/1", title: "#1001", ticketId: null },
      ],
      [ticket(1), ticket(2)],
    );
    expect(groups.tickets.map((t) => t.id)).toEqual([2]);
    expect(groups.others.map((h) => h.title)).toEqual(["Ada"]);
  });
});
