import { describe, expect, it } from "vitest";
import type { MessageView } from "./bindings/MessageView";
import type { ReplyView } from "./bindings/ReplyView";
import type { TicketSummary } from "./bindings/TicketSummary";
import tauriConf from "../../../src-tauri/tauri.conf.json?raw";
import { MAIL_SCHEME, groupSearchHits, mailFrameSrc, placeReplies, replyBadge } from "./mail";

const message = (id: number, direction: "inbound" | "outbound", bodyText: string): MessageView => ({
  id, fromName: null, fromAddress: "a@b.test", date: "2026-01-01T00:00:00Z", direction, bodyText,
  hadHtml: false, htmlFrame: false, attachments: [], parseError: null,
});
const reply = (id: number, state: ReplyView["state"], body: string, demo = false): ReplyView => ({
  id, ticketId: 1, state, reason: null, attempts: 0, nextAttemptAt: null, createdAt: "2026-01-01T00:00:00Z",
  sentAt: null, to: ["c@d.test"], subject: "Re: x", body, demo,
});
const ticket = (id: number): TicketSummary => ({
  id, token: `T${id}`, subject: `S${id}`, status: "open", customerName: null, customerEmail: "c@d.test",
  lastMessageAt: "2026-01-01T00:00:00Z", messageCount: 1, preview: "", orderName: null,
});

describe("mailFrameSrc", () => {
  it("points at the mail scheme by Tauri's convention, with nothing but the id", () => {
    const linux = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15";
    const windows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Edg/130";
    expect(mailFrameSrc(42, linux)).toBe("shopdesk-mail://localhost/42");
    expect(mailFrameSrc(42, "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0)")).toBe("shopdesk-mail://localhost/42");
    expect(mailFrameSrc(42, windows)).toBe("http://shopdesk-mail.localhost/42");
    for (const bad of [0, -1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 2]) {
      expect(mailFrameSrc(bad, linux)).toBe("about:blank");
    }
  });
});

describe("the window CSP", () => {
  const csp = (JSON.parse(tauriConf) as { app: { security: { csp: Record<string, string> } } }).app.security.csp;
  it("loads no remote content: no https images, scripts and styles only from the app", () => {
    expect(csp["img-src"]).toBe("'self' data:");
    expect(Object.values(csp).join(" ")).not.toMatch(/https:|\*|'unsafe-inline'|'unsafe-eval'/);
    expect(csp["script-src"]).toBe("'self'");
    expect(csp["style-src"]).toBe("'self'");
  });
  it("lets frames load the mail scheme and nothing else", () => {
    expect(csp["frame-src"]).toBe(`${MAIL_SCHEME}: http://${MAIL_SCHEME}.localhost`);
    expect(csp["connect-src"]).not.toContain(MAIL_SCHEME);
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
