#pragma once
// The OpenSSL client context for one cluster: whom to trust (its CA, else the system's store), whether to
// verify at all, and the client certificate. Shared by every connection of a RestClient.

#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "kube/cluster_config.hpp"

namespace zpo::kube {

// Throws ConfigError when the CA, certificate or key is not usable PEM (without quoting them).
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const ClusterConfig& config);

}  // namespace zpo::kube
