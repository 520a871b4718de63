// Names of the pipeline's Kafka topics (overridable by flags on every binary).
#pragma once

namespace newsflow::topics {

inline constexpr const char* kArticles = "newsflow.articles";
inline constexpr const char* kEvents = "newsflow.events";
inline constexpr const char* kDeadLetter = "newsflow.deadletter";

}  // namespace newsflow::topics
