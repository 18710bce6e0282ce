// client-go's LeaderElector loop around the pure decision in lease_record.hpp: acquire (retrying every retry
// period with jitter), then renew every retry period until the renew deadline passes without a successful
// renewal, or until stop, when the lease is released.

#include "runtime/leader_election.hpp"

#include <unistd.h>

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "runtime/lease_record.hpp"
#include "runtime/log.hpp"

namespace zpo::runtime {

namespace {
using Steady = std::chrono::steady_clock;

// Lease durations are whole seconds in the API; a shorter configured duration still leases for one.
int whole_seconds_up(std::chrono::milliseconds d) {
  return std::max(1, static_cast<int>((d.count() + 999) / 1000));
}

// Each lease call must end well within the renew deadline, as client-go's context timeout ensures: a hung API
// server must not keep a leader that can no longer renew believing it leads.
kube::RestOptions lease_call_options(const LeaderElectionConfig& config) {
  kube::RestOptions options;
  auto half = config.renew_deadline / 2;
  options.request_timeout = std::max(std::chrono::milliseconds(100), half);
  options.connect_timeout = std::min(options.connect_timeout, options.request_timeout);
  options.max_idle_connections = 2;
  return options;
}
}  // namespace

std::string make_leader_identity() {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  std::random_device random;
  std::uniform_int_distribution<std::uint64_t> bits;
  std::array<char, 17> suffix{};
  std::snprintf(suffix.data(), suffix.size(), "%016llx", static_cast<unsigned long long>(bits(random)));
  return std::string(host.data()) + "_" + suffix.data();
}

struct LeaderElector::Impl {
  Impl(kube::RestClient& shared, LeaderElectionConfig c)
      : config(std::move(c)),
        client(shared.config(), lease_call_options(config)),
        lease_path("/apis/coordination.k8s.io/v1/namespaces/" + config.lease_namespace + "/leases/" +
                   config.lease_name),
        rng(std::random_device{}()) {}

  // client-go's tryAcquireOrRenew: read, judge on our clock, write with the resourceVersion read.
  bool try_acquire_or_renew() {
    auto now = Steady::now();
    std::optional<LeaseRecord> current;
    nlohmann::json object;
    try {
      object = client.get(lease_path);
      current = lease_record_from(object);
    } catch (const kube::StatusError& e) {
      if (!e.not_found()) {
        log_warn("cannot read the leader election lease",
                 {field("lease", lease_path), field("error", e.what())});
        return false;
      }
    } catch (const std::exception& e) {
      log_warn("cannot read the leader election lease",
               {field("lease", lease_path), field("error", e.what())});
      return false;
    }
    if (current && (!observed || *observed != *current)) {
      if (!observed || observed->holder_identity != current->holder_identity) {
        if (!current->holder_identity.empty() && current->holder_identity != config.identity) {
          log_info("new leader observed",
                   {field("lease", lease_path), field("leader", current->holder_identity)});
        }
      }
      observed = current;
      observed_at = now;
    }
    auto action = decide_lease_action(current, config.identity, observed_at, now);
    if (action == LeaseAction::Wait) return false;
    auto next = next_lease_record(current, config.identity, whole_seconds_up(config.lease_duration),
                                  micro_time(std::chrono::system_clock::now()));
    try {
      if (action == LeaseAction::Create) {
        nlohmann::json lease = {
            {"apiVersion", "coordination.k8s.io/v1"},
            {"kind", "Lease"},
            {"metadata", {{"name", config.lease_name}, {"namespace", config.lease_namespace}}},
            {"spec", lease_spec_json(next)}};
        lease_object = client.create(
            "/apis/coordination.k8s.io/v1/namespaces/" + config.lease_namespace + "/leases", lease);
      } else {
        // `object` carries metadata.resourceVersion: a write from anyone since our read makes this a 409.
        object["spec"] = lease_spec_json(next);
        lease_object = client.replace(lease_path, object);
      }
    } catch (const kube::StatusError& e) {
      // AlreadyExists / Conflict: another candidate wrote first; we look again next round.
      log_debug("lost a lease race",
                {field("lease", lease_path), field("code", static_cast<long long>(e.code())),
                 field("reason", e.reason())});
      return false;
    } catch (const std::exception& e) {
      log_warn("cannot write the leader election lease",
               {field("lease", lease_path), field("error", e.what())});
      return false;
    }
    observed = next;
    observed_at = Steady::now();
    return true;
  }

