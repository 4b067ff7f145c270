import { describe, expect, it, vi } from "vitest";
import type { ActionRecord } from "./bindings/ActionRecord";
import type { OrderActionsView } from "./bindings/OrderActionsView";
import {
  actionSummary,
  anyPending,
  currencyDecimals,
  debounce,
  deniedReason,
  exceedsLimit,
  formatMoney,
  isAmount,
  ESTIMATE_NOTICE,
  previewAllowsSubmit,
  previewKey,
  previewNotice,
  refundRequest,
  refusal,
  selectionFromRefund,
  selectionFromReplacement,
  selectionReady,
  stateLine,
  type RefundSelection,
} from "./actions";

const selection: RefundSelection = {
  orderId: "gid://shopify/Order/1",
  currency: "EUR",
  quantities: { "gid://shopify/LineItem/1": 2, "gid://shopify/LineItem/2": 0 },
  restock: true,
  locationId: "gid://shopify/Location/1",
  shipping: "none",
  shippingAmount: "",
  reason: " Damaged ",
  note: "",
  notify: true,
};

describe("money", () => {
  it("knows the decimals of 0, 2 and 3 decimal currencies", () => {
    expect(currencyDecimals("JPY")).toBe(0);
    expect(currencyDecimals("EUR")).toBe(2);
    expect(currencyDecimals("KWD")).toBe(3);
  });

  it("formats the decimal text with the currency's decimals, never through a float", () => {
    expect(formatMoney({ amount: "24.9", currency: "EUR" })).toBe("24.90 EUR");
    expect(formatMoney({ amount: "1500", currency: "JPY" })).toBe("1,500 JPY");
    expect(formatMoney({ amount: "1.25", currency: "KWD" })).toBe("1.250 KWD");
    expect(formatMoney({ amount: "12345678901234567.10", currency: "USD" })).toBe("12,345,678,901,234,567.10 USD");
    expect(formatMoney({ amount: "-5", currency: "EUR" })).toBe("−5.00 EUR");
  });

  it("accepts typed amounts only with the currency's decimals", () => {
    expect(isAmount("12.50", "EUR")).toBe(true);
    expect(isAmount("12.505", "EUR")).toBe(false);
    expect(isAmount("12.5", "JPY")).toBe(false);
    expect(isAmount("1.250", "KWD")).toBe(true);
    expect(isAmount("-1", "EUR")).toBe(false);
    expect(isAmount("abc", "EUR")).toBe(false);
  });
});

describe("refund request", () => {
  it("sends only the chosen lines, restock and location, trimmed reason", () => {
    const request = refundRequest(selection, { amount: "49.80", currency: "EUR" });
    expect(request.lines).toEqual([{ lineItemId: "gid://shopify/LineItem/1", quantity: 2, restock: true }]);
    expect(JSON.stringify(request.lines[0]?.quantity)).toBe("2");
    expect(request.restockLocationId).toBe("gid://shopify/Location/1");
    expect(request.shipping).toEqual({ kind: "none" });
    expect(request.reason).toBe("Damaged");
    expect(request.note).toBeNull();
    expect(request.confirmedTotal).toEqual({ amount: "49.80", currency: "EUR" });
  });

  it("drops the location without restock and sends a shipping amount in the order's currency", () => {
    const request = refundRequest({ ...selection, restock: false, shipping: "amount", shippingAmount: " 4.90 " }, null);
    expect(request.restockLocationId).toBeNull();
    expect(request.lines[0]?.restock).toBe(false);
    expect(request.shipping).toEqual({ kind: "amount", amount: { amount: "4.90", currency: "EUR" } });
  });

  it("is ready with items or shipping, and re-previews only when the selection changes", () => {
    expect(selectionReady(selection)).toBe(true);
    const nothing = { ...selection, quantities: { a: 0 } };
    expect(selectionReady(nothing)).toBe(false);
    expect(selectionReady({ ...nothing, shipping: "full" })).toBe(true);
    expect(selectionReady({ ...nothing, shipping: "amount", shippingAmount: "x" })).toBe(false);
    expect(previewKey(selection)).toBe(previewKey({ ...selection, reason: "other", note: "n" }));
    expect(previewKey(selection)).not.toBe(previewKey({ ...selection, quantities: { "gid://shopify/LineItem/1": 1 } }));
  });
});

