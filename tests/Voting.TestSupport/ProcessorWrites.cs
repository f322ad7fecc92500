using Voting.Core.Ballots;
using Voting.Infrastructure.ClickHouse;
using Voting.Infrastructure.MySql;
using Voting.Infrastructure.Storage;

namespace Voting.TestSupport;

/// <summary>Stores votes exactly as the processor does, without Kafka: shards, Merkle log, tallies.</summary>
public static class ProcessorWrites
{
    public static async Task StoreAsync(MySqlShardConnections shards, ClickHouseTallyStore tallies, IReadOnlyList<VoteMessage> votes)
    {
        var outcome = await new BallotStore(shards).WriteBatchAsync(votes, CancellationToken.None);
        await new MerkleLogAppender(shards).AppendAsync(outcome.ForLog, CancellationToken.None);
        await new TallyOutbox(shards, tallies).ShipAsync(outcome.Shards, CancellationToken.None);
    }
}
