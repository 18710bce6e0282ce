#pragma once
// What the clients did: a bounded log of recent SDN calls (tests read it back) and counters over every call
// since the last reset (benchmarks read those; they never grow with the number of calls).
#include <cstdint>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "clock.hpp"

namespace zenemu {

struct CallRecord {
  std::uint64_t seq = 0;  // assigned by the log, from 1
  TimePoint time;
  std::string action;                                // X-ZC-Action as sent ("" when missing)
  std::optional<std::vector<std::string>> port_ids;  // DescribePorts' portIds
  std::optional<std::string> port_id;                // the other actions' portId
  int http_status = 0;
  std::string code;  // "" on success
  std::string request_id;
  bool committed = false;  // the call changed ports
  std::string fault;       // the injected fault, "" when none
};

nlohmann::json to_json(const CallRecord& r);

class CallLog {
 public:
  explicit CallLog(std::size_t capacity) : capacity_(capacity) {}

  // Stores the record (evicting the oldest past capacity), counts it, and returns its seq.
  std::uint64_t add(CallRecord record);
  // {"calls":[records with seq > since, oldest first, at most limit],"lastSeq":n,"evicted":n}
  nlohmann::json since(std::uint64_t seq, std::size_t limit) const;
  // {"total":n,"byAction":{..},"byCode":{"OK":n,..},"byFault":{..}}
  nlohmann::json counters() const;
  void clear();
  std::size_t capacity() const { return capacity_; }

 private:
  std::size_t capacity_;
  std::deque<CallRecord> records_;
  std::uint64_t next_seq_ = 1;
  std::uint64_t evicted_ = 0;
  std::map<std::string, std::uint64_t> by_action_, by_code_, by_fault_;
};

}  // namespace zenemu
