// Development only: when the UI runs in a plain browser (`npm run dev`, no Tauri), answer the
// IPC calls with a small fixture so the panes can be worked on without building the app.
// main.ts loads this only when import.meta.env.DEV is true, so it never ships.
import { emit } from "@tauri-apps/api/event";
import { mockIPC } from "@tauri-apps/api/mocks";
import type { AppStatus } from "./bindings/AppStatus";
import type { MoneyView } from "./bindings/MoneyView";
import type { OrderView } from "./bindings/OrderView";
import type { TicketSummary } from "./bindings/TicketSummary";
import type { TicketView } from "./bindings/TicketView";

const money = (amount: string): MoneyView => ({ amount, currency: "EUR", formatted: `${amount} EUR` });
const hoursAgo = (h: number): string => new Date(Date.now() - h * 3_600_000).toISOString();

const tickets: TicketSummary[] = [
  { id: 1, token: "T1", subject: "Where is my order #1042?", status: "open", customerName: "Emma Laurent", customerEmail: "emma.laurent@example.com", lastMessageAt: hoursAgo(0.3), messageCount: 3, preview: "Hi, the tracking page hasn't moved since Tuesday. Could you check with the carrier?", orderName: "#1042" },
  { id: 2, token: "T2", subject: "Grinder arrived broken", status: "open", customerName: "Jonas Berg", customerEmail: "jonas@berg.example", lastMessageAt: hoursAgo(3), messageCount: 1, preview: "The burr grinder came with a cracked hopper. Photos attached.", orderName: "#1039" },
  { id: 3, token: "T3", subject: "Change delivery address", status: "pending", customerName: null, customerEmail: "k.tanaka@example.jp", lastMessageAt: hoursAgo(26), messageCount: 2, preview: "Could you send it to my office instead?", orderName: null },
  { id: 4, token: "T4", subject: "Refund received, thanks!", status: "closed", customerName: "Sofia Rossi", customerEmail: "sofia.rossi@example.it", lastMessageAt: hoursAgo(24 * 9), messageCount: 4, preview: "Got it, all good. Have a nice weekend.", orderName: "#1017" },
];

const orders: OrderView[] = [
  { id: "gid://shopify/Order/1042", name: "#1042", createdAt: hoursAgo(24 * 6), financialStatus: "PAID", fulfillmentStatus: "FULFILLED", cancelledAt: null, subtotal: money("54.80"), shipping: money("4.90"), tax: money("5.10"), total: money("64.80"), refunded: money("0.00"), currentTotal: money("64.80"), presentmentTotal: null, linked: true, statusPageUrl: null, shippingCity: "Lyon",
    lineItems: [
      { name: "Ethiopia Yirgacheffe — 500 g", sku: "ETH-500", quantity: 2, currentQuantity: 2, unitPrice: money("24.90") },
      { name: "Paper filters (100)", sku: "FLT-100", quantity: 1, currentQuantity: 1, unitPrice: money("5.00") },
    ],
    fulfillments: [{ status: "SUCCESS", displayStatus: "IN_TRANSIT", deliveredAt: null, tracking: [{ company: "DHL", number: "JD014600006281234567", url: "https://www.dhl.com/track?id=JD014600006281234567" }] }] },
  { id: "gid://shopify/Order/1031", name: "#1031", createdAt: hoursAgo(24 * 40), financialStatus: "PARTIALLY_REFUNDED", fulfillmentStatus: "FULFILLED", cancelledAt: null, subtotal: money("89.00"), shipping: money("0.00"), tax: money("0.00"), total: money("89.00"), refunded: money("9.50"), currentTotal: money("79.50"), presentmentTotal: { amount: "96.40", currency: "USD", formatted: "96.40 USD" }, linked: false, statusPageUrl: null, shippingCity: "Lyon",
    lineItems: [
      { name: "Pour-over kettle", sku: "KET-1", quantity: 1, currentQuantity: 1, unitPrice: money("70.00") },
      { name: "Colombia Huila — 250 g", sku: "COL-250", quantity: 2, currentQuantity: 1, unitPrice: money("9.50") },
    ],
    fulfillments: [] },
  { id: "gid://shopify/Order/1004", name: "#1004", createdAt: hoursAgo(24 * 200), financialStatus: "REFUNDED", fulfillmentStatus: "UNFULFILLED", cancelledAt: hoursAgo(24 * 199), subtotal: money("12.50"), shipping: money("0.00"), tax: money("0.00"), total: money("12.50"), refunded: money("12.50"), currentTotal: money("0.00"), presentmentTotal: null, linked: false, statusPageUrl: null, shippingCity: null,
    lineItems: [{ name: "Gift card", sku: null, quantity: 1, currentQuantity: 0, unitPrice: money("12.50") }],
    fulfillments: [] },
];

function view(id: number): TicketView {
  const ticket = tickets.find((t) => t.id === id) ?? tickets[0];
  if (!ticket) throw new Error("no tickets");
  return {
    ticket,
    customer: ticket.customerName
      ? { id: "gid://shopify/Customer/7", displayName: ticket.customerName, email: ticket.customerEmail, phone: "+33 6 12 34 56 78", ordersCount: 3, totalSpent: money("166.30"), customerSince: hoursAgo(24 * 420), tags: ["VIP", "wholesale"], note: "Prefers email over phone." }
      : null,
    orders: ticket.customerName ? orders : [],
    messages: [
      { id: 11, fromName: ticket.customerName, fromAddress: ticket.customerEmail, date: hoursAgo(30), direction: "inbound", hadHtml: true, htmlFrame: true, parseError: null,
        bodyText: "Hello,\n\nI ordered two bags of the Yirgacheffe last week (order #1042). The tracking page hasn't moved since Tuesday.\n\nCould you check with the carrier?\n\nThanks,\nEmma",
        attachments: [{ filename: "tracking-screenshot.png", contentType: "image/png", size: 184_320 }] },
      { id: 12, fromName: "Northwind Coffee", fromAddress: "support@northwind-coffee.test", date: hoursAgo(20), direction: "outbound", hadHtml: false, htmlFrame: false, parseError: null, attachments: [],
        bodyText: "Hi Emma,\n\nSorry about the wait! I've asked DHL to look into it and will get back to you as soon as I hear from them.\n\nBest,\nAlex" },
      { id: 13, fromName: null, fromAddress: ticket.customerEmail, date: hoursAgo(0.3), direction: "inbound", hadHtml: false, htmlFrame: false, parseError: "The message's MIME structure is broken (missing closing boundary).", attachments: [],
        bodyText: "Content-Type: multipart/mixed; boundary=\"xyz\"\n\n--xyz\nContent-Type: text/plain\n\nAny news?" },
    ],
  };
}

export function install(): void {
  let status: AppStatus = { state: "starting", demo: true };
  mockIPC(
    (cmd, args) => {
      switch (cmd) {
        case "app_status":
          return status;
        case "list_tickets":
          return tickets;
        case "open_ticket":
          return view(Number((args as { ticketId?: number } | undefined)?.ticketId));
        case "demo_info":
          return null;
        case "replies":
          return [];
        case "search":
          return { hits: [], indexRebuilding: false, notice: null };
        default:
          return null;
      }
    },
    { shouldMockEvents: true },
  );
  // Show the loading state briefly, as the real app does while the demo store syncs.
  setTimeout(() => {
    status = { state: "ready", demo: true };
    void emit("app-status", status);
  }, 600);
}
