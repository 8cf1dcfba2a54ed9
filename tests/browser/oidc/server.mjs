// A real OpenID Connect provider (npm `oidc-provider`) for the browser tests, on 127.0.0.1 only.
// Environment: OIDC_PORT, OIDC_REDIRECT_URI (Streamlit's /oauth2callback), OIDC_USERS (JSON {login: {email, name}}).
// Sign-in uses the package's development login form (any password), then its consent screen.
import Provider from "oidc-provider";

const port = Number(process.env.OIDC_PORT);
const users = JSON.parse(process.env.OIDC_USERS || "{}");
const redirect = process.env.OIDC_REDIRECT_URI;

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: "front-analytics",
      client_secret: "front-analytics-test-secret",
      redirect_uris: [redirect],
      post_logout_redirect_uris: [redirect.replace(/\/oauth2callback$/, "/")],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  conformIdTokenClaims: false, // e-mail and name in the ID token, where Streamlit reads them
  findAccount: async (ctx, id) =>
    users[id]
      ? { accountId: id, claims: async () => ({ sub: id, email_verified: true, ...users[id] }) }
      : undefined,
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => false },
  cookies: { keys: ["front-test-cookie-key"] },
});
provider.proxy = false;
provider.listen(port, "127.0.0.1", () => console.log(`oidc-provider listening on ${port}`));
