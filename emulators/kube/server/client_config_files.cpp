#include "client_config_files.hpp"

#include <openssl/evp.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace kubeemu {

namespace {

std::string base64(const std::string& data) {
  std::vector<unsigned char> out(4 * ((data.size() + 2) / 3) + 1);
  const int n = EVP_EncodeBlock(out.data(), reinterpret_cast<const unsigned char*>(data.data()),
                                static_cast<int>(data.size()));
  return std::string(reinterpret_cast<const char*>(out.data()), static_cast<std::size_t>(n));
}

void write_private_file(const std::filesystem::path& path, const std::string& content) {
  std::filesystem::create_directories(path.parent_path().empty() ? "." : path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + path.string());
  out.close();
  // The files carry the token: owner only.
  std::filesystem::permissions(path,
                               std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

}  // namespace

std::string kubeconfig_yaml(const ClientAccess& access) {
  const std::string name = "kube-emulator";
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "apiVersion" << YAML::Value << "v1";
  out << YAML::Key << "kind" << YAML::Value << "Config";
  out << YAML::Key << "clusters" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << name;
  out << YAML::Key << "cluster" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "server" << YAML::Value << access.server_url;
  if (!access.ca_pem.empty()) {
    out << YAML::Key << "certificate-authority-data" << YAML::Value << base64(access.ca_pem);
  } else {
    out << YAML::Key << "insecure-skip-tls-verify" << YAML::Value << true;
  }
  out << YAML::EndMap << YAML::EndMap << YAML::EndSeq;
  out << YAML::Key << "contexts" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << name;
  out << YAML::Key << "context" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "cluster" << YAML::Value << name;
  out << YAML::Key << "user" << YAML::Value << name;
  out << YAML::Key << "namespace" << YAML::Value << access.ns;
  out << YAML::EndMap << YAML::EndMap << YAML::EndSeq;
  out << YAML::Key << "current-context" << YAML::Value << name;
  out << YAML::Key << "preferences" << YAML::Value << YAML::BeginMap << YAML::EndMap;
  out << YAML::Key << "users" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << name;
  out << YAML::Key << "user" << YAML::Value << YAML::BeginMap;
  if (!access.token.empty()) out << YAML::Key << "token" << YAML::Value << access.token;
  out << YAML::EndMap << YAML::EndMap << YAML::EndSeq;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

void write_kubeconfig(const ClientAccess& access, const std::string& path) {
  write_private_file(path, kubeconfig_yaml(access));
}

void write_service_account_dir(const ClientAccess& access, const std::string& dir) {
  const std::filesystem::path base(dir);
  std::filesystem::create_directories(base);
  write_private_file(base / "token", access.token);
  write_private_file(base / "namespace", access.ns);
  if (!access.ca_pem.empty()) write_private_file(base / "ca.crt", access.ca_pem);
}

}  // namespace kubeemu
