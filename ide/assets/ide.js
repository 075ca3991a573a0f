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
  var config = JSON.parse(document.getElementById('ponte-ide-config').textContent);

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

  var token = normalize(loadToken());

  function showStatus() {
    var d = describe(token);
    status.textContent = d.text;
    status.classList.toggle('ponte-ide-status-error', d.expired);
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

  var endpoint = config.endpoint;
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
    showStatus();
    clearTimeout(rerender);
    rerender = setTimeout(render, immediate ? 0 : 500);
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

  showStatus();
  render();
})();
