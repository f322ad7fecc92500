using System.Diagnostics;
using System.Globalization;
using System.Text;
using MySqlConnector;
using Voting.Core.Ballots;
using Voting.Core.Sharding;
using Voting.Infrastructure.MySql;

namespace Voting.Bench.Processor;

/// <summary>
/// The ceiling: the same participation and ballot rows written into the same sharded tables as
/// fast as this box allows — no Kafka, no checks, no outbox. One writer per shard database, each
/// transaction one round trip of multi-row INSERTs (literal values, grouped per table).
/// </summary>
internal static class RawShardWriter
{
    public static async Task<TimeSpan> WriteAsync(
        MySqlShardConnections shards, IReadOnlyList<VoteMessage> votes, int votesPerTransaction, Action<long> progress, CancellationToken cancellationToken)
    {
        var perShard = votes.GroupBy(v => ShardRouter.DatabaseFor(v.State)).ToList();
        long written = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(perShard.Select(group => Task.Run(async () =>
        {
            await using var connection = await shards.OpenShardAsync(group.Key, cancellationToken);
            foreach (var chunk in group.Chunk(votesPerTransaction))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using var command = new MySqlCommand(InsertSql(chunk), connection, transaction);
                await command.ExecuteNonQueryAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                progress(Interlocked.Add(ref written, chunk.Length));
            }
        }, cancellationToken)));
        return clock.Elapsed;
    }

    private static string InsertSql(VoteMessage[] chunk)
    {
        var sql = new StringBuilder(chunk.Length * 300);
        foreach (var table in chunk.GroupBy(v => ShardRouter.TableFor(v.Pseudonym)))
        {
            sql.Append("INSERT INTO `").Append(ShardLayout.ParticipationTable(table.Key)).Append("` (election_id, pseudonym, state, recorded_hour) VALUES ");
            var first = true;
            foreach (var v in table)
            {
                sql.Append(first ? "(" : ",(").Append('\'').Append(v.ElectionId).Append("',X'").Append(Convert.ToHexString(v.Pseudonym))
                    .Append("','").Append(v.State).Append("','").Append(Hour(v)).Append("')");
                first = false;
            }

            sql.Append(";\n");
        }

        foreach (var table in chunk.GroupBy(v => ShardRouter.TableFor(v.BallotId)))
        {
            sql.Append("INSERT INTO `").Append(ShardLayout.BallotTable(table.Key)).Append("` (election_id, ballot_id, state, candidate, ballot_hash, recorded_hour) VALUES ");
            var first = true;
            foreach (var v in table)
            {
                sql.Append(first ? "(" : ",(").Append('\'').Append(v.ElectionId).Append("',X'").Append(Convert.ToHexString(v.BallotId))
                    .Append("','").Append(v.State).Append("','").Append(v.Candidate).Append("',X'").Append(Convert.ToHexString(v.BallotHash))
                    .Append("','").Append(Hour(v)).Append("')");
                first = false;
            }

            sql.Append(";\n");
        }

        return sql.ToString();
    }

    private static string Hour(VoteMessage vote) =>
        VoteMessageRules.RecordedHour(vote.AcceptedAtUnixMs).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
