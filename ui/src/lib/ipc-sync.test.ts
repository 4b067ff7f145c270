import { describe, expect, it } from "vitest";
import type { SyncStatusView } from "./bindings/SyncStatusView";
import type { OrdersRefreshProblemView } from "./bindings/OrdersRefreshProblemView";
import { formatCount, formatEta, formatRate, localCopyTime, ordersRefreshNote, searchNotice, syncedAgo, syncLine } from "./ipc-sync";

const now = new Date("2026-11-29T14:00:00Z");
const base: SyncStatusView = {
  state: "idle",
  progress: null,
  lastSyncedAt: null,
  message: null,
  retryInMs: null,
  searchRebuilding: false,
};

describe("numbers", () => {
  it("formats counts, rates and time left", () => {
    expect(formatCount(12300)).toBe("12,300");
    expect(formatCount(100000)).toBe("100,000");
    expect(formatRate(950.4)).toBe("950/s");
    expect(formatRate(9600)).toBe("9.6k/s");
    expect(formatRate(9000)).toBe("9k/s");
    expect(formatRate(48_200)).toBe("48k/s");
    expect(formatRate(0)).toBe("");
    expect(formatEta(9_100)).toBe("10 s left");
    expect(formatEta(240_000)).toBe("4 min left");
    expect(formatEta(3_900_000)).toBe("1 h 5 min left");
    expect(formatEta(7_200_000)).toBe("2 h left");
  });

  it("says how long ago the store was synced", () => {
    expect(syncedAgo("2026-11-29T13:59:58Z", now)).toBe("just now");
    expect(syncedAgo("2026-11-29T13:59:48Z", now)).toBe("12 s ago");
    expect(syncedAgo("2026-11-29T13:57:00Z", now)).toBe("3 min ago");
    expect(syncedAgo("2026-11-29T12:00:00Z", now)).toBe("2 h ago");
    expect(syncedAgo("nonsense", now)).toBe("");
  });
});

describe("syncLine", () => {
  it("shows nothing without a store", () => {
    expect(syncLine(base, now)).toBeNull();
  });

  it("shows an import with counts, rate and time left", () => {
    const line = syncLine(
      {
        ...base,
        state: "importing",
        progress: { resource: "orders", exporting: false, done: 12300, total: 100000, perSecond: 9600, etaMs: 9_200 },
      },
      now,
    );
    expect(line).toMatchObject({ text: "Importing orders 12,300 / 100,000 · 9.6k/s · 10 s left", tone: "busy" });
  });

  it("shows the export Shopify is still writing", () => {
    const line = syncLine(
      { ...base, state: "importing", progress: { resource: "orders", exporting: true, done: 0, total: 100000, perSecond: 0, etaMs: null } },
      now,
    );
    expect(line?.text).toBe("Shopify is preparing the orders export");
  });

  it("shows when the store was last synced", () => {
    const line = syncLine({ ...base, state: "synced", lastSyncedAt: "2026-11-29T13:59:48Z" }, now);
    expect(line).toMatchObject({ text: "Synced 12 s ago", tone: "ok" });
  });

  it("explains being offline, with the retry and the last sync", () => {
    const line = syncLine(
      {
        ...base,
        state: "offline",
        lastSyncedAt: "2026-11-29T13:57:00Z",
        message: "Shopify can't be reached; retrying in 30 s.",
        retryInMs: 29_500,
      },
      now,
    );
    expect(line?.text).toBe("Offline · retrying in 30 s");
    expect(line?.tone).toBe("warning");
    expect(line?.title).toBe("Shopify can't be reached; retrying in 30 s. Last synced 3 min ago.");
  });

  it("says search is incomplete while the import's indexes wait for their rebuild", () => {
    const importing = syncLine({ ...base, state: "importing", searchRebuilding: true }, now);
    expect(importing?.text).toBe("Importing the store…");
    expect(importing?.title).toContain("search index rebuilding");
    const offline = syncLine({ ...base, state: "offline", retryInMs: 30_000, searchRebuilding: true }, now);
    expect(offline?.text).toBe("Offline · retrying in 30 s · search index rebuilding");
  });

  it("marks a failure and a stop", () => {
    expect(syncLine({ ...base, state: "failed", message: "Access denied." }, now)).toMatchObject({
      text: "Sync failed",
      tone: "danger",
      title: "Access denied. Not synced yet.",
    });
    expect(syncLine({ ...base, state: "stopped" }, now)?.tone).toBe("muted");
  });
});

describe("ordersRefreshNote", () => {
  const utc = { locale: "en-US", timeZone: "UTC" };
  const problem: OrdersRefreshProblemView = {
    offline: true,
    reason: "Shopify answered HTTP 503.",
    localCopyFrom: "2026-11-29T13:55:00Z",
    failedAt: "2026-11-29T13:59:00Z",
  };

  it("says the orders are the local copy, from when, and why", () => {
    const note = ordersRefreshNote(problem, now, utc);
    expect(note.text).toBe(
      "Couldn't refresh this customer's orders from Shopify (offline?). Showing the local copy from 1:55 PM.",
    );
    expect(note.title).toContain("Shopify answered HTTP 503.");
  });

  it("names the day of an older copy, and does without a time it doesn't know", () => {
    expect(localCopyTime("2026-11-28T09:30:00Z", now, utc)).toBe("Nov 28, 2026, 9:30 AM");
    const refused = ordersRefreshNote({ ...problem, offline: false, localCopyFrom: null }, now, utc);
    expect(refused.text).toBe("Couldn't refresh this customer's orders from Shopify. Showing the local copy.");
  });
});

describe("searchNotice", () => {
  it("speaks only while the order and customer index is rebuilt", () => {
    const notice = "Order and customer results may be incomplete while Shopdesk rebuilds their search index after the store import. Messages are searched in full.";
    expect(searchNotice({ hits: [], indexRebuilding: true, notice })).toBe(notice);
    expect(searchNotice({ hits: [], indexRebuilding: false, notice: null })).toBeNull();
    expect(searchNotice(null)).toBeNull();
  });
});
