// zenlayerctl: one Zenlayer port command per run. Flags and wiring only; the commands are in commands.cpp.
#include <boost/program_options.hpp>
#include <iostream>

#include "commands.hpp"
#include "zenlayer/cpprest_transport.hpp"
#include "zenlayer/credentials.hpp"
#include "zenlayer/sdn_ports.hpp"

namespace po = boost::program_options;

namespace {

constexpr const char* kUsage = R"(usage: zenlayerctl [options] COMMAND [ARGS]

Commands:
  describe [PORT_ID...]        the ports (every port of the account when no id is given)
  terminate PORT_ID            TerminatePort: move a RUNNING port to the recycle bin
  destroy PORT_ID              DestroyPort: release a RECYCLED port for good
  renew PORT_ID                RenewPort: bring a RECYCLED port back to RUNNING
  wait PORT_ID STATUS          poll until the port reports STATUS (GONE: no longer listed)

Credentials come from ZENLAYERCLOUD_ACCESS_KEY_ID / ZENLAYERCLOUD_ACCESS_KEY_PASSWORD, or from
--credentials-dir (a directory with files accessKeyId and accessKeyPassword, as a mounted Secret).
)";

}  // namespace

int main(int argc, char** argv) {
  po::options_description flags("Options");
  flags.add_options()("help,h", "show this help")(
      "endpoint", po::value<std::string>()->default_value(zenlayer::kDefaultEndpoint), "API endpoint URL")(
      "credentials-dir", po::value<std::string>(), "read the access key from this directory")(
      "poll-ms", po::value<int>()->default_value(500), "wait: poll interval in milliseconds")(
      "timeout-s", po::value<int>()->default_value(120), "wait: give up after this many seconds")(
      "command", po::value<std::vector<std::string>>(), "command and its arguments");
  po::positional_options_description positional;
  positional.add("command", -1);

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(flags).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "zenlayerctl: " << e.what() << "\n" << kUsage;
    return 2;
  }
  if (vm.count("help") || !vm.count("command")) {
    std::cout << kUsage << "\n" << flags;
    return vm.count("help") ? 0 : 2;
  }
  const auto words = vm["command"].as<std::vector<std::string>>();
  const std::string& command = words[0];
  const std::vector<std::string> args(words.begin() + 1, words.end());

  try {
    const auto credentials =
        vm.count("credentials-dir")
            ? zenlayer::Credentials::from_directory(vm["credentials-dir"].as<std::string>())
            : zenlayer::Credentials::from_environment();
    zenlayer::TransportOptions transport;
    transport.endpoint = zenlayer::Endpoint::parse(vm["endpoint"].as<std::string>());
    zenlayer::Client client(credentials, zenlayer::make_cpprest_transport(transport));
    zenlayer::SdnPorts ports(client);

    if (command == "describe") {
      zenlayerctl::describe(ports, args, std::cout);
      return 0;
    }
    if ((command == "terminate" || command == "destroy" || command == "renew") && args.size() == 1) {
      zenlayerctl::mutate(ports, command, args[0], std::cout);
      return 0;
    }
    if (command == "wait" && args.size() == 2) {
      const bool reached =
          zenlayerctl::wait_for(ports, args[0], args[1], std::chrono::milliseconds(vm["poll-ms"].as<int>()),
                                std::chrono::seconds(vm["timeout-s"].as<int>()), std::cout);
      if (!reached)
        std::cerr << "zenlayerctl: timed out waiting for " << args[0] << " to be " << args[1] << "\n";
      return reached ? 0 : 1;
    }
    std::cerr << "zenlayerctl: bad command line\n" << kUsage;
    return 2;
  } catch (const zenlayer::ApiError& e) {
    std::cerr << "zenlayerctl: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "zenlayerctl: " << e.what() << "\n";
    return 1;
  }
}
