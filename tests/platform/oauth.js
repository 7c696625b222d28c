'use strict';
// OAuth2 for the ezrizi demo FHIR platform: SMART discovery, the token endpoint
// (password, client_credentials, authorization_code with PKCE, the device grant of
// RFC 8628, refresh_token), the authorization and device pages a person logs in on,
// and userinfo. `--grants` limits what is offered; a grant not offered is refused the
// way Medplum refuses every grant it lacks. See README.md in this folder.

const crypto = require('node:crypto');
const { USERS, CLIENTS } = require('./users');

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const ALL_GRANTS = ['password', 'client_credentials', 'authorization_code', DEVICE_GRANT, 'refresh_token'];
const CODE_TTL_MS = 60 * 1000;
// RFC 8628 6.1: consonants only, so no word is spelt by chance.
const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';

function parseGrants(list) {
  const out = [];
  for (let g of String(list).split(',').map((s) => s.trim()).filter(Boolean)) {
    if (g === 'device_code') g = DEVICE_GRANT;
    if (!ALL_GRANTS.includes(g)) throw new Error(`unknown grant ${g} (known: ${ALL_GRANTS.join(', ')}, device_code)`);
    if (!out.includes(g)) out.push(g);
  }
  if (!out.length) throw new Error('--grants needs at least one grant');
  return out;
}

