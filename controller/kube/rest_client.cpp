#include "kube/rest_client.hpp"

#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/beast/version.hpp>

#include "kube/bearer_token.hpp"
#include "kube/connection_pool.hpp"
#include "kube/http_connection.hpp"
#include "kube/server_url.hpp"
#include "kube/tls_context.hpp"
#include "kube/watch_stream.hpp"

namespace zpo::kube {

namespace {

// Retry rule for a request on a pooled connection that fails: the server may have closed the connection while
// it sat idle, and the request never reached it. A GET is retried once on a new connection when no byte of a
// reply came back. A write is retried only when not one byte of it was sent, since a write the server
// received must never be repeated silently; to make that case rare, writes only take connections idle for
// less than kWriteMaxIdle (servers close idle connections after tens of seconds) that still look open.
constexpr auto kReadMaxIdle = std::chrono::seconds(90);
constexpr auto kWriteMaxIdle = std::chrono::seconds(5);

// A metav1.Status error body is small; a watch refused with something larger is not a Status.
constexpr std::size_t kMaxWatchErrorBody = 1024 * 1024;

std::string_view content_type_for(PatchType type) {
  return type == PatchType::Merge ? "application/merge-patch+json" : "application/json-patch+json";
}

// The status and its reason, and the message of a metav1.Status body when the server sent one.
[[noreturn]] void throw_status(const std::string& what, unsigned code, const std::string& reason_text,
                               const std::string& body) {
  std::string reason = reason_text;
  std::string message = reason_text;
  const auto status = nlohmann::json::parse(body, nullptr, false);
  if (status.is_object() && status.value("kind", "") == "Status") {
    if (status.contains("reason") && status["reason"].is_string())
      reason = status["reason"].get<std::string>();
    if (status.contains("message") && status["message"].is_string()) {
      message = status["message"].get<std::string>();
    }
  }
  throw StatusError(
      static_cast<int>(code), reason,
      what + ": " + std::to_string(code) + " " + reason + (message.empty() ? "" : ": " + message));
}

}  // namespace

StatusError::StatusError(int code, std::string reason, std::string message)
    : std::runtime_error(std::move(message)), code_(code), reason_(std::move(reason)) {}

struct RestClient::Impl {
  Impl(const ClusterConfig& config, RestOptions opts)
      : options(std::move(opts)),
        url(parse_url(config.server)),
        tls_context(url.tls ? make_tls_context(config) : nullptr),
        token(config.token, config.token_file),
        pool(url,
             TlsSettings{tls_context.get(), !config.insecure_skip_tls_verify,
                         config.tls_server_name.empty() ? url.host : config.tls_server_name},
             options.connect_timeout, options.max_idle_connections) {}

  static ServerUrl parse_url(const std::string& server) {
    try {
      return parse_server_url(server);
    } catch (const std::invalid_argument& e) {
      throw ConfigError(e.what());
    }
  }

  HttpRequest make_request(http::verb verb, const std::string& path, std::string body,
                           std::string_view content_type) {
    HttpRequest request(verb, url.path_prefix + path, 11);
    request.set(http::field::host, url.host_header);
    request.set(http::field::user_agent, options.user_agent);
    request.set(http::field::accept, "application/json");
    const std::string bearer = token.current();
    if (!bearer.empty()) request.set(http::field::authorization, "Bearer " + bearer);
    if (!content_type.empty()) request.set(http::field::content_type, std::string(content_type));
    request.keep_alive(true);
    request.body() = std::move(body);
    if (verb != http::verb::get || !request.body().empty()) request.prepare_payload();
    return request;
  }

  HttpResponse send(http::verb verb, const std::string& path, const std::string& body,
                    std::string_view content_type) {
    const std::string what = std::string(http::to_string(verb)) + " " + path;
    const bool idempotent = verb == http::verb::get;
    bool token_retried = false;
    while (true) {
      HttpRequest request = make_request(verb, path, body, content_type);
      HttpResponse response = exchange(request, idempotent, what);
      // A 401 means the request was not served: with a rotated token file, one retry with the new token is
      // safe.
      if (response.result_int() == 401 && !token_retried && token.refresh_after_unauthorized()) {
        token_retried = true;
        continue;
      }
      return response;
    }
  }

  HttpResponse exchange(HttpRequest& request, bool idempotent, const std::string& what) {
    ConnectionPool::Lease lease;
    try {
      lease = pool.acquire(idempotent ? kReadMaxIdle : kWriteMaxIdle);
    } catch (const TransportError& e) {
      throw TransportError(what + ": " + e.what());
    }
    try {
      HttpResponse response = lease.connection->exchange(request, options.request_timeout);
      pool.release(std::move(lease.connection));
      return response;
    } catch (const ExchangeFailure& failure) {
      const bool retry = lease.reused && !failure.reply_started() && (idempotent || !failure.request_sent());
      if (!retry) throw TransportError(what + ": " + failure.what());
    }
    try {
      auto connection = pool.connect();
      HttpResponse response = connection->exchange(request, options.request_timeout);
      pool.release(std::move(connection));
      return response;
    } catch (const TransportError& e) {
      throw TransportError(what + ": " + e.what());
    }
  }

