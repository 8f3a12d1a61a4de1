#!/usr/bin/env bash
# Side-by-side KV v2 benchmark: Coffer and (with --openbao) OpenBao on this machine, both over
# HTTPS with the same certificate, both on durable storage (Coffer: SQLite synchronous=FULL;
# OpenBao: integrated Raft storage). Prints wrk's summary and each server's peak RSS.
#
#   Benchmarks/run.sh [--openbao] [--duration 10s] [--connections 32] [--threads 2]
#   COFFER_WORKERS=N sets the number of Coffer's event loops (api.workers).
set -euo pipefail
cd "$(dirname "$0")/.."

with_openbao=false duration=10s connections=32 threads=2
while [ $# -gt 0 ]; do
    case "$1" in
        --openbao) with_openbao=true ;;
        --duration) duration="$2"; shift ;;
        --connections) connections="$2"; shift ;;
        --threads) threads="$2"; shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

bash scripts/setup.sh
swift build -c release --product coffer >/dev/null
work=$(mktemp -d /tmp/coffer-bench.XXXXXX)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1" -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
wait_up() { for _ in $(seq 1 200); do curl -sk "$1/v1/sys/seal-status" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
peak_rss() { grep VmHWM "/proc/$1/status" | awk '{print $2 " kB"}'; }

prepare() {  # base-url: init with one share, unseal, wait until active, mount KV v2; prints the root token
    local url=$1 init key token
    init=$(curl -sk -X PUT -d '{"secret_shares":1,"secret_threshold":1}' "$url/v1/sys/init")
    key=$(echo "$init" | json '["keys"][0]')
    token=$(echo "$init" | json '["root_token"]')
    curl -sk -X PUT -d "{\"key\":\"$key\"}" "$url/v1/sys/unseal" >/dev/null
    for _ in $(seq 1 100); do
        curl -sk "$url/v1/sys/health" | grep -q '"standby":false' && break
        sleep 0.2
    done
    curl -sk -H "X-Vault-Token: $token" -X POST -d '{"type":"kv","options":{"version":"2"}}' \
        "$url/v1/sys/mounts/secret" >/dev/null
    for _ in $(seq 1 100); do  # the mount is usable once a write to it succeeds
        [ "$(curl -sk -o /dev/null -w '%{http_code}' -H "X-Vault-Token: $token" -X POST \
            -d '{"data":{"ready":"yes"}}' "$url/v1/secret/data/ready")" = 200 ] && break
        sleep 0.1
    done
    echo "$token"
}

measure() {  # name base-url token pid
    local name=$1 url=$2 token=$3 pid=$4
    curl -sk -H "X-Vault-Token: $token" -X POST -d '{"data":{"password":"benchmark-value"}}' \
        "$url/v1/secret/data/bench-read" >/dev/null
    echo "== $name: KV v2 read, wrk -t$threads -c$connections -d$duration"
    BENCH_TOKEN=$token wrk -t"$threads" -c"$connections" -d"$duration" --latency -s Benchmarks/kv-read.lua \
        "$url/v1/secret/data/bench-read" | grep -E "Requests/sec|Latency|99%|50%"
    echo "== $name: KV v2 durable write, wrk -t$threads -c$connections -d$duration"
    BENCH_TOKEN=$token wrk -t"$threads" -c"$connections" -d"$duration" --latency -s Benchmarks/kv-write.lua \
        "$url" | grep -E "Requests/sec|Latency|99%|50%|Non-2xx"
    echo "== $name: peak RSS $(peak_rss "$pid")"
}

# Coffer: production configuration (TLS, SQLite, synchronous=FULL).
port=18400
cat >"$work/coffer.yaml" <<YAML
node: { name: bench, cluster: bench }
api:
  address: 127.0.0.1:$port
  tls: { certFile: $work/cert.pem, keyFile: $work/key.pem }
${COFFER_WORKERS:+  workers: $COFFER_WORKERS}
storage:
  sqlite: { path: $work/coffer.db, synchronous: full }
log: { level: warning }
YAML
.build/release/coffer agent --config "$work/coffer.yaml" 2>"$work/coffer.log" &
pids+=($!)
coffer_pid=$!
wait_up "https://127.0.0.1:$port"
token=$(prepare "https://127.0.0.1:$port")
measure coffer "https://127.0.0.1:$port" "$token" "$coffer_pid"

if $with_openbao; then
    bao_port=18500
    mkdir -p "$work/raft"
    cat >"$work/bao.hcl" <<HCL
storage "raft" {
  path = "$work/raft"
  node_id = "bench"
}
listener "tcp" {
  address = "127.0.0.1:$bao_port"
  cluster_address = "127.0.0.1:$((bao_port + 1))"
  tls_cert_file = "$work/cert.pem"
  tls_key_file = "$work/key.pem"
}
api_addr = "https://127.0.0.1:$bao_port"
cluster_addr = "https://127.0.0.1:$((bao_port + 1))"
disable_mlock = true
log_level = "warn"
HCL
    bao server -config "$work/bao.hcl" >"$work/bao.log" 2>&1 &
    pids+=($!)
    bao_pid=$!
    wait_up "https://127.0.0.1:$bao_port"
    token=$(prepare "https://127.0.0.1:$bao_port")
    measure openbao "https://127.0.0.1:$bao_port" "$token" "$bao_pid"
fi
