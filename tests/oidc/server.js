// A local OpenID Connect provider for the sign-in tests, so that Streamlit's st.login() runs its real
// authorization-code flow without any outside service.
//
//   OIDC_CLIENT_ID=... OIDC_CLIENT_SECRET=... node server.js [PORT]     (or OIDC_PORT=...; 0 lets the system choose)
//
// It listens on 127.0.0.1 only. oauth2-mock-server signs the tokens (RS256, keys made at start), checks PKCE and
// carries the nonce; this file adds what a test needs and the library leaves out:
// - a sign-in page on /authorize where the test types the user's email and name (Playwright fills it), so each
//   test chooses who signs in; the id token then carries that `email`, `name` and a stable `sub`;
// - the client id, secret and redirect URI checked as a real provider would, so a wrong secrets.toml fails here
//   the way it would fail against a real provider, instead of signing in anyway;
// - a discovery document that names what is actually supported (the library's advertises client
//   authentication "none", which is not what Streamlit's client does).
// The first line on stdout says where it listens; each sign-in and each refusal is logged, for failing tests.

import { createHash } from "node:crypto";
import { createServer } from "node:http";

import { OAuth2Issuer, OAuth2Service } from "oauth2-mock-server";

const HOST = "127.0.0.1";
const port = Number(process.argv[2] ?? process.env.OIDC_PORT ?? 0);
const clientId = process.env.OIDC_CLIENT_ID;
const clientSecret = process.env.OIDC_CLIENT_SECRET;
if (!clientId || !clientSecret || !Number.isInteger(port) || port < 0) {
  console.error("usage: OIDC_CLIENT_ID=... OIDC_CLIENT_SECRET=... node server.js [PORT]");
  process.exit(2);
}

const issuer = new OAuth2Issuer();
await issuer.keys.generate("RS256");
const service = new OAuth2Service(issuer);

// What the sign-in page recorded for each authorization code, until the code is exchanged (once).
const grants = new Map();
// The user behind each access token handed out, for the userinfo endpoint.
const accessTokens = new Map();

function subjectFor(email) {
  // Stable and opaque, like a real provider's subject: the same email always gets the same `sub`.
  return `user-${createHash("sha256").update(email.toLowerCase()).digest("hex").slice(0, 20)}`;
}

function claimsOf(user) {
  return { sub: user.sub, email: user.email, email_verified: true, name: user.name };
}

