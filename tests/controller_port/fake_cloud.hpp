#pragma once
// A small simulated Zenlayer account for the reconciler and observer tests: ports move through the cloud's
// asynchronous states `lag` after each mutation, DescribePorts is counted, and the protocol is checked as the
// real emulator does (TerminatePort on a RUNNING POSTPAID port only, DestroyPort on a RECYCLED port only).
// Failures can be scripted per action, including commit-then-fail (the call takes effect, the reply is lost).

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "port/cloud_ports.hpp"
#include "port/rfc3339.hpp"

namespace zpo::port::testing {

class FakeCloud final : public CloudPorts {
 public:
  struct Port {
    std::string status = "RUNNING";
    std::optional<std::string> charge = "POSTPAID";
    std::string expires{};
    bool refuses_as_prepaid = false;  // a PREPAID port whose charge type the reply left out
    // A transition in flight: at `at`, status becomes `next` (and then, for DESTROYED, the port vanishes
    // `lag` later).
    std::optional<Time> at{};
    std::string next{};
  };
  struct Failure {
    zenlayer::ApiErrorDetails details{};
    bool commit = false;  // the call takes effect before failing
  };

  explicit FakeCloud(std::function<Time()> clock, std::chrono::milliseconds lag = std::chrono::seconds(20))
      : clock_(std::move(clock)), lag_(lag) {}

  void add_port(const std::string& id) { add_port(id, Port{}); }
  void add_port(const std::string& id, Port port) {
    std::lock_guard lock(mutex_);
    ports_[id] = std::move(port);
  }
  std::optional<std::string> status_of(const std::string& id) {
    std::lock_guard lock(mutex_);
    advance();
    const auto it = ports_.find(id);
    return it == ports_.end() ? std::nullopt : std::optional<std::string>(it->second.status);
  }
  void fail_next(const std::string& action, Failure failure) {
    std::lock_guard lock(mutex_);
    failures_[action].push_back(std::move(failure));
  }
  int calls(const std::string& action) {
    std::lock_guard lock(mutex_);
    return calls_[action];
  }
  std::vector<std::vector<std::string>> describe_batches() {
    std::lock_guard lock(mutex_);
    return batches_;
  }
  std::vector<std::string> violations() {
    std::lock_guard lock(mutex_);
    return violations_;
  }

  zenlayer::PortList describe(const std::vector<std::string>& ids, const std::stop_token&) override {
    std::lock_guard lock(mutex_);
    ++calls_["DescribePorts"];
    batches_.push_back(ids);
    if (ids.size() > zenlayer::kMaxPortIdsPerDescribe) violations_.push_back("DescribePorts with > 100 ids");
    maybe_fail("DescribePorts", {});
    advance();
    zenlayer::PortList list;
    for (const auto& id : ids) {
      const auto it = ports_.find(id);
      if (it == ports_.end()) continue;
      zenlayer::PortInfo info;
      info.port_id = id;
      info.port_status = it->second.status;
      info.port_charge_type = it->second.charge;
      info.expired_time = it->second.expires;
      list.ports.push_back(info);
    }
    list.request_ids.push_back("describe-" + std::to_string(calls_["DescribePorts"]));
    return list;
  }

  std::string terminate(const std::string& id, const std::stop_token&) override {
    std::lock_guard lock(mutex_);
    ++calls_["TerminatePort"];
    advance();
    auto apply = [&] {
      auto& port = ports_.at(id);
      if (port.status != "RUNNING") violations_.push_back("TerminatePort on " + port.status);
      port.at = clock_() + lag_;
      port.next = "RECYCLED";
    };
    const auto it = ports_.find(id);
    if (it == ports_.end())
      throw_error("TerminatePort", 404, "INVALID_PORT_NOT_FOUND", zenlayer::ErrorClass::NotFound);
    if (it->second.refuses_as_prepaid) {
      throw_error("TerminatePort", 403, "OPERATION_DENIED_PORT_PREPAID", zenlayer::ErrorClass::Unknown);
    }
    if (it->second.charge == std::optional<std::string>("PREPAID"))
      violations_.push_back("TerminatePort on PREPAID");
    maybe_fail("TerminatePort", apply);
    apply();
    return "term-" + std::to_string(calls_["TerminatePort"]);
  }

  std::string destroy(const std::string& id, const std::stop_token&) override {
    std::lock_guard lock(mutex_);
    ++calls_["DestroyPort"];
    advance();
    const auto it = ports_.find(id);
    if (it == ports_.end())
      throw_error("DestroyPort", 404, "INVALID_PORT_NOT_FOUND", zenlayer::ErrorClass::NotFound);
    auto apply = [&] {
      auto& port = ports_.at(id);
      if (port.status != "RECYCLED" || port.at) violations_.push_back("DestroyPort on " + port.status);
      port.status = "DESTROYING";
      port.at = clock_() + lag_;
      port.next = "DESTROYED";
    };
    maybe_fail("DestroyPort", apply);
    apply();
    return "destroy-" + std::to_string(calls_["DestroyPort"]);
  }

 private:
  [[noreturn]] static void throw_error(const std::string& action, int status, const std::string& code,
                                       zenlayer::ErrorClass error_class) {
    zenlayer::ApiErrorDetails details;
    details.action = action;
    details.http_status = status;
    details.code = code;
    details.error_class = error_class;
    details.request_id = "err-req";
    throw zenlayer::ApiError(details);
  }
  void maybe_fail(const std::string& action, const std::function<void()>& apply) {
    auto& queue = failures_[action];
    if (queue.empty()) return;
    Failure failure = queue.front();
    queue.pop_front();
    if (failure.commit && apply) apply();
    failure.details.action = action;
    throw zenlayer::ApiError(failure.details);
  }
  void advance() {
    const Time now = clock_();
    for (auto it = ports_.begin(); it != ports_.end();) {
      Port& port = it->second;
      if (port.at && now >= *port.at) {
        if (port.status == "DESTROYED") {
          it = ports_.erase(it);
          continue;
        }
        port.status = port.next;
        port.at = port.next == "DESTROYED" ? std::optional<Time>(*port.at + lag_) : std::nullopt;
      }
      ++it;
    }
  }

  std::function<Time()> clock_;
  const std::chrono::milliseconds lag_;
  std::mutex mutex_;
  std::map<std::string, Port> ports_;
  std::map<std::string, std::deque<Failure>> failures_;
  std::map<std::string, int> calls_;
  std::vector<std::vector<std::string>> batches_;
  std::vector<std::string> violations_;
};

}  // namespace zpo::port::testing
