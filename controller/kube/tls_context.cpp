#include "kube/tls_context.hpp"

#include <boost/asio/buffer.hpp>

namespace zpo::kube {

namespace ssl = boost::asio::ssl;

std::shared_ptr<ssl::context> make_tls_context(const ClusterConfig& config) {
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  boost::system::error_code ec;
  if (config.insecure_skip_tls_verify) {
    context->set_verify_mode(ssl::verify_none);
  } else {
    context->set_verify_mode(ssl::verify_peer);
    if (!config.certificate_authority_pem.empty()) {
      context->add_certificate_authority(boost::asio::buffer(config.certificate_authority_pem), ec);
      if (ec) throw ConfigError("the cluster's certificate authority is not a usable PEM certificate");
    } else {
      context->set_default_verify_paths(ec);
      if (ec) throw ConfigError("cannot load the system's trusted certificate authorities: " + ec.message());
    }
  }
  if (!config.client_certificate_pem.empty()) {
    context->use_certificate_chain(boost::asio::buffer(config.client_certificate_pem), ec);
    if (ec) throw ConfigError("the client certificate is not a usable PEM certificate");
    context->use_private_key(boost::asio::buffer(config.client_key_pem), ssl::context::pem, ec);
    if (ec) throw ConfigError("the client key is not a usable PEM private key matching the certificate");
  }
  return context;
}

}  // namespace zpo::kube
