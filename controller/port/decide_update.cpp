// The decision for a live resource whose port is RUNNING or RECYCLED: keep the attributes the spec sets in
// line with ModifyPortAttribute, report immutable fields that differ (never applied), and bring a recycled
// port back with RenewPort when spec.restore asks for it. Only called while the resource is not being
// deleted.

#include <string>
#include <vector>

#include "port/decision.hpp"

namespace zpo::port::detail {

namespace {

// Whether businessEntityName may still change: only until the LOA is uploaded.
bool entity_open(const zenlayer::PortInfo& port) {
  return port.loa_status.empty() || port.loa_status == "LOA_NOT_UPLOAD";
}

bool any(const zenlayer::PortAttributes& changes) {
  return changes.port_name || changes.port_remarks || changes.business_entity_name;
}

// The same text while the same fields are being applied, so that waiting rewrites nothing.
std::string updating(const zenlayer::PortAttributes& changes) {
  std::string fields;
  for (const auto& [set, name] :
       {std::pair{changes.port_name.has_value(), "portName"},
        std::pair{changes.port_remarks.has_value(), "portRemarks"},
        std::pair{changes.business_entity_name.has_value(), "businessEntityName"}}) {
    if (set) fields += (fields.empty() ? "" : ", ") + std::string(name);
  }
  return "ModifyPortAttribute sent for " + fields + "; waiting for the port to show the spec's values";
}

}  // namespace

zenlayer::PortAttributes Decision::attribute_changes(const zenlayer::PortInfo& port, bool& locked) const {
  const auto& spec = resource_.spec;
  zenlayer::PortAttributes changes{port_id(), std::nullopt, std::nullopt, std::nullopt};
  // An attribute the spec does not set is not managed: an adopted port keeps its own.
  if (spec.port_name && *spec.port_name != port.port_name) changes.port_name = spec.port_name;
  if (spec.port_remarks && *spec.port_remarks != port.port_remarks) changes.port_remarks = spec.port_remarks;
  locked = false;
  if (spec.business_entity_name && *spec.business_entity_name != port.business_entity_name) {
    if (entity_open(port)) {
      changes.business_entity_name = spec.business_entity_name;
    } else {
      locked = true;
    }
  }
  return changes;
}

bool Decision::immutable_fields_differ(const zenlayer::PortInfo& port) {
  const auto& spec = resource_.spec;
  std::string problems;
  if (!spec.dc_id.empty() && !port.dc_id.empty() && spec.dc_id != port.dc_id) {
    problems += "spec.dcId is " + spec.dc_id + " but the port is in " + port.dc_id +
                "; dcId cannot change after creation";
  }
  if (!spec.port_type.empty() && !port.port_type.empty() && spec.port_type != port.port_type) {
    problems += std::string(problems.empty() ? "" : "; ") + "spec.portType is " + spec.port_type +
                " but the port is " + port.port_type + "; portType cannot change after creation";
  }
  if (problems.empty()) return false;
  // The spec may well describe another port: nothing at all is changed on this one.
  synced("False", "ImmutableFieldChanged", problems + "; nothing is changed");
  return true;
}

void Decision::running(const zenlayer::PortInfo& port) {
  phase(Phase::Ready);
  ready("True", "PortRunning", "the port is RUNNING");
  requeue(settings().resync_period);
  if (immutable_fields_differ(port)) return;
  bool locked = false;
  const zenlayer::PortAttributes changes = attribute_changes(port, locked);
  if (!any(changes)) {
    if (locked) {
      synced("False", "BusinessEntityLocked",
             "spec.businessEntityName is \"" + resource_.spec.business_entity_name.value_or("") +
                 "\" but the port's is \"" + port.business_entity_name + "\" and its LOA is " +
                 port.loa_status + ": businessEntityName can no longer change");
    }
    return;
  }
  // The cloud may not show the last ModifyPortAttribute yet, or may never show the value as written (a cloud
  // that trims or normalises it): repeats back off from poll_interval to max_poll_interval, so a difference
  // that never goes away costs one call per max_poll_interval, not one per poll.
  const milliseconds window = poll_backoff(reason_since(kSynced, "Updating"), input_.now, settings());
  if (sent_within(kModifyPort, window)) {
    synced("False", "Updating", updating(changes));
    requeue(window - since(*resource_.status.last_operation->time));
    return;
  }
  if (refused_recently(kModifyPort)) return;
  modify(changes);
}

void Decision::modify(const zenlayer::PortAttributes& changes) {
  plan_.action = CloudAction::ModifyPort;
  plan_.modify = changes;
  plan_.status.last_operation = LastOperation{kModifyPort, "", "", now_};
  synced("False", "Updating", updating(changes));
  requeue(settings().poll_interval);
}

void Decision::recycled() {
  phase(Phase::Recycled);
  requeue(settings().resync_period);
  if (!resource_.spec.restore) {
    ready(
        "False", "PortRecycled",
        "the port is in the recycle bin: it was terminated outside this resource; set spec.restore: true to "
        "restore it");
    return;
  }
  spec_pending_ = true;
  if (mutation_in_flight(kRenewPort)) {
    phase(Phase::Pending);
    ready("False", "Restoring", "RenewPort accepted; waiting for the port to leave the recycle bin");
    requeue(poll_backoff(*resource_.status.last_operation->time, input_.now, settings()));
    return;
  }
  if (refused_recently(kRenewPort)) return;
  restore();
}

void Decision::restore() {
  plan_.action = CloudAction::RenewPort;
  plan_.status.last_operation = LastOperation{kRenewPort, "", "", now_};
  phase(Phase::Pending);
  ready("False", "Restoring", "RenewPort sent; waiting for the port to return to RUNNING");
  requeue(settings().poll_interval);
}

}  // namespace zpo::port::detail
