-- Starts a load: the shard's invalidation count and the server's time, which the store of its result is checked
-- against, and the shard's epoch. KEYS[1] the shard's counter. ARGV[1] base, ARGV[2] an epoch to set if none is.
-- The epoch names this copy of the data: a counter that restarted (a Redis restarted empty, a flush) cannot pass
-- for the old one, since a store whose token carries another epoch is refused.
local ep = redis.call('GET', ARGV[1] .. 'ep')
if not ep then
  redis.call('SET', ARGV[1] .. 'ep', ARGV[2])
  ep = ARGV[2]
end
local seq = redis.call('GET', KEYS[1]) or '0'
return {seq, now_ms(), ep}
