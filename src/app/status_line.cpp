// The status line along the bottom of the window: what the app is doing now.
#include <imgui.h>

#include "app/panels.hpp"

namespace redline::app {

void draw_status_line(const StatusLine& status, float height) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x, vp->WorkPos.y + vp->WorkSize.y - height));
  ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x, height));
  ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                           ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing |
                           ImGuiWindowFlags_NoNav;
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(ImGui::GetFontSize() * 0.5f, 2.0f));
  ImGui::Begin("##status", nullptr, flags);
  if (status.error) {
    ImGui::TextColored(ImVec4(0.95f, 0.35f, 0.3f, 1.0f), "%s", status.text.c_str());
  } else {
    ImGui::TextUnformatted(status.text.c_str());
  }
  ImGui::End();
  ImGui::PopStyleVar();
}

}  // namespace redline::app
