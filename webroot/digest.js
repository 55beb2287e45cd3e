// sipgw softphone: the MD5 digest (RFC 2617 / RFC 8760 with MD5) that the page computes itself, with
// the account's credentials as JsSIP keeps them, as window.SipgwDigest. presence.js answers the
// challenges to its PUBLISH with it, msrp.js those to its MSRP AUTH (RFC 4976 §5).
//
//   challenge(value)                          a WWW-Authenticate / Proxy-Authenticate value read:
//                                             {realm, nonce, opaque, algorithm, qop: [..]}, null if not Digest
//   authorization(ua, challenge, method, uri)  the Digest credentials answering it ('Digest username=…'),
//                                             null when the UA cannot (no password, no HA1 for that realm,
//                                             not MD5)
(function () {
  'use strict';

  const PARAM = /([A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))/g;

  function challenge(value) {
    const m = /^\s*Digest\s+/i.exec(String(value));
    if (!m) return null;
    const c = {};
    const rest = String(value).slice(m[0].length);
    let p;
    PARAM.lastIndex = 0;
    while ((p = PARAM.exec(rest)) !== null) {
      c[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3];
    }
    if (!c.realm || !c.nonce) return null;
    return {
      realm: c.realm,
      nonce: c.nonce,
      opaque: c.opaque || null,
      algorithm: c.algorithm || null,
      qop: c.qop ? c.qop.split(',').map((q) => q.trim()) : null,
    };
  }

  /**
   * The HA1 of the UA's account for {@code realm}: from its password, or (once JsSIP has answered a
   * challenge, it keeps only that) the HA1 it keeps for its realm; null when it has neither.
   */
  function ha1(ua, realm) {
    const config = ua.configuration;
    const md5 = JsSIP.Utils.calculateMD5;
    if (config.password) return md5(config.authorization_user + ':' + realm + ':' + config.password);
    return config.ha1 && config.realm === realm ? config.ha1 : null;
  }

  /**
   * The credentials answering {@code c} (challenge() or JsSIP's parsed challenge: qop an array or a
   * string) for {@code method} on {@code uri}, with qop=auth when offered; null when they cannot be given.
   */
  function authorization(ua, c, method, uri) {
    if (!c || (c.algorithm && c.algorithm.toUpperCase() !== 'MD5')) return null;
    const key = ha1(ua, c.realm);
    if (!key) return null;
    const md5 = JsSIP.Utils.calculateMD5;
    const user = ua.configuration.authorization_user;
    const ha2 = md5(method + ':' + uri);
    const offered = Array.isArray(c.qop) ? c.qop : c.qop ? String(c.qop).split(',') : [];
    const qop = offered.map((q) => q.trim().toLowerCase()).includes('auth') ? 'auth' : null;
    const cnonce = JsSIP.Utils.createRandomToken(12);
    const nc = '00000001';
    const response = qop
      ? md5(key + ':' + c.nonce + ':' + nc + ':' + cnonce + ':auth:' + ha2)
      : md5(key + ':' + c.nonce + ':' + ha2);
    const params = ['username="' + user + '"', 'realm="' + c.realm + '"', 'nonce="' + c.nonce + '"',
      'uri="' + uri + '"', 'response="' + response + '"', 'algorithm=MD5'];
    if (c.opaque) params.push('opaque="' + c.opaque + '"');
    if (qop) params.push('qop=auth', 'cnonce="' + cnonce + '"', 'nc=' + nc);
    return 'Digest ' + params.join(', ');
  }

  window.SipgwDigest = { challenge: challenge, authorization: authorization };
})();
