#!/usr/bin/env node
// Compiles Solidity files with solc-js (the exact version pinned in tools/package.json)
// through the standard JSON interface, optimizer on, and writes for each one
//   {"contractName", "compiler", "evmVersion", "optimizer", "abi", "bytecode",
//    "deployedBytecode"}
// as JSON (bytecode 0x-prefixed), for the tests and `make contracts`.
//
// usage: node tools/solc-compile.js [--contract NAME] [--evm-version V] [--runs N]
//                                   IN.sol OUT.json [IN2.sol OUT2.json ...]
// Each IN.sol is its own compilation unit, compiled in turn by one loaded compiler (loading
// solc-js costs more than compiling a verifier, so several pairs per call save time).
// Without --contract, each file must define exactly one deployable contract.
//
// Exits 0 when every file compiled; 1 when the compiler reports an error (each printed to
// stderr, with file:line; the files before it are written, none after), a file cannot be
// read or written, or the contract is not found; 2 on a usage error. Warnings go to stderr
// and do not fail the build.
"use strict";

const fs = require("fs");
const path = require("path");
const solc = require("solc");

// paris: no PUSH0 (shanghai) or MCOPY/transient storage (cancun), so the code deploys on
// every post-merge EVM chain, L2s that lag behind mainnet forks included.
const DEFAULT_EVM = "paris";
const DEFAULT_RUNS = 200;

// The settings every compile of the project uses (tools/build-contracts.js too).
function compilerSettings(evm, runs) {
    return {
        optimizer: {enabled: true, runs: runs},
        evmVersion: evm,
        outputSelection: {"*": {"*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"]}},
    };
}

// The artifact of one compiled contract (c: solc's output for it).
function makeArtifact(name, c, evm, runs) {
    return {
        contractName: name,
        compiler: `solc-js ${solc.version()}`,
        evmVersion: evm,
        optimizer: {enabled: true, runs: runs},
        abi: c.abi,
        bytecode: "0x" + c.evm.bytecode.object,
        deployedBytecode: "0x" + c.evm.deployedBytecode.object,
    };
}

// An artifact as written to disk: 2-space JSON and a final newline.
function artifactText(artifact) {
    return JSON.stringify(artifact, null, 2) + "\n";
}

function usage(msg) {
    if (msg) process.stderr.write(`solc-compile: ${msg}\n`);
    process.stderr.write(
        "usage: node tools/solc-compile.js [--contract NAME] [--evm-version V] [--runs N] IN.sol OUT.json [IN2.sol OUT2.json ...]\n");
    process.exit(2);
}

function parseArgs(argv) {
    const o = {contract: null, evm: DEFAULT_EVM, runs: DEFAULT_RUNS, pos: []};
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "-h" || a === "--help") {
            process.stdout.write(
                "usage: node tools/solc-compile.js [--contract NAME] [--evm-version V] [--runs N] IN.sol OUT.json [IN2.sol OUT2.json ...]\n");
            process.exit(0);
        } else if (a === "--contract" || a === "--evm-version" || a === "--runs") {
            if (i + 1 >= argv.length) usage(`${a} needs a value`);
            const v = argv[++i];
            if (a === "--contract") o.contract = v;
            else if (a === "--evm-version") o.evm = v;
            else {
                if (!/^[1-9][0-9]{0,9}$/.test(v)) usage(`--runs wants a positive integer, got '${v}'`);
                o.runs = Number(v);
            }
        } else if (a.startsWith("-") && a !== "-") {
            usage(`unknown option '${a}'`);
        } else {
            o.pos.push(a);
        }
    }
    if (o.pos.length < 2 || o.pos.length % 2 !== 0) usage("want IN.sol OUT.json pairs");
    return o;
}

function compileOne(o, inPath, outPath) {
    let source;
    try {
        source = fs.readFileSync(inPath, "utf8");
    } catch (e) {
        process.stderr.write(`solc-compile: cannot read ${inPath}: ${e.message}\n`);
        process.exit(1);
    }
    const baseDir = path.dirname(path.resolve(inPath));
    const unit = path.basename(inPath);
    const input = {
        language: "Solidity",
        sources: {[unit]: {content: source}},
        settings: compilerSettings(o.evm, o.runs),
    };
    // Imports resolve relative to the input file's folder and may not leave it.
    function findImports(p) {
        const full = path.resolve(baseDir, p);
        if (full !== baseDir && !full.startsWith(baseDir + path.sep))
            return {error: `import ${p} is outside ${baseDir}`};
        try {
            return {contents: fs.readFileSync(full, "utf8")};
        } catch (e) {
            return {error: `cannot read import ${p}: ${e.message}`};
        }
    }
    let out;
    try {
        out = JSON.parse(solc.compile(JSON.stringify(input), {import: findImports}));
    } catch (e) {
        process.stderr.write(`solc-compile: solc ${solc.version()} failed: ${e.message}\n`);
        process.exit(1);
    }
    let failed = false;
    for (const err of out.errors || []) {
        const isError = err.severity === "error";
        failed = failed || isError;
        process.stderr.write((err.formattedMessage || `${err.severity}: ${err.message}`) + "\n");
    }
    if (failed) {
        process.stderr.write(`solc-compile: ${inPath}: compilation failed (solc ${solc.version()})\n`);
        process.exit(1);
    }
    const contracts = (out.contracts && out.contracts[unit]) || {};
    const names = Object.keys(contracts);
    let name = o.contract;
    if (name === null) {
        // Interfaces and abstract contracts have no bytecode: skip them when choosing.
        const deployable = names.filter((n) => contracts[n].evm.bytecode.object.length > 0);
        if (deployable.length !== 1) {
            process.stderr.write(`solc-compile: ${inPath} defines ${deployable.length} deployable ` +
                                 `contracts (${deployable.join(", ")}); pick one with --contract\n`);
            process.exit(1);
        }
        name = deployable[0];
    }
    const c = contracts[name];
    if (!c) {
        process.stderr.write(`solc-compile: no contract ${name} in ${inPath} (found: ${names.join(", ")})\n`);
        process.exit(1);
    }
    if (c.evm.bytecode.object.length === 0) {
        process.stderr.write(`solc-compile: ${name} has no bytecode (abstract or interface)\n`);
        process.exit(1);
    }
    const artifact = makeArtifact(name, c, o.evm, o.runs);
    try {
        fs.writeFileSync(outPath, artifactText(artifact));
    } catch (e) {
        process.stderr.write(`solc-compile: cannot write ${outPath}: ${e.message}\n`);
        process.exit(1);
    }
}

function main() {
    const o = parseArgs(process.argv.slice(2));
    for (let i = 0; i < o.pos.length; i += 2) compileOne(o, o.pos[i], o.pos[i + 1]);
}

// Run as a script, or required for its helpers (tools/build-contracts.js).
if (require.main === module) main();

module.exports = {DEFAULT_EVM, DEFAULT_RUNS, compilerSettings, makeArtifact, artifactText, solc};
