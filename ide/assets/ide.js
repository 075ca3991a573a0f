// Ponte's GraphQL IDE: GraphiQL plus a bearer-token bar.
//
// The token typed in the bar is kept in localStorage and sent as
// "Authorization: Bearer <token>" on every HTTP request and as
// {"Authorization": "Bearer <token>"} in the connection_init payload of
// subscriptions. A header of the same name set in GraphiQL's headers
// editor wins over the bar.
(function () {
  'use strict';

  var TOKEN_KEY = 'ponte.ide.bearerToken';
  var LOGIN_MESSAGE = 'ponte-ide-login';
  var config = JSON.parse(document.getElementById('ponte-ide-config').textContent);

  // The holder login's popup lands here (ide.CallbackPath) with ?code=&state= or ?error=: hand
  // the query to the IDE that opened it, on the same origin only, and close.
  if (document.body.hasAttribute('data-ponte-ide-callback')) {
    if (window.opener) {
      window.opener.postMessage({ type: LOGIN_MESSAGE, search: window.location.search }, window.location.origin);
      window.close();
    }
    return;
  }

  // GraphiQL's dialogs insert a <style> element (react-remove-scroll); it
  // takes its nonce from this global, and the page's CSP allows that nonce
  // instead of 'unsafe-inline'.
  window.__webpack_nonce__ = config.styleNonce;

  var input = document.getElementById('ponte-ide-token');
  var showButton = document.getElementById('ponte-ide-token-show');
  var clearButton = document.getElementById('ponte-ide-token-clear');
  var status = document.getElementById('ponte-ide-status');

  function loadToken() {
    try {
      return window.localStorage.getItem(TOKEN_KEY) || '';
    } catch (e) {
      return '';
    }
  }

  function saveToken(value) {
    try {
      if (value) {
        window.localStorage.setItem(TOKEN_KEY, value);
      } else {
        window.localStorage.removeItem(TOKEN_KEY);
      }
    } catch (e) {
      // Storage can be disabled; the token then lasts for this page only.
    }
  }

  // normalize accepts a pasted "Bearer xyz" or a token with spaces around it.
  function normalize(value) {
    return value.trim().replace(/^bearer\s+/i, '').trim();
  }

  // describe returns a short text about a JWT's subject and expiry, or ''.
  function describe(token) {
    var parts = token.split('.');
    if (parts.length !== 3) {
      return { text: token ? 'token set' : 'no token', expired: false };
    }
    try {
      var json = atob(parts[1].replace(/-/g, '+').replace(/_/g, '/'));
      var claims = JSON.parse(decodeURIComponent(Array.prototype.map.call(json, function (c) {
        return '%' + ('00' + c.charCodeAt(0).toString(16)).slice(-2);
      }).join('')));
      var who = claims.client_id || claims.azp || claims.sub || '';
      var text = who ? 'JWT for ' + who : 'JWT';
      var expired = false;
      if (typeof claims.exp === 'number') {
        var exp = new Date(claims.exp * 1000);
        expired = exp.getTime() <= Date.now();
        text += (expired ? ', expired ' : ', expires ') + exp.toLocaleString();
      }
      return { text: text, expired: expired };
    } catch (e) {
      return { text: 'token set', expired: false };
    }
  }

  var endpoint = config.endpoint;
  var token = normalize(loadToken());
  // verdict is the server's answer about token: null while unknown, else {ok, text}.
  var verdict = null;

  function showStatus() {
    var d = describe(token);
    var text = d.text;
    var bad = d.expired;
    if (token && verdict) {
      text = (verdict.ok ? 'valid: ' : 'refused: ') + verdict.text;
      bad = !verdict.ok;
    }
    status.textContent = text;
    status.classList.toggle('ponte-ide-status-error', bad);
    status.setAttribute('data-verdict', token && verdict ? (verdict.ok ? 'valid' : verdict.reason || 'refused') : '');
  }

  // checkToken asks the server what it thinks of the token: any authenticated request will
  // do, and a refusal carries extensions.reason (EXPIRED, UNKNOWN_KEY, WRONG_AUDIENCE, ...).
  // It runs again when the token's exp passes, so an expired token shows as such.
  var checkSeq = 0;
  var recheck = null;
  function checkToken() {
    var mine = ++checkSeq;
    verdict = null;
    clearTimeout(recheck);
    showStatus();
    if (!token) {
      return;
    }
    var sent = token;
    fetch(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer ' + sent },
      body: JSON.stringify({ query: 'query PonteTokenCheck { __typename }' }),
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (body) {
        return { status: resp.status, body: body };
      });
    }).then(function (r) {
      if (mine !== checkSeq) {
        return;
      }
      var err = (r.body.errors || [])[0];
      if (r.status === 200 && !err) {
        verdict = { ok: true, text: describe(sent).text };
        // setTimeout takes at most 2^31-1 ms (about 24 days); a later exp is checked on reload.
        var wait = expiry(sent) - Date.now() + 1000;
        if (wait > 0 && wait < 2147483647) {
          recheck = setTimeout(checkToken, wait);
        }
      } else {
        var ext = (err && err.extensions) || {};
        var reason = ext.reason || ext.code || ('HTTP ' + r.status);
        verdict = { ok: false, reason: reason, text: reason + (err && err.message ? ' — ' + err.message : '') };
      }
      showStatus();
    }, function () {
      if (mine === checkSeq) {
        verdict = { ok: false, reason: 'UNREACHABLE', text: 'the server cannot be reached' };
        showStatus();
      }
    });
  }

  // expiry is the token's exp in milliseconds, or 0.
  function expiry(t) {
    try {
      var claims = JSON.parse(atob(t.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
      return typeof claims.exp === 'number' ? claims.exp * 1000 : 0;
    } catch (e) {
      return 0;
    }
  }

  // withAuth returns GraphiQL's fetcher options with the bar's token added
  // to the headers, unless the headers editor already sets Authorization.
  function withAuth(opts) {
    var headers = {};
    var own = (opts && opts.headers) || {};
    var hasAuth = false;
    Object.keys(own).forEach(function (name) {
      headers[name] = own[name];
      if (name.toLowerCase() === 'authorization') {
        hasAuth = true;
      }
    });
    if (token && !hasAuth) {
      headers.Authorization = 'Bearer ' + token;
    }
    return Object.assign({}, opts, { headers: headers });
  }

  var wsProtocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  // GraphiQL's fetcher sends HTTP requests to url. For a subscription it
  // opens a graphql-ws client whose connectionParams are the request's
  // headers, so the Authorization header also reaches connection_init.
  var baseFetcher = GraphiQL.createFetcher({
    url: window.location.protocol + '//' + window.location.host + endpoint,
    subscriptionUrl: wsProtocol + '//' + window.location.host + endpoint,
  });

  // A new fetcher function makes GraphiQL fetch the schema again, which
  // is what a new token needs. Each reads the current token when called.
  function newFetcher() {
    return function (params, opts) {
      return baseFetcher(params, withAuth(opts));
    };
  }

  var root = ReactDOM.createRoot(document.getElementById('graphiql'));

  function render() {
    root.render(React.createElement(GraphiQL, {
      fetcher: newFetcher(),
      defaultQuery: config.defaultQuery,
      defaultTabs: config.tabs && config.tabs.length ? config.tabs : undefined,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      inputValueDeprecation: true,
    }));
  }

  var rerender = null;
  function setToken(value, immediate) {
    var next = normalize(value);
    if (next === token) {
      return;
    }
    token = next;
    saveToken(token);
    verdict = null;
    showStatus();
    clearTimeout(rerender);
    rerender = setTimeout(function () {
      render();
      checkToken();
    }, immediate ? 0 : 500);
  }

  input.value = token;
  input.addEventListener('input', function () {
    setToken(input.value, false);
  });
  input.addEventListener('change', function () {
    setToken(input.value, true);
    input.value = token;
  });
  input.addEventListener('keydown', function (e) {
    if (e.key === 'Enter') {
      e.preventDefault();
      setToken(input.value, true);
      input.value = token;
    }
  });
  showButton.addEventListener('click', function () {
    var show = input.type === 'password';
    input.type = show ? 'text' : 'password';
    showButton.textContent = show ? 'Hide' : 'Show';
    showButton.setAttribute('aria-pressed', String(show));
  });
  clearButton.addEventListener('click', function () {
    input.value = '';
    setToken('', true);
    input.focus();
  });

  if (config.dev) {
    setUpDemo(config.dev);
  }

  // setUpDemo wires the development buttons: a demo client's token by client credentials with
  // its (public, development-only) secret, and the holder's by authorization code + PKCE S256
  // in a popup.
  function setUpDemo(dev) {
    var secrets = {};
    dev.clients.forEach(function (c) { secrets[c.id] = c.secret; });
    Array.prototype.forEach.call(document.querySelectorAll('.ponte-ide-demo-client'), function (button) {
      button.addEventListener('click', function () {
        var id = button.getAttribute('data-client');
        requestToken({ grant_type: 'client_credentials' }, 'Basic ' + btoa(id + ':' + secrets[id]), id);
      });
    });
    var holder = document.getElementById('ponte-ide-holder-login');
    if (holder) {
      holder.addEventListener('click', function () { holderLogin(dev); });
    }
  }

  function requestToken(form, authorization, who) {
    var headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
    if (authorization) {
      headers.Authorization = authorization;
    }
    status.textContent = 'getting a token for ' + who + '…';
    return fetch(config.dev.tokenEndpoint, { method: 'POST', headers: headers, body: new URLSearchParams(form).toString() })
      .then(function (resp) { return resp.json(); })
      .then(function (body) {
        if (!body.access_token) {
          throw new Error(body.error_description || body.error || 'no access_token');
        }
        input.value = body.access_token;
        setToken(body.access_token, true);
      })
      .catch(function (e) {
        status.textContent = 'could not get a token for ' + who + ': ' + e.message;
        status.classList.add('ponte-ide-status-error');
      });
  }

  function randomURLSafe(n) {
    var b = new Uint8Array(n);
    crypto.getRandomValues(b);
    return base64url(b);
  }

  function base64url(bytes) {
    return btoa(String.fromCharCode.apply(null, new Uint8Array(bytes)))
      .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function holderLogin(dev) {
    var verifier = randomURLSafe(32);
    var state = randomURLSafe(16);
    crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)).then(function (digest) {
      var q = new URLSearchParams({
        response_type: 'code', client_id: dev.holderClientId, redirect_uri: dev.redirectUri,
        scope: dev.holderScopes, state: state, nonce: randomURLSafe(16),
        code_challenge: base64url(digest), code_challenge_method: 'S256', prompt: 'login',
      });
      var popup = window.open(dev.authorizeEndpoint + '?' + q.toString(), 'ponte-holder-login', 'width=480,height=640');
      if (!popup) {
        status.textContent = 'the browser blocked the login window: allow popups for this page';
        status.classList.add('ponte-ide-status-error');
        return;
      }
      function onMessage(e) {
        if (e.origin !== window.location.origin || !e.data || e.data.type !== LOGIN_MESSAGE) {
          return;
        }
        window.removeEventListener('message', onMessage);
        var back = new URLSearchParams(e.data.search);
        if (back.get('state') !== state || !back.get('code')) {
          status.textContent = 'holder login failed: ' + (back.get('error_description') || back.get('error') || 'state mismatch');
          status.classList.add('ponte-ide-status-error');
          return;
        }
        requestToken({
          grant_type: 'authorization_code', code: back.get('code'), redirect_uri: dev.redirectUri,
          client_id: dev.holderClientId, code_verifier: verifier,
        }, '', 'the holder');
      }
      window.addEventListener('message', onMessage);
    });
  }

  showStatus();
  render();
  checkToken();
})();
