#pragma once
// A small simulated Zenlayer account for the reconciler and observer tests: ports move through the cloud's
// asynchronous states `lag` after each mutation, every call is counted, and the protocol is checked as the
// real emulator does: CreatePort validates its data center and port type, TerminatePort only on a RUNNING
// POSTPAID port, DestroyPort and RenewPort only on a RECYCLED port, ModifyPortAttribute only on a RUNNING
// port, businessEntityName only before the LOA is uploaded. A call the operator should never have sent (on a
// port in the wrong state) is also recorded as a violation. Failures can be scripted per action, including
// commit-then-fail (the call takes effect, the reply is lost).

#include <algorithm>
#include <array>
#include <chrono>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "port/cloud_ports.hpp"
#include "port/rfc3339.hpp"
#include "port/zenlayer_port.hpp"

namespace zpo::port::testing {

class FakeCloud final : public CloudPorts {
 public:
  struct Port {
    std::string status = "RUNNING";
    std::optional<std::string> charge = "POSTPAID";
    std::string expires{};
    bool refuses_as_prepaid = false;  // a PREPAID port whose charge type the reply left out
    std::string name{};
    std::string dc_id = "SIN1";
    std::string type = "10G";
    std::string entity = "Example Ltd";
    std::string remarks{};
    std::string loa_status = "LOA_UPLOADED";
    // A transition in flight: at `at`, status becomes `next` (and then, for DESTROYED, the port vanishes
    // `lag` later).
    std::optional<Time> at{};
    std::string next{};
  };
  struct Failure {
    zenlayer::ApiErrorDetails details{};
    bool commit = false;  // the call takes effect before failing
  };
  // The data centers CreatePort knows (as the emulator's defaults).
  static constexpr std::array<const char*, 5> kDataCenters{"SIN1", "HKG1", "TYO1", "LAX1", "FRA1"};

  explicit FakeCloud(std::function<Time()> clock, std::chrono::milliseconds lag = std::chrono::seconds(20))
      : clock_(std::move(clock)), lag_(lag) {}

  void add_port(const std::string& id) { add_port(id, Port{}); }
  void add_port(const std::string& id, Port port) {
    std::lock_guard lock(mutex_);
    ports_[id] = std::move(port);
  }
  // Changes a port behind the operator's back (the console, another tool, the cloud itself).
  void change_port(const std::string& id, const std::function<void(Port&)>& change) {
    std::lock_guard lock(mutex_);
    advance();
    change(ports_.at(id));
  }
  std::optional<Port> port(const std::string& id) {
    std::lock_guard lock(mutex_);
    advance();
    const auto it = ports_.find(id);
    return it == ports_.end() ? std::nullopt : std::optional<Port>(it->second);
  }
  std::optional<std::string> status_of(const std::string& id) {
    const auto found = port(id);
    return found ? std::optional<std::string>(found->status) : std::nullopt;
  }
  // The ids of the listed ports named exactly `name`.
  std::vector<std::string> ports_named(const std::string& name) {
    std::lock_guard lock(mutex_);
    advance();
    std::vector<std::string> ids;
    for (const auto& [id, port] : ports_) {
      if (port.name == name) ids.push_back(id);
    }
    return ids;
  }
  void fail_next(const std::string& action, Failure failure) {
    std::lock_guard lock(mutex_);
    failures_[action].push_back(std::move(failure));
  }
  // Called with the action's name as each call arrives, before it is carried out (outside the lock).
  void on_call(std::function<void(const std::string& action)> hook) {
    std::lock_guard lock(mutex_);
    on_call_ = std::move(hook);
  }
  // Called once, after the next DescribePorts has looked at the ports and before it answers (outside the
  // lock): a test moves its clock on here to make the answer late.
  void before_next_describe_answer(std::function<void()> hook) {
    std::lock_guard lock(mutex_);
    answer_hook_ = std::move(hook);
  }
  // By action as the API sees it: a lookup by name is a DescribePorts call too.
  int calls(const std::string& action) {
    std::lock_guard lock(mutex_);
    return calls_[action];
  }
  int total_calls() {
    std::lock_guard lock(mutex_);
    int total = 0;
    for (const auto& [action, count] : calls_)
      total += count;
    return total;
  }
  // The (dcId, portName) filters of the lookups made.
  std::vector<std::pair<std::string, std::string>> lookups() {
    std::lock_guard lock(mutex_);
    return lookups_;
  }
  std::vector<std::vector<std::string>> describe_batches() {
    std::lock_guard lock(mutex_);
    return batches_;
  }
  std::vector<std::string> violations() {
    std::lock_guard lock(mutex_);
    return violations_;
  }

