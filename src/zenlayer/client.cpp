#include "zenlayer/client.hpp"

#include "zenlayer/signer.hpp"

namespace zenlayer {

namespace {

using Json = nlohmann::json;

std::string string_field(const Json& object, const char* name) {
  const auto found = object.find(name);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

// The outcome of one attempt: a reply or an error, never both.
struct Outcome {
  int http_status = 0;
  std::optional<ApiReply> reply;
  std::optional<ApiError> error;
};

Outcome interpret(const ApiCall& call, const HttpResponse& response) {
  const auto body = Json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  ApiErrorDetails details{.action = call.action, .http_status = response.status};
  if (body.is_object()) {
    details.request_id = string_field(body, "requestId");
    details.code = string_field(body, "code");
    details.message = string_field(body, "message");
  }
  if (response.status >= 200 && response.status < 300) {
    const auto inner = body.is_object() ? body.find("response") : body.end();
    if (body.is_object() && inner != body.end() && inner->is_object()) {
      auto request_id = string_field(*inner, "requestId");
      if (request_id.empty()) request_id = details.request_id;
      return {response.status, ApiReply{*inner, std::move(request_id)}, std::nullopt};
    }
    // The call went through but its answer is unreadable: for a mutation that is the same as a lost reply.
    details.error_class = ErrorClass::Transport;
    details.may_have_taken_effect = true;
    details.code.clear();
    details.message = "malformed success reply";
    return {response.status, std::nullopt, ApiError(std::move(details))};
  }
  details.error_class =
      classify(response.status, details.code, response.header("cf-mitigated") == "challenge");
  // A 5xx other than 503 (service unavailable, nothing done) may come after the server acted.
  details.may_have_taken_effect = call.mutation && response.status >= 500 && response.status != 503;
  return {response.status, std::nullopt, ApiError(std::move(details))};
}

// Masks every occurrence of the password in an error's texts. They come from the server, and a server (or a
// proxy before it) can echo anything; the texts go to logs and Events, where the password must never appear.
ApiError without_password(const ApiError& error, const SecretString& password) {
  const std::string& secret = password.reveal();
  if (secret.empty()) return error;
  auto details = error.details();
  bool masked = false;
  for (std::string* text : {&details.code, &details.message, &details.request_id}) {
    for (auto at = text->find(secret); at != std::string::npos; at = text->find(secret, at + 3)) {
      text->replace(at, secret.size(), "***");
      masked = true;
    }
  }
  return masked ? ApiError(std::move(details)) : error;
}

ApiError with_cancelled(const ApiError& error) {
  auto details = error.details();
  details.cancelled = true;
  return ApiError(std::move(details));
}

bool retryable(const ApiCall& call, const ApiError& error) {
  if (call.mutation && error.may_have_taken_effect()) return false;
  switch (error.error_class()) {
    case ErrorClass::Throttled:
    case ErrorClass::Transient:
    case ErrorClass::Transport:
      return true;
    default:
      return false;
  }
}

}  // namespace

Client::Client(Credentials credentials, std::shared_ptr<Transport> transport, ClientOptions options,
               std::shared_ptr<Clock> clock)
    : credentials_(std::move(credentials)),
      transport_(std::move(transport)),
      observer_(std::move(options.observer)),
      clock_(std::move(clock)),
      backoff_(options.backoff),
      limiter_(options.rate_limit, *clock_) {}

HttpRequest Client::signed_request(const ApiCall& call, const std::string& body) const {
  const auto host = transport_->endpoint().host_header();
  const auto timestamp =
      std::chrono::duration_cast<std::chrono::seconds>(clock_->wall_time().time_since_epoch()).count();
  const auto to_sign = signer::string_to_sign(timestamp, signer::canonical_request(kContentType, host, body));
  const auto signature = signer::signature(credentials_.access_key_password, to_sign);
  return HttpRequest{
      .path = service_path(call.service),
      .headers = {{"Content-Type", kContentType},
                  {"Host", host},
                  {"X-ZC-Action", call.action},
                  {"X-ZC-Version", call.version},
                  {"X-ZC-Timestamp", std::to_string(timestamp)},
                  {"X-ZC-Signature-Method", signer::kAlgorithm},
                  {"Authorization", signer::authorization(credentials_.access_key_id, signature)}},
      .body = body,
      .idempotent = !call.mutation,
  };
}

ApiReply Client::call(const ApiCall& call, const std::stop_token& stop) {
  const auto body = call.body.dump();
  const auto cancelled_before_sending = [&] {
    return ApiError(ApiErrorDetails{.action = call.action,
                                    .message = "cancelled before sending",
                                    .error_class = ErrorClass::Transport,
                                    .cancelled = true});
  };
  int attempt = 0;
  int retries = 0;
  bool resigned = false;
  while (true) {
    if (!clock_->sleep_for(limiter_.reserve(), stop)) throw cancelled_before_sending();
    ++attempt;
    const auto request = signed_request(call, body);  // signed now, so every retry carries a fresh timestamp
    const auto started = clock_->now();
    Outcome outcome;
    try {
      outcome = interpret(call, transport_->send(request, stop));
    } catch (const TransportError& e) {
      outcome.error = ApiError(ApiErrorDetails{.action = call.action,
                                               .message = e.what(),
                                               .error_class = ErrorClass::Transport,
                                               .may_have_taken_effect = true,
                                               .cancelled = e.cancelled()});
    }
    if (outcome.error) outcome.error = without_password(*outcome.error, credentials_.access_key_password);
    if (observer_) {
      AttemptRecord record{.action = call.action,
                           .attempt = attempt,
                           .http_status = outcome.http_status,
                           .duration = clock_->now() - started};
      if (outcome.reply) {
        record.request_id = outcome.reply->request_id;
      } else {
        record.code = outcome.error->code();
        record.error_class = outcome.error->error_class();
        record.request_id = outcome.error->request_id();
      }
      observer_(record);
    }
    if (outcome.reply) {
      limiter_.on_success();
      return std::move(*outcome.reply);
    }
    const auto& error = *outcome.error;
    if (error.cancelled()) throw error;
    if (error.error_class() == ErrorClass::Throttled) limiter_.on_throttled();
    // The signature aged in a queue or our clock jumped: one fresh signature, no more. Not for a mutation
    // whose reply may come after the server acted (a 5xx carrying that code): its outcome is uncertain
    // whatever the code says, and the caller must observe the port before repeating it.
    if (error.code() == kSignatureExpired && !resigned && !(call.mutation && error.may_have_taken_effect())) {
      resigned = true;
      continue;
    }
    if (!retryable(call, error) || retries + 1 >= backoff_.policy().max_attempts) throw error;
    ++retries;
    if (!clock_->sleep_for(backoff_.delay(retries), stop)) throw with_cancelled(error);
  }
}

}  // namespace zenlayer
