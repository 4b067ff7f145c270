// The one place that talks to the Rust side. Types come from the bindings generated from the
// Rust DTOs (ts-rs), so a change on either side fails the typecheck instead of a click.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { AppStatus } from "./bindings/AppStatus";
import type { CommandError } from "./bindings/CommandError";
import type { DemoInfo } from "./bindings/DemoInfo";
import type { ReplyView } from "./bindings/ReplyView";
import type { SearchResultsView } from "./bindings/SearchResultsView";
import type { TicketSummary } from "./bindings/TicketSummary";
import type { TicketView } from "./bindings/TicketView";

/** The name of the event the shell emits when the app layer is ready or failed. */
export const STATUS_EVENT = "app-status";
/** Tickets, messages or replies changed: reload the inbox and the open ticket. */
export const TICKETS_CHANGED_EVENT = "tickets-changed";
/** Show this ticket (a notification was clicked); payload: the ticket id. */
export const OPEN_TICKET_EVENT = "open-ticket";

/** Turns whatever a rejected `invoke` gave us into a sentence for the user. */
export function errorMessage(err: unknown): string {
  if (typeof err === "string") return err;
  if (err && typeof err === "object" && "message" in err) {
    const message = (err as CommandError).message;
    if (typeof message === "string" && message.length > 0) return message;
  }
  return "Something went wrong. Please try again.";
}

export const ipc = {
  appStatus: (): Promise<AppStatus> => invoke<AppStatus>("app_status"),
  listTickets: (): Promise<TicketSummary[]> => invoke<TicketSummary[]>("list_tickets"),
  openTicket: (ticketId: number): Promise<TicketView> =>
    invoke<TicketView>("open_ticket", { ticketId }),
  demoInfo: (): Promise<DemoInfo | null> => invoke<DemoInfo | null>("demo_info"),
  sendReply: (ticketId: number, body: string, idempotencyKey: string): Promise<ReplyView> =>
    invoke<ReplyView>("send_reply", { ticketId, body, idempotencyKey }),
  replies: (ticketId: number): Promise<ReplyView[]> => invoke<ReplyView[]>("replies", { ticketId }),
  cancelReply: (replyId: number): Promise<ReplyView> => invoke<ReplyView>("cancel_reply", { replyId }),
  retryReply: (replyId: number): Promise<ReplyView> => invoke<ReplyView>("retry_reply", { replyId }),
  search: (query: string): Promise<SearchResultsView> => invoke<SearchResultsView>("search", { query }),
  onTicketsChanged: (handler: () => void): Promise<UnlistenFn> =>
    listen<null>(TICKETS_CHANGED_EVENT, () => handler()),
  onOpenTicket: (handler: (ticketId: number) => void): Promise<UnlistenFn> =>
    listen<number>(OPEN_TICKET_EVENT, (event) => handler(event.payload)),
  onStatus: (handler: (status: AppStatus) => void): Promise<UnlistenFn> =>
    listen<AppStatus>(STATUS_EVENT, (event) => handler(event.payload)),
};
