// The sipgw console's view of the RPC results: every field name the console reads from a JSON-RPC
// result is here, nowhere else. Each function takes a method's raw result and returns the plain shape
// the page draws. They accept the gateway's shapes and Kamailio's (ul.dump's Domains/AoRs/Contacts,
// dispatcher.list's RECORDS/SET/TARGETS/DEST, htable.dump's slots), so a change of shape is a change here.
'use strict';
(function (global) {
  /** The first of `names` that `o` has (not undefined or null), else `fallback`. */
  function pick(o, names, fallback) {
    if (o == null || typeof o !== 'object') return fallback;
    for (const n of names) {
      if (o[n] !== undefined && o[n] !== null) return o[n];
    }
    return fallback;
  }

  function list(v) {
    if (Array.isArray(v)) return v;
    if (v == null) return [];
    return [v];
  }

  /** Seconds left until an expiry given as seconds left, an epoch time in s or ms, or an ISO date. */
  function secondsLeft(v, now) {
    if (v == null || v === '') return null;
    if (typeof v === 'string' && !/^\d+(\.\d+)?$/.test(v)) {
      const t = Date.parse(v);
      return isNaN(t) ? null : Math.round((t - now) / 1000);
    }
    const n = Number(v);
    if (n > 1e12) return Math.round((n - now) / 1000); // epoch ms
    if (n > 1e9) return Math.round(n - now / 1000); // epoch s
    return Math.round(n);
  }

  /** One contact of a user: {contact, transport, source, expires (s left), q, userAgent}. */
  function contact(c, now) {
    if (typeof c === 'string') return { contact: c, transport: '', source: '', expires: null, q: null, userAgent: '' };
    c = pick(c, ['Contact'], c); // Kamailio: {"Contact": {...}}
    const src = pick(c, ['source', 'src', 'received'], null);
    let transport = pick(c, ['transport', 'Transport', 'proto'], '');
    let source = '';
    if (src && typeof src === 'object') {
      transport = transport || pick(src, ['transport', 't'], '');
      const host = pick(src, ['host', 'h'], '');
      const port = pick(src, ['port', 'o'], '');
      source = host + (port !== '' ? ':' + port : '');
    } else if (typeof src === 'string') {
      source = src;
    }
    if (!source) source = pick(c, ['Received', 'Socket', 'socket'], '');
    if (!transport) {
      const m = /transport=(\w+)/i.exec(String(pick(c, ['contact', 'uri', 'Address'], '')));
      transport = m ? m[1] : (/^(udp|tcp|tls|ws|wss):/i.exec(String(source)) || [])[1] || '';
    }
    let expires = pick(c, ['expiresIn', 'expires', 'Expires', 'expiresAt', 'expiresAtMillis'], null);
    return {
      contact: pick(c, ['contact', 'uri', 'Address', 'address'], ''),
      transport: String(transport).toUpperCase(),
      source: source,
      expires: secondsLeft(expires, now),
      q: pick(c, ['q', 'Q'], null),
      userAgent: pick(c, ['userAgent', 'User-Agent', 'ua'], ''),
    };
  }

  /** ul.dump → [{aor, contacts: [...]}], sorted by AOR. */
  function users(result, now) {
    now = now || Date.now();
    let aors = [];
    if (Array.isArray(result)) {
      aors = result;
    } else if (result && result.Domains) { // Kamailio
      for (const d of list(result.Domains)) {
        const dom = pick(d, ['Domain'], d);
        aors = aors.concat(list(pick(dom, ['AoRs'], [])));
      }
    } else if (result && typeof result === 'object') {
      const inner = pick(result, ['aors', 'users', 'bindings', 'records', 'AoRs'], null);
      if (inner != null && Array.isArray(inner)) {
        aors = inner;
      } else if (inner != null && typeof inner === 'object') {
        aors = Object.keys(inner).map((aor) => ({ aor, contacts: inner[aor] }));
      } else {
        aors = Object.keys(result).map((aor) => ({ aor, contacts: result[aor] }));
      }
    }
    // some shapes give one row per binding ({aor, contact, ...}): group them
    const byAor = new Map();
    for (let a of aors) {
      a = pick(a, ['Info'], a);
      const aor = pick(a, ['aor', 'AoR', 'address', 'user'], '?');
      const contacts = pick(a, ['contacts', 'Contacts', 'bindings'], null);
      const entry = byAor.get(aor) || { aor, contacts: [] };
      if (contacts != null) {
        for (const c of list(contacts)) entry.contacts.push(contact(c, now));
      } else {
        entry.contacts.push(contact(a, now));
      }
      byAor.set(aor, entry);
    }
    return Array.from(byAor.values()).sort((x, y) => (x.aor < y.aor ? -1 : x.aor > y.aor ? 1 : 0));
  }

  /**
   * stats.get_statistics → a flat {name: number}: nested objects become dotted names
   * ({requests: {INVITE: 3}} → "requests.INVITE"), Kamailio's ["group:name = value", ...] lines too.
   */
  function statistics(result) {
    const flat = {};
    function walk(prefix, v) {
      if (typeof v === 'number') {
        flat[prefix] = v;
      } else if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) {
        flat[prefix] = Number(v);
      } else if (Array.isArray(v)) {
        v.forEach((item, i) => {
          const line = typeof item === 'string' ? /^\s*([^=]+?)\s*=\s*(-?\d+(?:\.\d+)?)\s*$/.exec(item) : null;
          if (line) flat[(prefix ? prefix + '.' : '') + line[1].replace(':', '.')] = Number(line[2]);
          else walk(prefix + '.' + i, item);
        });
      } else if (v && typeof v === 'object') {
        for (const k of Object.keys(v)) walk(prefix ? prefix + '.' + k : k, v[k]);
      }
    }
    walk('', result);
    return flat;
  }

  const RESPONSE_CLASS = /(?:^|[._])([1-6])xx$/i;
  const STATUS = /(?:^|[._])([1-6])\d\d$/;

  /** Whether a flat statistics name counts requests received (per method), not responses or totals of other things. */
  function isRequestCounter(name) {
    const n = name.toLowerCase();
    if (RESPONSE_CLASS.test(n) || STATUS.test(n) || n.includes('response') || n.includes('repl')) return false;
    return /(^|\.)(requests?|rcv_requests?)(\.|_|$)/.test(n) && !/(^|\.)(total|all)$/.test(n) && !n.includes('sent')
      && !n.includes('fwd') && !n.includes('drop');
  }

  /** The response class (1 … 6) a flat statistics name counts, or 0. */
  function responseClass(name) {
    const n = name.toLowerCase();
    if (!(n.includes('respon') || n.includes('repl'))) return 0;
    if (n.includes('received') || n.includes('rcv')) return 0; // count what the gateway sends out
    let m = RESPONSE_CLASS.exec(n);
    if (m) return Number(m[1]);
    m = STATUS.exec(n);
    return m ? Number(m[1]) : 0;
  }

  /**
   * The figures the charts follow, from a flat statistics object: total requests received, and
   * responses per class. A counter that gives the total directly ("requests.total") wins over the sum.
   */
  function traffic(flat) {
    let requests = 0;
    let direct = null;
    const perMethod = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0 };
    const totals = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0 };
    let haveTotals = false;
    for (const name of Object.keys(flat)) {
      const n = name.toLowerCase();
      if (/^(requests?|requests?\.received|received\.requests)\.(total|all)$/.test(n)) direct = flat[name];
      else if (isRequestCounter(name)) requests += flat[name];
      const cls = responseClass(name);
      if (!cls) continue;
      // {responses: {sent: {INVITE: {"2xx": n}, total: {"2xx": n}}}}: the totals, not totals plus methods
      if (/(^|\.)(total|all)(\.|_)/.test(n)) {
        haveTotals = true;
        totals[cls] += flat[name];
      } else {
        perMethod[cls] += flat[name];
      }
    }
    return { requests: direct != null ? direct : requests, responses: haveTotals ? totals : perMethod };
  }

  /** dispatcher.list → [{set, uri, up, state, calls}] */
  function destinations(result) {
    const out = [];
    function add(set, d, setAlgorithm) {
      d = pick(d, ['DEST'], d);
      const flags = pick(d, ['FLAGS', 'flags'], null);
      let up = pick(d, ['up'], null);
      let state = pick(d, ['state', 'State'], null);
      if (up === null && typeof state === 'string') up = /^(up|active|a)/i.test(state);
      if (up === null && typeof flags === 'string') up = flags.charAt(0).toUpperCase() === 'A';
      if (up === null) up = true;
      out.push({
        set: String(set),
        uri: pick(d, ['uri', 'URI', 'destination'], ''),
        up: !!up,
        state: state != null ? String(state) : flags != null ? flags : (up ? 'up' : 'down'),
        calls: pick(d, ['activeCalls', 'calls', 'load'], null),
        algorithm: pick(d, ['algorithm'], setAlgorithm || null),
      });
    }
    function addSet(s, key) {
      s = pick(s, ['SET'], s);
      const id = pick(s, ['set', 'id', 'ID', 'name'], key);
      const algorithm = pick(s, ['algorithm', 'ALG'], null);
      for (const d of list(pick(s, ['destinations', 'TARGETS', 'targets', 'members'], []))) add(id, d, algorithm);
    }
    if (Array.isArray(result)) {
      result.forEach((s) => (pick(s, ['uri', 'URI'], null) && !pick(s, ['destinations', 'TARGETS'], null)
        ? add(pick(s, ['set', 'id'], ''), s) : addSet(s, '')));
    } else if (result && typeof result === 'object') {
      const sets = pick(result, ['sets', 'RECORDS', 'records'], null);
      if (Array.isArray(sets)) sets.forEach((s) => addSet(s, ''));
      else if (sets && typeof sets === 'object') Object.keys(sets).forEach((k) => addSet(sets[k], k));
      else Object.keys(result).forEach((k) => (Array.isArray(result[k]) ? addSet({ id: k, destinations: result[k] }, k) : null));
    }
    return out;
  }

  /** htable.dump ["bans"] → [{address, expires (s left), reason}] */
  function bans(result, now) {
    now = now || Date.now();
    let entries = [];
    if (Array.isArray(result)) {
      for (const e of result) {
        const slots = pick(e, ['slot'], null); // Kamailio: [{entry, size, slot: [{name, value, type}]}]
        entries = entries.concat(slots != null ? list(slots) : [e]);
      }
    } else if (result && typeof result === 'object') {
      const inner = pick(result, ['bans', 'entries', 'items'], null);
      if (Array.isArray(inner)) entries = inner;
      else {
        const map = inner || result;
        entries = Object.keys(map).map((k) => ({ address: k, until: map[k] }));
      }
    }
    return entries.map((e) => (typeof e === 'string' ? { address: e, expires: null, reason: '' } : {
      address: pick(e, ['address', 'ip', 'name', 'key', 'source'], '?'),
      expires: secondsLeft(pick(e, ['remaining', 'expiresIn', 'expires', 'until', 'untilMillis', 'value'], null), now),
      reason: pick(e, ['reason'], ''),
    }));
  }

  /** An ISO time or epoch milliseconds as this browser's local date and time; anything else as given. */
  function localTime(v) {
    const t = typeof v === 'number' ? v : typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) ? Date.parse(v) : NaN;
    return isNaN(t) ? String(v) : new Date(t).toLocaleString();
  }

  /** core.info → [{time, level, message}] from its lastErrors, newest first (none: empty). */
  function lastErrors(result) {
    const errors = list(pick(result, ['lastErrors', 'errors', 'last_errors'], []));
    return errors.slice().reverse().map((e) => (typeof e === 'string' ? { time: '', level: '', message: e } : {
      time: localTime(pick(e, ['time', 'timestamp', 'at'], '')),
      level: pick(e, ['level'], ''),
      message: [pick(e, ['logger'], ''), pick(e, ['message', 'text', 'msg'], '')].filter(Boolean).join(': '),
    }));
  }

  /** core.info → a short line about the node (version, uptime, node name) where it says so. */
  function about(result) {
    const parts = [];
    const version = pick(result, ['version'], null);
    const node = pick(result, ['node', 'name'], null);
    const uptime = pick(result, ['uptime', 'uptimeSeconds'], null);
    if (version) parts.push(/^sipgw/i.test(version) ? version : 'sipgw ' + version);
    if (node) parts.push('node ' + node);
    if (uptime != null) parts.push('up ' + uptime + (typeof uptime === 'number' ? ' s' : ''));
    return parts.join(' · ');
  }

  /** What dispatcher.set_state takes for one destination. */
  function setStateParams(d, up) { return [String(d.set), d.uri, up ? 'up' : 'down']; }

  /** What bans.rm takes for one ban. */
  function banRemoveParams(b) { return [b.address]; }

  global.sipgwFields = { users, statistics, traffic, destinations, bans, lastErrors, about, setStateParams, banRemoveParams };
})(window);
