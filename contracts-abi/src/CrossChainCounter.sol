// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import "./IMessageReceiver.sol";

/// @title CrossChainCounter: the example dApp of the demo and the tests.
/// @notice Counts the messages its Inbox delivers. A 32-byte payload is read as the amount
/// to add (a uint256); any other payload adds 1.
contract CrossChainCounter is IMessageReceiver {
    address public immutable inbox;
    // Packed two per slot: a delivery writes two storage slots, not four.
    uint128 public count;
    uint64 public messages;
    address public lastSender;
    uint64 public lastSrcChainId;

    event Counted(uint64 indexed srcChainId, address indexed sender, uint256 amount, uint256 count);

    error NotInbox(address caller);

    constructor(address inbox_) {
        inbox = inbox_;
    }

    function onMessage(uint64 srcChainId, address sender, bytes calldata payload) external {
        if (msg.sender != inbox) revert NotInbox(msg.sender);
        uint128 amount = payload.length == 32 ? uint128(abi.decode(payload, (uint256))) : 1;
        count += amount;
        messages += 1;
        lastSender = sender;
        lastSrcChainId = srcChainId;
        emit Counted(srcChainId, sender, amount, count);
    }
}
