#!/usr/bin/env bash
# `make demo`: one message from chain A to chain B, end to end, on this machine.
#
#   chain A (source)       anvil for execution + the devnet QBFT sealer in front of it
#                          (4 public devnet validator keys: DEVNET ONLY)
#   chain B (destination)  a second anvil, mining a block every second
#
# Steps: install what is missing (make deps), build (make), start both chains and the
# sealer on free loopback ports, make the proving keys (cached in build/demo-keys/),
# export and compile the Groth16 verifiers, deploy the Outbox on A and the light client,
# Inbox and example receiver on B (zkrelay deploy), write the relayer's config and key
# file, send a message (zkrelay-devnet send), run the relayer until it is idle
# (zkrelay run --exit-when-idle), and check that the receiver on B got the message.
# Every process it starts is stopped by PID on exit, Ctrl-C included.
#
# Environment:
#   ZK_DEMO_DIR      scratch directory of this run (default build/demo-run; wiped first)
#   ZK_DEMO_KEYS     proving-key cache (default build/demo-keys)
#   ZK_DEMO_TIMEOUT  seconds the relayer may take to deliver (default 1200)
#   ZK_DEMO_SKIP_DEPS=1  do not run `make deps` (no root, everything installed)
#   ZK_DEMO_MAKEFLAGS    extra arguments of the build's make (e.g. BUILD_DIR=build/mine)
#   ZK_DEMO_BIN, ZK_DEMO_DEVNET_BIN  other zkrelay / zkrelay-devnet binaries
#
# Exit status: 0 the message was delivered; 1 a step failed (the message names it).

# The node -e snippets are JavaScript in single quotes: their $ are not for bash.
# shellcheck disable=SC2016
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
MAKE_CMD=${MAKE:-make}
DEMO_DIR=${ZK_DEMO_DIR:-build/demo-run}
KEYS_DIR=${ZK_DEMO_KEYS:-build/demo-keys}
TIMEOUT=${ZK_DEMO_TIMEOUT:-1200}
ZK=${ZK_DEMO_BIN:-$ROOT/bin/zkrelay}
DEVNET=${ZK_DEMO_DEVNET_BIN:-$ROOT/bin/zkrelay-devnet}
ANVIL="$ROOT/tools/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil"
SRC_CHAIN=1337
DST_CHAIN=31337
# The circuits' shape: the proving keys, the verifiers and the relayer must agree.
# Inclusion is sized for the devnet (one transaction per block: a one-node trie, two
# allowed; a MessageSent receipt of about 600 bytes): 2^21 constraints where the
# defaults (depth 6, 2 KiB) would need 2^23.
VALIDATORS=4
INC_DEPTH=2
INC_MAX_RECEIPT=1024
INC_MAX_LOGS=2
# anvil's first two dev accounts. PUBLIC TEST KEYS printed by every anvil: they are
# used here because they are funded on both local chains, and must never hold value.
DEPLOYER_KEY=ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80
RELAYER_KEY=59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d
# The payload: a 32-byte number, which CrossChainCounter adds to its count.
PAYLOAD=000000000000000000000000000000000000000000000000000000000000002a
PAYLOAD_VALUE=42
# Function selectors (the first 4 bytes of keccak256 of the signature) of the views read
# on chain B: ZkLightClient.headerHash(uint64), CrossChainCounter.messages() and count().
HEADER_SEL=95934bae
MESSAGES_SEL=d36f147f
COUNT_SEL=06661abd

PIDS=()
T0=$(date +%s.%N)
STEP=0
declare -A TIMES=()

# ---- output ----

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
step() {
    STEP=$((STEP + 1))
    STEP_T0=$(now)
    printf '\n==> [%d] %s\n' "$STEP" "$*"
}
step_done() { printf '    done in %ss\n' "$(elapsed "$STEP_T0" "$(now)")"; }
info() { printf '    %s\n' "$*"; }
die() {
    printf '\ndemo: FAILED at step %d: %s\n' "$STEP" "$*" >&2
    exit 1
}
# A piece of the project this demo needs is not there (yet): name it and stop.
missing() {
    printf '\ndemo: STOPPED at step %d: %s\n' "$STEP" "$*" >&2
    printf 'demo: everything before this step worked; logs are in %s\n' "$DEMO_DIR" >&2
    exit 1
}

