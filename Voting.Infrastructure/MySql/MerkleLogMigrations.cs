namespace Voting.Infrastructure.MySql;

/// <summary>
/// The Merkle log database: per election an append-only sequence of ballot hashes (the leaves, in
/// the order the processor committed them), the current tree size, and the checkpoints anchored on
/// chain. Holds ballot hashes and tree data only, never a voter key.
/// </summary>
public static class MerkleLogMigrations
{
    public static IReadOnlyList<MySqlMigration> All { get; } =
    [
        new(1, "Merkle log: tree heads, leaves, checkpoints", CreateLogTables),
        new(2, "anchor contracts deployed by the audit service, per chain", CreateAnchorContracts),
    ];

    private static IEnumerable<string> CreateAnchorContracts()
    {
        yield return """
            CREATE TABLE IF NOT EXISTS anchor_contracts (
              chain_id    BIGINT UNSIGNED NOT NULL PRIMARY KEY,
              address     CHAR(42)        NOT NULL,
              deploy_tx   CHAR(66)        NOT NULL,
              deployed_at DATETIME(3)     NOT NULL
            ) ENGINE=InnoDB DEFAULT CHARSET=ascii COLLATE=ascii_bin
              COMMENT='The CheckpointAnchor contract the audit service deployed on each chain.'
            """;
    }

    private static IEnumerable<string> CreateLogTables()
    {
        yield return """
            CREATE TABLE IF NOT EXISTS merkle_heads (
              election_id VARCHAR(64)     NOT NULL PRIMARY KEY,
              tree_size   BIGINT UNSIGNED NOT NULL
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
              COMMENT='Leaves appended so far per election; its row lock serializes appends.'
            """;
        yield return """
            CREATE TABLE IF NOT EXISTS merkle_leaves (
              election_id VARCHAR(64)     NOT NULL,
              leaf_index  BIGINT UNSIGNED NOT NULL,
              ballot_hash BINARY(32)      NOT NULL COMMENT 'leaf data; the leaf hash is SHA-256(0x00 || ballot_hash)',
              PRIMARY KEY (election_id, leaf_index),
              UNIQUE KEY ux_ballot_hash (ballot_hash)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
              COMMENT='The append-only Merkle log. Never updated or deleted by the system.'
            """;
        yield return """
            CREATE TABLE IF NOT EXISTS checkpoints (
              election_id  VARCHAR(64)     NOT NULL,
              tree_size    BIGINT UNSIGNED NOT NULL,
              root         BINARY(32)      NOT NULL,
              created_at   DATETIME(3)     NOT NULL,
              tx_hash      CHAR(66)        NULL COMMENT 'set once anchored',
              block_number BIGINT UNSIGNED NULL,
              anchored_at  DATETIME(3)     NULL,
              last_error   VARCHAR(500)    NULL COMMENT 'why the last anchoring attempt failed',
              PRIMARY KEY (election_id, tree_size)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
              COMMENT='Signed tree heads, queued until anchored on chain in order.'
            """;
    }
}
