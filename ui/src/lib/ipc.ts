// The one place that talks to the Rust side. Types come from the bindings generated from the
// Rust DTOs (ts-rs), so a change on either side fails the typecheck instead of a click.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { AppStatus } from "./bindings/AppStatus";
import type { CommandError } from "./bindings/CommandError";
import type { DemoInfo } from "./bindings/DemoInfo";
import type { TicketSummary } from "./bindings/TicketSummary";
import type { TicketView } from "./bindings/TicketView";

/** The name of the event the shell emits when the app layer is ready or failed. */
export const STATUS_EVENT = "app-status";

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
  onStatus: (handler: (status: AppStatus) => void): Promise<UnlistenFn> =>
    listen<AppStatus>(STATUS_EVENT, (event) => handler(event.payload)),
};
