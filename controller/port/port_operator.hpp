#pragma once
// The ZenlayerPort operator as main.cpp wires it: reconcile() for the controller's workers, run_observer()
// for the thread that makes the batched DescribePorts calls. Everything behind it lives in the other headers
// of this folder (decide.hpp is the heart).

#include <chrono>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>

#include "kube/event_recorder.hpp"
#include "kube/informer.hpp"
#include "kube/rest_client.hpp"
#include "port/decide.hpp"
#include "port/operator_credentials.hpp"
#include "runtime/controller.hpp"
#include "runtime/metrics.hpp"
#include "runtime/work_queue.hpp"
#include "zenlayer/cpprest_transport.hpp"
#include "zenlayer/credentials.hpp"
#include "zenlayer/endpoint.hpp"
#include "zenlayer/rate_limiter.hpp"

namespace zpo::port {

struct OperatorSettings {
  // Resync, per-stage polling, stuck timeout, error retry and terminate grace (--resync-period and the
  // others).
  DecideSettings decide{};
  // Gather port ids this long before one DescribePorts round.
  std::chrono::milliseconds observe_batch_window{100};
};

struct CloudSettings {
  zenlayer::Endpoint endpoint = zenlayer::Endpoint::parse(zenlayer::kDefaultEndpoint);  // --zenlayer-endpoint
  // The environment's, or --zenlayer-credentials-dir's (re-read as the mounted Secret changes); may be none.
  OperatorCredentials operator_credentials{};
  zenlayer::TransportOptions transport{};  // timeouts; the endpoint is set from `endpoint`
  zenlayer::RateLimit rate_limit{};        // --zenlayer-qps / --zenlayer-burst, per account
};

class PortOperator {
 public:
  PortOperator(kube::RestClient& client, kube::Informer& informer, kube::EventRecorder& events,
               runtime::WorkQueue& queue, runtime::MetricsRegistry& metrics, CloudSettings cloud,
               OperatorSettings settings);
  ~PortOperator();
  PortOperator(const PortOperator&) = delete;
  PortOperator& operator=(const PortOperator&) = delete;

  // Throws on a failed Kubernetes write: the controller backs the key off.
  runtime::ReconcileResult reconcile(const std::string& key, const std::stop_token& stop);
  // The batched DescribePorts loop; blocks until `stop`.
  void run_observer(const std::stop_token& stop);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zpo::port