  void release() {
    if (!observed || observed->holder_identity != config.identity) return;
    nlohmann::json object = lease_object;
    object["spec"] =
        lease_spec_json(released_lease_record(*observed, micro_time(std::chrono::system_clock::now())));
    try {
      lease_object = client.replace(lease_path, object);
      observed = lease_record_from(lease_object);
      log_info("released the leader election lease",
               {field("lease", lease_path), field("identity", config.identity)});
    } catch (const std::exception& e) {
      log_warn("cannot release the leader election lease",
               {field("lease", lease_path), field("error", e.what())});
    }
  }

  // Sleeps for `period` or until `stop`; returns false when stopped.
  bool sleep(const std::stop_token& stop, std::chrono::milliseconds period) {
    std::unique_lock lock(mutex);
    return !wake.wait_for(lock, stop, period, [] { return false; }) && !stop.stop_requested();
  }

  std::chrono::milliseconds jittered(std::chrono::milliseconds period) {
    // client-go's JitterFactor 1.2 for the acquire loop would wait up to 2.2x; a fifth is enough to
    // de-synchronise.
    std::uniform_real_distribution<double> extra(0.0, 0.2);
    return period + std::chrono::milliseconds(
                        static_cast<long long>(static_cast<double>(period.count()) * extra(rng)));
  }

  LeaderElectionConfig config;
  kube::RestClient client;
  std::string lease_path;
  std::optional<LeaseRecord> observed;
  Steady::time_point observed_at{};
  nlohmann::json lease_object;  // the Lease as last written by us, for the release's resourceVersion
  std::mt19937 rng;
  std::atomic<bool> leading{false};
  std::mutex mutex;
  std::condition_variable_any wake;
};

LeaderElector::LeaderElector(kube::RestClient& client, LeaderElectionConfig config)
    : impl_(std::make_unique<Impl>(client, std::move(config))) {}

LeaderElector::~LeaderElector() = default;

bool LeaderElector::is_leader() const {
  return impl_->leading.load();
}

bool LeaderElector::run(const std::stop_token& stop,
                        const std::function<void(const std::stop_token&)>& lead) {
  auto& e = *impl_;
  log_info("attempting to acquire leader lease",
           {field("lease", e.lease_path), field("identity", e.config.identity)});
  while (!e.try_acquire_or_renew()) {
    if (!e.sleep(stop, e.jittered(e.config.retry_period))) return true;
  }
  if (stop.stop_requested()) {
    e.release();
    return true;
  }
  e.leading = true;
  log_info("became leader", {field("lease", e.lease_path), field("identity", e.config.identity)});

  std::stop_source lead_stop;
  std::stop_callback forward(stop, [&lead_stop] { lead_stop.request_stop(); });
  std::jthread leader([&lead, token = lead_stop.get_token()] {
    try {
      lead(token);
    } catch (const std::exception& ex) {
      log_error("leader work failed", {field("error", ex.what())});
    }
  });

  auto last_renew = Steady::now();
  bool lost = false;
  while (e.sleep(stop, e.config.retry_period)) {
    if (e.try_acquire_or_renew()) {
      last_renew = Steady::now();
    } else if (Steady::now() - last_renew >= e.config.renew_deadline) {
      lost = true;
      break;
    }
  }
  e.leading = false;
  lead_stop.request_stop();
  leader.join();
  if (lost) {
    log_error("lost the leader lease: could not renew within the renew deadline",
              {field("lease", e.lease_path), field("identity", e.config.identity)});
    return false;
  }
  e.release();
  return true;
}

}  // namespace zpo::runtime