describe("states and summaries", () => {
  const base: ActionRecord = {
    id: 1,
    key: "k",
    kind: "refund",
    ticketId: 3,
    orderId: "gid://shopify/Order/1",
    agent: "Ana",
    request: { kind: "refund", request: refundRequest(selection, null) },
    state: { state: "queued" },
    expectedTotal: { amount: "49.8", currency: "EUR" },
    attempts: 0,
    lastError: null,
    result: null,
    createdAt: "2026-11-29T14:00:00Z",
    updatedAt: "2026-11-29T14:00:00Z",
    sentAt: null,
  };

  it("reads held and failed actions with their reason", () => {
    expect(stateLine({ state: "held", reason: "The order was cancelled." })).toEqual({
      label: "Held",
      tone: "warning",
      reason: "The order was cancelled.",
    });
    expect(stateLine({ state: "failed", reason: "No." }).tone).toBe("danger");
    expect(stateLine({ state: "succeeded" }).label).toBe("Done");
  });

  it("tells a refused action (failed or held) from one Shopdesk took", () => {
    expect(refusal({ ...base, state: { state: "held", reason: "Total changed." } })).toBe("Total changed.");
    expect(refusal({ ...base, state: { state: "failed", reason: "No." } })).toBe("No.");
    expect(refusal(base)).toBeNull();
    expect(refusal({ ...base, state: { state: "succeeded" } })).toBeNull();
  });

  it("summarizes refunds with the amount and replacements with the new order", () => {
    expect(actionSummary(base, "#1001")).toBe("Refund 49.80 EUR on #1001");
    const replacement: ActionRecord = {
      ...base,
      kind: "replacement",
      expectedTotal: null,
      result: { refundId: null, orderId: "gid://shopify/Order/9", orderName: "#1042", note: "", customerMessage: "" },
    };
    expect(actionSummary(replacement, "#1001")).toBe("Replacement for #1001 → #1042");
    expect(anyPending([base])).toBe(true);
    expect(anyPending([{ ...base, state: { state: "succeeded" } }])).toBe(false);
  });

  it("gives the hover text of a denied action", () => {
    expect(deniedReason({ status: "allowed" })).toBeNull();
    expect(deniedReason({ status: "denied", reason: "#1001 is already cancelled." })).toBe("#1001 is already cancelled.");
  });
});

describe("debounce", () => {
  it("calls once with the last arguments", () => {
    vi.useFakeTimers();
    const calls: number[] = [];
    const f = debounce((n: number) => calls.push(n), 300);
    f(1);
    f(2);
    f(3);
    vi.advanceTimersByTime(299);
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual([3]);
    vi.useRealTimers();
  });
});

const orderView = (): OrderActionsView => ({
  orderId: "gid://shopify/Order/1",
  orderName: "#1001",
  currency: "EUR",
  allowed: {
    refund: { status: "allowed" },
    cancel: { status: "allowed" },
    replacement: { status: "allowed" },
    edit: { status: "allowed" },
  },
  lineItems: [1, 2, 3].map((n) => ({
    lineItemId: `gid://shopify/LineItem/${n}`,
    name: `Item ${n}`,
    variantTitle: null,
    quantity: 3,
    refundableQuantity: n === 2 ? 1 : 3,
    refundedQuantity: n === 2 ? 2 : 0,
    variantId: n === 3 ? null : `gid://shopify/ProductVariant/${n}`,
    productId: `gid://shopify/Product/${n}`,
    variants: [],
  })),
  locations: [{ id: "gid://shopify/Location/1", name: "Warehouse" }] as OrderActionsView["locations"],
  shippingAddress: null,
  note: null,
  tags: [],
  online: false,
  offlineReason: null,
  enabled: true,
  agent: { name: "Ana", refundLimit: "100.00", currency: "EUR" },
});

