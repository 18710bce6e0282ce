#include "port/port_operator.hpp"

#include <mutex>
#include <random>

#include "port/cloud_access.hpp"
#include "port/port_metrics.hpp"
#include "port/port_observer.hpp"
#include "port/reconciler.hpp"
#include "port/resource_store.hpp"

namespace zpo::port {

namespace {

// Requeue delays are spread ±20% so ports deleted together do not poll in lockstep forever.
class Jitter {
 public:
  double operator()() {
    std::lock_guard lock(mutex_);
    return std::uniform_real_distribution<double>(0.8, 1.2)(random_);
  }

 private:
  std::mutex mutex_;
  std::mt19937_64 random_{std::random_device{}()};
};

}  // namespace

struct PortOperator::Impl {
  Impl(kube::RestClient& client, kube::Informer& informer, kube::EventRecorder& events,
       runtime::WorkQueue& queue, runtime::MetricsRegistry& registry, CloudSettings cloud,
       OperatorSettings settings)
      : registry(registry),
        metrics(registry),
        store(client, informer, events),
        access([&client](const std::string& path) { return client.get(path); },
               [this, cloud](const zenlayer::Credentials& credentials) -> std::shared_ptr<CloudPorts> {
                 zenlayer::ClientOptions options;
                 options.rate_limit = cloud.rate_limit;
                 options.observer = [this](const zenlayer::AttemptRecord& attempt) {
                   metrics.on_attempt(attempt);
                 };
                 return std::make_shared<ZenlayerCloudPorts>(
                     std::make_unique<zenlayer::Client>(credentials, transport(cloud), options));
               },
               cloud.operator_credentials, [] { return std::chrono::system_clock::now(); }),
        observer(ObserverHooks{[&queue](const std::string& key) { queue.add(key); },
                               [] { return std::chrono::system_clock::now(); },
                               [this](std::size_t ids) { metrics.on_describe(ids); }},
                 settings.observe_batch_window),
        reconciler(ReconcilerDeps{store, access, observer, [] { return std::chrono::system_clock::now(); },
                                  [this] { return jitter(); }, &metrics,
                                  [&queue](const std::string& key, std::chrono::nanoseconds after) {
                                    queue.add_after(key, after);
                                  }},
                   settings.decide) {
    collector = registry.add_collector([this] { metrics.set_ports_by_phase(reconciler.phases()); });
  }
  ~Impl() { registry.remove_collector(collector); }

  // One transport (connection pool) for every account.
  std::shared_ptr<zenlayer::Transport> transport(const CloudSettings& cloud) {
    std::lock_guard lock(transport_mutex);
    if (!shared_transport) {
      zenlayer::TransportOptions options = cloud.transport;
      options.endpoint = cloud.endpoint;
      shared_transport = zenlayer::make_cpprest_transport(options);
    }
    return shared_transport;
  }

  runtime::MetricsRegistry& registry;
  PortMetrics metrics;
  Jitter jitter;
  std::mutex transport_mutex;
  std::shared_ptr<zenlayer::Transport> shared_transport;
  KubeResourceStore store;
  CloudAccessResolver access;
  PortObserver observer;
  Reconciler reconciler;
  std::size_t collector = 0;
};

PortOperator::PortOperator(kube::RestClient& client, kube::Informer& informer, kube::EventRecorder& events,
                           runtime::WorkQueue& queue, runtime::MetricsRegistry& metrics, CloudSettings cloud,
                           OperatorSettings settings)
    : impl_(std::make_unique<Impl>(client, informer, events, queue, metrics, std::move(cloud), settings)) {}

PortOperator::~PortOperator() = default;

runtime::ReconcileResult PortOperator::reconcile(const std::string& key, const std::stop_token& stop) {
  return impl_->reconciler.reconcile(key, stop);
}

void PortOperator::run_observer(const std::stop_token& stop) {
  auto last_prune = std::chrono::steady_clock::now();
  while (!stop.stop_requested()) {
    impl_->observer.observe_round(stop, std::chrono::seconds(1));
    if (std::chrono::steady_clock::now() - last_prune > std::chrono::minutes(1)) {
      impl_->access.prune(std::chrono::minutes(10));
      last_prune = std::chrono::steady_clock::now();
    }
  }
}

}  // namespace zpo::port
