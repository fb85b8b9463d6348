// The local OpenID provider the tests and the demo sign in through: panva's certified
// oidc-provider, one issuer per entry of the configuration, each on its own port of 127.0.0.1.
//
//   node provider.mjs CONFIG.json
//
// CONFIG: {"providers": [{"name", "kind": "staff" | "idporten", "port" (0: any free one),
//   "title", "clients": [{client_id, client_secret, redirect_uris, post_logout_redirect_uris}],
//   "accounts": [{"login", "password", "disabled", "claims": {...}, "amr": [...]}]}]}
//
// A "staff" issuer is a municipality's identity provider (Entra ID, Ansattporten): a login name
// and a password; a disabled account cannot sign in. An "idporten" issuer behaves like
// ID-porten's test login (TestID): any 11-digit identity number, at the level of assurance the
// person picks, and the claims ID-porten gives (pid, acr idporten-loa-*, amr).
//
// It prints one line of JSON per issuer ({"name", "issuer"}) and then "ready", and stops on
// SIGTERM or when its standard input closes (the process that started it has gone).

import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const LEVELS = ['idporten-loa-substantial', 'idporten-loa-high'];

const escape = (value) => String(value ?? '').replace(/[&<>"']/g, (c) => ({
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;',
})[c]);

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="nb"><head><meta charset="utf-8"><title>${escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"></head>
<body><main><h1>${escape(title)}</h1>${body}</main></body></html>`;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (chunk) => {
      data += chunk;
      if (data.length > 10000) reject(new Error('too large'));
    });
    req.on('end', () => resolve(new URLSearchParams(data)));
    req.on('error', reject);
  });
}

function send(res, status, html) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

function loginForm(entry, uid, error) {
  const message = error ? `<p role="alert" id="error">${escape(error)}</p>` : '';
  if (entry.kind === 'idporten') {
    const levels = LEVELS.map((level) => `<option value="${level}"${level === 'idporten-loa-high' ? ' selected' : ''}>${
      level === 'idporten-loa-high' ? 'BankID (høyt nivå)' : 'MinID (betydelig nivå)'}</option>`).join('');
    const hints = (entry.hints ?? []).map((h) => `<tr><td><code>${escape(h.pid)}</code></td><td>${escape(h.label)}</td></tr>`).join('');
    const table = hints ? `<table><caption>Testbrukere</caption><tr><th>Fødselsnummer</th><th>Hvem</th></tr>${hints}</table>` : '';
    return page(entry.title, `${message}
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="pid">Fødselsnummer (testbruker)</label>
<input id="pid" name="pid" inputmode="numeric" autocomplete="off" required>
<label for="level">Innloggingsmetode</label>
<select id="level" name="level">${levels}</select>
<button type="submit">Logg inn</button></form>${table}`);
  }
  return page(entry.title, `${message}
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="login">Brukernavn</label><input id="login" name="login" autocomplete="username" required>
<label for="password">Passord</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Logg inn</button></form>`);
}

function accountsOf(entry) {
  const byLogin = new Map();
  for (const account of entry.accounts ?? []) byLogin.set(account.login.toLowerCase(), account);
  return byLogin;
}

async function start(entry) {
  const server = http.createServer();
  await new Promise((resolve) => server.listen(entry.port ?? 0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const accounts = accountsOf(entry);
  const bySubject = new Map([...accounts.values()].map((a) => [a.claims.sub, a]));
  const idporten = entry.kind === 'idporten';

  // A fresh signing key each start: nothing signed by an earlier run is accepted.
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = { ...privateKey.export({ format: 'jwk' }), kid: crypto.randomUUID(), use: 'sig', alg: 'RS256' };
  const provider = new Provider(issuer, {
    jwks: { keys: [key] },
    clients: entry.clients.map((client) => ({
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
      ...client,
    })),
    async findAccount(ctx, sub) {
      const account = idporten ? { claims: { sub, pid: sub } } : bySubject.get(sub);
      if (!account || account.disabled) return undefined;
      return { accountId: sub, claims: async () => ({ ...account.claims, sub }) };
    },
    // How the person signed in (acr, amr) is always in the ID token, as at Entra ID and
    // ID-porten; so is the identity number at ID-porten.
    claims: idporten
      ? { openid: ['sub', 'pid', 'acr', 'amr', 'auth_time'], sid: null }
      : {
          openid: ['sub', 'acr', 'amr', 'auth_time'],
          email: ['email', 'email_verified'],
          profile: ['name', 'given_name', 'family_name', 'preferred_username', 'oid'],
          sid: null,
        },
    // As Entra ID and ID-porten do: the claims asked for are in the ID token itself.
    conformIdTokenClaims: false,
    acrValues: idporten ? LEVELS : ['pwd', 'mfa'],
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.body = page(`Logg ut fra ${entry.title}`, `${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Logg ut</button>`);
        },
        async postLogoutSuccessSource(ctx) {
          ctx.body = page('Du er logget ut', '');
        },
      },
    },
    // The person has already chosen to sign in to BTS: the grant is given at sign-in.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId
        || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
      grant.addOIDCScope(ctx.oidc.params.scope ?? 'openid');
      grant.addOIDCClaims(['pid', 'acr', 'amr']);
      await grant.save();
      return grant;
    },
    interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = page('Innloggingen feilet', `<p id="error">${escape(out.error)}: ${escape(out.error_description)}</p>`);
    },
    cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
    ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
  });
  provider.on('server_error', (ctx, error) => console.error(error));

  const callback = provider.callback();
  server.on('request', async (req, res) => {
    const match = req.url.match(/^\/interaction\/([^/?]+)(\/login)?/);
    if (!match) return callback(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      if (details.uid !== match[1]) return send(res, 400, page(entry.title, '<p>Ugyldig innlogging.</p>'));
      if (req.method === 'GET') return send(res, 200, loginForm(entry, details.uid));
      const form = await readBody(req);
      let login;
      if (idporten) {
        const pid = (form.get('pid') ?? '').replace(/\s/g, '');
        if (!/^\d{11}$/.test(pid)) return send(res, 200, loginForm(entry, details.uid, 'Skriv et fødselsnummer med 11 siffer.'));
        const level = LEVELS.includes(form.get('level')) ? form.get('level') : LEVELS[0];
        login = { accountId: pid, acr: level, amr: [level === LEVELS[1] ? 'BankID' : 'Minid-PIN'] };
      } else {
        const account = accounts.get((form.get('login') ?? '').toLowerCase());
        const password = Buffer.from(form.get('password') ?? '');
        const expected = Buffer.from(account?.password ?? crypto.randomBytes(16).toString('hex'));
        const ok = account && password.length === expected.length && crypto.timingSafeEqual(password, expected);
        if (!ok) return send(res, 200, loginForm(entry, details.uid, 'Feil brukernavn eller passord.'));
        if (account.disabled) return send(res, 200, loginForm(entry, details.uid, 'Kontoen er deaktivert. Kontakt IT-avdelingen.'));
        const amr = account.amr ?? ['pwd'];
        login = { accountId: account.claims.sub, acr: amr.includes('mfa') ? 'mfa' : 'pwd', amr };
      }
      return provider.interactionFinished(req, res, { login }, { mergeWithLastSubmission: false });
    } catch (error) {
      return send(res, 400, page(entry.title, `<p id="error">${escape(error.message)}</p>`));
    }
  });
  return { name: entry.name, issuer };
}

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
for (const entry of config.providers) {
  const started = await start(entry);
  process.stdout.write(`${JSON.stringify(started)}\n`);
}
process.stdout.write('ready\n');
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
