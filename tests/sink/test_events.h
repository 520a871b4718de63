// Builders of extract's output for the sink tests: reports (Event) and article summaries.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "newsflow/v1/event.pb.h"

namespace newsflow::sink::testing {

inline v1::Entity Entity(const std::string& slug, const std::string& name, v1::EntityType type,
                         std::vector<std::string> affiliations = {}) {
  v1::Entity e;
  e.set_id("kb:" + slug);
  e.set_canonical_name(name);
  e.set_type(type);
  for (auto& a : affiliations) e.add_affiliations(std::move(a));
  e.set_from_kb(true);
  return e;
}

struct ReportSpec {
  std::string id;
  std::string iso;  // "" for no date
  v1::DatePrecision precision = v1::DATE_PRECISION_DAY;
  v1::DateResolution resolution = v1::DATE_RESOLUTION_EXPLICIT;
  std::string article = "art-1";
  std::string language = "en";
  std::string cameo = "042";
  float confidence = 0.5f;
  std::string sentence = "The Kenyan president visited Addis Ababa.";
};

// A report with a source and a target actor and a location (always the same group).
inline v1::Event Report(const ReportSpec& s, const std::string& fusion_key = "fk-visit") {
  v1::Event e;
  e.set_id(s.id);
  e.set_cameo_code(s.cameo);
  e.set_fusion_key(fusion_key);
  v1::Actor* a = e.add_actors();
  *a->mutable_entity() = Entity("kenya", "Kenya", v1::ENTITY_TYPE_GPE);
  a->set_role(v1::ACTOR_ROLE_SOURCE);
  v1::Actor* b = e.add_actors();
  *b->mutable_entity() = Entity("ethiopia", "Ethiopia", v1::ENTITY_TYPE_GPE);
  b->set_role(v1::ACTOR_ROLE_TARGET);
  *e.mutable_location() = Entity("addis-ababa", "Addis Ababa", v1::ENTITY_TYPE_GPE, {"ethiopia"});
  if (!s.iso.empty()) {
    e.mutable_date()->set_iso(s.iso);
    e.mutable_date()->set_precision(s.precision);
    e.mutable_date()->set_resolution(s.resolution);
  }
  v1::Mention* m = e.mutable_mention();
  m->set_id(s.id);
  m->set_article_id(s.article);
  m->set_language(s.language);
  m->set_confidence(s.confidence);
  m->set_sentence(s.sentence);
  m->set_sentence_begin(0);
  m->set_sentence_end(static_cast<uint32_t>(s.sentence.size()));
  m->set_trigger("visited");
  return e;
}

// A report as the sink receives it.
inline v1::ExtractOutput Wrap(v1::Event e) {
  v1::ExtractOutput out;
  *out.mutable_event() = std::move(e);
  return out;
}

}  // namespace newsflow::sink::testing
