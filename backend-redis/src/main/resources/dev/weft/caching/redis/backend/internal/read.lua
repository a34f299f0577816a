-- Reads an entry. KEYS[1] the entry, KEYS[2] its lease. ARGV[1] base, ARGV[2] the canonical key, ARGV[3] mode:
--   'g' the hit path: fresh entries only; nothing is changed but a sliding expiration;
--   'r' the load path: fresh, due for an eager refresh (one reader per refresh point, fleet-wide), or stale inside
--       its fail-safe period;
--   'p' fleet-wide single flight: like 'g'; when there is no fresh entry, takes the lease for ARGV[4] for ARGV[5] ms
--       unless someone holds it. Checking and taking in one script, a load never starts after another's value was
--       stored and its lease released.
-- Returns {state, value, fresh ms left (-1 never), sliding ms (-1), fail-safe ms, refresh ms left (-1), stamp, deps}
-- with state 0 fresh, 1 refresh, 2 stale; or {-1} when there is nothing to serve, {-1, lease holder} in mode 'p'.
local e = KEYS[1]
local h = redis.call('HMGET', e, 'v', 'x', 'a', 's', 'f', 'r', 't', 'd')
local mode = ARGV[3]
local function none()
  if mode == 'p' then
    local holder = redis.call('GET', KEYS[2])
    if not holder then
      redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[5])
      holder = ARGV[4]
    end
    return {-1, holder}
  end
  return {-1}
end
if not h[1] then
  return none()
end
local now = now_ms()
local x, a, s, f, r = tonumber(h[2]), tonumber(h[3]), tonumber(h[4]), tonumber(h[5]), tonumber(h[6])
local state
if x < 0 or now < x then
  state = 0
  if r >= 0 and now >= r then
    if mode ~= 'r' then
      return none()
    end
    -- this reader refreshes; the next one may at half the time left, so a failed refresh is tried again
    local nr = now + math.max(math.floor((x - now) / 2), 1000)
    if nr >= x then
      nr = -1
    end
    redis.call('HSET', e, 'r', fmt(nr))
    state = 1
    r = nr
  end
elseif f > 0 and now < x + f then
  if mode ~= 'r' then
    return none()
  end
  state = 2
else
  return none()
end
if state ~= 2 and s >= 0 then
  -- a read moves a sliding expiration, and the entry's place in the sets that name it
  local nx = now + s
  if a >= 0 and nx > a then
    nx = a
  end
  if nx > x then
    x = nx
    redis.call('HSET', e, 'x', fmt(x))
    redis.call('PEXPIRE', e, fmt(x + f - now))
    local base, key = ARGV[1], ARGV[2]
    redis.call('ZADD', base .. 'idx', 'XX', 'GT', fmt(x + f), key)
    fit_ttl(base .. 'idx', now)
    for _, d in ipairs(split(h[8])) do
      redis.call('ZADD', base .. 'd:' .. d, 'XX', 'GT', fmt(x + f), key)
      fit_ttl(base .. 'd:' .. d, now)
    end
  end
end
return {state, h[1], x < 0 and -1 or (x - now), s, f, r < 0 and -1 or math.max(r - now, 0), h[7], h[8]}
