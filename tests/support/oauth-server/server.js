// A local OAuth2 server for the mailbox OAuth tests: oauth2-mock-server (authorize with PKCE,
// token, JWT signing) plus the bookkeeping a real provider does and the mock does not, so the
// tests can prove behaviour against it:
//  - tokens name the test mailbox (sub and email = --user), like Gmail's and Microsoft's;
//  - refresh tokens are remembered and single-use (rotated): an unknown, used or revoked one
//    gets 400 invalid_grant;
//  - a code issued with a PKCE challenge needs its code_verifier (the mock checks a verifier
//    only when one is sent);
//  - GET /tokeninfo?access_token=... (Dovecot's tokeninfo_url) and GET /tokeninfo with a Bearer
//    header (the SMTP sink) answer 200 {active, email, exp} for a live token and 401 otherwise;
//  - POST /_control/<what> changes behaviour: expire-access-tokens, revoke-refresh-tokens,
//    deny-next-authorization, token-lifetime?seconds=N.
// Every token request is logged to --log as a JSON line (grant, whether a verifier came).
// It prints "listening <port>" once it listens on 127.0.0.1.
//
//   node server.js --port 0 --user support@shop.test --log /tmp/oauth.jsonl

import { appendFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import http from "node:http";
import { OAuth2Issuer, OAuth2Service } from "oauth2-mock-server";

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .reduce((pairs, arg, i, all) => (i % 2 === 0 ? [...pairs, [arg.replace(/^--/, ""), all[i + 1]]] : pairs), []),
);
const user = args.user ?? "support@shop.test";
const logFile = args.log;

const accessTokens = new Map(); // token -> expiry (ms since epoch)
const refreshTokens = new Set(); // live refresh tokens
const challengedCodes = new Set(); // codes issued with a PKCE challenge
let tokenLifetime = 3600;
let denyNext = false;

function log(entry) {
  if (logFile) appendFileSync(logFile, JSON.stringify(entry) + "\n");
}

const issuer = new OAuth2Issuer();
await issuer.keys.generate("RS256");
const service = new OAuth2Service(issuer);

service.on("beforeTokenSigning", (token) => {
  token.payload.sub = user;
  token.payload.email = user;
  token.payload.exp = Math.floor(Date.now() / 1000) + tokenLifetime;
  // Two tokens signed in the same second would otherwise be the same string.
  token.payload.jti = randomUUID();
});

service.on("beforeAuthorizeRedirect", (redirect, req) => {
  const code = redirect.url.searchParams.get("code");
  if (denyNext) {
    denyNext = false;
    redirect.url.searchParams.delete("code");
    redirect.url.searchParams.set("error", "access_denied");
    redirect.url.searchParams.set("error_description", "The user did not allow access");
  } else if (code && req.query.code_challenge) {
    challengedCodes.add(code);
  }
  log({ event: "authorize", challenge_method: req.query.code_challenge_method ?? null });
});

service.on("beforeResponse", (response, req) => {
  const body = req.body;
  const grant = body.grant_type;
  log({ event: "token", grant, verifier: "code_verifier" in body, client_id: body.client_id ?? null });
  const refuse = (description) => {
    response.statusCode = 400;
    response.body = { error: "invalid_grant", error_description: description };
  };
  if (grant === "authorization_code") {
    if (challengedCodes.has(body.code) && !body.code_verifier) return refuse("code_verifier missing");
    challengedCodes.delete(body.code);
  } else if (grant === "refresh_token") {
    if (!refreshTokens.delete(body.refresh_token)) return refuse("The refresh token is not valid");
  }
  response.body.expires_in = tokenLifetime;
  accessTokens.set(response.body.access_token, Date.now() + tokenLifetime * 1000);
  if (response.body.refresh_token) refreshTokens.add(response.body.refresh_token);
});

function tokenInfo(req, res, url) {
  const header = req.headers.authorization ?? "";
  const token = url.searchParams.get("access_token") ?? header.replace(/^Bearer\s+/i, "");
  const expiry = accessTokens.get(token);
  const active = expiry !== undefined && expiry > Date.now();
  log({ event: "tokeninfo", active });
  res.writeHead(active ? 200 : 401, { "content-type": "application/json" });
  res.end(
    JSON.stringify(
      active
        ? { active: true, email: user, sub: user, exp: Math.floor(expiry / 1000) }
        : { active: false, error: "invalid_token" },
    ),
  );
}

function control(res, url) {
  const what = url.pathname.slice("/_control/".length);
  if (what === "expire-access-tokens") {
    for (const token of accessTokens.keys()) accessTokens.set(token, 0);
  } else if (what === "revoke-refresh-tokens") {
    refreshTokens.clear();
  } else if (what === "deny-next-authorization") {
    denyNext = true;
  } else if (what === "token-lifetime") {
    tokenLifetime = Number(url.searchParams.get("seconds"));
  } else {
    res.writeHead(404);
    return res.end();
  }
  log({ event: "control", what });
  res.writeHead(204);
  res.end();
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://127.0.0.1");
  if (url.pathname === "/tokeninfo") return tokenInfo(req, res, url);
  if (url.pathname.startsWith("/_control/") && req.method === "POST") return control(res, url);
  return service.requestHandler(req, res);
});

server.listen(Number(args.port ?? 0), "127.0.0.1", () => {
  const { port } = server.address();
  issuer.url = `http://127.0.0.1:${port}`;
  console.log(`listening ${port}`);
});

for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => server.close(() => process.exit(0)));
