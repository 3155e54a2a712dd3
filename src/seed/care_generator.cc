#include "seed/care_generator.h"

#include <vector>

#include "seed/fhir_json.h"

namespace ember::seed {

namespace {

const ConditionPlan* condition_with(const PatientPlan& plan, std::uint32_t traits) {
  for (const auto& c : plan.conditions) {
    if (c.spec->chronic && (c.spec->traits & traits)) return &c;
  }
  return nullptr;
}

// The most recent encounter that has finished (the first one when none has).
const EncounterPlan& last_finished(const PatientPlan& plan) {
  for (auto it = plan.encounters.rbegin(); it != plan.encounters.rend(); ++it) {
    if (!it->in_progress) return *it;
  }
  return plan.encounters.front();
}

bj::object team_member(const Code& role, bj::object member) {
  return {{"role", one(codeable(role))}, {"member", std::move(member)}};
}

}  // namespace

void emit_devices(const PatientPlan& plan, Prng& prng, Emitter& out) {
  int n = 0;
  for (const auto& spec : devices()) {
    const ConditionPlan* c = condition_with(plan, spec.traits);
    if (!c || !(plan.alice || prng.percent(70))) continue;
    const EncounterPlan& e = plan.encounters[c->encounter];
    auto r = resource("Device", plan.record_id("dev", ++n));
    const std::string serial = "SN" + plan.key + padded(n, 2) + padded(prng.uniform(0, 9999), 4);
    r["udiCarrier"] = one({{"deviceIdentifier", "0" + padded(prng.uniform(1000000, 9999999), 13)},
                           {"carrierHRF", "(01)" + serial}});
    r["status"] = "active";
    r["manufacturer"] = spec.manufacturer;
    r["manufactureDate"] = format_date(e.start.day - prng.uniform(30, 400));
    r["expirationDate"] = format_date(e.start.day + prng.uniform(3, 8) * 365);
    r["lotNumber"] = "L" + padded(prng.uniform(100, 9999), 4);
    r["serialNumber"] = serial;
    r["deviceName"] = one({{"name", spec.name}, {"type", "user-friendly-name"}});
    r["type"] = codeable(spec.type);
    r["patient"] = reference("Patient", plan.id, plan.name);
    r["owner"] = reference("Organization", e.organization_id);
    out.emit(std::move(r));
  }
}

void emit_care_plans(const PatientPlan& plan, Prng& prng, Emitter& out) {
  struct Managed {
    const CarePlanSpec* spec;
    const ConditionPlan* condition;
  };
  std::vector<Managed> managed;
  for (const auto& spec : care_plans()) {
    if (const ConditionPlan* c = condition_with(plan, spec.traits)) managed.push_back({&spec, c});
  }
  if (managed.empty() || !(plan.alice || prng.percent(45))) return;

  const EncounterPlan& first = plan.encounters[managed.front().condition->encounter];
  const std::string start = format_date(first.start.day);
  std::vector<std::string> goal_ids;
  for (std::size_t i = 0; i < managed.size(); ++i) {
    const auto& [spec, condition] = managed[i];
    auto g = resource("Goal", plan.record_id("goal", static_cast<int>(i) + 1));
    g["lifecycleStatus"] = "active";
    g["achievementStatus"] = codeable({cs::kGoalAchievement, "in-progress", "In Progress"});
    g["description"] = text_codeable(spec->goal);
    g["subject"] = reference("Patient", plan.id, plan.name);
    g["startDate"] = start;
    bj::object target{{"dueDate", format_date(kReferenceDay + prng.uniform(60, 365))}};
    if (!spec->goal_measure.code.empty()) target["measure"] = codeable(spec->goal_measure);
    g["target"] = one(std::move(target));
    g["expressedBy"] = reference("Practitioner", plan.gp->id, plan.gp->name);
    g["addresses"] = one(reference("Condition", condition->id));
    goal_ids.push_back(g.at("id").as_string().c_str());
    out.emit(std::move(g));
  }

  const std::string team_id = plan.record_id("ct", 1);
  auto team = resource("CareTeam", team_id);
  team["status"] = "active";
  team["category"] =
      one(codeable({cs::kLoinc, "LA28865-6", "Longitudinal care-coordination focused care team"}));
  team["name"] = plan.name + " care team";
  team["subject"] = reference("Patient", plan.id, plan.name);
  team["period"] = period(start);
  bj::array members;
  members.push_back(team_member({cs::kSnomed, "116154003", "Patient (person)"},
                                reference("Patient", plan.id, plan.name)));
  members.push_back(team_member({cs::kSnomed, "446050000", "Primary care physician (occupation)"},
                                reference("Practitioner", plan.gp->id, plan.gp->name)));
  if (plan.gp->organization_id == kClinicId) {
    members.push_back(
        team_member({cs::kSnomed, "224535009", "Registered nurse (occupation)"},
                    reference("Practitioner", kNurseLeePractitionerId, "Kim Lee, RN")));
  }
  team["participant"] = std::move(members);
  team["managingOrganization"] = one(reference("Organization", plan.gp->organization_id));
  out.emit(std::move(team));

  for (std::size_t i = 0; i < managed.size(); ++i) {
    const auto& [spec, condition] = managed[i];
    const EncounterPlan& e = plan.encounters[condition->encounter];
    auto r = resource("CarePlan", plan.record_id("cp", static_cast<int>(i) + 1));
    r["status"] = "active";
    r["intent"] = "plan";
    r["category"] = bj::array{
        codeable({cs::kCarePlanCategory, "assess-plan", "Assessment and Plan of Treatment"}),
        codeable(spec->category)};
    r["title"] = spec->title;
    r["subject"] = reference("Patient", plan.id, plan.name);
    r["encounter"] = reference("Encounter", e.id);
    r["period"] = period(format_date(e.start.day));
    r["created"] = e.start_text;
    r["author"] = reference("Practitioner", plan.gp->id, plan.gp->name);
    r["careTeam"] = one(reference("CareTeam", team_id));
    r["addresses"] = one(reference("Condition", condition->id));
    r["goal"] = one(reference("Goal", goal_ids[i]));
    bj::object detail{{"code", codeable(spec->activity)},
                      {"status", "in-progress"},
                      {"location", reference("Location", e.location_id)},
                      {"performer", one(reference("Practitioner", plan.gp->id, plan.gp->name))}};
    r["activity"] = one({{"detail", std::move(detail)}});
    out.emit(std::move(r));
  }
}

void emit_document(const PatientPlan& plan, Prng& prng, Emitter& out) {
  if (!plan.alice && !prng.percent(30)) return;
  const EncounterPlan& e = last_finished(plan);
  const auto types = note_types();
  const Code& type = types[e.kind == EncounterKind::kAmbulatory  ? 0
                           : e.kind == EncounterKind::kEmergency ? 1
                                                                 : 2];
  std::string note;
  note.reserve(512);
  note.append(type.display)
      .append("\nPatient: ")
      .append(plan.name)
      .append(" (")
      .append(plan.mrn)
      .append(")\nDate: ")
      .append(format_date(e.start.day))
      .append("\nAuthor: ")
      .append(e.practitioner->name)
      .append("\n\nProblems:\n");
  for (const auto& c : plan.conditions) {
    note.append("- ").append(c.spec->code.display).append(c.resolved ? " (resolved)\n" : "\n");
  }
  note.append(
          "\nAssessment: stable. Vital signs and recent results reviewed with the patient.\n"
          "Plan: continue current medications; return in ")
      .append(std::to_string(prng.uniform(1, 6)))
      .append(" months or sooner if symptoms worsen.\n");

  auto r = resource("DocumentReference", plan.record_id("doc", 1));
  r["status"] = "current";
  r["docStatus"] = "final";
  r["type"] = codeable(type);
  r["category"] = one(codeable({cs::kDocumentCategory, "clinical-note", "Clinical Note"}));
  r["subject"] = reference("Patient", plan.id, plan.name);
  r["date"] = e.end_text;
  r["author"] = one(reference("Practitioner", e.practitioner->id, e.practitioner->name));
  r["custodian"] = reference("Organization", e.organization_id);
  bj::object attachment{{"contentType", "text/plain; charset=utf-8"},
                        {"language", "en-US"},
                        {"data", base64(note)},
                        {"size", static_cast<std::int64_t>(note.size())},
                        {"title", type.display},
                        {"creation", e.end_text}};
  bj::object content{
      {"attachment", std::move(attachment)},
      {"format", coding({"http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode",
                         "urn:ihe:iti:xds:2017:mimeTypeSufficient", "mimeType Sufficient"})}};
  r["content"] = one(std::move(content));
  r["context"] = {{"encounter", one(reference("Encounter", e.id))},
                  {"period", period(e.start_text, e.end_text)}};
  out.emit(std::move(r));
}

void emit_provenance(const PatientPlan& plan, Prng& prng, Emitter& out) {
  if (!plan.alice && !prng.percent(20)) return;
  const EncounterPlan& e = last_finished(plan);
  auto r = resource("Provenance", plan.record_id("prov", 1));
  bj::array targets;
  for (const auto& c : plan.conditions) targets.push_back(reference("Condition", c.id));
  r["target"] = std::move(targets);
  r["recorded"] = e.end_text;
  r["activity"] =
      codeable({"http://terminology.hl7.org/CodeSystem/v3-DataOperation", "UPDATE", "revise"});
  bj::object author{{"type", codeable({cs::kProvenanceAgentType, "author", "Author"})},
                    {"who", reference("Practitioner", plan.gp->id, plan.gp->name)},
                    {"onBehalfOf", reference("Organization", plan.gp->organization_id)}};
  bj::object custodian{{"type", codeable({cs::kProvenanceAgentType, "custodian", "Custodian"})},
                       {"who", reference("Organization", plan.gp->organization_id)}};
  r["agent"] = bj::array{std::move(author), std::move(custodian)};
  out.emit(std::move(r));
}

}  // namespace ember::seed
