// The only file that includes cpprestsdk. The calling thread waits on a std::future that the last
// continuation fulfils; continuations themselves never block (they only call get() on tasks that have already
// finished).
//
// cpprest's ASIO client resends a request, unasked, when the pooled keep-alive connection it used reports EOF
// or a reset before the status line. Harmless for reads; for a mutation it would repeat a call the server may
// have carried out before dropping the connection. So mutations go through a second http_client whose
// requests say "Connection: close": its connections are never pooled, hence never reused, hence never
// silently resent.
#include "zenlayer/cpprest_transport.hpp"

#include <cpprest/http_client.h>
#include <pplx/threadpool.h>
#include <strings.h>

#include <boost/asio/ssl.hpp>
#include <future>

namespace zenlayer {

namespace {

namespace http = web::http;

class CpprestTransport final : public Transport {
 public:
  explicit CpprestTransport(const TransportOptions& options)
      : options_(options),
        pooled_(options.endpoint.base_url(), make_config(options)),
        single_use_(options.endpoint.base_url(), make_config(options)) {}

  const Endpoint& endpoint() const override { return options_.endpoint; }

  HttpResponse send(const HttpRequest& request, const std::stop_token& stop) override {
    if (stop.stop_requested()) throw TransportError("request cancelled before sending", true);
    pplx::cancellation_token_source cancel;
    auto reply = std::make_shared<std::promise<HttpResponse>>();
    auto future = reply->get_future();
    auto& client = request.idempotent ? pooled_ : single_use_;
    client.request(to_message(request), cancel.get_token())
        .then([](http::http_response response) {
          return response.extract_vector().then(
              [response](std::vector<unsigned char> body) { return to_response(response, std::move(body)); });
        })
        .then([reply](pplx::task<HttpResponse> finished) {
          try {
            reply->set_value(finished.get());  // already finished: get() does not wait
          } catch (...) {
            reply->set_exception(std::current_exception());
          }
        });

    std::stop_callback cancel_on_stop(stop, [&cancel] { cancel.cancel(); });
    if (future.wait_for(options_.request_timeout) == std::future_status::timeout) {
      cancel.cancel();
      // The cancelled task settles promptly; the promise is shared, so giving up on a stuck one is still
      // safe.
      future.wait_for(options_.connect_timeout);
      throw TransportError("no reply within " + std::to_string(options_.request_timeout.count()) + " ms",
                           false);
    }
    try {
      return future.get();
    } catch (const pplx::task_canceled&) {
      throw TransportError("request cancelled", true);
    } catch (const http::http_exception& e) {
      throw TransportError(std::string("HTTP transport failure: ") + e.what(), false);
    } catch (const std::exception& e) {
      throw TransportError(std::string("transport failure: ") + e.what(), false);
    }
  }

 private:
  static http::client::http_client_config make_config(const TransportOptions& options) {
    http::client::http_client_config config;
    config.set_timeout(options.connect_timeout);
    config.set_validate_certificates(options.verify_tls);
    // A signed POST must never be replayed elsewhere by a redirect.
    config.set_max_redirects(0);
    if (options.ca_file) {
      const auto ca_file = options.ca_file->string();
      config.set_ssl_context_callback(
          [ca_file](boost::asio::ssl::context& context) { context.load_verify_file(ca_file); });
    }
    return config;
  }

  static http::http_request to_message(const HttpRequest& request) {
    http::http_request message(http::methods::POST);
    message.set_request_uri(request.path);
    std::string content_type;
    for (const auto& [name, value] : request.headers) {
      // cpprest writes the same Host itself (host, plus :port when not the default). Given explicitly it
      // would also become the TLS name to verify and send as SNI ("127.0.0.1:8443"), which fails on any port
      // but 443.
      if (strcasecmp(name.c_str(), "Host") == 0) continue;
      message.headers().add(name, value);
      if (strcasecmp(name.c_str(), "Content-Type") == 0) content_type = value;
    }
    if (!request.idempotent) message.headers().add("Connection", "close");
    // The same Content-Type as the header above: it is signed, so cpprest must not substitute its default.
    message.set_body(request.body, content_type);
    return message;
  }

  static HttpResponse to_response(const http::http_response& response, std::vector<unsigned char> body) {
    HttpResponse result;
    result.status = response.status_code();
    for (const auto& [name, value] : response.headers())
      result.headers[name] = value;
    result.body.assign(body.begin(), body.end());
    return result;
  }

  TransportOptions options_;
  http::client::http_client pooled_;      // reads: keep-alive connections, resent on a stale one
  http::client::http_client single_use_;  // mutations: one connection per request
};

}  // namespace

void size_cpprest_thread_pool(std::size_t threads) {
  crossplat::threadpool::initialize_with_threads(threads);
}

std::shared_ptr<Transport> make_cpprest_transport(const TransportOptions& options) {
  return std::make_shared<CpprestTransport>(options);
}

}  // namespace zenlayer
