-- The fence (prepended to write.lua and check.lua). A load that began when this shard's invalidation count was
-- ARGV[3], in epoch ARGV[5], may store its result only if no invalidation of its key, of one of its dependencies, and
-- no clear reached this shard since: each leaves a mark 'count:time' under its target, kept at least as long as the
-- longest load that may still store (the client refuses older loads itself). ARGV[4] is a server time (or -1) from
-- which marks count whatever their count: the grace for a result built on values that a nested cached call read from
-- a local cache, which may not have applied an invalidation yet when the load began.
local fence_start, fence_guard = tonumber(ARGV[3]), tonumber(ARGV[4])
-- fenced() answers 0 (may store), 1 (an invalidation overlapped the load) or 2 (only the grace refuses it).
local function conflict(mark_key)
  local m = redis.call('GET', mark_key)
  if not m then
    return 0
  end
  local sep = string.find(m, ':', 1, true)
  local seq, at = tonumber(string.sub(m, 1, sep - 1)), tonumber(string.sub(m, sep + 1))
  if seq > fence_start then
    return 1
  end
  if fence_guard >= 0 and at >= fence_guard then
    return 2
  end
  return 0
end
local function fenced(base, key, deps)
  if redis.call('GET', base .. 'ep') ~= ARGV[5] then
    return 1
  end
  local worst = math.max(conflict(base .. 'clr'), conflict(base .. 'm:' .. key))
  for _, d in ipairs(deps) do
    if worst == 1 then
      return 1
    end
    worst = math.max(worst, conflict(base .. 'm:' .. d))
  end
  return worst
end
