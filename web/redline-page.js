// The page side of window.redline (spec §5), defined before the modules load so
// `redline.ready` exists from the first moment. Two wasm modules serve it: the UI
// module on this thread (it draws, keeps the state the page shows and posts requests)
// and the engine module in a Web Worker (web/redline-worker.js), which does all the
// work; this script carries the messages between them and never waits on the engine.
//   ready            promise, resolves once the app runs and its engine has started
//   version          the app's version (after ready)
//   state()          the app's state (synchronous: the UI mirrors the engine's): job,
//                    snapshot (load summary), error, generation, runs, ...
//   load(bytes, name, wal)  load a snapshot (wal: {bytes, name}, the -wal file of a
//                    SQLite file in WAL mode); bytes: a File, an ArrayBuffer or a
//                    Uint8Array, handed to the worker without a copy (an ArrayBuffer
//                    is transferred: the caller's is detached). Resolves to its load
//                    summary, rejects with the error (message names the file, format
//                    and where)
//   loadFiles([{bytes, name}, ...])  files chosen together: a snapshot and its -wal
//                    file, paired by name (X and X-wal); as load()
//   startDemo({employees, seed, profile})  generate the built-in demo snapshot
//   normalize(options)  resolves to the report (spec §5)
//   exportAfter()    Promise of the normalized database's bytes (Uint8Array)
//   exportReport(f)  Promise of the report as text: 'json', 'md' or 'html'
//   exportScript({options, revert, batchRows})  Promise of the PostgreSQL migration
//                    script's bytes (Uint8Array; revert: the revert script), the same
//                    bytes as `redline script` for the same file and options
//   verifyActual(bytes, name, options)  load a second snapshot (any format) as the real
//                    database after the migration and compare it with the prediction
//                    from the loaded one, as `redline verify`: a Promise of {name,
//                    verified, equal, mismatch_count, mismatches: [{table, key, column,
//                    predicted, actual}], checks, error}; rejects when the file cannot
//                    be loaded (the loaded snapshot and its preview stay)
//   plan(options)    Promise of the normalization with `options` replayed step by step
//                    on a copy of the loaded snapshot (the plan before a run, the
//                    stepper's data after it): {options, done, too_big, row_limit,
//                    total_rows, error, steps: [{id, phase, title, records, status,
//                    sql, rows_affected, tables: [{table, key, created, changed,
//                    removed, created_keys, changed_keys, removed_keys, keys_complete,
//                    columns_added, columns_dropped, examples}]}]}
//   stateAt(options, state, table, {offset, limit})  Promise of the rows of `table` as
//                    the database stood after `state` steps of plan(options) (0:
//                    before the run): {step, tables, columns, rows, total}
//   lineage(table, side, {key, query})  Promise of one row of the last run, `side`
//                    'before' (where each old value lives now, or that it was lost)
//                    or 'after' (where each value came from), by id or by text in it:
//                    {found, key, matches, lines: [{column, value, fate, note, where,
//                    to_table, to_id, to_column, now_value, via_table, via_id,
//                    from_table, from_id, from_column, was_value}]}
//   frameStats({reset})  the gaps between frames the page measured since the last
//                    reset: {frames, maxGapMs, p99GapMs, worst: [{gapMs, phase}],
//                    byPhase: {stage: max gap}, heap: {size, max, used} (the engine's,
//                    in its worker; `used` as of at most a second before), work:
//                    {draws, drawMaxMs, drawMeanMs}}
//   summary()        the Overview as drawn: {first: the snapshot, its hazards blocker
//                    first, normalize: {enabled, reason}}, run: the after-run summary
//                    (per table {before, after, added, removed, changed, cells, lost,
//                    moved: [{to, number}]}, checks, verdict), each number {key, value,
//                    target}; rects: {key: [x0, y0, x1, y1]} in canvas pixels, the
//                    Run panel's download buttons too ("download/after.sqlite3",
//                    "download/html") when it is in front}
//   openSummary(key) what a click on the number `key` ("employees/added") does:
//                    opens its rows (Diff or Checklist); returns {key, value, target}
//   checkLoad(size, head, name)  Promise: null when a file of `size` bytes starting
//                    with the bytes `head` fits in the engine's memory, else the
//                    error load() gives
(function () {
  'use strict';
  var resolveReady, rejectReady;
  var ready = new Promise(function (resolve, reject) { resolveReady = resolve; rejectReady = reject; });
  var overlay = function () { return document.getElementById('overlay'); };
  var params = new URLSearchParams(window.location.search);

  function showOverlay(text, isError) {
    var el = overlay();
    if (!el) return;
    document.getElementById('overlay-text').textContent = text;
    el.classList.toggle('error', !!isError);
    el.classList.remove('hidden');
  }
  function hideOverlay() { var el = overlay(); if (el) el.classList.add('hidden'); }

  function mod() {
    if (!api.module) throw new Error('Redline is not running yet: await redline.ready first');
    return api.module;
  }
  function cString(m, text) {
    var n = m.lengthBytesUTF8(text) + 1;
    var p = m._malloc(n);
    m.stringToUTF8(text, p, n);
    return p;
  }

  function withString(m, text, fn) {
    var p = cString(m, text);
    try { return fn(p); } finally { m._free(p); }
  }

  // ---- The engine's worker: requests out (numbered, so the UI can tell which of them
  // the engine's status reflects), messages and answers in.
  var engine = { worker: null, ready: false, heap: null, seq: 0, nextId: 1, calls: {}, early: [] };
  function errorOf(e) {
    var err = new Error((e && e.message ? e.message : 'failed') + (e && e.context ? ' (' + e.context + ')' : ''));
    err.code = e && e.code;
    err.context = e && e.context;
    return err;
  }
  // A request that is answered (it gets an id): resolves to the answer.
  function call(request, transfer) {
    return new Promise(function (resolve, reject) {
      request.id = engine.nextId++;
      request.seq = ++engine.seq;
      engine.calls[request.id] = { resolve: resolve, reject: reject };
      engine.worker.postMessage({ kind: 'request', request: request }, transfer || []);
    });
  }
  // A request from the UI module (JSON text, app::Session); returns its number. One
  // with `download` is answered with what the page then offers as a download.
  function onRedlinePost(text) {
    var request = JSON.parse(text);
    if (request.type === 'pick_actual') {
      // The Verify panel's "Load actual after...": the page's own picker, then
      // verifyActual() with the options the panel sent.
      actualOptions = request.options || {};
      actualPicker.click();
      return engine.seq;
    }
    var d = request.download;
    if (d) {
      delete request.download;
      // The after image comes as a Blob the worker made: this thread copies none of it.
      if (request.type === 'after') request.as = 'blob';
      call(request).then(function (a) {
        if (a.blob) return downloadBytes(d.name, d.mime, a.blob);
        downloadBytes(d.name, d.mime, a.bytes !== undefined ? new Uint8Array(a.bytes) : new TextEncoder().encode(a.text));
      }).then(null, function (e) {
        // Cancelled from the status line: the person knows; nothing to report.
        if (e.code !== 'cancelled') reportError(e.message, e.context || '');
      });
      return request.seq;
    }
    request.seq = ++engine.seq;
    engine.worker.postMessage({ kind: 'request', request: request });
    return request.seq;
  }
  function receive(text) {
    var m = api.module;
    if (!m) { engine.early.push(text); return; }
    withString(m, text, function (p) { m._redline_receive(p); });
  }
  function onWorkerMessage(e) {
    var msg = e.data;
    if (msg.kind === 'messages') {
      engine.heap = msg.heap;
      receive(msg.text);
    } else if (msg.kind === 'answer') {
      if (msg.heap) engine.heap = msg.heap;
      var c = engine.calls[msg.id];
      if (!c) return;
      delete engine.calls[msg.id];
      if (msg.error) c.reject(errorOf(msg.error)); else c.resolve(msg);
    } else if (msg.kind === 'ready') {
      engine.ready = true;
      engine.heap = msg.heap;
      maybeReady();
    } else if (msg.kind === 'fatal') {
      var text = String(msg.message);
      var shown = /memory|OOM|enlarge/i.test(text)
        ? 'Redline ran out of memory (a browser tab gives it at most 4 GB) and stopped: reload the page and load a smaller snapshot, or use the redline command line. (' + text + ')'
        : 'Redline stopped: ' + text;
      showOverlay(shown, true);
      rejectReady(new Error(shown));
    }
  }
  function startWorker() {
    var source = window.redlineEngineSource;
    if (typeof source !== 'string') throw new Error('the engine (redline-engine-src.js) is missing');
    // From a blob: URL, which works from file:// as well (a worker from a file URL does not).
    var url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    engine.worker = new Worker(url);
    engine.worker.onmessage = onWorkerMessage;
    engine.worker.onerror = function (e) { onWorkerMessage({ data: { kind: 'fatal', message: e.message || 'the engine failed' } }); };
    engine.worker.postMessage({ kind: 'init', base: new URL('.', window.location.href).href });
  }

  // An ArrayBuffer to transfer (or a File to hand over): no copy on this thread
  // unless `bytes` is a view of part of a bigger buffer.
  function transferable(bytes) {
    if (bytes instanceof ArrayBuffer || bytes instanceof Blob) return bytes;
    if (ArrayBuffer.isView(bytes)) {
      var whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
      return whole ? bytes.buffer : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength).slice().buffer;
    }
    return new Uint8Array(bytes).buffer;
  }

  // Resolve when the session has finished one more load (or failed one).
  function waitForJob(before) {
    return new Promise(function (resolve, reject) {
      function poll() {
        var s = api.state();
        if (s.failures > before.failures) {
          var e = new Error(s.error ? s.error.message + (s.error.context ? ' (' + s.error.context + ')' : '') : 'load failed');
          e.code = s.error && s.error.code;
          e.context = s.error && s.error.context;
          reject(e);
        } else if (s.generation > before.generation) {
          resolve(s.snapshot);
        } else if (!s.job.active && s.generation === before.generation) {
          reject(new Error('cancelled'));
        } else {
          requestAnimationFrame(poll);
        }
      }
      requestAnimationFrame(poll);
    });
  }

  // ---- Frame gaps: the time between consecutive animation frames, and what the
  // session was doing (its job's stage and phase) when a long one happened.
  var frames = { gaps: [], phases: [], last: 0, lastPhase: '' };
  function jobPhase() {
    if (!api.module) return '';
    var job = api.state().job;
    return job && job.active ? job.stage + (job.phase ? ' ' + job.phase : '') : '';
  }
  function onFrame(t) {
    var phase = jobPhase();
    if (frames.last) {
      frames.gaps.push(Math.max(0, t - frames.last));
      // The frame that took long ran what the session was doing at its start (and,
      // when it changed during it, what it did next).
      frames.phases.push(frames.lastPhase === phase ? phase : frames.lastPhase + ' -> ' + phase);
      if (frames.gaps.length > 200000) { frames.gaps.splice(0, 100000); frames.phases.splice(0, 100000); }
    }
    frames.last = t;
    frames.lastPhase = phase;
    requestAnimationFrame(onFrame);
  }
  // The JSON an export of the module returns (null before the module runs).
  function moduleJson(fn, arg) {
    var m = api.module;
    return m && m[fn] ? JSON.parse(m.UTF8ToString(m[fn](arg))) : null;
  }
  function frameStats(opts) {
    var gaps = frames.gaps, phases = frames.phases;
    var order = gaps.map(function (g, i) { return i; }).sort(function (a, b) { return gaps[b] - gaps[a]; });
    var sorted = gaps.slice().sort(function (a, b) { return a - b; });
    var byPhase = {};
    gaps.forEach(function (g, i) {
      var stage = (phases[i] || 'idle').split(' ')[0] || 'idle';
      if (!(stage in byPhase) || g > byPhase[stage]) byPhase[stage] = Math.round(g * 10) / 10;
    });
    var out = {
      frames: gaps.length,
      maxGapMs: sorted.length ? sorted[sorted.length - 1] : 0,
      p99GapMs: sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] : 0,
      worst: order.slice(0, 10).map(function (i) { return { gapMs: Math.round(gaps[i] * 10) / 10, phase: phases[i] || 'idle' }; }),
      byPhase: byPhase,
      heap: engine.heap,
      work: moduleJson('_redline_frame_work', opts && opts.reset ? 1 : 0),
    };
    // After a reset, the next gap is still measured from the last frame: a freeze
    // that spans the reset (a long task that ended just before it) is not lost.
    if (opts && opts.reset) { frames.gaps = []; frames.phases = []; }
    return out;
  }
  requestAnimationFrame(onFrame);

  // Which of several files is the snapshot and which its -wal (by name: X and
  // X-wal): {main, wal} or {error, context}.
  function pairFiles(files) {
    var mains = [], wals = [];
    (files || []).forEach(function (f) {
      var n = String(f.name || '');
      if (/-shm$/.test(n)) return;  // SQLite's shared-memory index: rebuilt from the -wal, never needed
      (/-wal$/.test(n) ? wals : mains).push(f);
    });
    var names = (files || []).map(function (f) { return f.name; }).join(', ');
    if (mains.length === 0 && wals.length === 1) {
      var w = wals[0].name;
      return { error: w + ' is the -wal file of a SQLite database: drop or choose ' + w.slice(0, -4) + ' together with it', context: w + ', format: sqlite WAL' };
    }
    if (mains.length !== 1) {
      return { error: 'one snapshot at a time (a SQLite file may come with its -wal file): got ' + (names || 'no file'), context: names || 'no file' };
    }
    var main = mains[0];
    if (wals.length > 1 || (wals.length === 1 && wals[0].name !== main.name + '-wal')) {
      return { error: wals.map(function (f) { return f.name; }).join(', ') + ' is not the -wal file of ' + main.name + ' (that would be named ' + main.name + '-wal)', context: names };
    }
    return { main: main, wal: wals.length ? { bytes: wals[0].bytes, name: wals[0].name } : null };
  }

  // An error found on the page's side, shown as the app shows a load's.
  function reportError(message, context) {
    var m = api.module;
    if (!m) return;
    withString(m, message, function (mp) {
      withString(m, context || '', function (cp) { m._redline_report_error(mp, cp); });
    });
  }

  var incoming = false;  // a load() whose file the worker is still reading in
  var api = {
    ready: ready,
    frameStats: frameStats,
    // Asked of the worker, whose heap the file would go into (issue #7).
    checkLoad: function (size, head, name) {
      mod();
      var h = head instanceof Uint8Array ? head.slice(0, 64) : new Uint8Array(head || []).slice(0, 64);
      return new Promise(function (resolve) {
        var id = engine.nextId++;
        engine.calls[id] = { resolve: function () { resolve(null); }, reject: resolve };
        engine.worker.postMessage({ kind: 'check', id: id, size: size, head: h.buffer, name: String(name || 'snapshot') }, [h.buffer]);
      });
    },
    version: null,
    state: function () {
      if (!api.module) return { ready: false };
      var s = JSON.parse(api.module.UTF8ToString(api.module._redline_state()));
      s.ready = true;
      return s;
    },
    // wal: {bytes, name}, the -wal file of a SQLite file in WAL mode (issue #12).
    // The worker refuses a file too big for its heap before reading any of it in.
    load: function (bytes, name, wal) {
      var m = mod();
      name = String(name || 'snapshot');
      if (incoming) return Promise.reject(new Error('a file is still being read in: wait for it'));
      var before = api.state();
      var file = transferable(bytes);
      var walFile = wal ? transferable(wal.bytes) : null;
      var msg = { kind: 'load', id: engine.nextId++, seq: ++engine.seq, name: name, file: file,
                  wal: wal ? { name: String(wal.name || name + '-wal'), file: walFile } : null };
      incoming = true;
      return new Promise(function (resolve, reject) {
        engine.calls[msg.id] = {
          resolve: function () { incoming = false; waitForJob(before).then(resolve, reject); },
          reject: function (e) { incoming = false; reject(e); },
        };
        engine.worker.postMessage(msg, [file, walFile].filter(function (x) { return x instanceof ArrayBuffer; }));
        withString(m, name, function (p) { m._redline_expect_load(msg.seq, p); });
      });
    },
    // Several files together ([{bytes, name}]): one snapshot, and for a SQLite file
    // in WAL mode its -wal file (X and X-wal); a -shm file is ignored. Resolves and
    // rejects as load().
    loadFiles: function (files) {
      var paired = pairFiles(files);
      if (paired.error) {
        reportError(paired.error, paired.context);
        var e = new Error(paired.error + ' (' + paired.context + ')');
        e.code = 'usage';
        return Promise.reject(e);
      }
      return api.load(paired.main.bytes, paired.main.name, paired.wal);
    },
    startDemo: function (opts) {
      var m = mod();
      opts = opts || {};
      var before = api.state();
      m._redline_start_demo(opts.employees || 300, opts.seed === undefined ? 1 : opts.seed,
                            opts.profile === 'clean' ? 0 : 1);
      return waitForJob(before);
    },
    // Normalize the loaded snapshot; resolves to the report (spec §5).
    normalize: function (options) {
      var m = mod();
      var before = api.state();
      var p = cString(m, JSON.stringify(options || {}));
      var rc = m._redline_normalize(p);
      m._free(p);
      if (rc !== 0) {
        var s = api.state();
        return Promise.reject(new Error(s.error ? s.error.message + (s.error.context ? ' (' + s.error.context + ')' : '') : 'cannot normalize'));
      }
      return new Promise(function (resolve, reject) {
        function poll() {
          var s = api.state();
          if (s.runs > before.runs) {
            // The report's text comes from the worker, which keeps it: making it here
            // from the UI's copy took a main-thread task of 60-70 ms at 300k rows.
            call({ type: 'report', format: 'json' }).then(function (a) { return JSON.parse(a.text); }, function () { return null; })
              .then(function (report) {
                if (s.run && s.run.ok) resolve(report);
                else {
                  var e = new Error(report && report.error ? report.error.message : (s.error ? s.error.message : 'the run did not finish'));
                  e.report = report;
                  reject(e);
                }
              });
          } else requestAnimationFrame(poll);
        }
        requestAnimationFrame(poll);
      });
    },
    // The normalized database, as SQLite file bytes: a Promise of a Uint8Array.
    exportAfter: function () {
      mod();
      return call({ type: 'after', as: 'bytes' }).then(function (a) { return new Uint8Array(a.bytes); });
    },
    // The report of the last run as text: 'json', 'md' or 'html' (self-contained); a Promise.
    exportReport: function (format) {
      mod();
      return call({ type: 'report', format: format || 'json' }).then(function (a) { return a.text; });
    },
    exportScript: function (opts) {
      mod();
      opts = opts || {};
      return call({ type: 'script', options: opts.options || {}, revert: !!opts.revert, batch_rows: opts.batchRows || 0 })
        .then(function (a) { return new Uint8Array(a.bytes); });
    },
    plan: function (options) {
      mod();
      return call({ type: 'trace', options: options || {} }).then(function (a) { return JSON.parse(a.text); });
    },
    stateAt: function (options, state, table, opts) {
      mod();
      opts = opts || {};
      return call({ type: 'trace_state', options: options || {}, state: state, table: table || '',
                    offset: opts.offset || 0, limit: opts.limit === undefined ? 50 : opts.limit })
        .then(function (a) { return JSON.parse(a.text); });
    },
    lineage: function (table, side, opts) {
      mod();
      opts = opts || {};
      var r = { type: 'lineage', table: table, side: side || 'before', query: opts.query || '' };
      if (opts.key !== undefined) r.key = opts.key;
      return call(r).then(function (a) { return JSON.parse(a.text); });
    },
    // The file goes to the worker as a load's does (read in a piece per slice, no
    // copy here); the engine answers once it has compared it.
    verifyActual: function (bytes, name, options) {
      mod();
      name = String(name || 'actual after');
      if (incoming) return Promise.reject(new Error('a file is still being read in: wait for it'));
      var file = transferable(bytes);
      var verifyId = engine.nextId++;
      var msg = { kind: 'load', id: engine.nextId++, seq: ++engine.seq, name: name, file: file, wal: null,
                  then: { type: 'verify', id: verifyId, options: options || {} } };
      incoming = true;
      return new Promise(function (resolve, reject) {
        engine.calls[verifyId] = {
          resolve: function (a) {
            var v = JSON.parse(a.text);
            if (v.error) { var e = errorOf(v.error); e.verification = v; reject(e); } else resolve(v);
          },
          reject: reject,
        };
        engine.calls[msg.id] = {
          resolve: function () { incoming = false; },
          reject: function (e) { incoming = false; delete engine.calls[verifyId]; reject(e); },
        };
        engine.worker.postMessage(msg, file instanceof ArrayBuffer ? [file] : []);
      });
    },
    cancel: function () { mod()._redline_cancel(); },
    // The diff panel: applies {table, kind: 'changed'|'added'|'removed', search,
    // sort: 'asc'|'desc', select: key, schema: bool} (all optional) and returns what
    // it shows: counts, schema changes, the search's matches, the selected row's
    // before/after with moves, the minimap, the rows on screen (shown: [first, last]
    // in key order; shown_loaded: their values are there, none drawn as "..."). The
    // search runs between frames: poll diffView().search.done.
    diffView: function (opts) {
      var m = mod();
      var p = cString(m, JSON.stringify(opts || {}));
      var text = m.UTF8ToString(m._redline_diff_view(p));
      m._free(p);
      return JSON.parse(text);
    },
    summary: function () {
      return JSON.parse(mod().UTF8ToString(mod()._redline_summary()));
    },
    openSummary: function (key) {
      var m = mod();
      var r = withString(m, String(key), function (p) { return JSON.parse(m.UTF8ToString(m._redline_open_summary(p))); });
      if (r.error) throw new Error(r.error);
      return r;
    },
    // The UI font atlas: {chars (the loaded data's characters above U+007F),
    // missing (those it cannot render), glyphs, rasterized (the glyphs its last
    // change rasterized: all of them when built whole, the new ones when the data
    // brought characters), texture: [w, h], stale (the data's characters are not all
    // taken yet)}.
    fontInfo: function () {
      return JSON.parse(mod().UTF8ToString(mod()._redline_font_info()));
    },
    // The characters of the loaded data the UI font cannot render ('' when none).
    missingGlyphs: function () { return api.fontInfo().missing; },
    // 'dark' or 'light' (remembered in localStorage, as the View menu's choice).
    setTheme: function (theme) {
      var m = mod();
      var p = cString(m, String(theme));
      m._redline_set_theme(p);
      m._free(p);
    },
    // The manual checklist ticks, in the CLI's --ticks JSON shape ({id: true | {ticked,
    // by, at, note}}); they replace the current ticks and go into the report at once.
    setTicks: function (ticks) {
      var m = mod();
      var p = cString(m, JSON.stringify(ticks || {}));
      var rc = m._redline_set_ticks(p);
      m._free(p);
      if (rc !== 0) throw new Error(api.state().error ? api.state().error.message : 'cannot set the ticks');
    },
    // Select a checklist item: its failing rows are shown under the list.
    selectCheck: function (id) {
      var m = mod();
      var p = cString(m, String(id || ''));
      m._redline_select_check(p);
      m._free(p);
    },
    // Bring a panel to the front: 'overview', 'hazards', 'run', 'diff', 'checklist', 'open',
    // 'verify', 'lineage'.
    show: function (panel) {
      var m = mod();
      var p = cString(m, String(panel));
      m._redline_show(p);
      m._free(p);
    },
  };
  // The module (with its whole heap) must never be serialized by accident, e.g. by
  // a test framework returning redline from the page: keep it non-enumerable.
  Object.defineProperty(api, 'module', { value: null, writable: true, enumerable: false });
  window.redline = api;

  // ---- Files: the picker and drag-and-drop anywhere on the page ----
  var picker = document.createElement('input');
  picker.type = 'file';
  // No `accept` filter: a SQLite file's -wal (X.sqlite3-wal) has no extension to list.
  picker.style.display = 'none';
  picker.id = 'file-input';
  document.body.appendChild(picker);
  // The files the user chose or dropped together: a snapshot, and with a SQLite
  // file in WAL mode its -wal file.
  function loadFileList(list) {
    var files = Array.prototype.slice.call(list || []);
    if (!files.length) return;
    var paired = pairFiles(files);
    if (paired.error) { reportError(paired.error, paired.context); console.warn('Redline: ' + paired.error); return; }
    // The File objects go to the worker, which checks the size before it reads any
    // of them (files too big for the tab are refused unread) and reads them itself.
    api.loadFiles(files.map(function (f) { return { bytes: f, name: f.name }; }))
      .catch(function (e) { console.warn('Redline: ' + e.message); });
  }
  // The actual-after snapshot for the Verify panel: one file, compared, not loaded.
  var actualPicker = document.createElement('input');
  actualPicker.type = 'file';
  actualPicker.style.display = 'none';
  actualPicker.id = 'actual-input';
  document.body.appendChild(actualPicker);
  var actualOptions = {};
  actualPicker.addEventListener('change', function () {
    var f = actualPicker.files && actualPicker.files[0];
    actualPicker.value = '';
    if (!f) return;
    // A file that cannot be loaded: the engine shows its error (the Verify panel too).
    api.verifyActual(f, f.name, actualOptions).catch(function (e) { console.warn('Redline: ' + e.message); });
  });
  picker.multiple = true;
  picker.addEventListener('change', function () {
    loadFileList(picker.files);
    picker.value = '';
  });
  window.addEventListener('dragover', function (e) { e.preventDefault(); e.dataTransfer.dropEffect = 'copy'; });
  window.addEventListener('drop', function (e) {
    e.preventDefault();
    if (e.dataTransfer && e.dataTransfer.files) loadFileList(e.dataTransfer.files);
  });

  // ---- The clipboard ----
  // The app copies from inside a frame; the browser lets a page write the clipboard
  // only shortly after a user gesture, which the click or key press that led to the
  // copy still is. If the browser refuses anyway, the copy is finished on the next
  // gesture (a key or pointer release) with a hidden text area.
  var pendingCopy = null;
  function copyWithTextArea(text) {
    var ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    var active = document.activeElement;
    document.body.appendChild(ta);
    ta.select();
    var ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    ta.remove();
    if (active && active.focus) active.focus();
    return ok;
  }
  function copyText(text) {
    api.copied = text;
    pendingCopy = null;
    if (navigator.clipboard && navigator.clipboard.writeText && window.isSecureContext) {
      navigator.clipboard.writeText(text).catch(function () { if (!copyWithTextArea(text)) pendingCopy = text; });
    } else if (!copyWithTextArea(text)) {
      pendingCopy = text;
    }
  }
  ['keyup', 'pointerup'].forEach(function (type) {
    window.addEventListener(type, function () {
      if (pendingCopy === null) return;
      var t = pendingCopy;
      pendingCopy = null;
      copyWithTextArea(t);
    }, true);
  });

  // Hooks the module calls (see src/platform/web.cpp).
  window.redlineModuleConfig = {
    canvas: document.getElementById('canvas'),
    print: function (t) { console.log(t); },
    printErr: function (t) { console.warn(t); },
    onRedlineReady: function () {
      api.version = api.module.UTF8ToString(api.module._redline_version());
      uiReady = true;
      maybeReady();
    },
    onRedlinePost: onRedlinePost,
    redlineDownload: downloadBytes,
    onRedlineOpenFile: function () { picker.click(); },
    onRedlineCopy: copyText,
    onRedlineFatal: function (msg) { showOverlay(msg, true); rejectReady(new Error(msg)); },
    onRedlineContextLost: function () { showOverlay('The graphics context was lost; restoring it…', false); },
    onRedlineContextRestored: function () { hideOverlay(); },
    onAbort: function (what) {
      var text = String(what);
      var msg = /memory|OOM|enlarge/i.test(text)
        ? 'Redline ran out of memory (a browser tab gives it at most 4 GB) and stopped: reload the page and load a smaller snapshot, or use the redline command line. (' + text + ')'
        : 'Redline stopped: ' + text;
      showOverlay(msg, true);
      rejectReady(new Error(msg));
    },
  };
  // Both modules run: the page is ready (the UI's first frames are on screen and the
  // engine answers).
  var uiReady = false, readyDone = false;
  function maybeReady() {
    if (readyDone || !uiReady || !engine.ready) return;
    readyDone = true;
    hideOverlay();
    resolveReady(api);
    // The built-in demo snapshot, unless the URL says ?demo=off (or asks for a size).
    var demo = params.get('demo');
    if (demo !== 'off') {
      api.startDemo({ employees: Number(demo) > 0 ? Number(demo) : 300, profile: params.get('profile') || 'dirty' })
        .catch(function (e) { console.warn('Redline: demo: ' + e.message); });
    }
  }
  // Offer bytes (or a Blob of them) as a browser download (a Blob; nothing leaves the
  // machine).
  function downloadBytes(name, mime, bytes) {
    var blob = new Blob([bytes], { type: mime });
    var a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  window.redlinePage = {
    showOverlay: showOverlay,
    hideOverlay: hideOverlay,
    startWorker: startWorker,
    setModule: function (m) {
      api.module = m;
      var early = engine.early;
      engine.early = [];
      early.forEach(receive);
    },
  };
})();
