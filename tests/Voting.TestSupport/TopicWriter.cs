using Voting.Core.Ballots;
using Voting.Infrastructure.Kafka;

namespace Voting.TestSupport;

/// <summary>Puts votes on a votes topic as ingest does (acks=all); throws when the broker did not take one.</summary>
public static class TopicWriter
{
    public static async Task ProduceAsync(KafkaOptions kafka, IEnumerable<VoteMessage> votes)
    {
        using var producer = new VoteProducer(kafka, 30_000);
        var failures = await producer.ProduceAllAsync([.. votes]);
        if (failures.FirstOrDefault(f => f is not null) is { } failure)
        {
            throw failure;
        }
    }
}
