/* `zkrelay-devnet send`: sends one bridge message through the source chain's
 * Outbox from anvil's unlocked dev account (eth_sendTransaction), for the demo
 * and tests. Devnet tooling: it signs nothing and needs a node that holds the
 * sender's key, which no production node does. */
#ifndef ZKRELAY_DEVNET_CMD_SEND_H
#define ZKRELAY_DEVNET_CMD_SEND_H

/* The `send` command. argv[0] == "send".
 * Prints the message hash, nonce, source block, transaction hash and gas used
 * on stdout ("name: value" lines, or one JSON object with --json).
 * Returns CLI_OK, CLI_FAILURE (RPC error, reverted send, no MessageSent log) or
 * CLI_USAGE (after printing why to stderr). */
int devnet_cmd_send(int argc, char **argv);

#endif
