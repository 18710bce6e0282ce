// zenlayer-port-operator: flags and wiring only. The behaviour lives in kube/ (the API client and informer),
// runtime/ (queue, workers, leader election, probes, metrics, logs) and port/ (the ZenlayerPort decision).

#include <malloc.h>

#include <cstdio>
#include <iostream>
#include <optional>
#include <thread>

#include "kube/cluster_config.hpp"
#include "kube/event_recorder.hpp"
#include "kube/informer.hpp"
#include "kube/rest_client.hpp"
#include "operator_flags.hpp"
#include "port/port_operator.hpp"
#include "runtime/controller.hpp"
#include "runtime/http_endpoint.hpp"
#include "runtime/leader_election.hpp"
#include "runtime/log.hpp"
#include "runtime/metrics.hpp"
#include "runtime/process_metrics.hpp"
#include "runtime/signals.hpp"
#include "runtime/work_queue.hpp"
#include "zenlayer/cpprest_transport.hpp"
#include "zenlayer/credentials.hpp"

namespace {

using namespace zpo;

constexpr int kExitBadConfiguration = 2;
constexpr int kExitLeadershipLost = 1;

// How often the files of --zenlayer-credentials-dir are read again: the kubelet updates a mounted Secret
// within a minute or so; a few seconds more is nothing, and the files are not read per call.
constexpr auto kCredentialsRecheck = std::chrono::seconds(5);

port::OperatorCredentials operator_credentials(const OperatorFlags& flags) {
  if (flags.zenlayer_credentials_dir)
    return port::OperatorCredentials::from_directory(*flags.zenlayer_credentials_dir, kCredentialsRecheck,
                                                     std::chrono::system_clock::now());
  try {
    return port::OperatorCredentials(zenlayer::Credentials::from_environment());
  } catch (const zenlayer::CredentialsError& e) {
    // Resources may still name their own Secret; the others get a clear status condition.
    runtime::log_warn(
        "no operator credentials; only ZenlayerPorts with spec.credentialsSecretRef can be handled",
        {runtime::field("reason", e.what())});
    return port::OperatorCredentials();
  }
}

kube::LogSink kube_log_sink() {
  return [](std::string_view level, std::string_view message,
            const std::vector<std::pair<std::string, std::string>>& fields) {
    std::vector<runtime::LogField> out;
    out.reserve(fields.size());
    for (const auto& [k, v] : fields)
      out.push_back(runtime::field(k, v));
    runtime::LogLevel parsed = runtime::LogLevel::Info;
    runtime::parse_log_level(level, parsed);
    runtime::log(parsed, message, out);
  };
}

// "0" disables a server, as in controller-runtime.
std::unique_ptr<runtime::HttpEndpointServer> serve(const std::string& address, const char* endpoint,
                                                   std::map<std::string, runtime::HttpHandler> handlers) {
  if (address == "0") return nullptr;
  auto server = std::make_unique<runtime::HttpEndpointServer>(address, std::move(handlers));
  const auto colon = address.rfind(':');
  const std::string host = colon == 0 ? "0.0.0.0" : address.substr(0, colon);
  runtime::log_info("serving",
                    {runtime::field("endpoint", endpoint),
                     runtime::field("address", host + ":" + std::to_string(server->bound_port()))});
  return server;
}

int run(const OperatorFlags& flags, std::stop_source& stop) {
  const kube::ClusterConfig cluster = kube::resolve_cluster_config(
      flags.kubeconfig ? std::optional<std::filesystem::path>(*flags.kubeconfig) : std::nullopt);
  runtime::log_info("kubernetes API", {runtime::field("server", cluster.describe())});

  port::CloudSettings cloud;
  cloud.endpoint = zenlayer::Endpoint::parse(flags.zenlayer_endpoint);
  cloud.operator_credentials = operator_credentials(flags);
  cloud.transport.request_timeout = flags.zenlayer_timeout;
  cloud.rate_limit.queries_per_second = flags.zenlayer_qps;
  cloud.rate_limit.burst = flags.zenlayer_burst;

  port::OperatorSettings settings;
  settings.decide = {.resync_period = flags.resync_period,
                     .poll_interval = flags.poll_interval,
                     .max_poll_interval = flags.max_poll_interval,
                     .stuck_timeout = flags.stuck_timeout,
                     .error_retry_interval = flags.error_retry_interval,
                     .terminate_grace = flags.terminate_grace};

  const std::string identity = flags.identity.empty() ? runtime::make_leader_identity() : flags.identity;
  kube::RestClient client(cluster);
  runtime::MetricsRegistry metrics;
  runtime::register_process_metrics(metrics);
  runtime::WorkQueue queue({.metrics = &metrics});

  kube::InformerOptions informer_options;
  informer_options.collection_path =
      flags.namespace_.empty()
          ? "/apis/sdn.zenlayer.com/v1alpha1/zenlayerports"
          : "/apis/sdn.zenlayer.com/v1alpha1/namespaces/" + flags.namespace_ + "/zenlayerports";
  informer_options.label_selector = kube::LabelSelector::parse(flags.label_selector);
  informer_options.log = kube_log_sink();
  kube::Informer informer(client, informer_options);
  runtime::log_info(
      "watching ZenlayerPorts",
      {runtime::field("namespace", flags.namespace_.empty() ? "(all)" : flags.namespace_),
       runtime::field("labelSelector", flags.label_selector.empty() ? "(all)" : flags.label_selector)});
  informer.on_change([&queue](const std::string& key) { queue.add(key); });
  // Events wait while reconciles queue up (in a mass deletion they are a third of the API requests), in a
  // queue that holds two per port of a 10,000-port release wave.
  kube::EventRecorderOptions event_options;
  event_options.busy = [&queue] { return queue.depth() > 0; };
  event_options.queue_capacity = 20000;
  kube::EventRecorder events(client, "zenlayer-port-operator", identity, kube_log_sink(), event_options);
  port::PortOperator ports(client, informer, events, queue, metrics, cloud, settings);

  auto health =
      serve(flags.health_probe_bind_address, "health",
            {{"/healthz",
              [] {
                return runtime::HttpReply{200, "text/plain; charset=utf-8", "ok"};
              }},
             {"/readyz", [&informer] {
                return informer.has_synced()
                           ? runtime::HttpReply{200, "text/plain; charset=utf-8", "ok"}
                           : runtime::HttpReply{503, "text/plain; charset=utf-8", "cache not synced"};
              }}});
  auto metrics_server =
      serve(flags.metrics_bind_address, "metrics",
            {{"/metrics", [&metrics] {
                return runtime::HttpReply{200, "text/plain; version=0.0.4", metrics.render()};
              }}});

  // The cache runs whether or not we lead, so a new leader starts with it warm (as controller-runtime does).
  std::jthread informer_thread([&informer](std::stop_token s) { informer.run(s); });

  // What only the leader does: observe ports and reconcile. Returns when `lead_stop` is requested, after the
  // in-flight reconciles have finished.
  auto lead = [&](const std::stop_token& lead_stop) {
    while (!informer.has_synced() && !lead_stop.stop_requested())
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    for (const auto& key : informer.keys())
      queue.add(key);
    std::jthread observer([&ports](std::stop_token s) { ports.run_observer(s); });
    std::stop_callback forward(lead_stop, [&observer] { observer.request_stop(); });
    runtime::log_info("reconciling", {runtime::field("workers", static_cast<long long>(flags.workers))});
    runtime::Controller controller(
        queue, [&ports](const std::string& key, const std::stop_token& s) { return ports.reconcile(key, s); },
        {.workers = flags.workers, .metrics = &metrics});
    controller.run(lead_stop);
  };

  int exit_code = 0;
  if (flags.leader_elect) {
    runtime::LeaderElectionConfig election;
    election.lease_namespace =
        flags.leader_election_namespace.empty() ? cluster.default_namespace : flags.leader_election_namespace;
    election.lease_name = flags.leader_election_id;
    election.identity = identity;
    election.lease_duration = flags.lease_duration;
    election.renew_deadline = flags.renew_deadline;
    election.retry_period = flags.retry_period;
    runtime::LeaderElector elector(client, election);
    if (!elector.run(stop.get_token(), lead)) {
      runtime::log_error("leader lease lost; exiting so a fresh process campaigns again",
                         {runtime::field("identity", identity)});
      exit_code = kExitLeadershipLost;
    }
  } else {
    lead(stop.get_token());
  }
  informer_thread.request_stop();
  informer_thread.join();
  runtime::log_info("stopped", {runtime::field("exitCode", static_cast<long long>(exit_code))});
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  // glibc gives each of the HTTP client's many threads its own malloc arena (up to 8 per core); a burst of
  // deletions then leaves every arena holding freed memory. Two arenas keep the peak near the working set.
  mallopt(M_ARENA_MAX, 2);
  // Before any thread starts: the signal mask is inherited.
  std::stop_source stop = runtime::install_stop_signals();
  const auto parsed = parse_operator_flags(std::vector<std::string>(argv, argv + argc));
  if (const auto* help = std::get_if<FlagsHelp>(&parsed)) {
    std::cout << help->text << '\n';
    return 0;
  }
  if (const auto* error = std::get_if<FlagsError>(&parsed)) {
    std::cerr << "zenlayer-port-operator: " << error->message << "\nRun with --help for the flags.\n";
    return kExitBadConfiguration;
  }
  const auto& flags = std::get<OperatorFlags>(parsed);
  // After the signal mask is set: the pool's threads start now and inherit it.
  zenlayer::size_cpprest_thread_pool();
  runtime::configure_logging(flags.log_format, flags.log_level);
  try {
    return run(flags, stop);
  } catch (const kube::ConfigError& e) {
    runtime::log_error("cannot reach Kubernetes", {runtime::field("error", e.what())});
  } catch (const zenlayer::CredentialsError& e) {
    runtime::log_error("cannot read Zenlayer credentials", {runtime::field("error", e.what())});
  } catch (const std::exception& e) {
    runtime::log_error("cannot start", {runtime::field("error", e.what())});
  }
  return kExitBadConfiguration;
}
