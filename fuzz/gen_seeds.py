#!/usr/bin/env python3
"""Writes the seed corpus fuzz/corpus/<harness>/ from the shared vectors
($ZK_VECTORS, default ../shared/vectors) and the repository's own files.
Seeds that need the library's encoders (trie proofs, sealed headers, bundles,
a minimal .ptau) come from fuzz/gen_seeds.c. See fuzz/corpus/SOURCES.md."""
import json, os, re, sys

V = os.environ.get("ZK_VECTORS", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "vectors"))
OUT = os.path.join(os.path.dirname(__file__), "corpus")
MAX = 64 * 1024  # keep every seed small


def put(h, name, data):
    if isinstance(data, str):
        data = data.encode()
    if len(data) > MAX:
        return
    d = os.path.join(OUT, h)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, re.sub(r"[^A-Za-z0-9_.-]", "_", name)), "wb") as f:
        f.write(data)


def unhex(s):
    s = s[2:] if s.startswith("0x") else s
    return bytes.fromhex(s)


def load(rel):
    with open(os.path.join(V, rel)) as f:
        return json.load(f)


def io_response(rel):
    with open(os.path.join(V, rel)) as f:
        for line in f:
            if line.startswith("<< "):
                return line[3:].strip()
    raise SystemExit("no response in " + rel)


# rlp: ethereum/tests RLPTests, valid and invalid encodings.
for fn in ("rlp/rlptest.json", "rlp/invalidRLPTest.json"):
    for k, v in load(fn).items():
        out = v["out"]
        try:
            put("rlp", ("valid_" if "invalid" not in fn else "invalid_") + k, unhex(out))
        except ValueError:
            pass

# header_rlp / header_json / rlp: real headers of every fork.
seen = set()
for h in load("headers/headers.json"):
    if h["layout"] in seen and len(seen) < 5:
        continue
    seen.add(h["layout"])
    put("header_rlp", h["name"], unhex(h["rlp"]))
    put("header_json", h["name"] + ".json", json.dumps(h["header"], indent=1))
    put("rlp", "header_" + h["name"], unhex(h["rlp"]))
put("header_json", "helios_block.json", json.dumps({k: v for k, v in load("receipts/helios_mainnet_21925176_block.json").items() if k != "transactions"}))

# bft: extraData codecs (flags 0 QBFT / 1 IBFT2) and real/synthetic headers (flags 2 / 3).
for fn in ("qbft/extradata_codec.json", "qbft/real_headers.json", "qbft/synthetic_valid.json", "qbft/negative.json"):
    for c in load(fn):
        ibft2 = 1 if c.get("consensus", "") == "ibft2" else 0
        if c.get("consensus") not in ("qbft", "ibft2"):
            continue
        if "extraData" in c:
            put("bft", "extra_" + c["name"], bytes([ibft2]) + unhex(c["extraData"]))
        if "header_rlp" in c:
            put("bft", "header_" + c["name"], bytes([2 | ibft2]) + unhex(c["header_rlp"]))
            put("header_rlp", "qbft_" + c["name"], unhex(c["header_rlp"]))

# receipt: debug_getRawReceipts (legacy and typed consensus encodings).
for i, r in enumerate(json.loads(io_response("receipts/execution-apis_debug_getRawReceipts_get-block-n.io"))["result"]):
    put("receipt", "raw_receipt_%d" % i, unhex(r))

# receipt_json: eth_getBlockReceipts / eth_getTransactionReceipt results.
for fn in os.listdir(os.path.join(V, "receipts")):
    if "eth_getBlockReceipts" in fn:
        res = json.loads(io_response("receipts/" + fn))["result"]
        put("receipt_json", fn + ".json", json.dumps(res))
        if res:
            put("receipt_json", fn + ".first.json", json.dumps(res[0]))

# rpc: whole JSON-RPC answers from the execution-apis transcripts, each paired with
# the op that asks for it (see fuzz/fuzz_rpc.c), plus error and batch shapes.
OPS = {"eth_chainId": 0, "eth_blockNumber": 1, "eth_getBlockByNumber": 2, "eth_getBlockByHash": 2,
       "eth_getBlockReceipts": 3, "eth_getTransactionReceipt": 4, "eth_getLogs": 5,
       "eth_getProof": 6, "eth_call": 7, "eth_sendRawTransaction": 8,
       "eth_getTransactionCount": 9, "eth_feeHistory": 10}
for d in ("receipts", "proofs"):
    for fn in sorted(os.listdir(os.path.join(V, d))):
        if not fn.endswith(".io"):
            continue
        m = fn.split("_")[1] + "_" + fn.split("_")[2] if fn.startswith("execution-apis_") else ""
        method = "_".join(fn.split("_")[1:3])
        op = OPS.get(method)
        if op is None:
            continue
        body = io_response(d + "/" + fn)
        put("rpc", fn, bytes([op, 0]) + body.encode())
        # The same answer for the other consumers too (a node may answer anything).
        put("rpc", fn + ".generic", bytes([12, 0]) + body.encode())
