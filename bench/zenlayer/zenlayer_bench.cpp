// Costs of the Zenlayer client: signing one request, one exchange through the cpprest transport, and
// observing N ports with DescribePorts (batches of 100), against a local zenlayer-emulator (no injected
// latency: client + loopback cost).
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <memory>
#include <nlohmann/json.hpp>

#include "support/child_process.hpp"
#include "support/http_client.hpp"
#include "zenlayer/client.hpp"
#include "zenlayer/cpprest_transport.hpp"
#include "zenlayer/sdn_ports.hpp"
#include "zenlayer/signer.hpp"

namespace {

using namespace zenlayer;

constexpr const char* kId = "AKID-bench";
constexpr const char* kPassword = "bench-Pa55word";

// A DescribePorts body with `ids` port ids, as the client sends it.
std::string describe_body(int ids) {
  nlohmann::json port_ids = nlohmann::json::array();
  for (int i = 0; i < ids; ++i)
    port_ids.push_back("port-" + std::to_string(100000 + i));
  return nlohmann::json{{"portIds", port_ids}, {"pageNum", 1}, {"pageSize", 100}}.dump();
}

void BM_SignRequest(benchmark::State& state) {
  const auto body = describe_body(static_cast<int>(state.range(0)));
  const SecretString password(kPassword);
  std::int64_t timestamp = 1673361177;
  for (auto _ : state) {
    const auto canonical = signer::canonical_request(kContentType, "console.zenlayer.com", body);
    const auto signature = signer::signature(password, signer::string_to_sign(timestamp++, canonical));
    benchmark::DoNotOptimize(signer::authorization(kId, signature));
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
  state.SetLabel(std::to_string(body.size()) + " B body");
}
BENCHMARK(BM_SignRequest)->Arg(1)->Arg(100);

// One emulator for the whole run, seeded with 1000 ports.
struct Emulator {
  Emulator()
      : process(
            testsupport::ChildProcess::start({ZENLAYER_EMULATOR_PATH, "--listen", "127.0.0.1:0",
                                              "--access-key-id", kId, "--access-key-password", kPassword})),
        url(process.wait_for_listening()) {
    const auto seeded = testsupport::http_request("POST", url + "/admin/ports", R"({"count":1000})",
                                                  {{"Content-Type", "application/json"}});
    port_ids = nlohmann::json::parse(seeded.body).at("portIds").get<std::vector<std::string>>();
  }
  static Emulator& instance() {
    static Emulator emulator;
    return emulator;
  }

  testsupport::ChildProcess process;
  std::string url;
  std::vector<std::string> port_ids;
};

void BM_DescribePorts(benchmark::State& state) {
  auto& emulator = Emulator::instance();
  const std::vector<std::string> ids(emulator.port_ids.begin(), emulator.port_ids.begin() + state.range(0));
  Client client(Credentials{kId, SecretString(kPassword)},
                make_cpprest_transport({.endpoint = Endpoint::parse(emulator.url)}),
                ClientOptions{.rate_limit = {.queries_per_second = 1e9, .burst = 1e9}});
  SdnPorts ports(client);
  std::size_t calls = 0;
  for (auto _ : state) {
    const auto result = ports.describe_ports(ids);
    if (result.ports.size() != ids.size()) state.SkipWithError("emulator returned the wrong number of ports");
    calls += result.request_ids.size();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["calls/op"] = static_cast<double>(calls) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_DescribePorts)->Arg(1)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond)->UseRealTime();

double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// One unsigned request through the transport (the emulator answers 401): the transport's own cost, on a
// pooled keep-alive connection (a read) or on a connection of its own (a mutation).
void BM_TransportRoundTrip(benchmark::State& state) {
  auto& emulator = Emulator::instance();
  const auto transport = make_cpprest_transport({.endpoint = Endpoint::parse(emulator.url)});
  const HttpRequest request{
      .path = "/api/v2/sdn",
      .headers = {{"Content-Type", "application/json"}, {"X-ZC-Action", "DescribePorts"}},
      .body = "{}",
      .idempotent = state.range(0) == 1};
  const double cpu0 = process_cpu_seconds();
  for (auto _ : state)
    benchmark::DoNotOptimize(transport->send(request, {}));
  state.counters["processCpuUs/op"] =
      (process_cpu_seconds() - cpu0) * 1e6 / static_cast<double>(state.iterations());
  state.SetLabel(state.range(0) == 1 ? "pooled (read)" : "own connection (mutation)");
}
BENCHMARK(BM_TransportRoundTrip)->Arg(1)->Arg(0)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  zenlayer::size_cpprest_thread_pool();  // as the operator sizes it
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
}
