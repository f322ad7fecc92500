using Voting.Core.Ballots;
using Voting.Infrastructure.ClickHouse;
using Voting.Infrastructure.MySql;
using Voting.Infrastructure.Storage;

namespace Voting.TestSupport;

/// <summary>Stores votes exactly as the processor does, without Kafka: Merkle log, shards, tallies.</summary>
public static class ProcessorWrites
{
    public static async Task StoreAsync(MySqlShardConnections shards, ClickHouseTallyStore tallies, IReadOnlyList<VoteMessage> votes)
    {
        var outcome = await RecordAsync(shards, votes);
        await new TallyOutbox(shards, tallies).ShipAsync(outcome.Shards, CancellationToken.None);
    }

    /// <summary>The Merkle log and the shards only; the counts stay in the tally outboxes. Both schemas must exist.</summary>
    public static Task<BatchOutcome> RecordAsync(MySqlShardConnections shards, IReadOnlyList<VoteMessage> votes) =>
        new BatchRecorder(new BallotStore(shards), new MerkleLogAppender(shards)).RecordAsync(votes, CancellationToken.None);
}