  zenlayer::PortList describe(const std::vector<std::string>& ids, const std::stop_token& stop) override {
    std::optional<zenlayer::PortList> list;
    std::exception_ptr failure;
    try {
      list = describe_now(ids, stop);
    } catch (...) {
      failure = std::current_exception();  // a failed answer can be late too
    }
    std::function<void()> hook;
    {
      std::lock_guard lock(mutex_);
      hook = std::exchange(answer_hook_, nullptr);
    }
    if (hook) hook();
    if (failure) std::rethrow_exception(failure);
    return *list;
  }
  zenlayer::PortList describe_now(const std::vector<std::string>& ids, const std::stop_token&) {
    announce("DescribePorts");
    std::lock_guard lock(mutex_);
    ++calls_["DescribePorts"];
    batches_.push_back(ids);
    if (ids.size() > zenlayer::kMaxPortIdsPerDescribe) violations_.push_back("DescribePorts with > 100 ids");
    maybe_fail("DescribePorts", {});
    advance();
    zenlayer::PortList list;
    for (const auto& id : ids) {
      const auto it = ports_.find(id);
      if (it != ports_.end()) list.ports.push_back(info(it->first, it->second));
    }
    list.request_ids.push_back("describe-" + std::to_string(calls_["DescribePorts"]));
    return list;
  }

  zenlayer::PortList find(const std::string& dc_id, const std::string& port_name,
                          const std::stop_token&) override {
    announce("DescribePorts");
    std::lock_guard lock(mutex_);
    ++calls_["DescribePorts"];
    lookups_.emplace_back(dc_id, port_name);
    maybe_fail("DescribePorts", {});
    advance();
    zenlayer::PortList list;
    for (const auto& [id, port] : ports_) {
      // As the API filters: the data center exactly, the name as a substring.
      if (port.dc_id == dc_id && port.name.find(port_name) != std::string::npos)
        list.ports.push_back(info(id, port));
    }
    list.request_ids.push_back("find-" + std::to_string(calls_["DescribePorts"]));
    return list;
  }

  zenlayer::Reply<std::string> create(const zenlayer::CreatePortRequest& request,
                                      const std::stop_token&) override {
    announce("CreatePort");
    std::lock_guard lock(mutex_);
    const int call = ++calls_["CreatePort"];
    advance();
    if (request.dc_id.empty() || request.port_name.empty() || request.port_type.empty() ||
        request.business_entity_name.empty()) {
      throw_error("CreatePort", 400, "MISSING_PARAMETER", "a required parameter is missing");
    }
    if (std::find(kDataCenters.begin(), kDataCenters.end(), request.dc_id) == kDataCenters.end())
      throw_error("CreatePort", 400, "INVALID_PARAMETER_DC_ID", "dcId " + request.dc_id + " is not known");
    if (std::find(kPortTypes.begin(), kPortTypes.end(), request.port_type) == kPortTypes.end())
      throw_error("CreatePort", 400, "INVALID_PARAMETER_PORT_TYPE", "portType is not one of 1G..400G");
    const std::string id = "port-new-" + std::to_string(call);
    auto apply = [&] {
      Port port;
      port.status = "CREATING";
      port.name = request.port_name;
      port.dc_id = request.dc_id;
      port.type = request.port_type;
      port.entity = request.business_entity_name;
      port.remarks = request.port_remarks.value_or("");
      port.loa_status = "LOA_NOT_UPLOAD";
      port.at = clock_() + lag_;
      port.next = "RUNNING";
      ports_[id] = port;
    };
    maybe_fail("CreatePort", apply);
    apply();
    return {id, "create-" + std::to_string(call)};
  }

