-- wrk script: KV v2 reads with a token from the environment.
wrk.method = "GET"
wrk.headers["X-Vault-Token"] = os.getenv("BENCH_TOKEN")
