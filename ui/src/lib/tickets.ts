// Pure helpers for the ticket list: filtering by status and moving the keyboard cursor.
import type { TicketSummary } from "./bindings/TicketSummary";

export type TicketFilter = "all" | "open" | "pending" | "closed";

export const TICKET_FILTERS: { id: TicketFilter; label: string }[] = [
  { id: "all", label: "All" },
  { id: "open", label: "Open" },
  { id: "pending", label: "Pending" },
  { id: "closed", label: "Closed" },
];

export function filterTickets(tickets: TicketSummary[], filter: TicketFilter): TicketSummary[] {
  return filter === "all" ? tickets : tickets.filter((t) => t.status === filter);
}

/**
 * The id the cursor lands on after moving `step` rows (j = +1, k = -1) from `current`, clamped
 * to the list. With no current row (or one filtered out) it starts at the top.
 */
export function moveCursor<Id>(ids: Id[], current: Id | null, step: number): Id | null {
  if (ids.length === 0) return null;
  const index = current === null ? -1 : ids.indexOf(current);
  if (index < 0) return ids[0] ?? null;
  const next = Math.min(ids.length - 1, Math.max(0, index + step));
  return ids[next] ?? null;
}
