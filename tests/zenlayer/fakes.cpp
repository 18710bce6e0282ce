#include "fakes.hpp"

namespace zenlayer::testing {

std::string header_of(const HttpRequest& request, const std::string& name) {
  for (const auto& [key, value] : request.headers) {
    if (!CaseInsensitiveLess{}(key, name) && !CaseInsensitiveLess{}(name, key)) return value;
  }
  return {};
}

Step reply(int status, nlohmann::json body, std::map<std::string, std::string, CaseInsensitiveLess> headers) {
  return [status, body = std::move(body), headers = std::move(headers)](const HttpRequest&) {
    return HttpResponse{status, headers, body.dump()};
  };
}

Step success(const std::string& request_id, nlohmann::json fields) {
  fields["requestId"] = request_id;
  return reply(200, {{"requestId", request_id}, {"response", fields}});
}

Step failure(int status, const std::string& code, const std::string& request_id) {
  return reply(status, {{"requestId", request_id}, {"code", code}, {"message", "scripted " + code}});
}

Step raw_reply(int status, std::string body) {
  return [status, body = std::move(body)](const HttpRequest&) { return HttpResponse{status, {}, body}; };
}

Step connection_lost() {
  return [](const HttpRequest&) -> HttpResponse { throw TransportError("connection reset by peer", false); };
}

}  // namespace zenlayer::testing
