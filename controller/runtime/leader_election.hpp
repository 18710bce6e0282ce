#pragma once
// Leader election on a coordination.k8s.io/v1 Lease, with client-go's rules: a candidate takes the lease when
// it is free or its holder has not renewed it within leaseDurationSeconds (measured on our own clock from
// when we last saw it change, never by comparing clocks); the leader renews every retry period and gives up
// when it could not renew within the renew deadline; every write carries the resourceVersion it read, so two
// candidates cannot both win. A clean shutdown releases the lease (holderIdentity emptied,
// leaseDurationSeconds 1) so the next leader starts at once.

#include <chrono>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>

#include "kube/rest_client.hpp"

namespace zpo::runtime {

struct LeaderElectionConfig {
  std::string lease_namespace{};
  std::string lease_name = "zenlayer-port-operator";
  std::string identity{};  // unique per process: hostname + "_" + random suffix
  std::chrono::milliseconds lease_duration{15000};
  std::chrono::milliseconds renew_deadline{10000};
  std::chrono::milliseconds retry_period{2000};
};

// Added to the seam: client-go's identity for a candidate, "<hostname>_<random hex>", unique per process.
std::string make_leader_identity();

class LeaderElector {
 public:
  LeaderElector(kube::RestClient& client, LeaderElectionConfig config);

  // Blocks until `stop` or until leadership is lost. While leading, `lead` runs on its own thread with a stop
  // token that is requested when leadership is lost or `stop` is requested; run() waits for `lead` to return,
  // then releases the lease (on `stop`) and returns. Returns true when it ended because of `stop`, false when
  // leadership was lost (the caller then exits, as controller-runtime does, so a fresh process campaigns
  // again).
  bool run(const std::stop_token& stop, const std::function<void(const std::stop_token&)>& lead);

  bool is_leader() const;

  ~LeaderElector();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zpo::runtime
