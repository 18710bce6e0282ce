// kube_emulator_bench: starts kube-emulator, fills it with realistic ZenlayerPorts, and prints a table of its
// resident memory and of how many watch events per second it fans out to many watchers.

#include <boost/beast/http/verb.hpp>
#include <boost/program_options.hpp>
#include <chrono>
#include <cinttypes>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>
#include <vector>

#include "api_connection.hpp"
#include "port_objects.hpp"
#include "resident_memory.hpp"
#include "support/child_process.hpp"
#include "watch_fanout.hpp"

namespace po = boost::program_options;
namespace http = boost::beast::http;
using kubebench::ApiConnection;
using kubebench::Endpoint;

namespace {

struct Options {
  std::string emulator;
  std::string crd;
  int ports = 10000;
  int watchers = 100;
  int writes = 2000;
  int writer_threads = 4;
};

// Creates ports [0, count) and writes each one's status, as users applying manifests and the operator
// observing them would. Returns the seconds it took.
double create_ports(const Endpoint& endpoint, int count, int threads) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> writers;
  std::mutex failure_mutex;
  std::string failure;
  for (int w = 0; w < threads; ++w) {
    writers.emplace_back([&, w] {
      try {
        ApiConnection connection(endpoint);
        for (int i = w; i < count; i += threads) {
          auto created =
              connection.request(http::verb::post, kubebench::kPortsPath, kubebench::port_manifest(i).dump());
          if (created.status != 201) throw std::runtime_error("create failed: " + created.body);
          auto status = connection.request(
              http::verb::patch,
              std::string(kubebench::kPortsPath) + "/" + kubebench::port_name(i) + "/status",
              kubebench::port_status_patch(i, 0).dump(), "application/merge-patch+json");
          if (status.status != 200) throw std::runtime_error("status patch failed: " + status.body);
        }
      } catch (const std::exception& e) {
        std::lock_guard lock(failure_mutex);
        failure = e.what();
      }
    });
  }
  for (auto& t : writers)
    t.join();
  if (!failure.empty()) throw std::runtime_error(failure);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string list_resource_version(const Endpoint& endpoint) {
  auto reply =
      ApiConnection(endpoint).request(http::verb::get, std::string(kubebench::kPortsPath) + "?limit=1");
  return nlohmann::json::parse(reply.body).at("metadata").at("resourceVersion").get<std::string>();
}

void row(const char* metric, const std::string& value) {
  std::printf("%-44s %s\n", metric, value.c_str());
}

std::string mib(uint64_t kib) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(kib) / 1024.0);
  return text;
}

std::string count_in(uint64_t count, double seconds, const char* unit) {
  char text[96];
  std::snprintf(text, sizeof text, "%" PRIu64 " in %.2f s (%.0f %s/s)", count, seconds,
                seconds > 0 ? static_cast<double>(count) / seconds : 0.0, unit);
  return text;
}

int run(const Options& options) {
  auto emulator =
      testsupport::ChildProcess::start({options.emulator, "--listen", "127.0.0.1:0", "--crd", options.crd});
  const Endpoint endpoint = kubebench::parse_http_url(emulator.wait_for_listening());

  std::printf(
      "kube-emulator benchmark: %d ZenlayerPorts, %d watchers, %d status patches over %d connections\n\n",
      options.ports, options.watchers, options.writes, options.writer_threads);
  row("metric", "value");
  row("resident memory, empty", mib(kubebench::resident_kib(emulator.pid())));

  const double create_seconds = create_ports(endpoint, options.ports, options.writer_threads);
  row("ports created (POST + status PATCH each)", count_in(options.ports, create_seconds, "ports"));
  row("resident memory with the ports stored", mib(kubebench::resident_kib(emulator.pid())));

  kubebench::FanoutOptions fanout;
  fanout.watchers = options.watchers;
  fanout.writes = options.writes;
  fanout.writer_threads = options.writer_threads;
  fanout.ports = options.ports;
  fanout.resource_version = list_resource_version(endpoint);
  const auto result = kubebench::measure_watch_fanout(endpoint, fanout);
  row("fan-out: watchers failed", std::to_string(result.watchers_failed));
  row("fan-out: status patches", count_in(result.writes_ok, result.write_seconds, "writes"));
  row("fan-out: events received / expected",
      std::to_string(result.events_received) + " / " + std::to_string(result.events_expected));
  row("fan-out: events delivered (all watchers)",
      count_in(result.events_received, result.delivery_seconds, "events"));
  row("resident memory after the fan-out", mib(kubebench::resident_kib(emulator.pid())));

  emulator.signal(SIGTERM);
  const int code = emulator.wait();
  row("emulator exit code on SIGTERM", std::to_string(code));
  return result.events_received == result.events_expected && result.watchers_failed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  po::options_description flags("kube_emulator_bench: watch fan-out and memory of kube-emulator");
  flags.add_options()("help", "this text")("emulator",
                                           po::value(&options.emulator)->default_value(KUBE_EMULATOR_PATH),
                                           "the kube-emulator binary")(
      "crd", po::value(&options.crd)->default_value(ZENLAYERPORT_CRD_PATH), "the ZenlayerPort CRD file")(
      "ports", po::value(&options.ports)->default_value(10000), "ZenlayerPorts to create before measuring")(
      "watchers", po::value(&options.watchers)->default_value(100), "concurrent watches on the collection")(
      "writes", po::value(&options.writes)->default_value(2000), "status patches during the fan-out")(
      "writer-threads", po::value(&options.writer_threads)->default_value(4), "writer connections");
  po::variables_map vars;
  try {
    po::store(po::parse_command_line(argc, argv, flags), vars);
    po::notify(vars);
  } catch (const po::error& e) {
    std::cerr << e.what() << "\n" << flags;
    return 2;
  }
  if (vars.count("help")) {
    std::cout << flags;
    return 0;
  }
  try {
    return run(options);
  } catch (const std::exception& e) {
    std::cerr << "kube_emulator_bench: " << e.what() << "\n";
    return 1;
  }
}
