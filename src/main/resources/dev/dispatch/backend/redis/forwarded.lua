-- forwarded: ARGV 5.. ids that reached their dead-letter queue: they leave the outbox
-- and their data goes. Replies forwarded.
for i = 5, #ARGV do
  local id = ARGV[i]
  if redis.call('LREM', OUTBOX, 1, id) > 0 then
    redis.call('HDEL', OUTMETA, id)
    forget(id)
  end
end
return { 'forwarded', {} }
