#!/usr/bin/env python3
"""An SMTP receiver for tests, on 127.0.0.1 only (aiosmtpd, from tests/support/requirements.txt).

Every message it accepts is written to OUT as NNNN.eml (the bytes as received) with NNNN.json
beside it (the envelope: mail_from, rcpt_tos, and the login used). The .json is written first
and each file appears whole (written aside, then renamed), so a reader that sees NNNN.eml can
read both. Every end of DATA, accepted or not, adds one line to OUT/attempts.log.

How it answers the end of DATA:
  - by default "250 OK";
  - with --reply "451 4.3.0 Try again later", always that;
  - with --control FILE, what the file says when it exists, read for every message: a whole
    SMTP reply line ("550 5.1.1 <x@example.com>: Recipient address rejected"), or "accept".
    The control file wins over --reply.

With --auth USER:PASSWORD, AUTH PLAIN/LOGIN is offered over the plain connection and required.
With --xoauth2-tokeninfo URL (and --auth USER:), AUTH XOAUTH2 is offered and required instead: the
bearer token is accepted when GET URL with it as "Authorization: Bearer" answers 200 with
"email" = USER (tests/support/oauth-server), else 535. Its envelope's "mechanism" is "XOAUTH2".

    smtp_sink.py --port 2525 --out /tmp/sink [--control /tmp/sink.ctl] [--reply ...] [--auth u:p]

Stops on SIGTERM or SIGINT (or is killed: files already written are complete).
"""

import argparse
import asyncio
import collections
import json
import os
import signal
import sys
import urllib.error
import urllib.request
from base64 import b64decode

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

HOST = "127.0.0.1"


class Sink:
    def __init__(self, out, control, reply):
        self.out = out
        self.control = control
        self.reply = reply
        self.count = 0

    def configured_reply(self):
        if self.control and os.path.exists(self.control):
            with open(self.control, encoding="utf-8") as f:
                line = f.read().strip()
            return None if line in ("", "accept") else line
        return self.reply

    async def handle_DATA(self, server, session, envelope):
        reply = self.configured_reply()
        with open(os.path.join(self.out, "attempts.log"), "a", encoding="utf-8") as log:
            log.write((reply or "250 accepted") + "\n")
        if reply:
            return reply
        self.count += 1
        stem = os.path.join(self.out, f"{self.count:04}")
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "login": session.auth_data.login.decode() if session.authenticated else None,
            "mechanism": getattr(session.auth_data, "mechanism", None),
        }
        write_whole(stem + ".json", json.dumps(meta).encode())
        write_whole(stem + ".eml", envelope.original_content)
        return f"250 2.0.0 Ok: queued as {self.count:04}"


def write_whole(path, data):
    aside = path + ".part"
    with open(aside, "wb") as f:
        f.write(data)
    os.replace(aside, path)


class XOAuth2Login:
    mechanism = "XOAUTH2"

    def __init__(self, login):
        self.login = login


class XOAuth2Sink(Sink):
    """A sink that takes AUTH XOAUTH2 (Gmail's and Microsoft's SASL mechanism) only."""

    def __init__(self, out, control, reply, user, tokeninfo_url):
        super().__init__(out, control, reply)
        self.user = user
        self.tokeninfo_url = tokeninfo_url

    async def auth_XOAUTH2(self, server, args):
        # The initial response: base64("user=" USER ^A "auth=Bearer " TOKEN ^A ^A).
        refused = "535 5.7.3 Authentication unsuccessful"
        if len(args) != 2:
            return AuthResult(success=False, handled=False, message=refused)
        try:
            fields = dict(
                part.split("=", 1) for part in b64decode(args[1]).decode().split("\x01") if part
            )
        except Exception:
            return AuthResult(success=False, handled=False, message=refused)
        token = fields.get("auth", "").removeprefix("Bearer ")
        loop = asyncio.get_running_loop()
        ok = fields.get("user") == self.user and await loop.run_in_executor(
            None, self.token_is_live, token
        )
        if not ok:
            return AuthResult(success=False, handled=False, message=refused)
        return AuthResult(success=True, auth_data=XOAuth2Login(self.user.encode()))

    def token_is_live(self, token):
        request = urllib.request.Request(
            self.tokeninfo_url, headers={"Authorization": f"Bearer {token}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.load(response).get("email") == self.user
        except (urllib.error.URLError, ValueError):
            return False


class LongLineSMTP(SMTP):
    # A JWT bearer makes the AUTH XOAUTH2 line longer than SMTP's 512 bytes.
    command_size_limit = 16384
    line_length_limit = 16384
    command_size_limits = collections.defaultdict(lambda: LongLineSMTP.command_size_limit)


def refuse_all(server, session, envelope, mechanism, auth_data):
    return AuthResult(success=False, handled=False)


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == user
            and auth_data.password.decode() == password
        )
        # handled=False: aiosmtpd answers 235 or 535 itself.
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    return check


async def serve(args):
    loop = asyncio.get_running_loop()
    sink = Sink(args.out, args.control, args.reply)
    options = {}
    if args.xoauth2_tokeninfo:
        user = args.auth.partition(":")[0]
        sink = XOAuth2Sink(args.out, args.control, args.reply, user, args.xoauth2_tokeninfo)
        options = {
            "authenticator": refuse_all,
            "auth_exclude_mechanism": ["PLAIN", "LOGIN"],
            "auth_require_tls": False,
            "auth_required": True,
        }
    elif args.auth:
        user, _, password = args.auth.partition(":")
        options = {
            "authenticator": authenticator(user, password),
            "auth_require_tls": False,
            "auth_required": True,
        }
    protocol = LongLineSMTP if args.xoauth2_tokeninfo else SMTP
    server = await loop.create_server(
        lambda: protocol(sink, hostname="sink.test", loop=loop, **options), host=HOST, port=args.port
    )
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"smtp_sink: listening on {HOST}:{args.port}", flush=True)
    await stop.wait()
    server.close()
    await server.wait_closed()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", required=True, help="folder for the received .eml files")
    parser.add_argument("--control", help="file whose content, when present, is the reply")
    parser.add_argument("--reply", help='a fixed reply to every message, e.g. "550 5.7.1 No"')
    parser.add_argument("--auth", help="USER:PASSWORD to require")
    parser.add_argument("--xoauth2-tokeninfo", help="require XOAUTH2, tokens checked at this URL")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    asyncio.run(serve(args))


if __name__ == "__main__":
    sys.exit(main())
