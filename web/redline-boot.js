// Starts the engine's worker (from redline-engine-src.js) and the UI module
// (createRedline comes from redline.js).
(function () {
  'use strict';
  if (typeof WebAssembly !== 'object' || typeof createRedline !== 'function') {
    window.redlinePage.showOverlay('This browser cannot run Redline: WebAssembly is not available.', true);
    return;
  }
  try {
    window.redlinePage.startWorker();
  } catch (e) {
    window.redlinePage.showOverlay('Redline could not start its engine: ' + (e && e.message ? e.message : e), true);
    return;
  }
  var cfg = window.redlineModuleConfig;
  // With MODULARIZE the config object becomes the Module; main() runs right after
  // onRuntimeInitialized and may already call back into the page.
  cfg.onRuntimeInitialized = function () { window.redlinePage.setModule(cfg); };
  createRedline(cfg).catch(function (e) {
    window.redlinePage.showOverlay('Redline could not start: ' + (e && e.message ? e.message : e), true);
  });
})();
