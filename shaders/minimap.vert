#version 300 es
// The change minimap's geometry: one triangle covering the viewport, which the app
// sets to the minimap's rectangle. No vertex buffer: positions come from gl_VertexID.
out vec2 v_uv;  // 0..1 across the minimap, y = 0 at its top

void main() {
  vec2 p = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));  // (0,0) (2,0) (0,2)
  v_uv = vec2(p.x, 1.0 - p.y);
  gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
}
