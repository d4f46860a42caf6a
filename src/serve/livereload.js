// salesbook serve: reloads the page after every rebuild. Only `salesbook serve`
// adds this script (to each HTML response); built sites never contain it.
// The page carries the build it was served from in <meta name="salesbook-serve">;
// the server says which build is current over a websocket, or, where the
// socket is blocked, by polling /__salesbook/version.
(function () {
  'use strict';
  var meta = document.querySelector('meta[name="salesbook-serve"]');
  var shown = meta ? meta.getAttribute('content') : '';

  function check(status) {
    if (status && status.tag && status.tag !== shown) {
      location.reload();
    }
  }

  function poll() {
    fetch('/__salesbook/version', { cache: 'no-store' })
      .then(function (r) { return r.json(); })
      .then(check)
      .catch(function () {})
      .then(function () { setTimeout(poll, 1000); });
  }

  function connect() {
    var opened = false;
    var ws;
    try {
      var proto = location.protocol === 'https:' ? 'wss://' : 'ws://';
      ws = new WebSocket(proto + location.host + '/__salesbook/ws');
    } catch (e) {
      poll();
      return;
    }
    ws.onopen = function () { opened = true; };
    ws.onmessage = function (e) {
      try { check(JSON.parse(e.data)); } catch (err) { /* not ours */ }
    };
    ws.onclose = function () {
      // Server restarted or stopped: keep asking, reload when it is back.
      if (opened) { setTimeout(connect, 1000); } else { poll(); }
    };
  }

  connect();
})();
