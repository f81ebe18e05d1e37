// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import "../IMessageReceiver.sol";

/// Test only: burns every unit of gas it is given (an out-of-gas receiver).
contract GasBurner is IMessageReceiver {
    uint256 public sink;

    function onMessage(uint64, address, bytes calldata) external {
        uint256 x;
        while (gasleft() > 0) {
            x = uint256(keccak256(abi.encode(x)));
        }
        sink = x;
    }
}
