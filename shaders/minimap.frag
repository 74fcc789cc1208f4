#version 300 es
// The change minimap: where in the table the changes are, top (smallest ids) to
// bottom, in three lanes (added | removed | changed). u_density holds one texel per
// bucket of ids: r = added, g = removed, b = changed density (0..1). A pixel row can
// span several buckets; it shows the densest, so a single changed row never
// disappears between pixels. The span of rows on screen is u_window.
precision highp float;

in vec2 v_uv;
out vec4 o_color;

uniform sampler2D u_density;  // buckets x 1, RGBA8
uniform float u_buckets;
uniform vec2 u_size;          // the minimap's size in pixels
uniform vec2 u_window;        // visible span, 0..1 from the top (x: start, y: end)
uniform vec4 u_background;
uniform vec4 u_added;
uniform vec4 u_removed;
uniform vec4 u_changed;

void main() {
  float half_px = 0.5 / u_size.y;
  int b0 = int(floor(clamp(v_uv.y - half_px, 0.0, 1.0) * u_buckets));
  int b1 = int(floor(clamp(v_uv.y + half_px, 0.0, 0.99999) * u_buckets));
  int last = int(u_buckets) - 1;
  b0 = min(b0, last);
  b1 = min(max(b1, b0), min(last, b0 + 256));
  vec3 d = vec3(0.0);
  for (int b = b0; b <= b1; ++b) d = max(d, texelFetch(u_density, ivec2(b, 0), 0).rgb);

  float lane_f = v_uv.x * 3.0;
  int lane = int(min(floor(lane_f), 2.0));
  float density = lane == 0 ? d.r : (lane == 1 ? d.g : d.b);
  vec4 kind = lane == 0 ? u_added : (lane == 1 ? u_removed : u_changed);
  // Any change at all shows clearly; denser runs grow brighter.
  float strength = density > 0.0 ? 0.45 + 0.55 * sqrt(density) : 0.0;
  vec3 color = mix(u_background.rgb, kind.rgb, strength);

  // A hairline between lanes.
  float px_x = fract(lane_f) * u_size.x / 3.0;
  if (lane > 0 && px_x < 1.0) color = mix(color, vec3(0.5), 0.35);

  // The visible window: lighter inside, a 1-pixel frame around it.
  float y_px = v_uv.y * u_size.y;
  float top = u_window.x * u_size.y, bottom = max(u_window.y * u_size.y, top + 2.0);
  if (y_px >= top && y_px <= bottom) {
    color = mix(color, vec3(1.0), 0.16);
    float x_px = v_uv.x * u_size.x;
    bool edge = y_px - top < 1.0 || bottom - y_px < 1.0 || x_px < 1.0 || u_size.x - x_px < 1.0;
    if (edge) color = vec3(0.92);
  }
  o_color = vec4(color, 1.0);
}
