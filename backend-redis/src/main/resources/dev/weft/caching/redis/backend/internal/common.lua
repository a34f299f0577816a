-- Shared by the scripts of weft-backend-redis (prepended to each). All keys a script touches live in one shard:
-- they share the hash tag of ARGV[1], the shard's base, so Redis Cluster serves them from one slot.
-- Numbers go to Redis through fmt(): Lua 5.1 would print a large double in exponent form.
redis.replicate_commands()
local function fmt(n)
  return string.format('%d', n)
end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function split(text)
  local parts = {}
  if text == nil or text == '' then
    return parts
  end
  for part in string.gmatch(text, '[^\n]+') do
    parts[#parts + 1] = part
  end
  return parts
end
-- A sorted set of entry keys (the shard's index, a dependency's dependents) scored by when each entry is gone for
-- good: the set expires with its last member and never outlives the entries it names.
local function fit_ttl(k, now)
  local top = redis.call('ZRANGE', k, -1, -1, 'WITHSCORES')
  if #top == 0 then
    return
  end
  if top[2] == 'inf' then
    redis.call('PERSIST', k)
  else
    local ms = tonumber(top[2]) - now
    if ms <= 0 then
      redis.call('DEL', k)
    else
      redis.call('PEXPIRE', k, fmt(ms))
    end
  end
end
local function add_member(k, gone, member, now)
  redis.call('ZADD', k, gone, member)
  redis.call('ZREMRANGEBYSCORE', k, '-inf', '(' .. fmt(now))
  fit_ttl(k, now)
end
