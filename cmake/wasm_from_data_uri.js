// --pre-js of the single-file build's two modules (-sSINGLE_FILE): the wasm is a
// base64 data: URI inside the script, and Emscripten would first fetch() that URI,
// which the single page's Content-Security-Policy (connect-src 'none') refuses with a
// console error before Emscripten falls back to decoding it. Decoding it here and
// instantiating the bytes makes no request at all. instantiateWasm runs from
// createWasm(), when wasmBinaryFile and tryParseAsDataURI (SINGLE_FILE) are defined.
Module['instantiateWasm'] = function (imports, receiveInstance) {
  WebAssembly.instantiate(tryParseAsDataURI(wasmBinaryFile), imports).then(function (result) {
    receiveInstance(result.instance, result.module);
  }, function (e) {
    err('could not start the WebAssembly module: ' + e);
    abort(e);
  });
  return {};  // the exports come through receiveInstance
};
