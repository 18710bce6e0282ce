-- Argo CD health check for sdn.zenlayer.com/ZenlayerPort (Argo CD runs it with Lua 5.1; `obj` is the live object).
-- Single source: argocd/argocd-cm.yaml embeds this file (tests/argocd checks it byte for byte), and
-- tests/argocd/test_health.py runs it under lua5.1 against a sample of every phase and condition reason.
--
--   Healthy      phase Ready, Ready condition True, nothing outstanding on the port
--   Progressing  no status yet; Pending; being deleted; a spec generation the operator has not applied yet;
--                a restore requested; an update on its way
--   Degraded     Blocked or Failed; a port terminated (Recycled) or destroyed outside Git; anything the operator
--                waits on a person for: credentials refused or missing, an immutable field changed, a refused
--                modify or restore, a port status it does not know
-- The message always starts with the phase and carries the Ready (or Synced) condition's reason and message.
-- Argo CD itself reports any object with metadata.deletionTimestamp as Progressing "Pending deletion" before
-- a custom check runs; the deletion branches below serve other tools that run this script, and keep the
-- script's answer right whatever the caller does.

local hs = {}

local function condition(type)
  if obj.status.conditions == nil then
    return nil
  end
  for _, c in ipairs(obj.status.conditions) do
    if c.type == type then
      return c
    end
  end
  return nil
end

-- "Phase (Reason): message", leaving out what is not there.
local function describe(phase, c)
  local text = phase
  if c ~= nil and c.reason ~= nil and c.reason ~= "" then
    text = text .. " (" .. c.reason .. ")"
  end
  if c ~= nil and c.message ~= nil and c.message ~= "" then
    text = text .. ": " .. c.message
  end
  return text
end

-- The Synced condition's problem, if it has one (a cloud error while the port waits, say), after `text`.
local function with_synced(text, synced)
  if synced ~= nil and synced.status == "False" then
    return text .. "; " .. describe("Synced", synced)
  end
  return text
end

local function answer(status, message)
  hs.status = status
  hs.message = message
  return hs
end

if obj.status == nil or obj.status.phase == nil or obj.status.phase == "" then
  return answer("Progressing", "Waiting for the operator to report a status")
end

local phase = obj.status.phase
local ready = condition("Ready")
local synced = condition("Synced")
local generation = obj.metadata.generation
local deleting = obj.metadata.deletionTimestamp ~= nil

-- A condition written for the current spec generation (not a verdict on an older spec).
local function current(c)
  return c ~= nil and (generation == nil or c.observedGeneration == nil or c.observedGeneration >= generation)
end

-- Reasons the operator cannot get past without a person (each also raises a Warning Event).
local needs_person = {
  InvalidCredentials = true,
  CredentialsSecretNotFound = true,
  UnknownPortStatus = true,
  ImmutableFieldChanged = true,
  BusinessEntityLocked = true,
  ModifyFailed = true,
  RestoreFailed = true,
}

if phase == "Blocked" or phase == "Failed" then
  if current(ready) then
    return answer("Degraded", describe(phase, ready))
  end
  -- A new spec (the fix, perhaps) the operator has not looked at yet.
  return answer("Progressing", "Waiting for the operator to observe generation " .. tostring(generation) ..
    "; last: " .. describe(phase, ready))
end

if deleting then
  return answer("Progressing", "Deleting: " .. describe(phase, ready))
end

if ready ~= nil and needs_person[ready.reason] and current(ready) then
  return answer("Degraded", describe(phase, ready))
end
if synced ~= nil and synced.status == "False" and needs_person[synced.reason] and current(synced) then
  return answer("Degraded", describe(phase, synced))
end

if phase == "Recycled" then
  if obj.spec ~= nil and obj.spec.restore == true then
    return answer("Progressing", "Recycled: spec.restore is true; waiting for the port to be restored")
  end
  -- Terminated outside Git: the resource says the port should exist, and it is in the recycle bin.
  return answer("Degraded", describe(phase, ready) ..
    " (set spec.restore: true to restore it, or remove the resource from Git)")
end

if phase == "Destroying" or phase == "Destroyed" then
  -- Not being deleted, so the port was destroyed outside Git: it cannot come back.
  return answer("Degraded", describe(phase, ready) ..
    " (the port was destroyed outside this resource: remove the resource from Git)")
end

if phase == "Terminating" or phase == "Orphaned" then
  -- Written only while a resource is deleted: a status left from elsewhere (a restored backup, say) that the
  -- operator overwrites once it observes the port.
  return answer("Progressing", "Waiting for the operator to observe the port; status shows " .. describe(phase, ready))
end

local applied = obj.status.observedGeneration
if generation ~= nil and applied ~= nil and applied < generation then
  return answer("Progressing", with_synced("Waiting for the spec to be applied (generation " ..
    tostring(generation) .. ", applied " .. tostring(applied) .. "); " .. describe(phase, ready), synced))
end

if phase == "Pending" then
  return answer("Progressing", with_synced(describe(phase, ready), synced))
end

if phase == "Ready" then
  if ready == nil or ready.status ~= "True" then
    return answer("Progressing", with_synced(describe(phase, ready), synced))
  end
  if synced ~= nil and synced.status == "False" and synced.reason == "Updating" then
    return answer("Progressing", with_synced(describe(phase, ready), synced))
  end
  return answer("Healthy", describe(phase, ready))
end

return answer("Unknown", "Unknown phase " .. tostring(phase))
