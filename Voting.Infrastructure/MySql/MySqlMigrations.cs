using Voting.Core.Sharding;

namespace Voting.Infrastructure.MySql;

/// <summary>
/// The shard schema, as an ordered list of migrations. Ballot secrecy is structural:
/// <list type="bullet">
/// <item><c>participation_NN</c> holds who voted (pseudonym) and never what; its unique key is
/// one-person-one-vote.</item>
/// <item><c>ballots_NN</c> holds what was voted and never who: no pseudonym, no auto-increment id,
/// no fine timestamp. Keys are random, so neither physical order nor ids line up with participation.</item>
/// </list>
/// The two kinds of table are routed by different ids (pseudonym vs. ballot id), so a voter's
/// participation row and their ballot land in unrelated tables.
/// </summary>
public static class MySqlMigrations
{
    public static IReadOnlyList<MySqlMigration> All { get; } =
    [
        new(1, "participation and ballot tables, 64 of each", CreateShardTables),
        new(2, "tally outbox: counts committed with the ballots, shipped to ClickHouse afterwards", CreateTallyOutbox),
        new(3, "log outbox: ballot hashes committed with the ballots, appended to the Merkle log afterwards", CreateLogOutbox),
        new(4, "log outbox retired: the processor appends each batch to the Merkle log before committing its offsets", RetireLogOutbox),
        new(5, "running totals: the tally outbox is folded into per-shard totals, which are what ClickHouse receives", CreateRunningTotals),
    ];

    /// <summary>
    /// The shard's running totals, one row per (election, state, candidate) and per (election, state,
    /// minute): bounded by the ballot's size and the length of the day, never by the number of
    /// batches. The shipper folds the outbox into them in one transaction, raising <c>version</c>;
    /// ClickHouse keeps the highest version of each row, so shipping a row again, or an older copy
    /// late, changes nothing. <c>shipped_version</c> says how far ClickHouse is known to have it; the indexed
    /// <c>unshipped</c> finds the few rows a round must send without reading the day's minutes.
    /// </summary>
    private static IEnumerable<string> CreateRunningTotals()
    {
        yield return """
            CREATE TABLE IF NOT EXISTS tally_totals (
              election_id     VARCHAR(64)     NOT NULL,
              state           CHAR(2)         NOT NULL,
              candidate       VARCHAR(64)     NOT NULL,
              votes           BIGINT UNSIGNED NOT NULL,
              version         BIGINT UNSIGNED NOT NULL COMMENT 'raised by every fold that changes votes',
              shipped_version BIGINT UNSIGNED NOT NULL DEFAULT 0 COMMENT 'the highest version ClickHouse has',
              unshipped       TINYINT AS (version > shipped_version) PERSISTENT,
              PRIMARY KEY (election_id, state, candidate),
              KEY ix_unshipped (unshipped)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
              COMMENT='Votes per state and candidate stored in this shard. Counts only, never a voter key.'
            """;
        yield return """
            CREATE TABLE IF NOT EXISTS minute_totals (
              election_id     VARCHAR(64)     NOT NULL,
              state           CHAR(2)         NOT NULL,
              minute          DATETIME        NOT NULL COMMENT 'UTC minute the votes were accepted in',
              votes           BIGINT UNSIGNED NOT NULL,
              version         BIGINT UNSIGNED NOT NULL COMMENT 'raised by every fold that changes votes',
              shipped_version BIGINT UNSIGNED NOT NULL DEFAULT 0 COMMENT 'the highest version ClickHouse has',
              unshipped       TINYINT AS (version > shipped_version) PERSISTENT,
              PRIMARY KEY (election_id, state, minute),
              KEY ix_unshipped (unshipped)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
              COMMENT='Votes per state and minute stored in this shard (the votes/s chart). Counts only, never a voter key.'
            """;
    }

