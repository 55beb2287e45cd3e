// sipgw softphone: one SIP account over WebSocket (JsSIP), one call at a time, page-mode MESSAGE,
// a buddy list with presence (SUBSCRIBE/NOTIFY) and our own status (PUBLISH, presence.js), chat per buddy,
// files to and from another browser through the gateway's MSRP relay (msrp.js), offered by MESSAGE.
//
// The buttons and the tests drive the same API, window.softphone:
//   register({user, password, domain, wsUrl})  connect and REGISTER (wsUrl defaults to this page's host)
//   unregister()                               un-REGISTER and disconnect
//   call(uri)                                  INVITE with audio
//   answer()                                   answer the incoming call
//   hangup()                                   CANCEL, reject or BYE, whichever the call needs
//   sendMessage(uri, text)                     MESSAGE, text/plain
//   state()                                    registration, call and message state (a plain object)
//   stats()                                    Promise of RTP packet counts from RTCPeerConnection.getStats()
//   on(listener)                               listener({type, ...}) for every state change and message
//   debug(namespaces)                          JsSIP's debug log, e.g. 'JsSIP:Transport' (SIP messages)
//   addBuddy(uri) / removeBuddy(uri)           watch a user's presence (kept in localStorage per account)
//   buddies()                                  [{uri, status, note, basis, subscription, cause, unread}]
//   setStatus(status, note)                    our own status: online, away, busy, offline (appear offline)
//   openConversation(uri) / conversation(uri)  the chat with a user: opened (unread cleared) / its messages
//   sendFile(uri, file)                        offer a file (a File, or {name, type, base64 | size}) by MESSAGE,
//                                              send it through the gateway's MSRP relay once accepted (msrp.js)
//   acceptFile(id) / declineFile(id)           answer a file offered to us
//   files()                                    [{id, direction, peer, name, size, state, transferred, sha256, ...}]
// Each call returns at once; progress comes as events and in state().
(function () {
  'use strict';

  const AUDIO_ONLY = { audio: true, video: false };
  const PC_CONFIG = { iceServers: [] };

  /** Our own status, as the selector offers it; 'offline' publishes closed (appear offline). */
  const STATUSES = ['online', 'away', 'busy', 'offline'];
  /** How long an unregister waits for unsubscribes and the unpublish before it disconnects. */
  const CLOSE_GRACE_MS = 2000;
  /** After a subscription failed, or was ended with no reason to give up, it is tried again after this. */
  const RESUBSCRIBE_MS = 30000;
  /** The MESSAGE bodies that offer a file and answer an offer (webroot/README.md, Files). */
  const FILE_OFFER = 'application/x-sipgw-msrp-offer+json';
  const FILE_ANSWER = 'application/x-sipgw-msrp-answer+json';
  /** An offer nobody answered within this is given up. */
  const FILE_ANSWER_MS = 120000;
  /** A new MSRP AUTH this long before the relay's session URI runs out. */
  const MSRP_RENEW_MS = 60000;

  let ua = null;
  let session = null;
  /** The presence of the current UA: {ua, aor, expires, tupleId, publication, subscribers, timers, started}. */
  let presence = null;
  let lastStats = null;
  /** The MSRP connection of the current UA: {promise (of the authenticated Connection), connection, renewAt}. */
  let msrp = null;
  /** The bytes of our outgoing files, by transfer id, until sent. */
  const outgoingBytes = new Map();
  /** The Blob URLs of received files, by transfer id. */
  const fileUrls = new Map();
  const listeners = [];
  const model = {
    registration: 'unregistered',
    registrationCause: null,
    transport: 'disconnected',
    account: null,
    call: 'idle',
    callCause: null,
    direction: null,
    peer: null,
    messages: [],
    own: { status: 'online', note: '', publication: 'idle', cause: null },
    buddies: [],
    conversations: {},
    unread: {},
    chat: null,
    files: [],
  };

  function emit(type, fields) {
    const event = Object.assign({ type: type, at: Date.now() }, fields);
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (e) {
        console.error('softphone listener failed', e);
      }
    }
    render();
  }

  function setRegistration(state, cause) {
    model.registration = state;
    model.registrationCause = cause || null;
    emit('registration', { state: state, cause: model.registrationCause });
  }

  function setCall(state, cause) {
    model.call = state;
    model.callCause = cause || null;
    emit('call', { state: state, cause: model.callCause, direction: model.direction, peer: model.peer });
  }

  /** ws://host:port/ or wss://host:port/ after this page's own scheme and host; empty for a file. */
  function defaultWsUrl() {
    if (!location.host) return '';
    return (location.protocol === 'https:' ? 'wss' : 'ws') + '://' + location.host + '/';
  }

  function register(account) {
    const wsUrl = account.wsUrl || defaultWsUrl();
    if (!account.user || !account.domain || !wsUrl) {
      throw new Error('register needs user, domain and a WebSocket URL');
    }
    if (account.status) checkStatus(account.status);
    if (ua) stopUa();
    const previous = model.account;
    model.account = { user: account.user, domain: account.domain, wsUrl: wsUrl };
    if (!previous || previous.user !== account.user || previous.domain !== account.domain) switchAccount();
    // our status is that of this registration: online unless it says otherwise
    model.own = { status: account.status || 'online', note: account.note || '', publication: 'idle', cause: null };
    showAccount(model.account);
    ua = new JsSIP.UA({
      sockets: [new JsSIP.WebSocketInterface(wsUrl)],
      uri: 'sip:' + account.user + '@' + account.domain,
      password: account.password || undefined,
      display_name: account.displayName || undefined,
      register: true,
      register_expires: account.expires || 600,
      session_timers: false,
      user_agent: 'sipgw-softphone JsSIP/' + JsSIP.version,
    });
    const current = ua;
    const mine = (handler) => function (e) { if (ua === current) handler(e); };
    presence = newPresence(ua, account.presenceExpires || 600);
    ua.on('connecting', mine(() => { model.transport = 'connecting'; emit('transport', { state: 'connecting' }); }));
    ua.on('connected', mine(() => { model.transport = 'connected'; emit('transport', { state: 'connected' }); }));
    ua.on('disconnected', mine((e) => {
      model.transport = 'disconnected';
      // the dialogs of our subscriptions were on that connection: subscribe again once registered again
      restartPresence();
      emit('transport', { state: 'disconnected', cause: e && e.reason ? String(e.reason) : null });
    }));
    ua.on('registered', mine(() => {
      setRegistration('registered');
      startPresence();
    }));
    ua.on('unregistered', mine((e) => setRegistration('unregistered', e && e.cause)));
    ua.on('registrationFailed', mine((e) => setRegistration('failed', describeCause(e))));
    ua.on('newRTCSession', mine(onNewSession));
    ua.on('newMessage', mine(onNewMessage));
    setRegistration('registering');
    ua.start();
    return state();
  }

  function unregister() {
    if (!ua) return state();
    if (session) hangup();
    stopUa();
    setRegistration('unregistered', 'unregistered by the user');
    return state();
  }

  /** Unsubscribes, unpublishes, then un-REGISTERs and disconnects (JsSIP's stop). */
  function stopUa() {
    const old = ua;
    const closing = presence;
    ua = null;
    presence = null;
    closeMsrp();
    closePresence(closing).then(() => old.stop());
    for (const b of model.buddies) Object.assign(b, unknown(), { subscription: 'none', cause: null });
  }

  function describeCause(e) {
    if (!e) return null;
    const status = e.response ? e.response.status_code + ' ' + e.response.reason_phrase : null;
    return status ? e.cause + ' (' + status + ')' : e.cause || null;
  }

  function requireUa() {
    if (!ua) throw new Error('not registered: call register() first');
    return ua;
  }

  function call(uri) {
    const agent = requireUa();
    if (session) throw new Error('a call is in progress (' + model.call + ')');
    model.direction = 'outgoing';
    model.peer = uri;
    // The handlers go in with the call: 'peerconnection' fires inside ua.call().
    agent.call(uri, {
      mediaConstraints: AUDIO_ONLY,
      pcConfig: PC_CONFIG,
      eventHandlers: { peerconnection: (e) => playRemoteAudio(e.peerconnection) },
    });
    return state();
  }

  function onNewSession(e) {
    const s = e.session;
    if (e.originator === 'remote') {
      if (session) {
        s.terminate({ status_code: 486, reason_phrase: 'Busy Here' });
        return;
      }
      model.direction = 'incoming';
      model.peer = s.remote_identity.uri.toString();
      s.on('peerconnection', (pe) => playRemoteAudio(pe.peerconnection));
    }
    session = s;
    lastStats = null;
    s.on('sending', () => setCall('calling'));
    s.on('progress', () => { if (s.direction === 'outgoing') setCall('ringing'); });
    s.on('accepted', () => setCall('accepted'));
    s.on('confirmed', () => setCall('confirmed'));
    s.on('ended', (ev) => endSession(s, 'ended', describeCause(ev)));
    s.on('failed', (ev) => endSession(s, 'failed', describeCause(ev)));
    setCall(e.originator === 'remote' ? 'incoming' : 'calling');
  }

  function endSession(s, how, cause) {
    if (session !== s) return;
    session = null;
    setCall(how, cause);
  }

  function playRemoteAudio(pc) {
    pc.addEventListener('track', (e) => {
      const audio = document.getElementById('remoteAudio');
      if (audio && e.streams && e.streams[0]) audio.srcObject = e.streams[0];
    });
  }

  function answer() {
    if (!session || model.call !== 'incoming') throw new Error('no incoming call to answer');
    // rtcOfferConstraints: an INVITE without SDP (a late offer) is answered with our offer in the 200;
    // without them JsSIP would ask for no media at all and its offer would never be ready
    session.answer({ mediaConstraints: AUDIO_ONLY, pcConfig: PC_CONFIG, rtcOfferConstraints: { offerToReceiveAudio: true } });
    return state();
  }

  function hangup() {
    if (!session) throw new Error('no call to hang up');
    session.terminate();
    return state();
  }

  function sendMessage(uri, text) {
    const agent = requireUa();
    const entry = { direction: 'out', peer: uri, text: String(text), status: 'sending', at: Date.now(), sent: null };
    model.messages.push(entry);
    addToConversation(peerKey(uri), entry);
    agent.sendMessage(uri, entry.text, {
      contentType: 'text/plain',
      eventHandlers: {
        succeeded: () => { entry.status = 'sent'; emit('messageSent', { peer: uri, text: entry.text }); },
        failed: (e) => {
          entry.status = 'failed';
          emit('messageFailed', { peer: uri, text: entry.text, cause: describeCause(e) });
        },
      },
    });
    return state();
  }

  function onNewMessage(e) {
    if (e.originator !== 'remote') return;
    const peer = e.request.from.uri.toString();
    const type = (e.request.getHeader('Content-Type') || '').split(';')[0].trim().toLowerCase();
    if (type === FILE_OFFER || type === FILE_ANSWER) {
      const body = readJson(e.request.body);
      if (!body || typeof body.id !== 'string') console.warn('a file ' + (type === FILE_OFFER ? 'offer' : 'answer') + ' from ' + peer + ' unreadable', e.request.body);
      else if (type === FILE_OFFER) onFileOffer(peer, body);
      else onFileAnswer(peer, body);
      return;
    }
    const text = e.request.body || '';
    // a message kept for us while we were offline comes with its original Date: it goes where it belongs
    const date = Date.parse(e.request.getHeader('Date') || '');
    const entry = { direction: 'in', peer: peer, text: text, status: 'received', at: Date.now(), sent: isNaN(date) ? null : date };
    model.messages.push(entry);
    const key = peerKey(peer);
    addToConversation(key, entry);
    if (model.chat !== key) model.unread[key] = (model.unread[key] || 0) + 1;
    emit('message', { peer: peer, text: text, conversation: key, sent: entry.sent, unread: model.unread[key] || 0 });
  }

  // ---- conversations

  /** The conversation key of a URI: its AOR (sip:user@host), else the URI as given. */
  function peerKey(uri) {
    try {
      return aorOf(uri);
    } catch (e) {
      return String(uri);
    }
  }

  /**
   * Into the conversation in time order: when it was sent if the message says so (a Date, to the
   * second: it goes before only what came a second or more after it), else when it came.
   */
  function addToConversation(key, entry) {
    const list = model.conversations[key] || (model.conversations[key] = []);
    const when = (m) => m.sent || m.at;
    const latest = entry.sent ? entry.sent + 999 : entry.at;
    let i = list.length;
    while (i > 0 && when(list[i - 1]) > latest) i--;
    list.splice(i, 0, entry);
  }

  function openConversation(uri) {
    const key = peerKey(uri);
    model.chat = key;
    model.unread[key] = 0;
    emit('conversation', { peer: key });
    return conversation(key);
  }

  function conversation(uri) {
    return JSON.parse(JSON.stringify(model.conversations[peerKey(uri)] || []));
  }

  // ---- files, through the gateway's MSRP relay

  function readJson(text) {
    try {
      return JSON.parse(text);
    } catch (e) {
      return null;
    }
  }

  function isPath(path) {
    return Array.isArray(path) && path.length > 0 && path.every((u) => typeof u === 'string' && /^msrps?:\/\/\S+$/i.test(u));
  }

  function findFile(id, direction) {
    return model.files.find((t) => t.id === id && t.direction === direction);
  }

  function fileOf(t) {
    return Object.assign({}, t, { url: fileUrls.get(t.id + t.direction) || null });
  }

  function files() {
    return model.files.map(fileOf);
  }

  function setFile(t, fields) {
    Object.assign(t, fields);
    emit('file', fileOf(t));
  }

  function failFile(t, cause) {
    if (['sent', 'received', 'declined', 'failed'].includes(t.state)) return;
    outgoingBytes.delete(t.id);
    clearTimeout(t.timer);
    setFile(t, { state: 'failed', cause: String(cause) });
  }

  /** A new transfer, also an entry of its peer's conversation. */
  function newFile(fields) {
    const t = Object.assign({ transferred: 0, sha256: null, cause: null, usePath: null, fromPath: null, started: Date.now() }, fields);
    Object.defineProperty(t, 'timer', { value: null, writable: true, enumerable: false });
    model.files.push(t);
    addToConversation(t.peer, { direction: t.direction, peer: t.peer, text: 'file ' + t.name, status: 'file', at: t.started, sent: null, file: t.id });
    if (t.direction === 'in' && model.chat !== t.peer) model.unread[t.peer] = (model.unread[t.peer] || 0) + 1;
    emit('file', fileOf(t));
    return t;
  }

  /** The MSRP connection of this UA, connected and authenticated (a new AUTH when its session URI is about to run out). */
  function msrpConnection() {
    const agent = requireUa();
    if (msrp && !msrp.connection.closed && Date.now() < msrp.renewAt) return msrp.promise;
    const connection = new SipgwMsrp.Connection({
      wsUrl: model.account.wsUrl,
      ua: agent,
      onChunk: onFileChunk,
      onProgress: (id, received) => {
        const t = findFile(id, 'in');
        if (t) setFile(t, { state: 'receiving', transferred: received });
      },
      onMessage: onFileReceived,
      onClose: (reason) => {
        for (const t of model.files) {
          if (t.direction === 'in' && t.connection === connection) failFile(t, 'MSRP connection ' + reason);
        }
        if (msrp && msrp.connection === connection) msrp = null;
      },
    });
    const mine = {
      connection: connection,
      renewAt: Infinity,
      promise: connection.open().then(() => {
        mine.renewAt = Date.now() + Math.max(0, (connection.expires || 1800) * 1000 - MSRP_RENEW_MS);
        return connection;
      }, (e) => {
        connection.close();
        throw e;
      }),
    };
    msrp = mine;
    return mine.promise;
  }

  function closeMsrp() {
    if (msrp) msrp.connection.close();
    msrp = null;
  }

  /** The bytes of {@code file}: a File or Blob, or {base64} or {size} (random bytes). */
  async function bytesOf(file) {
    if (typeof Blob !== 'undefined' && file instanceof Blob) return new Uint8Array(await file.arrayBuffer());
    if (typeof file.base64 === 'string') return Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
    if (Number.isInteger(file.size) && file.size >= 0) {
      const bytes = new Uint8Array(file.size);
      for (let i = 0; i < bytes.length; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
      return bytes;
    }
    throw new Error('a file is a File, or {name, type, base64} or {name, type, size}');
  }

  /** The SHA-256 of {@code bytes} in hex; null where crypto.subtle is missing (a page not served securely). */
  async function sha256(bytes) {
    if (!crypto.subtle) return null;
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  function sendSip(uri, type, body, t) {
    requireUa().sendMessage(uri, JSON.stringify(body), {
      contentType: type,
      eventHandlers: { failed: (e) => failFile(t, 'MESSAGE failed: ' + describeCause(e)) },
    });
  }

  /**
   * Offers {@code file} to {@code uri}: our MSRP path (session URI at the relay, our URI) in a MESSAGE;
   * once the peer answers with its path, the file goes as one MSRP message in 64 KB SEND chunks.
   * A Promise of the transfer (its id, size and SHA-256), resolved once offered.
   */
  async function sendFile(uri, file) {
    requireUa();
    if (!file) throw new Error('sendFile needs a file');
    const bytes = await bytesOf(file);
    const t = newFile({
      id: 'f' + JsSIP.Utils.createRandomToken(16), direction: 'out', peer: peerKey(uri), name: String(file.name || 'file'),
      size: bytes.length, contentType: String(file.type || 'application/octet-stream'), state: 'offering',
    });
    t.uri = uri;
    outgoingBytes.set(t.id, bytes);
    t.sha256 = await sha256(bytes);
    try {
      const connection = await msrpConnection();
      t.usePath = connection.usePath;
      sendSip(uri, FILE_OFFER, { id: t.id, name: t.name, size: t.size, type: t.contentType, path: [connection.usePath, connection.uri] }, t);
      if (t.state === 'offering') setFile(t, { state: 'offered' });
      t.timer = setTimeout(() => failFile(t, 'no answer'), FILE_ANSWER_MS);
    } catch (e) {
      failFile(t, e.message);
    }
    return fileOf(t);
  }

  function onFileOffer(peer, offer) {
    const key = peerKey(peer);
    if (findFile(offer.id, 'in') || !isPath(offer.path) || !Number.isInteger(offer.size) || offer.size < 0) {
      console.warn('a file offer from ' + peer + ' refused', offer);
      return;
    }
    const t = newFile({
      id: offer.id, direction: 'in', peer: key, name: String(offer.name || 'file').replace(/[\\/]/g, '_'), size: offer.size,
      contentType: String(offer.type || 'application/octet-stream'), state: 'offered', path: offer.path,
    });
    t.uri = peer;
  }

  /** Accepts the file {@code id} offered to us: our MSRP path in the answer; the sender then SENDs. */
  async function acceptFile(id) {
    const t = findFile(id, 'in');
    if (!t || t.state !== 'offered') throw new Error('no file offer ' + id + ' to accept');
    setFile(t, { state: 'accepting' });
    try {
      const connection = await msrpConnection();
      Object.defineProperty(t, 'connection', { value: connection, writable: true, enumerable: false, configurable: true });
      setFile(t, { state: 'accepted', usePath: connection.usePath });
      sendSip(t.uri, FILE_ANSWER, { id: t.id, accept: true, path: [connection.usePath, connection.uri] }, t);
    } catch (e) {
      failFile(t, e.message);
    }
    return fileOf(t);
  }

  function declineFile(id) {
    const t = findFile(id, 'in');
    if (!t || t.state !== 'offered') throw new Error('no file offer ' + id + ' to decline');
    sendSip(t.uri, FILE_ANSWER, { id: t.id, accept: false }, t);
    setFile(t, { state: 'declined' });
    return fileOf(t);
  }

  /** The peer answered our offer: declined, or its path, to which the file goes now. */
  function onFileAnswer(peer, answer) {
    const t = findFile(answer.id, 'out');
    if (!t || t.peer !== peerKey(peer) || (t.state !== 'offering' && t.state !== 'offered')) {
      console.warn('a file answer from ' + peer + ' that answers nothing of ours', answer);
      return;
    }
    clearTimeout(t.timer);
    if (answer.accept !== true) {
      outgoingBytes.delete(t.id);
      setFile(t, { state: 'declined' });
      return;
    }
    if (!isPath(answer.path)) {
      failFile(t, 'the answer has no MSRP path');
      return;
    }
    const bytes = outgoingBytes.get(t.id);
    setFile(t, { state: 'sending' });
    msrpConnection().then((connection) => connection.send([connection.usePath].concat(answer.path), bytes, {
      messageId: t.id,
      contentType: t.contentType,
      onProgress: (sent) => setFile(t, { transferred: sent }),
    })).then(() => {
      outgoingBytes.delete(t.id);
      setFile(t, { state: 'sent' });
    }, (e) => failFile(t, e.message));
  }

  /** A SEND chunk: refused unless it belongs to a file we accepted and comes from the path it was offered from. */
  function onFileChunk(m) {
    const t = findFile(m.headers['message-id'], 'in');
    if (!t || (t.state !== 'accepted' && t.state !== 'receiving')) return [481, 'Session Does Not Exist'];
    const from = (m.headers['from-path'] || '').split(/\s+/).filter((u) => u);
    if (from[from.length - 1] !== t.path[t.path.length - 1]) return [403, 'Forbidden (not from the URI the file was offered from)'];
    if (!t.fromPath) t.fromPath = from;
    return null;
  }

  async function onFileReceived(message) {
    const t = findFile(message.messageId, 'in');
    if (!t) return;
    if (message.bytes.length !== t.size) {
      failFile(t, 'received ' + message.bytes.length + ' bytes of ' + t.size);
      return;
    }
    const hash = await sha256(message.bytes);
    fileUrls.set(t.id + 'in', URL.createObjectURL(new Blob([message.bytes], { type: t.contentType })));
    setFile(t, { state: 'received', transferred: message.bytes.length, sha256: hash });
  }

  // ---- buddies and presence

  /** 'bob', 'bob@host' or a SIP URI with parameters, as sip:bob@host (the account's domain by default). */
  function aorOf(uri) {
    let s = String(uri).trim();
    if (!/^sips?:/i.test(s)) {
      if (!s.includes('@')) {
        if (!model.account) throw new Error('no domain for ' + s + ': register first');
        s += '@' + model.account.domain;
      }
      s = 'sip:' + s;
    }
    const parsed = JsSIP.URI.parse(s);
    if (!parsed || !parsed.user) throw new Error('not the SIP URI of a user: ' + uri);
    return parsed.scheme + ':' + parsed.user + '@' + parsed.host.toLowerCase() + (parsed.port ? ':' + parsed.port : '');
  }

  function storageKey() {
    return 'sipgw.buddies.' + model.account.user + '@' + model.account.domain;
  }

  function unknown() {
    return { status: 'unknown', note: null, basis: 'none' };
  }

  /** Another account: its own buddies (from localStorage), no conversations of the last one. */
  function switchAccount() {
    let uris = [];
    try {
      uris = JSON.parse(localStorage.getItem(storageKey()) || '[]');
    } catch (e) {
      console.warn('buddy list in localStorage unreadable', e);
    }
    model.buddies = uris.map((uri) => Object.assign({ uri: uri }, unknown(), { subscription: 'none', cause: null }));
    model.conversations = {};
    model.unread = {};
    model.chat = null;
  }

  function saveBuddies() {
    localStorage.setItem(storageKey(), JSON.stringify(model.buddies.map((b) => b.uri)));
  }

  function findBuddy(uri) {
    return model.buddies.find((b) => b.uri === uri);
  }

  function addBuddy(uri) {
    if (!model.account) throw new Error('no account: register first');
    const key = aorOf(uri);
    if (!findBuddy(key)) {
      model.buddies.push(Object.assign({ uri: key }, unknown(), { subscription: 'none', cause: null }));
      saveBuddies();
      emit('buddy', buddyOf(key));
      watch(key);
    }
    return buddies();
  }

  function removeBuddy(uri) {
    const key = aorOf(uri);
    if (!findBuddy(key)) return buddies();
    if (presence) unwatch(presence, key);
    model.buddies = model.buddies.filter((b) => b.uri !== key);
    saveBuddies();
    emit('buddy', { uri: key, removed: true });
    return buddies();
  }

  function buddyOf(uri) {
    const b = findBuddy(uri);
    return Object.assign({}, b, { unread: model.unread[uri] || 0 });
  }

  function buddies() {
    return model.buddies.map((b) => buddyOf(b.uri));
  }

  function setBuddy(uri, fields) {
    const b = findBuddy(uri);
    if (!b) return;
    Object.assign(b, fields);
    emit('buddy', buddyOf(uri));
  }

  function checkStatus(status) {
    if (!STATUSES.includes(status)) throw new Error('status is one of ' + STATUSES.join(', ') + ', not ' + status);
  }

  function setStatus(status, note) {
    checkStatus(status);
    model.own.status = status;
    model.own.note = note ? String(note) : '';
    emit('status', Object.assign({}, model.own));
    publishOwnStatus();
    return state();
  }

  function newPresence(agent, expires) {
    const aor = 'sip:' + model.account.user + '@' + model.account.domain;
    const p = {
      ua: agent, aor: aor, expires: expires, tupleId: 'sp-' + JsSIP.Utils.createRandomToken(8),
      subscribers: new Map(), timers: [], started: false, publication: null,
    };
    p.publication = new SipgwPresence.Publication(agent, aor, {
      expires: expires,
      userAgent: 'sipgw-softphone JsSIP/' + JsSIP.version,
      onChange: (st) => {
        if (presence !== p) return;
        model.own.publication = st.state;
        model.own.cause = st.cause;
        emit('status', Object.assign({ etag: st.etag }, model.own));
      },
    });
    return p;
  }

  /** Registered: our status published (unless it is what the registration says already), buddies watched. */
  function startPresence() {
    const p = presence;
    if (!p || p.started) return;
    p.started = true;
    publishOwnStatus();
    for (const b of model.buddies) watch(b.uri);
  }

  /** The connection went: the subscriptions are gone with it; all starts again at the next registration. */
  function restartPresence() {
    const p = presence;
    if (!p || !p.started) return;
    p.started = false;
    p.timers.splice(0).forEach(clearTimeout);
    for (const uri of Array.from(p.subscribers.keys())) unwatch(p, uri); // ends each JsSIP Subscriber and its refresh timer
    for (const b of model.buddies) setBuddy(b.uri, Object.assign(unknown(), { subscription: 'none' }));
  }

  /** Online with no note is what our registration tells watchers anyway: nothing published; else our PIDF. */
  function publishOwnStatus() {
    const p = presence;
    if (!p || !p.started) return;
    if (model.own.status === 'online' && !model.own.note) p.publication.remove();
    else p.publication.set(SipgwPresence.document(p.aor, p.tupleId, model.own));
  }

  /** SUBSCRIBE to {@code uri}'s presence; its NOTIFYs update the buddy; JsSIP refreshes it. */
  function watch(uri) {
    const p = presence;
    if (!p || !p.started || p.subscribers.has(uri) || !findBuddy(uri)) return;
    const subscriber = p.ua.subscribe(uri, 'presence', 'application/pidf+xml', { expires: p.expires });
    p.subscribers.set(uri, subscriber);
    const live = () => presence === p && p.subscribers.get(uri) === subscriber;
    setBuddy(uri, { subscription: 'subscribing', cause: null });
    subscriber.on('accepted', () => { if (live()) setBuddy(uri, { subscription: 'accepted' }); });
    subscriber.on('pending', () => { if (live()) setBuddy(uri, { subscription: 'pending', status: 'pending', note: null, basis: 'none' }); });
    subscriber.on('active', () => { if (live()) setBuddy(uri, { subscription: 'active' }); });
    subscriber.on('notify', (isFinal, request, body) => {
      if (!live()) return;
      const seen = SipgwPresence.read(body);
      if (seen) setBuddy(uri, seen);
      else console.warn('a NOTIFY for ' + uri + ' without a PIDF document', body);
    });
    subscriber.on('terminated', (code, reason, retryAfter) => {
      if (!live()) return;
      p.subscribers.delete(uri);
      const C = subscriber.C;
      const cause = code === C.FINAL_NOTIFY_RECEIVED ? 'ended' + (reason ? ' (' + reason + ')' : '')
        : code === C.SUBSCRIBE_AUTHENTICATION_FAILED ? 'authentication failed'
        : code === C.SUBSCRIBE_NON_OK_RESPONSE ? 'refused' : 'failed (' + code + ')';
      setBuddy(uri, Object.assign(unknown(), { subscription: 'terminated', cause: cause }));
      // RFC 6665 §4.1.3: after rejected or noresource do not ask again; after a timeout or deactivated at once
      if (reason === 'rejected' || reason === 'noresource') return;
      const again = retryAfter ? retryAfter * 1000
        : code === C.FINAL_NOTIFY_RECEIVED && (reason === 'timeout' || reason === 'deactivated') ? 0 : RESUBSCRIBE_MS;
      p.timers.push(setTimeout(() => watch(uri), again));
    });
    subscriber.subscribe();
  }

  /** Unsubscribes (Expires: 0); resolves when the subscription has ended. */
  function unwatch(p, uri) {
    const subscriber = p.subscribers.get(uri);
    if (!subscriber) return Promise.resolve();
    p.subscribers.delete(uri);
    return new Promise((resolve) => {
      if (subscriber.state === subscriber.C.STATE_TERMINATED) {
        resolve();
        return;
      }
      subscriber.on('terminated', () => resolve());
      try {
        subscriber.terminate();
      } catch (e) {
        resolve(); // never sent: nothing to end
      }
    });
  }

  /** Every subscription ended and our publication removed, or {@link CLOSE_GRACE_MS} passed. */
  function closePresence(p) {
    p.timers.splice(0).forEach(clearTimeout);
    const ended = Array.from(p.subscribers.keys()).map((uri) => unwatch(p, uri));
    ended.push(p.publication.remove());
    let grace;
    const late = new Promise((resolve) => { grace = setTimeout(resolve, CLOSE_GRACE_MS); });
    return Promise.race([Promise.all(ended), late]).then(() => {
      clearTimeout(grace);
      p.publication.close();
    });
  }

  function state() {
    return JSON.parse(JSON.stringify(model));
  }

  /** RTP counters of the current call (or of the last one, taken while it ran). */
  async function stats() {
    const pc = session && session.connection;
    if (!pc) return lastStats || emptyStats();
    const result = emptyStats();
    const report = await pc.getStats();
    report.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') {
        result.packetsReceived += s.packetsReceived || 0;
        result.bytesReceived += s.bytesReceived || 0;
      } else if (s.type === 'outbound-rtp' && s.kind === 'audio') {
        result.packetsSent += s.packetsSent || 0;
        result.bytesSent += s.bytesSent || 0;
      } else if (s.type === 'transport') {
        result.dtlsState = s.dtlsState || null;
        result.iceState = s.iceState || null;
      } else if (s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded') {
        const local = report.get(s.localCandidateId);
        const remote = report.get(s.remoteCandidateId);
        result.candidatePair = address(local) + ' -> ' + address(remote);
      }
    });
    lastStats = result;
    return result;
  }

  function emptyStats() {
    return {
      packetsReceived: 0, bytesReceived: 0, packetsSent: 0, bytesSent: 0,
      candidatePair: null, iceState: null, dtlsState: null,
    };
  }

  function address(candidate) {
    return candidate ? (candidate.address || candidate.ip) + ':' + candidate.port : '?';
  }

  function on(listener) {
    listeners.push(listener);
  }

  function debug(namespaces) {
    if (namespaces) JsSIP.debug.enable(namespaces);
    else JsSIP.debug.disable();
  }

  // ---- the page: forms and buttons over the same API ----

  const $ = (id) => document.getElementById(id);

  function render() {
    if (!$('registrationState')) return;
    const registered = model.registration === 'registered';
    show($('registrationState'), model.registration, model.registrationCause);
    show($('callState'), model.call, model.callCause);
    $('callPeer').textContent = model.peer && model.call !== 'idle' ? (model.direction === 'incoming' ? 'from ' : 'to ') + model.peer : '';
    $('unregister').disabled = !ua;
    $('call').disabled = !registered || !!session;
    $('answer').disabled = model.call !== 'incoming' || !session;
    $('hangup').disabled = !session;
    $('send').disabled = !registered;
    renderPresence(registered);
    const list = $('messages');
    list.replaceChildren(...model.messages.map((m) => {
      const li = document.createElement('li');
      li.className = m.direction;
      li.textContent = (m.direction === 'in' ? 'from ' : 'to ') + m.peer + ': ' + m.text
        + (m.status === 'failed' ? ' (failed)' : '');
      return li;
    }));
  }

  function renderPresence(registered) {
    show($('ownState'), model.own.status, model.own.publication === 'failed' ? 'not published: ' + model.own.cause : null);
    $('addBuddy').disabled = !model.account;
    $('chatSend').disabled = !registered || !model.chat;
    $('chatSendFile').disabled = !registered || !model.chat;
    // buddies, then whoever else we have a conversation with
    const others = Object.keys(model.conversations).filter((key) => !findBuddy(key));
    $('buddies').replaceChildren(...model.buddies.map((b) => buddyItem(b.uri, b)), ...others.map((key) => buddyItem(key, null)));
    $('chatPeer').textContent = model.chat || 'nobody: pick a buddy';
    $('conversation').replaceChildren(...(model.conversations[model.chat] || []).map((m) => {
      const li = document.createElement('li');
      li.className = m.direction;
      const time = document.createElement('time');
      time.dateTime = new Date(m.sent || m.at).toISOString();
      time.textContent = new Date(m.sent || m.at).toLocaleTimeString();
      const t = m.file ? findFile(m.file, m.direction) : null;
      if (t) {
        fileLine(li, t);
        li.prepend(time, ' ' + (m.direction === 'in' ? '« ' : '» '));
        return li;
      }
      li.append(time, ' ' + (m.direction === 'in' ? '« ' : '» ') + m.text
        + (m.status === 'failed' ? ' (failed)' : m.status === 'sending' ? ' …' : ''));
      return li;
    }));
  }

  /** What a transfer shows in the chat: name, size, state (with progress), Accept and Decline on an offer, a download link once received. */
  function fileLine(li, t) {
    li.classList.add('file');
    li.dataset.file = t.id;
    li.dataset.state = t.state;
    const progress = t.state === 'sending' || t.state === 'receiving'
      ? ' ' + Math.floor(100 * t.transferred / Math.max(1, t.size)) + '%' : '';
    const what = { offering: 'offering', offered: t.direction === 'in' ? 'offered' : 'waiting for an answer', accepting: 'accepting',
      accepted: 'accepted', sending: 'sending', receiving: 'receiving', sent: 'file sent', received: 'file received',
      declined: 'declined', failed: 'failed: ' + t.cause }[t.state] || t.state;
    const label = document.createElement('span');
    label.className = 'state';
    label.textContent = what + progress;
    li.append('file ' + t.name + ' (' + formatSize(t.size) + '): ', label);
    if (t.direction === 'in' && t.state === 'offered') {
      for (const [name, action] of [['Accept', acceptFile], ['Decline', declineFile]]) {
        const b = document.createElement('button');
        b.type = 'button';
        b.className = name.toLowerCase();
        b.textContent = name;
        b.addEventListener('click', () => {
          try { Promise.resolve(action(t.id)).catch(reportError); } catch (err) { reportError(err); }
        });
        li.append(' ', b);
      }
    }
    const url = fileUrls.get(t.id + t.direction);
    if (url) {
      const a = document.createElement('a');
      a.className = 'download';
      a.href = url;
      a.download = t.name;
      a.textContent = 'Download';
      li.append(' ', a);
    }
  }

  function formatSize(n) {
    return n >= 1048576 ? (n / 1048576).toFixed(1) + ' MB' : n >= 1024 ? (n / 1024).toFixed(1) + ' KB' : n + ' bytes';
  }

  /** One line of the buddy list: name (opens the chat), status, note, unread count, remove (or add). */
  function buddyItem(uri, buddy) {
    const li = document.createElement('li');
    li.dataset.uri = uri;
    li.dataset.status = buddy ? buddy.status : 'none';
    if (uri === model.chat) li.classList.add('open');
    const name = document.createElement('button');
    name.type = 'button';
    name.className = 'name';
    name.textContent = uri.replace(/^sips?:/, '');
    name.addEventListener('click', () => openConversation(uri));
    const status = document.createElement('span');
    status.className = 'status';
    status.textContent = buddy ? buddy.status : 'not a buddy';
    const note = document.createElement('span');
    note.className = 'note';
    note.textContent = buddy && buddy.note ? buddy.note : '';
    const unread = document.createElement('span');
    unread.className = 'unread';
    unread.textContent = model.unread[uri] ? String(model.unread[uri]) : '';
    const action = document.createElement('button');
    action.type = 'button';
    action.className = buddy ? 'remove' : 'add';
    action.textContent = buddy ? 'Remove' : 'Add';
    action.addEventListener('click', () => {
      try { if (buddy) removeBuddy(uri); else addBuddy(uri); } catch (err) { reportError(err); }
    });
    li.append(name, status, note, unread, action);
    return li;
  }

  /** The account in the form, when it came from the API rather than from the form. */
  function showAccount(account) {
    if (!$('account')) return;
    $('user').value = account.user;
    $('domain').value = account.domain;
    $('wsUrl').value = account.wsUrl;
  }

  function show(output, value, cause) {
    output.textContent = cause ? value + ' (' + cause + ')' : value;
    output.dataset.state = value;
  }

  function reportError(e) {
    console.error(e);
    alert(e.message);
  }

  function onSubmit(id, action) {
    $(id).addEventListener('submit', (e) => {
      e.preventDefault();
      try { action(); } catch (err) { reportError(err); }
    });
  }

  function onClick(id, action) {
    $(id).addEventListener('click', () => {
      try { action(); } catch (err) { reportError(err); }
    });
  }

  function initPage() {
    if (!$('account')) return;
    $('wsUrl').value = defaultWsUrl();
    if (!$('domain').value && location.hostname) $('domain').value = location.hostname;
    onSubmit('account', () => register({
      user: $('user').value.trim(),
      password: $('password').value,
      domain: $('domain').value.trim(),
      wsUrl: $('wsUrl').value.trim(),
    }));
    onClick('unregister', unregister);
    onSubmit('callForm', () => call($('target').value.trim()));
    onClick('answer', answer);
    onClick('hangup', hangup);
    onSubmit('statusForm', () => setStatus($('status').value, $('note').value.trim()));
    onSubmit('buddyForm', () => {
      addBuddy($('buddyUri').value);
      $('buddyUri').value = '';
    });
    onSubmit('chatForm', () => {
      if (!model.chat) throw new Error('pick a buddy to chat with');
      sendMessage(model.chat, $('chatText').value);
      $('chatText').value = '';
    });
    onClick('chatSendFile', () => {
      if (!model.chat) throw new Error('pick a buddy to send a file to');
      const file = $('chatFile').files[0];
      if (!file) throw new Error('choose a file first');
      sendFile(model.chat, file).catch(reportError);
      $('chatFile').value = '';
    });
    onSubmit('messageForm', () => {
      sendMessage($('messageTarget').value.trim(), $('messageText').value);
      $('messageText').value = '';
    });
    render();
  }

  window.softphone = {
    register, unregister, call, answer, hangup, sendMessage, state, stats, on, debug,
    addBuddy, removeBuddy, buddies, setStatus, openConversation, conversation,
    sendFile, acceptFile, declineFile, files,
  };
  initPage();
})();
