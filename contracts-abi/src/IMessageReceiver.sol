// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// @notice What a dApp implements to receive bridge messages from the Inbox.
/// @dev The Inbox calls onMessage with at most Inbox.RECEIVER_GAS gas. A revert (or running
///      out of that gas) does not block the channel: the message is stored as failed and
///      anyone can retry it later with Inbox.retry. A receiver must check that msg.sender is
///      the Inbox it trusts, and should check srcChainId and sender.
interface IMessageReceiver {
    function onMessage(uint64 srcChainId, address sender, bytes calldata payload) external;
}
