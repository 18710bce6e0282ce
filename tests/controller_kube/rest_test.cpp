// The REST client against the real kube-emulator binary: CRUD through the kubeconfig it writes, patches, the
// status subresource, errors as StatusError, watches (events, bookmarks, stop, server-side end, idle
// timeout), TLS with a bearer token (and the failures a wrong CA, host name or token must give), token file
// rotation, a pooled connection whose server went away, and many threads sharing one client.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>
#include <vector>

#include "kube/cluster_config.hpp"
#include "kube/rest_client.hpp"
#include "support/child_process.hpp"
#include "support/http_client.hpp"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using testing::HasSubstr;
using testing::Not;
using testsupport::ChildProcess;
using zpo::kube::ClusterConfig;
using zpo::kube::PatchType;
using zpo::kube::RestClient;
using zpo::kube::StatusError;
using zpo::kube::TransportError;
using zpo::kube::WatchEvent;

constexpr const char* kPorts = "/apis/sdn.zenlayer.com/v1alpha1/namespaces/default/zenlayerports";
constexpr const char* kToken = "emulator-bearer-token-1234";

struct TempDir {
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "zpo-rest-test-XXXXXX").string();
    path = mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path); }
  fs::path path;
};

void write_file(const fs::path& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

// A kube-emulator child process and the kubeconfig it wrote.
struct Emulator {
  explicit Emulator(std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {KUBE_EMULATOR_BIN, "--crd", ZENLAYERPORT_CRD, "--write-kubeconfig",
                                     kubeconfig().string()};
    if (std::find(extra.begin(), extra.end(), "--listen") == extra.end()) {
      argv.insert(argv.end(), {"--listen", "127.0.0.1:0"});
    }
    argv.insert(argv.end(), extra.begin(), extra.end());
    process = std::make_unique<ChildProcess>(ChildProcess::start(argv));
    url = process->wait_for_listening();
  }
  fs::path kubeconfig() const { return dir.path / "kubeconfig"; }
  ClusterConfig config() const { return zpo::kube::load_kubeconfig(kubeconfig()); }
  json admin(const std::string& action) {
    const auto r = testsupport::http_request("POST", url + "/admin/" + action, "{}",
                                             {{"Content-Type", "application/json"}});
    return json::parse(r.body);
  }

  TempDir dir;
  std::unique_ptr<ChildProcess> process;
  std::string url;
};

json port(const std::string& name) {
  return {{"apiVersion", "sdn.zenlayer.com/v1alpha1"},
          {"kind", "ZenlayerPort"},
          {"metadata", {{"name", name}}},
          {"spec", {{"portId", "port-" + name}}}};
}

std::string path_of(const std::string& name) {
  return std::string(kPorts) + "/" + name;
}

StatusError status_error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const StatusError& e) {
    return e;
  }
  return StatusError(0, "none", "no StatusError thrown");
}

// Events collected by a watch running on its own thread.
class WatchRecorder {
 public:
  WatchRecorder(RestClient& client, const std::string& path,
                std::chrono::seconds idle = std::chrono::seconds(30)) {
    thread_ = std::jthread([this, &client, path, idle](std::stop_token stop) {
      try {
        client.watch(
            path,
            [this](const WatchEvent& e) {
              std::lock_guard lock(mutex_);
              events_.push_back(e);
              changed_.notify_all();
            },
            stop, idle);
      } catch (const std::exception& e) {
        std::lock_guard lock(mutex_);
        error_ = e.what();
      }
      std::lock_guard lock(mutex_);
      ended_ = std::chrono::steady_clock::now();
      changed_.notify_all();
    });
  }