# ---- processes ----

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ "${#PIDS[@]}" -gt 0 ]; then
        printf '\ndemo: stopping %d processes I started (PIDs %s)\n' "${#PIDS[@]}" "${PIDS[*]}"
        for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
        for _ in $(seq 1 50); do
            local alive=0
            for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
            [ "$alive" = 0 ] && break
            sleep 0.1
        done
        for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
        wait 2>/dev/null || true
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'printf "\ndemo: interrupted\n" >&2; exit 130' INT TERM

# long CMD...: runs a command of minutes in the background and waits for it, so that a
# signal reaches the trap at once (bash runs traps between commands; `wait` is
# interrupted) and the command is stopped with everything else.
long() {
    "$@" &
    local pid=$! rc=0
    PIDS+=("$pid")
    wait "$pid" || rc=$?
    unset 'PIDS[-1]'
    return "$rc"
}

free_port() {
    node -e 'const s = require("net").createServer();
             s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

# rpc URL METHOD [PARAMS_JSON]: prints the result (a string as is, anything else as JSON).
rpc() {
    node -e '
const [url, method, params] = process.argv.slice(1);
fetch(url, {method: "POST", headers: {"content-type": "application/json"},
            body: JSON.stringify({jsonrpc: "2.0", id: 1, method, params: JSON.parse(params || "[]")})})
  .then((r) => r.json())
  .then((j) => {
    if (j.error) { console.error(`${method}: ${JSON.stringify(j.error)}`); process.exit(1); }
    console.log(typeof j.result === "string" ? j.result : JSON.stringify(j.result));
  })
  .catch((e) => { console.error(`${method}: ${e.message}`); process.exit(1); });' "$1" "$2" "${3:-[]}"
}

# jfield FILE KEY.PATH: prints one value of a JSON file.
jfield() {
    node -e '
const o = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const v = process.argv[2].split(".").reduce((x, k) => (x == null ? x : x[k]), o);
if (v === undefined || v === null) { console.error(`no ${process.argv[2]} in ${process.argv[1]}`); process.exit(1); }
console.log(typeof v === "object" ? JSON.stringify(v) : String(v));' "$1" "$2"
}

# wait_rpc URL NAME PID: until the node answers eth_chainId (30 s), or its process died.
wait_rpc() {
    for _ in $(seq 1 300); do
        rpc "$1" eth_chainId >/dev/null 2>&1 && return 0
        kill -0 "$3" 2>/dev/null || die "$2 exited during start-up (log: $DEMO_DIR/$2.log)"
        sleep 0.1
    done
    die "$2 did not answer on $1 within 30 s (log: $DEMO_DIR/$2.log)"
}

# call_word URL TO SELECTOR_HEX [ARG_WORD]: eth_call, prints the returned hex.
call_word() {
    rpc "$1" eth_call "[{\"to\":\"$2\",\"data\":\"0x$3${4:-}\"},\"latest\"]"
}
# A quantity or a word as a decimal; "0x" (no data) and anything not hex read as 0.
hex_to_dec() {
    node -e 'const h = process.argv[1] || "";
             console.log(/^0x[0-9a-fA-F]+$/.test(h) ? BigInt(h).toString() : "0");' "$1"
}
pad_word() { printf '%064x' "$1"; }

# ---- 1. dependencies and build ----

step "dependencies (make deps) and build (make)"
if [ "${ZK_DEMO_SKIP_DEPS:-0}" != 1 ]; then
    "$MAKE_CMD" --no-print-directory deps || die "make deps failed (run it as root, or install the
    packages it names; ZK_DEMO_SKIP_DEPS=1 skips this step)"
fi
# shellcheck disable=SC2086 # ZK_DEMO_MAKEFLAGS is a list of words
"$MAKE_CMD" --no-print-directory -j"$(nproc 2>/dev/null || echo 2)" ${ZK_DEMO_MAKEFLAGS:-} all \
    >/dev/null ||
    die "the build failed: run make to see why"
if [ ! -x "$ZK" ] || [ ! -x "$DEVNET" ]; then
    die "bin/zkrelay or bin/zkrelay-devnet was not built"
fi
[ -x "$ANVIL" ] || die "anvil is missing at $ANVIL (make deps installs it)"
command -v node >/dev/null || die "node is missing (make deps installs it)"
step_done

rm -rf "$DEMO_DIR"
mkdir -p "$DEMO_DIR" "$KEYS_DIR"
DEMO_DIR=$(cd "$DEMO_DIR" && pwd)
KEYS_DIR=$(cd "$KEYS_DIR" && pwd)

# ---- 2. chains ----

