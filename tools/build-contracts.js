#!/usr/bin/env node
// `make contracts`: compiles every contracts-abi/src/**/*.sol in one solc-js run (the
// version pinned in tools/package.json; the settings of tools/solc-compile.js: optimizer
// on, 200 runs, evm paris) and writes one artifact per file, contracts-abi/build/<Name>.json
//   {"contractName", "compiler", "evmVersion", "optimizer", "abi", "bytecode",
//    "deployedBytecode", "sourcePath", "methodIdentifiers"}
// where Name is the file's base name, which must name a contract or interface in it
// (an interface gets bytecode "0x"). The artifacts are committed.
//
// usage: node tools/build-contracts.js [--check] [--src DIR] [--out DIR]
//   --check  compile, write nothing, and exit 1 naming every artifact under --out that is
//            stale (differs from a fresh compile), missing, or left over from a deleted
//            source; `make test` runs it through tests/contracts/test_contracts_build.c.
// Exits 0 on success; 1 on a compiler error (printed with file:line), an I/O error, a
// source without its named contract, or a stale artifact under --check; 2 on a usage error.
"use strict";

const fs = require("fs");
const path = require("path");
const sc = require("./solc-compile.js");

const ROOT = path.resolve(__dirname, "..");

function usage(msg) {
    if (msg) process.stderr.write(`build-contracts: ${msg}\n`);
    process.stderr.write("usage: node tools/build-contracts.js [--check] [--src DIR] [--out DIR]\n");
    process.exit(2);
}

function parseArgs(argv) {
    const o = {check: false, src: path.join(ROOT, "contracts-abi/src"), out: path.join(ROOT, "contracts-abi/build")};
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--check") o.check = true;
        else if (a === "--src" || a === "--out") {
            if (i + 1 >= argv.length) usage(`${a} needs a value`);
            o[a.slice(2)] = path.resolve(argv[++i]);
        } else if (a === "-h" || a === "--help") {
            process.stdout.write("usage: node tools/build-contracts.js [--check] [--src DIR] [--out DIR]\n");
            process.exit(0);
        } else usage(`unknown argument '${a}'`);
    }
    return o;
}

function fail(msg) {
    process.stderr.write(`build-contracts: ${msg}\n`);
    process.exit(1);
}

// Every .sol file under dir, as '/'-separated paths relative to it, sorted (so the
// compiler input, and with it the metadata hash in the bytecode, is reproducible).
function listSources(dir, rel = "") {
    let out = [];
    let entries;
    try {
        entries = fs.readdirSync(path.join(dir, rel), {withFileTypes: true});
    } catch (e) {
        fail(`cannot read ${path.join(dir, rel)}: ${e.message}`);
    }
    for (const e of entries) {
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) out = out.concat(listSources(dir, r));
        else if (e.isFile() && e.name.endsWith(".sol")) out.push(r);
    }
    return out.sort();
}

function compileAll(o) {
    const units = listSources(o.src);
    if (units.length === 0) fail(`no .sol file under ${o.src}`);
    const sources = {};
    for (const u of units) sources[u] = {content: fs.readFileSync(path.join(o.src, u), "utf8")};
    const settings = sc.compilerSettings(sc.DEFAULT_EVM, sc.DEFAULT_RUNS);
    settings.outputSelection["*"]["*"].push("evm.methodIdentifiers");
    const input = {language: "Solidity", sources, settings};
    // Every source is in the input: an import of anything else is an error.
    const noImports = (p) => ({error: `import ${p} is not under ${o.src}`});
    let out;
    try {
        out = JSON.parse(sc.solc.compile(JSON.stringify(input), {import: noImports}));
    } catch (e) {
        fail(`solc ${sc.solc.version()} failed: ${e.message}`);
    }
    let failed = false;
    for (const err of out.errors || []) {
        failed = failed || err.severity === "error";
        process.stderr.write((err.formattedMessage || `${err.severity}: ${err.message}`) + "\n");
    }
    if (failed) fail(`compilation failed (solc ${sc.solc.version()})`);
    const artifacts = new Map();
    for (const u of units) {
        const name = path.posix.basename(u, ".sol");
        const c = out.contracts && out.contracts[u] && out.contracts[u][name];
        if (!c) fail(`${u} defines no contract or interface named ${name}`);
        if (artifacts.has(name)) fail(`two sources are named ${name}.sol`);
        const a = sc.makeArtifact(name, c, sc.DEFAULT_EVM, sc.DEFAULT_RUNS);
        a.sourcePath = `contracts-abi/src/${u}`;
        a.methodIdentifiers = c.evm.methodIdentifiers;
        artifacts.set(name, sc.artifactText(a));
    }
    return artifacts;
}

function main() {
    const o = parseArgs(process.argv.slice(2));
    const artifacts = compileAll(o);
    let existing = [];
    try {
        existing = fs.readdirSync(o.out).filter((f) => f.endsWith(".json"));
    } catch (e) {
        if (o.check) fail(`cannot read ${o.out}: ${e.message} (run make contracts)`);
        fs.mkdirSync(o.out, {recursive: true});
    }
    const rel = (f) => path.relative(process.cwd(), path.join(o.out, f));
    const extra = existing.filter((f) => !artifacts.has(path.basename(f, ".json")));
    if (o.check) {
        const bad = [];
        for (const [name, text] of artifacts) {
            const f = `${name}.json`;
            let old = null;
            try {
                old = fs.readFileSync(path.join(o.out, f), "utf8");
            } catch (e) {
                bad.push(`${rel(f)}: missing`);
                continue;
            }
            if (old !== text) bad.push(`${rel(f)}: stale (differs from a fresh compile)`);
        }
        for (const f of extra) bad.push(`${rel(f)}: no source (contracts-abi/src/**/${path.basename(f, ".json")}.sol)`);
        if (bad.length) {
            for (const b of bad) process.stderr.write(`build-contracts: ${b}\n`);
            fail("artifacts are out of date: run `make contracts` and commit contracts-abi/build");
        }
        process.stdout.write(`build-contracts: ${artifacts.size} artifacts up to date (solc ${sc.solc.version()})\n`);
        return;
    }
    for (const [name, text] of artifacts) {
        try {
            fs.writeFileSync(path.join(o.out, `${name}.json`), text);
        } catch (e) {
            fail(`cannot write ${rel(name + ".json")}: ${e.message}`);
        }
    }
    // Artifacts of deleted sources would pass for current ones.
    for (const f of extra) fs.unlinkSync(path.join(o.out, f));
    process.stdout.write(`build-contracts: wrote ${artifacts.size} artifacts to ${path.relative(process.cwd(), o.out) || "."}\n`);
}

main();