const randomToken = () => crypto.randomBytes(32).toString('base64url');
const b64url = (o) => Buffer.from(JSON.stringify(o), 'utf8').toString('base64url');
const s256 = (v) => crypto.createHash('sha256').update(v, 'ascii').digest('base64url');
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
// A loopback redirect of a native app (RFC 8252 7.3): any port, any path.
const LOOPBACK_REDIRECT = /^http:\/\/(127\.0\.0\.1|localhost):([0-9]{1,5})\/[^#\s]*$/;

function userCode() {
  const b = crypto.randomBytes(8);
  let s = '';
  for (let i = 0; i < 8; i++) s += USER_CODE_ALPHABET[b[i] % USER_CODE_ALPHABET.length];
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}
const normUserCode = (s) => String(s || '').toUpperCase().replace(/[^A-Z]/g, '').replace(/^(.{4})(.{4})$/, '$1-$2');

function createOAuth({ opts, basePath, faults, sendJson, sendBody, readBody }) {
  const accessTokens = new Map(); // token -> { subject, exp, clientId, scope }
  const refreshTokens = new Map(); // token -> { subject, clientId, scope }
  const codes = new Map(); // code -> { clientId, redirectUri, challenge, subject, scope, exp }
  const usedCodes = new Set();
  const devices = new Map(); // device_code -> { userCode, clientId, scope, exp, interval, lastPoll, status, subject, slowDowns }
  const offers = (g) => opts.grants.includes(g);

  function issueTokens(subject, clientId, scope, origin) {
    const now = Math.floor(Date.now() / 1000);
    const access = randomToken();
    const refresh = randomToken();
    accessTokens.set(access, { subject, clientId, scope, exp: Date.now() + opts.tokenTtl * 1000 });
    refreshTokens.set(refresh, { subject, clientId, scope });
    const claims = { iss: origin, aud: clientId, sub: subject.username, name: subject.name, iat: now, exp: now + opts.tokenTtl };
    if (subject.fhirUser) claims.fhirUser = `${origin}${basePath}/${subject.fhirUser}`;
    const answer = {
      access_token: access, token_type: 'Bearer', expires_in: opts.tokenTtl, refresh_token: refresh, scope,
      id_token: b64url({ alg: 'none', typ: 'JWT' }) + '.' + b64url(claims) + '.',
      // As Medplum: the profile is a Reference; a ClientApplication is no FHIR user.
      profile: { reference: subject.profile || subject.fhirUser, display: subject.name },
    };
    if (subject.fhirUser) answer.fhirUser = subject.fhirUser;
    return answer;
  }

  function checkBearer(req) {
    const h = req.headers.authorization || '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
    if (!m) return null;
    const t = accessTokens.get(m[1]);
    if (!t) return null;
    if (Date.now() >= t.exp) { accessTokens.delete(m[1]); return null; }
    return t;
  }

  function smartConfig(origin) {
    const c = {
      issuer: origin,
      token_endpoint: `${origin}/oauth2/token`,
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      grant_types_supported: opts.grants.slice(),
      userinfo_endpoint: `${origin}/oauth2/userinfo`,
      scopes_supported: ['openid', 'fhirUser', 'offline_access', 'user/*.*', 'system/*.*'],
      response_types_supported: offers('authorization_code') ? ['code'] : [],
      capabilities: ['client-confidential-symmetric', 'client-public', 'context-standalone-patient', 'permission-offline', 'permission-user', 'sso-openid-connect'],
      code_challenge_methods_supported: ['S256'],
    };
    if (offers('authorization_code')) c.authorization_endpoint = `${origin}/oauth2/authorize`;
    if (offers(DEVICE_GRANT)) c.device_authorization_endpoint = `${origin}/oauth2/device_authorization`;
    return c;
  }

  async function readForm(req) {
    const body = await readBody(req);
    const ct = (req.headers['content-type'] || '').toLowerCase();
    if (ct.includes('application/json')) return new Map(Object.entries(JSON.parse(body.toString('utf8') || '{}')).map(([k, v]) => [k, String(v)]));
    return new Map(new URLSearchParams(body.toString('utf8')));
  }
  const sendPage = (req, res, status, title, inner) => sendBody(req, res, status,
    { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' },
    `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${esc(title)}</title></head><body>\n<h1>${esc(title)}</h1>\n${inner}\n</body></html>\n`);
  const oauthJson = (req, res, status, obj, extra = {}) => sendJson(req, res, status, obj, { Pragma: 'no-cache', ...extra }, 'application/json');
  const oauthErr = (req, res, status, error, desc, extra = {}) => oauthJson(req, res, status, { error, error_description: desc }, extra);

  // ------------------------------------------------------------ token endpoint
  async function handleToken(req, res, origin) {
    if (req.method !== 'POST') return oauthErr(req, res, 405, 'invalid_request', 'Use POST', { Allow: 'POST' });
    let form;
    try { form = await readForm(req); } catch (e) { return oauthErr(req, res, e.status || 400, 'invalid_request', e.status ? e.message : 'Malformed body'); }
    let clientId = form.get('client_id');
    let secret = form.get('client_secret');
    const bm = /^Basic\s+(\S+)$/i.exec(req.headers.authorization || '');
    if (bm) {
      const dec = Buffer.from(bm[1], 'base64').toString('utf8');
      const i = dec.indexOf(':');
      if (i < 0) return oauthErr(req, res, 401, 'invalid_client', 'Malformed client credentials', { 'WWW-Authenticate': 'Basic realm="ezrizi"' });
      clientId = decodeURIComponent(dec.slice(0, i)); secret = decodeURIComponent(dec.slice(i + 1));
    }
    const grant = form.get('grant_type');
    if (!grant) return oauthErr(req, res, 400, 'invalid_request', 'Missing grant_type');
    // Exactly Medplum's answer for a grant it does not have.
    if (!offers(grant)) return oauthErr(req, res, 400, 'invalid_request', 'Unsupported grant_type');
    let client = null;
    if (clientId) {
      client = CLIENTS.get(clientId);
      const bad = !client || (client.secret && client.secret !== secret) || (!client.secret && secret);
      if (bad) return oauthErr(req, res, 401, 'invalid_client', 'Client authentication failed', { 'WWW-Authenticate': 'Basic realm="ezrizi"' });
    }
    if (client && !client.grants.includes(grant)) return oauthErr(req, res, 400, 'unauthorized_client', `Client may not use grant_type ${grant}`);
    const ok = (subject, cid, scope) => oauthJson(req, res, 200, issueTokens(subject, cid, scope, origin));
    if (grant === 'password') {
      const u = USERS.get(form.get('username') || '');
      if (!form.get('username') || !form.get('password')) return oauthErr(req, res, 400, 'invalid_request', 'Missing username or password');
      if (!u || u.password !== form.get('password')) return oauthErr(req, res, 400, 'invalid_grant', 'Invalid username or password');
      return ok(u, clientId || 'ezrizi', 'openid fhirUser offline_access user/*.*');
    }
    if (grant === 'client_credentials') {
      if (!client || !client.secret) return oauthErr(req, res, 401, 'invalid_client', 'client_credentials needs a confidential client', { 'WWW-Authenticate': 'Basic realm="ezrizi"' });
      return ok(client.subject, clientId, 'system/*.*');
    }
    if (grant === 'authorization_code') return tokenFromCode(req, res, form, clientId, ok);
    if (grant === DEVICE_GRANT) return tokenFromDevice(req, res, form, clientId, ok);
    const rt = form.get('refresh_token');
    if (!rt) return oauthErr(req, res, 400, 'invalid_request', 'Missing refresh_token');
    const rec = refreshTokens.get(rt);
    if (!rec) return oauthErr(req, res, 400, 'invalid_grant', 'Unknown or used refresh token');
    if (clientId && rec.clientId !== clientId) return oauthErr(req, res, 400, 'invalid_grant', 'Refresh token was issued to another client');
    refreshTokens.delete(rt);
    return ok(rec.subject, rec.clientId, rec.scope);
  }

  // As Medplum's handleAuthorizationCode: single use, bound to the client, the
  // redirect and the PKCE challenge.
  function tokenFromCode(req, res, form, clientId, ok) {
    const code = form.get('code');
    if (!code) return oauthErr(req, res, 400, 'invalid_request', 'Missing code');
    const rec = codes.get(code);
    codes.delete(code);
    if (!rec) return usedCodes.has(code) ? oauthErr(req, res, 400, 'invalid_grant', 'Token already granted') : oauthErr(req, res, 400, 'invalid_request', 'Invalid code');
    usedCodes.add(code);
    if (Date.now() >= rec.exp) return oauthErr(req, res, 400, 'invalid_grant', 'Code expired');
    if ((clientId || rec.clientId) !== rec.clientId) return oauthErr(req, res, 400, 'invalid_request', 'Invalid client');
    if (form.get('redirect_uri') !== rec.redirectUri) return oauthErr(req, res, 400, 'invalid_grant', 'Invalid redirect_uri');
    const verifier = form.get('code_verifier');
    if (!verifier) return oauthErr(req, res, 400, 'invalid_request', 'Missing code verifier');
    if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier) || s256(verifier) !== rec.challenge) return oauthErr(req, res, 400, 'invalid_request', 'Invalid code verifier');
    return ok(rec.subject, rec.clientId, rec.scope);
  }

  // RFC 8628 3.5.
  function tokenFromDevice(req, res, form, clientId, ok) {
    const dc = form.get('device_code');
    const d = dc ? devices.get(dc) : undefined;
    if (!d || (clientId && clientId !== d.clientId)) return oauthErr(req, res, 400, 'invalid_grant', 'Unknown device_code');
    const now = Date.now();
    if (now >= d.exp) { devices.delete(dc); return oauthErr(req, res, 400, 'expired_token', 'The device code has expired'); }
    if (d.status === 'denied') { devices.delete(dc); return oauthErr(req, res, 400, 'access_denied', 'The user denied the request'); }
    const tooFast = now - d.lastPoll < d.interval * 1000 - 100;
    d.lastPoll = now;
    if (tooFast || faults.device_slow_down_next > 0) {
      if (!tooFast) faults.device_slow_down_next--;
      d.interval += 5;
      d.slowDowns++;
      return oauthErr(req, res, 400, 'slow_down', `Polling too fast; wait ${d.interval} seconds between polls`);
    }
    if (d.status === 'pending') return oauthErr(req, res, 400, 'authorization_pending', 'The user has not yet completed the login');
    devices.delete(dc);
    return ok(d.subject, d.clientId, d.scope);
  }

  // ------------------------------------------------------------ authorization code
  function authorizeForm(p, message) {
    const hidden = ['client_id', 'redirect_uri', 'state', 'scope', 'code_challenge', 'code_challenge_method']
      .map((k) => `<input type="hidden" name="${k}" value="${esc(p.get(k) || '')}">`).join('\n');
    return `${message ? `<p class="error">${esc(message)}</p>\n` : ''}<p>Log in to ezrizi demo platform as client <b>${esc(p.get('client_id'))}</b>.</p>
<form method="post" action="/oauth2/authorize">
${hidden}
<label>Username <input name="username" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button name="action" value="login">Log in</button> <button name="action" value="deny">Deny</button>
</form>`;
  }

  // Checks an authorization request. Before the redirect is known to be good the
  // error is a page; after, it goes back to the client (RFC 6749 4.1.2.1).
  function checkAuthorize(p) {
    const client = CLIENTS.get(p.get('client_id') || '');
    if (!client || !client.grants.includes('authorization_code')) return { page: 'Unknown client_id, or the client may not use the authorization code grant.' };
    const ru = p.get('redirect_uri') || '';
    const m = LOOPBACK_REDIRECT.exec(ru);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) return { page: 'redirect_uri must be a loopback address with a port: http://127.0.0.1:PORT/... or http://localhost:PORT/...' };
    if (p.get('response_type') && p.get('response_type') !== 'code') return { redirect: { error: 'unsupported_response_type', error_description: 'Only response_type=code' } };
    if (!p.get('code_challenge')) return { redirect: { error: 'invalid_request', error_description: 'Missing code_challenge (PKCE is required)' } };
    if (p.get('code_challenge_method') !== 'S256') return { redirect: { error: 'invalid_request', error_description: 'code_challenge_method must be S256' } };
    return { client };
  }
  function redirectTo(res, p, params) {
    const ru = p.get('redirect_uri');
    const q = new URLSearchParams(params);
    if (p.get('state')) q.set('state', p.get('state'));
    res.writeHead(302, { Location: `${ru}${ru.includes('?') ? '&' : '?'}${q.toString()}`, 'Cache-Control': 'no-store', 'Content-Length': 0 });
    res.end();
  }

  async function handleAuthorize(req, res, url) {
    if (!offers('authorization_code')) { req.resume(); return sendPage(req, res, 404, 'Not found', '<p>This server does not offer the authorization code grant.</p>'); }
    let p;
    if (req.method === 'GET') p = url.searchParams;
    else if (req.method === 'POST') { try { p = await readForm(req); } catch { return sendPage(req, res, 400, 'Bad request', '<p>Malformed form.</p>'); } }
    else { req.resume(); return sendPage(req, res, 405, 'Method not allowed', '<p>Use GET or POST.</p>'); }
    const chk = checkAuthorize(p);
    if (chk.page) return sendPage(req, res, 400, 'Bad request', `<p>${esc(chk.page)}</p>`);
    if (chk.redirect) return redirectTo(res, p, chk.redirect);
    if (req.method === 'GET') return sendPage(req, res, 200, 'Log in', authorizeForm(p));
    if (p.get('action') === 'deny') return redirectTo(res, p, { error: 'access_denied', error_description: 'The user denied the request' });
    const u = USERS.get(p.get('username') || '');
    if (!u || u.password !== p.get('password')) return sendPage(req, res, 200, 'Log in', authorizeForm(p, 'Invalid username or password'));
    const code = randomToken();
    codes.set(code, { clientId: p.get('client_id'), redirectUri: p.get('redirect_uri'), challenge: p.get('code_challenge'), subject: u, scope: p.get('scope') || 'openid', exp: Date.now() + CODE_TTL_MS });
    return redirectTo(res, p, { code });
  }

  // ------------------------------------------------------------ device grant
  async function handleDeviceAuthorization(req, res, origin) {
    if (!offers(DEVICE_GRANT)) { req.resume(); return sendJson(req, res, 404, { error: 'invalid_request', error_description: 'Not found' }, {}, 'application/json'); }
    if (req.method !== 'POST') { req.resume(); return oauthErr(req, res, 405, 'invalid_request', 'Use POST', { Allow: 'POST' }); }
    let form;
    try { form = await readForm(req); } catch { return oauthErr(req, res, 400, 'invalid_request', 'Malformed body'); }
    const client = CLIENTS.get(form.get('client_id') || '');
    if (!client) return oauthErr(req, res, 401, 'invalid_client', 'Unknown client_id');
    if (!client.grants.includes(DEVICE_GRANT)) return oauthErr(req, res, 400, 'unauthorized_client', 'Client may not use the device grant');
    const deviceCode = randomToken();
    let uc;
    do uc = userCode(); while ([...devices.values()].some((d) => d.userCode === uc));
    devices.set(deviceCode, { userCode: uc, clientId: client.clientId, scope: form.get('scope') || 'openid', exp: Date.now() + opts.deviceTtl * 1000, interval: opts.deviceInterval, lastPoll: Date.now(), status: 'pending', subject: null, slowDowns: 0 });
    const verify = `${origin}/oauth2/device`;
    return oauthJson(req, res, 200, { device_code: deviceCode, user_code: uc, verification_uri: verify, verification_uri_complete: `${verify}?user_code=${uc}`, expires_in: opts.deviceTtl, interval: opts.deviceInterval });
  }

  function deviceForm(code, message) {
    return `${message ? `<p class="error">${esc(message)}</p>\n` : ''}<p>Enter the code your terminal shows, and log in.</p>
<form method="post" action="/oauth2/device">
<label>Code <input name="user_code" value="${esc(code || '')}" autocomplete="off"></label>
<label>Username <input name="username" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button name="action" value="approve">Log in</button> <button name="action" value="deny">Deny</button>
</form>`;
  }

  async function handleDevicePage(req, res, url) {
    if (!offers(DEVICE_GRANT)) { req.resume(); return sendPage(req, res, 404, 'Not found', '<p>This server does not offer the device grant.</p>'); }
    if (req.method === 'GET') return sendPage(req, res, 200, 'Log in a device', deviceForm(normUserCode(url.searchParams.get('user_code'))));
    if (req.method !== 'POST') { req.resume(); return sendPage(req, res, 405, 'Method not allowed', '<p>Use GET or POST.</p>'); }
    let p;
    try { p = await readForm(req); } catch { return sendPage(req, res, 400, 'Bad request', '<p>Malformed form.</p>'); }
    const uc = normUserCode(p.get('user_code'));
    const d = [...devices.values()].find((x) => x.userCode === uc && x.status === 'pending' && Date.now() < x.exp);
    if (!d) return sendPage(req, res, 400, 'Log in a device', deviceForm(uc, 'That code is not known, or it has expired.'));
    if (p.get('action') === 'deny') { d.status = 'denied'; return sendPage(req, res, 200, 'Denied', '<p>The device was not logged in. You can close this page.</p>'); }
    const u = USERS.get(p.get('username') || '');
    if (!u || u.password !== p.get('password')) return sendPage(req, res, 200, 'Log in a device', deviceForm(uc, 'Invalid username or password'));
    d.status = 'approved'; d.subject = u;
    return sendPage(req, res, 200, 'Done', '<p>The device is logged in. You can close this page and go back to your terminal.</p>');
  }

  // ------------------------------------------------------------ userinfo
  function handleUserinfo(req, res) {
    req.resume();
    if (req.method !== 'GET' && req.method !== 'POST') return oauthErr(req, res, 405, 'invalid_request', 'Use GET', { Allow: 'GET, POST' });
    const t = checkBearer(req);
    if (!t) return oauthErr(req, res, 401, 'invalid_token', 'Missing, invalid or expired access token', { 'WWW-Authenticate': 'Bearer realm="ezrizi", error="invalid_token"' });
    const s = t.subject;
    const info = { sub: s.username, profile: s.profile || s.fhirUser, name: s.name };
    if (s.fhirUser) info.fhirUser = s.fhirUser;
    return oauthJson(req, res, 200, info);
  }

  return {
    accessTokens, refreshTokens, devices, checkBearer, smartConfig,
    handleToken, handleAuthorize, handleDeviceAuthorization, handleDevicePage, handleUserinfo,
  };
}

module.exports = { createOAuth, parseGrants, ALL_GRANTS, DEVICE_GRANT };
