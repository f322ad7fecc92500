using Voting.Infrastructure.Kafka;

namespace Voting.TestSupport;

/// <summary>
/// The environment that points child services (processor, audit, ingest, console) at one test's own
/// election, topics, consumer group, databases and Redis keys, with fast checkpoints and its own
/// Anvil account.
/// </summary>
public static class PipelineEnvironment
{
    public static Dictionary<string, string> For(
        string election, string electionName, KafkaOptions kafka, string databasePrefix, string clickHouseDatabase, string redisPrefix,
        byte[] pseudonymSecret, IReadOnlyList<string> candidates, int devAccount)
    {
        var environment = new Dictionary<string, string>
        {
            ["Voting__Kafka__VotesTopic"] = kafka.VotesTopic,
            ["Voting__Kafka__DeadLetterTopic"] = kafka.DeadLetterTopic,
            ["Voting__Kafka__ProcessorGroup"] = kafka.ProcessorGroup,
            ["Voting__MySql__DatabasePrefix"] = databasePrefix,
            ["Voting__ClickHouse__Database"] = clickHouseDatabase,
            ["Voting__Redis__KeyPrefix"] = redisPrefix,
            ["Voting__Elections__10__Id"] = election,
            ["Voting__Elections__10__Name"] = electionName,
            ["Voting__Elections__10__OpensAt"] = DateTimeOffset.UtcNow.AddDays(-1).ToString("O"),
            ["Voting__Elections__10__ClosesAt"] = DateTimeOffset.UtcNow.AddDays(1).ToString("O"),
            ["Voting__Elections__10__PseudonymSecret"] = Convert.ToBase64String(pseudonymSecret),
            ["Voting__Processor__MaxBatchWaitMilliseconds"] = "50",
            ["Voting__Audit__CheckpointIntervalSeconds"] = "1",
            ["Voting__Audit__AnchorRetrySeconds"] = "1",
            ["Voting__Audit__ScheduledAuditMinutes"] = "0",
            ["Voting__Chain__AnchorPrivateKey"] = LocalStack.DevAccountKey(devAccount), // its own account: other projects anchor at the same time
        };
        for (var i = 0; i < candidates.Count; i++)
        {
            environment[$"Voting__Elections__10__Candidates__{i}"] = candidates[i];
        }

        return environment;
    }
}