  // Waits until `done(events)` holds; false after 10 s.
  bool wait_for(const std::function<bool(const std::vector<WatchEvent>&)>& done) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(10), [&] {
      return done(events_) || ended_.has_value();
    }) && done(events_);
  }
  bool has(const std::string& type) {
    return wait_for([&](const auto& events) {
      return std::any_of(events.begin(), events.end(), [&](const WatchEvent& e) { return e.type == type; });
    });
  }
  // Waits for the watch to return; how long it took from `since`, or nullopt after 10 s.
  std::optional<std::chrono::milliseconds> wait_ended(std::chrono::steady_clock::time_point since) {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, std::chrono::seconds(10), [&] { return ended_.has_value(); }))
      return std::nullopt;
    return std::chrono::duration_cast<std::chrono::milliseconds>(*ended_ - since);
  }
  void stop() { thread_.request_stop(); }
  std::string error() {
    std::lock_guard lock(mutex_);
    return error_;
  }
  std::vector<WatchEvent> events() {
    std::lock_guard lock(mutex_);
    return events_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<WatchEvent> events_;
  std::string error_;
  std::optional<std::chrono::steady_clock::time_point> ended_;
  std::jthread thread_;  // last: joined before the members it uses go away
};

class RestOverHttp : public ::testing::Test {
 protected:
  Emulator emulator_{{"--bookmark-interval-ms", "200"}};
  RestClient client_{emulator_.config()};
};

TEST_F(RestOverHttp, CreateGetPatchDelete) {
  const json created = client_.create(kPorts, port("a"));
  EXPECT_EQ(created["metadata"]["name"], "a");
  EXPECT_FALSE(created["metadata"]["uid"].get<std::string>().empty());
  EXPECT_EQ(client_.get(path_of("a"))["spec"]["portId"], "port-a");

  const json merged =
      client_.patch(path_of("a"), PatchType::Merge, {{"metadata", {{"labels", {{"team", "net"}}}}}});
  EXPECT_EQ(merged["metadata"]["labels"]["team"], "net");
  const json patched =
      client_.patch(path_of("a"), PatchType::Json,
                    json::array({{{"op", "test"}, {"path", "/metadata/labels/team"}, {"value", "net"}},
                                 {{"op", "add"}, {"path", "/metadata/labels/tier"}, {"value", "1"}}}));
  EXPECT_EQ(patched["metadata"]["labels"]["tier"], "1");

  const json status =
      client_.patch(path_of("a") + "/status", PatchType::Merge, {{"status", {{"phase", "Ready"}}}});
  EXPECT_EQ(status["status"]["phase"], "Ready");
  EXPECT_EQ(client_.get(path_of("a"))["status"]["phase"], "Ready");

  const json removed = client_.remove(path_of("a"));
  EXPECT_TRUE(removed.is_object());
  EXPECT_TRUE(status_error_of([&] { client_.get(path_of("a")); }).not_found());
}

TEST_F(RestOverHttp, AFailingJsonPatchTestIsRefused) {
  client_.create(kPorts, port("guarded"));
  const StatusError e = status_error_of([&] {
    client_.patch(
        path_of("guarded"), PatchType::Json,
        json::array({{{"op", "test"}, {"path", "/metadata/finalizers"}, {"value", json::array({"x"})}},
                     {{"op", "add"}, {"path", "/metadata/labels"}, {"value", {{"a", "b"}}}}}));
  });
  EXPECT_EQ(e.code(), 422) << e.what();
  EXPECT_EQ(e.reason(), "Invalid");
  EXPECT_FALSE(client_.get(path_of("guarded"))["metadata"].contains("labels"));
}

TEST_F(RestOverHttp, ErrorsCarryStatusVerbAndPath) {
  const StatusError missing = status_error_of([&] { client_.get(path_of("nope")); });
  EXPECT_TRUE(missing.not_found());
  EXPECT_EQ(missing.reason(), "NotFound");
  EXPECT_THAT(missing.what(), HasSubstr(std::string("GET ") + kPorts + "/nope: 404 NotFound: "));
  EXPECT_THAT(missing.what(), HasSubstr("\"nope\" not found"));

  client_.create(kPorts, port("twice"));
  const StatusError exists = status_error_of([&] { client_.create(kPorts, port("twice")); });
  EXPECT_EQ(exists.code(), 409);
  EXPECT_EQ(exists.reason(), "AlreadyExists");
  EXPECT_THAT(exists.what(), HasSubstr(std::string("POST ") + kPorts));
}

