#!/usr/bin/env node
// bench/netproxy.js - a counting, shaping TCP proxy for bench/net: what a
// client costs on the wire, and what a slow link does to it.
//
//   node bench/netproxy.js --target 127.0.0.1:PORT [--latency MS] [--kbps N]
//
// Listens on a free port of 127.0.0.1 and prints NETPROXY_PORT=N. Every
// chunk goes on after half the round-trip time (--latency is the round trip,
// so 600 delays each direction by 300 ms) and, with --kbps, no faster than
// that many kilobits a second per direction and connection. One line a
// event on standard output, for bench/net to sum between two marks:
//   open ID            a client connected
//   up ID BYTES        client to server
//   down ID BYTES      server to client
//   turn ID            the first bytes down after bytes up: one round trip
//   close ID
// Nothing here reads the bytes: HTTPS and HTTP/2 are counted the same way.
'use strict';
const net = require('net');

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
};
const target = opt('--target', '');
const latency = Number(opt('--latency', '0'));
const kbps = Number(opt('--kbps', '0'));
if (!/^[^:]+:\d+$/.test(target) || !(latency >= 0) || !(kbps >= 0)) {
  process.stderr.write('usage: netproxy.js --target HOST:PORT [--latency MS] [--kbps N]\n');
  process.exit(2);
}
const [thost, tport] = target.split(':');
const out = (line) => process.stdout.write(line + '\n');

// A direction of a connection: chunks leave in order, each no earlier than
// its arrival plus half the round trip, and after the previous one has gone
// through the bandwidth. pending() counts those still on their way.
function shaper(to) {
  let free = 0, waiting = 0;
  const send = (chunk) => {
    const now = Date.now();
    const start = Math.max(now + latency / 2, free);
    const wire = kbps > 0 ? (chunk.length * 8) / kbps : 0;  // ms: bits / (kbit/s)
    free = start + wire;
    const wait = free - now;
    if (wait <= 0) { to.write(chunk); return; }
    waiting++;
    setTimeout(() => { waiting--; if (!to.destroyed) to.write(chunk); send.drained(); }, wait);
  };
  send.pending = () => waiting;
  send.drained = () => {};
  return send;
}

let next = 0;
const server = net.createServer((client) => {
  const id = ++next;
  let last = '';
  const upstream = net.connect(Number(tport), thost);
  const toServer = shaper(upstream);
  const toClient = shaper(client);
  out(`open ${id}`);
  client.on('data', (c) => { out(`up ${id} ${c.length}`); last = 'up'; toServer(c); });
  upstream.on('data', (c) => {
    if (last === 'up') out(`turn ${id}`);
    last = 'down';
    out(`down ${id} ${c.length}`);
    toClient(c);
  });
  let closing = false, closed = false;
  // Once one side closed, the other is closed when what is on its way to it arrived.
  const finish = () => {
    if (!closing || closed || toServer.pending() > 0 || toClient.pending() > 0) return;
    closed = true;
    out(`close ${id}`);
    client.end();
    upstream.end();
    setTimeout(() => { client.destroy(); upstream.destroy(); }, 1000);
  };
  toServer.drained = finish;
  toClient.drained = finish;
  const close = () => { closing = true; finish(); };
  client.on('end', close);
  upstream.on('end', close);
  client.on('error', close);
  upstream.on('error', close);
});
server.listen(0, '127.0.0.1', () => out(`NETPROXY_PORT=${server.address().port}`));
process.on('SIGTERM', () => process.exit(0));