small = {
    "chain_id": (0, '{"jsonrpc":"2.0","id":1,"result":"0x539"}'),
    "block_number": (1, '{"jsonrpc":"2.0","id":1,"result":"0x1b4"}'),
    "null_block": (2, '{"jsonrpc":"2.0","id":1,"result":null}'),
    "logs": (5, '{"jsonrpc":"2.0","id":1,"result":[{"address":"0x1100000000000000000000000000000000000000","topics":[],"data":"0x"}]}'),
    "call": (7, '{"jsonrpc":"2.0","id":1,"result":"0x0000000000000000000000000000000000000000000000000000000000000001"}'),
    "call_revert_error": (7, '{"jsonrpc":"2.0","id":1,"error":{"code":3,"message":"execution reverted","data":"0x08c379a0000000000000000000000000000000000000000000000000000000000000002000000000000000000000000000000000000000000000000000000000000000046e6f706500000000000000000000000000000000000000000000000000000000"}}'),
    "send_raw": (8, '{"jsonrpc":"2.0","id":1,"result":"0x2200000000000000000000000000000000000000000000000000000000000000"}'),
    "nonce": (9, '{"jsonrpc":"2.0","id":1,"result":"0x7"}'),
    "fee_history": (10, '{"jsonrpc":"2.0","id":1,"result":{"oldestBlock":"0x10","baseFeePerGas":["0x3b9aca00","0x3b9aca01","0x3b9aca02","0x3b9aca03","0x3b9aca04"],"gasUsedRatio":[0.5,0.4,0.6,0.5],"reward":[["0x1","0x2"],["0x1","0x2"],["0x1","0x2"],["0x1","0x2"]]}}'),
    "batch": (11, '[{"jsonrpc":"2.0","id":2,"result":"0x5"},{"jsonrpc":"2.0","id":1,"result":"0x539"},{"jsonrpc":"2.0","id":3,"error":{"code":-32000,"message":"header not found"}}]'),
    "batch_refused": (11, '{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"batch too large"}}'),
    "generic_error": (12, '{"jsonrpc":"2.0","id":1,"error":{"code":-32601,"message":"the method does not exist","data":"0x"}}'),
    "simulate": (13, '{"jsonrpc":"2.0","id":1,"result":[{"number":"0x1","calls":[{"status":"0x0","returnData":"0x4e487b710000000000000000000000000000000000000000000000000000000000000011","gasUsed":"0x5208","logs":[]}]}]}'),
    "estimate_gas": (14, '{"jsonrpc":"2.0","id":1,"result":"0x5208"}'),
}
for k, (op, body) in small.items():
    put("rpc", k, bytes([op, 0]) + body.encode())
put("rpc", "http_500_error", bytes([12, 0xf2]) + b'{"jsonrpc":"2.0","id":1,"error":{"code":-32005,"message":"limit exceeded"}}')

# abi: revert data (mode 0) and type programs over Solidity's spec examples (mode 1).
put("abi", "revert_error_string", b"\x00" + unhex("08c379a0000000000000000000000000000000000000000000000000000000000000002000000000000000000000000000000000000000000000000000000000000000046e6f706500000000000000000000000000000000000000000000000000000000"))
put("abi", "revert_panic_11", b"\x00" + unhex("4e487b710000000000000000000000000000000000000000000000000000000000000011"))
put("abi", "revert_custom", b"\x00" + unhex("deadbeef00000000000000000000000000000000000000000000000000000000000000ff"))
put("abi", "revert_empty", b"\x00")
try:
    with open(os.path.join(os.path.dirname(__file__), "..", "tests", "vectors", "abi", "spec_examples.json")) as f:
        ex = json.load(f)
    cases = ex if isinstance(ex, list) else ex.get("cases", ex.get("examples", []))
    for i, c in enumerate(cases):
        if isinstance(c, dict):
            for key in ("calldata", "encoded", "data", "hex"):
                if isinstance(c.get(key), str) and c[key].startswith("0x"):
                    data = unhex(c[key])[4:] if key == "calldata" else unhex(c[key])
                    # bytes, bool, uint[] / a dynamic tuple / nested arrays
                    for j, ops in enumerate(([5, 3, 7, 0], [6, 0, 5, 7, 5], [7, 7, 0], [0, 2, 5, 7, 1])):
                        put("abi", "spec_%d_prog%d" % (i, j), bytes([1, len(ops)]) + bytes(ops) + data)
                    break
except (OSError, ValueError):
    pass

# zkey / r1cs / wtns / groth16_json: the snarkjs Groth16 set.
def raw(rel):
    with open(os.path.join(V, rel), "rb") as f:
        return f.read()
put("zkey", "circuit.zkey", raw("snarkjs/groth16/circuit.zkey"))
put("r1cs", "circuit.r1cs", raw("snarkjs/groth16/circuit.r1cs"))
put("wtns", "witness.wtns", raw("snarkjs/groth16/witness.wtns"))
put("wtns", "tip_witness_head.wtns", raw("snarkjs/tip_groth16/witness.wtns")[:4096])
put("groth16_json", "proof.json", b"\x00" + raw("snarkjs/groth16/proof.json"))
put("groth16_json", "proof_bad_pi_a.json", b"\x00" + raw("snarkjs/derived/proof_bad_pi_a_y_negated.json"))
put("groth16_json", "public.json", b"\x01" + raw("snarkjs/groth16/public.json"))
put("groth16_json", "verification_key.json", b"\x02" + raw("snarkjs/derived/verification_key.json"))
# ptau: the head of a real file (its header and section table; gen_seeds.c adds a whole small one).
put("ptau", "pot10_beacon_head.ptau", raw("snarkjs/derived/pot10_beacon.ptau")[:2048])

# config: the example config and a few variations.
root = os.path.join(os.path.dirname(__file__), "..")
with open(os.path.join(root, "relayer.example.json"), "rb") as f:
    ex = f.read()
put("config", "relayer.example.json", ex)
cfg = json.loads(ex)
if "destination" in cfg:
    d = dict(cfg)
    d["destination"] = dict(cfg["destination"])
    d["destination"].pop("keyFile", None)
    d["destination"]["keyEnv"] = "ZKRELAY_KEY"
    put("config", "key_env.json", json.dumps(d, indent=2))
put("config", "listen_only", b"127.0.0.1:9464")
print("seeds written under", OUT)
