-- wrk script: KV v2 writes to distinct keys, so each request is a durable commit.
wrk.method = "POST"
wrk.headers["X-Vault-Token"] = os.getenv("BENCH_TOKEN")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"data":{"password":"benchmark-value","user":"bench"}}'
local counter = 0
request = function()
    counter = counter + 1
    return wrk.format(nil, "/v1/secret/data/bench/" .. counter)
end