describe("reopening a queued action", () => {
  it("prefills the refund dialog with the queued request, and gives the same request back", () => {
    const queued = refundRequest(
      {
        ...selection,
        quantities: { "gid://shopify/LineItem/1": 2, "gid://shopify/LineItem/2": 1 },
        locationId: "gid://shopify/Location/9",
        shipping: "amount",
        shippingAmount: "4.50",
        reason: "Damaged",
        note: "box crushed",
        notify: false,
      },
      { amount: "52.40", currency: "EUR" },
    );
    const sel = selectionFromRefund(queued, orderView());
    expect(sel.quantities).toEqual({
      "gid://shopify/LineItem/1": 2,
      "gid://shopify/LineItem/2": 1,
      "gid://shopify/LineItem/3": 0,
    });
    expect(sel).toMatchObject({
      restock: true,
      locationId: "gid://shopify/Location/9",
      shipping: "amount",
      shippingAmount: "4.50",
      reason: "Damaged",
      note: "box crushed",
      notify: false,
    });
    expect(refundRequest(sel, queued.confirmedTotal)).toEqual(queued);
  });

  it("caps queued quantities at what is refundable now and keeps no-restock", () => {
    const sel = selectionFromRefund(
      {
        orderId: "gid://shopify/Order/1",
        lines: [{ lineItemId: "gid://shopify/LineItem/2", quantity: 3, restock: false }],
        restockLocationId: null,
        shipping: { kind: "full" },
        reason: "Late",
        note: null,
        notify: true,
        confirmedTotal: null,
      },
      orderView(),
    );
    expect(sel.quantities["gid://shopify/LineItem/2"]).toBe(1);
    expect(sel.restock).toBe(false);
    expect(sel.shipping).toBe("full");
    expect(sel.locationId).toBe("gid://shopify/Location/1");
    expect(sel.note).toBe("");
  });

  it("prefills the replacement dialog with quantities, variants, note and address", () => {
    const address = {
      firstName: "Eva", lastName: "Roth", company: null, address1: "Hauptstr. 1", address2: null,
      city: "Berlin", provinceCode: null, zip: "10115", countryCode: "DE", phone: null,
    };
    const sel = selectionFromReplacement(
      {
        orderId: "gid://shopify/Order/1",
        lines: [{ lineItemId: "gid://shopify/LineItem/1", variantId: "gid://shopify/ProductVariant/7", quantity: 2 }],
        shippingAddress: address,
        note: "second try",
      },
      orderView(),
    );
    expect(sel.quantities).toEqual({
      "gid://shopify/LineItem/1": 2,
      "gid://shopify/LineItem/2": 0,
      "gid://shopify/LineItem/3": 0,
    });
    expect(sel.variants).toEqual({
      "gid://shopify/LineItem/1": "gid://shopify/ProductVariant/7",
      "gid://shopify/LineItem/2": "gid://shopify/ProductVariant/2",
    });
    expect(sel.note).toBe("second try");
    expect(sel.address).toEqual(address);
  });

  it("decides the limit as the engine does, without floats", () => {
    expect(exceedsLimit({ amount: "100.00", currency: "EUR" }, "100", "EUR")).toBe(false);
    expect(exceedsLimit({ amount: "100.01", currency: "EUR" }, "100.00", "EUR")).toBe(true);
    expect(exceedsLimit({ amount: "5", currency: "USD" }, "100.00", "EUR")).toBe(true);
    expect(exceedsLimit({ amount: "9999", currency: "EUR" }, null, "EUR")).toBe(false);
  });
});

describe("estimated refund previews", () => {
  it("notes an estimate from the local copy and nothing for Shopify's amounts", () => {
    expect(previewNotice({ estimatedFromLocalCopy: true })).toBe(ESTIMATE_NOTICE);
    expect(ESTIMATE_NOTICE).toContain("checked before it is sent");
    expect(previewNotice({ estimatedFromLocalCopy: false })).toBeNull();
    expect(previewNotice(null)).toBeNull();
  });

  it("allows an estimate only with Send when online", () => {
    expect(previewAllowsSubmit({ estimatedFromLocalCopy: true }, true)).toBe(true);
    expect(previewAllowsSubmit({ estimatedFromLocalCopy: true }, false)).toBe(false);
    expect(previewAllowsSubmit({ estimatedFromLocalCopy: false }, false)).toBe(true);
    expect(previewAllowsSubmit(null, true)).toBe(false);
  });
});
