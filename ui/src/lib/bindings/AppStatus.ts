// PROVISIONAL (hand-written from the contract until shopdesk-app generates it). DELETE.
export type AppStatus = { "state": "starting", demo: boolean, } | { "state": "ready", demo: boolean, } | { "state": "failed", demo: boolean, message: string, };
