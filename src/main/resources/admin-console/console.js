// The sipgw web console: asks for the admin token once (sessionStorage), then polls the gateway's
// JSON-RPC 2.0 endpoint every 2 s with one batch request and draws what it answers. Field names of the
// results live in fields.js. window.sipgwConsole is the same API for the tests as the page's buttons use.
'use strict';
(function () {
  const F = window.sipgwFields;
  const TOKEN_KEY = 'sipgw.adminToken';
  const POLL_MS = 2000;
  const HISTORY = 150; // points per chart: 5 minutes at one every 2 s
  const RPC_URL = new URL('../rpc', window.location.href).pathname;
  const CLASSES = [1, 2, 3, 4, 5, 6];
  const COLOURS = { requests: '#2b6cb0', 1: '#718096', 2: '#2f855a', 3: '#805ad5', 4: '#c05621', 5: '#c53030', 6: '#b7791f' };

  const $ = (id) => document.getElementById(id);
  const listeners = [];
  let nextId = 1;
  let timer = null;
  let polls = 0;
  let previous = null; // {at, traffic}
  const charts = { requests: { points: [], total: null }, responses: { points: [], totals: null } };

  function emit(event) {
    for (const l of listeners) {
      try { l(event); } catch (e) { console.error(e); }
    }
  }

  // ---- token --------------------------------------------------------------------------------

  function token() { return sessionStorage.getItem(TOKEN_KEY); }

  function askToken(message) {
    stop();
    sessionStorage.removeItem(TOKEN_KEY);
    $('login-message').textContent = message || '';
    $('login').hidden = false;
    $('main').hidden = true;
    $('token').focus();
    emit({ type: 'token', state: 'asked', message: message || '' });
  }

  function login(value) {
    value = (value || '').trim();
    if (!value) {
      askToken('Enter the admin token (admin.token, or the token file the gateway logged at start).');
      return;
    }
    sessionStorage.setItem(TOKEN_KEY, value);
    $('token').value = '';
    $('login').hidden = true;
    $('main').hidden = false;
    start();
  }

  function logout() { askToken('Signed out.'); }

  // ---- JSON-RPC -----------------------------------------------------------------------------

  class RpcError extends Error {
    constructor(message, code, status) {
      super(message);
      this.code = code;
      this.status = status;
    }
  }

  /** POSTs a JSON-RPC body; rejects on HTTP errors (401 asks for the token again). */
  async function post(body) {
    let response;
    try {
      response = await fetch(RPC_URL, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + token() },
        body: JSON.stringify(body),
        cache: 'no-store',
      });
    } catch (e) {
      throw new RpcError('cannot reach ' + RPC_URL + ': ' + e.message, null, 0);
    }
    if (response.status === 401 || response.status === 403) {
      askToken('The gateway refused the token (HTTP ' + response.status + '): enter it again.');
      throw new RpcError('unauthorized', null, response.status);
    }
    const text = await response.text();
    if (!response.ok) throw new RpcError('HTTP ' + response.status + ' ' + response.statusText + (text ? ': ' + text.slice(0, 200) : ''), null, response.status);
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new RpcError('not JSON from ' + RPC_URL + ': ' + text.slice(0, 200), null, response.status);
    }
  }

  function errorText(error) {
    if (!error) return 'error';
    return (error.code != null ? error.code + ' ' : '') + (error.message || JSON.stringify(error))
      + (error.data != null ? ' (' + (typeof error.data === 'string' ? error.data : JSON.stringify(error.data)) + ')' : '');
  }

  /** One call; resolves with its result, rejects with the JSON-RPC error. */
  async function call(method, params) {
    const id = nextId++;
    const request = { jsonrpc: '2.0', id, method };
    if (params !== undefined) request.params = params;
    const reply = await post(request);
    if (reply.error) throw new RpcError(errorText(reply.error), reply.error.code, 200);
    return reply.result;
  }

  /** Several calls in one batch: {method: {result} | {error}} in the order given. */
  async function batch(calls) {
    const requests = calls.map(([method, params]) => {
      const r = { jsonrpc: '2.0', id: nextId++, method };
      if (params !== undefined) r.params = params;
      return r;
    });
    const replies = await post(requests);
    const byId = new Map(list(replies).map((r) => [r.id, r]));
    return requests.map((r) => {
      const reply = byId.get(r.id);
      if (!reply) return { error: 'no answer to ' + r.method };
      return reply.error ? { error: errorText(reply.error) } : { result: reply.result };
    });
  }

  function list(v) { return Array.isArray(v) ? v : v == null ? [] : [v]; }

  // ---- polling ------------------------------------------------------------------------------

  const SECTIONS = [
    ['ul.dump', undefined, renderUsers, 'users'],
    ['stats.get_statistics', undefined, renderStatistics, 'stats'],
    ['dispatcher.list', undefined, renderDispatcher, 'dispatcher'],
    ['htable.dump', ['bans'], renderBans, 'bans'],
    ['core.info', undefined, renderInfo, 'errors'],
  ];

  function start() {
    stop();
    poll();
    timer = setInterval(poll, POLL_MS);
  }

  function stop() {
    if (timer) clearInterval(timer);
    timer = null;
  }

  let polling = false;
  async function poll() {
    if (polling || !token()) return;
    polling = true;
    try {
      const replies = await batch(SECTIONS.map(([m, p]) => [m, p]));
      const now = Date.now();
      replies.forEach((reply, i) => {
        const [method, , render, section] = SECTIONS[i];
        const error = $(section + '-error');
        if (reply.error) {
          error.textContent = method + ': ' + reply.error;
          error.hidden = false;
          if (section === 'errors') renderInfo({});
          return;
        }
        error.hidden = true;
        try {
          render(reply.result, now);
        } catch (e) {
          error.textContent = method + ': cannot show this result: ' + e.message;
          error.hidden = false;
          console.error(e);
        }
      });
      polls++;
      setStatus('ok', 'Updated ' + new Date(now).toLocaleTimeString());
      emit({ type: 'poll', polls });
    } catch (e) {
      if (e.status === 401 || e.status === 403) return;
      setStatus('error', e.message);
      emit({ type: 'error', message: e.message });
    } finally {
      polling = false;
    }
  }

  function setStatus(kind, text) {
    const s = $('status');
    s.className = 'status ' + kind;
    s.textContent = text;
  }

  // ---- rendering ----------------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'onclick') e.addEventListener('click', v);
      else if (k === 'className') e.className = v;
      else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
    return e;
  }

  function fillTable(id, rows, emptyText, columns) {
    const body = $(id).tBodies[0];
    body.replaceChildren();
    if (rows.length === 0) {
      body.append(el('tr', { className: 'empty' }, el('td', { colspan: String(columns) }, emptyText)));
    } else {
      for (const r of rows) body.append(r);
    }
  }

  function duration(seconds) {
    if (seconds == null) return '';
    if (seconds < 0) return 'expired';
    if (seconds < 120) return seconds + ' s';
    if (seconds < 7200) return Math.round(seconds / 60) + ' min';
    return Math.round(seconds / 3600) + ' h';
  }

  function renderUsers(result, now) {
    const users = F.users(result, now);
    const rows = [];
    for (const u of users) {
      u.contacts.forEach((c, i) => {
        const tr = el('tr', { 'data-aor': u.aor });
        if (i === 0) tr.append(el('td', { rowspan: String(u.contacts.length), className: 'aor' }, u.aor));
        tr.append(el('td', { className: 'contact' }, c.contact), el('td', {}, c.transport), el('td', {}, c.source),
          el('td', { className: 'num' }, duration(c.expires)), el('td', {}, c.userAgent));
        rows.push(tr);
      });
      if (u.contacts.length === 0) rows.push(el('tr', { 'data-aor': u.aor }, el('td', { className: 'aor' }, u.aor), el('td', { colspan: '5' }, 'no contacts')));
    }
    fillTable('users', rows, 'No registered users.', 6);
    $('users-count').textContent = String(users.length);
  }

  function renderStatistics(result, now) {
    const flat = F.statistics(result);
    const names = Object.keys(flat).sort();
    fillTable('counters', names.map((n) => el('tr', {}, el('td', {}, n), el('td', { className: 'num' }, flat[n]))), 'No counters.', 2);
    sample(F.traffic(flat), now);
    drawCharts();
  }

  /** Adds a point per chart: the rate since the previous poll (none at the first). */
  function sample(traffic, now) {
    charts.requests.total = traffic.requests;
    charts.responses.totals = traffic.responses;
    if (previous) {
      const seconds = Math.max(0.001, (now - previous.at) / 1000);
      const rate = (a, b) => Math.max(0, (a - b) / seconds);
      push(charts.requests.points, { t: now, v: rate(traffic.requests, previous.traffic.requests) });
      const byClass = {};
      for (const c of CLASSES) byClass[c] = rate(traffic.responses[c], previous.traffic.responses[c]);
      push(charts.responses.points, { t: now, v: byClass });
    }
    previous = { at: now, traffic };
  }

  function push(points, p) {
    points.push(p);
    if (points.length > HISTORY) points.splice(0, points.length - HISTORY);
  }

  function drawCharts() {
    const req = charts.requests.points;
    drawLines($('chart-requests'), [{ colour: COLOURS.requests, values: req.map((p) => p.v) }]);
    $('requests-now').textContent = req.length ? req[req.length - 1].v.toFixed(1) + '/s' : '…';
    const resp = charts.responses.points;
    const series = CLASSES.filter((c) => resp.some((p) => p.v[c] > 0) || c === 2)
      .map((c) => ({ colour: COLOURS[c], label: c + 'xx', values: resp.map((p) => p.v[c]) }));
    drawLines($('chart-responses'), series);
    const legend = $('responses-legend');
    legend.replaceChildren(...series.map((s) => el('span', { className: 'key', style: 'color:' + s.colour },
      s.label + ' ' + (s.values.length ? s.values[s.values.length - 1].toFixed(1) : '0') + '/s')));
  }

  /** Line chart of series {colour, values} on a canvas: y from 0 to a round maximum, x the last HISTORY points. */
  function drawLines(canvas, series) {
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth || 400;
    const height = canvas.clientHeight || 120;
    if (canvas.width !== width * ratio) canvas.width = width * ratio;
    if (canvas.height !== height * ratio) canvas.height = height * ratio;
    const g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    const left = 36;
    const top = 6;
    const bottom = height - 14;
    const right = width - 4;
    let max = 0;
    for (const s of series) for (const v of s.values) max = Math.max(max, v);
    max = niceCeiling(max);
    g.strokeStyle = '#e2e8f0';
    g.fillStyle = '#4a5568';
    g.font = '10px sans-serif';
    g.lineWidth = 1;
    for (let i = 0; i <= 4; i++) {
      const y = bottom - ((bottom - top) * i) / 4;
      g.beginPath();
      g.moveTo(left, y + 0.5);
      g.lineTo(right, y + 0.5);
      g.stroke();
      g.fillText(formatTick((max * i) / 4), 2, y + 3);
    }
    g.fillText('−' + Math.round((HISTORY * POLL_MS) / 60000) + ' min', left, height - 2);
    g.fillText('now', right - 18, height - 2);
    const step = (right - left) / (HISTORY - 1);
    for (const s of series) {
      const n = s.values.length;
      if (n === 0) continue;
      g.strokeStyle = s.colour;
      g.lineWidth = 1.5;
      g.beginPath();
      s.values.forEach((v, i) => {
        const x = right - (n - 1 - i) * step;
        const y = bottom - (bottom - top) * (v / max);
        if (i === 0) g.moveTo(x, y);
        else g.lineTo(x, y);
      });
      if (n === 1) g.arc(right, bottom - (bottom - top) * (s.values[0] / max), 1.5, 0, 2 * Math.PI);
      g.stroke();
    }
  }

  function niceCeiling(v) {
    if (v <= 1) return 1;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 5, 10]) if (v <= m * p) return m * p;
    return 10 * p;
  }

  function formatTick(v) { return v >= 10 || v === 0 ? String(Math.round(v)) : v.toFixed(1); }

  function renderDispatcher(result) {
    const destinations = F.destinations(result);
    fillTable('dispatcher', destinations.map((d) => el('tr', { 'data-uri': d.uri },
      el('td', {}, d.set), el('td', { className: 'contact' }, d.uri),
      el('td', { className: d.up ? 'up' : 'down' }, d.up ? 'up' : 'down'), el('td', {}, [d.algorithm, d.state === 'up' || d.state === 'down' ? '' : d.state].filter(Boolean).join(' · ')),
      el('td', { className: 'num' }, d.calls == null ? '' : d.calls),
      el('td', {}, el('button', { type: 'button', onclick: () => setDestination(d, !d.up) }, d.up ? 'Set down' : 'Set up')))),
    'No dispatcher destinations.', 6);
  }

  async function setDestination(d, up) {
    try {
      await call('dispatcher.set_state', F.setStateParams(d, up));
      $('dispatcher-error').hidden = true;
      emit({ type: 'action', method: 'dispatcher.set_state', uri: d.uri, up });
    } catch (e) {
      $('dispatcher-error').textContent = 'dispatcher.set_state: ' + e.message;
      $('dispatcher-error').hidden = false;
    }
    poll();
  }

  function renderBans(result, now) {
    const bans = F.bans(result, now);
    fillTable('bans', bans.map((b) => el('tr', { 'data-address': b.address },
      el('td', {}, b.address), el('td', { className: 'num' }, duration(b.expires)), el('td', {}, b.reason),
      el('td', {}, el('button', { type: 'button', onclick: () => unban(b) }, 'Remove')))),
    'No bans.', 4);
  }

  async function unban(b) {
    try {
      await call('bans.rm', F.banRemoveParams(b));
      $('bans-error').hidden = true;
      emit({ type: 'action', method: 'bans.rm', address: b.address });
    } catch (e) {
      $('bans-error').textContent = 'bans.rm: ' + e.message;
      $('bans-error').hidden = false;
    }
    poll();
  }

  function renderInfo(result) {
    $('about').textContent = F.about(result);
    const errors = F.lastErrors(result);
    fillTable('errors', errors.map((e) => el('tr', {}, el('td', {}, e.time), el('td', {}, e.level), el('td', { className: 'message' }, e.message))),
      'No errors recorded.', 3);
  }

  // ---- wiring -------------------------------------------------------------------------------

  document.addEventListener('DOMContentLoaded', () => {
    $('login-form').addEventListener('submit', (e) => {
      e.preventDefault();
      login($('token').value);
    });
    $('logout').addEventListener('click', logout);
    $('refresh').addEventListener('click', poll);
    if (token()) {
      $('login').hidden = true;
      $('main').hidden = false;
      start();
    } else {
      askToken('');
    }
  });

  window.sipgwConsole = {
    /** Adds a listener of the console's events: {type: 'poll'|'error'|'token'|'action', ...}. */
    on(listener) { listeners.push(listener); },
    login,
    logout,
    refresh: poll,
    call,
    /** The chart's data: {points: n, values: [...], total} (requests) or per class (responses). */
    chart(name) {
      const c = charts[name];
      if (!c) throw new Error('no chart ' + name);
      if (name === 'requests') return { points: c.points.length, values: c.points.map((p) => p.v), total: c.total };
      const byClass = {};
      for (const k of CLASSES) byClass[k + 'xx'] = c.points.map((p) => p.v[k]);
      return { points: c.points.length, values: byClass, totals: c.totals };
    },
    /** What the page shows now, for tests. */
    state() {
      return {
        polls,
        loggedIn: !!token() && $('login').hidden,
        status: $('status').textContent,
        users: Array.from(document.querySelectorAll('#users tbody td.aor')).map((td) => td.textContent),
      };
    },
  };
})();
