// Onboarding's IPC calls (demo or connect, store check and save, mailbox test and save, forget)
// and the pure helpers its components use (tested in ipc-onboarding.test.ts).
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import type { MailServersView } from "./bindings/MailServersView";
import type { MailboxInput } from "./bindings/MailboxInput";
import type { OnboardingView } from "./bindings/OnboardingView";
import type { SavedAccountsView } from "./bindings/SavedAccountsView";
import type { SignInProviderView } from "./bindings/SignInProviderView";
import type { ShopCheckView } from "./bindings/ShopCheckView";
import type { ShopConnectInput } from "./bindings/ShopConnectInput";
import type { ShopSyncProgressView } from "./bindings/ShopSyncProgressView";

/** The first Shopify sync of a live store reports each page with this event. */
export const SHOP_SYNC_PROGRESS_EVENT = "shop-sync-progress";

export const onboardingIpc = {
  state: (): Promise<OnboardingView> => invoke<OnboardingView>("onboarding_state"),
  keepSecretsForThisSession: (): Promise<void> => invoke("keep_secrets_for_this_session"),
  startDemo: (): Promise<void> => invoke("start_demo_store"),
  checkShop: (input: ShopConnectInput): Promise<ShopCheckView> => invoke<ShopCheckView>("check_shop", { input }),
  saveShop: (input: ShopConnectInput): Promise<ShopCheckView> => invoke<ShopCheckView>("save_shop", { input }),
  suggestMailServers: (address: string): Promise<MailServersView> =>
    invoke<MailServersView>("suggest_mail_servers", { address }),
  testMailbox: (input: MailboxInput): Promise<void> => invoke("test_mailbox", { input }),
  saveMailbox: (input: MailboxInput): Promise<void> => invoke("save_mailbox", { input }),
  startSavedStore: (): Promise<void> => invoke("start_saved_store"),
  forgetStore: (): Promise<void> => invoke("forget_store"),
  leaveDemo: (): Promise<void> => invoke("leave_demo"),
  /** Opens the provider's sign-in page in the system browser; resolves once tested and saved. */
  signInMailbox: (input: MailboxInput, provider: SignInProviderView): Promise<void> =>
    invoke("sign_in_mailbox", { input, provider }),
  /** "Sign in again" for the saved mailbox. */
  signInSavedMailbox: (): Promise<void> => invoke("sign_in_mailbox", {}),
  /** Stops waiting for the browser: the pending sign-in ends with "Sign-in cancelled". */
  cancelMailboxSignIn: (): Promise<boolean> => invoke<boolean>("cancel_mailbox_sign_in"),
  updateMailboxPassword: (password: string): Promise<void> => invoke("update_mailbox_password", { password }),
  replaceShopCredential: (input: ShopConnectInput): Promise<ShopCheckView> =>
    invoke<ShopCheckView>("replace_shop_credential", { input }),
  savedAccounts: (): Promise<SavedAccountsView> => invoke<SavedAccountsView>("saved_accounts"),
  onShopSyncProgress: (handler: (progress: ShopSyncProgressView) => void): Promise<UnlistenFn> =>
    listen<ShopSyncProgressView>(SHOP_SYNC_PROGRESS_EVENT, (event) => handler(event.payload)),
};

export type CredentialKind = ShopConnectInput["credential"]["kind"];

/** The store form as typed, turned into the IPC input (trimmed). */
export function shopInput(
  shop: string,
  kind: CredentialKind,
  token: string,
  clientId: string,
  clientSecret: string,
): ShopConnectInput {
  const credential: ShopConnectInput["credential"] =
    kind === "accessToken"
      ? { kind, token: token.trim() }
      : { kind, clientId: clientId.trim(), clientSecret: clientSecret.trim() };
  return { shop: shop.trim(), credential };
}

/** "4 of 6 features ready", or "Everything Shopdesk does is allowed". */
export function checkSummary(check: ShopCheckView): string {
  const ready = check.features.filter((f) => f.available).length;
  if (ready === check.features.length) return "Everything Shopdesk does is allowed.";
  return `${ready} of ${check.features.length} features ready; the others need a scope added (see below).`;
}

/** An empty mailbox form with the servers proposed for the address. */
export function mailboxForm(address: string, servers: MailServersView): MailboxInput {
  return {
    address: address.trim(),
    username: "",
    password: "",
    imapHost: servers.imapHost,
    imapPort: servers.imapPort,
    imapSecurity: servers.imapSecurity,
    smtpHost: servers.smtpHost,
    smtpPort: servers.smtpPort,
    smtpSecurity: servers.smtpSecurity,
  };
}

/** "Customers: 40 · Orders: 120" while the first sync runs. */
export function progressLine(progress: Record<string, number>): string {
  const parts = Object.entries(progress).map(
    ([resource, count]) => `${resource[0]?.toUpperCase() ?? ""}${resource.slice(1)}: ${count}`,
  );
  return parts.length === 0 ? "Connecting to Shopify…" : parts.join(" · ");
}

/** What fixes the saved mailbox: a new sign-in (OAuth2) or a new password; none without one. */
export function mailboxFix(saved: SavedAccountsView): "signIn" | "password" | null {
  if (saved.mailboxAddress === null) return null;
  return saved.mailboxSignIn === null ? "password" : "signIn";
}

/**
 * Cancels the sign-in that waits for the browser. The click can reach Shopdesk before the
 * sign-in itself has started waiting: while `stillSigningIn()` says so, it asks again.
 */
export async function cancelMailboxSignIn(
  stillSigningIn: () => boolean,
  cancel: () => Promise<boolean> = onboardingIpc.cancelMailboxSignIn,
  pause: () => Promise<void> = () => new Promise((resolve) => setTimeout(resolve, 100)),
): Promise<boolean> {
  for (let attempt = 0; attempt < 50 && stillSigningIn(); attempt++) {
    if (await cancel()) return true;
    await pause();
  }
  return false;
}
