// Enum values as the short lowercase words the store writes ("explicit", "day", "source"), taken
// from the proto descriptors so that a new enum value needs no code here. Internal.
#pragma once

#include <google/protobuf/generated_enum_reflection.h>

#include <cctype>
#include <string>
#include <string_view>

namespace newsflow::sink {

// Every newsflow.v1 enum names its 0 value "<PREFIX>UNSPECIFIED"; the prefix is dropped.
template <typename E>
std::string EnumPrefix() {
  const auto* d = google::protobuf::GetEnumDescriptor<E>();
  const std::string& zero = d->FindValueByNumber(0)->name();
  return zero.substr(0, zero.size() - std::string_view("UNSPECIFIED").size());
}

// "DATE_RESOLUTION_PARTIAL_CLOCK" -> "partial_clock"; "unspecified" for unknown numbers.
template <typename E>
std::string EnumText(E value) {
  const auto* v = google::protobuf::GetEnumDescriptor<E>()->FindValueByNumber(static_cast<int>(value));
  if (v == nullptr) return "unspecified";
  std::string s = v->name().substr(EnumPrefix<E>().size());
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The inverse of EnumText; the 0 value for unknown words.
template <typename E>
E EnumFromText(std::string_view text) {
  std::string name = EnumPrefix<E>();
  for (char c : text) name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const auto* v = google::protobuf::GetEnumDescriptor<E>()->FindValueByName(name);
  return static_cast<E>(v == nullptr ? 0 : v->number());
}

}  // namespace newsflow::sink
