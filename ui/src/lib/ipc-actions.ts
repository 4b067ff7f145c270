// Order actions over IPC: refund, replacement, cancel, edit; the ticket's queued actions and
// internal notes; the agent settings. Types come from the Rust side (ts-rs bindings).
import { invoke } from "@tauri-apps/api/core";
import type { ActionRecord } from "./bindings/ActionRecord";
import type { ActionRequest } from "./bindings/ActionRequest";
import type { CancelPreview } from "./bindings/CancelPreview";
import type { AgentSettingsView } from "./bindings/AgentSettingsView";
import type { OrderActionsView } from "./bindings/OrderActionsView";
import type { OrderAvailabilityView } from "./bindings/OrderAvailabilityView";
import type { OwnerApproval } from "./bindings/OwnerApproval";
import type { RefundPreview } from "./bindings/RefundPreview";
import type { RefundRequest } from "./bindings/RefundRequest";
import type { SubmitMode } from "./bindings/SubmitMode";
import type { TicketNoteView } from "./bindings/TicketNoteView";

export const actionsIpc = {
  availability: (orderId: string): Promise<OrderAvailabilityView> =>
    invoke<OrderAvailabilityView>("order_action_availability", { orderId }),
  orderActions: (orderId: string): Promise<OrderActionsView> =>
    invoke<OrderActionsView>("order_actions", { orderId }),
  previewRefund: (request: RefundRequest): Promise<RefundPreview> =>
    invoke<RefundPreview>("preview_refund", { request }),
  /** What cancelling with a refund gives back, and whether it needs the owner's approval. */
  previewCancel: (orderId: string): Promise<CancelPreview> => invoke<CancelPreview>("preview_cancel", { orderId }),
  submit: (
    ticketId: number | null,
    request: ActionRequest,
    mode: SubmitMode,
    approval: OwnerApproval | null,
  ): Promise<ActionRecord> => invoke<ActionRecord>("submit_action", { ticketId, request, mode, approval }),
  forTicket: (ticketId: number): Promise<ActionRecord[]> =>
    invoke<ActionRecord[]>("actions_for_ticket", { ticketId }),
  editQueued: (actionId: number, request: ActionRequest, approval: OwnerApproval | null): Promise<ActionRecord> =>
    invoke<ActionRecord>("edit_queued_action", { actionId, request, approval }),
  cancelQueued: (actionId: number): Promise<ActionRecord> =>
    invoke<ActionRecord>("cancel_queued_action", { actionId }),
  ticketNotes: (ticketId: number): Promise<TicketNoteView[]> =>
    invoke<TicketNoteView[]>("ticket_notes", { ticketId }),
  agentSettings: (): Promise<AgentSettingsView> => invoke<AgentSettingsView>("agent_settings"),
  saveAgentSettings: (name: string, refundLimit: string | null): Promise<AgentSettingsView> =>
    invoke<AgentSettingsView>("save_agent_settings", { name, refundLimit }),
};
