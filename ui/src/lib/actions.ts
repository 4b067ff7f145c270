// Pure helpers of the order-action dialogs (tested in actions.test.ts): money in the order's
// currency, the refund request from the dialog's selection, how an action's state reads.
import type { ActionRecord } from "./bindings/ActionRecord";
import type { ActionState } from "./bindings/ActionState";
import type { AddressInput } from "./bindings/AddressInput";
import type { Availability } from "./bindings/Availability";
import type { OrderActionsView } from "./bindings/OrderActionsView";
import type { RefundPreview } from "./bindings/RefundPreview";
import type { RefundRequest } from "./bindings/RefundRequest";
import type { ReplacementRequest } from "./bindings/ReplacementRequest";

export interface MoneyAmount {
  amount: string;
  currency: string;
}

/** Decimals of an ISO 4217 currency (JPY 0, EUR 2, KWD 3), from the platform's tables. */
export function currencyDecimals(currency: string): number {
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * "24.90 EUR", "1,500 JPY", "1.250 KWD": the decimal text as sent by Rust (never through a
 * float), padded or cut to the currency's decimals, with thousands separators.
 */
export function formatMoney(money: MoneyAmount): string {
  const decimals = currencyDecimals(money.currency);
  const negative = money.amount.trim().startsWith("-");
  const [whole = "0", fraction = ""] = money.amount.trim().replace(/^[-+]/, "").split(".");
  const grouped = (whole.replace(/^0+(?=\d)/, "") || "0").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const frac = decimals > 0 ? "." + fraction.padEnd(decimals, "0").slice(0, decimals) : "";
  return `${negative ? "−" : ""}${grouped}${frac} ${money.currency}`;
}

/** Whether a typed amount is a plain positive decimal ("12", "12.5", "12.50"). */
export function isAmount(text: string, currency: string): boolean {
  const decimals = currencyDecimals(currency);
  const pattern = decimals === 0 ? /^\d+$/ : new RegExp(`^\\d+(\\.\\d{1,${decimals}})?$`);
  return pattern.test(text.trim());
}

export type ShippingChoice = "none" | "full" | "amount";

export interface RefundSelection {
  orderId: string;
  currency: string;
  /** Line item id → quantity (0 = not refunded). */
  quantities: Record<string, number>;
  restock: boolean;
  locationId: string | null;
  shipping: ShippingChoice;
  shippingAmount: string;
  reason: string;
  note: string;
  notify: boolean;
}

/** The engine's request for exactly what the dialog shows; lines with 0 are left out. */
export function refundRequest(sel: RefundSelection, confirmedTotal: MoneyAmount | null): RefundRequest {
  const lines = Object.entries(sel.quantities)
    .filter(([, quantity]) => quantity > 0)
    .map(([lineItemId, quantity]) => ({ lineItemId, quantity, restock: sel.restock }));
  const shipping: RefundRequest["shipping"] =
    sel.shipping === "amount"
      ? { kind: "amount", amount: { amount: sel.shippingAmount.trim(), currency: sel.currency } }
      : { kind: sel.shipping };
  return {
    orderId: sel.orderId,
    lines,
    restockLocationId: sel.restock ? sel.locationId : null,
    shipping,
    reason: sel.reason.trim(),
    note: sel.note.trim() === "" ? null : sel.note.trim(),
    notify: sel.notify,
    confirmedTotal,
  };
}

/** Whether the selection asks for anything (items or shipping) and its amount is well formed. */
export function selectionReady(sel: RefundSelection): boolean {
  const items = Object.values(sel.quantities).some((q) => q > 0);
  if (sel.shipping === "amount") return isAmount(sel.shippingAmount, sel.currency);
  return items || sel.shipping === "full";
}

/** Shown under an estimated refund preview (Shopify couldn't be reached). */
export const ESTIMATE_NOTICE = "Estimated from the local copy; Shopify's amount is checked before it is sent.";

/** The notice for a preview's amounts: `null` when they are Shopify's own. */
export function previewNotice(preview: Pick<RefundPreview, "estimatedFromLocalCopy"> | null): string | null {
  return preview?.estimatedFromLocalCopy ? ESTIMATE_NOTICE : null;
}

/**
 * Whether a refund can be submitted on this preview: Shopify's amounts either way, an
 * estimate only with "Send when online" (it is checked against Shopify's before it leaves).
 */
export function previewAllowsSubmit(
  preview: Pick<RefundPreview, "estimatedFromLocalCopy"> | null,
  whenOnline: boolean,
): boolean {
  return preview !== null && (!preview.estimatedFromLocalCopy || whenOnline);
}

/** A stable key of what the preview depends on: re-preview only when it changes. */
export function previewKey(sel: RefundSelection): string {
  return JSON.stringify([sel.orderId, sel.quantities, sel.restock, sel.locationId, sel.shipping, sel.shippingAmount]);
}

/**
 * The refund dialog's selection for a queued refund reopened to edit it: every line of the
 * order (those not in the request at 0), the queued quantities capped at what is refundable now.
 */
export function selectionFromRefund(request: RefundRequest, view: OrderActionsView): RefundSelection {
  const queued = new Map(request.lines.map((l) => [l.lineItemId, l.quantity]));
  const shipping = request.shipping;
  return {
    orderId: request.orderId,
    currency: view.currency,
    quantities: Object.fromEntries(
      view.lineItems.map((i) => [i.lineItemId, Math.min(queued.get(i.lineItemId) ?? 0, i.refundableQuantity)]),
    ),
    restock: request.lines.length > 0 ? request.lines.some((l) => l.restock) : true,
    locationId: request.restockLocationId ?? view.locations[0]?.id ?? null,
    shipping: shipping.kind,
    shippingAmount: shipping.kind === "amount" ? shipping.amount.amount : "",
    reason: request.reason,
    note: request.note ?? "",
    notify: request.notify,
  };
}

/** What the replacement dialog holds: quantities and chosen variants per line, note, address. */
export interface ReplacementSelection {
  quantities: Record<string, number>;
  /** Line item id → the variant to send (the line's own variant when not changed). */
  variants: Record<string, string>;
  note: string;
  /** An edited address, or `null` for the order's own. */
  address: AddressInput | null;
}

/** The replacement dialog's state for a queued replacement reopened to edit it. */
export function selectionFromReplacement(request: ReplacementRequest, view: OrderActionsView): ReplacementSelection {
  const quantities: Record<string, number> = {};
  const variants: Record<string, string> = {};
  for (const item of view.lineItems) {
    const line = request.lines.find((l) => l.lineItemId === item.lineItemId);
    quantities[item.lineItemId] = line?.quantity ?? 0;
    const variant = line?.variantId ?? item.variantId;
    if (variant) variants[item.lineItemId] = variant;
  }
  return { quantities, variants, note: request.note ?? "", address: request.shippingAddress };
}

/** Decimal text as an integer of `scale` decimals, without a float ("24.9", 2 → 2490n). */
function scaled(text: string, scale: number): bigint {
  const [whole = "0", fraction = ""] = text.trim().split(".");
  return BigInt((whole || "0") + fraction.padEnd(scale, "0").slice(0, scale));
}

/**
 * Whether `total` is above the agent's limit (decimal text in `limitCurrency`), as the engine
 * decides it: no limit → never; a limit in another currency → always (the owner decides).
 */
export function exceedsLimit(total: MoneyAmount, limit: string | null, limitCurrency: string): boolean {
  if (limit === null || limit.trim() === "") return false;
  if (limitCurrency !== total.currency) return true;
  const scale = Math.max(currencyDecimals(total.currency), 4);
  return scaled(total.amount, scale) > scaled(limit, scale);
}

/** The hover text of a disabled button, or `null` when the action is allowed. */
export function deniedReason(availability: Availability): string | null {
  return availability.status === "denied" ? availability.reason : null;
}

export type StateTone = "success" | "warning" | "danger" | "info" | "neutral";

/** How an action's state reads in the list: label, tone, and the reason when it has one. */
export function stateLine(state: ActionState): { label: string; tone: StateTone; reason: string | null } {
  switch (state.state) {
    case "queued":
      return { label: "Queued", tone: "info", reason: null };
    case "sending":
      return { label: "Sending", tone: "info", reason: null };
    case "unknown":
      return { label: "Checking", tone: "warning", reason: "The answer was lost; Shopdesk is checking what Shopify did." };
    case "succeeded":
      return { label: "Done", tone: "success", reason: null };
    case "failed":
      return { label: "Failed", tone: "danger", reason: state.reason };
    case "held":
      return { label: "Held", tone: "warning", reason: state.reason };
    case "cancelled":
      return { label: "Cancelled", tone: "neutral", reason: null };
  }
}

/** One line describing an action: "Refund 24.90 EUR on #1001", "Replacement for #1001 → #1042". */
export function actionSummary(action: ActionRecord, orderName: string): string {
  const amount = action.expectedTotal ? ` ${formatMoney(action.expectedTotal)}` : "";
  switch (action.kind) {
    case "refund":
      return `Refund${amount} on ${orderName}`;
    case "replacement": {
      const made = action.result?.orderName ? ` → ${action.result.orderName}` : "";
      return `Replacement for ${orderName}${made}`;
    }
    case "cancel":
      return `Cancel ${orderName}`;
    case "edit":
      return `Edit ${orderName}`;
  }
}

/** Whether any action is still on its way (the list then refreshes itself). */
export function anyPending(actions: ActionRecord[]): boolean {
  return actions.some((a) => ["queued", "sending", "unknown"].includes(a.state.state));
}

/** Calls `fn` once `ms` after the last call (the refund preview while steppers move). */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** Why Shopdesk refused an action it was just given (failed or held), or null when it took it. */
export function refusal(record: ActionRecord): string | null {
  const state = record.state;
  return state.state === "failed" || state.state === "held" ? state.reason : null;
}