TEST_F(RestOverHttp, ReplaceWithAStaleResourceVersionConflicts) {
  json object = client_.create(kPorts, port("r"));
  client_.patch(path_of("r"), PatchType::Merge, {{"metadata", {{"labels", {{"x", "1"}}}}}});
  object["spec"]["portId"] = "port-other";
  const StatusError e = status_error_of([&] { client_.replace(path_of("r"), object); });
  EXPECT_TRUE(e.conflict()) << e.what();
  EXPECT_EQ(e.reason(), "Conflict");

  object = client_.get(path_of("r"));
  object["spec"]["portId"] = "port-other";
  EXPECT_EQ(client_.replace(path_of("r"), object)["spec"]["portId"], "port-other");
}

TEST_F(RestOverHttp, AnUnparsableReplyIsATransportError) {
  try {
    client_.get("/healthz");
    FAIL() << "no error";
  } catch (const TransportError& e) {
    EXPECT_THAT(e.what(), HasSubstr("GET /healthz: the reply (200, 2 bytes) is not JSON"));
  }
}

TEST_F(RestOverHttp, WatchDeliversEveryEventTypeIncludingBookmarks) {
  const std::string rv = client_.get(kPorts)["metadata"]["resourceVersion"];
  WatchRecorder watch(client_,
                      std::string(kPorts) + "?watch=true&allowWatchBookmarks=true&resourceVersion=" + rv);
  client_.create(kPorts, port("w"));
  client_.patch(path_of("w"), PatchType::Merge, {{"metadata", {{"labels", {{"x", "1"}}}}}});
  client_.remove(path_of("w"));
  ASSERT_TRUE(watch.has("DELETED")) << watch.error();
  ASSERT_TRUE(watch.has("BOOKMARK")) << watch.error();
  const auto events = watch.events();
  ASSERT_GE(events.size(), 4u);
  EXPECT_EQ(events[0].type, "ADDED");
  EXPECT_EQ(events[0].object["metadata"]["name"], "w");
  EXPECT_EQ(events[1].type, "MODIFIED");
  EXPECT_EQ(events[1].object["metadata"]["labels"]["x"], "1");
  EXPECT_EQ(events[2].type, "DELETED");
  EXPECT_FALSE(events.back().object["metadata"]["resourceVersion"].get<std::string>().empty());
  watch.stop();
  EXPECT_TRUE(watch.wait_ended(std::chrono::steady_clock::now()));
  EXPECT_EQ(watch.error(), "");
}

TEST_F(RestOverHttp, StopEndsAWatchPromptly) {
  const std::string rv = client_.get(kPorts)["metadata"]["resourceVersion"];
  client_.create(kPorts, port("s"));
  WatchRecorder watch(client_, std::string(kPorts) + "?watch=true&resourceVersion=" + rv);
  ASSERT_TRUE(watch.has("ADDED")) << watch.error();  // the watch is open and idle now
  const auto asked = std::chrono::steady_clock::now();
  watch.stop();
  const auto took = watch.wait_ended(asked);
  ASSERT_TRUE(took);
  std::cout << "watch stopped " << took->count() << " ms after the request\n";
  EXPECT_LT(took->count(), 1000);
  EXPECT_EQ(watch.error(), "");
}

TEST_F(RestOverHttp, TheServerEndingTheStreamEndsTheWatch) {
  const std::string rv = client_.get(kPorts)["metadata"]["resourceVersion"];
  client_.create(kPorts, port("c"));
  WatchRecorder watch(client_, std::string(kPorts) + "?watch=true&resourceVersion=" + rv);
  ASSERT_TRUE(watch.has("ADDED")) << watch.error();
  EXPECT_EQ(emulator_.admin("close-watches")["closed"], 1);
  EXPECT_TRUE(watch.wait_ended(std::chrono::steady_clock::now()));
  EXPECT_EQ(watch.error(), "");
}

TEST_F(RestOverHttp, AnExpiredWatchIsAnErrorEvent) {
  const std::string rv = client_.get(kPorts)["metadata"]["resourceVersion"];
  client_.create(kPorts, port("e"));
  WatchRecorder watch(client_, std::string(kPorts) + "?watch=true&resourceVersion=" + rv);
  ASSERT_TRUE(watch.has("ADDED")) << watch.error();
  EXPECT_EQ(emulator_.admin("expire-watches")["expired"], 1);
  ASSERT_TRUE(watch.has("ERROR"));
  EXPECT_EQ(watch.events().back().object["code"], 410);
}

