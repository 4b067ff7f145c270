// Small pure formatting helpers for the UI. Every function takes its clock, locale and time
// zone as optional arguments so that tests are deterministic.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A compact age for lists: "now", "12m", "3h", "5d", "4mo", "2y". Future dates read "now". */
export function relativeAge(iso: string, now: Date = new Date()): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return "";
  const ms = now.getTime() - then;
  if (ms < MINUTE) return "now";
  if (ms < HOUR) return `${Math.floor(ms / MINUTE)}m`;
  if (ms < DAY) return `${Math.floor(ms / HOUR)}h`;
  const days = Math.floor(ms / DAY);
  if (days < 30) return `${days}d`;
  if (days < 365) return `${Math.floor(days / 30)}mo`;
  return `${Math.floor(days / 365)}y`;
}

export interface DateOptions {
  locale?: string;
  timeZone?: string;
}

/** A message timestamp: "Mar 3, 2026, 2:05 PM" (in the user's locale by default). */
export function formatDateTime(iso: string, opts: DateOptions = {}): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(opts.locale, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZone: opts.timeZone,
  }).format(d);
}

/** A day: "Mar 3, 2026". For order dates and "customer since". */
export function formatDay(iso: string, opts: DateOptions = {}): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(opts.locale, {
    year: "numeric",
    month: "short",
    day: "numeric",
    timeZone: opts.timeZone,
  }).format(d);
}

/** A file size: "840 B", "12 KB", "3.4 MB". */
export function formatBytes(size: number | bigint): string {
  const n = Number(size);
  if (n < 1024) return `${n} B`;
  const units = ["KB", "MB", "GB"];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown = value < 10 ? value.toFixed(1).replace(/\.0$/, "") : Math.round(value).toString();
  return `${shown} ${units[unit]}`;
}

/** "PARTIALLY_REFUNDED" -> "Partially refunded". */
export function humanizeStatus(status: string): string {
  const words = status.trim().toLowerCase().split(/[_\s]+/).filter(Boolean);
  if (words.length === 0) return "";
  const text = words.join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export type Tone = "success" | "warning" | "danger" | "info" | "neutral" | "accent";

/** The badge colour for a Shopify financial status. */
export function financialTone(status: string): Tone {
  switch (status.toUpperCase()) {
    case "PAID":
      return "success";
    case "PENDING":
    case "AUTHORIZED":
    case "PARTIALLY_PAID":
    case "EXPIRED":
      return "warning";
    case "PARTIALLY_REFUNDED":
      return "accent";
    case "REFUNDED":
    case "VOIDED":
      return "neutral";
    default:
      return "neutral";
  }
}

/** The badge colour for a Shopify fulfillment status. */
export function fulfillmentTone(status: string): Tone {
  switch (status.toUpperCase()) {
    case "FULFILLED":
      return "success";
    case "UNFULFILLED":
    case "ON_HOLD":
    case "SCHEDULED":
      return "warning";
    case "PARTIALLY_FULFILLED":
    case "IN_PROGRESS":
    case "PENDING_FULFILLMENT":
    case "OPEN":
      return "info";
    case "RESTOCKED":
    case "REQUEST_DECLINED":
      return "danger";
    default:
      return "neutral";
  }
}

/** Up to two initials for an avatar: "Jane van Doe" -> "JD", "sam@x.com" -> "S". */
export function initials(nameOrEmail: string): string {
  const base = nameOrEmail.includes("@") && !nameOrEmail.includes(" ")
    ? (nameOrEmail.split("@")[0] ?? "")
    : nameOrEmail;
  const words = base.split(/[\s._-]+/).filter((w) => /\p{L}|\p{N}/u.test(w));
  if (words.length === 0) return "?";
  const first = words[0] ?? "";
  const last = words.length > 1 ? (words[words.length - 1] ?? "") : "";
  if (nameOrEmail.includes("@") && !nameOrEmail.includes(" ")) {
    return first.charAt(0).toUpperCase();
  }
  return (first.charAt(0) + last.charAt(0)).toUpperCase();
}

/** Whether a decimal amount string is zero ("0", "0.00", "-0.0"). */
export function isZeroAmount(amount: string): boolean {
  return /^-?0*(\.0*)?$/.test(amount.trim()) && amount.trim() !== "";
}
