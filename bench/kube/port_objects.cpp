#include "port_objects.hpp"

#include <cstdio>

namespace kubebench {

using nlohmann::json;

std::string port_name(int index) {
  char name[32];
  std::snprintf(name, sizeof name, "edge-port-%05d", index);
  return name;
}

static std::string port_id(int index) {
  char id[40];
  std::snprintf(id, sizeof id, "sdnport-%08x-%04d", 0x5e1f0000u + static_cast<unsigned>(index), index % 9973);
  return id;
}

json port_manifest(int index) {
  json spec = {{"portId", port_id(index)},
               {"deletionPolicy", index % 3 == 0 ? "RecycleBin" : "Delete"},
               {"credentialsSecretRef", {{"name", "zenlayer-credentials"}}}};
  json applied = {{"apiVersion", "sdn.zenlayer.com/v1alpha1"},
                  {"kind", "ZenlayerPort"},
                  {"metadata", {{"name", port_name(index)}, {"namespace", "default"}}},
                  {"spec", spec}};
  return {{"apiVersion", "sdn.zenlayer.com/v1alpha1"},
          {"kind", "ZenlayerPort"},
          {"metadata",
           {{"name", port_name(index)},
            {"labels",
             {{"app.kubernetes.io/managed-by", "argocd"},
              {"app.kubernetes.io/part-of", "edge-network"},
              {"zenlayer.com/region", index % 2 == 0 ? "FRA1" : "SIN1"}}},
            {"annotations", {{"kubectl.kubernetes.io/last-applied-configuration", applied.dump() + "\n"}}},
            {"finalizers", {"sdn.zenlayer.com/port-release"}}}},
          {"spec", spec}};
}

json port_status_patch(int index, int sequence) {
  char request_id[48];
  std::snprintf(request_id, sizeof request_id, "b6c1e8a2-%04x-4d3e-9f1a-%012x", sequence & 0xffff,
                static_cast<unsigned>(index) * 7919u + static_cast<unsigned>(sequence));
  char time[32];
  std::snprintf(time, sizeof time, "2026-11-23T10:%02d:%02dZ", (sequence / 60) % 60, sequence % 60);
  return {{"status",
           {{"phase", "Ready"},
            {"portStatus", "RUNNING"},
            {"portChargeType", "POSTPAID"},
            {"observedGeneration", 1},
            {"conditions",
             {{{"type", "Ready"},
               {"status", "True"},
               {"observedGeneration", 1},
               {"lastTransitionTime", "2026-11-23T10:00:00Z"},
               {"reason", "PortRunning"},
               {"message", "The port is running"}},
              {{"type", "Synced"},
               {"status", "True"},
               {"observedGeneration", 1},
               {"lastTransitionTime", "2026-11-23T10:00:00Z"},
               {"reason", "Observed"},
               {"message", "The port was observed in the cloud"}}}},
            {"lastOperation",
             {{"action", "DescribePorts"}, {"requestId", request_id}, {"code", "OK"}, {"time", time}}}}}};
}

}  // namespace kubebench