TEST_F(RestOverHttp, AWatchWithoutBytesTimesOut) {
  const std::string rv = client_.get(kPorts)["metadata"]["resourceVersion"];
  WatchRecorder watch(client_, std::string(kPorts) + "?watch=true&resourceVersion=" + rv,
                      std::chrono::seconds(1));
  ASSERT_TRUE(watch.wait_ended(std::chrono::steady_clock::now()));
  EXPECT_THAT(watch.error(), HasSubstr("no data for 1000 ms"));
  EXPECT_THAT(watch.error(), HasSubstr(std::string("GET ") + kPorts));
}

TEST_F(RestOverHttp, ARefusedWatchIsAStatusError) {
  const StatusError e = status_error_of([&] {
    client_.watch(
        "/apis/sdn.zenlayer.com/v1alpha1/namespaces/default/nosuchthings?watch=true",
        [](const WatchEvent&) {}, std::stop_token());
  });
  EXPECT_EQ(e.code(), 404) << e.what();
}

TEST_F(RestOverHttp, ManyThreadsShareOneClient) {
  client_.create(kPorts, port("shared"));
  std::atomic<int> ok{0};
  std::atomic<int> failed{0};
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < 50; ++i) {
          try {
            if (client_.get(path_of("shared"))["spec"]["portId"] == "port-shared") ++ok;
          } catch (const std::exception& e) {
            ++failed;
            std::cerr << e.what() << "\n";
          }
        }
      });
    }
  }
  EXPECT_EQ(ok, 400);
  EXPECT_EQ(failed, 0);
}

TEST(RestConnections, NoServerIsATransportErrorNamingTheRequest) {
  ClusterConfig config;
  {
    Emulator gone;
    config = gone.config();
  }
  RestClient client(config, {.connect_timeout = std::chrono::milliseconds(2000)});
  try {
    client.get(kPorts);
    FAIL() << "no error";
  } catch (const TransportError& e) {
    EXPECT_THAT(e.what(), HasSubstr(std::string("GET ") + kPorts + ": cannot connect to 127.0.0.1:"));
  }
}

TEST(RestConnections, APooledConnectionToARestartedServerIsReplaced) {
  auto first = std::make_unique<Emulator>();
  RestClient client(first->config());
  client.create(kPorts, port("before"));
  const std::string address = first->url.substr(std::string("http://").size());
  first->process->signal(SIGTERM);
  ASSERT_EQ(first->process->wait(), 0);
  Emulator second({"--listen", address});
  // The idle connection to the first server is closed; both a read and a write go through on new connections.
  EXPECT_TRUE(status_error_of([&] { client.get(path_of("before")); }).not_found());
  EXPECT_EQ(client.create(kPorts, port("after"))["metadata"]["name"], "after");
}

TEST(RestTokenFile, ARotatedTokenIsReReadAfterA401) {
  TempDir dir;
  const fs::path token = dir.path / "token";
  write_file(token, "first-token\n");
  Emulator emulator({"--token-file", token.string()});
  ClusterConfig config;
  config.server = emulator.url;
  config.token_file = token;
  RestClient client(config);
  EXPECT_NO_THROW(client.get(kPorts));
  write_file(token, "second-rotated-token\n");
  EXPECT_NO_THROW(client.get(kPorts));
  EXPECT_EQ(client.create(kPorts, port("rotated"))["metadata"]["name"], "rotated");

  ClusterConfig wrong = config;
  wrong.token_file = dir.path / "wrong";
  write_file(wrong.token_file, "not-the-token");
  RestClient refused(wrong);
  const StatusError e = status_error_of([&] { refused.get(kPorts); });
  EXPECT_EQ(e.code(), 401);
  EXPECT_THAT(e.what(), Not(HasSubstr("not-the-token")));
}

class RestOverTls : public ::testing::Test {
 protected:
  TempDir tls_dir_;  // before the emulator that writes into it
  Emulator emulator_{{"--tls", "--tls-dir", tls_dir_.path.string(), "--token", kToken}};
};

