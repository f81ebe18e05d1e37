// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @title Outbox: the source-chain end of the bridge.
/// @notice Anyone sends a message; it is identified by
///   m = keccak256(abi.encode(uint64 srcChainId, address outbox, uint64 nonce,
///                            address sender, uint64 dstChainId, address receiver, bytes payload))
/// and announced by the MessageSent event, whose receipt the inclusion proof points at.
/// No owner, no upgrade, no pause: nothing here can be moved by a key.
contract Outbox {
    /// Largest payload accepted. The inclusion circuit hashes the whole receipt holding the
    /// log, so the payload size bounds the circuit's receipt size.
    uint256 public constant MAX_PAYLOAD = 1024;

    /// This chain's id (block.chainid at deployment), the srcChainId in m.
    uint64 public immutable srcChainId;
    /// The nonce the next message gets: one global counter, so each nonce names at most one
    /// message of this Outbox, and the Inbox can track deliveries by nonce.
    uint64 public nextNonce;

    event MessageSent(
        bytes32 indexed m,
        uint64 indexed nonce,
        address indexed sender,
        uint64 dstChainId,
        address receiver,
        bytes payload
    );

    error PayloadTooLarge(uint256 size, uint256 max);
    error ZeroReceiver();
    error ChainIdTooLarge(uint256 chainId);

    constructor() {
        if (block.chainid > type(uint64).max) revert ChainIdTooLarge(block.chainid);
        srcChainId = uint64(block.chainid);
    }

    /// @notice Sends payload to receiver on chain dstChainId.
    /// @return m the message hash, nonce the nonce it was given.
    function send(uint64 dstChainId, address receiver, bytes calldata payload)
        external
        returns (bytes32 m, uint64 nonce)
    {
        if (payload.length > MAX_PAYLOAD) revert PayloadTooLarge(payload.length, MAX_PAYLOAD);
        if (receiver == address(0)) revert ZeroReceiver();
        nonce = nextNonce;
        // 2^64 messages cannot be sent: the checked increment never reverts in practice.
        nextNonce = nonce + 1;
        m = messageHash(nonce, msg.sender, dstChainId, receiver, payload);
        emit MessageSent(m, nonce, msg.sender, dstChainId, receiver, payload);
    }

    /// @notice The hash m of a message of this Outbox (the one MessageSent carries as topic1).
    function messageHash(
        uint64 nonce,
        address sender,
        uint64 dstChainId,
        address receiver,
        bytes calldata payload
    ) public view returns (bytes32) {
        return keccak256(abi.encode(srcChainId, address(this), nonce, sender, dstChainId, receiver, payload));
    }
}
