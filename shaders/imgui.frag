#version 300 es
// Dear ImGui's pixels: the vertex colour times the font atlas' coverage. The atlas is
// one channel (R8: a quarter of RGBA's upload); ImGui's RGBA atlas is white with that
// coverage as alpha, so the picture is the same.
precision mediump float;
uniform sampler2D u_texture;
in vec2 v_uv;
in vec4 v_color;
out vec4 o_color;

void main() {
  o_color = vec4(v_color.rgb, v_color.a * texture(u_texture, v_uv).r);
}