function isLoopbackUrl(value) {
  // Browsers are only ever sent back to this machine: a mock must not become an open redirect.
  try {
    const url = new URL(value);
    return ["http:", "https:"].includes(url.protocol) && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  } catch {
    return false;
  }
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function sendJson(res, status, body) {
  res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store" });
  res.end(JSON.stringify(body));
}

function sendPage(res, status, title, body) {
  res.writeHead(status, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
          `<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`);
}

function discovery() {
  const base = issuer.url;
  return {
    issuer: base,
    authorization_endpoint: `${base}/authorize`,
    token_endpoint: `${base}/token`,
    userinfo_endpoint: `${base}/userinfo`,
    jwks_uri: `${base}/jwks`,
    end_session_endpoint: `${base}/endsession`,
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: ["authorization_code"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["RS256"],
    scopes_supported: ["openid", "email", "profile"],
    claims_supported: ["sub", "email", "email_verified", "name", "iss", "aud", "exp", "iat", "nonce"],
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    code_challenge_methods_supported: ["S256"],
  };
}

function authorizeProblem(query) {
  if (query.get("client_id") !== clientId) return `Unknown client_id ${JSON.stringify(query.get("client_id"))}.`;
  if (!isLoopbackUrl(query.get("redirect_uri") ?? "")) return "The redirect_uri must be an address on this machine.";
  if (query.get("response_type") !== "code") return "Only response_type=code (the authorization-code flow) is supported.";
  if (!(query.get("scope") ?? "").split(" ").includes("openid")) return "The scope must include openid.";
  return null;
}

function loginPage(query, problem) {
  // Every parameter of the authorization request travels on as a hidden field, so the form's submission is the
  // same request plus the user the test chose.
  const hidden = [...query.entries()]
    .filter(([key]) => !key.startsWith("login_"))
    .map(([key, value]) => `<input type="hidden" name="${escapeHtml(key)}" value="${escapeHtml(value)}">`)
    .join("");
  const email = query.get("login_email") ?? query.get("login_hint") ?? "";
  return `${problem ? `<p role="alert">${escapeHtml(problem)}</p>` : ""}
<form method="get" action="/authorize">${hidden}
<p><label for="email">Email</label> <input id="email" name="login_email" type="email" autocomplete="email" required value="${escapeHtml(email)}"></p>
<p><label for="name">Name</label> <input id="name" name="login_name" autocomplete="name" value="${escapeHtml(query.get("login_name") ?? "")}"></p>
<p><button type="submit">Sign in</button></p>
</form>`;
}

function clientCredentials(req) {
  // client_secret_basic (Authlib's default, and so Streamlit's) or client_secret_post.
  const header = req.headers.authorization ?? "";
  if (header.startsWith("Basic ")) {
    const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const unescape = (s) => decodeURIComponent(s.replace(/\+/g, " "));
    return { id: unescape(decoded.slice(0, colon)), secret: unescape(decoded.slice(colon + 1)) };
  }
  return { id: req.body?.client_id, secret: req.body?.client_secret };
}

function tokenProblem(req) {
  const { id, secret } = clientCredentials(req);
  if (id !== clientId || secret !== clientSecret) {
    return { status: 401, error: "invalid_client", description: "Wrong client id or secret." };
  }
  if (req.body.grant_type !== "authorization_code") {
    return { status: 400, error: "unsupported_grant_type", description: "Only authorization_code is supported." };
  }
  const grant = grants.get(req.body.code);
  if (!grant) return { status: 400, error: "invalid_grant", description: "Unknown or already used code." };
  if (req.body.redirect_uri !== grant.redirectUri) {
    return { status: 400, error: "invalid_grant", description: "redirect_uri differs from the authorization request." };
  }
  if (grant.pkce && !req.body.code_verifier) {
    // The library checks a verifier only when one is sent; a real provider refuses a missing one.
    return { status: 400, error: "invalid_grant", description: "code_verifier is missing." };
  }
  return null;
}

service.on("beforeAuthorizeRedirect", ({ url }, req) => {
  const code = url.searchParams.get("code");
  if (!code) return;
  const email = String(req.query.login_email).trim();
  const name = String(req.query.login_name ?? "").trim() || email.split("@")[0];
  grants.set(code, {
    user: { sub: subjectFor(email), email, name },
    redirectUri: req.query.redirect_uri,
    pkce: Boolean(req.query.code_challenge),
  });
  console.log(`signed in ${email} (${name}) for client ${clientId}`);
});

service.on("beforeTokenSigning", (token, req) => {
  // Both the access token and the id token are signed here; both name the user chosen on the sign-in page.
  const grant = grants.get(req.body?.code);
  if (grant) Object.assign(token.payload, claimsOf(grant.user));
});

service.on("beforeResponse", (response, req) => {
  const problem = tokenProblem(req);
  const grant = grants.get(req.body.code);
  grants.delete(req.body.code);
  if (problem) {
    console.error(`token request refused: ${problem.error}: ${problem.description}`);
    response.statusCode = problem.status;
    response.body = { error: problem.error, error_description: problem.description };
    return;
  }
  delete response.body.refresh_token;  // no refresh grant is offered
  accessTokens.set(response.body.access_token, grant.user);
});

service.on("beforeUserinfo", (response, req) => {
  const bearer = (req.headers.authorization ?? "").replace(/^Bearer /, "");
  const user = accessTokens.get(bearer);
  if (user) {
    response.body = claimsOf(user);
  } else {
    response.statusCode = 401;
    response.body = { error: "invalid_token" };
  }
});

const server = createServer((req, res) => {
  const url = new URL(req.url, issuer.url);
  const route = `${req.method} ${url.pathname}`;
  if (route === "GET /.well-known/openid-configuration") return sendJson(res, 200, discovery());
  if (route === "GET /authorize") {
    const problem = authorizeProblem(url.searchParams);
    if (problem) {
      console.error(`authorization request refused: ${problem}`);
      return sendPage(res, 400, "Sign-in request refused", `<p role="alert">${escapeHtml(problem)}</p>`);
    }
    if (!url.searchParams.has("login_email")) return sendPage(res, 200, "Sign in", loginPage(url.searchParams));
    if (!/^[^@\s]+@[^@\s]+$/.test(url.searchParams.get("login_email").trim())) {
      return sendPage(res, 400, "Sign in", loginPage(url.searchParams, "Type an email address."));
    }
  }
  if (route === "GET /endsession" && !isLoopbackUrl(url.searchParams.get("post_logout_redirect_uri") ?? "")) {
    return sendPage(res, 400, "Sign-out request refused", "<p>The post_logout_redirect_uri must be an address on this machine.</p>");
  }
  if (["GET /authorize", "POST /token", "GET /jwks", "GET /userinfo", "GET /endsession"].includes(route)) {
    return service.requestHandler(req, res);
  }
  return sendJson(res, 404, { error: "not_found" });
});

server.on("error", (err) => {
  console.error(`OIDC provider could not listen on ${HOST}:${port}: ${err.message}`);
  process.exit(1);
});
server.listen(port, HOST, () => {
  issuer.url = `http://${HOST}:${server.address().port}`;
  console.log(`OIDC provider listening on ${issuer.url}`);
});

function stop() {
  // Browsers keep connections open; close them so the process ends at once when the test session is over.
  server.close(() => process.exit(0));
  server.closeAllConnections();
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
