// The Shopify sync's status for the header: the IPC calls and how a status reads as one line.
// Pure functions (everything but `syncIpc`) are tested in ipc-sync.test.ts.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { OrdersRefreshProblemView } from "./bindings/OrdersRefreshProblemView";
import type { SearchResultsView } from "./bindings/SearchResultsView";
import type { SyncProgressView } from "./bindings/SyncProgressView";
import type { SyncStatusView } from "./bindings/SyncStatusView";
import { formatDateTime, type DateOptions } from "./format";

/** The shell emits this whenever the sync changes state or makes progress. */
export const SYNC_STATUS_EVENT = "sync-status";

export const syncIpc = {
  /** The status now; from this call on the shell also sends `sync-status` events. */
  status: (): Promise<SyncStatusView> => invoke<SyncStatusView>("sync_status"),
  syncNow: (): Promise<boolean> => invoke<boolean>("sync_now"),
  onStatus: (handler: (status: SyncStatusView) => void): Promise<UnlistenFn> =>
    listen<SyncStatusView>(SYNC_STATUS_EVENT, (event) => handler(event.payload)),
};

export type SyncTone = "ok" | "busy" | "warning" | "danger" | "muted";

/** What the header shows: one short line, its tone, and a longer tooltip. */
export interface SyncLine {
  text: string;
  tone: SyncTone;
  title: string;
}

const counts = new Intl.NumberFormat("en-US");

/** 12300 → "12,300". */
export function formatCount(n: number): string {
  return counts.format(Math.max(0, Math.round(n)));
}

/** Records per second: 950 → "950/s", 9600 → "9.6k/s", 48000 → "48k/s". */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return "";
  if (perSecond < 1000) return `${Math.round(perSecond)}/s`;
  const k = perSecond / 1000;
  return `${k < 10 ? k.toFixed(1).replace(/\.0$/, "") : Math.round(k)}k/s`;
}

/** Time left: "10 s left", "4 min left", "1 h 5 min left". */
export function formatEta(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return `${seconds} s left`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min left`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h left` : `${hours} h ${rest} min left`;
}

/** How long ago the store was last synced: "just now", "12 s ago", "3 min ago", "2 h ago". */
export function syncedAgo(lastSyncedAt: string, now: Date): string {
  const at = Date.parse(lastSyncedAt);
  if (Number.isNaN(at)) return "";
  const seconds = Math.floor((now.getTime() - at) / 1000);
  if (seconds < 5) return "just now";
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

function progressText(verb: string, p: SyncProgressView): string {
  const resource = p.resource;
  if (p.exporting) {
    const soFar = p.done > 0 ? ` · ${formatCount(p.done)} ready` : "";
    return `Shopify is preparing the ${resource} export${soFar}`;
  }
  const parts = [
    p.total !== null
      ? `${verb} ${resource} ${formatCount(Math.min(p.done, p.total))} / ${formatCount(p.total)}`
      : `${verb} ${resource} ${formatCount(p.done)}`,
  ];
  const rate = formatRate(p.perSecond);
  if (rate) parts.push(rate);
  if (p.etaMs !== null && p.total !== null && p.done < p.total) parts.push(formatEta(p.etaMs));
  return parts.join(" · ");
}

/** The header's line for a status; `null` when there is nothing to show (no store synced). */
export function syncLine(status: SyncStatusView, now: Date): SyncLine | null {
  const line = baseLine(status, now);
  if (!line || !status.searchRebuilding) return line;
  // An import sets the search indexes aside; an interrupted one leaves them so until it ends.
  const note = "Search finds orders and customers again once the import finishes (search index rebuilding).";
  return {
    ...line,
    text: status.state === "importing" ? line.text : `${line.text} · search index rebuilding`,
    title: `${line.title} ${note}`,
  };
}

function baseLine(status: SyncStatusView, now: Date): SyncLine | null {
  const last = status.lastSyncedAt ? `Last synced ${syncedAgo(status.lastSyncedAt, now)}.` : "Not synced yet.";
  switch (status.state) {
    case "idle":
      return null;
    case "importing":
      return {
        text: status.progress ? progressText("Importing", status.progress) : "Importing the store…",
        tone: "busy",
        title: "Making the first local copy of your store's orders and customers.",
      };
    case "syncing":
      return {
        text: status.progress ? progressText("Syncing", status.progress) : "Syncing…",
        tone: "busy",
        title: `Fetching what changed in Shopify. ${last}`,
      };
    case "synced":
      return {
        text: status.lastSyncedAt ? `Synced ${syncedAgo(status.lastSyncedAt, now)}` : "Synced",
        tone: "ok",
        title: "Orders and customers match Shopify as of the last sync.",
      };
    case "offline": {
      const retry = status.retryInMs !== null ? ` · retrying in ${Math.max(1, Math.ceil(status.retryInMs / 1000))} s` : "";
      return {
        text: `Offline${retry}`,
        tone: "warning",
        title: `${status.message ?? "Shopify can't be reached."} ${last}`,
      };
    }
    case "failed":
      return { text: "Sync failed", tone: "danger", title: `${status.message ?? "Syncing with Shopify failed."} ${last}` };
    case "stopped":
      return { text: "Sync stopped", tone: "muted", title: last };
  }
}

/** The customer panel's note when the on-open refresh of the customer's orders failed. */
export interface RefreshNote {
  text: string;
  title: string;
}

/** A time of today reads "2:05 PM"; another day's "Nov 28, 2026, 2:05 PM". */
export function localCopyTime(iso: string, now: Date, opts: DateOptions = {}): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const day = (d: Date): string =>
    new Intl.DateTimeFormat("en-CA", { timeZone: opts.timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
  if (day(at) !== day(now)) return formatDateTime(iso, opts);
  return new Intl.DateTimeFormat(opts.locale, { hour: "numeric", minute: "2-digit", timeZone: opts.timeZone }).format(at);
}

/** "Couldn't refresh this customer's orders from Shopify (offline?). Showing the local copy from 2:05 PM." */
export function ordersRefreshNote(problem: OrdersRefreshProblemView, now: Date, opts: DateOptions = {}): RefreshNote {
  const why = problem.offline ? " (offline?)" : "";
  const from = problem.localCopyFrom ? ` from ${localCopyTime(problem.localCopyFrom, now, opts)}` : "";
  return {
    text: `Couldn't refresh this customer's orders from Shopify${why}. Showing the local copy${from}.`,
    title: `${problem.reason} The orders update at the next successful sync, or when the ticket is opened again.`,
  };
}

/** What the search box says about its results: only while order and customer hits may be missing. */
export function searchNotice(results: SearchResultsView | null): string | null {
  return results?.indexRebuilding ? (results.notice ?? "Order and customer results may be incomplete while the search index is rebuilt.") : null;
}
