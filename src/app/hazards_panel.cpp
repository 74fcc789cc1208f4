// The hazards panel (preflight, spec §3): every hazard with its rows, a plain-words
// explanation, and the resolution to pick where there is one; then the run options
// and the button that starts the normalization.
#include <imgui.h>

#include <string>

#include "app/panels.hpp"

namespace redline::app {

namespace {

ImVec4 severity_color(Severity s) {
  switch (s) {
    case Severity::Blocker: return ImVec4(0.95f, 0.35f, 0.30f, 1.0f);
    case Severity::Warning: return ImVec4(0.95f, 0.75f, 0.30f, 1.0f);
    case Severity::Info: return ImVec4(0.55f, 0.75f, 0.95f, 1.0f);
  }
  return ImVec4(1, 1, 1, 1);
}

std::string id_list(const std::vector<std::int64_t>& ids, std::size_t max_shown) {
  std::string out;
  for (std::size_t i = 0; i < ids.size() && i < max_shown; ++i) {
    if (i) out += ", ";
    out += std::to_string(ids[i]);
  }
  if (ids.size() > max_shown) out += ", ... (" + std::to_string(ids.size()) + " in all)";
  return out;
}

}  // namespace

NormalizeOptions options_of(const HazardsPanel& panel) {
  NormalizeOptions o;
  o.username_collision = panel.collision == 0   ? CollisionResolution::Suffix
                         : panel.collision == 1 ? CollisionResolution::Link
                                                : CollisionResolution::Stop;
  o.contact_overwrite = panel.overwrite == 0   ? OverwriteResolution::EmployeeWins
                        : panel.overwrite == 1 ? OverwriteResolution::UserWins
                                               : OverwriteResolution::FillBlanks;
  o.zip_only_address = panel.zip_only == 1 ? ZipOnlyResolution::Keep : ZipOnlyResolution::Guide;
  o.strict = panel.strict;
  return o;
}

void draw_hazards(HazardsPanel& panel, SummaryCache& summaries, const std::shared_ptr<const LoadedView>& loaded_view,
                  bool busy, Actions& actions) {
  const LoadedView& loaded = *loaded_view;
  const float em = ImGui::GetFontSize();
  if (loaded.preflight_error) {
    ImGui::TextColored(ImVec4(0.95f, 0.35f, 0.3f, 1.0f), "Preflight could not run: %s",
                       loaded.preflight_error->describe().c_str());
    return;
  }
  if (loaded.summary.kind == "not_crm") {
    ImGui::TextWrapped("This snapshot is not the CRM; there is nothing to normalize.");
    return;
  }

  ImGui::TextUnformatted("Run options");
  ImGui::Indent(em);
  const char* collision[] = {"suffix: add -<employee id> to the username", "link: use the existing user",
                             "stop: refuse to run"};
  ImGui::SetNextItemWidth(em * 20);
  ImGui::Combo("username collision", &panel.collision, collision, 3);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("What to do when a new user's username is already taken.");
  const char* overwrite[] = {"employee wins (the guide)", "user wins", "fill blanks only"};
  ImGui::SetNextItemWidth(em * 20);
  ImGui::Combo("contact overwrite", &panel.overwrite, overwrite, 3);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("When an employee's contact value differs from its user's: which one to keep.");
  const char* zip_only[] = {"guide: no address, the zip code is lost", "keep: create the address"};
  ImGui::SetNextItemWidth(em * 20);
  ImGui::Combo("zip-only vendors", &panel.zip_only, zip_only, 2);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("A vendor whose only address value is its zip code: the guide's test for address data skips "
                      "it. Follow the guide (as Django does), or create its address.");
  ImGui::Checkbox("strict: refuse to finish with a blocker or a failed check", &panel.strict);
  ImGui::Unindent(em);
  // The first screen's rule: not while the blocker is left unresolved ("stop").
  const std::string blocked = summaries.first(loaded_view, panel, busy).blocked;
  if (!blocked.empty()) ImGui::BeginDisabled();
  if (ImGui::Button("Normalize")) actions.start_run = options_of(panel);
  if (!blocked.empty()) ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("Save options...")) actions.download_options = true;
  if (!blocked.empty()) ImGui::TextColored(ImVec4(0.95f, 0.35f, 0.3f, 1.0f), "%s", blocked.c_str());

  ImGui::Separator();
  if (loaded.hazards.empty()) {
    ImGui::TextColored(ImVec4(0.45f, 0.8f, 0.45f, 1.0f), "No hazards: the migration can run as the guide says.");
    return;
  }
  ImGui::Text("%zu hazard(s) found before running:", loaded.hazards.size());
  for (std::size_t i = 0; i < loaded.hazards.size(); ++i) {
    const Hazard& h = loaded.hazards[i];
    ImGui::PushID(static_cast<int>(i));
    ImGui::TextColored(severity_color(h.severity), "%-8s", to_string(h.severity));
    ImGui::SameLine();
    bool open = ImGui::TreeNodeEx("##h", ImGuiTreeNodeFlags_SpanAvailWidth, "%s  (%s, %zu rows)", h.kind.c_str(),
                                  h.table.c_str(), h.ids.size());
    hazard_tooltip(h.kind);
    if (open) {
      ImGui::PushTextWrapPos(0);
      ImGui::TextWrapped("%s", h.message.c_str());
      ImGui::TextDisabled("%s ids: %s", h.table.c_str(), id_list(h.ids, 40).c_str());
      ImGui::PopTextWrapPos();
      if (ImGui::SmallButton("Copy ids")) ImGui::SetClipboardText(id_list(h.ids, h.ids.size()).c_str());
      ImGui::TreePop();
    }
    ImGui::PopID();
  }
}

}  // namespace redline::app
