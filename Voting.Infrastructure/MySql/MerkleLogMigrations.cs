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
        new(3, "leaf ranges reserved by appenders, filled outside the tree head's lock", CreateReservations),
        new(4, "each reserved leaf range names the lock its appender's session holds", AddReservationLocks),
        new(5, "an anchored checkpoint counts once its block is deep enough (final_at)", AddAnchorFinality),
        new(6, "the anchor transaction in flight (pending_tx); anchors taken before migration 5 stay trusted", AddPendingTransactions),
        new(7, "the signed anchor transaction in flight (pending_raw), sent again when the node does not hold it", AddPendingRawTransactions),
    ];

    /// <summary>
    /// The signed bytes of the anchor transaction <c>pending_tx</c> names, recorded with it before it is
    /// sent: one the node does not hold (a crash between recording and sending, or a send lost on the
    /// way) is sent again as it is, with its nonce, instead of a new transaction behind it. A transaction
    /// recorded before this version has none, and is handled as before.
    /// </summary>
    private static IEnumerable<string> AddPendingRawTransactions()
    {
        yield return """
            ALTER TABLE checkpoints
              ADD COLUMN IF NOT EXISTS pending_raw VARBINARY(2048) NULL
                COMMENT 'the signed transaction pending_tx names (a checkpoint, never a voter): sent again if the node does not hold it'
                AFTER pending_tx
            """;
    }

    /// <summary>
    /// Checkpoints anchored before this version have no <c>final_at</c>; migration 6 marks them final,
    /// as they were trusted. (This step is left as first released: a database that ran it must not
    /// miss what a later edit would add.)
    /// </summary>
    private static IEnumerable<string> AddAnchorFinality()
    {
        yield return """
            ALTER TABLE checkpoints
              ADD COLUMN IF NOT EXISTS final_at DATETIME(3) NULL
                COMMENT 'set once the anchoring block has Voting:Chain:ConfirmationBlocks blocks on top; proofs and receipts use only these'
                AFTER anchored_at
            """;
    }

    /// <summary>
    /// The anchor transaction in flight per checkpoint, waited for rather than sent again. Checkpoints
    /// anchored before migration 5 ran were trusted as soon as mined, and stay trusted: they get
    /// <c>final_at</c> = <c>anchored_at</c> (looking them up again could fail on a node that no longer
    /// indexes old transactions, and would turn their receipts back to "recorded" meanwhile). Those
    /// anchored since are left to the audit service, which confirms them.
    /// </summary>
    private static IEnumerable<string> AddPendingTransactions()
    {
        yield return """
            ALTER TABLE checkpoints
              ADD COLUMN IF NOT EXISTS pending_tx CHAR(66) NULL
                COMMENT 'the anchor transaction last sent and not seen mined: waited for, never sent again while the node holds it'
                AFTER final_at
            """;
        yield return """
            UPDATE checkpoints SET final_at = anchored_at
            WHERE tx_hash IS NOT NULL AND final_at IS NULL
              AND anchored_at < (SELECT applied_at FROM schema_migrations WHERE version = 5)
            """;
    }

    /// <summary>
    /// Ranges reserved before this version name no lock: they get one nobody holds, so they count as
    /// abandoned and are released at the next append or checkpoint.
    /// </summary>
    private static IEnumerable<string> AddReservationLocks()
    {
        yield return """
            ALTER TABLE merkle_reservations
              ADD COLUMN IF NOT EXISTS lock_name VARCHAR(64) NOT NULL DEFAULT 'voting_log_range:none'
                COMMENT 'named lock its appender holds until it fills the range; free means abandoned'
                AFTER leaf_count
            """;
    }

    private static IEnumerable<string> CreateReservations()
    {
        yield return """
            ALTER TABLE merkle_heads
              ADD COLUMN IF NOT EXISTS reserved_size BIGINT UNSIGNED NOT NULL DEFAULT 0
                COMMENT 'positions handed out to appenders so far; tree_size is the filled prefix'
            """;
        yield return "UPDATE merkle_heads SET reserved_size = tree_size WHERE reserved_size < tree_size";
        yield return """
            CREATE TABLE IF NOT EXISTS merkle_reservations (
              election_id VARCHAR(64)     NOT NULL,
              first_leaf  BIGINT UNSIGNED NOT NULL,
              leaf_count  INT UNSIGNED    NOT NULL,
              reserved_at DATETIME(3)     NOT NULL,
              PRIMARY KEY (election_id, first_leaf)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
              COMMENT='Leaf ranges handed out and not filled yet; tree_size stops at the first.'
            """;
    }

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
