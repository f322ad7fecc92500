// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Append-only log of Merkle-tree checkpoints, one log per election.
/// @notice Each checkpoint commits to the RFC 6962 root of the election's ballot log at a tree size.
/// Sizes only grow, a checkpoint can never be changed or removed, and every anchor emits an event,
/// so anyone holding the chain can verify inclusion and consistency proofs without our servers.
/// Every checkpoint after an election's first comes with a consistency proof (RFC 9162 §2.1.4) from the
/// one before it, checked here: the chain holds one growing log per election, never a rewritten history,
/// even should the anchoring key anchor whatever root it is given.
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
    error NotAnExtension(uint64 previousSize, bytes32 previousRoot, uint64 treeSize, bytes32 root);
    error NoSuchCheckpoint(uint256 index, uint256 count);

    constructor() {
        owner = msg.sender;
    }

    /// @notice Appends a checkpoint; reverts unless the tree grew since the last one and `consistency`
    /// proves the last one's tree is the first `previous.treeSize` leaves of this one (ignored for an
    /// election's first checkpoint).
    function anchor(bytes32 electionId, uint64 treeSize, bytes32 root, uint64 timestamp, bytes32[] calldata consistency)
        external
        returns (uint256 index)
    {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        if (treeSize == 0) revert EmptyTree();
        Checkpoint[] storage log = logs[electionId];
        index = log.length;
        if (index > 0) {
            Checkpoint storage previous = log[index - 1];
            if (treeSize <= previous.treeSize) revert SizeMustGrow(previous.treeSize, treeSize);
            if (!isConsistent(previous.treeSize, treeSize, previous.root, root, consistency)) {
                revert NotAnExtension(previous.treeSize, previous.root, treeSize, root);
            }
        }
        log.push(Checkpoint(treeSize, root, timestamp));
        emit Anchored(electionId, index, treeSize, root, timestamp);
    }

    /// @notice Whether `proof` shows the tree of `firstSize` leaves with root `firstRoot` is the first
    /// `firstSize` leaves of the tree of `secondSize` leaves with root `secondRoot` (RFC 9162 §2.1.4.2,
    /// SHA-256 as RFC 6962 hashes interior nodes). Anyone may ask; nothing is stored.
    function isConsistent(uint64 firstSize, uint64 secondSize, bytes32 firstRoot, bytes32 secondRoot, bytes32[] calldata proof)
        public
        pure
        returns (bool)
    {
        if (firstSize == 0 || secondSize < firstSize) return false;
        if (firstSize == secondSize) return proof.length == 0 && firstRoot == secondRoot;
        if (proof.length == 0) return false;

        uint256 fn = firstSize - 1;
        uint256 sn = secondSize - 1;
        while (fn & 1 == 1) {
            fn >>= 1;
            sn >>= 1;
        }

        // A first tree of a power of two leaves is a complete subtree: the proof leaves out its root.
        uint256 next;
        bytes32 fr;
        if (firstSize & (firstSize - 1) == 0) {
            fr = firstRoot;
        } else {
            fr = proof[0];
            next = 1;
        }
        bytes32 sr = fr;

        for (; next < proof.length; next++) {
            if (sn == 0) return false;
            bytes32 c = proof[next];
            if (fn & 1 == 1 || fn == sn) {
                fr = interior(c, fr);
                sr = interior(c, sr);
                while (fn & 1 == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                sr = interior(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && fr == firstRoot && sr == secondRoot;
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

    /// @dev RFC 6962's interior node: SHA-256(0x01 || left || right).
    function interior(bytes32 left, bytes32 right) private pure returns (bytes32) {
        return sha256(abi.encodePacked(bytes1(0x01), left, right));
    }
}