step "start chain A (anvil + QBFT sealer) and chain B (anvil)"
PORT_A=$(free_port)
"$ANVIL" --host 127.0.0.1 --port "$PORT_A" --chain-id "$SRC_CHAIN" --silent \
    >"$DEMO_DIR/anvil-a.log" 2>&1 &
PIDS+=($!)
ANVIL_A="http://127.0.0.1:$PORT_A"
wait_rpc "$ANVIL_A" anvil-a "${PIDS[-1]}"
PORT_B=$(free_port)
# B mines a block every second, like a live chain: the relayer counts confirmations.
"$ANVIL" --host 127.0.0.1 --port "$PORT_B" --chain-id "$DST_CHAIN" --block-time 1 --silent \
    >"$DEMO_DIR/anvil-b.log" 2>&1 &
PIDS+=($!)
DEST="http://127.0.0.1:$PORT_B"
wait_rpc "$DEST" anvil-b "${PIDS[-1]}"
"$DEVNET" sealer --anvil "$ANVIL_A" --listen 127.0.0.1:0 --validators "$VALIDATORS" \
    >"$DEMO_DIR/sealer.out" 2>"$DEMO_DIR/sealer.log" &
PIDS+=($!)
SEALER_PID=${PIDS[-1]}
SOURCE=""
for _ in $(seq 1 300); do
    SOURCE=$(sed -n 's/^url: //p' "$DEMO_DIR/sealer.out" 2>/dev/null || true)
    [ -n "$SOURCE" ] && break
    kill -0 "$SEALER_PID" 2>/dev/null || die "the sealer exited (log: $DEMO_DIR/sealer.log)"
    sleep 0.1
done
[ -n "$SOURCE" ] || die "the sealer printed no url within 30 s (log: $DEMO_DIR/sealer.log)"
wait_rpc "$SOURCE" sealer "$SEALER_PID"
info "chain A execution  $ANVIL_A (anvil, chain id $SRC_CHAIN)"
info "chain A (QBFT)     $SOURCE (devnet sealer, $VALIDATORS PUBLIC devnet validator keys)"
info "chain B            $DEST (anvil, chain id $DST_CHAIN, 1 s blocks)"
step_done

# ---- 3. proving keys (cached) ----

