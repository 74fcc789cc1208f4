// The page side of window.redline (spec §5), defined before the module loads so
// `redline.ready` exists from the first moment. The wasm module fills it in.
(function () {
  'use strict';
  var resolveReady, rejectReady;
  var ready = new Promise(function (resolve, reject) { resolveReady = resolve; rejectReady = reject; });
  var overlay = function () { return document.getElementById('overlay'); };

  function showOverlay(text, isError) {
    var el = overlay();
    if (!el) return;
    document.getElementById('overlay-text').textContent = text;
    el.classList.toggle('error', !!isError);
    el.classList.remove('hidden');
  }
  function hideOverlay() { var el = overlay(); if (el) el.classList.add('hidden'); }

  var api = {
    ready: ready,
    version: null,
    // JSON of the app's state (version, frames, theme, ...).
    state: function () {
      if (!api.module) return { ready: false };
      var s = JSON.parse(api.module.UTF8ToString(api.module._redline_state()));
      s.ready = true;
      return s;
    },
  };
  // The module (with its whole heap) must never be serialized by accident, e.g. by
  // a test framework returning redline from the page: keep it non-enumerable.
  Object.defineProperty(api, 'module', { value: null, writable: true, enumerable: false });
  window.redline = api;

  // Hooks the module calls (see src/platform/web.cpp).
  window.redlineModuleConfig = {
    canvas: document.getElementById('canvas'),
    print: function (t) { console.log(t); },
    printErr: function (t) { console.warn(t); },
    onRedlineReady: function () {
      api.version = api.module.UTF8ToString(api.module._redline_version());
      hideOverlay();
      resolveReady(api);
    },
    onRedlineFatal: function (msg) { showOverlay(msg, true); rejectReady(new Error(msg)); },
    onRedlineContextLost: function () { showOverlay('The graphics context was lost; restoring it…', false); },
    onRedlineContextRestored: function () { hideOverlay(); },
    onAbort: function (what) {
      var msg = 'Redline stopped: ' + what;
      showOverlay(msg, true);
      rejectReady(new Error(msg));
    },
  };
  window.redlinePage = { showOverlay: showOverlay, hideOverlay: hideOverlay, setModule: function (m) { api.module = m; } };
})();
