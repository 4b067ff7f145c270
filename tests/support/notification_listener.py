"""A stand-in desktop notification server for tests.

Owns org.freedesktop.Notifications on the session bus named by DBUS_SESSION_BUS_ADDRESS, answers
like a real server, and appends every Notify call as one JSON line to OUTPUT (a CloseNotification
call as {"closed": ID}). Prints "ready" on stdout once it owns the name. With
--invoke-default-after-ms, it "clicks" every notification that has a default action that many
milliseconds after showing it (ActionInvoked, then NotificationClosed with reason 2, as a real
server does).

Usage: notification_listener.py OUTPUT [--invoke-default-after-ms MS] [--capabilities a,b,c]
"""

import argparse
import asyncio
import json

from dbus_next import Variant
from dbus_next.aio import MessageBus
from dbus_next.constants import RequestNameReply
from dbus_next.service import ServiceInterface, method, signal

NAME = "org.freedesktop.Notifications"
LOGGED_HINTS = ("category", "desktop-entry", "urgency")
CLOSED_BY_USER = 2
CLOSED_BY_CALL = 3


class Notifications(ServiceInterface):
    def __init__(self, output, invoke_default_after_ms, capabilities):
        super().__init__(NAME)
        self.output = output
        self.invoke_default_after_ms = invoke_default_after_ms
        self.capabilities = capabilities
        self.last_id = 0

    @method()
    def Notify(self, app_name: "s", replaces_id: "u", app_icon: "s", summary: "s", body: "s",
               actions: "as", hints: "a{sv}", expire_timeout: "i") -> "u":
        self.last_id += 1
        notification_id = self.last_id
        record = {
            "id": notification_id, "app_name": app_name, "replaces_id": replaces_id,
            "summary": summary, "body": body, "actions": actions,
            "hints": {k: v.value for k, v in hints.items() if k in LOGGED_HINTS},
        }
        self.log(record)
        if self.invoke_default_after_ms is not None and "default" in actions[0::2]:
            asyncio.get_running_loop().call_later(
                self.invoke_default_after_ms / 1000, self.click, notification_id)
        return notification_id

    def log(self, record):
        with open(self.output, "a", encoding="utf-8") as out:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")

    def click(self, notification_id):
        self.ActionInvoked(notification_id, "default")
        self.NotificationClosed(notification_id, CLOSED_BY_USER)

    @method()
    def GetCapabilities(self) -> "as":
        return self.capabilities

    @method()
    def GetServerInformation(self) -> "ssss":
        return ["shopdesk-test-listener", "Shopdesk", "1.0", "1.2"]

    @method()
    def CloseNotification(self, notification_id: "u"):
        self.log({"closed": notification_id})
        self.NotificationClosed(notification_id, CLOSED_BY_CALL)

    @signal()
    def ActionInvoked(self, notification_id, action_key) -> "us":
        return [notification_id, action_key]

    @signal()
    def NotificationClosed(self, notification_id, reason) -> "uu":
        return [notification_id, reason]


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("output")
    parser.add_argument("--invoke-default-after-ms", type=int)
    parser.add_argument("--capabilities", default="actions,body")
    args = parser.parse_args()

    bus = await MessageBus().connect()
    server = Notifications(args.output, args.invoke_default_after_ms, args.capabilities.split(","))
    bus.export("/org/freedesktop/Notifications", server)
    if await bus.request_name(NAME) != RequestNameReply.PRIMARY_OWNER:
        raise SystemExit(f"{NAME} is already owned on this bus")
    print("ready", flush=True)
    await bus.wait_for_disconnect()


if __name__ == "__main__":
    asyncio.run(main())
