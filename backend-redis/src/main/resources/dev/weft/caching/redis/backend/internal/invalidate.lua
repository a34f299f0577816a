-- Invalidates in one shard. KEYS[1] the shard's counter. ARGV: [1] base, [2] how long marks are kept (ms),
-- [3] 'k' a key (its entry, when [5] is '1', and the entries depending on it), 'd' a dependency, 'c' everything;
-- [4] the key or dependency; [5] '1' when this shard holds the key's entry. Returns the number of entries removed.
-- The mark is set before anything is removed, in the same script: see write.lua for why that is enough.
local base, retention, kind, target = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local now = now_ms()
local seq = redis.call('INCR', KEYS[1])
local mark = fmt(seq) .. ':' .. fmt(now)
local removed = 0
local function remove_entry(k, skip)
  local e = base .. 'e:' .. k
  local d = redis.call('HGET', e, 'd')
  if d then
    for _, dep in ipairs(split(d)) do
      if dep ~= skip then
        redis.call('ZREM', base .. 'd:' .. dep, k)
        fit_ttl(base .. 'd:' .. dep, now)
      end
    end
  end
  removed = removed + redis.call('DEL', e)
  redis.call('ZREM', base .. 'idx', k)
end
if kind == 'c' then
  redis.call('SET', base .. 'clr', mark, 'PX', retention)
  for _, k in ipairs(redis.call('ZRANGE', base .. 'idx', 0, -1)) do
    remove_entry(k, nil)
  end
  redis.call('DEL', base .. 'idx')
  return removed
end
redis.call('SET', base .. 'm:' .. target, mark, 'PX', retention)
if ARGV[5] == '1' then
  remove_entry(target, nil)
end
local dk = base .. 'd:' .. target
for _, k in ipairs(redis.call('ZRANGE', dk, 0, -1)) do
  remove_entry(k, target)
end
redis.call('DEL', dk)
fit_ttl(base .. 'idx', now)
return removed
