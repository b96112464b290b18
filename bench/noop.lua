-- wrk script: POST /bench/noop (the bench profile's endpoint that does nothing).
wrk.method = "POST"
wrk.path = "/bench/noop"
