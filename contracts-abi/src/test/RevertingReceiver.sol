// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import "../IMessageReceiver.sol";

/// Test only: reverts (Refused) while `failing` is set, counts the calls that succeed. The
/// tests deliver to it, then clear `failing` and retry.
contract RevertingReceiver is IMessageReceiver {
    bool public failing = true;
    uint256 public calls;

    error Refused(uint256 code);

    function setFailing(bool f) external {
        failing = f;
    }

    function onMessage(uint64, address, bytes calldata) external {
        if (failing) revert Refused(42);
        calls += 1;
    }
}