# make_key NAME CIRCUIT_ARGS...: r1cs -> development zkey + verification key, cached
# under a stamp of the circuit's shape (zkrelay circuit info: constraints, variables,
# parameters), so a circuit whose shape changed gets a new key.
make_key() {
    local name=$1
    shift
    local stamp info
    # The shape without the build time, which changes on every call.
    info=$("$ZK" circuit info "$name" "$@" --json) || die "zkrelay circuit info $name failed"
    stamp=$(node -e 'const o = JSON.parse(process.argv[1]); delete o.buildSeconds;
                     console.log(JSON.stringify(o));' "$info")
    if [ -f "$KEYS_DIR/$name.zkey" ] && [ -f "$KEYS_DIR/$name.vk.json" ] &&
        [ "$(cat "$KEYS_DIR/$name.stamp" 2>/dev/null)" = "$stamp" ]; then
        info "$name: cached ($KEYS_DIR/$name.zkey)"
        return 0
    fi
    local t
    t=$(now)
    info "$name: $stamp"
    info "$name: exporting the circuit (zkrelay circuit export-r1cs)..."
    long "$ZK" circuit export-r1cs "$name" "$@" "$KEYS_DIR/$name.r1cs.tmp" >/dev/null ||
        die "zkrelay circuit export-r1cs $name failed"
    info "$name: development setup (zkrelay groth16 setup --dev; minutes on 2 cores)..."
    long "$ZK" groth16 setup --dev "$KEYS_DIR/$name.r1cs.tmp" "$KEYS_DIR/$name.zkey.tmp" \
        --vk "$KEYS_DIR/$name.vk.json.tmp" >/dev/null || die "zkrelay groth16 setup $name failed"
    mv "$KEYS_DIR/$name.r1cs.tmp" "$KEYS_DIR/$name.r1cs"
    mv "$KEYS_DIR/$name.vk.json.tmp" "$KEYS_DIR/$name.vk.json"
    mv "$KEYS_DIR/$name.zkey.tmp" "$KEYS_DIR/$name.zkey"
    printf '%s' "$stamp" >"$KEYS_DIR/$name.stamp"
    rm -f "$KEYS_DIR/$name.verifier.json"
    info "$name: key made in $(elapsed "$t" "$(now)")s (INSECURE development setup)"
}

step "proving keys (cached in $KEYS_DIR)"
"$ZK" circuit --help >/dev/null 2>&1 || missing "bin/zkrelay has no 'circuit' command"
make_key finality --validators "$VALIDATORS"
make_key inclusion --depth "$INC_DEPTH" --max-receipt "$INC_MAX_RECEIPT" --max-logs "$INC_MAX_LOGS"
step_done

step "Groth16 verifiers (zkrelay groth16 export-verifier, node tools/solc-compile.js)"
for pair in finality:FinalityVerifier inclusion:InclusionVerifier; do
    name=${pair%%:*}
    contract=${pair##*:}
    if [ ! -f "$KEYS_DIR/$name.verifier.json" ]; then
        "$ZK" groth16 export-verifier --name "$contract" "$KEYS_DIR/$name.vk.json" \
            "$KEYS_DIR/$contract.sol" || die "zkrelay groth16 export-verifier $name failed"
        node tools/solc-compile.js "$KEYS_DIR/$contract.sol" "$KEYS_DIR/$name.verifier.json.tmp" ||
            die "compiling $contract failed"
        mv "$KEYS_DIR/$name.verifier.json.tmp" "$KEYS_DIR/$name.verifier.json"
        info "$contract compiled"
    else
        info "$contract: cached"
    fi
done
step_done

# ---- 4. contracts ----

printf '0x%s\n' "$DEPLOYER_KEY" >"$DEMO_DIR/deployer.key"
chmod 600 "$DEMO_DIR/deployer.key"

step "deploy the Outbox on chain A (zkrelay deploy outbox)"
"$ZK" deploy --help >/dev/null 2>&1 ||
    missing "bin/zkrelay has no 'deploy' command: relayer/cli.c's top_cmds needs the line
    {\"deploy\", cli_deploy, \"deploy the bridge contracts (destination, or the source Outbox)\"}
    (relayer/cli_deploy.c implements it)"
info "deployer: anvil's dev account #0 (PUBLIC test key, never use it elsewhere)"
"$ZK" deploy outbox --rpc "$SOURCE" --key-file "$DEMO_DIR/deployer.key" --chain-id "$SRC_CHAIN" \
    --out "$DEMO_DIR/outbox.json" >/dev/null || die "zkrelay deploy outbox failed"
OUTBOX=$(jfield "$DEMO_DIR/outbox.json" outbox)
info "Outbox $OUTBOX"
step_done

step "checkpoint of chain A and the contracts on chain B (zkrelay deploy)"
rpc "$SOURCE" devnet_checkpoint >"$DEMO_DIR/checkpoint.json" ||
    die "the sealer gave no checkpoint (devnet_checkpoint)"
info "checkpoint: block $(jfield "$DEMO_DIR/checkpoint.json" number)," \
    "$(jfield "$DEMO_DIR/checkpoint.json" validators | tr -cd ',' | wc -c | awk '{print $1 + 1}') validators"
"$ZK" deploy --dest-rpc "$DEST" --key-file "$DEMO_DIR/deployer.key" \
    --finality-verifier "$KEYS_DIR/finality.verifier.json" \
    --inclusion-verifier "$KEYS_DIR/inclusion.verifier.json" \
    --checkpoint "$DEMO_DIR/checkpoint.json" --source-chain-id "$SRC_CHAIN" --outbox "$OUTBOX" \
    --dest-chain-id "$DST_CHAIN" --example-receiver --out "$DEMO_DIR/deployment.json" \
    >/dev/null || die "zkrelay deploy failed"
LIGHT_CLIENT=$(jfield "$DEMO_DIR/deployment.json" lightClient)
INBOX=$(jfield "$DEMO_DIR/deployment.json" inbox)
RECEIVER=$(jfield "$DEMO_DIR/deployment.json" exampleReceiver)
info "ZkLightClient      $LIGHT_CLIENT"
info "Inbox              $INBOX"
info "CrossChainCounter  $RECEIVER (the example receiver)"
step_done

# ---- 5. relayer config ----

step "relayer configuration and key file"
printf '0x%s\n' "$RELAYER_KEY" >"$DEMO_DIR/relayer.key"
chmod 600 "$DEMO_DIR/relayer.key"
METRICS_PORT=$(free_port)
cat >"$DEMO_DIR/relayer.json" <<EOF
{
  "source": {
    "rpc": ["$SOURCE"],
    "chainId": $SRC_CHAIN,
    "outbox": "$OUTBOX",
    "checkpoint": "checkpoint.json",
    "startBlock": 0,
    "logRange": 1000,
    "flavor": "qbft"
  },
  "destination": {
    "rpc": ["$DEST"],
    "chainId": $DST_CHAIN,
    "lightClient": "$LIGHT_CLIENT",
    "inbox": "$INBOX",
    "keyFile": "relayer.key",
    "confirmations": 1,
    "maxFeeGwei": 200,
    "maxPriorityFeeGwei": 2,
    "gasLimitHeader": 1500000,
    "gasLimitDeliver": 1500000,
    "replaceAfterSeconds": 120
  },
  "prover": {
    "finalityZkey": "$KEYS_DIR/finality.zkey",
    "inclusionZkey": "$KEYS_DIR/inclusion.zkey",
    "validators": $VALIDATORS,
    "depth": $INC_DEPTH,
    "maxReceipt": $INC_MAX_RECEIPT,
    "maxLogs": $INC_MAX_LOGS,
    "workers": 1,
    "threads": 0
  },
  "database": "state",
  "pollIntervalMs": 500,
  "metrics": "127.0.0.1:$METRICS_PORT",
  "log": { "format": "text" }
}
EOF
info "config   $DEMO_DIR/relayer.json"
info "key file $DEMO_DIR/relayer.key (mode 0600): anvil's dev account #1, a PUBLIC test key"
step_done

# ---- 6. the message ----

step "send a message on chain A (zkrelay-devnet send)"
"$DEVNET" send --help >/dev/null 2>&1 ||
    missing "bin/zkrelay-devnet has no 'send' command: devnet/main.c's cmds table needs the line
    {\"send\", devnet_cmd_send, \"send a message through the Outbox (devnet only)\"}
    and #include \"devnet/cmd_send.h\" (devnet/cmd_send.c implements it)"
T_SEND0=$(now)
"$DEVNET" send --rpc "$SOURCE" --outbox "$OUTBOX" --receiver "$RECEIVER" \
    --payload-hex "$PAYLOAD" --dst-chain-id "$DST_CHAIN" --json >"$DEMO_DIR/send.json" ||
    die "zkrelay-devnet send failed"
T_SENT=$(now)
TIMES[send]=$(elapsed "$T_SEND0" "$T_SENT")
MSG=$(jfield "$DEMO_DIR/send.json" message)
NONCE=$(jfield "$DEMO_DIR/send.json" nonce)
MSG_BLOCK=$(jfield "$DEMO_DIR/send.json" block)
info "message m=$MSG nonce=$NONCE in source block $MSG_BLOCK, payload $PAYLOAD_VALUE"
step_done

# ---- 7. the relayer ----

step "run the relayer until it is idle (zkrelay run --exit-when-idle)"
"$ZK" run --help >/dev/null 2>&1 ||
    missing "bin/zkrelay has no 'run' command (the daemon, relayer/cli_run.c, is not dispatched
    by relayer/cli.c yet)"
(cd "$DEMO_DIR" && exec "$ZK" run --config relayer.json --exit-when-idle) \
    >"$DEMO_DIR/relayer.log" 2>&1 &
PIDS+=($!)
RELAYER_PID=${PIDS[-1]}
info "relayer PID $RELAYER_PID, log $DEMO_DIR/relayer.log, metrics http://127.0.0.1:$METRICS_PORT/metrics"
T_HEADER="" T_INCL="" T_DELIVERED=""
LINES_SHOWN=0
RELAYER_RC=""
while :; do
    # The relayer's log, as it comes.
    total=$(wc -l <"$DEMO_DIR/relayer.log")
    if [ "$total" -gt "$LINES_SHOWN" ]; then
        sed -n "$((LINES_SHOWN + 1)),${total}p" "$DEMO_DIR/relayer.log" | sed 's/^/    relayer| /'
        LINES_SHOWN=$total
    fi
    t=$(now)
    if [ -z "$T_HEADER" ]; then
        h=$(call_word "$DEST" "$LIGHT_CLIENT" "$HEADER_SEL" "$(pad_word "$MSG_BLOCK")" 2>/dev/null || echo 0x)
        if [ -n "$h" ] && [ "$(hex_to_dec "${h:-0x0}")" != 0 ]; then
            T_HEADER=$t
            info "header of block $MSG_BLOCK proven and stored on chain B"
        fi
    fi
    if [ -z "$T_INCL" ] && grep -qiE 'inclusion[- _]proven' "$DEMO_DIR/relayer.log"; then
        T_INCL=$t
    fi
    if [ -z "$T_DELIVERED" ]; then
        n=$(call_word "$DEST" "$RECEIVER" "$MESSAGES_SEL" 2>/dev/null || echo 0x0)
        if [ "$(hex_to_dec "${n:-0x0}")" != 0 ]; then
            T_DELIVERED=$t
            info "the receiver on chain B has the message"
        fi
    fi
    if ! kill -0 "$RELAYER_PID" 2>/dev/null; then
        set +e
        wait "$RELAYER_PID"
        RELAYER_RC=$?
        set -e
        break
    fi
    if [ "$(elapsed "$T_SENT" "$(now)" | cut -d. -f1)" -gt "$TIMEOUT" ]; then
        die "no delivery within $TIMEOUT s (ZK_DEMO_TIMEOUT); relayer log: $DEMO_DIR/relayer.log"
    fi
    sleep 0.5
done
total=$(wc -l <"$DEMO_DIR/relayer.log")
[ "$total" -gt "$LINES_SHOWN" ] && sed -n "$((LINES_SHOWN + 1)),${total}p" "$DEMO_DIR/relayer.log" |
    sed 's/^/    relayer| /'
[ "$RELAYER_RC" = 0 ] || die "zkrelay run exited with status $RELAYER_RC (log: $DEMO_DIR/relayer.log)"
step_done

# ---- 8. check ----

step "check the receiver on chain B (eth_call CrossChainCounter)"
MESSAGES=$(hex_to_dec "$(call_word "$DEST" "$RECEIVER" "$MESSAGES_SEL")")
COUNT=$(hex_to_dec "$(call_word "$DEST" "$RECEIVER" "$COUNT_SEL")")
info "CrossChainCounter: messages()=$MESSAGES count()=$COUNT"
if [ "$MESSAGES" != 1 ] || [ "$COUNT" != "$PAYLOAD_VALUE" ]; then
    die "the receiver does not hold exactly the message (want messages()=1, count()=$PAYLOAD_VALUE)"
fi
[ -n "$T_DELIVERED" ] || T_DELIVERED=$(now)
# The delivery and header transactions: the Inbox's log whose topic1 is m, and the light
# client's HeaderSubmitted log whose topic1 is the block number.
gas_of_log() { # URL ADDRESS TOPIC1
    local logs tx
    logs=$(rpc "$1" eth_getLogs "[{\"address\":\"$2\",\"fromBlock\":\"0x0\",\"toBlock\":\"latest\"}]")
    tx=$(node -e '
const logs = JSON.parse(process.argv[1]); const t1 = process.argv[2].toLowerCase();
const l = logs.find((x) => x.topics.length > 1 && x.topics[1].toLowerCase() === t1);
console.log(l ? l.transactionHash : "");' "$logs" "$3")
    [ -n "$tx" ] || { echo "?"; return 0; }
    hex_to_dec "$(jfield_str "$(rpc "$1" eth_getTransactionReceipt "[\"$tx\"]")" gasUsed)"
}
jfield_str() { node -e 'console.log(JSON.parse(process.argv[1])[process.argv[2]])' "$1" "$2"; }
GAS_DELIVER=$(gas_of_log "$DEST" "$INBOX" "$MSG")
GAS_HEADER=$(gas_of_log "$DEST" "$LIGHT_CLIENT" "0x$(pad_word "$MSG_BLOCK")")
step_done

# ---- summary ----

since_sent() { [ -n "$1" ] && printf '%ss after send' "$(elapsed "$T_SENT" "$1")" || printf 'n/a'; }
printf '\n==> summary\n'
printf '    %-22s %s\n' "send (source tx)" "${TIMES[send]}s (block $MSG_BLOCK, nonce $NONCE)"
printf '    %-22s %s\n' "header proven" "$(since_sent "$T_HEADER") (stored on B; submitHeader gas $GAS_HEADER)"
printf '    %-22s %s\n' "inclusion proven" "$(since_sent "$T_INCL")"
printf '    %-22s %s\n' "delivered" "$(since_sent "$T_DELIVERED") (deliver gas $GAS_DELIVER)"
printf '    %-22s %s\n' "total demo time" "$(elapsed "$T0" "$(now)")s"
printf '    %-22s %s\n' "message" "$MSG"
printf '    %-22s %s\n' "files" "$DEMO_DIR (config, logs, deployment.json)"
printf '\ndemo: OK: the message from chain A was delivered once on chain B\n'
