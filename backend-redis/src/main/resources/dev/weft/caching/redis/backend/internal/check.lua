-- Whether a store would be refused now (CachingBackend.isStale). KEYS[1] the shard's counter. ARGV: [1] base,
-- [2] key, [3..5] the fence, [6] '?' when the dependencies are not known yet (then: whether anything at all was
-- invalidated in this shard since the load began), else [6] the dependencies, one per line. Returns 1 or 0.
local base, key = ARGV[1], ARGV[2]
if ARGV[6] == '?' then
  if redis.call('GET', base .. 'ep') ~= ARGV[5] then
    return 1
  end
  local seq = tonumber(redis.call('GET', KEYS[1]) or '0')
  return seq > fence_start and 1 or 0
end
return fenced(base, key, split(ARGV[6])) == 1 and 1 or 0
