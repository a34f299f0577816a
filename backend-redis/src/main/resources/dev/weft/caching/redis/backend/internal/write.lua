-- Stores a load's result unless the fence refuses it, and releases the load's lease. KEYS[1] the shard's counter.
-- ARGV: [1] base, [2] key, [3..5] the fence (see fence.lua), [6] value, [7] absolute expiration ms (-1 none),
-- [8] sliding ms (-1), [9] fail-safe ms (0), [10] refresh point ms (-1), [11] stamp, [12] lease owner ('' none),
-- [13] dependencies, one per line. Returns 1 if stored, 0 if an invalidation overlapped the load, 2 if only the
-- grace refused it.
--
-- Why no invalidation is missed: an invalidation marks its target and removes what it finds in one script, and this
-- check and store is one script, in the same shard. Either the invalidation ran first, and its mark (count above the
-- load's start) refuses the store; or the store ran first, and the invalidation finds the entry, in the dependency
-- set or under its key, and removes it.
local base, key = ARGV[1], ARGV[2]
local function release()
  if ARGV[12] ~= '' then
    local lk = base .. 'l:' .. key
    if redis.call('GET', lk) == ARGV[12] then
      redis.call('DEL', lk)
    end
  end
end
local deps = split(ARGV[13])
local verdict = fenced(base, key, deps)
if verdict ~= 0 then
  release()
  return verdict == 1 and 0 or 2
end
local now = now_ms()
local abs, sl, fs, ra = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
local a = -1
if abs >= 0 then
  a = now + abs
end
local x = a
if sl >= 0 and (x < 0 or now + sl < x) then
  x = now + sl
end
local r = -1
if ra >= 0 then
  r = now + ra
end
local gone = 'inf'
if x >= 0 then
  gone = fmt(x + fs)
end
local e = base .. 'e:' .. key
local old = redis.call('HGET', e, 'd')
if old then
  local keep = {}
  for _, d in ipairs(deps) do
    keep[d] = true
  end
  for _, d in ipairs(split(old)) do
    if not keep[d] then
      redis.call('ZREM', base .. 'd:' .. d, key)
      fit_ttl(base .. 'd:' .. d, now)
    end
  end
end
redis.call('DEL', e)
redis.call('HSET', e, 'v', ARGV[6], 'x', fmt(x), 'a', fmt(a), 's', fmt(sl), 'f', fmt(fs), 'r', fmt(r),
  't', ARGV[11], 'd', ARGV[13])
if x >= 0 then
  redis.call('PEXPIRE', e, fmt(x + fs - now))
end
add_member(base .. 'idx', gone, key, now)
for _, d in ipairs(deps) do
  add_member(base .. 'd:' .. d, gone, key, now)
end
release()
return 1
