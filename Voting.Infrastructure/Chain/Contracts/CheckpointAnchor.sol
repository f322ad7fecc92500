// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Append-only log of Merkle-tree checkpoints, one log per election.
/// @notice Each checkpoint commits to the RFC 6962 root of the election's ballot log at a tree size.
/// Sizes only grow, a checkpoint can never be changed or removed, and every anchor emits an event,
/// so anyone holding the chain can verify inclusion and consistency proofs without our servers.
contract CheckpointAnchor {
    struct Checkpoint {
        uint64 treeSize;
        bytes32 root;
        uint64 timestamp;
    }

    address public immutable owner;
    mapping(bytes32 => Checkpoint[]) private logs;

    event Anchored(bytes32 indexed electionId, uint256 indexed index, uint64 treeSize, bytes32 root, uint64 timestamp);

    error NotOwner(address caller);
    error EmptyTree();
    error SizeMustGrow(uint64 previous, uint64 proposed);
    error NoSuchCheckpoint(uint256 index, uint256 count);

    constructor() {
        owner = msg.sender;
    }

    /// @notice Appends a checkpoint; reverts unless the tree grew since the last one.
    function anchor(bytes32 electionId, uint64 treeSize, bytes32 root, uint64 timestamp) external returns (uint256 index) {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        if (treeSize == 0) revert EmptyTree();
        Checkpoint[] storage log = logs[electionId];
        index = log.length;
        if (index > 0 && treeSize <= log[index - 1].treeSize) revert SizeMustGrow(log[index - 1].treeSize, treeSize);
        log.push(Checkpoint(treeSize, root, timestamp));
        emit Anchored(electionId, index, treeSize, root, timestamp);
    }

    /// @notice How many checkpoints an election has.
    function count(bytes32 electionId) external view returns (uint256) {
        return logs[electionId].length;
    }

    /// @notice The checkpoint at `index` of an election's log.
    function checkpointAt(bytes32 electionId, uint256 index) external view returns (uint64 treeSize, bytes32 root, uint64 timestamp) {
        Checkpoint[] storage log = logs[electionId];
        if (index >= log.length) revert NoSuchCheckpoint(index, log.length);
        Checkpoint storage c = log[index];
        return (c.treeSize, c.root, c.timestamp);
    }
}
