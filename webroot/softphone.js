// sipgw softphone: one SIP account over WebSocket (JsSIP), one call at a time, page-mode MESSAGE.
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
// Each call returns at once; progress comes as events and in state().
(function () {
  'use strict';

  const AUDIO_ONLY = { audio: true, video: false };
  const PC_CONFIG = { iceServers: [] };

  let ua = null;
  let session = null;
  let lastStats = null;
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
    if (ua) stopUa();
    model.account = { user: account.user, domain: account.domain, wsUrl: wsUrl };
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
    ua.on('connecting', mine(() => { model.transport = 'connecting'; emit('transport', { state: 'connecting' }); }));
    ua.on('connected', mine(() => { model.transport = 'connected'; emit('transport', { state: 'connected' }); }));
    ua.on('disconnected', mine((e) => {
      model.transport = 'disconnected';
      emit('transport', { state: 'disconnected', cause: e && e.reason ? String(e.reason) : null });
    }));
    ua.on('registered', mine(() => setRegistration('registered')));
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

  function stopUa() {
    const old = ua;
    ua = null;
    old.stop();
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
    const entry = { direction: 'out', peer: uri, text: String(text), status: 'sending', at: Date.now() };
    model.messages.push(entry);
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
    const text = e.request.body || '';
    model.messages.push({ direction: 'in', peer: peer, text: text, status: 'received', at: Date.now() });
    emit('message', { peer: peer, text: text });
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
    const list = $('messages');
    list.replaceChildren(...model.messages.map((m) => {
      const li = document.createElement('li');
      li.className = m.direction;
      li.textContent = (m.direction === 'in' ? 'from ' : 'to ') + m.peer + ': ' + m.text
        + (m.status === 'failed' ? ' (failed)' : '');
      return li;
    }));
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
    onSubmit('messageForm', () => {
      sendMessage($('messageTarget').value.trim(), $('messageText').value);
      $('messageText').value = '';
    });
    render();
  }

  window.softphone = {
    register, unregister, call, answer, hangup, sendMessage, state, stats, on, debug,
  };
  initPage();
})();