  nlohmann::json call(http::verb verb, const std::string& path, const std::string& body = {},
                      std::string_view content_type = {}) {
    const HttpResponse response = send(verb, path, body, content_type);
    const std::string what = std::string(http::to_string(verb)) + " " + path;
    const unsigned code = response.result_int();
    if (code < 200 || code > 299) throw_status(what, code, std::string(response.reason()), response.body());
    if (response.body().empty()) return nullptr;
    auto parsed = nlohmann::json::parse(response.body(), nullptr, false);
    if (parsed.is_discarded()) {
      throw TransportError(what + ": the reply (" + std::to_string(code) + ", " +
                           std::to_string(response.body().size()) + " bytes) is not JSON");
    }
    return parsed;
  }

  void watch(const std::string& path, const std::function<void(const WatchEvent&)>& on_event,
             const std::stop_token& stop, std::chrono::seconds idle_timeout) {
    const std::string what = "GET " + path;
    bool token_retried = false;
    while (!stop.stop_requested()) {
      // A watch holds its connection for minutes and ends it abruptly when stopped: never a pooled one.
      std::unique_ptr<HttpConnection> connection;
      try {
        connection = pool.connect();
      } catch (const TransportError& e) {
        throw TransportError(what + ": " + e.what());
      }
      // Declared after the connection, so destroyed (and finished running) before it.
      std::stop_callback cancel_on_stop(stop, [&connection] { connection->cancel(); });
      try {
        HttpRequest request = make_request(http::verb::get, path, {}, {});
        connection->send(request, options.request_timeout);
        const unsigned code = connection->read_stream_header(options.request_timeout);
        if (code < 200 || code > 299) {
          std::string body;
          read_error_body(*connection, body);
          if (code == 401 && !token_retried && token.refresh_after_unauthorized()) {
            token_retried = true;
            continue;
          }
          throw_status(what, code, reason_text(code), body);
        }
        stream_events(*connection, on_event, stop, idle_timeout);
        return;
      } catch (const TransportError& e) {
        if (stop.stop_requested()) return;  // the cancellation, not a failure
        throw TransportError(what + ": " + e.what());
      }
    }
  }

  void read_error_body(HttpConnection& connection, std::string& body) {
    while (body.size() < kMaxWatchErrorBody &&
           connection.read_stream_body(body, options.request_timeout) == HttpConnection::BodyRead::Data) {
    }
  }

  static std::string reason_text(unsigned code) {
    return std::string(http::obsolete_reason(static_cast<http::status>(code)));
  }

  // Splits the body into newline-delimited JSON events as the bytes arrive.
  static void stream_events(HttpConnection& connection,
                            const std::function<void(const WatchEvent&)>& on_event,
                            const std::stop_token& stop, std::chrono::seconds idle_timeout) {
    WatchLineSplitter lines;
    while (!stop.stop_requested()) {
      const auto read = connection.read_stream_body(lines.buffer(), idle_timeout);
      if (!lines.deliver_complete(on_event, stop)) return;
      if (read == HttpConnection::BodyRead::Cancelled) return;
      if (read == HttpConnection::BodyRead::End) {
        lines.deliver_rest(on_event);
        return;
      }
    }
  }

  const RestOptions options;
  const ServerUrl url;
  const std::shared_ptr<boost::asio::ssl::context> tls_context;
  BearerToken token;
  ConnectionPool pool;
};

RestClient::RestClient(ClusterConfig config, RestOptions options)
    : config_(std::move(config)), impl_(std::make_unique<Impl>(config_, std::move(options))) {}

RestClient::~RestClient() = default;

nlohmann::json RestClient::get(const std::string& path) {
  return impl_->call(http::verb::get, path);
}

nlohmann::json RestClient::create(const std::string& path, const nlohmann::json& object) {
  return impl_->call(http::verb::post, path, object.dump(), "application/json");
}

nlohmann::json RestClient::replace(const std::string& path, const nlohmann::json& object) {
  return impl_->call(http::verb::put, path, object.dump(), "application/json");
}

nlohmann::json RestClient::patch(const std::string& path, PatchType type, const nlohmann::json& patch) {
  return impl_->call(http::verb::patch, path, patch.dump(), content_type_for(type));
}

nlohmann::json RestClient::remove(const std::string& path) {
  return impl_->call(http::verb::delete_, path);
}

void RestClient::watch(const std::string& path, const std::function<void(const WatchEvent&)>& on_event,
                       const std::stop_token& stop, std::chrono::seconds idle_timeout) {
  impl_->watch(path, on_event, stop, idle_timeout);
}

std::string query_escape(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    const auto u = static_cast<unsigned char>(c);
    // RFC 3986 unreserved characters stay; everything else is %XX (a space too, never '+').
    if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xF]);
    }
  }
  return out;
}

}  // namespace zpo::kube