  std::string modify(const zenlayer::PortAttributes& attributes, const std::stop_token&) override {
    announce("ModifyPortAttribute");
    std::lock_guard lock(mutex_);
    const int call = ++calls_["ModifyPortAttribute"];
    advance();
    Port& port = listed("ModifyPortAttribute", attributes.port_id);
    if (port.status != "RUNNING") {
      violations_.push_back("ModifyPortAttribute on " + port.status);
      if (port.status == "RECYCLED" || port.status == "DESTROYING" || port.status == "DESTROYED") {
        throw_error("ModifyPortAttribute", 403, "OPERATION_FAILED_FOR_RECYCLE_RESOURCE",
                    "port " + attributes.port_id + " is " + port.status);
      }
    }
    // Not a violation: the LOA may have been uploaded since the operator last looked.
    if (attributes.business_entity_name && port.loa_status != "LOA_NOT_UPLOAD") {
      throw_error("ModifyPortAttribute", 403, "OPERATION_DENIED_LOA_UPLOADED",
                  "businessEntityName can only change before the LOA is uploaded");
    }
    auto apply = [&] {
      if (attributes.port_name) port.name = *attributes.port_name;
      if (attributes.port_remarks) port.remarks = *attributes.port_remarks;
      if (attributes.business_entity_name) port.entity = *attributes.business_entity_name;
    };
    maybe_fail("ModifyPortAttribute", apply);
    apply();
    return "modify-" + std::to_string(call);
  }

  std::string renew(const std::string& id, const std::stop_token&) override {
    announce("RenewPort");
    std::lock_guard lock(mutex_);
    const int call = ++calls_["RenewPort"];
    advance();
    Port& port = listed("RenewPort", id);
    if (port.status != "RECYCLED" || port.at) {
      violations_.push_back("RenewPort on " + port.status);
      throw_error("RenewPort", 403, "OPERATION_DENIED_PORT_NOT_RECYCLED",
                  "port " + id + " is " + port.status + "; only RECYCLED ports can be renewed");
    }
    auto apply = [&] {
      port.status = "RECOVERING";
      port.at = clock_() + lag_;
      port.next = "RUNNING";
    };
    maybe_fail("RenewPort", apply);
    apply();
    return "renew-" + std::to_string(call);
  }

  std::string terminate(const std::string& id, const std::stop_token&) override {
    announce("TerminatePort");
    std::lock_guard lock(mutex_);
    ++calls_["TerminatePort"];
    advance();
    Port& port = listed("TerminatePort", id);
    auto apply = [&] {
      if (port.status != "RUNNING") violations_.push_back("TerminatePort on " + port.status);
      port.at = clock_() + lag_;
      port.next = "RECYCLED";
    };
    if (port.refuses_as_prepaid)
      throw_error("TerminatePort", 403, "OPERATION_DENIED_PORT_PREPAID", "port " + id + " is prepaid");
    if (port.charge == std::optional<std::string>("PREPAID"))
      violations_.push_back("TerminatePort on PREPAID");
    maybe_fail("TerminatePort", apply);
    apply();
    return "term-" + std::to_string(calls_["TerminatePort"]);
  }

  std::string destroy(const std::string& id, const std::stop_token&) override {
    announce("DestroyPort");
    std::lock_guard lock(mutex_);
    ++calls_["DestroyPort"];
    advance();
    Port& port = listed("DestroyPort", id);
    auto apply = [&] {
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
  // The error the API answers, classified as the client does.
  [[noreturn]] static void throw_error(const std::string& action, int status, const std::string& code,
                                       const std::string& message) {
    zenlayer::ApiErrorDetails details;
    details.action = action;
    details.http_status = status;
    details.code = code;
    details.message = message;
    details.error_class = zenlayer::classify(status, code);
    details.request_id = "err-req";
    throw zenlayer::ApiError(details);
  }
  static zenlayer::PortInfo info(const std::string& id, const Port& port) {
    zenlayer::PortInfo info;
    info.port_id = id;
    info.port_name = port.name;
    info.port_remarks = port.remarks;
    info.port_type = port.type;
    info.port_status = port.status;
    info.dc_id = port.dc_id;
    info.loa_status = port.loa_status;
    info.business_entity_name = port.entity;
    info.port_charge_type = port.charge;
    info.expired_time = port.expires;
    return info;
  }
  Port& listed(const std::string& action, const std::string& id) {
    const auto it = ports_.find(id);
    if (it == ports_.end()) throw_error(action, 404, "INVALID_PORT_NOT_FOUND", "port " + id + " not found");
    return it->second;
  }
  void announce(const std::string& action) {
    std::function<void(const std::string&)> hook;
    {
      std::lock_guard lock(mutex_);
      hook = on_call_;
    }
    if (hook) hook(action);
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
  std::vector<std::pair<std::string, std::string>> lookups_;
  std::vector<std::vector<std::string>> batches_;
  std::vector<std::string> violations_;
  std::function<void(const std::string&)> on_call_;
  std::function<void()> answer_hook_;
};

}  // namespace zpo::port::testing
