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
    ];

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
