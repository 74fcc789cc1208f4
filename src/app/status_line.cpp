// The status line along the bottom of the window: the job in progress (with a
// progress bar and Cancel), the last error, or what is loaded.
#include <imgui.h>

#include "app/panels.hpp"

namespace redline::app {

void draw_status_line(const Session& session, float height, Actions& actions) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(vp->WorkPos.x, vp->WorkPos.y + vp->WorkSize.y - height));
  ImGui::SetNextWindowSize(ImVec2(vp->WorkSize.x, height));
  ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                           ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing |
                           ImGuiWindowFlags_NoNav;
  const float em = ImGui::GetFontSize();
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(em * 0.5f, (height - em) * 0.5f));
  ImGui::Begin("##status", nullptr, flags);
  const JobView& job = session.job();
  if (job.active) {
    ImGui::TextUnformatted(job.title.c_str());
    ImGui::SameLine();
    char overlay[96];
    std::snprintf(overlay, sizeof overlay, "%s %.0f%%", job.phase.c_str(), job.fraction * 100.0);
    ImGui::ProgressBar(static_cast<float>(job.fraction), ImVec2(em * 18, em), overlay);
    ImGui::SameLine();
    if (ImGui::SmallButton("Cancel")) actions.cancel_job = true;
  } else if (session.error()) {
    ImGui::TextColored(ImVec4(0.95f, 0.35f, 0.3f, 1.0f), "Error: %s", session.error()->describe().c_str());
  } else if (auto loaded = session.loaded()) {
    ImGui::Text("Loaded %s (%s, %lld rows)", loaded->summary.name.c_str(), format_name(loaded->summary.format),
                static_cast<long long>(loaded->total_rows));
  } else {
    ImGui::TextDisabled("Ready: open a snapshot or generate the demo");
  }
  ImGui::End();
  ImGui::PopStyleVar();
}

}  // namespace redline::app