    /// <summary>
    /// The log outbox cost every ballot two more writes (insert, delete) only to survive a crash
    /// between the shard commit and the log append; Kafka's uncommitted offsets already replay that
    /// batch. A table still holding hashes (left by an older processor) is never dropped: the
    /// migration stops with the reason, and nothing is lost. DDL is not transactional, so a shard
    /// whose drop went through before its version was recorded just finds the table gone next time.
    /// </summary>
    private static IEnumerable<string> RetireLogOutbox()
    {
        yield return """
            BEGIN NOT ATOMIC
              IF EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'log_outbox') THEN
                IF EXISTS (SELECT 1 FROM log_outbox) THEN
                  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT =
                    'log_outbox still holds ballot hashes waiting for the Merkle log: let the previous processor version drain it, then upgrade';
                END IF;
                DROP TABLE log_outbox;
              END IF;
            END
            """;
    }

    /// <summary>
    /// Hashes of each batch's newly stored ballots, written in the batch's transaction, so every
    /// stored ballot gets exactly one Merkle log position even if the processor dies in between.
    /// Rows are deleted once their ballots know their leaf index.
    /// </summary>
    private static IEnumerable<string> CreateLogOutbox()
    {
        yield return """
            CREATE TABLE IF NOT EXISTS log_outbox (
              seq          BIGINT UNSIGNED  NOT NULL AUTO_INCREMENT PRIMARY KEY,
              election_id  VARCHAR(64)      NOT NULL,
              ballot_table SMALLINT UNSIGNED NOT NULL,
              ballot_hash  BINARY(32)       NOT NULL
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
              COMMENT='Ballot hashes waiting for their Merkle log position. Never holds a voter key.'
            """;
    }

    /// <summary>
    /// Counts of each batch's newly stored ballots, written in the batch's transaction, so ClickHouse
    /// gets every count exactly once even if the processor dies between the two stores. Rows carry
    /// counts only and are deleted once ClickHouse has them.
    /// </summary>
    private static IEnumerable<string> CreateTallyOutbox()
    {
        yield return """
            CREATE TABLE IF NOT EXISTS tally_outbox (
              batch_id    BINARY(16)  NOT NULL,
              election_id VARCHAR(64) NOT NULL,
              state       CHAR(2)     NOT NULL,
              candidate   VARCHAR(64) NOT NULL COMMENT 'empty on per-minute rows',
              minute      DATETIME    NULL     COMMENT 'set on per-minute rows only',
              votes       INT UNSIGNED NOT NULL,
              KEY ix_batch (batch_id)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
              COMMENT='Counts waiting to be shipped to ClickHouse. Never holds a voter key.'
            """;
    }

    private static IEnumerable<string> CreateShardTables()
    {
        for (var table = 0; table < ShardLayout.TablesPerDatabase; table++)
        {
            yield return $"""
                CREATE TABLE IF NOT EXISTS `{ShardLayout.ParticipationTable(table)}` (
                  election_id   VARCHAR(64) NOT NULL,
                  pseudonym     BINARY(32)  NOT NULL COMMENT 'HMAC-SHA256(election secret, election id, voter id)',
                  state         CHAR(2)     NOT NULL,
                  recorded_hour DATETIME    NOT NULL COMMENT 'UTC, truncated to the hour on purpose',
                  PRIMARY KEY (election_id, pseudonym)
                ) ENGINE=InnoDB DEFAULT CHARSET=ascii COLLATE=ascii_bin
                  COMMENT='Who has voted. Never holds a choice.'
                """;
            yield return $"""
                CREATE TABLE IF NOT EXISTS `{ShardLayout.BallotTable(table)}` (
                  election_id   VARCHAR(64)  NOT NULL,
                  ballot_id     BINARY(16)   NOT NULL COMMENT 'random, chosen at ingest',
                  state         CHAR(2)      NOT NULL,
                  candidate     VARCHAR(64)  NOT NULL,
                  ballot_hash   BINARY(32)   NOT NULL COMMENT 'SHA-256 of the canonical ballot = the receipt',
                  recorded_hour DATETIME     NOT NULL COMMENT 'UTC, truncated to the hour on purpose',
                  leaf_index    BIGINT UNSIGNED NULL COMMENT 'position in the election Merkle log',
                  PRIMARY KEY (election_id, ballot_id),
                  UNIQUE KEY ux_ballot_hash (ballot_hash),
                  KEY ix_state_candidate (election_id, state, candidate)
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
                  COMMENT='What was voted. Never holds a voter key.'
                """;
        }
    }
}
