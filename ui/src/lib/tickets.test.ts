import { describe, expect, it } from "vitest";
import type { TicketSummary } from "./bindings/TicketSummary";
import { filterTickets, moveCursor } from "./tickets";

function ticket(id: number, status: TicketSummary["status"]): TicketSummary {
  return {
    id,
    token: `T${id}`,
    subject: `Subject ${id}`,
    status,
    customerName: null,
    customerEmail: `c${id}@example.com`,
    lastMessageAt: "2026-03-10T12:00:00Z",
    messageCount: 1,
    preview: "",
    orderName: null,
  };
}

describe("filterTickets", () => {
  const tickets = [ticket(1, "open"), ticket(2, "pending"), ticket(3, "open"), ticket(4, "closed")];
  it("keeps the order and filters by status", () => {
    expect(filterTickets(tickets, "all").map((t) => t.id)).toEqual([1, 2, 3, 4]);
    expect(filterTickets(tickets, "open").map((t) => t.id)).toEqual([1, 3]);
    expect(filterTickets(tickets, "pending").map((t) => t.id)).toEqual([2]);
    expect(filterTickets(tickets, "closed").map((t) => t.id)).toEqual([4]);
  });
});

describe("moveCursor", () => {
  const ids = [10, 20, 30];
  it("moves and clamps", () => {
    expect(moveCursor(ids, 10, 1)).toBe(20);
    expect(moveCursor(ids, 20, -1)).toBe(10);
    expect(moveCursor(ids, 30, 1)).toBe(30);
    expect(moveCursor(ids, 10, -1)).toBe(10);
  });
  it("starts at the top when there is no cursor or it was filtered out", () => {
    expect(moveCursor(ids, null, 1)).toBe(10);
    expect(moveCursor(ids, 99, -1)).toBe(10);
    expect(moveCursor([], 10, 1)).toBeNull();
  });
});
