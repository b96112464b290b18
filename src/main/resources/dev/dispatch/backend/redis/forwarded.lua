-- forwarded: ARGV 5.. ids that reached their dead-letter queue: they leave the outbox
-- and their data goes; a queue that still exists counts its outbox again. Replies
-- forwarded.
local gone = {}
for i = 5, #ARGV do
  if redis.call('LREM', OUTBOX, 1, ARGV[i]) > 0 then
    table.insert(gone, ARGV[i])
  end
end
if #gone > 0 then
  redis.call('HDEL', OUTMETA, unpack(gone))
  forget_all(gone)
end
if redis.call('HEXISTS', META, 'gen') == 1 then
  redis.call('HSET', META, 'o', redis.call('LLEN', OUTBOX))
end
return { 'forwarded', {} }
