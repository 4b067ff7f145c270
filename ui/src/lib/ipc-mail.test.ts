import { describe, expect, it } from "vitest";
import type { ImportProgressView } from "./bindings/ImportProgressView";
import type { MailDetailsView } from "./bindings/MailDetailsView";
import { detailsByMessage, foldLabel, hasFoldable, importLine, remoteImagesNotice } from "./ipc-mail";

const details = (over: Partial<MailDetailsView> = {}): MailDetailsView => ({
  messageId: 7, segments: [], blockedImages: 0, imagesAllowed: false, attachments: [], ...over,
});

describe("remote images", () => {
  it("says how many are blocked, and nothing once allowed or when there are none", () => {
    expect(remoteImagesNotice(details({ blockedImages: 3 }))).toBe("Remote images are blocked (3)");
    expect(remoteImagesNotice(details({ blockedImages: 3, imagesAllowed: true }))).toBeNull();
    expect(remoteImagesNotice(details())).toBeNull();
    expect(remoteImagesNotice(undefined)).toBeNull();
  });

  it("indexes details by message", () => {
    expect(detailsByMessage([details(), details({ messageId: 9 })]).get(9)?.messageId).toBe(9);
  });
});

describe("quote folding", () => {
  it("folds only quotes and signatures", () => {
    expect(hasFoldable([{ kind: "text", text: "hi" }])).toBe(false);
    expect(hasFoldable([{ kind: "text", text: "hi" }, { kind: "quote", text: "> x" }])).toBe(true);
    expect(foldLabel({ kind: "quote", text: "" }, false)).toBe("··· show quoted text");
    expect(foldLabel({ kind: "signature", text: "" }, true)).toBe("hide signature");
  });
});

describe("importLine", () => {
  const base: ImportProgressView = {
    messages: 10, imported: 8, duplicates: 1, flagged: 1, skipped: 0, ticketsCreated: 3,
    bytesDone: 512 * 1024, bytesTotal: 1024 * 1024, done: false,
  };
  it("shows progress while running and the result at the end", () => {
    expect(importLine(base)).toBe(
      "Importing… 50% (512.0 KB of 1.0 MB): 8 new, 1 already there, 1 unreadable (kept, flagged)",
    );
    expect(importLine({ ...base, done: true, bytesDone: base.bytesTotal })).toBe(
      "Imported 10 mails: 8 new, 1 already there, 1 unreadable (kept, flagged); 3 new tickets.",
    );
  });
});
