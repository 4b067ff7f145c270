import { describe, expect, it } from "vitest";
import { errorMessage } from "./ipc";

describe("errorMessage", () => {
  it("reads the command error sentence", () => {
    expect(errorMessage({ message: "The ticket no longer exists." })).toBe(
      "The ticket no longer exists.",
    );
    expect(errorMessage("plain")).toBe("plain");
    expect(errorMessage({})).toBe("Something went wrong. Please try again.");
    expect(errorMessage(null)).toBe("Something went wrong. Please try again.");
  });
});
