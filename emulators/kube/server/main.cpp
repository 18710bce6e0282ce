// kube-emulator: a local Kubernetes API server for one or more CRDs plus the built-in kinds the operator
// uses. Flags and wiring only; see --help.

#include <signal.h>
#include <stdlib.h>

#include <boost/program_options.hpp>
#include <filesystem>
#include <iostream>
#include <thread>

#include "bearer_tokens.hpp"
#include "client_config_files.hpp"
#include "faults.hpp"
#include "http_server.hpp"
#include "schema_api.hpp"
#include "store.hpp"
#include "tls_certificates.hpp"

namespace po = boost::program_options;

namespace {

constexpr const char* kAdminHelp = R"(
Admin API (JSON, under /admin/, never subject to authentication or faults):
  GET  /admin/faults          current fault settings and pauseRemainingSeconds
  PUT  /admin/faults          change some of them, e.g. {"conflictRate":0.1,"errorRate":0.05,"errorCode":503,
                              "expireWatchRate":0.5,"watchCloseAfterSeconds":5,"pauseAfterSeconds":0,
                              "pauseForSeconds":0}; answers the new settings (400 on a bad value)
  POST /admin/close-watches   end every open watch stream cleanly: {"closed":N}
  POST /admin/expire-watches  end every open watch with an ERROR event (410 Expired): {"expired":N}
  POST /admin/pause           {"seconds":N}: every API request hangs for N seconds from now
  GET  /admin/stats           {"requestsTotal","byVerb":{verb:N},"byResource":{"plural.group[/sub]":{verb:N}},
                              "writesTotal","writes":{"plural.group[/sub]":{create|update|patch|delete|
                              deletecollection:N}},"openWatches","objects","resourceVersion"}
Signals: SIGTERM/SIGINT end every watch and exit 0.
)";

}  // namespace

int main(int argc, char** argv) {
  std::string listen;
  std::vector<std::string> crds;
  std::string kubeconfig_path;
  std::string tls_dir;
  std::vector<std::string> tokens;
  std::string token_file;
  std::string service_account_dir;
  std::size_t history = 0;
  int64_t bookmark_interval_ms = 0;
  uint64_t seed = 0;
  kubeemu::FaultSettings faults;

  po::options_description options(
      "kube-emulator: a local Kubernetes API server (kubectl 1.27-1.33 compatible)");
  options.add_options()("help", "print this help")("listen", po::value(&listen)->default_value("127.0.0.1:0"),
                                                   "HOST:PORT to listen on; port 0 picks a free one. Prints "
                                                   "exactly one line `listening on http://HOST:PORT` "
                                                   "(https with --tls) on stdout once ready")(
      "crd", po::value(&crds)->composing(), "CustomResourceDefinition YAML file to serve (repeatable)")(
      "write-kubeconfig", po::value(&kubeconfig_path),
      "write a kubeconfig for this server (CA data with --tls, the first token, namespace default)")(
      "tls", po::bool_switch(), "serve HTTPS with a CA and server certificate generated at start")(
      "tls-dir", po::value(&tls_dir),
      "with --tls: write ca.crt, tls.crt, tls.key here (default: a new temp dir)")(
      "token", po::value(&tokens)->composing(),
      "require `Authorization: Bearer TOKEN` on every API request (repeatable; 401 otherwise)")(
      "token-file", po::value(&token_file),
      "also accept the token in this file, re-read whenever it changes")(
      "service-account-dir", po::value(&service_account_dir),
      "write token, ca.crt and namespace here, as a pod's service-account mount")(
      "history", po::value(&history)->default_value(10000),
      "watch events kept for resuming watches; older resourceVersions get 410 Expired")(
      "bookmark-interval-ms", po::value(&bookmark_interval_ms)->default_value(10000),
      "minimum interval between BOOKMARK events on an idle watch that asked for them")(
      "log-requests", po::bool_switch(),
      "one line per request on stderr: method, path+query, status, duration")(
      "watch-close-after-s", po::value(&faults.watch_close_after_s)->default_value(0),
      "fault: end every watch stream cleanly after this many seconds (0: never)")(
      "conflict-rate", po::value(&faults.conflict_rate)->default_value(0),
      "fault: fraction of writes answered 409 Conflict")(
      "expire-watch-rate", po::value(&faults.expire_watch_rate)->default_value(0),
      "fault: fraction of watch requests answered with an ERROR 410 Expired event")(
      "error-rate", po::value(&faults.error_rate)->default_value(0),
      "fault: fraction of API requests refused with --error-code")(
      "error-code", po::value(&faults.error_code)->default_value(500),
      "fault: status for --error-rate (500, 503)")(
      "pause-after-s", po::value(&faults.pause_after_s)->default_value(0),
      "fault: with --pause-for-s, start hanging every API request this long after start")(
      "pause-for-s", po::value(&faults.pause_for_s)->default_value(0), "fault: how long that pause lasts")(
      "seed", po::value(&seed)->default_value(1), "seed of the fault-injection RNG");

  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, options), vm);
    po::notify(vm);
    faults = kubeemu::merge_fault_settings(faults, kubeemu::to_json(faults));  // validates the ranges
  } catch (const std::exception& e) {
    std::cerr << "kube-emulator: " << e.what() << "\n" << options << kAdminHelp;
    return 2;
  }
  if (vm.count("help")) {
    std::cout << options << kAdminHelp;
    return 0;
  }

  // Signals are taken by sigwait below; every thread started from here inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  try {
    kubeemu::Store store(history);
    for (const auto& type : kubeemu::builtin_types())
      store.register_type(type);
    for (const auto& file : crds) {
      for (const auto& type : kubeemu::load_crd_file(file))
        store.register_type(type);
    }

    kubeemu::ServerConfig config;
    std::tie(config.host, config.port) = kubeemu::parse_listen_address(listen);
    config.log_requests = vm["log-requests"].as<bool>();
    config.bookmark_interval = std::chrono::milliseconds(bookmark_interval_ms);
    if (vm["tls"].as<bool>()) {
      config.tls = kubeemu::generate_tls_material();
      if (tls_dir.empty()) {
        std::string pattern = (std::filesystem::temp_directory_path() / "kube-emulator-tls-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("cannot create a TLS directory");
        tls_dir = pattern;
        std::cerr << "kube-emulator: TLS files in " << tls_dir << "\n";
      }
      kubeemu::write_tls_files(*config.tls, tls_dir);
    }

    kubeemu::BearerTokens bearer_tokens(tokens, token_file);
    kubeemu::Faults fault_injector(faults, seed);
    kubeemu::HttpServer server(config, store, fault_injector, bearer_tokens);

    kubeemu::ClientAccess access{server.url(), config.tls ? config.tls->ca_pem : "",
                                 bearer_tokens.first_token()};
    if (!kubeconfig_path.empty()) kubeemu::write_kubeconfig(access, kubeconfig_path);
    if (!service_account_dir.empty()) kubeemu::write_service_account_dir(access, service_account_dir);

    std::thread serving([&server] { server.run(); });
    std::cout << "listening on " << server.url() << std::endl;

    int received = 0;
    sigwait(&stop_signals, &received);
    server.stop();
    serving.join();
  } catch (const std::exception& e) {
    std::cerr << "kube-emulator: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
