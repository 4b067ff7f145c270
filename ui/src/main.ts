import { mount } from "svelte";
import App from "./App.svelte";
import "./app.css";

async function start(): Promise<void> {
  // In a plain browser during development there is no Rust side: use the fixture instead.
  if (import.meta.env.DEV && !("__TAURI_INTERNALS__" in window)) {
    const { install } = await import("./lib/dev-mock");
    install();
  }
  const target = document.getElementById("app");
  if (!target) throw new Error("Shopdesk: #app element missing from index.html");
  mount(App, { target });
}

void start();
