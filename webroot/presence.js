// sipgw softphone: the presence pieces JsSIP 3.13.8 leaves to the application, as window.SipgwPresence.
//
//   document(entity, tupleId, {status, note})  our PIDF (RFC 3863) with RPID activities (RFC 4480)
//   read(xml)                                  a watched user's PIDF: {status, note, basis}, null if not PIDF
//   new Publication(ua, aor, options)          PUBLISH (RFC 3903) of our own presence: create, modify,
//                                              refresh by SIP-If-Match, remove with Expires: 0
//
// JsSIP 3.13.8 has a Subscriber (ua.subscribe) but no publisher: Publication sends PUBLISH itself
// over the UA's own transport, entered in the UA's table of non-INVITE client transactions so that
// the UA hands it the responses, and answers 401/407 challenges with the UA's password or HA1 (MD5
// digest, digest.js) as JsSIP's own requests do.
(function () {
  'use strict';

  const PIDF_NS = 'urn:ietf:params:xml:ns:pidf';
  const DM_NS = 'urn:ietf:params:xml:ns:pidf:data-model';
  const RPID_NS = 'urn:ietf:params:xml:ns:pidf:rpid';
  /** The tuple the gateway adds from registrations (pua_usrloc): open while the user has a binding. */
  const REGISTRATION_TUPLE = 'usrloc';
  /** RPID activities that the page shows as away or busy; any other open status is online. */
  const AWAY = ['away', 'vacation', 'sleeping', 'steering', 'travel'];
  const BUSY = ['busy', 'on-the-phone', 'meeting', 'performance', 'presentation', 'appointment', 'worship'];
  /** RFC 3261 Timer F over a reliable transport: 64*T1. */
  const TRANSACTION_TIMEOUT_MS = 32000;
  /** Challenges answered in a row before a request is given up (a second one may only say stale=true). */
  const MAX_CHALLENGES = 2;

  function escapeXml(s) {
    return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }

  /**
   * Our presence as PIDF: one tuple, basic open (closed for status 'offline', i.e. appear offline),
   * the note in the tuple, and for 'away' and 'busy' an RPID person with that activity.
   */
  function document(entity, tupleId, own) {
    const note = own.note ? '<note>' + escapeXml(own.note) + '</note>' : '';
    const activity = own.status === 'away' || own.status === 'busy'
      ? '<dm:person id="p-' + escapeXml(tupleId) + '"><rpid:activities><rpid:' + own.status + '/></rpid:activities></dm:person>'
      : '';
    return '<?xml version="1.0" encoding="UTF-8"?>\n'
      + '<presence xmlns="' + PIDF_NS + '" xmlns:dm="' + DM_NS + '" xmlns:rpid="' + RPID_NS + '" entity="' + escapeXml(entity) + '">'
      + '<tuple id="' + escapeXml(tupleId) + '"><status><basic>' + (own.status === 'offline' ? 'closed' : 'open') + '</basic></status>'
      + note + '</tuple>' + activity + '</presence>';
  }

  function childrenNS(parent, ns, name) {
    return Array.from(parent.children).filter((e) => e.namespaceURI === ns && e.localName === name);
  }

  function text(element) {
    return element ? element.textContent.trim() : '';
  }

  /**
   * A watched user's state from a PIDF document: {status: online|away|busy|offline, note, basis}.
   * The gateway's document holds every publication's tuples plus its registration tuple (id
   * "usrloc"); published tuples say more than the registration, except that a closed registration
   * tuple (no device registered) makes the user offline whatever stale publication is left.
   * basis: 'registration' or 'publication', what the status came from ('none': nothing known).
   */
  function read(xml) {
    const doc = new DOMParser().parseFromString(xml, 'application/xml');
    const root = doc.documentElement;
    if (!root || root.namespaceURI !== PIDF_NS || root.localName !== 'presence') return null;
    const tuples = childrenNS(root, PIDF_NS, 'tuple').map((t) => {
      const status = childrenNS(t, PIDF_NS, 'status')[0];
      return {
        id: t.getAttribute('id'),
        open: text(status && childrenNS(status, PIDF_NS, 'basic')[0]).toLowerCase() === 'open',
        note: text(childrenNS(t, PIDF_NS, 'note')[0]),
      };
    });
    const registration = tuples.find((t) => t.id === REGISTRATION_TUPLE);
    const published = tuples.filter((t) => t.id !== REGISTRATION_TUPLE);
    if (registration && !registration.open) return { status: 'offline', note: null, basis: 'registration' };
    if (published.length === 0) {
      return registration ? { status: 'online', note: null, basis: 'registration' } : { status: 'offline', note: null, basis: 'none' };
    }
    const notes = published.map((t) => t.note)
      .concat(Array.from(root.getElementsByTagNameNS(DM_NS, 'note')).map(text))
      .concat(childrenNS(root, PIDF_NS, 'note').map(text));
    const note = notes.find((n) => n) || null;
    if (!published.some((t) => t.open)) return { status: 'offline', note: note, basis: 'publication' };
    const activities = [];
    for (const a of Array.from(root.getElementsByTagNameNS(RPID_NS, 'activities'))) {
      for (const e of Array.from(a.children)) activities.push(e.localName);
    }
    const status = activities.some((a) => BUSY.includes(a)) ? 'busy'
      : activities.some((a) => AWAY.includes(a)) ? 'away' : 'online';
    return { status: status, note: note, basis: 'publication' };
  }

  function utf8Length(s) {
    return new TextEncoder().encode(s).length;
  }

  /**
   * Our own presence, PUBLISHed for {@code aor} through {@code ua}: set(body) creates or modifies
   * it, a timer refreshes it (SIP-If-Match, no body) before it expires, remove() takes it away
   * (Expires: 0). One request at a time; what is asked for meanwhile is sent after it (only the
   * latest wish). A 412 (the gateway forgot our entity-tag) publishes the body afresh; a 423 retries
   * with the Min-Expires. options: {expires (s), userAgent, onChange(state)}; state() is
   * {state: idle|publishing|published|removing|failed, etag, expires, cause}.
   */
  class Publication {
    constructor(ua, aor, options) {
      this._ua = ua;
      this._aor = aor;
      this._expires = options.expires || 600;
      this._userAgent = options.userAgent || null;
      this._onChange = options.onChange || (() => {});
      this._callId = JsSIP.Utils.createRandomToken(22);
      this._fromTag = JsSIP.Utils.newTag();
      this._cseq = Math.floor(Math.random() * 10000) + 1;
      this._etag = null;
      this._body = null; // what we want published; null: nothing
      this._busy = false;
      this._wanted = false; // a change waits for the request in flight
      this._refreshTimer = null;
      this._idle = [];
      this._state = { state: 'idle', etag: null, expires: null, cause: null };
    }

    state() { return Object.assign({}, this._state); }

    /** Publishes {@code body} (PIDF): a create, or a modify of what we published. */
    set(body) {
      this._body = body;
      this._next();
    }

    /** Takes our publication away; resolves when the gateway answered (or there was nothing to remove). */
    remove() {
      this._body = null;
      this._next();
      return this._settled();
    }

    /** Stops the refresh timer: nothing more is sent. */
    close() {
      clearTimeout(this._refreshTimer);
      this._refreshTimer = null;
      this._closed = true;
    }

    _settled() {
      if (!this._busy && !this._wanted) return Promise.resolve();
      return new Promise((resolve) => this._idle.push(resolve));
    }

    _change(fields) {
      Object.assign(this._state, fields);
      this._onChange(this.state());
    }

    _next() {
      if (this._closed) {
        this._idle.splice(0).forEach((resolve) => resolve());
        return;
      }
      if (this._busy) {
        this._wanted = true;
        return;
      }
      this._wanted = false;
      clearTimeout(this._refreshTimer);
      this._refreshTimer = null;
      if (this._body === null) {
        if (this._etag === null) {
          this._change({ state: 'idle', etag: null, expires: null, cause: null });
          this._idle.splice(0).forEach((resolve) => resolve());
          return;
        }
        this._publish(['SIP-If-Match: ' + this._etag, 'Expires: 0'], null, 'removing');
      } else if (this._etag === null) {
        this._publish(['Expires: ' + this._expires], this._body, 'publishing');
      } else {
        this._publish(['SIP-If-Match: ' + this._etag, 'Expires: ' + this._expires], this._body, 'publishing');
      }
    }

    /** The refresh: the same entity-tag, no body. */
    _refresh() {
      this._refreshTimer = null;
      if (this._busy || this._etag === null || this._body === null) return;
      this._publish(['SIP-If-Match: ' + this._etag, 'Expires: ' + this._expires], null, 'publishing');
    }

    _publish(headers, body, state) {
      this._busy = true;
      this._change({ state: state, cause: null });
      const removing = body === null && headers.includes('Expires: 0');
      this._request(headers, body).then((response) => {
        const code = response.status_code;
        if (code >= 200 && code < 300) {
          if (removing) {
            this._etag = null;
            this._change({ state: 'idle', etag: null, expires: null });
          } else {
            this._etag = response.getHeader('SIP-ETag') || this._etag;
            const expires = parseInt(response.getHeader('Expires'), 10) || this._expires;
            this._change({ state: 'published', etag: this._etag, expires: expires });
            // well before it runs out: at half its life when short, else 30 s early
            const refreshIn = Math.max(expires / 2, expires - 30) * 1000;
            this._refreshTimer = setTimeout(() => this._refresh(), refreshIn);
          }
        } else if (code === 412 && !removing) {
          // the gateway does not know our entity-tag (expired, or it restarted): publish afresh
          this._etag = null;
          this._wanted = true;
        } else if (code === 423 && parseInt(response.getHeader('Min-Expires'), 10) > this._expires) {
          this._expires = parseInt(response.getHeader('Min-Expires'), 10);
          this._wanted = true;
        } else {
          if (removing || code === 412) this._etag = null;
          this._change({ state: 'failed', etag: this._etag, cause: code + ' ' + response.reason_phrase });
        }
      }, (error) => {
        if (removing) this._etag = null;
        this._change({ state: 'failed', cause: error.message });
      }).then(() => {
        this._busy = false;
        if (this._wanted) this._next();
        else this._idle.splice(0).forEach((resolve) => resolve());
      });
    }

    /** A PUBLISH with {@code headers} and {@code body}; a Promise of its final response, challenges answered. */
    _request(headers, body) {
      const send = (credentials, challenges) => this._transaction(headers.concat(credentials), body).then((response) => {
        const code = response.status_code;
        if ((code !== 401 && code !== 407) || challenges >= MAX_CHALLENGES) return response;
        const line = this._authorization(response);
        return line ? send([line], challenges + 1) : response;
      });
      return send([], 0);
    }

    /**
     * The Authorization (401) or Proxy-Authorization (407) line answering the MD5 challenge of
     * {@code response} with the UA's credentials: its password, or (once JsSIP has answered a
     * challenge, it keeps only that) the HA1 it keeps for the realm; null when it cannot answer.
     */
    _authorization(response) {
      const name = response.status_code === 401 ? 'www-authenticate' : 'proxy-authenticate';
      let credentials = null;
      for (let i = 0; i < response.getHeaders(name).length && !credentials; i++) {
        credentials = SipgwDigest.authorization(this._ua, response.parseHeader(name, i), 'PUBLISH', this._aor);
      }
      if (!credentials) return null;
      return (response.status_code === 401 ? 'Authorization' : 'Proxy-Authorization') + ': ' + credentials;
    }

    /**
     * One PUBLISH client transaction over the UA's transport (reliable: nothing to retransmit);
     * a Promise of its final response, rejected on a transport error or after Timer F.
     */
    _transaction(headers, body) {
      const ua = this._ua;
      const branch = 'z9hG4bK' + JsSIP.Utils.createRandomToken(12);
      this._cseq += 1;
      const lines = [
        'PUBLISH ' + this._aor + ' SIP/2.0',
        'Via: SIP/2.0/' + ua.transport.via_transport + ' ' + ua.configuration.via_host + ';branch=' + branch,
        'Max-Forwards: 70',
        'To: <' + this._aor + '>',
        'From: <' + this._aor + '>;tag=' + this._fromTag,
        'Call-ID: ' + this._callId,
        'CSeq: ' + this._cseq + ' PUBLISH',
        'Event: presence',
      ].concat(headers);
      if (this._userAgent) lines.push('User-Agent: ' + this._userAgent);
      if (body !== null) lines.push('Content-Type: application/pidf+xml');
      lines.push('Content-Length: ' + (body === null ? 0 : utf8Length(body)), '', body === null ? '' : body);
      return new Promise((resolve, reject) => {
        const transaction = {
          type: 'nict',
          id: branch,
          receiveResponse: (response) => {
            if (response.status_code < 200) return;
            finish();
            resolve(response);
          },
          // the UA calls this on every transaction when its connection closes
          onTransportError: () => {
            finish();
            reject(new Error('transport error'));
          },
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error('no answer to PUBLISH (Timer F)'));
        }, TRANSACTION_TIMEOUT_MS);
        function finish() {
          clearTimeout(timer);
          ua.destroyTransaction(transaction);
        }
        ua.newTransaction(transaction);
        if (!ua.transport.send(lines.join('\r\n'))) {
          finish();
          reject(new Error('transport error'));
        }
      });
    }
  }

  window.SipgwPresence = { document: document, read: read, Publication: Publication };
})();
