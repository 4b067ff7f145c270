// The conversation's mail extras over IPC (quotes, images, attachments, import) and the pure
// helpers that shape them for the UI. Types come from Rust (ts-rs).
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { ImportProgressView } from "./bindings/ImportProgressView";
import type { MailDetailsView } from "./bindings/MailDetailsView";
import type { SavedAttachmentView } from "./bindings/SavedAttachmentView";
import type { TextSegmentView } from "./bindings/TextSegmentView";

/** Emitted while an import runs; payload: ImportProgressView. */
export const MAIL_IMPORT_PROGRESS_EVENT = "mail-import-progress";

export const mailIpc = {
  mailDetails: (ticketId: number): Promise<MailDetailsView[]> =>
    invoke<MailDetailsView[]>("mail_details", { ticketId }),
  allowRemoteImages: (messageId: number): Promise<MailDetailsView> =>
    invoke<MailDetailsView>("allow_remote_images", { messageId }),
  saveAttachment: (attachmentId: number): Promise<SavedAttachmentView> =>
    invoke<SavedAttachmentView>("save_attachment", { attachmentId }),
  importMail: (path: string): Promise<ImportProgressView> => invoke<ImportProgressView>("import_mail", { path }),
  /** Stops the running import after the mail being filed; false when none runs. */
  cancelImport: (): Promise<boolean> => invoke<boolean>("cancel_mail_import"),
  onImportProgress: (handler: (progress: ImportProgressView) => void): Promise<UnlistenFn> =>
    listen<ImportProgressView>(MAIL_IMPORT_PROGRESS_EVENT, (event) => handler(event.payload)),
};

/** Details by message id, for the conversation's lookups. */
export function detailsByMessage(details: MailDetailsView[]): Map<number, MailDetailsView> {
  return new Map(details.map((d) => [d.messageId, d]));
}

/** A copy of `details` with one message's details replaced (state is replaced, not mutated). */
export function withDetails(
  details: Map<number, MailDetailsView>,
  updated: MailDetailsView,
): Map<number, MailDetailsView> {
  return new Map(details).set(updated.messageId, updated);
}

/** The bar above a mail whose remote images are blocked; null when there is nothing to say. */
export function remoteImagesNotice(details: MailDetailsView | undefined): string | null {
  if (!details || details.imagesAllowed || details.blockedImages === 0) return null;
  const n = details.blockedImages;
  return `Remote images are blocked (${n})`;
}

/** What a folded segment's toggle says. */
export function foldLabel(segment: TextSegmentView, open: boolean): string {
  if (open) return segment.kind === "signature" ? "hide signature" : "hide quoted text";
  return segment.kind === "signature" ? "··· show signature" : "··· show quoted text";
}

/** Whether a plain body has anything to fold (else it is shown as one block, as before). */
export function hasFoldable(segments: TextSegmentView[]): boolean {
  return segments.some((s) => s.kind !== "text");
}

const UNITS = ["B", "KB", "MB", "GB"];

function bytes(n: number): string {
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${UNITS[unit]}`;
}

/** One line for an import in progress or done. */
export function importLine(p: ImportProgressView): string {
  const share = p.bytesTotal > 0 ? Math.min(100, Math.floor((p.bytesDone / p.bytesTotal) * 100)) : 100;
  const counts = [`${p.imported} new`];
  if (p.duplicates > 0) counts.push(`${p.duplicates} already there`);
  if (p.flagged > 0) counts.push(`${p.flagged} unreadable (kept, flagged)`);
  if (p.skipped > 0) counts.push(`${p.skipped} skipped (spam, trash or empty)`);
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
  const head = p.done ? `Imported ${plural(p.messages, "mail")}` : `Importing… ${share}% (${bytes(p.bytesDone)} of ${bytes(p.bytesTotal)})`;
  return `${head}: ${counts.join(", ")}${p.done ? `; ${plural(p.ticketsCreated, "new ticket")}.` : ""}`;
}
