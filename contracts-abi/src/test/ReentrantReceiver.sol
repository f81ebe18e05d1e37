// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import "../IMessageReceiver.sol";

/// Test only: on each message, calls the Inbox again with the calldata armed by the test (a
/// second deliver of the same message, or a retry) and records what that call returned.
contract ReentrantReceiver is IMessageReceiver {
    address public immutable inbox;
    bytes public reentryData;
    bool public reentryOk;
    bytes public reentryResult;
    bool public failAfterReentry;
    uint256 public calls;

    constructor(address inbox_) {
        inbox = inbox_;
    }

    function arm(bytes calldata data, bool failAfter) external {
        reentryData = data;
        failAfterReentry = failAfter;
    }

    function onMessage(uint64, address, bytes calldata) external {
        calls += 1;
        if (reentryData.length != 0) {
            (bool ok, bytes memory ret) = inbox.call(reentryData);
            reentryOk = ok;
            reentryResult = ret;
        }
        if (failAfterReentry) revert("reentrant receiver fails on purpose");
    }
}
