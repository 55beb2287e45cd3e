// sipgw softphone: a small MSRP client (RFC 4975) over a WebSocket (RFC 7977) to the gateway's MSRP
// relay (RFC 4976), as window.SipgwMsrp. No library: the framing, AUTH and chunking are here.
//
//   new Connection({wsUrl, ua, onMessage, onClose})
//     open()                       the WebSocket (subprotocol msrp) and AUTH with the UA's credentials
//                                  (MD5 digest, digest.js): a Promise of {usePath, uri, expires}
//     uri                          our own URI (msrp://<random>.invalid:2855/<random>;ws, RFC 7977 §4)
//     usePath                      our session URI at the relay (the AUTH's Use-Path)
//     send(toPath, bytes, options) one message as SEND chunks: a Promise, resolved when the last chunk
//                                  got its 200, rejected at the first other response or at a timeout
//     close()
//   onMessage({messageId, fromPath, contentType, bytes}) for each complete message received; a SEND
//   chunk is answered 200 at once (403 or 481 when onChunk says so), its bytes placed by Byte-Range.
(function () {
  'use strict';

  /** The most bytes in one SEND chunk (and so in one WebSocket message). */
  const CHUNK = 64 * 1024;
  /** How long a request waits for its response (RFC 4975 §7.1.1 suggests 30 s). */
  const TRANSACTION_TIMEOUT_MS = 30000;
  /** Challenges answered in a row before an AUTH is given up. */
  const MAX_CHALLENGES = 2;
  const CRLF = '\r\n';
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  function token(n) {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
    const bytes = crypto.getRandomValues(new Uint8Array(n));
    return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
  }

  /** The index of {@code pattern} in {@code bytes} at or after {@code from}, or -1. */
  function indexOf(bytes, pattern, from) {
    const first = pattern[0];
    const last = bytes.length - pattern.length;
    for (let i = bytes.indexOf(first, from || 0); i !== -1 && i <= last; i = bytes.indexOf(first, i + 1)) {
      let k = 1;
      while (k < pattern.length && bytes[i + k] === pattern[k]) k++;
      if (k === pattern.length) return i;
    }
    return -1;
  }

  function concat(a, b) {
    if (a.length === 0) return b;
    const c = new Uint8Array(a.length + b.length);
    c.set(a, 0);
    c.set(b, a.length);
    return c;
  }

  /**
   * Reads MSRP messages out of the bytes of a connection, in whatever pieces they come (a WebSocket
   * message usually holds one whole message, RFC 7977 §5.2, but nothing here counts on it):
   * feed(bytes) returns the complete messages, each {tid, method | status, comment, headers (lower-case
   * names, first value), body (Uint8Array), flag}.
   */
  class Framer {
    constructor() {
      this._held = new Uint8Array(0);
    }

    feed(bytes) {
      this._held = concat(this._held, bytes);
      const messages = [];
      for (let m = this._next(); m; m = this._next()) messages.push(m);
      return messages;
    }

    _next() {
      const held = this._held;
      const eol = indexOf(held, encoder.encode(CRLF), 0);
      if (eol < 0) return null;
      const start = decoder.decode(held.subarray(0, eol)).split(' ');
      if (start[0] !== 'MSRP' || start.length < 3) throw new Error('not an MSRP start line: ' + start.join(' ').slice(0, 80));
      const tid = start[1];
      const endLine = encoder.encode(CRLF + '-------' + tid);
      const blank = indexOf(held, encoder.encode(CRLF + CRLF), eol);
      const bare = indexOf(held, endLine, eol);
      let headEnd;
      let body;
      let endAt; // where the end-line's dashes begin
      if (bare >= 0 && (blank < 0 || bare < blank)) {
        headEnd = bare;
        body = new Uint8Array(0);
        endAt = bare + 2;
      } else if (blank >= 0) {
        headEnd = blank;
        const close = this._endLine(held, endLine, blank + 4);
        if (close < 0) return null;
        body = held.slice(blank + 4, close);
        endAt = close + 2;
      } else {
        return null;
      }
      const flagAt = endAt + endLine.length - 2;
      if (held.length < flagAt + 3) return null;
      const headers = {};
      for (const line of decoder.decode(held.subarray(eol + 2, headEnd)).split(CRLF)) {
        const colon = line.indexOf(':');
        if (colon > 0) {
          const name = line.slice(0, colon).trim().toLowerCase();
          if (!(name in headers)) headers[name] = line.slice(colon + 1).trim();
        }
      }
      const flag = String.fromCharCode(held[flagAt]);
      this._held = held.slice(flagAt + 3);
      const m = { tid: tid, headers: headers, body: body, flag: flag };
      if (/^\d{3}$/.test(start[2])) {
        m.status = parseInt(start[2], 10);
        m.comment = start.slice(3).join(' ');
      } else {
        m.method = start[2];
      }
      return m;
    }

    /** The first end-line of the body (followed by a flag and CRLF) at or after {@code from}, or -1. */
    _endLine(held, endLine, from) {
      for (let i = indexOf(held, endLine, from); i >= 0; i = indexOf(held, endLine, i + 1)) {
        const flag = held[i + endLine.length];
        if (flag === undefined) return -1;
        if ((flag === 36 || flag === 43 || flag === 35) && held[i + endLine.length + 1] === 13) return i;
      }
      return -1;
    }
  }

  /** {start, end, total} of a Byte-Range value ("1-65536/1048576", end and total may be '*'). */
  function byteRange(value) {
    const m = /^(\d+)-(\d+|\*)\/(\d+|\*)$/.exec(String(value || '1-*/*').trim());
    if (!m) return null;
    return {
      start: parseInt(m[1], 10),
      end: m[2] === '*' ? null : parseInt(m[2], 10),
      total: m[3] === '*' ? null : parseInt(m[3], 10),
    };
  }

  /** The relay URI of the WebSocket at {@code wsUrl}: msrp://host:port;ws (msrps for wss). */
  function relayUri(wsUrl) {
    const u = new URL(wsUrl);
    const secure = u.protocol === 'wss:';
    const port = u.port || (secure ? '443' : '80');
    return (secure ? 'msrps' : 'msrp') + '://' + u.hostname + ':' + port + ';ws';
  }

  /** Bytes received of one message: placed by Byte-Range, counted without overlaps. */
  class Incoming {
    constructor(total) {
      this.bytes = new Uint8Array(total);
      this.ranges = []; // [start, end) received, sorted, disjoint
      this.last = false; // the chunk with $ came
    }

    put(offset, data) {
      if (offset + data.length > this.bytes.length) {
        const grown = new Uint8Array(offset + data.length);
        grown.set(this.bytes);
        this.bytes = grown;
      }
      this.bytes.set(data, offset);
      const merged = [];
      let s = offset;
      let e = offset + data.length;
      for (const [a, b] of this.ranges) {
        if (b < s || a > e) merged.push([a, b]);
        else {
          s = Math.min(s, a);
          e = Math.max(e, b);
        }
      }
      merged.push([s, e]);
      this.ranges = merged.sort((x, y) => x[0] - y[0]);
    }

    received() {
      return this.ranges.reduce((n, [a, b]) => n + b - a, 0);
    }

    complete(total) {
      return this.last && this.ranges.length <= 1 && this.received() === total;
    }
  }

  /**
   * One MSRP connection to the relay, authenticated as the UA's account. options: {wsUrl (the
   * gateway's WebSocket), ua (JsSIP's, for the credentials), onChunk(request) (null: accept; else
   * [status, comment] to refuse a SEND), onMessage(message), onProgress(messageId, received, total),
   * onClose(reason)}.
   */
  class Connection {
    constructor(options) {
      this._options = options;
      this.relay = relayUri(options.wsUrl);
      this.uri = 'msrp://' + token(10) + '.invalid:2855/' + token(16) + ';ws';
      this.usePath = null;
      this.expires = null;
      this._framer = new Framer();
      this._pending = new Map(); // tid -> {resolve, reject, timer}
      this._incoming = new Map(); // Message-ID -> Incoming
      this._ws = null;
      this.closed = false;
    }

    /** Connects and AUTHenticates: a Promise of this connection, usePath set. */
    open() {
      return new Promise((resolve, reject) => {
        const ws = new WebSocket(this._options.wsUrl, 'msrp');
        ws.binaryType = 'arraybuffer';
        this._ws = ws;
        ws.onopen = () => resolve();
        ws.onerror = () => reject(new Error('MSRP WebSocket to ' + this._options.wsUrl + ' failed'));
        ws.onclose = (e) => this._closed('WebSocket closed (' + e.code + ')');
        ws.onmessage = (e) => this._receive(typeof e.data === 'string' ? encoder.encode(e.data) : new Uint8Array(e.data));
      }).then(() => this._auth([], 0)).then(() => this);
    }

    close() {
      if (this._ws) this._ws.close();
      this._closed('closed');
    }

    _closed(reason) {
      if (this.closed) return;
      this.closed = true;
      for (const p of this._pending.values()) {
        clearTimeout(p.timer);
        p.reject(new Error('MSRP connection ' + reason));
      }
      this._pending.clear();
      if (this._options.onClose) this._options.onClose(reason);
    }

    /** AUTH (RFC 4976 §5): To-Path the relay, our URI the From-Path; a 401 answered with credentials. */
    _auth(extra, challenges) {
      return this._request('AUTH', [this.relay], extra, null).then((r) => {
        if (r.status === 200 && r.headers['use-path']) {
          this.usePath = r.headers['use-path'].split(/\s+/)[0];
          this.expires = parseInt(r.headers.expires, 10) || null;
          return;
        }
        if (r.status === 401 && challenges < MAX_CHALLENGES) {
          const credentials = SipgwDigest.authorization(this._options.ua, SipgwDigest.challenge(r.headers['www-authenticate']), 'AUTH', this.relay);
          if (credentials) return this._auth(['Authorization: ' + credentials], challenges + 1);
        }
        throw new Error('MSRP AUTH: ' + r.status + ' ' + r.comment);
      });
    }

    /**
     * Sends {@code bytes} (a Uint8Array) as one message to {@code toPath} in SEND chunks of
     * {@link CHUNK} bytes, each after the 200 of the one before. options: {messageId, contentType,
     * onProgress(sent, total)}. A Promise, resolved after the last 200.
     */
    async send(toPath, bytes, options) {
      const total = bytes.length;
      const type = options.contentType || 'application/octet-stream';
      let offset = 0;
      do {
        const end = Math.min(total, offset + CHUNK);
        const last = end === total;
        const headers = ['Message-ID: ' + options.messageId,
          'Byte-Range: ' + (offset + 1) + '-' + end + '/' + total, 'Content-Type: ' + type];
        const r = await this._request('SEND', toPath, headers, bytes.subarray(offset, end), last ? '$' : '+');
        if (r.status !== 200) throw new Error('SEND: ' + r.status + ' ' + r.comment);
        offset = end;
        if (options.onProgress) options.onProgress(offset, total);
      } while (offset < total);
    }

    /** A request; a Promise of its response (rejected when none came in time or the connection went). */
    _request(method, toPath, headers, body, flag) {
      if (this.closed) return Promise.reject(new Error('MSRP connection closed'));
      let tid = token(12);
      // RFC 4975 §7.1: the end-line must not be in the body
      while (body && indexOf(body, encoder.encode(CRLF + '-------' + tid), 0) >= 0) tid = token(12);
      const head = ['MSRP ' + tid + ' ' + method, 'To-Path: ' + toPath.join(' '), 'From-Path: ' + this.uri].concat(headers);
      const end = encoder.encode((body ? CRLF : '') + '-------' + tid + (flag || '$') + CRLF);
      let message = encoder.encode(head.join(CRLF) + CRLF + (body ? CRLF : ''));
      if (body) message = concat(message, body);
      message = concat(message, end);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          this._pending.delete(tid);
          reject(new Error('no response to MSRP ' + method + ' within ' + TRANSACTION_TIMEOUT_MS + ' ms'));
        }, TRANSACTION_TIMEOUT_MS);
        this._pending.set(tid, { resolve: resolve, reject: reject, timer: timer });
        this._ws.send(message); // one chunk, one WebSocket message (RFC 7977 §5.2)
      });
    }

    _receive(bytes) {
      let messages;
      try {
        messages = this._framer.feed(bytes);
      } catch (e) {
        console.error('MSRP: ' + e.message);
        this.close();
        return;
      }
      for (const m of messages) {
        if (m.status !== undefined) {
          const p = this._pending.get(m.tid);
          if (!p) continue;
          this._pending.delete(m.tid);
          clearTimeout(p.timer);
          p.resolve(m);
        } else if (m.method === 'SEND') {
          this._send(m);
        } else if (m.method !== 'REPORT') {
          this._respond(m, 501, 'Not Implemented');
        }
      }
    }

    /** A SEND chunk: answered, its bytes placed; a message complete is handed on. */
    _send(m) {
      const id = m.headers['message-id'];
      const range = byteRange(m.headers['byte-range']);
      if (!id || !range) {
        this._respond(m, 400, 'Bad Request (Message-ID and Byte-Range)');
        return;
      }
      const refused = this._options.onChunk ? this._options.onChunk(m) : null;
      if (refused) {
        this._respond(m, refused[0], refused[1]);
        return;
      }
      let incoming = this._incoming.get(id);
      if (!incoming) {
        incoming = new Incoming(range.total || 0);
        this._incoming.set(id, incoming);
      }
      incoming.put(range.start - 1, m.body);
      if (m.flag === '$') incoming.last = true;
      this._respond(m, 200, 'OK');
      const total = range.total === null ? incoming.bytes.length : range.total;
      if (this._options.onProgress) this._options.onProgress(id, incoming.received(), total);
      if (incoming.complete(total)) {
        this._incoming.delete(id);
        const fromPath = (m.headers['from-path'] || '').split(/\s+/).filter((u) => u);
        this._options.onMessage({ messageId: id, fromPath: fromPath, contentType: m.headers['content-type'] || null, bytes: incoming.bytes });
      }
    }

    /** A response to request {@code m}: To-Path the previous hop (the first From-Path URI), unless Failure-Report forbids it. */
    _respond(m, status, comment) {
      const report = (m.headers['failure-report'] || 'yes').toLowerCase();
      if (report === 'no' || (report === 'partial' && status === 200)) return;
      const previous = (m.headers['from-path'] || '').split(/\s+/)[0];
      const text = 'MSRP ' + m.tid + ' ' + status + ' ' + comment + CRLF + 'To-Path: ' + previous + CRLF
        + 'From-Path: ' + this.uri + CRLF + '-------' + m.tid + '$' + CRLF;
      if (this._ws && this._ws.readyState === WebSocket.OPEN) this._ws.send(encoder.encode(text));
    }
  }

  window.SipgwMsrp = { Connection: Connection, Framer: Framer, relayUri: relayUri, byteRange: byteRange, CHUNK: CHUNK };
})();
