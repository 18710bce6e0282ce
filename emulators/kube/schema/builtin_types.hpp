#pragma once
// The built-in kinds the emulator serves besides CRDs, each described once in a table (builtin_types.cpp):
// its ResourceType (names, scope, a permissive openapi schema, admission) and the row printer the real
// apiserver's pkg/printers/internalversion uses for it. Adding a kind (Deployments, ServiceAccounts, RBAC …)
// is one more entry.

#include <functional>
#include <string>
#include <vector>

#include "human_time.hpp"
#include "resource_type.hpp"

namespace kubeemu {

// core v1 namespaces (cluster-scoped, /status), secrets, configmaps, events; events.k8s.io/v1 events;
// coordination.k8s.io/v1 leases. For these, ResourceType::columns is the complete column list (Name included,
// wherever the real printer puts it), and builtin_row_printer() renders the matching cells.
std::vector<ResourceType> builtin_types();

// Cells of one object's table row, in the order of the kind's columns (the server always prints "wide":
// columns with priority 1 have cells too).
using RowPrinter = std::function<std::vector<json>(const json& object, Clock::time_point now)>;

// The printer of a built-in kind, or nullptr for kinds without one.
const RowPrinter* builtin_row_printer(const std::string& group, const std::string& kind);

}  // namespace kubeemu