TEST_F(RestOverTls, TheWrittenKubeconfigCarriesCaAndToken) {
  EXPECT_EQ(emulator_.url.rfind("https://127.0.0.1:", 0), 0u);
  RestClient client(emulator_.config());
  EXPECT_EQ(client.create(kPorts, port("tls"))["metadata"]["name"], "tls");
  EXPECT_EQ(client.get(path_of("tls"))["spec"]["portId"], "port-tls");
  WatchRecorder watch(client, std::string(kPorts) + "?watch=true&resourceVersion=0");
  EXPECT_TRUE(watch.has("ADDED")) << watch.error();
  watch.stop();
  EXPECT_TRUE(watch.wait_ended(std::chrono::steady_clock::now()));
  EXPECT_EQ(watch.error(), "");
}

TEST_F(RestOverTls, AWrongTokenIs401WithoutTheToken) {
  ClusterConfig config = emulator_.config();
  config.token = "wrong-token-value";
  RestClient client(config);
  const StatusError e = status_error_of([&] { client.get(kPorts); });
  EXPECT_EQ(e.code(), 401);
  EXPECT_THAT(e.what(), Not(HasSubstr("wrong-token-value")));
  EXPECT_THAT(e.what(), Not(HasSubstr(kToken)));
}

TEST_F(RestOverTls, AnUntrustedCertificateFails) {
  ClusterConfig config = emulator_.config();
  config.certificate_authority_pem.clear();  // the system's store does not know the emulator's CA
  RestClient client(config);
  try {
    client.get(kPorts);
    FAIL() << "no error";
  } catch (const TransportError& e) {
    EXPECT_THAT(e.what(), HasSubstr("TLS handshake"));
    EXPECT_THAT(e.what(), HasSubstr("certificate verify failed"));
  }
}

TEST_F(RestOverTls, TheHostNameIsVerified) {
  ClusterConfig config = emulator_.config();
  config.tls_server_name = "api.elsewhere.example";
  RestClient client(config);
  EXPECT_THROW(client.get(kPorts), TransportError);
  config.tls_server_name = "localhost";  // in the certificate's names
  RestClient renamed(config);
  EXPECT_NO_THROW(renamed.get(kPorts));
}

TEST_F(RestOverTls, InsecureSkipVerifyNeedsNoCa) {
  ClusterConfig config = emulator_.config();
  config.certificate_authority_pem.clear();
  config.insecure_skip_tls_verify = true;
  RestClient client(config);
  EXPECT_NO_THROW(client.get(kPorts));
}

TEST_F(RestOverTls, AServerThatStopsAnsweringIsATimeoutAndLaterRequestsRecover) {
  RestClient client(emulator_.config(), {.request_timeout = std::chrono::milliseconds(500)});
  client.create(kPorts, port("paused"));
  RestClient admin(emulator_.config());
  EXPECT_EQ(admin.create("/admin/pause", {{"seconds", 2}})["pausedForSeconds"], 2);
  try {
    client.get(path_of("paused"));
    FAIL() << "no error";
  } catch (const TransportError& e) {
    EXPECT_THAT(e.what(), HasSubstr("timed out after 500 ms"));
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_EQ(client.get(path_of("paused"))["spec"]["portId"], "port-paused");
}

// Figures for the report, not assertions: 1000 GETs of one object over a keep-alive connection.
void print_latency(RestClient& client, const std::string& label) {
  client.create(kPorts, port("timed"));
  const auto start = std::chrono::steady_clock::now();
  constexpr int kRequests = 1000;
  for (int i = 0; i < kRequests; ++i)
    client.get(path_of("timed"));
  const auto us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
  std::cout << label << ": " << kRequests << " GETs in " << us / 1000 << " ms, " << us / kRequests
            << " us per request\n";
}

TEST_F(RestOverHttp, LatencyFigures) {
  print_latency(client_, "http");
}

TEST_F(RestOverTls, LatencyFigures) {
  RestClient client(emulator_.config());
  print_latency(client, "https");
}

}  // namespace
