// zenlayer-emulator: flags, wiring and signals only; see --help.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>
#include <iostream>
#include <optional>
#include <thread>
#include <vector>

#include "clock.hpp"
#include "emulator.hpp"
#include "http_server.hpp"
#include "options.hpp"

extern char** environ;

int main(int argc, char** argv) {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    auto eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  std::optional<zenemu::Options> options;
  try {
    options = zenemu::parse_options(argc, argv, env);
  } catch (const std::exception& e) {
    std::cerr << "zenlayer-emulator: " << e.what() << " (see --help)\n";
    return 2;
  }
  if (!options) return 0;

  try {
    zenemu::SystemClock clock;
    zenemu::Emulator emulator(clock, options->config, options->log_calls ? &std::cerr : nullptr);
    boost::asio::io_context ioc(options->threads);
    boost::asio::ip::tcp::endpoint endpoint(boost::asio::ip::make_address(options->host), options->port);
    std::optional<boost::asio::ssl::context> tls;
    if (!options->tls_cert_file.empty()) {
      tls.emplace(boost::asio::ssl::context::tls_server);
      // TLS 1.2 and later only, as kube-emulator and real API endpoints.
      tls->set_options(boost::asio::ssl::context::default_workarounds | boost::asio::ssl::context::no_sslv2 |
                       boost::asio::ssl::context::no_sslv3 | boost::asio::ssl::context::no_tlsv1 |
                       boost::asio::ssl::context::no_tlsv1_1);
      tls->use_certificate_chain_file(options->tls_cert_file);
      tls->use_private_key_file(options->tls_key_file, boost::asio::ssl::context::pem);
    }
    zenemu::HttpServer server(ioc, endpoint, emulator, tls ? &*tls : nullptr);
    server.start();

    boost::asio::signal_set signals(ioc, SIGTERM, SIGINT);
    // Stopping the io_context ends every thread's run(); connections in flight are abandoned, which is what a
    // killed cloud endpoint does too.
    signals.async_wait([&](const boost::system::error_code&, int) { ioc.stop(); });

    auto bound = server.local_endpoint();
    std::cout << "listening on " << (tls ? "https" : "http") << "://" << bound.address().to_string() << ':'
              << bound.port() << std::endl;

    std::vector<std::thread> workers;
    for (int i = 1; i < options->threads; ++i)
      workers.emplace_back([&] { ioc.run(); });
    ioc.run();
    for (auto& t : workers)
      t.join();
  } catch (const std::exception& e) {
    std::cerr << "zenlayer-emulator: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
