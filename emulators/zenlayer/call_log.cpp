#include "call_log.hpp"

#include <algorithm>

#include "time_format.hpp"

namespace zenemu {

using nlohmann::json;

json to_json(const CallRecord& r) {
  json j = {{"seq", r.seq},
            {"time", utc_millis(r.time)},
            {"action", r.action},
            {"httpStatus", r.http_status},
            {"code", r.code},
            {"requestId", r.request_id},
            {"committed", r.committed},
            {"fault", r.fault}};
  if (r.port_ids) j["portIds"] = *r.port_ids;
  if (r.port_id) j["portId"] = *r.port_id;
  return j;
}

std::uint64_t CallLog::add(CallRecord record) {
  record.seq = next_seq_++;
  ++by_action_[record.action];
  ++by_code_[record.code.empty() ? "OK" : record.code];
  if (!record.fault.empty()) ++by_fault_[record.fault];
  const auto seq = record.seq;
  if (capacity_ == 0) {
    ++evicted_;
    return seq;
  }
  if (records_.size() == capacity_) {
    records_.pop_front();
    ++evicted_;
  }
  records_.push_back(std::move(record));
  return seq;
}

json CallLog::since(std::uint64_t seq, std::size_t limit) const {
  // Records are in seq order, so the first one after `seq` is found by binary search.
  auto first = std::upper_bound(records_.begin(), records_.end(), seq,
                                [](std::uint64_t s, const CallRecord& r) { return s < r.seq; });
  json calls = json::array();
  for (auto it = first; it != records_.end() && calls.size() < limit; ++it)
    calls.push_back(to_json(*it));
  return {{"calls", std::move(calls)}, {"lastSeq", next_seq_ - 1}, {"evicted", evicted_}};
}

json CallLog::counters() const {
  return {{"total", next_seq_ - 1}, {"byAction", by_action_}, {"byCode", by_code_}, {"byFault", by_fault_}};
}

void CallLog::clear() {
  records_.clear();
  next_seq_ = 1;
  evicted_ = 0;
  by_action_.clear();
  by_code_.clear();
  by_fault_.clear();
}

}  // namespace zenemu
