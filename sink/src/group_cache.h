// The fusion groups a store holds in memory between batches: each group's reports as fusion reads
// them and the records it last wrote, so re-fusing a group costs the batch and the group's
// records, not a re-read of every report. Bounded (least recently used groups go first).
// Internal to newsflow_sink; one store's, used from one thread.
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "newsflow/sink/fusion.h"

namespace newsflow::sink {

struct CachedGroup {
  // The group's version in the store (fusion_groups.version) this state matches.
  int64_t version = 0;
  std::map<std::string, FusionReport> reports;  // by id: unique, in the order Fuse wants
  std::vector<EventRecord> records;             // what the store holds for the group, by id
};

class GroupCache {
 public:
  // Holds groups until their reports add up to more than `max_reports` (one group may exceed it).
  explicit GroupCache(size_t max_reports) : max_reports_(max_reports) {}

  // The group, marked most recently used; nullptr when not held.
  CachedGroup* Find(const std::string& key) {
    auto it = groups_.find(key);
    if (it == groups_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second.position);
    return &it->second.group;
  }
  // Holds `group` (replacing any), most recently used.
  CachedGroup& Put(const std::string& key, CachedGroup group) {
    Erase(key);
    order_.push_front(key);
    Entry& e = groups_[key];
    e.group = std::move(group);
    e.position = order_.begin();
    return e.group;
  }
  void Erase(const std::string& key) {
    auto it = groups_.find(key);
    if (it == groups_.end()) return;
    order_.erase(it->second.position);
    groups_.erase(it);
  }
  // Drops least recently used groups until the reports held fit the bound again. Call between
  // batches: pointers from Find are invalid afterwards.
  void Trim() {
    size_t held = 0;
    for (const auto& [key, e] : groups_) held += e.group.reports.size();
    while (held > max_reports_ && order_.size() > 1) {
      auto it = groups_.find(order_.back());
      held -= it->second.group.reports.size();
      order_.pop_back();
      groups_.erase(it);
    }
  }
  size_t size() const { return groups_.size(); }

 private:
  struct Entry {
    CachedGroup group;
    std::list<std::string>::iterator position;
  };
  size_t max_reports_;
  std::list<std::string> order_;  // most recently used first
  std::unordered_map<std::string, Entry> groups_;
};

}  // namespace newsflow::sink
