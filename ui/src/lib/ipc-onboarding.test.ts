import { describe, expect, it } from "vitest";
import { cancelMailboxSignIn, checkSummary, mailboxFix, mailboxForm, progressLine, shopInput } from "./ipc-onboarding";
import type { SavedAccountsView } from "./bindings/SavedAccountsView";
import type { ShopCheckView } from "./bindings/ShopCheckView";

describe("onboarding helpers", () => {
  it("builds the store input for each credential kind, trimmed", () => {
    expect(shopInput(" acme ", "accessToken", " shpat_1 ", "x", "y")).toEqual({
      shop: "acme",
      credential: { kind: "accessToken", token: "shpat_1" },
    });
    expect(shopInput("acme", "clientCredentials", "", " id ", " secret ")).toEqual({
      shop: "acme",
      credential: { kind: "clientCredentials", clientId: "id", clientSecret: "secret" },
    });
  });

  it("summarizes a check", () => {
    const feature = (available: boolean) => ({ label: "x", scope: "s", available, advice: null });
    const check: ShopCheckView = {
      shopName: "Acme",
      shopDomain: "acme.myshopify.com",
      plan: "Basic",
      developmentStore: false,
      features: [feature(true), feature(false)],
      canConnect: true,
    };
    expect(checkSummary(check)).toBe("1 of 2 features ready; the others need a scope added (see below).");
    expect(checkSummary({ ...check, features: [feature(true)] })).toBe("Everything Shopdesk does is allowed.");
  });

  it("prefills the mailbox form from the proposed servers", () => {
    const form = mailboxForm(" help@acme.com ", {
      imapHost: "imap.acme.com",
      imapPort: 993,
      imapSecurity: "tls",
      smtpHost: "smtp.acme.com",
      smtpPort: 465,
      smtpSecurity: "tls",
      provider: null,
      advice: null,
      signIn: null,
    });
    expect(form.address).toBe("help@acme.com");
    expect(form.password).toBe("");
    expect(form.smtpHost).toBe("smtp.acme.com");
  });

  it("shows sync progress per resource", () => {
    expect(progressLine({})).toBe("Connecting to Shopify…");
    expect(progressLine({ customers: 40, orders: 8 })).toBe("Customers: 40 · Orders: 8");
  });

  it("picks what fixes the saved mailbox", () => {
    const saved: SavedAccountsView = {
      shopDomain: "acme.myshopify.com",
      shopAuthKind: "accessToken",
      clientId: null,
      mailboxAddress: "help@acme.com",
      mailboxSignIn: null,
      mailboxProblem: null,
    };
    expect(mailboxFix(saved)).toBe("password");
    expect(mailboxFix({ ...saved, mailboxSignIn: "google" })).toBe("signIn");
    expect(mailboxFix({ ...saved, mailboxAddress: null })).toBeNull();
  });
});

describe("cancelMailboxSignIn", () => {
  const noPause = () => Promise.resolve();

  it("asks again until the sign-in has started waiting", async () => {
    const answers = [false, false, true];
    let asked = 0;
    const cancelled = await cancelMailboxSignIn(() => true, async () => answers[asked++] ?? false, noPause);
    expect(cancelled).toBe(true);
    expect(asked).toBe(3);
  });

  it("stops asking once the sign-in is over", async () => {
    let signingIn = true;
    let asked = 0;
    const cancelled = await cancelMailboxSignIn(
      () => signingIn,
      async () => {
        asked++;
        signingIn = false;
        return false;
      },
      noPause,
    );
    expect(cancelled).toBe(false);
    expect(asked).toBe(1);
  });
});
