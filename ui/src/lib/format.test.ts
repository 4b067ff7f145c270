import { describe, expect, it } from "vitest";
import {
  financialTone,
  formatBytes,
  formatDateTime,
  formatDay,
  fulfillmentTone,
  humanizeStatus,
  initials,
  isZeroAmount,
  relativeAge,
} from "./format";

const now = new Date("2026-03-10T12:00:00Z");

describe("relativeAge", () => {
  it("gives compact ages", () => {
    expect(relativeAge("2026-03-10T11:59:30Z", now)).toBe("now");
    expect(relativeAge("2026-03-10T11:48:00Z", now)).toBe("12m");
    expect(relativeAge("2026-03-10T09:00:00Z", now)).toBe("3h");
    expect(relativeAge("2026-03-09T12:00:00Z", now)).toBe("1d");
    expect(relativeAge("2026-02-20T12:00:00Z", now)).toBe("18d");
    expect(relativeAge("2025-12-01T12:00:00Z", now)).toBe("3mo");
    expect(relativeAge("2023-03-01T12:00:00Z", now)).toBe("3y");
  });
  it("handles offsets, the future and garbage", () => {
    expect(relativeAge("2026-03-10T10:00:00+01:00", now)).toBe("3h");
    expect(relativeAge("2026-03-11T12:00:00Z", now)).toBe("now");
    expect(relativeAge("not a date", now)).toBe("");
  });
});

describe("dates", () => {
  const opts = { locale: "en-US", timeZone: "UTC" };
  it("formats a day", () => {
    expect(formatDay("2026-03-03T23:30:00Z", opts)).toBe("Mar 3, 2026");
    expect(formatDay("2026-03-03T23:30:00Z", { locale: "en-US", timeZone: "Europe/Paris" })).toBe(
      "Mar 4, 2026",
    );
  });
  it("formats a date and time", () => {
    expect(formatDateTime("2026-03-03T14:05:00Z", opts)).toBe("Mar 3, 2026, 2:05 PM");
    expect(formatDateTime("2026-03-03T14:05:00Z", { locale: "en-GB", timeZone: "UTC" })).toBe(
      "3 Mar 2026, 14:05",
    );
  });
  it("passes garbage through", () => {
    expect(formatDay("soon", opts)).toBe("soon");
    expect(formatDateTime("soon", opts)).toBe("soon");
  });
});

describe("formatBytes", () => {
  it("uses readable units", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(840)).toBe("840 B");
    expect(formatBytes(1024)).toBe("1 KB");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(12_345)).toBe("12 KB");
    expect(formatBytes(3.4 * 1024 * 1024)).toBe("3.4 MB");
    expect(formatBytes(5n * 1024n * 1024n * 1024n)).toBe("5 GB");
  });
});

describe("statuses", () => {
  it("humanizes Shopify enums", () => {
    expect(humanizeStatus("PARTIALLY_REFUNDED")).toBe("Partially refunded");
    expect(humanizeStatus("PAID")).toBe("Paid");
    expect(humanizeStatus("")).toBe("");
  });
  it("picks tones", () => {
    expect(financialTone("PAID")).toBe("success");
    expect(financialTone("PARTIALLY_REFUNDED")).toBe("accent");
    expect(financialTone("REFUNDED")).toBe("neutral");
    expect(financialTone("PENDING")).toBe("warning");
    expect(fulfillmentTone("FULFILLED")).toBe("success");
    expect(fulfillmentTone("UNFULFILLED")).toBe("warning");
    expect(fulfillmentTone("PARTIALLY_FULFILLED")).toBe("info");
    expect(fulfillmentTone("SOMETHING_NEW")).toBe("neutral");
  });
});

describe("initials", () => {
  it("takes first and last names", () => {
    expect(initials("Jane van Doe")).toBe("JD");
    expect(initials("Chloé")).toBe("C");
    expect(initials("sam.smith@example.com")).toBe("S");
    expect(initials("  ")).toBe("?");
  });
});

describe("isZeroAmount", () => {
  it("recognises zero decimals", () => {
    expect(isZeroAmount("0")).toBe(true);
    expect(isZeroAmount("0.00")).toBe(true);
    expect(isZeroAmount("-0.0")).toBe(true);
    expect(isZeroAmount("0.01")).toBe(false);
    expect(isZeroAmount("10")).toBe(false);
    expect(isZeroAmount("")).toBe(false);
  });
});
