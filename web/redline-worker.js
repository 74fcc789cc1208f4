// The engine's Web Worker: runs the engine module (createRedlineEngine, prepended to this
// script in the blob the page makes from redline-engine-src.js) and serves the page.
// The engine works in slices of about SLICE_MS; between slices the worker yields to
// its event loop with a MessageChannel message (setTimeout(0) is clamped to 4 ms after
// a few nestings), so a cancel or a page request from the page is taken within a slice.
//
// From the page: {kind: 'init', base} (where the module's .wasm is when it is not
//   inlined), {kind: 'request', request} (JSON object, Host::post; requests with an id
//   are answered), {kind: 'load', id, seq, name, file, wal: {name, file}} (file: a File
//   or an ArrayBuffer, copied into the engine's heap a piece per slice, then a load
//   request with seq is posted; with `then` (a request object, e.g. {type: 'verify'})
//   that request is posted instead, the bytes in the same buffer),
//   {kind: 'check', id, size, head, name}.
// To the page: {kind: 'ready', version}, {kind: 'messages', text, heap} (the views
//   that changed, for the UI module), {kind: 'answer', id, text | bytes | error | ok}
//   (bytes: an ArrayBuffer, transferred; the after image's request {type: 'after',
//   as: 'bytes' | 'blob'} is answered once, with its `size` and the whole image as
//   `bytes` or as `blob`: the engine gives it in pieces as it makes it, and this
//   worker copies each into the one buffer, or Blob, the page gets),
//   {kind: 'fatal', message}. A check's answer, and a refused load's, carry `heap` too.
// The heap object sent with messages also carries `timing`, where the worker's time
// went since the last load began: {stages: {"stage phase": {ms, slices, heap (bytes
// after its last slice)}}, idle_ms (time
// between slices while work was pending), slices}; a benchmark compares it with the
// native engine's stages.
/* global createRedlineEngine */
(function () {
  'use strict';
  var SLICE_MS = 50;
  var PIECE = 16 << 20;  // bytes of a file copied into the heap per slice
  var M = null;          // the engine module, once it runs
  var waiting = [];      // messages that arrived before it did
  var copy = null;       // the load whose bytes are being copied in
  var queued = [];       // messages that came during the copy (they follow the load)
  var scheduled = false, more = false;
  var timing = newTiming();
  var sliceEnd = 0;      // when the last slice ended (0: no work pending since)
  var images = {};       // after images being made, by request id: {as, buf, parts, at}
  var outbox = [];       // answers taken from the engine, for the page: [message, transfer]

  function newTiming() { return { stages: {}, idle_ms: 0, slices: 0 }; }
  function charge(what, ms) {
    var s = timing.stages[what] || (timing.stages[what] = { ms: 0, slices: 0, heap: 0 });
    s.ms += ms;
    s.slices++;
    s.heap = Math.max(s.heap, M.HEAPU8.length);  // the heap only grows: where it did
  }
  // The engine's heap, sent with every message: its size (wasm memory only grows: the
  // peak) each time, what malloc has in use at most once a second. The latter is
  // mallinfo(), which walks every chunk of the heap: ~2-5 ms at 300k-1M rows, and at
  // every slice's message most of the worker's time spent sending messages.
  var USED_EVERY_MS = 1000;
  var used = null, usedAt = -Infinity;
  function heapInfo() {
    var now = performance.now();
    if (!used || now - usedAt >= USED_EVERY_MS) {
      used = JSON.parse(text(M._redline_worker_heap()));
      usedAt = now;
    }
    return { size: M.HEAPU8.length, max: used.max, used: used.used, timing: timing };
  }
  var channel = new MessageChannel();
  channel.port1.onmessage = slice;

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    channel.port2.postMessage(0);
  }

  function text(ptr) { return M.UTF8ToString(ptr); }
  function withString(s, fn) {
    var n = M.lengthBytesUTF8(s) + 1;
    var p = M._malloc(n);
    M.stringToUTF8(s, p, n);
    try { return fn(p); } finally { M._free(p); }
  }
  function post(request) { withString(JSON.stringify(request), function (p) { M._redline_worker_post(p); }); }

  // The messages and answers the engine has, to the page: the views that changed
  // first (the UI sees a new generation with its view in place), then the answers.
  function flush() {
    var t = text(M._redline_worker_take());  // may queue answers (verify, traces)
    takeAnswers();
    if (t !== '[]') self.postMessage({ kind: 'messages', text: t, heap: heapInfo() });
    var out = outbox;
    outbox = [];
    out.forEach(function (o) { self.postMessage(o[0], o[1]); });
  }
  // Every answer the engine has, out of its heap (it frees each at the next): a piece
  // of an after image into that image, the rest into the outbox flush() sends. True
  // when there was one.
  function takeAnswers() {
    var took = false;
    for (;;) {
      var a = text(M._redline_worker_take_answer());
      if (!a) break;
      took = true;
      var answer = JSON.parse(a);
      answer.kind = 'answer';
      if (answer.piece) {
        addPiece(answer);
        continue;
      }
      var image = images[answer.id];
      if (image) {
        delete images[answer.id];
        if (!answer.error) { outbox.push(imageAnswer(answer, image)); continue; }
      }
      if (answer.bytes !== undefined) {
        var p = M._redline_worker_answer_data();
        var bytes = M.HEAPU8.slice(p, p + answer.bytes);  // out of the heap: it may move
        answer.bytes = bytes.buffer;
        outbox.push([answer, [bytes.buffer]]);
      } else {
        outbox.push([answer, []]);
      }
    }
    M._redline_worker_answer_release();
    return took;
  }

  // A piece of an after image, out of the heap (the engine frees it at the next
  // answer) into the image the page gets. The page then holds the image once and
  // copies nothing on its own thread: a piece per message, joined there, was ~0.7 s
  // of the main thread's tasks at 1M rows (and as many again here, each piece a fresh
  // ArrayBuffer).
  function addPiece(answer) {
    var image = images[answer.id];
    if (!image) return;  // not asked for by a request this worker saw: nothing to keep
    if (image.failed) return;
    var p = M._redline_worker_answer_data();
    var bytes = M.HEAPU8.subarray(p, p + answer.bytes);
    try {
      if (image.as === 'blob') {
        image.parts.push(new Blob([bytes]));  // the Blob copies the bytes now
      } else {
        if (!image.buf) image.buf = new Uint8Array(answer.of);
        if (image.at + answer.bytes > image.buf.length) { image.overflow = true; return; }
        image.buf.set(bytes, image.at);
      }
    } catch (e) {
      // The browser could not hold the image (an ArrayBuffer or Blob that large): this
      // export fails, with what to do instead; the engine and its data stay.
      image.failed = 'the browser could not hold the after image (' + answer.of + ' bytes: ' +
        (e && e.message ? e.message : e) + '): run `redline normalize SNAPSHOT --out AFTER.sqlite3` instead';
      image.buf = null;
      image.parts = [];
      return;
    }
    image.at += answer.bytes;
  }
  // The answer to an after image's request, once its last piece is in: [message, transfer].
  function imageAnswer(answer, image) {
    if (image.failed)
      return [{ kind: 'answer', id: answer.id, error: { code: 'io', message: image.failed, context: 'after image' } }, []];
    if (image.overflow || image.at !== answer.size) {
      return [{ kind: 'answer', id: answer.id, error: { code: 'internal', message: 'the after image came incomplete (' +
        image.at + ' of ' + answer.size + ' bytes)', context: 'after image' } }, []];
    }
    if (image.as === 'blob') {
      answer.blob = new Blob(image.parts, { type: 'application/vnd.sqlite3' });
      return [answer, []];
    }
    var buf = image.buf || new Uint8Array(0);
    answer.bytes = buf.buffer;
    return [answer, [buf.buffer]];
  }

  function handle(msg) {
    if (copy) {
      if (msg.kind !== 'request' || msg.request.type !== 'cancel') { queued.push(msg); return; }
      // Cancelled while the file came in: it is not loaded at all. What came before
      // the cancel is served first, then the cancel.
      M._redline_worker_drop_buffers();
      self.postMessage({ kind: 'answer', id: copy.id, error: { code: 'cancelled', message: 'cancelled', context: copy.name } });
      copy = null;
      var before = queued;
      queued = [];
      before.forEach(handle);
      handle(msg);
      return;
    }
    if (msg.kind === 'request') {
      if (msg.request.type === 'after') images[msg.request.id] = { as: msg.request.as === 'blob' ? 'blob' : 'bytes', buf: null, parts: [], at: 0 };
      post(msg.request);
    }
    else if (msg.kind === 'check') answerCheck(msg);
    else if (msg.kind === 'load') startCopy(msg);
  }

  function answerCheck(msg) {
    var e = check(msg.head, msg.size, msg.name);
    // With the heap as it is now: a check ends the warm-up, whose growth no message
    // reported (it publishes nothing).
    self.postMessage({ kind: 'answer', id: msg.id, error: e || undefined, ok: !e, heap: heapInfo() });
  }
  // null when a file of `size` bytes starting with `head` fits in the heap, else the error.
  function check(head, size, name) {
    var h = new Uint8Array(head).subarray(0, 64);
    var hp = M._malloc(Math.max(1, h.length));
    M.HEAPU8.set(h, hp);
    var e = withString(String(name), function (np) { return text(M._redline_worker_check_load(hp, h.length, size, np)); });
    M._free(hp);
    return e ? JSON.parse(e) : null;
  }

  function sizeOf(f) { return f ? (f.byteLength !== undefined ? f.byteLength : f.size) : 0; }
  function headOf(f) {
    if (f.byteLength !== undefined) return new Uint8Array(f, 0, Math.min(64, f.byteLength));
    return new Uint8Array(new FileReaderSync().readAsArrayBuffer(f.slice(0, 64)));
  }

  function startCopy(msg) {
    timing = newTiming();
    var total = sizeOf(msg.file) + (msg.wal ? sizeOf(msg.wal.file) : 0);
    var refused = check(headOf(msg.file), total, msg.name);
    if (refused) {
      post({ type: 'skip', seq: msg.seq });  // the engine's status covers this load: it ended here
      self.postMessage({ kind: 'answer', id: msg.id, error: refused, heap: heapInfo() });
      return;
    }
    var parts = [{ which: 0, file: msg.file }];
    if (msg.wal) parts.push({ which: 1, file: msg.wal.file });
    var base = [0, 0];
    for (var i = 0; i < parts.length; i++) {
      base[parts[i].which] = M._redline_worker_buffer(parts[i].which, sizeOf(parts[i].file));
      if (!base[parts[i].which] && sizeOf(parts[i].file) > 0) {
        M._redline_worker_drop_buffers();
        var e = { code: 'usage', message: 'not enough memory for ' + msg.name + ' (' + total + ' bytes)', context: msg.name };
        post({ type: 'error', seq: msg.seq, message: e.message, context: e.context });
        self.postMessage({ kind: 'answer', id: msg.id, error: e });
        return;
      }
    }
    copy = { id: msg.id, seq: msg.seq, name: msg.name, walName: msg.wal ? msg.wal.name : '', then: msg.then || null,
             parts: parts, part: 0, at: 0, base: base, sha: msg.then ? '' : null, hashing: false };
  }

  // The file's SHA-256 for the report, by the browser's own (native) SHA-256, which
  // runs on another thread: the engine's preflight then skips its own pass over the
  // bytes (in wasm, the preflight's longest phase). It reads the heap's copy, once all
  // of it is in: digest() copies its input when called, so this is the one transient
  // copy of the file the fingerprint costs (reading a dropped File whole, as before,
  // was a second). Where crypto.subtle is missing or fails, '' leaves the hashing to
  // the engine.
  function fingerprint(c) {
    c.hashing = true;
    var subtle = self.crypto && self.crypto.subtle;
    if (!subtle) { c.sha = ''; return; }
    var size = sizeOf(c.parts[0].file);
    var digest;
    try {
      digest = subtle.digest('SHA-256', M.HEAPU8.subarray(c.base[0], c.base[0] + size));
    } catch (e) {
      c.sha = '';
      return;
    }
    digest.then(function (d) {
      var hex = '';
      new Uint8Array(d).forEach(function (x) { hex += (x < 16 ? '0' : '') + x.toString(16); });
      return hex;
    }, function () { return ''; }).then(function (hex) {
      c.sha = hex;
      if (copy === c) schedule();  // the copy may be waiting for it
    });
  }
  // All bytes are in and the fingerprint is still being computed: no slice until it is.
  function copyWaiting() { return copy && copy.part >= copy.parts.length && copy.sha === null; }

  // One piece of the file being copied in; posts the load request after the last.
  function copyPiece() {
    if (copy.part < copy.parts.length) {
      var part = copy.parts[copy.part];
      var size = sizeOf(part.file);
      var n = Math.min(PIECE, size - copy.at);
      if (n > 0) {
        var src = part.file.byteLength !== undefined
          ? new Uint8Array(part.file, copy.at, n)
          : new Uint8Array(new FileReaderSync().readAsArrayBuffer(part.file.slice(copy.at, copy.at + n)));
        // HEAPU8 read now: the heap may have grown (a new view) since the last piece.
        M.HEAPU8.set(src, copy.base[part.which] + copy.at);
      }
      copy.at += n;
      if (copy.at < size) return;
      copy.part++;
      copy.at = 0;
      if (copy.part < copy.parts.length) return;
      // All in: the sources (a transferred buffer, a File) are not needed any more.
      if (copy.sha === null && !copy.hashing) fingerprint(copy);
      copy.parts.forEach(function (p) { p.file = null; });
    }
    if (copy.sha === null) return;  // the fingerprint's end schedules the next slice
    var done = copy;
    copy = null;
    if (done.then) post(Object.assign({}, done.then, { seq: done.seq, name: done.name }));
    else post({ type: 'load', seq: done.seq, name: done.name, wal_name: done.walName, sha256: done.sha });
    self.postMessage({ kind: 'answer', id: done.id, ok: true });
    var later = queued;
    queued = [];
    later.forEach(handle);
  }

  // The engine's work for one slice. Its pump ends early once a piece of an after image
  // waits in its heap: the piece is taken out and the engine goes on in the same slice
  // (a slice per 1 MB piece made a ~200 MB image take ~200 slices, each with its
  // messages to the page).
  function pumpSlice(t0) {
    var end = t0 + SLICE_MS;
    for (;;) {
      more = M._redline_worker_pump(Math.max(1, end - performance.now())) !== 0;
      if (!more || !takeAnswers() || performance.now() >= end) return;
    }
  }

  function slice() {
    scheduled = false;
    var t0 = performance.now();
    if (sliceEnd) timing.idle_ms += t0 - sliceEnd;
    try {
      // Work with no job (the stepper's replay, a search) is "background"; the engine's
      // warm-up (a small demo through the pipeline while it waits for a file) apart.
      var what = copy ? 'copy in' : text(M._redline_worker_activity()) ||
        (M._redline_worker_warming() ? 'warm-up' : 'background');
      if (copy) copyPiece();
      else pumpSlice(t0);
      var t1 = performance.now();
      flush();
      if (what) charge(what, t1 - t0);
      timing.slices++;
      charge('flush', performance.now() - t1);
    } catch (e) {
      self.postMessage({ kind: 'fatal', message: 'the engine stopped: ' + (e && e.message ? e.message : e) });
      return;
    }
    sliceEnd = more || copy ? performance.now() : 0;
    if (more || (copy && !copyWaiting())) schedule();
  }

  self.onmessage = function (e) {
    var msg = e.data;
    if (msg.kind === 'init') { start(msg); return; }
    if (!M) { waiting.push(msg); return; }
    var t0 = performance.now();
    handle(msg);
    if (!copy) flush();  // a refused check or a request's error shows at once
    charge(msg.kind === 'request' ? 'request ' + msg.request.type : msg.kind, performance.now() - t0);
    more = true;         // whatever it asked for is served by the next slice
    schedule();
  };

  function start(init) {
    var cfg = {
      print: function (t) { console.log(t); },
      printErr: function (t) { console.warn(t); },
      // The .wasm beside the page (not in the blob's own, unusable, base URL).
      locateFile: function (p) { return init.base + p; },
      onAbort: function (what) { self.postMessage({ kind: 'fatal', message: String(what) }); },
    };
    createRedlineEngine(cfg).then(function (m) {
      M = m;
      M._redline_worker_warm_up();
      self.postMessage({ kind: 'ready', version: text(M._redline_worker_version()), heap: heapInfo() });
      var early = waiting;
      waiting = [];
      early.forEach(handle);
      more = true;
      schedule();
    }, function (e) {
      self.postMessage({ kind: 'fatal', message: 'the engine could not start: ' + (e && e.message ? e.message : e) });
    });
  }
})();
