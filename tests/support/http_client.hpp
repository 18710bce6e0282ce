#pragma once
// One plain HTTP/1.1 exchange (http:// only), for tests that talk to servers they started. A fresh connection
// per call keeps tests independent of the server's keep-alive behaviour.
#include <chrono>
#include <map>
#include <string>

namespace testsupport {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; repeated headers joined with ", "
  std::string body;
};

// Sends `method url` with body and headers and returns the response whatever its status. Host defaults to the
// URL's host:port and can be overridden through headers. Throws std::runtime_error on a malformed URL, a
// connection error, a timeout or a connection closed before a complete response.
HttpResponse http_request(const std::string& method, const std::string& url, const std::string& body = "",
                          const std::map<std::string, std::string>& headers = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace testsupport
